"""Automated ACMG/AMP evidence codes - automated evidence, NOT a classification.

Each :class:`Evidence` names one criterion of Richards et al. 2015 that the data at hand
supports, with a strength and a one-line reason. The codes are combined into an automated class
by :mod:`ipexcli.acmg` (ClinGen SVI points); criteria needing phenotype, segregation,
functional or de novo data are never assigned, and a report must present these as
machine-suggested evidence for a curator to review.

Rules implemented:

* PVS1 - null variant, by the ClinGen SVI decision tree (Abou Tayoun et al. 2018) applied to
  NM_014009.4: :mod:`ipexcli.pvs1` (NMD by the 50-nt rule, share of the protein lost, critical
  regions, exon skipping in/out of frame, start loss at Moderate at most). A frameshift or stop
  change that extends the protein gets PM4, never PVS1.
* PS1 - a missense change giving the same amino-acid change as a known pathogenic variant with a
  different nucleotide change: from a ClinVar germline P/LP row, Strong with >= 2 review stars,
  Moderate with 1, Supporting otherwise; from a row reported in IPEX patients in the literature
  (case report or UniProt humsavar, not a classification) Supporting at most.
* PM5 - missense at a residue where a different missense is known pathogenic: ClinVar P/LP,
  Moderate with >= 2 review stars, Supporting otherwise; literature rows Supporting.
* PM4 - protein length change: in-frame deletion/insertion, stop loss, or a frameshift that
  runs past the reference stop (protein extended).
* With a population allele frequency: BA1 / BS1 / PM2_Supporting at the IPEX-specific thresholds
  of :data:`DEFAULT_THRESHOLDS` (derivation there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from ipexcli.consequence import CodingChange, Consequence
from ipexcli.known import KnownHit, KnownMatch
from ipexcli.pvs1 import SOURCE as PVS1_SOURCE
from ipexcli.pvs1 import Pvs1, premature_stop, splice_site, start_loss
from ipexcli.transcript import RegionKind

if TYPE_CHECKING:
    from ipexcli.refdata import KnownVariant, Transcript

#: banner to show with any list of evidence codes
DISCLAIMER = "automated evidence codes, not a classification: review before use"


class Strength(str, Enum):
    VERY_STRONG = "very strong"
    STRONG = "strong"
    MODERATE = "moderate"
    SUPPORTING = "supporting"
    STAND_ALONE = "stand-alone"

    def __str__(self) -> str:
        return self._value_  # not self.value: that is a Python-level property call


@dataclass(frozen=True, slots=True)
class Evidence:
    """One automated evidence code (``code`` e.g. "PVS1", "PM2_Supporting")."""

    code: str
    strength: Strength
    reason: str
    benign: bool = False

    def __str__(self) -> str:
        return f"{self.code} ({self.strength}): {self.reason}"


@dataclass(frozen=True, slots=True)
class FrequencyThresholds:
    """Population allele-frequency cut-offs (fractions): BA1 above ``ba1``, BS1 above ``bs1``,
    PM2_Supporting at or below ``pm2``."""

    ba1: float
    bs1: float
    pm2: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.pm2 <= self.bs1 < self.ba1 <= 1.0:
            raise ValueError(
                f"frequency thresholds must satisfy 0 <= PM2 <= BS1 < BA1 <= 1 "
                f"(got PM2 {self.pm2:g}, BS1 {self.bs1:g}, BA1 {self.ba1:g})"
            )


#: The maximum credible population allele frequency of an IPEX allele (Whiffin N et al. 2017,
#: "Using high-resolution variant frequencies to empower clinical genome interpretation", Genet
#: Med 19:1151-1158), for an X-linked recessive disorder seen in hemizygous males: an allele of
#: frequency q is carried by a share q of males, so
#:
#:     max credible AF = prevalence in males x max allelic contribution
#:                       x max genetic contribution / penetrance
#:
#: Inputs (each a published figure or a LABELLED ASSUMPTION, never a measured fact):
#:
#: * prevalence: Orphanet ORPHA37042 gives the prevalence class "<1 / 1 000 000" and says the
#:   true prevalence is unknown and probably underestimated. ASSUMPTION (conservative): 1 in
#:   20,000 males (5e-5), 25 times the male prevalence implied by Orphanet's bound (2e-6, as
#:   nearly all patients are male), so that under-ascertainment cannot make a real IPEX allele
#:   look too common.
#: * max allelic contribution: ASSUMPTION 1.0 (one allele could explain every case), the most
#:   generous value; the largest share in the bundled data is c.1150G>A in 6 of 55 neonatal
#:   cases (11%, known-variant table).
#: * max genetic contribution: 1.0 (IPEX is defined by FOXP3).
#: * penetrance: ASSUMPTION 0.5 (lower than the near-complete penetrance in hemizygous males
#:   reported; a lower penetrance raises the threshold).
#:
#: max credible AF = 5e-5 x 1.0 x 1.0 / 0.5 = 1e-4 (0.01%). BS1: AF above it. BA1: AF above ten
#: times it (0.1%), a POLICY choice (ClinGen SVI leaves gene-specific BA1 to expert panels; the
#: general BA1 is 5%, Ghosh R et al. 2018, Hum Mutat 39:1525-1530). PM2_Supporting (ClinGen SVI
#: 2020 recommendation): AF at or below 0.01%, the cut-off Exomiser uses for recessive modes
#: (docs/field-notes.md 4.10), which meets BS1 without overlapping it. A point AF has no allele
#: number, so Whiffin's confidence interval cannot be used; the generous inputs stand in for it.
#: Override with ``--frequency-thresholds BA1,BS1,PM2``.
MAX_CREDIBLE_AF = 5e-5 * 1.0 * 1.0 / 0.5
DEFAULT_THRESHOLDS = FrequencyThresholds(ba1=10 * MAX_CREDIBLE_AF, bs1=MAX_CREDIBLE_AF,
                                         pm2=0.0001)
BA1_THRESHOLD = DEFAULT_THRESHOLDS.ba1
BS1_THRESHOLD = DEFAULT_THRESHOLDS.bs1
PM2_THRESHOLD = DEFAULT_THRESHOLDS.pm2

_NULL = (
    Consequence.STOP_GAINED,
    Consequence.FRAMESHIFT,
    Consequence.SPLICE_DONOR,
    Consequence.SPLICE_ACCEPTOR,
    Consequence.START_LOST,
)


def nmd_expected(
    change: CodingChange, cds_tx_start: int, exon_starts: tuple[int, ...]
) -> bool | None:
    """Whether a premature stop is expected to trigger NMD (None when there is no new stop).

    ``cds_tx_start`` is the 1-based cDNA position of c.1 and ``exon_starts`` the 1-based cDNA
    positions where each exon starts (transcript order). The new stop codon's first base is mapped
    back to reference cDNA coordinates; NMD is not expected when it lies in the last exon or in
    the last 50 nt of the penultimate exon.
    """
    stop = change.alt_protein.find("*")
    if not change.coding or stop < 0:
        return None
    n_mutated = cds_tx_start + 3 * stop  # 1-based position in the mutated cDNA
    delta = len(change.alt) - len(change.ref)
    after_variant = n_mutated - 1 >= change.cdna_start + len(change.alt)
    n = n_mutated - delta if after_variant else n_mutated
    return n < exon_starts[-1] - 50


def assess_with_notes(
    terms: tuple[Consequence, ...],
    change: CodingChange | None,
    known: KnownMatch,
    allele_frequency: float | None,
    exon_starts: tuple[int, ...],
    cds_tx_start: int,
    transcript: Transcript | None = None,
    known_rows: Iterable[KnownVariant] = (),
    thresholds: FrequencyThresholds = DEFAULT_THRESHOLDS,
) -> tuple[tuple[Evidence, ...], tuple[str, ...]]:
    """All automated evidence codes for one annotated variant, and notes on codes considered
    but not given (e.g. why a canonical splice variant gets no PVS1).

    ``transcript`` (NM_014009.4 in the variant's build) is needed for PVS1 (the per-exon table,
    the protein features); ``known_rows`` (the known-variant table) for the start-loss branch.
    """
    out: list[Evidence] = []
    notes: list[str] = []
    term_set = terms  # a handful of members: tuple membership is an identity check
    null = [t for t in _NULL if t in term_set]
    extended = False
    if null and transcript is not None:
        pvs1 = _pvs1(null[0], change, exon_starts, cds_tx_start, transcript, known_rows)
        if pvs1 is None:
            extended = True
        elif pvs1.strength is not None:
            out.append(_pvs1_evidence(pvs1))
        else:
            notes.append(f"PVS1 not applicable: {pvs1.reason} ({PVS1_SOURCE})")
    if Consequence.MISSENSE in term_set:
        out.extend(_ps1_pm5(known))
    length_change = [
        t for t in (Consequence.INFRAME_DELETION, Consequence.INFRAME_INSERTION,
                    Consequence.STOP_LOST) if t in term_set
    ]
    if extended:
        out.append(
            Evidence(
                "PM4", Strength.MODERATE,
                f"{null[0].term} without a stop before the reference stop: the protein is "
                "extended (stop loss), so PVS1 does not apply",
            )
        )
    elif length_change and not any(e.code.startswith("PVS1") for e in out):
        out.append(
            Evidence(
                "PM4",
                Strength.MODERATE,
                f"protein length change ({length_change[0].term}); repeat context not assessed",
            )
        )
    if allele_frequency is not None:
        out.extend(_frequency(allele_frequency, thresholds))
    return tuple(out), tuple(notes)


def _ps1_pm5(known: KnownMatch) -> list[Evidence]:
    """PS1 / PM5 from ClinVar P/LP rows (strength by stars), else from literature rows
    (Supporting at most: a report in patients is not a classification)."""
    out = []
    clinvar_same_p = [h for h in known.same_protein_change if h.significance.is_pathogenic]
    literature_same_p = [h for h in known.same_protein_change if h.is_literature]
    if clinvar_same_p:
        best = _best(clinvar_same_p)
        strength = _by_stars(best, Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING)
        out.append(
            Evidence(
                "PS1" if strength is Strength.STRONG else f"PS1_{strength.value.title()}",
                strength,
                f"same amino-acid change as {best.id} ({best.row.hgvs_c}, ClinVar "
                f"{best.significance}, {_stars(best)}) with a different nucleotide change",
            )
        )
    elif literature_same_p:
        hit = literature_same_p[0]
        out.append(
            Evidence(
                "PS1_Supporting", Strength.SUPPORTING,
                f"same amino-acid change as {hit.id} ({hit.row.hgvs_c}), reported in IPEX "
                "patients (literature, not a classification), with a different nucleotide change",
            )
        )
    clinvar_residue = [h for h in known.same_residue_missense if h.significance.is_pathogenic]
    literature_residue = [h for h in known.same_residue_missense if h.is_literature]
    if clinvar_residue:
        best = _best(clinvar_residue)
        strength = _by_stars(best, Strength.MODERATE, Strength.SUPPORTING, Strength.SUPPORTING)
        out.append(
            Evidence(
                "PM5" if strength is Strength.MODERATE else "PM5_Supporting",
                strength,
                f"different missense at a residue with ClinVar {best.significance} missense "
                f"{best.id} ({best.row.hgvs_p or best.row.hgvs_c}, {_stars(best)})",
            )
        )
    elif literature_residue:
        hit = literature_residue[0]
        out.append(
            Evidence(
                "PM5_Supporting", Strength.SUPPORTING,
                f"different missense at a residue with missense {hit.id} "
                f"({hit.row.hgvs_p or hit.row.hgvs_c}) reported in IPEX patients (literature, "
                "not a classification)",
            )
        )
    return out


def _stars(hit: KnownHit) -> str:
    stars = hit.row.review_stars
    if stars is None:
        return "review stars not stated"
    return f"{stars} star{'s' if stars != 1 else ''}"


_STRENGTH_OF = {
    "very strong": Strength.VERY_STRONG,
    "strong": Strength.STRONG,
    "moderate": Strength.MODERATE,
    "supporting": Strength.SUPPORTING,
}


def _pvs1_evidence(decision: Pvs1) -> Evidence:
    assert decision.strength is not None and decision.code
    return Evidence(
        decision.code, _STRENGTH_OF[decision.strength], f"{decision.reason} ({PVS1_SOURCE})"
    )


def _pvs1(
    term: Consequence,
    change: CodingChange | None,
    exon_starts: tuple[int, ...],
    cds_start: int,
    tx: Transcript,
    known_rows: Iterable[KnownVariant],
) -> Pvs1 | None:
    """The :class:`ipexcli.pvs1.Pvs1` decision, or None for a protein extension (PM4)."""
    if term is Consequence.START_LOST:
        return start_loss(tx, known_rows)
    if term in (Consequence.SPLICE_DONOR, Consequence.SPLICE_ACCEPTOR):
        donor = term is Consequence.SPLICE_DONOR
        for region in change.regions if change is not None else ():
            if region.kind is not RegionKind.INTRON:
                continue
            distance = region.donor_distance if donor else region.acceptor_distance
            if distance in (1, 2):
                return splice_site(tx, region.number, donor, known_rows)
        return Pvs1(None, f"{term.term}: the affected intron could not be placed")
    if change is None or not change.coding:
        return Pvs1(None, f"{term.term}: the protein change could not be predicted")
    nmd = nmd_expected(change, cds_start, exon_starts)
    return premature_stop(tx, change, nmd, term.term)
def _best(hits: list[KnownHit]) -> KnownHit:
    return max(hits, key=lambda h: h.row.review_stars or 0)


def _by_stars(hit: KnownHit, two: Strength, one: Strength, zero: Strength) -> Strength:
    stars = hit.row.review_stars or 0
    return two if stars >= 2 else one if stars == 1 else zero


def _percent(value: float) -> str:
    return f"{value * 100:g}%"


def _frequency(af: float, thresholds: FrequencyThresholds = DEFAULT_THRESHOLDS) -> list[Evidence]:
    if af > thresholds.ba1:
        return [Evidence("BA1", Strength.STAND_ALONE,
                         f"allele frequency {af:.4g} > {_percent(thresholds.ba1)} (IPEX BA1)",
                         True)]
    if af > thresholds.bs1:
        return [Evidence("BS1", Strength.STRONG,
                         f"allele frequency {af:.4g} > {_percent(thresholds.bs1)} (IPEX maximum "
                         "credible allele frequency, Whiffin 2017)", True)]
    if af <= thresholds.pm2:
        return [
            Evidence(
                "PM2_Supporting", Strength.SUPPORTING,
                f"allele frequency {af:.4g} <= {_percent(thresholds.pm2)} (absent or extremely "
                "rare)",
            )
        ]
    return []
