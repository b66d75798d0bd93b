"""The reader facade: :func:`open_vcf` and :class:`VcfReader`, which pick a byte source per file,
decide the build, and yield the records.

A file is opened by sniffing its bytes (:mod:`ipexcli.vcf.opening`), then its lines of a
chrX/chrY window come from the fastest source that works, falling back in this order:
``index`` (:mod:`ipexcli.vcf.index`; BCF: :mod:`ipexcli.vcf.htslib`), ``bgzf-bisection``
(:mod:`ipexcli.vcf.bgzf_text`), ``stream`` (:mod:`ipexcli.vcf.stream`). Lines become records in
:mod:`ipexcli.vcf.records`. The build is decided once, from the header and the REF agreement of
both builds' FOXP3 windows (:mod:`ipexcli.buildcheck`).

Positions: ``pos`` is 1-based (VCF); ``start``/``end`` are 0-based half-open.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ipexcli import buildcheck
from ipexcli.buildcheck import BuildDecision, HeaderHint, RefTally, WindowTally
from ipexcli.errors import BuildMismatchError, UsageError
from ipexcli.model import Build, VariantRecord
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf import htslib, index, stream
from ipexcli.vcf.bgzf_text import (
    bisect_checked,
    contig_starts,
    reaching_lines,
    unsorted_error,
)
from ipexcli.vcf.damage import DamageLog
from ipexcli.vcf.header import VcfHeader
from ipexcli.vcf.limits import MAX_LINE_BYTES
from ipexcli.vcf.opening import OpenedFile
from ipexcli.vcf.records import (
    ACGT,
    WINDOW_MARGIN,
    BadRecord,
    Expander,
    RawRecord,
    parse_raw,
    reaches_past,
)
from ipexcli.vcf.stats import REASON_NAMES, IngestStats, SkipReason

if TYPE_CHECKING:
    from ipexcli.refdata import AssemblyFacts



def open_vcf(
    path: str | os.PathLike[str],
    *,
    build: Build | None = None,
    pass_only: bool = False,
    info_fields: Sequence[str] = (),
    max_line: int = MAX_LINE_BYTES,
) -> VcfReader:
    """Open a VCF/BCF (``"-"`` = standard input); the format is detected from the bytes.

    Raises :class:`InputFileError`/:class:`VcfFormatError` (one line, with a hint) for a file
    that is missing, empty, not a VCF, truncated, has a broken header or (#15) a line longer
    than ``max_line`` bytes.
    """
    return VcfReader(os.fspath(path), build=build, pass_only=pass_only, info_fields=info_fields,
                     max_line=max_line)


class VcfReader:
    """An open VCF/BCF. Use as a context manager; :meth:`close` is idempotent.

    Attributes: ``path`` (as given, ``"-"`` for stdin), ``samples`` (header order),
    ``file_format`` (``"vcf"``, ``"bgzf"``, ``"gzip"`` or ``"bcf"``), ``header``
    (:class:`VcfHeader`), ``stats`` (:class:`IngestStats`, filled as records are read) and
    :attr:`build_decision`. Nothing past the header is read until records or the build
    decision are asked for.
    """

    path: str
    samples: tuple[str, ...]
    file_format: str
    header: VcfHeader

    def __init__(
        self,
        path: str,
        *,
        build: Build | None = None,
        pass_only: bool = False,
        info_fields: Sequence[str] = (),
        max_line: int = MAX_LINE_BYTES,
    ) -> None:
        from ipexcli import refdata

        self.path = path
        self.file_format = ""
        self.pass_only = pass_only
        self.info_fields = tuple(info_fields)
        self._override = build
        self._ref = refdata.load()
        self._aliases = self._ref.contig_aliases
        self.stats = IngestStats()
        self._spool = stream.LineSpool()
        self._spool.max_line, self._spool.path, self.max_line = max_line, path, max_line
        self._tabix: index.TabixIndex | None = None
        self._decision: BuildDecision | None = None
        self._region: list[RawRecord] | None = None
        #: #14: the POS span ``(lo, end]`` of the FOXP3 windows' read, and whether every line
        #: there parsed (:meth:`region_raws`)
        self._region_span: tuple[int, int] = (0, 0)
        self._region_clean = True
        self._locus: list[VariantRecord] | None = None
        self._damage = DamageLog(path, self._spool)  #: #15: what could not be read
        #: called with the number of decompressed bytes each time a full pass over the file
        #: (streaming: plain, plain-gzip, stdin, unsorted) reads a chunk; for progress display
        self.on_progress: Callable[[int], None] | None = None
        self._closed = False
        self._file = opened = OpenedFile(path, max_line, self.stats.notes)
        self.file_format, self.header = opened.file_format, opened.header
        self.stats.region_method = opened.region_method
        self._handle, self._variant_file = opened.handle, opened.variant_file
        self._index_path, self._data_start = opened.index_path, opened.data_start
        if hasattr(opened, "bgzf"):  # a seekable BGZF file, read by blocks
            self._bgzf = self._damage.bgzf = opened.bgzf
        self.samples = self.header.samples
        self._ranks = {c.name: i for i, c in enumerate(self.header.contigs)}
        self._by_canonical: dict[str | None, list[str]] | None = None
        self._x_names = self._names_for("X")
        self.stats.contig_name = self._x_names[0] if self._x_names else None
        self._hint = self._header_hint(self._x_names + self._names_for("Y"))
        self.stats.header_build_hint = self._hint.build
        self._expander = Expander(
            path, self.header, self._ref, self._canonical, self.stats, pass_only, self.info_fields
        )

    # -- contig names and build ------------------------------------------------------------------

    def _names_for(self, chrom: str) -> list[str]:
        """The file's contig names for canonical ``chrom``, from the header (or index)."""
        if self._by_canonical is None:  # #14: one pass over the header's contigs, not one per call
            by_canonical: dict[str | None, list[str]] = {}
            for contig in self.header.contigs:
                by_canonical.setdefault(self._canonical(contig.name), []).append(contig.name)
            self._by_canonical = by_canonical
        names = list(self._by_canonical.get(chrom, ()))
        if not names and self._index_path:
            try:
                index_names = self._index().names
            except bgzf_mod.BgzfError:
                index_names = ()
            names = [n for n in index_names if self._canonical(n) == chrom]
        return names

    def _canonical(self, name: str) -> str | None:
        return self._aliases.get(name) or self._aliases.get(name.lower())

    def _header_hint(self, names: list[str]) -> HeaderHint:
        header = self.header
        contigs = [(c.name, c.length, c.assembly) for c in header.contigs]
        known = {c.name for c in header.contigs}
        contigs += [(n, None, None) for n in names if n not in known]
        return buildcheck.header_hint(
            contigs,
            {b: self._ref.assemblies[b].lengths for b in Build},
            {b: self._ref.assemblies[b].accessions for b in Build},
            self._aliases,
            header.reference,
            header.assembly,
        )

    @property
    def build_decision(self) -> BuildDecision:
        """The build used and why (reads the FOXP3 windows of both builds on first use)."""
        if self._decision is None:
            self._load_region()
            assert self._decision is not None
        return self._decision

    # -- line access -------------------------------------------------------------------------------

    def _lines(
        self, chrom: str, start: int, end: int, reach: bool = False, first_only: bool = False
    ) -> Iterator[tuple[int | None, bytes]]:
        """``(line number or None, line)`` for records on ``chrom`` ("X"/"Y") whose POS lies
        in ``[start + 1 - WINDOW_MARGIN, end]`` (0-based half-open ``[start, end)``); with
        ``reach`` (#13) also the records starting earlier that reach into that range through
        ``END``/``SVLEN`` or a long REF (:func:`~ipexcli.vcf.records.reach`), on every path:
        the index returns them (tabix and CSI bin a record by its END), a stream's spool and
        a BCF stream test every line, bisection scans the chromosome's bytes before the
        window (:func:`~ipexcli.vcf.bgzf_text.reaching_lines`). With ``first_only`` (#14) a
        caller wants only the first line: bisection stops reading there (the other sources
        are lazy)."""
        names = self._x_names if chrom == "X" else self._names_for("Y")
        lo = max(0, start - WINDOW_MARGIN)
        method = self.stats.region_method
        if self.file_format == "bcf":
            wanted = set(names) or {n for n, c in self._aliases.items() if c == chrom}
            yield from htslib.bcf_lines(
                self._variant_file, names, wanted, lo, end, self.stats, self.path, reach
            )
            return
        if method == "index":
            # #13: the index places a record by its END (or REF), so one reaching into the
            # window from before it is among the lines read; one placed by SVLEN alone is
            # not, so a file that declares SVLEN or symbolic ALTs (##ALT=<ID=DEL...>) has its
            # contig's bytes before the window scanned too (:func:`reaching_lines`; SV
            # callsets are small)
            header = self.header
            scan = reach and ("SVLEN" in header.info_number or bool(header.symbolic_alts))
            early = (lambda line: reaches_past(line, lo)) if reach and not scan else None
            try:
                tabix = self._index()
                fetched = index.index_lines(
                    self._bgzf, tabix, self._index_path or "", names, lo, end, self.path,
                    early,
                )
                if not scan:  # streamed: a whole chromosome is never held
                    yield from fetched
                    return
                found = list(fetched)  # the window (the index is checked first)
                starts = {n: (first >> 16, first & 0xFFFF)
                          for n, (first, _) in tabix.span_of.items() if n in names}
                yield from reaching_lines(self._bgzf, starts, lo, self.path) + found
                return
            except bgzf_mod.BgzfError as exc:
                self.stats.notes.append(f"index unusable ({exc}); bisecting the BGZF file")
                method = self.stats.region_method = "bgzf-bisection"
        if method == "bgzf-bisection":
            try:
                lines = bisect_checked(self._bgzf, self._data_start, self._ranks, names, lo,
                                       end, self.path, 1 if first_only else None)
                if reach:  # #13: records starting far before the window, by a byte scan
                    starts = contig_starts(self._bgzf, self._data_start, self._ranks, names)
                    lines = reaching_lines(self._bgzf, starts, lo, self.path,
                                           self._ranks) + lines
            except bgzf_mod.UnsortedError as exc:
                if self.stats.locus_method == "bgzf-bisection":  # #15: too late to stream
                    unsorted_error(self.path, exc)
                self.stats.notes.append(f"bisection not possible ({exc}); streaming the file")
                self.stats.region_method = "stream"
            else:
                yield from lines
                return
        yield from self._stream_lines(chrom, lo, end, reach)

    def _index(self) -> index.TabixIndex:
        """The parsed index (read once)."""
        if self._tabix is None:
            assert self._index_path is not None
            header_names = tuple(c.name for c in self.header.contigs)
            self._tabix = index.read_index(self._index_path, header_names)
        return self._tabix

    def _stream_lines(
        self, chrom: str, lo: int, end: int, reach: bool
    ) -> Iterator[tuple[int | None, bytes]]:
        """Lines from the chrX/chrY spool (filled on first use by one pass over the file)."""
        if self._spool.file is None:
            self._fill_spool()
        names = {n.encode() for n, c in self._aliases.items() if c == chrom}
        yield from self._spool.lines(names, lo, end, reach)

    def _fill_spool(self) -> None:
        """One pass over the whole file keeping the lines on chrX/chrY (any alias)."""
        # the header's names plus the common spellings (records may use a name the header
        # does not declare; htslib accepts that too); every alias when the header has none.
        # Each name absent from the file costs one scan of the data.
        declared = set(self._x_names + self._names_for("Y"))
        common = {"chrX", "chrY", "X", "Y"}
        if not declared:
            common |= {n for n, c in self._aliases.items() if c in ("X", "Y") and n.lower() != n}
            common |= {n for n in self._aliases if n.isdigit()}
        names = sorted(declared | common)
        patterns = [name.encode() + b"\t" for name in names]
        self._spool.fill(self._body, patterns, self.on_progress)
        self.stats.records_total = self._spool.n_lines - self.header.n_lines
        if self.stats.contig_name is None:
            seen = self._spool.first_contig(lambda contig: self._canonical(contig) == "X")
            if seen:
                self.stats.contig_name = seen
                self._hint = self._header_hint([seen])
                self.stats.header_build_hint = self._hint.build

    def _body(self) -> tuple[bytes, Iterator[bytes], int]:
        """The records' bytes for a full pass: what is left of a stream (its first pass is the
        only one), or the file read again from the start."""
        if self._file.stdin_rest is not None:
            rest, chunks = self._file.stdin_rest
            return rest, chunks, self.header.n_lines
        assert self._handle is not None
        compressed = self.file_format in ("gzip", "bgzf")
        return stream.body_chunks(self._handle, compressed, self.path, self.max_line)

    # -- records ---------------------------------------------------------------------------------

    def _load_region(self) -> None:
        """Read both builds' FOXP3 windows once, tally REF agreement and decide the build."""
        loci = self._ref.loci
        start = min(locus.start for locus in loci.values())
        end = max(locus.end for locus in loci.values())
        raws: list[RawRecord] = []
        n_samples = len(self.samples)
        tallies = {b: [0, 0, 0] for b in Build}
        for line_no, line in self._lines("X", start, end, reach=True):
            self.stats.records_read += 1
            text = line.decode("utf-8", "replace")
            try:
                raw = parse_raw(text, line_no, n_samples)
            except BadRecord as bad:  # counted, noted, or the file was cut inside it (#15)
                self._region_clean = False
                self._damage.bad_record(self.stats, bad, line_no, line, text)
                continue
            self._damage.seen(raw, line_no, line)
            raws.append(raw)
            if not set(raw.ref) <= ACGT:
                continue
            for build, locus in loci.items():
                if locus.contains(raw.start, raw.end):
                    tally = tallies[build]
                    if locus.fetch(raw.start, raw.end) == raw.ref:
                        tally[0] += 1
                        tally[2] += len(raw.ref)
                    else:
                        tally[1] += 1
        self._region = raws
        self._region_span = (max(0, start - WINDOW_MARGIN), end)
        self.stats.locus_method = self.stats.region_method
        ref_tally = RefTally(
            grch38=WindowTally(*tallies[Build.GRCH38]),
            grch37=WindowTally(*tallies[Build.GRCH37]),
        )
        self._decision = buildcheck.decide(self._hint, ref_tally, self._override)

    def locus_records(self) -> Iterator[VariantRecord]:
        """Records overlapping the bundled FOXP3 locus of the decided build, one per ALT.

        Raises :class:`BuildMismatchError` when the build is contradicted (header vs REF) or
        cannot be decided while there are records to place; pass ``build=`` to override.
        """
        decision = self.build_decision
        assert self._region is not None
        build = decision.build
        if build is None:
            if decision.mismatch or self._region:
                raise BuildMismatchError(f"{self.path}: {decision.message}")
            return
        if self._locus is None:  # expanded (and counted) once; the region is small
            locus = self._ref.locus(build)
            found: list[VariantRecord] = []
            expand = self._expander.expand
            for raw in self._region:
                if raw.start < locus.end and locus.start < raw.reach_end:
                    self.stats.records_in_region += 1
                    count = self._damage.counter(self.stats, raw.pos)  # #15: damage noted
                    found.extend(self._damage.checked(
                        raw, expand(raw, build, count, check_ref=True, tally_ref=True)
                    ))
            self.stats.locus_damaged = self._damage.in_locus(locus.start, locus.end)
            self._locus = found
        yield from self._locus

    def region_raws(self) -> tuple[int, int, list[RawRecord]] | None:
        """#14 item 3: ``(lo, end, records)``: the chrX records with ``lo < POS <= end``
        (1-based POS) that reading the FOXP3 windows parsed, for the sex scan to count without
        reading them again (:func:`ipexcli.vcf.gtscan.region_sites`); None when a line there
        could not be parsed (the scan then reads it and counts its skip itself)."""
        self.build_decision  # noqa: B018 - reads the region once
        if not self._region_clean or self._region is None or self._damage.cut_raw is not None:
            return None
        return (*self._region_span, self._region)

    def has_chrom_lines(self, canonical: str, lo: int, end: int) -> bool:
        """#14: True when ``canonical`` ("X"/"Y") has a record line with ``lo < POS <= end``
        (1-based POS); not counted in ``stats`` (nothing is parsed)."""
        lines = self._lines(canonical, lo + WINDOW_MARGIN, end, first_only=True)
        try:
            return next(lines, None) is not None
        finally:
            close = getattr(lines, "close", None)
            if close is not None:
                close()

    def chrom_records(self, chrom: str = "X", *, non_par: bool = True) -> Iterator[VariantRecord]:
        """Every record on chrX or chrY (any alias), split per ALT; PAR records left out when
        ``non_par``. REF is checked where the bundled locus covers it. Records read and skips
        add up over calls in ``stats.chrom_records_read`` and ``stats.chrom_skipped``.
        """
        canonical, build, pars = self.chrom_context(chrom)
        n_samples = len(self.samples)
        for line_no, line in self.chrom_lines(canonical):
            try:
                raw = parse_raw(line.decode("utf-8", "replace"), line_no, n_samples)
            except BadRecord as bad:
                self.bad_chrom_line(bad, line_no, line)
                continue
            if non_par and any(a.in_par(canonical, raw.pos) for a in pars):
                continue
            yield from self.chrom_expand(raw, build)

    def chrom_context(self, chrom: str) -> tuple[str, Build | None, list[AssemblyFacts]]:
        """``(canonical "X"/"Y", build used, the assemblies whose PARs are left out)`` for
        :meth:`chrom_records` and the genotype scan (:mod:`ipexcli.vcf.gtscan`)."""
        canonical = self._canonical(chrom)
        if canonical not in ("X", "Y"):
            raise UsageError(f"chrom_records reads chrX or chrY, not {chrom!r}")
        # the decision reads the FOXP3 windows: cheap with an index or bisection, and a stream
        # fills the chrX/chrY spool that this request reads anyway
        build = self.build_decision.build or self._override or self._hint.build
        builds = [build] if build is not None else list(Build)
        return canonical, build, [self._ref.assemblies[b] for b in builds]

    def assembly(self, build: Build) -> AssemblyFacts:
        return self._ref.assemblies[build]

    def chrom_lines(
        self, canonical: str, start: int = 0, end: int | None = None
    ) -> Iterator[tuple[int | None, bytes]]:
        """Record lines on canonical ``chrom`` with POS in ``(start - WINDOW_MARGIN, end]``
        (``start``/``end`` 0-based half-open; the whole chromosome by default), each counted
        in ``stats.chrom_records_read``."""
        if end is None:
            end = max(self._ref.assemblies[b].lengths[canonical] for b in Build)
        stats = self.stats
        for item in self._lines(canonical, start, end):
            stats.chrom_records_read += 1
            yield item

    def count_chrom_skip(self, reason: SkipReason, source: str, line: int | None, _: str) -> None:
        """Count a skipped chrX/chrY record or ALT in ``stats.chrom_skipped``."""
        name = REASON_NAMES[reason]
        self.stats.chrom_skipped[name] = self.stats.chrom_skipped.get(name, 0) + 1

    def bad_chrom_line(self, bad: BadRecord, line_no: int | None, line: bytes) -> None:
        """Count a chrX/chrY line that cannot be parsed; the input's last line, without its
        newline, is a file cut short instead (#15: exit 1)."""
        if self._damage.is_last_unterminated(line_no, line):
            raise self._damage.cut_short(line_no, bad.detail) from None
        self.count_chrom_skip(bad.reason, self.path, line_no, bad.detail)

    def chrom_expand(self, raw: RawRecord, build: Build | None) -> Iterator[VariantRecord]:
        """:meth:`chrom_records`' records of one parsed line (skips in ``chrom_skipped``)."""
        canonical = self._canonical(raw.contig)
        return self._expander.expand(raw, build, self.count_chrom_skip, canonical == "X")

    # -- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._spool.close()
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()

    def __enter__(self) -> VcfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - safety net
        with contextlib.suppress(Exception):
            self.close()
