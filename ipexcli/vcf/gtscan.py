"""The genotype-only scan of chrX/chrY for sex inference: record lines in, GT text out.

Sex inference needs, per non-PAR record, only the genotypes. Building a
:class:`~ipexcli.model.VariantRecord` with its calls for each of the ~200,000 chrX records of a
genome cost ~2 s; here the common record, one ALT whose REF and ALT are upper-case ``ACGT``
strings (an SNV or a plain indel) and whose FORMAT starts with ``GT``, is checked and cut from
the bytes, and its sample text is handed on as it is (:mod:`ipexcli.sexscan` counts the GT
classes): for such a record the reader's expansion keeps every call as written, so the counts
are the same. Everything else (multi-allelic records, whose GTs are split per ALT; lower-case,
``N`` or IUPAC bases; symbolic, ``*`` or breakend ALTs; a FILTER that ``--pass-only`` may drop;
a FORMAT without a leading GT; a malformed line) takes the exact path:
:func:`~ipexcli.vcf.records.parse_raw` and the reader's expansion, so skips are counted with
their reason in ``stats.chrom_skipped`` exactly as
:meth:`~ipexcli.vcf.reader.VcfReader.chrom_records` counts them (a test compares both paths).

PAR records are cut by position (1-based ``POS``) against the bundled PAR table of the build in
use (of both builds when the build is unknown), as :meth:`chrom_records` does.

``windows`` (0-based half-open ``(start, end)`` pairs) restrict the scan to those stretches:
the sampled scan of :mod:`ipexcli.sexscan` reads a few of them through the index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ipexcli.genotypes import SampleCalls, SampleColumns
from ipexcli.model import VariantRecord
from ipexcli.vcf.records import BadRecord, parse_raw

if TYPE_CHECKING:
    from ipexcli.model import Build
    from ipexcli.refdata import AssemblyFacts
    from ipexcli.vcf.reader import VcfReader
    from ipexcli.vcf.records import RawRecord

_PASSING = frozenset((b".", b"", b"PASS"))

#: one scanned site: ``(canonical chrom, FORMAT bytes, sample bytes, None)`` for a fast-path SNV
#: (GT is the first FORMAT key; the record's :class:`~ipexcli.genotypes.SampleColumns` instead of
#: None when the locus read has them: :func:`region_sites`), ``(canonical chrom, b"", b"",
#: record)`` for each record of the exact path
Site = tuple[str, bytes, bytes, VariantRecord | SampleColumns | None]


def par_cuts(reader: VcfReader, canonical: str) -> tuple[list[tuple[int, int]], ...]:
    """The PARs left out, as 0-based half-open ``(start, end)`` (a 1-based POS is in one when
    ``start < POS <= end``, :meth:`ipexcli.refdata.Interval.contains`): those
    :meth:`~ipexcli.vcf.reader.VcfReader.chrom_records` leaves out before expanding a record
    (the build in use), and all of them with those :func:`ipexcli.sex.infer_sexes` leaves out
    too (both builds' when the build is not decided)."""
    from ipexcli.model import Build

    _, _, pars = reader.chrom_context(canonical)
    decided = reader.build_decision.build
    facts = [reader.assembly(b) for b in ([decided] if decided else list(Build))]

    def cuts(assemblies: Sequence[AssemblyFacts]) -> list[tuple[int, int]]:
        return sorted({(r.start, r.end) for a in assemblies for r in a.par.get(canonical, ())})

    return cuts(pars), cuts([*pars, *facts])


def scan(
    reader: VcfReader,
    chrom: str,
    windows: Sequence[tuple[int, int]] | None = None,
    count_tabs: Callable[[bytes], int] | None = None,
) -> Iterator[Site]:
    """The non-PAR sites of ``chrom`` ("X"/"Y"), whole or in ``windows`` (see the module).
    ``count_tabs`` counts the TABs of a line's sample text (``bytes.count`` when None): the
    consumer's own count, when it finds the TABs anyway
    (:meth:`ipexcli.sexscan.GtTally.count_tabs`)."""
    canonical, build, _ = reader.chrom_context(chrom)
    read_cuts, cuts = par_cuts(reader, canonical)
    n_samples = len(reader.samples)
    tabs = n_samples - 1
    pass_only = reader.pass_only
    expand = reader.chrom_expand
    spans = windows if windows is not None else [(0, None)]
    for lo, hi in spans:
        for line_no, line in reader.chrom_lines(canonical, lo, hi):
            cols = line.split(b"\t", 9)
            if (
                len(cols) == 10
                and cols[1].isdigit()
                and cols[3]
                and cols[4]
                and not cols[3].translate(None, b"ACGT")
                and not cols[4].translate(None, b"ACGT")
                and (cols[8] == b"GT" or cols[8].startswith(b"GT:"))
                and (not pass_only or cols[6] in _PASSING)
                and _qual_ok(cols[5])
                and (
                    cols[9].count(b"\t") if count_tabs is None else count_tabs(cols[9])
                ) == tabs
            ):
                pos = int(cols[1])
                if windows is not None and not lo < pos <= (hi or pos):
                    continue  # read for a deletion margin or by a neighbouring window
                for start, end in cuts:
                    if start < pos <= end:
                        break
                else:
                    yield canonical, cols[8], cols[9].rstrip(b"\r\n"), None
                continue
            # the exact path: a record that is not a plain SNV, or a line to be skipped
            try:
                raw = parse_raw(line.decode("utf-8", "replace"), line_no, n_samples)
            except BadRecord as bad:
                reader.bad_chrom_line(bad, line_no, line)
                continue
            if windows is not None and not lo < raw.pos <= (hi or raw.pos):
                continue
            if any(start < raw.pos <= end for start, end in read_cuts):
                continue
            records = list(expand(raw, build))  # skips counted as chrom_records counts them
            if not any(start < raw.pos <= end for start, end in cuts):
                for record in records:
                    yield canonical, b"", b"", record


def region_sites(reader: VcfReader) -> Iterator[Site] | None:
    """#14 item 3, one parse per record: the non-PAR chrX sites from the records the FOXP3
    windows' read already parsed (:meth:`~ipexcli.vcf.reader.VcfReader.region_raws`) when they
    are every chrX record of the file (none before or after the span read: two look-ups,
    through the index, by bisection or in the stream's spool), else None (the file is then
    scanned). The sites, their order and the skips counted are those of :func:`scan` over the
    whole chrX; the records are counted in ``stats.chrom_records_read`` as read for sex."""
    if reader.file_format == "bcf" and reader.stats.region_method != "index":
        return None  # without an index each look-up would read the whole file
    region = reader.region_raws()
    if region is None:
        return None
    lo, end, raws = region
    canonical, build, _ = reader.chrom_context("X")
    chrom_end = max(reader.assembly(b).lengths[canonical] for b in _builds())
    if reader.has_chrom_lines(canonical, 0, lo) or reader.has_chrom_lines(canonical, end,
                                                                           chrom_end):
        return None
    reader.stats.chrom_records_read += len(raws)
    return _raw_sites(reader, canonical, build, raws)


def _builds() -> list[Build]:
    from ipexcli.model import Build

    return list(Build)


def _raw_sites(
    reader: VcfReader, canonical: str, build: Build | None, raws: Sequence[RawRecord]
) -> Iterator[Site]:
    """:func:`scan`'s sites from parsed records. The fast-path test is :func:`scan`'s on the
    parsed fields (REF is upper-cased by the parser: an upper- and a lower-case REF give the
    same parsed record, hence the same expansion, so both may take the fast path)."""
    read_cuts, cuts = par_cuts(reader, canonical)
    pass_only = reader.pass_only
    expand = reader.chrom_expand
    has_samples = bool(reader.samples)
    # the locus records' sample columns, whose non-plain-REF columns are already found
    known: dict[int, SampleColumns] = {}
    if reader.build_decision.build is not None:
        for record in reader.locus_records():
            calls = record.calls
            if isinstance(calls, SampleCalls):
                known[id(calls.columns.text)] = calls.columns
    for raw in raws:
        pos = raw.pos
        fmt = raw.format or ""
        alts = raw.alts
        if (
            has_samples
            and len(alts) == 1
            and alts[0]
            and raw.ref
            and not alts[0].translate(_NOT_ACGT)
            and not raw.ref.translate(_NOT_ACGT)
            and (fmt == "GT" or fmt.startswith("GT:"))
            and (not pass_only or raw.filter in _PASSING_TEXT)
        ):
            if not any(start < pos <= stop for start, stop in cuts):
                columns = known.get(id(raw.samples))
                if columns is not None and columns.text is raw.samples and columns.gt_first:
                    yield canonical, fmt.encode(), raw.samples.encode(), columns
                else:
                    yield canonical, fmt.encode(), raw.samples.encode(), None
            continue
        if any(start < pos <= stop for start, stop in read_cuts):
            continue
        records = list(expand(raw, build))  # skips counted as chrom_records counts them
        if not any(start < pos <= stop for start, stop in cuts):
            for record in records:
                yield canonical, b"", b"", record


_PASSING_TEXT = frozenset((".", "", "PASS"))
_NOT_ACGT = {code: None for code in b"ACGT"}  #: str.translate: deletes A C G T


def _qual_ok(qual: bytes) -> bool:
    """QUAL as :func:`~ipexcli.vcf.records.parse_raw` accepts it (``.`` or a float)."""
    if qual == b"." or qual.isdigit():
        return True
    try:
        float(qual.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return False
    return True
