"""The computed report: what every renderer (terminal, TSV, JSON, VCF, HTML) takes as input.

Computation (:mod:`ipexcli.annotate`) builds a :class:`Report`; renderers in
:mod:`ipexcli.report` only format it. The field names follow the JSON schema shipped in
``ipexcli/schema/report.schema.json`` (``SCHEMA_VERSION``), so the JSON renderer is a plain
conversion. Positions: ``pos`` is 1-based (VCF); nothing here is 0-based.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = "1.2"


def bare_hgvs(hgvs: str) -> str:
    """Drop the accession: ``NM_014009.4:c.1189C>T`` -> ``c.1189C>T``.

    >>> bare_hgvs("NP_054728.2:p.(Arg397Trp)"), bare_hgvs("c.1A>G")
    ('p.(Arg397Trp)', 'c.1A>G')
    """
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


def classification_group(classification: str) -> str:
    """"pathogenic", "benign", "uncertain" or "none" (no formal classification), for styling.

    >>> classification_group("Pathogenic/Likely pathogenic"), classification_group("")
    ('pathogenic', 'none')
    """
    from ipexcli.model import Significance

    if not classification:
        return "none"
    significance = Significance.parse(classification)
    if significance.is_pathogenic:
        return "pathogenic"
    if significance.is_benign:
        return "benign"
    return "uncertain"


#: #12: how a known row is named when it is not a classification, by its assertion type
_ASSERTION_WORDS = {
    "literature_case_report": "reported in IPEX patients (literature)",
    "uniprot_humsavar": "reported in IPEX patients (literature)",
    "association_study": "association study (context only)",
}

#: #12: what a known row's date is, by its date kind
_DATE_WORDS = {
    "last_evaluated": "last evaluated",
    "clinvar_release": "ClinVar release",
    "retrieved": "retrieved",
    "database_release": "database release",
}


def known_label(match: KnownMatch) -> str:
    """The classification of a known row, or what the row is when it is not one (#12).

    >>> known_label(KnownMatch("KV21", "exact", "c.1087A>G", "", "", "", None, "", "", "",
    ...                        assertion_type="uniprot_humsavar"))
    'reported in IPEX patients (literature)'
    """
    if match.classification and match.assertion_type in ("", "clinvar_germline"):
        return match.classification
    return _ASSERTION_WORDS.get(match.assertion_type, "no formal classification")


def known_source(match: KnownMatch) -> str:
    """``"ClinVar VCV000011407.9 page copy, last evaluated 2021-12-03"``: the source and the
    date named by what it is."""
    date = match.date
    if date and match.date_kind:
        date = f"{_DATE_WORDS.get(match.date_kind, match.date_kind)} {date}"
    return ", ".join(d for d in (match.source, date) if d)


def review_text(match: KnownMatch) -> str:
    """ClinVar's review-status phrase with its stars ("" when the source does not say)."""
    if not match.review_status:
        return ""
    if match.review_stars is None:
        return match.review_status
    stars = match.review_stars
    return f"{match.review_status} ({stars} star{'s' if stars != 1 else ''})"

def genotypes_note(genotypes: str) -> str:
    """What an input's ``genotypes`` mode means, for the renderers ("" for ``all``)."""
    if genotypes != "non_ref":
        return ""
    return (
        "non-REF genotypes only: plain REF calls (0/0, 0|0, and a haploid 0 except in a female), "
        "which change no verdict or flag, are left out; --genotypes all lists every one"
    )


def unlisted_genotype_words(genotypes: str) -> str:
    """How a renderer names a sample's genotype that the report does not list: a plain REF call
    left out in ``non_ref`` mode, else a record the sample has no column for."""
    return "plain REF (not listed)" if genotypes == "non_ref" else "no call"


def is_quiet(sample: SampleResult) -> bool:
    """True for a sample with nothing to show beyond its verdict: no reportable variant in
    every reading, no flagged genotype, no family note, no sex mismatch. Cohort reports list
    such samples by name instead of one panel each."""
    return (
        all(v.category == "no_reportable_variant" for v in sample.verdicts)
        and not sample.family
        and not sample.sex.mismatch
        and not any(g.flags for g in sample.genotypes)
    )


def split_quiet(
    samples: list[SampleResult], genotypes: str
) -> tuple[list[SampleResult], list[SampleResult]]:
    """(samples shown one by one, quiet samples only named): only in a ``non_ref`` (cohort)
    input are quiet samples (:func:`is_quiet`) set apart; order is kept in both lists."""
    if genotypes != "non_ref":
        return samples, []
    shown: list[SampleResult] = []
    quiet: list[SampleResult] = []
    for sample in samples:
        (quiet if is_quiet(sample) else shown).append(sample)
    return shown, quiet


#: words allowed in verdicts: the report states evidence, never a diagnosis
VERDICT_CATEGORIES = (
    "consistent_with_ipex",  # genotype consistent with IPEX (X-linked recessive)
    "consistent_with_disease_female",  # biallelic female, rare
    "carrier",  # heterozygous female carrier
    "uncertain",  # VUS, het-in-male, conflicting evidence
    "no_reportable_variant",
    "not_assessed",  # e.g. no call at all
)


@dataclass(frozen=True, slots=True)
class KnownMatch:
    """A known-variant table row related to a variant, with how it matched."""

    id: str
    match: str  #: "exact", "same_amino_acid_change" (PS1-like), "same_residue" (PM5-like)
    hgvs_c: str
    hgvs_p: str
    classification: str  #: "" when the source gives no formal classification
    review_status: str
    review_stars: int | None
    condition: str
    source: str  #: where the classification was read (snapshot)
    date: str  #: date of that snapshot ("" when not stated)
    evidence_tier: str = ""
    rsid: str = ""
    clinvar: str = ""
    #: what the row asserts: clinvar_germline (a classification), literature_case_report,
    #: uniprot_humsavar (reported in patients, not a classification), association_study
    assertion_type: str = ""
    #: what ``date`` is: last_evaluated, clinvar_release, retrieved, database_release
    date_kind: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceCode:
    """An automated ACMG/AMP evidence code (not a classification)."""

    code: str  #: e.g. "PVS1", "PM2_Supporting"
    strength: str  #: "very_strong", "strong", "moderate", "supporting", "stand_alone"
    reason: str


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One variant (one ALT) found in the inputs, annotated on NM_014009.4."""

    key: str  #: stable identifier, "GRCh38:X:49251441:G:A" of the normalised allele
    build: str
    chrom: str  #: as written in the input file
    pos: int  #: 1-based VCF POS of the (left-aligned) allele
    ref: str
    alt: str
    hgvs_g: str
    hgvs_c: str
    hgvs_p: str
    consequences: tuple[str, ...]  #: SO terms, most severe first
    impact: str  #: HIGH, MODERATE, LOW, MODIFIER
    exon: str = ""  #: "8/12"
    intron: str = ""  #: "7/11"
    protein_feature: str = ""
    cdna_pos: str = ""
    cds_pos: str = ""
    aa_pos: str = ""
    distance: int | None = None
    known: tuple[KnownMatch, ...] = ()
    evidence: tuple[EvidenceCode, ...] = ()
    flags: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    other_build: str = ""  #: "GRCh37:X:49107902:G:A" when the allele lifts through the transcript
    inputs: tuple[str, ...] = ()  #: input paths the variant was seen in
    #: the automated class from the evidence codes (ClinGen SVI points) and its point total
    acmg_class: str = ""
    acmg_points: int | None = None
    #: the class the verdicts use ("not classified" without codes), its source ("ClinVar
    #: germline" or "computed") and the sentence naming the rule and the points behind it
    class_used: str = ""
    class_source: str = ""
    class_basis: str = ""


@dataclass(frozen=True, slots=True)
class GenotypeResult:
    """One sample's genotype at one variant: raw GT kept beside its X-linked label."""

    variant_key: str
    raw_gt: str
    label: str  #: e.g. "hemizygous_alt", "heterozygous", "heterozygous_in_male"
    label_text: str
    allele_balance: float | None = None
    depth: int | None = None
    genotype_quality: int | None = None
    flags: tuple[str, ...] = ()
    #: GT relative to this single-ALT (split) record, e.g. "1/." for a raw "1/2" at the first
    #: ALT; "" when it equals ``raw_gt`` (biallelic records). Used by the VCF writer.
    split_gt: str = ""


@dataclass(frozen=True, slots=True)
class SexResult:
    declared: str  #: male, female, unknown
    declared_source: str  #: "--sex", "PED file.ped", "sample sheet", "" when not declared
    inferred: str  #: male, female, ambiguous, insufficient_data, not_run
    used: str  #: the sex the interpretation used: male, female or unknown
    evidence: dict[str, Any] = field(default_factory=dict)
    mismatch: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """How the sample's genotypes fit X-linked inheritance; never a diagnosis."""

    category: str  #: one of VERDICT_CATEGORIES
    text: str
    reasons: tuple[str, ...] = ()
    assumed_sex: str = ""  #: set when sex is unknown and both readings are given


@dataclass(frozen=True, slots=True)
class SampleResult:
    id: str
    input: str
    sex: SexResult
    genotypes: tuple[GenotypeResult, ...]
    verdicts: tuple[Verdict, ...]
    family: tuple[str, ...] = ()  #: segregation notes (maternally inherited, apparent de novo...)


@dataclass(frozen=True, slots=True)
class InputResult:
    path: str
    file_format: str
    build: str
    build_method: str
    contig: str
    region_method: str
    records_read: int
    records_in_region: int
    skipped: dict[str, int] = field(default_factory=dict)
    #: the first skipped records, each "FILE: line N: reason: detail"
    skipped_examples: tuple[str, ...] = ()
    ref_mismatches: int = 0
    samples: tuple[str, ...] = ()
    #: "all": every genotype is listed; "non_ref": plain REF genotypes that change no verdict or
    #: flag (0/0, 0|0; a haploid 0 except in a female) are left out (``--genotypes``)
    genotypes: str = "all"
    coverage_note: str = ""  #: what "covered" means for this file (reference blocks or not)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    ipexcli_version: str
    refdata: dict[str, Any]  #: version, transcript, known-variant table origin and date range
    inputs: tuple[InputResult, ...]
    variants: tuple[VariantResult, ...]
    samples: tuple[SampleResult, ...]
    warnings: tuple[str, ...] = ()
    schema_version: str = SCHEMA_VERSION
    disclaimer: str = (
        "Automated annotation for research and clinical-laboratory review. Evidence codes are "
        "computed, not a classification; verdicts describe how genotypes fit X-linked "
        "inheritance and are not a diagnosis."
    )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict in schema order."""
        return asdict(self)

    def variant(self, key: str) -> VariantResult:
        for variant in self.variants:
            if variant.key == key:
                return variant
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class LookupHit:
    """One variant a lookup query names, annotated in each build where it can be placed."""

    c_name: str
    variants: tuple[VariantResult, ...]  #: GRCh38 first, then GRCh37
    note: str = ""


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The answer to ``ipex lookup QUERY``."""

    query: str
    kind: str  #: "c", "g", "p", "vcf" or "rsid"
    hits: tuple[LookupHit, ...]
    notes: tuple[str, ...] = ()
    ipexcli_version: str = ""
    refdata_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
