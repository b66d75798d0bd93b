"""The class a verdict uses for one variant: a known ClinVar germline classification, else the
automated class computed from the evidence codes (:mod:`ipexcli.acmg`), and the words saying
which one and why.

Precedence: an exact match to a ``clinvar_germline`` row of the known-variant table wins (the
row with the most review stars when several match); its review status and stars are ClinVar's
own, and its date is named by what it is (last evaluated, ClinVar release, retrieved, database
release). Rows reported in the literature (case reports, UniProt humsavar) and association
rows are never classifications: they are named in the text, and the computed class is used.

Verdicts follow from the class (:mod:`ipexcli.inheritance`): Pathogenic / Likely pathogenic can
be consistent with IPEX; Uncertain significance gives "uncertain"; Likely benign / Benign is not
reportable. A computed class resting on no code, or on PM2_Supporting alone, is still
"Uncertain significance", but the verdict reads it as "not classified" (:func:`rarity_only`), so
that a predicted low-impact variant (intron, UTR) stays not reportable rather than uncertain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ipexcli.acmg import POINTS_SOURCE, Combined, combine
from ipexcli.evidence import Evidence
from ipexcli.known import KnownHit, KnownMatch
from ipexcli.model import Significance

#: how a date of the known-variant table reads, by its ``classification_date_kind``
DATE_WORDS = {
    "last_evaluated": "last evaluated",
    "clinvar_release": "ClinVar release",
    "retrieved": "retrieved",
    "database_release": "database release",
}


@dataclass(frozen=True, slots=True)
class VariantClass:
    """The significance the verdict uses, where it comes from, and the sentence behind it."""

    significance: Significance
    source: str  #: "ClinVar germline" or "computed"
    basis: str  #: e.g. "computed: PVS1 (8) + PM2_Supporting (1) = 9 -> Likely pathogenic, ..."
    computed: Combined
    known: KnownHit | None = None


def review_words(hit: KnownHit) -> str:
    """ClinVar's review-status phrase with its stars, or what the source left unsaid."""
    row = hit.row
    if not row.review_status:
        return "review status not stated by the source"
    stars = row.review_stars
    if stars is None:
        return row.review_status
    return f"{row.review_status} ({stars} star{'s' if stars != 1 else ''})"


def date_words(hit: KnownHit) -> str:
    """``last evaluated 2021-12-03``, ``ClinVar release 2016-09``..., or '' without a date."""
    row = hit.row
    if not row.classification_date:
        return ""
    kind = DATE_WORDS.get(row.classification_date_kind, "dated")
    return f"{kind} {row.classification_date}"


def literature_words(hit: KnownHit) -> str:
    """How a literature/humsavar row is named: reported in patients, never a classification."""
    row = hit.row
    where = row.classification_source or "literature"
    if row.assertion_type == "uniprot_humsavar":
        detail = f"{where}, category {row.humsavar_category or 'not stated'}"
    else:
        detail = "case report"
    when = date_words(hit)
    return f"reported in IPEX patients (literature: {detail}{', ' + when if when else ''})"


def classify(
    evidence: Iterable[Evidence], known: KnownMatch, notes: Iterable[str] = ()
) -> VariantClass:
    """The class of one variant from its codes and its known-variant matches; ``notes`` (codes
    considered but not given, e.g. "PVS1 not applicable: ...") are quoted with the computation.
    """
    computed = combine(evidence)
    computed_text = f"computed: {computed.rule}"
    for note in notes:
        computed_text += f"; {note}"
    clinvar = [
        h for h in known.exact
        if h.row.is_classification
        and h.significance not in (Significance.OTHER, Significance.NOT_CLASSIFIED)
    ]
    # ClinVar words that are no pathogenicity class (risk factor, drug response, not provided...)
    other = [
        f"ClinVar germline: {h.row.classification} (not a pathogenicity class)"
        for h in known.exact
        if h.row.is_classification and h not in clinvar
    ]
    if clinvar:
        hit = max(clinvar, key=lambda h: -1 if h.row.review_stars is None else h.row.review_stars)
        when = date_words(hit)
        alone = computed.rule.removesuffix(f", {POINTS_SOURCE}")
        basis = (
            f"ClinVar germline: {hit.row.classification}, {review_words(hit)}"
            f"{', ' + when if when else ''} ({hit.row.classification_source}); "
            f"used before the automated codes ({alone})"
        )
        return VariantClass(hit.significance, "ClinVar germline", basis, computed, hit)
    notes = [literature_words(h) for h in known.exact if h.is_literature]
    notes += [
        "association-study polymorphism (context only)"
        for h in known.exact
        if h.row.assertion_type == "association_study"
    ]
    prefix = "; ".join(dict.fromkeys(other + notes))
    basis = f"{prefix}; not a classification; {computed_text}" if prefix else computed_text
    return VariantClass(computed.acmg_class.significance, "computed", basis, computed)


def rarity_only(codes: Iterable[Evidence]) -> bool:
    """True when no code but PM2_Supporting (rarity alone) was given: with no classification,
    such a variant is "not classified" for the verdict, so that a predicted low-impact one (an
    intron or UTR change) stays not reportable rather than uncertain."""
    return all(e.code == "PM2_Supporting" for e in codes)
