"""Sequence Ontology consequences of a variant on NM_014009.4: one table, one predicate per term.

Algorithm (all in transcript orientation, see :mod:`ipexcli.transcript`):

1. The variant is taken in its HGVS 3'-shifted form (shifted along the transcript but not across
   an exon/intron boundary), so that every representation of the same allele gets the same answer.
2. :func:`coding_change` computes, once, a :class:`CodingChange`: the location of every affected
   base (for an insertion: the two flanking bases) and, when the change is wholly exonic and touches
   the CDS, the reference and alternate proteins. The alternate protein comes from translating the
   mutated mRNA from c.1 to the first stop, reading on into the 3'UTR when the stop is lost.
3. :func:`consequences` evaluates every predicate in :data:`PREDICATES` (one per SO term; they never
   call each other) and returns the matching terms in :class:`Consequence` order, which is the
   severity rank (most severe first). All matching terms are reported, as VEP does; the first one is
   the most severe.

Location lookup order inside one base: upstream/downstream flank -> exon (CDS, 5'UTR, 3'UTR) ->
intron (splice sites and regions). Definitions implemented (VEP / Sequence Ontology wording):

* splice_donor_variant / splice_acceptor_variant: the first / last 2 bases of an intron (+1,+2 /
  -1,-2). An insertion counts only when both flanking bases are in the site; one exactly at an
  exon/intron junction leaves the GT/AG intact and is treated as an exonic insertion (with
  splice_region_variant).
* splice_donor_5th_base_variant: intron base +5 (VEP >= 105).
* splice_donor_region_variant: intron bases +3..+6 (VEP >= 105).
* splice_region_variant: within 1-3 bases of the exon or 3-8 bases of the intron at a splice site
  (SO:0001630 definition as used by VEP); transcript ends are not splice sites.
* splice_polypyrimidine_tract_variant: intron bases -3..-17 of the acceptor (VEP >= 105).
* intron_variant: an intronic base outside the 2-base donor/acceptor sites (VEP reports the sites
  without intron_variant); an insertion needs both flanks intronic.
* upstream_gene_variant / downstream_gene_variant: within 5,000 bases of the transcript's 5' / 3'
  end (VEP default); farther away: intergenic_variant.
* Coding terms compare the reference and alternate proteins; ``stop_gained`` for a frameshift only
  when the first changed residue is the new stop (HGVS then writes a nonsense description).
  inframe_insertion / inframe_deletion follow the SO definitions at the nucleotide level (a pure
  in-frame insertion or deletion of CDS bases that changes the protein), so they can accompany
  stop_gained or stop_lost; an in-frame deletion-insertion is missense_variant when the peptide
  keeps its length and protein_altering_variant when it does not.

The order and IMPACT follow ``docs/field-notes.md`` section 4.5 (Ensembl's severity table);
IMPACT of splice_donor_region_variant, splice_polypyrimidine_tract_variant and
coding_sequence_variant follows VEP's table (LOW, LOW, MODIFIER).

>>> from ipexcli.refdata import load
>>> from ipexcli.model import Build
>>> from ipexcli.transcript import transcript_map
>>> tm = transcript_map(load(), Build.GRCH38)
>>> v = tm.view_of_pos(49251441)                      # c.1189C>T (transcript strand)
>>> [c.term for c in consequences(coding_change(tm, v, v + 1, "T"))]
['missense_variant']
>>> v = tm.view_of_pos(49255427)                      # c.816+2T>A
>>> [c.term for c in consequences(coding_change(tm, v, v + 1, "A"))]
['splice_donor_variant']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from ipexcli.sequtils import translate_to_stop
from ipexcli.transcript import ExonPart, Region, RegionKind, TranscriptMap

#: VEP's default distance for upstream/downstream_gene_variant
FLANK = 5000


class Impact(str, Enum):
    """Putative impact classes (VEP and SnpEff)."""

    HIGH = "HIGH"
    MODERATE = "MODERATE"
    LOW = "LOW"
    MODIFIER = "MODIFIER"

    def __str__(self) -> str:
        return self._value_  # not self.value: that is a Python-level property call


class Consequence(Enum):
    """SO consequence terms; member order is the severity rank (most severe first)."""

    TRANSCRIPT_ABLATION = ("transcript_ablation", "SO:0001893", Impact.HIGH)
    SPLICE_ACCEPTOR = ("splice_acceptor_variant", "SO:0001574", Impact.HIGH)
    SPLICE_DONOR = ("splice_donor_variant", "SO:0001575", Impact.HIGH)
    STOP_GAINED = ("stop_gained", "SO:0001587", Impact.HIGH)
    FRAMESHIFT = ("frameshift_variant", "SO:0001589", Impact.HIGH)
    STOP_LOST = ("stop_lost", "SO:0001578", Impact.HIGH)
    START_LOST = ("start_lost", "SO:0002012", Impact.HIGH)
    INFRAME_INSERTION = ("inframe_insertion", "SO:0001821", Impact.MODERATE)
    INFRAME_DELETION = ("inframe_deletion", "SO:0001822", Impact.MODERATE)
    MISSENSE = ("missense_variant", "SO:0001583", Impact.MODERATE)
    PROTEIN_ALTERING = ("protein_altering_variant", "SO:0001818", Impact.MODERATE)
    SPLICE_DONOR_5TH_BASE = ("splice_donor_5th_base_variant", "SO:0001787", Impact.LOW)
    SPLICE_REGION = ("splice_region_variant", "SO:0001630", Impact.LOW)
    SPLICE_DONOR_REGION = ("splice_donor_region_variant", "SO:0002170", Impact.LOW)
    SPLICE_POLYPYRIMIDINE_TRACT = (
        "splice_polypyrimidine_tract_variant",
        "SO:0002169",
        Impact.LOW,
    )
    START_RETAINED = ("start_retained_variant", "SO:0002019", Impact.LOW)
    STOP_RETAINED = ("stop_retained_variant", "SO:0001567", Impact.LOW)
    SYNONYMOUS = ("synonymous_variant", "SO:0001819", Impact.LOW)
    CODING_SEQUENCE = ("coding_sequence_variant", "SO:0001580", Impact.MODIFIER)
    UTR5 = ("5_prime_UTR_variant", "SO:0001623", Impact.MODIFIER)
    UTR3 = ("3_prime_UTR_variant", "SO:0001624", Impact.MODIFIER)
    INTRON = ("intron_variant", "SO:0001627", Impact.MODIFIER)
    UPSTREAM = ("upstream_gene_variant", "SO:0001631", Impact.MODIFIER)
    DOWNSTREAM = ("downstream_gene_variant", "SO:0001632", Impact.MODIFIER)
    INTERGENIC = ("intergenic_variant", "SO:0001628", Impact.MODIFIER)

    @property
    def term(self) -> str:
        return self._value_[0]  # the member tuple, without the Enum.value property call

    @property
    def accession(self) -> str:
        return self._value_[1]  # the member tuple, without the Enum.value property call

    @property
    def impact(self) -> Impact:
        return self._value_[2]  # the member tuple, without the Enum.value property call

    @property
    def rank(self) -> int:
        """1 = most severe."""
        return _RANK[self]

    @classmethod
    def from_term(cls, term: str) -> Consequence:
        for member in cls:
            if member.term == term:
                return member
        raise ValueError(f"unknown SO consequence term {term!r}")

    def __str__(self) -> str:
        return self.term


_RANK = {member: i + 1 for i, member in enumerate(Consequence)}


@dataclass(frozen=True, slots=True)
class CodingChange:
    """Everything the predicates need, computed once per variant (transcript orientation).

    ``view_start``/``view_end`` are the affected half-open view span (equal for an insertion,
    which sits between ``view_start - 1`` and ``view_start``). ``regions`` holds the location of
    each affected base, or of the two flanking bases of an insertion. The protein fields are set
    only when ``coding`` (the change is wholly exonic and touches the CDS): ``ref_protein`` and
    ``alt_protein`` end with ``'*'`` when a stop is reached (``alt_protein`` may run on without
    one); ``prefix`` is the number of leading residues they share; ``ref_peptide``/``alt_peptide``
    are the differing middles after removing the shared prefix and (for in-frame changes) suffix.
    """

    view_start: int
    view_end: int
    ref: str  #: reference bases, transcript strand
    alt: str  #: alternate bases, transcript strand
    regions: tuple[Region, ...]
    is_insertion: bool
    ablation: bool  #: the deletion removes the whole transcript
    overlaps_cds: bool
    exonic: bool  #: wholly inside one exon (insertions: both flanks)
    coding: bool
    overlaps_start_codon: bool = False
    overlaps_stop_codon: bool = False
    start_intact: bool = True
    frameshift: bool = False
    first_residue: int = 0  #: 1-based residue of the first affected codon (0 when not coding)
    last_residue: int = 0  #: 1-based residue of the last affected codon
    ref_codons: str = ""
    alt_codons: str = ""
    ref_protein: str = ""
    alt_protein: str = ""
    prefix: int = 0
    ref_peptide: str = ""
    alt_peptide: str = ""
    cdna_start: int = 0  #: 0-based cDNA offset of the change (coding changes only)
    n_exons: int = 0  #: exon count (the last exon's 3' end is no splice site)

    @property
    def protein_changed(self) -> bool:
        return self.coding and self.ref_protein != self.alt_protein

    @property
    def premature_stop(self) -> bool:
        """The alternate protein stops earlier than an in-frame change alone would explain."""
        if not self.alt_protein.endswith("*"):
            return False
        if self.frameshift:
            return self.prefix < len(self.alt_protein) and self.alt_protein[self.prefix] == "*"
        delta_codons = (len(self.alt) - len(self.ref)) // 3
        return len(self.alt_protein) < len(self.ref_protein) + delta_codons

    @property
    def stop_lost(self) -> bool:
        """The reference stop codon no longer ends the protein where it should."""
        if not self.protein_changed or not self.start_intact or self.premature_stop:
            return False
        if not self.alt_protein.endswith("*"):
            return True
        if self.frameshift:
            return self.overlaps_stop_codon and len(self.alt_protein) >= len(self.ref_protein)
        delta_codons = (len(self.alt) - len(self.ref)) // 3
        return len(self.alt_protein) > len(self.ref_protein) + delta_codons

    @property
    def stop_index(self) -> int:
        """0-based index of the reference stop codon in ``ref_protein``."""
        return len(self.ref_protein) - 1


def coding_change(tmap: TranscriptMap, view_start: int, view_end: int, alt: str) -> CodingChange:
    """Compute the :class:`CodingChange` of replacing view ``[view_start, view_end)`` by ``alt``.

    ``alt`` is on the transcript strand. The span must lie inside the bundled locus.
    """
    ref = tmap.view_seq[view_start:view_end]
    is_insertion = view_start == view_end
    if is_insertion:
        flanks = [v for v in (view_start - 1, view_start) if tmap.in_view(v)]
        regions = tuple(tmap.region(v) for v in flanks)
    elif view_end - view_start == 1:
        regions = (tmap.region(view_start),)
    else:
        regions = tuple(tmap.region(v) for v in range(view_start, view_end))
    ablation = (
        not is_insertion and view_start <= tmap.tx_view_start and view_end >= tmap.tx_view_end
    )
    insert_at = _insertion_point(tmap, view_start) if is_insertion else None
    if is_insertion:
        exonic = insert_at is not None
        overlaps_cds = insert_at is not None and (
            tmap.cds_tx_start - 1 < insert_at < tmap.cds_tx_end
        )
    elif view_end - view_start == 1:
        exonic = regions[0].kind is RegionKind.EXON
        overlaps_cds = exonic and regions[0].part is ExonPart.CDS
    else:
        exon_ids = {tmap.exon_index(view_start), tmap.exon_index(view_end - 1)}
        exonic = None not in exon_ids and len(exon_ids) == 1
        overlaps_cds = any(r.kind is RegionKind.EXON and r.part is ExonPart.CDS for r in regions)
    coding = exonic and overlaps_cds
    if not coding:
        return CodingChange(
            view_start, view_end, ref, alt, regions, is_insertion, ablation, overlaps_cds,
            exonic, False, n_exons=tmap.n_exons,
        )
    tx = tmap.transcript
    if insert_at is not None:
        a = b = insert_at
    else:
        a = tmap.exonic_tx_pos(view_start) - 1
        b = a + (view_end - view_start)
    cds0 = tmap.cds_tx_start - 1
    stop0 = tmap.cds_tx_end - 3  # 0-based cDNA offset of the first stop-codon base
    cdna = tx.cdna
    mutated = cdna[:a] + alt + cdna[b:]
    if is_insertion:
        over_start = cds0 < a < cds0 + 3
        over_stop = stop0 < a < stop0 + 3
    else:
        over_start = a < cds0 + 3 and b > cds0
        over_stop = a < stop0 + 3 and b > stop0
    start_intact = not over_start or (a >= cds0 and mutated[cds0 : cds0 + 3] == "ATG")
    ref_protein = tx.protein + "*"
    first_codon = max(0, (a - cds0) // 3)
    if is_insertion and (a - cds0) % 3 == 0:
        first_codon = max(0, first_codon - 1)  # inserted between codons: name the one before
    last_codon = max(first_codon, min((max(b, a + 1) - 1 - cds0) // 3, len(ref_protein) - 1))
    delta = len(alt) - (b - a)
    frameshift = delta % 3 != 0
    ref_codons = cdna[cds0 + 3 * first_codon : cds0 + 3 * (last_codon + 1)]
    alt_codons = mutated[cds0 + 3 * first_codon : cds0 + 3 * (last_codon + 1) + delta]
    if start_intact:
        alt_protein = ref_protein[:first_codon] + _translate_from(
            tmap, mutated, cds0 + 3 * first_codon, a + len(alt), delta
        )
    else:
        alt_protein = ""
    prefix = _common_prefix(ref_protein, alt_protein)
    suffix = 0
    if not frameshift and alt_protein.endswith("*"):
        room = min(len(ref_protein), len(alt_protein)) - prefix
        suffix = _common_suffix(ref_protein, alt_protein, room)
    ref_peptide = ref_protein[prefix : len(ref_protein) - suffix]
    alt_peptide = alt_protein[prefix : len(alt_protein) - suffix]
    return CodingChange(
        view_start, view_end, ref, alt, regions, is_insertion, ablation, overlaps_cds, exonic,
        True,
        overlaps_start_codon=over_start,
        overlaps_stop_codon=over_stop,
        start_intact=start_intact,
        frameshift=frameshift,
        first_residue=first_codon + 1,
        last_residue=last_codon + 1,
        ref_codons=ref_codons,
        alt_codons=alt_codons,
        ref_protein=ref_protein,
        alt_protein=alt_protein,
        prefix=prefix,
        ref_peptide=ref_peptide,
        alt_peptide=alt_peptide,
        cdna_start=a,
        n_exons=tmap.n_exons,
    )


def _common_prefix(x: str, y: str) -> int:
    """Length of the longest common prefix of ``x`` and ``y``.

    A bisection on slice comparisons (done in C) instead of a Python loop over residues; the
    predicate "the first k characters agree" holds for every k up to the answer and no further.
    """
    lo, hi = 0, min(len(x), len(y))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[:mid] == y[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(x: str, y: str, limit: int) -> int:
    """Length (at most ``limit``) of the longest common suffix of ``x`` and ``y``."""
    lo, hi = 0, max(0, min(limit, len(x), len(y)))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[len(x) - mid :] == y[len(y) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _translate_from(
    tmap: TranscriptMap, mutated: str, m0: int, changed_end: int, delta: int
) -> str:
    """``translate_to_stop(mutated[m0:])``, reusing the reference translation after the change.

    ``mutated`` is the cDNA with ``delta`` more bases than the reference; from offset
    ``changed_end`` on it equals the reference shifted by ``delta``. ``m0`` is a codon boundary
    of the CDS. When ``delta`` is a multiple of 3 the codons after the change are reference
    codons, so only the codons up to the change are translated here and the rest is read from
    :attr:`TranscriptMap.cds_translation` (identical result, without re-translating the CDS).
    """
    if delta % 3 == 0:
        k = max(0, -(-(changed_end - m0) // 3))  # codons up to the last changed base
        head = translate_to_stop(mutated[m0 : m0 + 3 * k])
        if head.endswith("*"):
            return head
        reference = tmap.cds_translation
        j = (m0 + 3 * k - delta - (tmap.cds_tx_start - 1)) // 3  # the same codon in the reference
        last = len(reference) - 1 if reference.endswith("*") else len(reference)
        if len(head) == k and 0 <= j <= last:
            return head + reference[j:]
    return translate_to_stop(mutated[m0:])


def _insertion_point(tmap: TranscriptMap, view: int) -> int | None:
    """0-based cDNA offset of an insertion before view index ``view``, or None if not exonic.

    An insertion inside an exon is exonic. So is one at an exon/intron junction: the canonical
    GT (donor) or AG (acceptor) stays intact and adjacent, so the inserted bases are expected to
    be spliced into the exon (this is how bcftools csq treats the donor side). Insertions at the
    transcript's ends or inside introns are not exonic.
    """
    left, right = tmap.exon_index(view - 1), tmap.exon_index(view)
    if left is not None and left == right:
        return tmap.tx_pos(view - 1)
    if left is not None and right is None and tmap.tx_view_start <= view < tmap.tx_view_end:
        return tmap.tx_pos(view - 1)  # after the exon's last base, before intron +1
    if right is not None and left is None and tmap.tx_view_start < view:
        return tmap.exonic_tx_pos(view) - 1  # after intron -1, before the exon's first base
    return None


# -- location helpers (not predicates) ----------------------------------------------------------


def _intronic(change: CodingChange, test: Callable[[Region], bool], every: bool) -> bool:
    regions = change.regions
    if not regions:
        return False
    intron = RegionKind.INTRON
    if len(regions) == 1:  # the common case (a substitution): no generator
        return regions[0].kind is intron and test(regions[0])
    if every:
        return all(r.kind is intron and test(r) for r in regions)
    return any(r.kind is intron and test(r) for r in regions)


def _exon_part(change: CodingChange, part: ExonPart) -> bool:
    if change.is_insertion and not change.exonic:
        return False
    return any(r.kind is RegionKind.EXON and r.part is part for r in change.regions)


# -- one predicate per term -------------------------------------------------------------------


def is_transcript_ablation(c: CodingChange) -> bool:
    return c.ablation


def is_splice_acceptor(c: CodingChange) -> bool:
    return _intronic(c, lambda r: r.acceptor_distance <= 2, every=c.is_insertion)


def is_splice_donor(c: CodingChange) -> bool:
    return _intronic(c, lambda r: r.donor_distance <= 2, every=c.is_insertion)


def is_stop_gained(c: CodingChange) -> bool:
    return c.protein_changed and c.start_intact and c.premature_stop


def is_frameshift(c: CodingChange) -> bool:
    return c.protein_changed and c.frameshift


def is_stop_lost(c: CodingChange) -> bool:
    return c.stop_lost


def is_start_lost(c: CodingChange) -> bool:
    return c.coding and c.overlaps_start_codon and not c.start_intact


def _in_frame_body(c: CodingChange) -> bool:
    """An in-frame protein change that neither gains nor loses a start or stop codon."""
    return (
        c.protein_changed
        and c.start_intact
        and not c.frameshift
        and not c.premature_stop
        and not c.stop_lost
    )


def is_inframe_insertion(c: CodingChange) -> bool:
    """SO: an in-frame non-synonymous insertion of bases into the CDS (nucleotide level)."""
    return c.protein_changed and not c.frameshift and not c.ref and bool(c.alt)


def is_inframe_deletion(c: CodingChange) -> bool:
    """SO: an in-frame non-synonymous deletion of bases from the CDS (nucleotide level)."""
    return c.protein_changed and not c.frameshift and bool(c.ref) and not c.alt


def is_missense(c: CodingChange) -> bool:
    """A substitution or deletion-insertion that changes residues but keeps the length."""
    return (
        _in_frame_body(c)
        and bool(c.ref)
        and bool(c.alt)
        and len(c.ref_peptide) == len(c.alt_peptide) > 0
    )


def is_protein_altering(c: CodingChange) -> bool:
    """An in-frame deletion-insertion that changes the protein's length."""
    return (
        _in_frame_body(c)
        and bool(c.ref)
        and bool(c.alt)
        and len(c.ref_peptide) != len(c.alt_peptide)
    )


def is_splice_donor_5th_base(c: CodingChange) -> bool:
    return _intronic(c, lambda r: r.donor_distance == 5, every=False)


def is_splice_region(c: CodingChange) -> bool:
    if _intronic(
        c, lambda r: 3 <= r.donor_distance <= 8 or 3 <= r.acceptor_distance <= 8, every=False
    ):
        return True
    for r in c.regions:
        if r.kind is not RegionKind.EXON:
            continue
        if r.exon_end_distance <= 3 and r.number < c.n_exons:
            return True
        if r.exon_start_distance <= 3 and r.number > 1:
            return True
    return False


def is_splice_donor_region(c: CodingChange) -> bool:
    return _intronic(c, lambda r: 3 <= r.donor_distance <= 6, every=False)


def is_splice_polypyrimidine_tract(c: CodingChange) -> bool:
    return _intronic(c, lambda r: 3 <= r.acceptor_distance <= 17, every=False)


def is_start_retained(c: CodingChange) -> bool:
    return c.coding and c.overlaps_start_codon and c.start_intact and c.alt_protein[:1] == "M"


def is_stop_retained(c: CodingChange) -> bool:
    return (
        c.coding
        and c.start_intact
        and c.overlaps_stop_codon
        and len(c.alt_protein) == len(c.ref_protein)
        and c.alt_protein.endswith("*")
    )


def is_synonymous(c: CodingChange) -> bool:
    return (
        c.coding
        and not c.protein_changed
        and not c.overlaps_start_codon
        and not c.overlaps_stop_codon
    )


def is_coding_sequence(c: CodingChange) -> bool:
    return c.overlaps_cds and not c.coding


def is_utr5(c: CodingChange) -> bool:
    return _exon_part(c, ExonPart.UTR5)


def is_utr3(c: CodingChange) -> bool:
    return _exon_part(c, ExonPart.UTR3)


def is_intron(c: CodingChange) -> bool:
    if not c.is_insertion:
        return _intronic(c, lambda r: r.donor_distance > 2 and r.acceptor_distance > 2, False)
    # an insertion: both flanks intronic, and not wholly inside a 2-base splice site
    return (
        _intronic(c, lambda r: True, every=True)
        and not _intronic(c, lambda r: r.donor_distance <= 2, every=True)
        and not _intronic(c, lambda r: r.acceptor_distance <= 2, every=True)
    )


def is_upstream(c: CodingChange) -> bool:
    return any(r.kind is RegionKind.UPSTREAM and r.distance <= FLANK for r in c.regions)


def is_downstream(c: CodingChange) -> bool:
    return any(r.kind is RegionKind.DOWNSTREAM and r.distance <= FLANK for r in c.regions)


def is_intergenic(c: CodingChange) -> bool:
    return bool(c.regions) and all(
        r.kind in (RegionKind.UPSTREAM, RegionKind.DOWNSTREAM) and r.distance > FLANK
        for r in c.regions
    )


#: the predicate of every term, in severity order
PREDICATES: dict[Consequence, Callable[[CodingChange], bool]] = {
    Consequence.TRANSCRIPT_ABLATION: is_transcript_ablation,
    Consequence.SPLICE_ACCEPTOR: is_splice_acceptor,
    Consequence.SPLICE_DONOR: is_splice_donor,
    Consequence.STOP_GAINED: is_stop_gained,
    Consequence.FRAMESHIFT: is_frameshift,
    Consequence.STOP_LOST: is_stop_lost,
    Consequence.START_LOST: is_start_lost,
    Consequence.INFRAME_INSERTION: is_inframe_insertion,
    Consequence.INFRAME_DELETION: is_inframe_deletion,
    Consequence.MISSENSE: is_missense,
    Consequence.PROTEIN_ALTERING: is_protein_altering,
    Consequence.SPLICE_DONOR_5TH_BASE: is_splice_donor_5th_base,
    Consequence.SPLICE_REGION: is_splice_region,
    Consequence.SPLICE_DONOR_REGION: is_splice_donor_region,
    Consequence.SPLICE_POLYPYRIMIDINE_TRACT: is_splice_polypyrimidine_tract,
    Consequence.START_RETAINED: is_start_retained,
    Consequence.STOP_RETAINED: is_stop_retained,
    Consequence.SYNONYMOUS: is_synonymous,
    Consequence.CODING_SEQUENCE: is_coding_sequence,
    Consequence.UTR5: is_utr5,
    Consequence.UTR3: is_utr3,
    Consequence.INTRON: is_intron,
    Consequence.UPSTREAM: is_upstream,
    Consequence.DOWNSTREAM: is_downstream,
    Consequence.INTERGENIC: is_intergenic,
}

#: terms whose predicate can only hold for a coding change (``CodingChange.coding``)
_CODING_ONLY = frozenset({
    Consequence.STOP_GAINED, Consequence.FRAMESHIFT, Consequence.STOP_LOST,
    Consequence.START_LOST, Consequence.INFRAME_INSERTION, Consequence.INFRAME_DELETION,
    Consequence.MISSENSE, Consequence.PROTEIN_ALTERING, Consequence.START_RETAINED,
    Consequence.STOP_RETAINED, Consequence.SYNONYMOUS,
})
_INTRONIC = frozenset({RegionKind.INTRON})
#: terms whose predicate can only hold when one of these region kinds is among the regions
_NEEDS_KIND: dict[Consequence, frozenset[RegionKind]] = {
    Consequence.SPLICE_ACCEPTOR: _INTRONIC,
    Consequence.SPLICE_DONOR: _INTRONIC,
    Consequence.SPLICE_DONOR_5TH_BASE: _INTRONIC,
    Consequence.SPLICE_REGION: frozenset({RegionKind.INTRON, RegionKind.EXON}),
    Consequence.SPLICE_DONOR_REGION: _INTRONIC,
    Consequence.SPLICE_POLYPYRIMIDINE_TRACT: _INTRONIC,
    Consequence.UTR5: frozenset({RegionKind.EXON}),
    Consequence.UTR3: frozenset({RegionKind.EXON}),
    Consequence.INTRON: _INTRONIC,
    Consequence.UPSTREAM: frozenset({RegionKind.UPSTREAM}),
    Consequence.DOWNSTREAM: frozenset({RegionKind.DOWNSTREAM}),
    Consequence.INTERGENIC: frozenset({RegionKind.UPSTREAM, RegionKind.DOWNSTREAM}),
}
_Candidates = tuple[tuple[Consequence, Callable[[CodingChange], bool]], ...]
_CANDIDATES: dict[tuple[bool, int], _Candidates] = {}
#: one bit per region kind, keyed by member id (hashing an Enum member runs Python code)
_KIND_BIT = {id(kind): 1 << i for i, kind in enumerate(RegionKind)}


def consequences(change: CodingChange) -> tuple[Consequence, ...]:
    """All SO terms that apply, most severe first (see the module docstring)."""
    mask = 0
    for r in change.regions:
        mask |= _KIND_BIT[id(r.kind)]
    key = (change.coding, mask)
    candidates = _CANDIDATES.get(key)
    if candidates is None:  # memoised per shape of change (coding or not, region kinds seen)
        kinds = {kind for kind in RegionKind if mask & _KIND_BIT[id(kind)]}
        candidates = _candidates(change.coding, kinds)
        _CANDIDATES[key] = candidates
    found = []
    for term, predicate in candidates:
        if predicate(change):
            found.append(term)
    return tuple(found)


def _candidates(coding: bool, kinds: set[RegionKind]) -> _Candidates:
    """The predicates that can hold for a change of this shape, in severity order.

    Only a shortcut: a predicate left out would return False (see :data:`_CODING_ONLY` and
    :data:`_NEEDS_KIND`), so the answer is the same as evaluating every predicate.
    """
    return tuple(
        (term, predicate)
        for term, predicate in PREDICATES.items()
        if (coding or term not in _CODING_ONLY)
        and (term not in _NEEDS_KIND or not _NEEDS_KIND[term].isdisjoint(kinds))
    )


def worst_impact(terms: tuple[Consequence, ...]) -> Impact | None:
    """The impact of the most severe term (terms are in severity order), or None."""
    return terms[0].impact if terms else None
