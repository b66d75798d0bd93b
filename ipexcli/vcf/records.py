"""VCF record lines -> :class:`~ipexcli.model.VariantRecord` objects, one per usable ALT.

:func:`parse_raw` splits a line and validates POS/REF/QUAL (the sample columns stay one string
until asked for); :class:`Expander` turns a :class:`RawRecord` into one record per ALT allele:
genotypes remapped per ALT (``1/2`` -> ``(1, None)`` and ``(None, 1)``, ``other_alt``), AD split
(Number=R), the INFO keys asked for split by their declared Number (A or R), the REF checked
against the bundled FOXP3 sequence. ALT alleles that cannot be used (``<NON_REF>``, ``*``,
IUPAC) are dropped one by one, each counted with its :class:`~ipexcli.vcf.stats.SkipReason`.
Symbolic (``<DEL>``...) and breakend ALTs are kept as records of the FOXP3 locus (#13: reported
by :mod:`ipexcli.structural`, with ``END``/``SVLEN``/``SVTYPE`` in ``info``); elsewhere (the
chrX/chrY scan for sex inference) they are dropped and counted as before. Genotypes are never
rewritten: ``Call.raw_gt`` is the text of the file.

**Reach** (#13): a record may start before a window and still overlap it: a structural ALT
through ``END``/``SVLEN`` (a whole-gene ``<DEL>`` starting upstream), a sequence deletion
through a long REF. :func:`reach` gives the last base a record affects, :func:`line_reach` the
same from a line's bytes, and :func:`may_reach` is the cheap test every read path applies first
so that ordinary lines never pay for parsing INFO (see :mod:`ipexcli.vcf.reader`).

Positions: ``pos`` is 1-based (VCF); ``start``/``end`` are 0-based half-open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipexcli.genotypes import SampleCalls, SampleColumns
from ipexcli.model import Build, Call, VariantRecord
from ipexcli.vcf.header import VcfHeader
from ipexcli.vcf.stats import IngestStats, SkipReason

if TYPE_CHECKING:
    from ipexcli.refdata import RefData

FLAG_REF_MISMATCH = "REF_MISMATCH"  #: REF differs from the bundled sequence
FLAG_REF_UNCHECKED = "REF_UNCHECKED"  #: REF reaches outside the bundled sequence
FLAG_MULTIALLELIC = "MULTIALLELIC_SPLIT"  #: one ALT of a multi-allelic record

#: ``count(reason, source, line, detail)``: where a skipped record or ALT is counted
CountSkip = Callable[[SkipReason, str, int | None, str], None]

#: records starting up to this many bases before a window are read by POS so that a deletion
#: reaching into the window is seen (its overlap is then computed exactly from REF); records
#: starting farther away are found by their reach (:func:`reach`)
WINDOW_MARGIN = 1000

_BASES = re.compile(r"[ACGTNacgtn]+")
_IUPAC = re.compile(r"[ACGTRYSWKMBDHVNacgtrykmswbdhvn]+")
ACGT = frozenset("ACGT")
ACGTN = frozenset("ACGTN")


@dataclass(slots=True)
class RawRecord:
    """A record split into columns, POS/REF/ALT validated (nothing else yet)."""

    line: int | None
    contig: str
    pos: int
    id: str
    ref: str
    alts: list[str]
    qual: str
    filter: str
    info: str
    format: str | None  #: the FORMAT column, None when the line has none
    samples: str  #: the sample columns as read (TAB-separated), "" without samples

    @property
    def start(self) -> int:
        return self.pos - 1

    @property
    def end(self) -> int:
        """0-based exclusive end of REF."""
        return self.pos - 1 + len(self.ref)

    @property
    def reach_end(self) -> int:
        """0-based exclusive end of what the record affects (:func:`reach`)."""
        return reach(self.pos, self.ref, self.alts, self.info)


class BadRecord(Exception):
    """A record that cannot be used at all: its reason and a detail for the user."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def parse_raw(text: str, line: int | None, n_samples: int) -> RawRecord:
    """Split a record line (``line``: its 1-based number, None when not known); raises
    :class:`BadRecord` for a wrong column count or a malformed POS, REF or QUAL."""
    # the sample columns stay one string: a cohort's thousands of columns are only split (or
    # scanned, :mod:`ipexcli.genotypes`) when asked for
    cols = text.rstrip("\r\n").split("\t", 9)
    n_cols = len(cols) if len(cols) < 10 else 10 + cols[9].count("\t")
    expected = 8 if n_samples == 0 else 9 + n_samples
    if n_cols < 8 or (n_samples and n_cols != expected):
        raise BadRecord(
            SkipReason.MALFORMED_COLUMNS,
            f"{n_cols} TAB-separated columns, expected {expected}",
        )
    pos_text = cols[1]
    if not (pos_text.isascii() and pos_text.isdigit()):
        raise BadRecord(SkipReason.MALFORMED_POS, f"POS {pos_text[:20]!r} is not a number")
    ref = cols[3]
    if not _IUPAC.fullmatch(ref):
        raise BadRecord(SkipReason.MALFORMED_REF, f"REF {ref[:20]!r} is not a DNA sequence")
    qual = cols[5]
    if qual != ".":
        try:
            float(qual)
        except ValueError:
            raise BadRecord(
                SkipReason.MALFORMED_QUAL, f"QUAL {qual[:20]!r} is not a number"
            ) from None
    return RawRecord(
        line,
        cols[0],
        int(pos_text),
        cols[2],
        ref.upper(),
        cols[4].split(","),
        qual,
        cols[6],
        cols[7],
        cols[8] if len(cols) > 8 else None,
        cols[9] if len(cols) > 9 else "",
    )


#: a symbolic ALT that is a structural variant (not ``<NON_REF>``/``<*>``, gVCF reference
#: blocks), or a breakend bracket: a line without any is placed by POS and REF alone
_SV_HINT = re.compile(rb"<(?!NON_REF>|\*>)|[\[\]]")


def reach(pos: int, ref: str, alts: Sequence[str], info: str) -> int:
    """The last base (1-based, inclusive; equally the 0-based exclusive end) that a record
    at 1-based ``pos`` affects: the end of REF, or for a structural ALT the end that
    :func:`ipexcli.structural.span` gives it from ``END``/``SVLEN`` in ``info``, the largest
    over the ALTs.

    >>> reach(100, "A", ["<DEL>"], "SVTYPE=DEL;END=5000"), reach(100, "AC", ["A"], "END=9")
    (5000, 101)
    """
    from ipexcli.structural import kind_of, span

    last = pos - 1 + max(len(ref), 1)
    items: dict[str, str] | None = None
    for alt in alts:
        if kind_of(alt) is None:
            continue
        if items is None:
            items = _sv_items(info)
        last = max(last, span(pos, ref, alt, items)[1])
    return last


def may_reach(buf: bytes) -> bool:
    """Whether ``buf`` (a line or a block of lines) may hold a record that reaches farther
    than :data:`WINDOW_MARGIN` past its POS: a structural ALT or a long REF. False is certain;
    True asks for :func:`line_reach`. Byte searches at C speed; the regular expression for
    ``<`` runs only where a ``<`` is, the REF column is measured only in lines longer than the
    margin (measured: 3.3 MB of single-sample chrX in 5 ms)."""
    if b"[" in buf or b"]" in buf:
        return True
    if b"<" in buf and _SV_HINT.search(buf) is not None:
        return True
    if len(buf) <= WINDOW_MARGIN:
        return False
    lines = buf.split(b"\n")
    if max(map(len, lines)) <= WINDOW_MARGIN:  # at C speed: no line can hold a long REF
        return False
    return any(len(line) > WINDOW_MARGIN and _long_ref(line) for line in lines)


def _long_ref(line: bytes) -> bool:
    """Whether the REF column (the 4th) of a line is longer than :data:`WINDOW_MARGIN`."""
    at = -1
    for _ in range(3):
        at = line.find(b"\t", at + 1)
        if at < 0:
            return False
    stop = line.find(b"\t", at + 1)
    return (stop if stop >= 0 else len(line)) - at - 1 > WINDOW_MARGIN


def line_reach(line: bytes) -> tuple[int, int] | None:
    """``(POS, reach)`` of a record line (1-based; see :func:`reach`), None when it is not a
    record whose POS is a number (the parser reports those where they are read)."""
    cols = line.split(b"\t", 8)
    if len(cols) < 8 or not cols[1].isdigit():
        return None
    pos = int(cols[1])
    text = [c.decode("utf-8", "replace") for c in cols[3:5]]
    info = cols[7].rstrip(b"\r\n").decode("utf-8", "replace")  # INFO may end the line
    return pos, reach(pos, text[0], text[1].split(","), info)


def reaches_past(line: bytes, lo: int) -> bool:
    """True for a record line that starts at or before 1-based ``lo`` and reaches past it
    (:func:`may_reach` first, then :func:`line_reach`)."""
    if not may_reach(line):
        return False
    found = line_reach(line)
    return found is not None and found[0] <= lo < found[1]


def record_pos(text: str) -> int | None:
    """The POS of a record line when it is a number (a damaged record's place), else None."""
    parts = text.split("\t", 2)
    if len(parts) > 1 and parts[1].isascii() and parts[1].isdigit():
        return int(parts[1])
    return None


def alt_problem(alt: str) -> tuple[SkipReason, str] | None:
    """Why an ALT cannot be used as a sequence change, or None when it can."""
    if alt in ("<NON_REF>", "<*>"):
        return SkipReason.NON_REF_ALLELE, f"ALT {alt}"
    if alt == "*":
        return SkipReason.SPANNING_DELETION, "ALT * (allele deleted by an upstream deletion)"
    if re.fullmatch(r"<[^<>,\s]+>", alt):
        return SkipReason.SYMBOLIC_ALLELE, f"symbolic ALT {alt[:40]}"
    if "[" in alt or "]" in alt or alt.startswith(".") or alt.endswith("."):
        return SkipReason.BREAKEND, f"breakend ALT {alt[:40]}"
    if _BASES.fullmatch(alt):
        if "N" in alt.upper():
            return SkipReason.ALT_NOT_ACGT, f"ALT {alt[:40]} holds N"
        return None
    if _IUPAC.fullmatch(alt):
        return SkipReason.ALT_NOT_ACGT, f"ALT {alt[:40]} holds IUPAC codes"
    return SkipReason.MALFORMED_ALT, f"ALT {alt[:40]!r} is not a DNA sequence"


#: skip reasons of the ALTs kept as structural records in the locus (#13)
_STRUCTURAL = (SkipReason.SYMBOLIC_ALLELE, SkipReason.BREAKEND)


def _is_structural(alt: str) -> bool:
    """A symbolic or breakend ALT kept as a structural record of the locus."""
    problem = alt_problem(alt)
    return problem is not None and problem[0] in _STRUCTURAL and alt != "<*>"


#: the INFO keys that place a structural ALT
_SV_KEYS = ("END", "SVLEN", "SVTYPE")


def _sv_items(text: str) -> dict[str, str]:
    """END, SVLEN and SVTYPE of an INFO column."""
    out = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if sep and key in _SV_KEYS:
            out[key] = value
    return out


class Expander:
    """Turns the :class:`RawRecord` objects of one file into VariantRecords (see the module)."""

    def __init__(
        self,
        source: str,
        header: VcfHeader,
        ref: RefData,
        canonical: Callable[[str], str | None],
        stats: IngestStats,
        pass_only: bool,
        info_fields: tuple[str, ...],
    ) -> None:
        self.path = source
        self.header = header
        self.samples = header.samples
        self._ref = ref
        self._canonical = canonical
        self.stats = stats
        self.pass_only = pass_only
        self.info_fields = info_fields

    def expand(
        self,
        raw: RawRecord,
        build: Build | None,
        count: CountSkip,
        check_ref: bool,
        tally_ref: bool | None = None,
    ) -> Iterator[VariantRecord]:
        """One VariantRecord per usable ALT of ``raw``; skips go to ``count``. With
        ``check_ref`` and a ``build``, REF is compared with the bundled FOXP3 sequence (a
        mismatch added to ``stats.ref_mismatches`` with ``tally_ref``, by default when ``count``
        is ``stats.count``)."""
        source = self.path
        if raw.alts == ["."]:
            count(SkipReason.NO_ALT, source, raw.line, "ALT is '.' (reference-only site)")
            return
        # -- #13: structural ALTs are kept in the locus (the path that counts into self.stats)
        locus_path = tally_ref if tally_ref is not None else count == self.stats.count
        unknown_ref = False
        if not set(raw.ref) <= ACGT:
            # #13: a structural record's padding base may be N (VCF allows it; callers write it
            # where the base is not known): kept in the locus, its REF marked unchecked
            unknown_ref = locus_path and set(raw.ref) <= ACGTN and all(
                _is_structural(alt) for alt in raw.alts)
            if not unknown_ref:
                count(SkipReason.REF_NOT_ACGT, source, raw.line,
                      f"REF {raw.ref[:40]} is not ACGT")
                return
        filters = () if raw.filter in (".", "") else tuple(raw.filter.split(";"))
        if self.pass_only and filters not in ((), ("PASS",)):
            count(SkipReason.NOT_PASS, source, raw.line, f"FILTER {raw.filter}")
            return
        n_alts = len(raw.alts)
        usable: list[tuple[int, str]] = []
        structural = False
        for index, alt in enumerate(raw.alts, start=1):
            problem = alt_problem(alt)
            if problem is not None and problem[0] is SkipReason.MALFORMED_ALT:
                count(problem[0], source, raw.line, problem[1])
                return
            if problem is None:
                usable.append((index, alt.upper()))
            elif locus_path and problem[0] in _STRUCTURAL and alt != "<*>":
                usable.append((index, alt))
                structural = True
            elif problem[0] is SkipReason.NON_REF_ALLELE and n_alts == 1:
                count(SkipReason.GVCF_REFERENCE_BLOCK, source, raw.line, "ALT is only " + alt)
            else:
                count(problem[0], source, raw.line, problem[1])
        if not usable:
            return
        flags: list[str] = []
        if check_ref and build is not None:
            locus = self._ref.locus(build)
            if unknown_ref or (structural and not locus.contains(raw.start, raw.end)):
                # #13: N, or a padding base outside the bundled sequence (a structural record
                # reaching into the locus from before it)
                flags.append(FLAG_REF_UNCHECKED)
            elif locus.contains(raw.start, raw.end):
                if locus.fetch(raw.start, raw.end) != raw.ref:
                    flags.append(FLAG_REF_MISMATCH)
                    if locus_path:
                        self.stats.ref_mismatches += 1
            elif raw.start < locus.end and locus.start < raw.end:
                flags.append(FLAG_REF_UNCHECKED)
        if n_alts > 1:
            flags.append(FLAG_MULTIALLELIC)
        info = self._info_items(raw.info)
        if structural:  # #13: where a symbolic ALT ends
            info.update(_sv_items(raw.info))
        qual = None if raw.qual == "." else float(raw.qual)
        try:
            columns = (
                SampleColumns(raw.format, raw.samples, len(self.samples))
                if raw.format is not None and self.samples
                else None
            )
            calls_per_alt: list[Sequence[Call]] = [
                () if columns is None else SampleCalls(columns, index, n_alts)
                for index, _ in usable
            ]
        except ValueError as exc:
            count(SkipReason.MALFORMED_GENOTYPE, source, raw.line, str(exc))
            return
        canonical = self._canonical(raw.contig) or raw.contig
        for (index, alt), calls in zip(usable, calls_per_alt, strict=True):
            yield VariantRecord(
                source=source,
                line=raw.line,
                contig=raw.contig,
                chrom=canonical,
                pos=raw.pos,
                ref=raw.ref,
                alt=alt,
                alt_index=index,
                n_alts=n_alts,
                id=None if raw.id == "." else raw.id,
                qual=qual,
                filters=filters,
                info=tuple(self._split_info(info, index, n_alts))
                + (tuple((k, info[k]) for k in _SV_KEYS if k in info) if structural else ()),
                calls=calls,
                flags=tuple(flags),
            )

    def _info_items(self, text: str) -> dict[str, str]:
        if not self.info_fields or text in (".", ""):
            return {}
        wanted = set(self.info_fields)
        out = {}
        for item in text.split(";"):
            key, sep, value = item.partition("=")
            if key in wanted:
                out[key] = value if sep else ""
        return out

    def _split_info(
        self, info: dict[str, str], index: int, n_alts: int
    ) -> Iterator[tuple[str, str]]:
        for key in self.info_fields:
            if key not in info:
                continue
            value = info[key]
            number = self.header.info_number.get(key)
            parts = value.split(",")
            if number == "A" and len(parts) == n_alts:
                value = parts[index - 1]
            elif number == "R" and len(parts) == n_alts + 1:
                value = f"{parts[0]},{parts[index]}"
            yield key, value
