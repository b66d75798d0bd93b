"""Automated ACMG/AMP evidence codes - automated evidence, NOT a classification.

Each :class:`Evidence` names one criterion of Richards et al. 2015 that the data at hand
supports, with a strength and a one-line reason. Nothing here combines codes into a verdict:
criteria needing phenotype, segregation, functional or de novo data are never assigned, and a
report must present these as machine-suggested evidence for a curator to review.

Rules implemented (thresholds as automated by Exomiser, docs/field-notes.md section 4.10):

* PVS1 - null variant: stop_gained, frameshift, canonical +/-1,2 splice site, start_lost. For a
  premature stop the note says whether nonsense-mediated decay (NMD) is expected: not when the
  stop lies in the last exon or in the last 50 nt of the penultimate exon; then the strength is
  lowered to Strong (as Exomiser does). Start loss is given at Moderate (alternative starts not
  assessed).
* PS1 - a missense change giving the same amino-acid change as a known pathogenic variant with a
  different nucleotide change (Strong with >= 2 review stars, Moderate with 1, Supporting
  otherwise).
* PM5 - missense at a residue where a different missense is known pathogenic (Moderate with >= 2
  review stars, Supporting otherwise).
* PM4 - protein length change: in-frame deletion/insertion or stop loss.
* With a population allele frequency: BA1 (> 5%), BS1 (> 1.5%), PM2_Supporting (<= 0.01%, the
  cut-off Exomiser uses for recessive modes, which fits X-linked recessive IPEX).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ipexcli.consequence import CodingChange, Consequence
from ipexcli.known import KnownHit, KnownMatch

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


BA1_THRESHOLD = 0.05
BS1_THRESHOLD = 0.015
PM2_THRESHOLD = 0.0001

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


def assess(
    terms: tuple[Consequence, ...],
    change: CodingChange | None,
    known: KnownMatch,
    allele_frequency: float | None,
    exon_starts: tuple[int, ...],
    cds_tx_start: int,
) -> tuple[Evidence, ...]:
    """All automated evidence codes for one annotated variant."""
    out: list[Evidence] = []
    term_set = terms  # a handful of members: tuple membership is an identity check
    null = [t for t in _NULL if t in term_set]
    if null:
        out.append(_pvs1(null[0], change, exon_starts, cds_tx_start))
    pathogenic_same_p = [h for h in known.same_protein_change if h.significance.is_pathogenic]
    if pathogenic_same_p and Consequence.MISSENSE in term_set:
        best = _best(pathogenic_same_p)
        strength = _by_stars(best, Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING)
        out.append(
            Evidence(
                "PS1" if strength is Strength.STRONG else f"PS1_{strength.value.title()}",
                strength,
                f"same amino-acid change as {best.id} ({best.row.hgvs_c}, "
                f"{best.significance}) with a different nucleotide change",
            )
        )
    pathogenic_residue = [
        h for h in known.same_residue_missense if h.significance.is_pathogenic
    ]
    if pathogenic_residue and Consequence.MISSENSE in term_set:
        best = _best(pathogenic_residue)
        strength = _by_stars(best, Strength.MODERATE, Strength.SUPPORTING, Strength.SUPPORTING)
        out.append(
            Evidence(
                "PM5" if strength is Strength.MODERATE else "PM5_Supporting",
                strength,
                f"different missense at a residue with known {best.significance} missense "
                f"{best.id} ({best.row.hgvs_p or best.row.hgvs_c})",
            )
        )
    length_change = [
        t for t in (Consequence.INFRAME_DELETION, Consequence.INFRAME_INSERTION,
                    Consequence.STOP_LOST) if t in term_set
    ]
    if length_change and not null:
        out.append(
            Evidence(
                "PM4",
                Strength.MODERATE,
                f"protein length change ({length_change[0].term}); repeat context not assessed",
            )
        )
    if allele_frequency is not None:
        out.extend(_frequency(allele_frequency))
    return tuple(out)


def _pvs1(
    term: Consequence, change: CodingChange | None, exon_starts: tuple[int, ...], cds_start: int
) -> Evidence:
    if term is Consequence.START_LOST:
        return Evidence(
            "PVS1_Moderate", Strength.MODERATE,
            "start codon lost; downstream alternative start codons not assessed",
        )
    if term in (Consequence.SPLICE_DONOR, Consequence.SPLICE_ACCEPTOR):
        return Evidence(
            "PVS1", Strength.VERY_STRONG,
            f"canonical splice site ({term.term}); exon skipping/in-frame effect not predicted",
        )
    if change is not None and change.coding and "*" not in change.alt_protein:
        return Evidence(
            "PVS1_Strong", Strength.STRONG,
            f"{term.term}; no stop codon before the end of the transcript (non-stop), so NMD "
            "is not expected",
        )
    nmd = None if change is None else nmd_expected(change, cds_start, exon_starts)
    if nmd is False:
        return Evidence(
            "PVS1_Strong", Strength.STRONG,
            f"{term.term}; NMD not expected (stop in the last exon or last 50 nt of the "
            "penultimate exon)",
        )
    return Evidence("PVS1", Strength.VERY_STRONG, f"{term.term}; NMD expected")


def _best(hits: list[KnownHit]) -> KnownHit:
    return max(hits, key=lambda h: h.row.review_stars or 0)


def _by_stars(hit: KnownHit, two: Strength, one: Strength, zero: Strength) -> Strength:
    stars = hit.row.review_stars or 0
    return two if stars >= 2 else one if stars == 1 else zero


def _frequency(af: float) -> list[Evidence]:
    if af > BA1_THRESHOLD:
        return [Evidence("BA1", Strength.STAND_ALONE, f"allele frequency {af:.4g} > 5%", True)]
    if af > BS1_THRESHOLD:
        return [Evidence("BS1", Strength.STRONG, f"allele frequency {af:.4g} > 1.5%", True)]
    if af <= PM2_THRESHOLD:
        return [
            Evidence(
                "PM2_Supporting", Strength.SUPPORTING,
                f"allele frequency {af:.4g} <= 0.01% (absent or extremely rare)",
            )
        ]
    return []
