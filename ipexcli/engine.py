"""The variant engine: one entry point, :func:`annotate_variant`, from a chrX allele to everything
the reports need (normalised forms, HGVS names, SO consequences, positions, known-variant matches,
automated evidence, flags, the equivalent allele in the other build). Pure: no I/O.

Steps: check the allele against the bundled locus (outside -> position-only answer; REF mismatch
-> flagged, annotated with the given alleles); VCF-normalise (trim, left-align, anchor); shift 3'
along the transcript for ``c.``/``p.`` and consequences, and 3' on chrX for ``g.``; compute the
:class:`~ipexcli.consequence.CodingChange` once and derive terms, names and positions from it.

>>> from ipexcli.model import Build, GenomicVariant
>>> a = annotate_variant(GenomicVariant(Build.GRCH38, 49251441, "G", "A"))
>>> a.hgvs_c, a.hgvs_p, [str(t) for t in a.consequences], a.exon
('NM_014009.4:c.1189C>T', 'NP_054728.2:p.(Arg397Trp)', ['missense_variant'], '12/12')
>>> [h.id for h in a.known.exact], str(a.other_build)
(['KV01'], 'X-49107902-G-A (GRCh37)')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ipexcli.consequence import (
    FLANK,
    CodingChange,
    Consequence,
    Impact,
    coding_change,
    consequences,
    worst_impact,
)
from ipexcli.evidence import (
    DEFAULT_THRESHOLDS,
    Evidence,
    FrequencyThresholds,
    assess_with_notes,
)
from ipexcli.hgvs import format_c, format_g, format_p
from ipexcli.known import KnownIndex, KnownMatch, ProteinEffect, known_index
from ipexcli.model import GenomicVariant
from ipexcli.normalize import Shift, minimal, normalize_vcf, trim
from ipexcli.refdata import RefData, load
from ipexcli.sequtils import reverse_complement, translate
from ipexcli.transcript import (
    RegionKind,
    TranscriptMap,
    lift_variant,
    transcript_map,
)


class Flag(str, Enum):
    """Notes attached to an annotation."""

    REF_MISMATCH = "ref_mismatch"  #: REF differs from the bundled reference (build mix-up?)
    OUTSIDE_LOCUS = "outside_locus"  #: beyond the bundled chrX slice: position-only annotation
    CCDC22_LAST_EXON = "overlaps_CCDC22_last_exon"  #: also hits CCDC22 (opposite strand)
    POLYA_SIGNAL = "polyA_signal"  #: overlaps the AATAAA polyadenylation signal
    NO_OTHER_BUILD = "no_equivalent_in_other_build"  #: cannot be placed in the other build
    HGVS_SHIFTED = "hgvs_3prime_shifted"  #: the input allele was moved to its HGVS c. position
    UNSUPPORTED_ALLELE = "unsupported_allele"  #: symbolic/non-ACGTN allele: not annotated

    def __str__(self) -> str:
        return self._value_  # not self.value: that is a Python-level property call


@dataclass(frozen=True, slots=True)
class VariantAnnotation:
    """Everything known about one allele on NM_014009.4 (positions 1-based unless noted)."""

    variant: GenomicVariant  #: the input, unchanged
    normalized: GenomicVariant | None  #: VCF-normalised (left-aligned, anchored)
    g_shifted: GenomicVariant | None  #: trimmed, 3'-shifted on chrX + strand (HGVS g.)
    c_shifted: GenomicVariant | None  #: trimmed, 3'-shifted along the transcript (HGVS c.)
    hgvs_g: str | None
    #: NM_014009.4:c. name; intronic offsets count in the variant's own build (introns 1 and 6
    #: differ in length between GRCh37 and GRCh38)
    hgvs_c: str | None
    hgvs_p: str | None  #: NP_054728.2:p.(...) predicted change, p.? or None (no protein effect)
    consequences: tuple[Consequence, ...]
    impact: Impact | None
    exon: str | None  #: "n/12" (or "n-m/12")
    intron: str | None  #: "n/11"
    cdna_pos: str | None  #: n. position(s), "1261" or "1261-1263"
    cds_pos: str | None
    aa_pos: str | None
    codons: str | None  #: "Cgg/Tgg" (changed bases upper case)
    amino_acids: str | None  #: "R/W"
    protein_features: tuple[str, ...]
    distance: int | None  #: bases to the transcript for up/downstream variants
    known: KnownMatch
    evidence: tuple[Evidence, ...]
    flags: tuple[Flag, ...]
    other_build: GenomicVariant | None  #: the same allele in the other build, VCF-normalised
    #: codes considered but not given, with why (e.g. "PVS1 not applicable: ..."), #12
    evidence_notes: tuple[str, ...] = ()

    @property
    def most_severe(self) -> Consequence | None:
        return self.consequences[0] if self.consequences else None


def annotate_variant(
    variant: GenomicVariant,
    data: RefData | None = None,
    allele_frequency: float | None = None,
    thresholds: FrequencyThresholds | None = None,
) -> VariantAnnotation:
    """Annotate one chrX allele (1-based ``pos``, + strand alleles) on NM_014009.4.

    ``thresholds`` replaces the default BA1/BS1/PM2 frequency cut-offs
    (:data:`ipexcli.evidence.DEFAULT_THRESHOLDS`)."""
    data = data or load()
    tmap = transcript_map(data, variant.build)
    core = _core(variant, data, tmap)
    index = known_variant_index(data)
    known = index.match(core.query, data, _effect(core)) if core.query else KnownMatch()
    evidence, notes = assess_with_notes(
        core.terms,
        core.change,
        known,
        allele_frequency,
        tmap.exon_tx_starts,
        tmap.cds_tx_start,
        transcript=tmap.transcript,
        known_rows=data.known,
        thresholds=thresholds or DEFAULT_THRESHOLDS,
    )
    return VariantAnnotation(**core.fields, known=known, evidence=evidence, evidence_notes=notes)


#: :func:`annotate_variant_cached`: (allele, frequency) -> annotation, for one RefData object
_CACHE: dict[
    tuple[GenomicVariant, float | None, FrequencyThresholds | None], VariantAnnotation
] = {}
_CACHE_OWNER: list[RefData | None] = [None]
#: entries kept at most (~0.9 KB each, so <= ~1 MB per process: memory stays flat in the
#: number of files; the alleles that recur, e.g. known variants, are quickly back after a clear)
CACHE_SIZE = 1024


def annotate_variant_cached(
    variant: GenomicVariant,
    data: RefData | None = None,
    allele_frequency: float | None = None,
    thresholds: FrequencyThresholds | None = None,
) -> VariantAnnotation:
    """:func:`annotate_variant`, remembered per process by allele, frequency and frequency
    thresholds (#14 item 5).

    The annotation is a pure function of the allele, the reference data and the frequency, and
    immutable, so a batch worker annotates an allele it met in an earlier file only once. The
    cache belongs to one :class:`RefData` object: loading other data empties it.
    """
    data = data or load()
    if _CACHE_OWNER[0] is not data:
        _CACHE.clear()
        _CACHE_OWNER[0] = data
    key = (variant, allele_frequency, thresholds)
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.clear()
        found = _CACHE[key] = annotate_variant(variant, data, allele_frequency, thresholds)
    return found


def known_variant_index(data: RefData | None = None) -> KnownIndex:
    """The known-variant index of ``data`` (built once, with this engine's protein effects)."""
    data = data or load()
    return known_index(data, lambda v: _effect(_core(v, data)))


@dataclass(frozen=True, slots=True)
class _Core:
    #: every :class:`VariantAnnotation` field except ``known`` and ``evidence`` (which need the
    #: known-variant index, itself built from cores); the annotation is constructed once from it
    fields: dict[str, Any]
    change: CodingChange | None
    terms: tuple[Consequence, ...]
    query: GenomicVariant | None  #: the allele to look up (None outside the locus)


def _effect(core: _Core) -> ProteinEffect:
    p = core.fields["hgvs_p"]
    p = p.split(":", 1)[1] if p else None
    residue = None
    if Consequence.MISSENSE in core.terms and core.change is not None:
        residue = core.change.prefix + 1
    if p is None and residue is None:
        return _NO_EFFECT  # immutable: one shared value for the usual non-coding answer
    return ProteinEffect(p, residue)


_NO_EFFECT = ProteinEffect(None, None)


_ALLELE = re.compile("[ACGTN]*")


def _core(variant: GenomicVariant, data: RefData, tmap: TranscriptMap | None = None) -> _Core:
    tmap = tmap or transcript_map(data, variant.build)
    locus = tmap.locus  # data.locus(variant.build)
    tx = tmap.transcript
    if not _ALLELE.fullmatch(variant.ref + variant.alt):  # both alleles plain bases
        return _Core(_empty(variant, (Flag.UNSUPPORTED_ALLELE,)), None, (), None)
    if variant.chrom != "X" or not locus.contains(variant.start, variant.end):
        return _outside(variant, tmap)
    flags: list[Flag] = []
    offset = locus.start  # the slice is known to lie inside the locus: read it directly
    if locus.sequence[variant.start - offset : variant.end - offset] != variant.ref:
        flags.append(Flag.REF_MISMATCH)
        return _mismatch(variant, tmap, flags)
    trimmed = trim(variant)
    if not trimmed.ref and not trimmed.alt:
        return _no_change(variant, tmap)
    if trimmed.ref and trimmed.alt:  # substitution/delins: already normal, nothing to shift
        normalized = g_shifted = c_shifted = trimmed
    else:
        normalized = normalize_vcf(trimmed, locus)
        g_shifted = minimal(trimmed, locus, Shift.RIGHT)
        c_shifted = minimal(trimmed, locus, Shift.LEFT if tmap.minus else Shift.RIGHT)
    # what hgvs_shift_view(tmap, locus, trimmed) returns, from the c_shifted computed above
    vs, ve = tmap.to_view_span(c_shifted.start, c_shifted.end)
    alt = reverse_complement(c_shifted.alt) if tmap.minus else c_shifted.alt
    if c_shifted.pos != trimmed.pos:
        flags.append(Flag.HGVS_SHIFTED)
    placement = _exonic_placement(tmap, vs, ve, alt)
    change = coding_change(tmap, *placement)
    terms = consequences(change)
    located = [change]
    if placement != (vs, ve, alt):  # report what the HGVS (junction) placement implies too
        at_junction = coding_change(tmap, vs, ve, alt)
        located.append(at_junction)
        extra = set(consequences(at_junction))
        extra.discard(Consequence.CODING_SEQUENCE)
        terms = tuple(t for t in Consequence if t in extra or t in terms)
    hgvs_p = _protein_name(change, terms)
    other = lift_variant(trimmed, data, variant.build.other)
    if other is None:
        flags.append(Flag.NO_OTHER_BUILD)
    flags.extend(_overlap_flags(tmap, c_shifted, vs, ve))
    fields: dict[str, Any] = dict(
        variant=variant,
        normalized=normalized,
        g_shifted=g_shifted,
        c_shifted=c_shifted,
        hgvs_g=format_g(g_shifted, data),  # format_g shifts 3' itself: g_shifted stays put
        hgvs_c=f"{tx.id}:{format_c(tmap, vs, ve, alt)}",
        hgvs_p=f"{tx.protein_id}:{hgvs_p}" if hgvs_p else None,
        consequences=terms,
        impact=worst_impact(terms),
        exon=_rank(located, RegionKind.EXON, tmap.n_exons),
        intron=_rank(located, RegionKind.INTRON, tmap.n_exons - 1),
        cdna_pos=_positions(change, tmap.tx_pos),
        cds_pos=_positions(change, tmap.cds_pos),
        aa_pos=_aa_pos(change),
        codons=_codons(change),
        amino_acids=_amino_acids(change),
        protein_features=_features(change, tmap),
        distance=_distance(change),
        flags=tuple(flags),
        other_build=other,
    )
    return _Core(fields, change, terms, normalized)


def _exonic_placement(tmap: TranscriptMap, vs: int, ve: int, alt: str) -> tuple[int, int, str]:
    """The placement used for the protein: the 3'-most one, unless it touches an intron while an
    equivalent placement (same alternate haplotype, moved 5' through a repeat) is wholly exonic.

    Example: a duplication of the last bases of an exon is 3'-shifted by HGVS to the exon/intron
    junction (c.731_735dup inserts after c.735), yet the same haplotype is an insertion inside
    the exon, which is how the change acts on the mRNA (a frameshift), as bcftools csq reports.
    The caller reports the terms of both placements (the junction one may hit a splice site).
    """
    if vs != ve and alt:
        return vs, ve, alt  # a deletion-insertion has only one placement

    def exonic(s: int, e: int) -> bool:
        ends = (s - 1, s) if s == e else (s, e - 1)
        found = {tmap.exon_index(v) for v in ends}
        return None not in found and len(found) == 1

    if exonic(vs, ve):
        return vs, ve, alt
    seq = tmap.view_seq
    s, e, allele = vs, ve, alt
    for _ in range(200):  # walk 5' along the transcript through the repeat
        if s == e:  # insertion before view s
            if s - 1 < 0 or seq[s - 1] != allele[-1]:
                break
            allele, s, e = allele[-1] + allele[:-1], s - 1, e - 1
        else:
            if s - 1 < 0 or seq[s - 1] != seq[e - 1]:
                break
            s, e = s - 1, e - 1
        if exonic(s, e):
            return s, e, allele
    return vs, ve, alt


def _protein_name(change: CodingChange, terms: tuple[Consequence, ...]) -> str | None:
    if change.ablation:
        return "p.0?"  # the whole transcript is deleted: no protein predicted
    if Consequence.SPLICE_DONOR in terms or Consequence.SPLICE_ACCEPTOR in terms:
        return "p.?"
    if change.coding:
        return format_p(change)
    if change.overlaps_cds:  # partly exonic coding change (crosses an exon/intron boundary)
        return "p.?"
    return None


def _rank(changes: list[CodingChange], kind: RegionKind, total: int) -> str | None:
    if len(changes) == 1 and len(changes[0].regions) == 1:  # one base: no set to build
        region = changes[0].regions[0]
        if region.kind is not kind or (
            changes[0].is_insertion and changes[0].exonic and kind is RegionKind.INTRON
        ):
            return None
        return f"{region.number}/{total}"
    numbers = sorted({
        r.number
        for c in changes
        if not (c.is_insertion and c.exonic and kind is RegionKind.INTRON)  # junction: exonic
        for r in c.regions
        if r.kind is kind
    })
    if not numbers:
        return None
    span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
    return f"{span}/{total}"


def _positions(change: CodingChange, fn: Callable[[int], int | None]) -> str | None:
    if change.is_insertion:
        views = [change.view_start - 1, change.view_start]
    elif change.view_end - change.view_start == 1:
        one = fn(change.view_start)
        return None if one is None else str(one)
    else:
        views = list(range(change.view_start, change.view_end))
    values = [x for x in (fn(v) for v in views) if x is not None]
    if not values:
        return None
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _aa_pos(change: CodingChange) -> str | None:
    if not change.coding:
        return None
    lo, hi = change.first_residue, change.last_residue
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _codons(change: CodingChange) -> str | None:
    if not change.coding or change.frameshift or not change.ref_codons:
        return None
    ref, alt = change.ref_codons, change.alt_codons
    if len(ref) == len(alt):
        pairs = list(zip(ref, alt, strict=True))
        ref_out = "".join(r.upper() if r != a else r.lower() for r, a in pairs)
        alt_out = "".join(a.upper() if r != a else a.lower() for r, a in pairs)
        return f"{ref_out}/{alt_out}"
    return f"{ref}/{alt}"


def _amino_acids(change: CodingChange) -> str | None:
    """VEP-style amino acids of the affected codons: "R/W", "K/*", "R" when unchanged."""
    if not change.coding:
        return None
    ref = translate(change.ref_codons)
    if change.ref_protein == change.alt_protein:
        return ref
    alt = "X" if change.frameshift else translate(change.alt_codons)
    return f"{ref or '-'}/{alt or '-'}"


def _features(change: CodingChange, tmap: TranscriptMap) -> tuple[str, ...]:
    if not change.coding:
        return ()
    names: list[str] = []
    for residue in range(change.first_residue, change.last_residue + 1):
        for name in tmap.features_at(residue):
            if name not in names:
                names.append(name)
    return tuple(names)


def _distance(change: CodingChange) -> int | None:
    outside = [
        r.distance for r in change.regions
        if r.kind in (RegionKind.UPSTREAM, RegionKind.DOWNSTREAM)
    ]
    if not outside or len(outside) != len(change.regions):
        return None
    return min(outside)


def _overlap_flags(
    tmap: TranscriptMap, trimmed: GenomicVariant, vs: int, ve: int
) -> list[Flag]:
    flags = []
    start, end = trimmed.start, trimmed.end
    if any(i.overlaps(start, end) for i in tmap.transcript.overlapping):
        flags.append(Flag.CCDC22_LAST_EXON)
    ps, pe = tmap.polya_view_span()
    if (vs < pe and ve > ps) if ve > vs else ps < vs < pe:
        flags.append(Flag.POLYA_SIGNAL)
    return flags


def _empty(variant: GenomicVariant, flags: tuple[Flag, ...], **fields: Any) -> dict[str, Any]:
    """The :class:`_Core` fields of a variant with nothing (or only ``fields``) annotated."""
    base: dict[str, Any] = dict(
        variant=variant, normalized=None, g_shifted=None, c_shifted=None, hgvs_g=None,
        hgvs_c=None, hgvs_p=None, consequences=(), impact=None, exon=None, intron=None,
        cdna_pos=None, cds_pos=None, aa_pos=None, codons=None, amino_acids=None,
        protein_features=(), distance=None, flags=flags, other_build=None,
    )
    base.update(fields)
    return base


def _outside(variant: GenomicVariant, tmap: TranscriptMap) -> _Core:
    """Beyond the bundled slice: only the position is known (no sequence to normalise)."""
    if variant.chrom != "X":
        return _Core(_empty(variant, (Flag.OUTSIDE_LOCUS,)), None, (), None)
    view = tmap.to_view(variant.start)
    if view < tmap.tx_view_start:
        distance = tmap.tx_view_start - view
        term = Consequence.UPSTREAM if distance <= FLANK else Consequence.INTERGENIC
    else:
        distance = view - tmap.tx_view_end + 1
        term = Consequence.DOWNSTREAM if distance <= FLANK else Consequence.INTERGENIC
    fields = _empty(
        variant, (Flag.OUTSIDE_LOCUS,), consequences=(term,), impact=term.impact,
        distance=distance,
    )
    return _Core(fields, None, (term,), None)


def _mismatch(variant: GenomicVariant, tmap: TranscriptMap, flags: list[Flag]) -> _Core:
    """REF disagrees with the reference: annotate the given alleles literally, unshifted."""
    trimmed = trim(variant)
    vs, ve = tmap.to_view_span(trimmed.start, trimmed.end)
    alt = reverse_complement(trimmed.alt) if tmap.minus else trimmed.alt
    change = coding_change(tmap, vs, ve, alt)
    terms = consequences(change)
    fields = _empty(
        variant, tuple(flags), consequences=terms, impact=worst_impact(terms),
        exon=_rank([change], RegionKind.EXON, tmap.n_exons),
        intron=_rank([change], RegionKind.INTRON, tmap.n_exons - 1),
        cdna_pos=_positions(change, tmap.tx_pos), cds_pos=_positions(change, tmap.cds_pos),
        distance=_distance(change),
    )
    return _Core(fields, None, terms, None)


def _no_change(variant: GenomicVariant, tmap: TranscriptMap) -> _Core:
    """REF equals ALT: nothing to annotate."""
    return _Core(_empty(variant, ()), None, (), None)
