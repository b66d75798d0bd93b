"""Genome <-> transcript coordinate mapping for NM_014009.4 in GRCh37 and GRCh38.

Internally every position is first turned into a **transcript-oriented index** ("view index"): a
0-based index into the bundled locus sequence read 5'->3' along the transcript (for FOXP3, on the
minus strand, that is the reverse complement of the chrX slice). In the view, exons ascend,
"3' along the transcript" is "+1" and strand bookkeeping happens in exactly two functions,
:meth:`TranscriptMap.to_view` and :meth:`TranscriptMap.from_view`.

HGVS ``c.`` positions are :class:`CdsPosition` values; exon and intron numbers are ranks in the
transcript (exon 1 is the non-coding first exon of NM_014009.4). Positions 5' of the transcript
continue the ``c.-N`` numbering and positions 3' of it the ``c.*N`` numbering, as HGVS allows for
upstream/downstream sequence.

>>> from ipexcli.refdata import load
>>> from ipexcli.model import Build, GenomicVariant
>>> tm = transcript_map(load(), Build.GRCH38)
>>> str(tm.c_position(49251441)), str(tm.c_position(49255427)), str(tm.c_position(49250458))
('c.1189', 'c.816+2', 'c.*876')
>>> tm.genomic_pos(CdsPosition.parse("c.-22-902"))
49259429
>>> lift(load(), Build.GRCH38, 49251441, Build.GRCH37)
49107902
>>> str(transcript_map(load(), Build.GRCH37).c_position(49118241))  # intron 1 is 5 bp longer
'c.-23+2882'
>>> str(tm.c_position(49261784))
'c.-23+2877'

"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum

from ipexcli.errors import HgvsParseError, OutOfLocusError
from ipexcli.model import Build, GenomicVariant
from ipexcli.normalize import normalize_vcf, trim
from ipexcli.refdata import Locus, RefData, Transcript
from ipexcli.sequtils import reverse_complement, translate_to_stop


class Datum(Enum):
    """What ``CdsPosition.base`` counts from."""

    CDS_START = "c."  #: c.1 is the A of ATG; c.-1 the base before it
    CDS_END = "c.*"  #: c.*1 is the first base after the stop codon


@dataclass(frozen=True, slots=True, order=True)
class CdsPosition:
    """One HGVS ``c.`` position: ``base`` (exonic anchor), ``offset`` (intronic), ``datum``.

    ==============  ======  ========  ===========
    HGVS            base    offset    datum
    ==============  ======  ========  ===========
    ``c.1``         1       0         CDS_START
    ``c.1189``      1189    0         CDS_START
    ``c.-22``       -22     0         CDS_START
    ``c.816+2``     816     2         CDS_START
    ``c.817-1``     817     -1        CDS_START
    ``c.-23+2882``  -23     2882      CDS_START
    ``c.-22-902``   -22     -902      CDS_START
    ``c.*876``      876     0         CDS_END
    ``c.*1``        1       0         CDS_END
    ==============  ======  ========  ===========

    There is no ``c.0`` and no ``c.*0``. Upstream of the transcript ``c.-N`` keeps counting
    (``c.-73`` is the base before the first transcribed base ``c.-72``); downstream ``c.*N`` does.

    >>> CdsPosition.parse("c.816+2")
    CdsPosition(base=816, offset=2, datum=<Datum.CDS_START: 'c.'>)
    >>> str(CdsPosition(876, 0, Datum.CDS_END)), str(CdsPosition(-22, -902))
    ('c.*876', 'c.-22-902')
    """

    base: int
    offset: int = 0
    datum: Datum = Datum.CDS_START

    def __str__(self) -> str:
        return "c." + self.text()

    def text(self) -> str:
        """The position without the ``c.`` prefix (``816+2``, ``*876``)."""
        star = "*" if self.datum is Datum.CDS_END else ""
        off = f"{self.offset:+d}" if self.offset else ""
        return f"{star}{self.base}{off}"

    @classmethod
    def parse(cls, text: str) -> CdsPosition:
        """Parse ``c.816+2``, ``-22-902``, ``*876`` (the ``c.`` prefix is optional)."""
        m = _POS_RE.fullmatch(text.strip().removeprefix("c."))
        if not m or m["base"] == "0":
            raise HgvsParseError(f"bad c. position {text!r}", "Use e.g. c.1189, c.816+2, c.*876")
        datum = Datum.CDS_END if m["star"] else Datum.CDS_START
        base = int(m["base"]) * (-1 if m["minus"] else 1)
        if datum is Datum.CDS_END and m["minus"]:
            raise HgvsParseError(f"bad c. position {text!r}", "c.*N takes no minus sign")
        return cls(base, int(m["offset"] or 0), datum)


_POS_RE = re.compile(r"(?P<star>\*)?(?P<minus>-)?(?P<base>\d+)(?P<offset>[+-]\d+)?")


class RegionKind(Enum):
    """Where a base lies relative to the transcript."""

    UPSTREAM = "upstream"
    EXON = "exon"
    INTRON = "intron"
    DOWNSTREAM = "downstream"


class ExonPart(Enum):
    """The part of an exon a base is in."""

    UTR5 = "5_prime_UTR"
    CDS = "CDS"
    UTR3 = "3_prime_UTR"


@dataclass(frozen=True, slots=True)
class Region:
    """Location facts of one base (a view index).

    ``number`` is the exon or intron rank (1-based); ``donor_distance`` / ``acceptor_distance`` are
    1-based distances of an intronic base from the intron's 5' (donor) and 3' (acceptor) end;
    ``exon_start_distance`` / ``exon_end_distance`` are 1-based distances of an exonic base from the
    exon's 5' and 3' end; ``distance`` is the distance from the transcript for up/downstream bases.
    """

    kind: RegionKind
    number: int = 0
    part: ExonPart | None = None
    donor_distance: int = 0
    acceptor_distance: int = 0
    exon_start_distance: int = 0
    exon_end_distance: int = 0
    distance: int = 0


@dataclass(frozen=True, slots=True)
class _ViewExon:
    number: int
    start: int  #: view index of the first base (0-based)
    end: int  #: view index after the last base
    tx_start: int  #: 1-based cDNA position of ``start``


class TranscriptMap:
    """Coordinate mapping for one transcript in one build (build once with :func:`transcript_map`).

    Genomic positions named ``pos`` are 1-based chrX; ``start``/``end`` are 0-based half-open chrX;
    ``view`` indexes are 0-based in the transcript-oriented locus sequence.
    """

    def __init__(self, transcript: Transcript, locus: Locus) -> None:
        self.transcript = transcript
        self.locus = locus
        self.build = transcript.build
        self.strand = transcript.strand
        self.minus = transcript.strand == -1
        seq = locus.sequence
        #: locus sequence read along the transcript
        self.view_seq = reverse_complement(seq) if self.minus else seq
        exons = []
        for e in transcript.exons:
            vs, ve = self.to_view_span(e.start, e.end)
            exons.append(_ViewExon(e.number, vs, ve, e.tx_start))
        self.exons: tuple[_ViewExon, ...] = tuple(exons)
        self.tx_view_start = exons[0].start
        self.tx_view_end = exons[-1].end
        self.tx_length = len(transcript.cdna)
        self.cds_tx_start = transcript.cds_tx_start  # 1-based n. of c.1
        self.cds_tx_end = transcript.cds_tx_end  # 1-based n. of the last stop-codon base
        self.cds_view_start = self.view_of_tx(self.cds_tx_start)
        self.cds_view_end = self.view_of_tx(self.cds_tx_end) + 1
        self.n_exons = len(exons)
        #: translate_to_stop of the cDNA from c.1 (the reference protein and its stop codon)
        self.cds_translation = translate_to_stop(transcript.cdna[self.cds_tx_start - 1 :])
        #: 1-based cDNA position of each exon's first base, in transcript order
        self.exon_tx_starts = tuple(e.tx_start for e in exons)
        self._exon_starts = [e.start for e in exons]  # ascending: exons tile the view in order
        lo, hi = transcript.polya_signal
        self._polya_span = (self.view_of_tx(lo), self.view_of_tx(hi) + 1)

    # -- strand bookkeeping --------------------------------------------------------------------

    def to_view(self, start: int) -> int:
        """View index of the 0-based chrX base ``start``."""
        if self.minus:
            return self.locus.end - 1 - start
        return start - self.locus.start

    def from_view(self, view: int) -> int:
        """0-based chrX base of view index ``view``."""
        if self.minus:
            return self.locus.end - 1 - view
        return view + self.locus.start

    def to_view_span(self, start: int, end: int) -> tuple[int, int]:
        """View half-open span of the chrX half-open span ``[start, end)``."""
        if self.minus:
            return self.locus.end - end, self.locus.end - start
        return start - self.locus.start, end - self.locus.start

    def from_view_span(self, vstart: int, vend: int) -> tuple[int, int]:
        """chrX half-open span of a view half-open span."""
        if self.minus:
            return self.locus.end - vend, self.locus.end - vstart
        return vstart + self.locus.start, vend + self.locus.start

    def in_view(self, view: int) -> bool:
        return 0 <= view < len(self.view_seq)

    # -- transcript positions ------------------------------------------------------------------

    def view_of_tx(self, n: int) -> int:
        """View index of 1-based cDNA position ``n`` (may lie outside the transcript)."""
        if n < 1:
            return self.tx_view_start + n - 1
        if n > self.tx_length:
            return self.tx_view_end + (n - self.tx_length) - 1
        for e in self.exons:
            if e.tx_start <= n < e.tx_start + (e.end - e.start):
                return e.start + (n - e.tx_start)
        raise AssertionError(n)  # pragma: no cover - exons tile the cDNA

    def exon_index(self, view: int) -> int | None:
        """0-based index into :attr:`exons` of the exon holding ``view``, or None."""
        i = bisect_right(self._exon_starts, view) - 1
        if i >= 0 and view < self.exons[i].end:
            return i
        return None

    def tx_pos(self, view: int) -> int | None:
        """1-based cDNA (``n.``) position of an exonic view index, else None."""
        i = self.exon_index(view)
        if i is None:
            return None
        e = self.exons[i]
        return e.tx_start + view - e.start

    def exonic_tx_pos(self, view: int) -> int:
        """Like :meth:`tx_pos` for a view index known to be exonic (raises otherwise)."""
        n = self.tx_pos(view)
        if n is None:
            raise ValueError(f"view index {view} is not exonic")
        return n

    def _c_of_n(self, n: int, offset: int = 0) -> CdsPosition:
        """The ``c.`` position of cDNA position ``n`` (plus an intronic ``offset``)."""
        if n < self.cds_tx_start:
            return CdsPosition(n - self.cds_tx_start, offset)
        if n > self.cds_tx_end:
            return CdsPosition(n - self.cds_tx_end, offset, Datum.CDS_END)
        return CdsPosition(n - self.cds_tx_start + 1, offset)

    def _n_of_c(self, pos: CdsPosition) -> int:
        if pos.datum is Datum.CDS_END:
            return self.cds_tx_end + pos.base
        if pos.base < 0:
            return self.cds_tx_start + pos.base
        return self.cds_tx_start + pos.base - 1

    def view_c_position(self, view: int) -> CdsPosition:
        """The HGVS ``c.`` position of view index ``view``."""
        if view < self.tx_view_start:
            return self._c_of_n(1 - (self.tx_view_start - view))
        if view >= self.tx_view_end:
            return self._c_of_n(self.tx_length + (view - self.tx_view_end) + 1)
        i = bisect_right(self._exon_starts, view) - 1  # the exon holding or preceding view
        left = self.exons[i]
        if view < left.end:
            return self._c_of_n(left.tx_start + view - left.start)
        right = self.exons[i + 1]  # view is intronic, between exon i and exon i + 1
        after_donor = view - left.end + 1
        before_acceptor = right.start - view
        if after_donor <= before_acceptor:  # the middle base of an odd intron gets '+'
            return self._c_of_n(left.tx_start + left.end - left.start - 1, after_donor)
        return self._c_of_n(right.tx_start, -before_acceptor)

    def view_of_c(self, pos: CdsPosition) -> int:
        """View index of a ``c.`` position; offsets must sit on an exon boundary."""
        n = self._n_of_c(pos)
        if pos.datum is Datum.CDS_START and pos.base > 0 and n > self.cds_tx_end:
            raise HgvsParseError(
                f"{pos} is beyond the stop codon (c.{self.cds_tx_end - self.cds_tx_start + 1})",
                "Use c.*N for 3'UTR positions",
            )
        view = self.view_of_tx(n)
        if pos.offset == 0:
            return view
        for i, e in enumerate(self.exons):
            last = e.tx_start + (e.end - e.start) - 1
            if pos.offset > 0 and n == last and i + 1 < self.n_exons:
                if pos.offset >= self.exons[i + 1].start - e.end + 1:
                    break
                return view + pos.offset
            if pos.offset < 0 and n == e.tx_start and i > 0:
                if -pos.offset >= e.start - self.exons[i - 1].end + 1:
                    break
                return view + pos.offset
        raise HgvsParseError(
            f"{pos} is not an intronic position of {self.transcript.id}",
            "An offset (+N/-N) must follow the first or last base of an exon, inside the intron",
        )

    def region(self, view: int) -> Region:
        """Location facts of view index ``view`` (see :class:`Region`)."""
        if view < self.tx_view_start:
            return Region(RegionKind.UPSTREAM, distance=self.tx_view_start - view)
        if view >= self.tx_view_end:
            return Region(RegionKind.DOWNSTREAM, distance=view - self.tx_view_end + 1)
        i = bisect_right(self._exon_starts, view) - 1  # the exon holding or preceding view
        e = self.exons[i]
        if view < e.end:
            if view < self.cds_view_start:
                part = ExonPart.UTR5
            elif view >= self.cds_view_end:
                part = ExonPart.UTR3
            else:
                part = ExonPart.CDS
            return Region(  # positional (hot path): kind, number, part, donor/acceptor/exon
                RegionKind.EXON, e.number, part, 0, 0, view - e.start + 1, e.end - view
            )
        right = self.exons[i + 1]  # view is intronic, between exon i and exon i + 1
        return Region(RegionKind.INTRON, e.number, None, view - e.end + 1, right.start - view)

    def segment_bounds(self, view: int) -> tuple[int, int]:
        """View half-open span of the exon, intron or flank holding ``view``."""
        if view < self.tx_view_start:
            return 0, self.tx_view_start
        if view >= self.tx_view_end:
            return self.tx_view_end, len(self.view_seq)
        for e in self.exons:
            if e.start <= view < e.end:
                return e.start, e.end
        for left, right in zip(self.exons, self.exons[1:], strict=False):
            if left.end <= view < right.start:
                return left.end, right.start
        raise AssertionError(view)  # pragma: no cover

    # -- genomic API ---------------------------------------------------------------------------

    def view_of_pos(self, pos: int) -> int:
        """View index of 1-based chrX ``pos``; raises :class:`OutOfLocusError` outside the slice."""
        if not self.locus.start < pos <= self.locus.end:
            raise OutOfLocusError(
                f"chrX:{pos} ({self.build}) is outside the bundled FOXP3 locus "
                f"chrX:{self.locus.pos_start}-{self.locus.pos_end}"
            )
        return self.to_view(pos - 1)

    def c_position(self, pos: int) -> CdsPosition:
        """HGVS ``c.`` position of 1-based chrX ``pos``."""
        return self.view_c_position(self.view_of_pos(pos))

    def genomic_pos(self, pos: CdsPosition) -> int:
        """1-based chrX position of a ``c.`` position."""
        view = self.view_of_c(pos)
        if not self.in_view(view):
            raise OutOfLocusError(
                f"{pos} lies outside the bundled FOXP3 locus ({self.build})",
                "Only positions within the bundled chrX slice can be mapped",
            )
        return self.from_view(view) + 1

    def cds_pos(self, view: int) -> int | None:
        """1-based CDS position (c.N, stop codon included) of a coding view index, else None."""
        if not self.cds_view_start <= view < self.cds_view_end:
            return None
        n = self.tx_pos(view)
        return None if n is None else n - self.cds_tx_start + 1

    def codon_position(self, view: int) -> tuple[int, int] | None:
        """(1-based residue, 1-based base within its codon) of a coding view index, else None.

        >>> from ipexcli.refdata import load
        >>> tm = transcript_map(load(), Build.GRCH38)
        >>> tm.codon_position(tm.view_of_pos(49251441))  # c.1189: first base of codon 397
        (397, 1)
        """
        c = self.cds_pos(view)
        if c is None:
            return None
        return (c - 1) // 3 + 1, (c - 1) % 3 + 1

    def features_at(self, residue: int) -> tuple[str, ...]:
        """Names of the protein features covering 1-based ``residue``."""
        return tuple(f.name for f in self.transcript.features if f.contains(residue))

    def polya_view_span(self) -> tuple[int, int]:
        """View half-open span of the polyA signal."""
        return self._polya_span


#: caches keyed by object ids (Build members are singletons; hashing an Enum member runs Python
#: code, which shows at one lookup per variant); each entry keeps ``data`` to check its identity
_MAPS: dict[tuple[int, int], tuple[RefData, TranscriptMap]] = {}


def transcript_map(data: RefData, build: Build) -> TranscriptMap:
    """The (cached) :class:`TranscriptMap` of ``data``'s transcript in ``build``."""
    key = (id(data), id(build))
    hit = _MAPS.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    tmap = TranscriptMap(data.transcript(build), data.locus(build))
    _MAPS[key] = (data, tmap)
    return tmap


def lift(data: RefData, build: Build, pos: int, to: Build) -> int | None:
    """Map 1-based chrX ``pos`` from ``build`` to ``to``; None if the base has no counterpart.

    The GRCh37/GRCh38 offset is not constant over the locus (introns 1 and 6 and the upstream
    region differ by small indels), so no fixed shift is used. Positions are lifted through an
    alignment of the two bundled locus sequences (:func:`build_alignment`), which agrees with
    lifting through the transcript's ``c.`` position for every exonic base (tested) and, unlike
    ``c.`` offsets, stays exact inside introns whose length differs between builds.
    Bases inside an indel between the builds return None.

    >>> from ipexcli.refdata import load
    >>> lift(load(), Build.GRCH37, 49118241, Build.GRCH38)  # rs3761548, intron 1
    49261784
    """
    if build is to:
        return pos
    return _lift_pos(_lift_table(data, build, to), pos)


def _lift_pos(table: _LiftTable, pos: int) -> int | None:
    """:func:`lift` through a precomputed :func:`_lift_table`."""
    starts, blocks, src_start, dst_start, _ = table
    offset = pos - 1 - src_start
    i = bisect_right(starts, offset) - 1  # the blocks ascend and do not overlap
    if i >= 0:
        a, b, n = blocks[i]
        if offset < a + n:
            return dst_start + b + (offset - a) + 1
    return None


#: (block starts in ``build``, blocks, locus start in ``build``, locus start in ``to``, the
#: locus of ``to``)
_LiftTable = tuple[list[int], tuple[tuple[int, int, int], ...], int, int, Locus]

_LIFT: dict[tuple[int, int, int], tuple[RefData, _LiftTable]] = {}


def _lift_table(data: RefData, build: Build, to: Build) -> _LiftTable:
    """The (cached) :func:`build_alignment` blocks of ``data``, indexed for bisection."""
    key = (id(data), id(build), id(to))
    hit = _LIFT.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    blocks = build_alignment(data, build, to)
    dst = data.locus(to)
    table = ([a for a, _, _ in blocks], blocks, data.locus(build).start, dst.start, dst)
    _LIFT[key] = (data, table)
    return table


def lift_variant(variant: GenomicVariant, data: RefData, to: Build) -> GenomicVariant | None:
    """The same alternate allele placed in build ``to`` (VCF-normalised), or None.

    None when a base of the variant has no counterpart in ``to`` (it lies in an indel between the
    builds), when it falls outside the bundled locus there, or when the alternate allele *is* the
    reference sequence of ``to`` (the builds carry different alleles at that site, e.g. rs3761548).
    """
    v = trim(variant)
    if v.build is to:
        return normalize_vcf(v, data.locus(to))
    table = _lift_table(data, v.build, to)
    if v.ref:
        first = _lift_pos(table, v.pos)
        last = first if v.end == v.pos else _lift_pos(table, v.end)
        ok = first is not None and last is not None and last - first == len(v.ref) - 1
        pos = first
    else:  # insertion: lift the base before it and keep the insertion after that base
        before = _lift_pos(table, v.pos - 1)
        ok = before is not None and _lift_pos(table, v.pos) == (before or 0) + 1
        pos = None if before is None else before + 1
    if not ok or pos is None:
        return None
    locus = table[4]  # data.locus(to)
    if not locus.contains(pos - 1, pos - 1 + len(v.ref)):
        return None
    ref = locus.sequence[pos - 1 - locus.start : pos - 1 + len(v.ref) - locus.start]
    if ref == v.alt:
        return None
    lifted = GenomicVariant(to, pos, ref, v.alt, v.chrom)
    if len(ref) == 1 == len(v.alt):  # a substitution (ref != alt) is already VCF-normal
        return lifted
    return normalize_vcf(lifted, locus)


_ALIGN: dict[tuple[int, Build, Build], tuple[RefData, tuple[tuple[int, int, int], ...]]] = {}


def build_alignment(data: RefData, build: Build, to: Build) -> tuple[tuple[int, int, int], ...]:
    """Aligned blocks ``(offset_in_build, offset_in_to, length)`` of the two locus sequences.

    Same-length mismatches (SNP differences) stay inside a block; indels split blocks. A greedy
    walk that re-synchronises after at most 30 bases (the builds differ at a handful of sites).
    """
    key = (id(data), build, to)
    hit = _ALIGN.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    a, b = data.locus(build).sequence, data.locus(to).sequence
    blocks: list[tuple[int, int, int]] = []
    i = j = 0
    block_i, block_j = 0, 0
    window = 25
    while i < len(a) and j < len(b):
        if a[i] == b[j]:  # skip the whole identical run at once (compared in C, not per base)
            run = _common_run(a, i, b, j)
            i, j = i + run, j + run
            continue
        if a[i + 1 : i + 1 + window] == b[j + 1 : j + 1 + window]:
            i, j = i + 1, j + 1
            continue
        for size in range(1, 31):
            if a[i + size : i + size + window] == b[j : j + window]:
                step = (size, 0)
                break
            if a[i : i + window] == b[j + size : j + size + window]:
                step = (0, size)
                break
        else:
            break  # no re-synchronisation: stop aligning here
        blocks.append((block_i, block_j, i - block_i))
        i, j = i + step[0], j + step[1]
        block_i, block_j = i, j
    blocks.append((block_i, block_j, min(len(a) - block_i, len(b) - block_j)))
    result = tuple(blk for blk in blocks if blk[2] > 0)
    _ALIGN[key] = (data, result)
    return result


def _common_run(a: str, i: int, b: str, j: int) -> int:
    """Length of the identical run of ``a`` from ``i`` and ``b`` from ``j`` (by bisection)."""
    lo, hi = 0, min(len(a) - i, len(b) - j)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[i : i + mid] == b[j : j + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
