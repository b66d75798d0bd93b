"""X-linked genotype labels, per-sample verdicts and family (PED) checks for FOXP3 variants.

IPEX is X-linked recessive: a male has one X outside the pseudoautosomal regions (PARs), so a
single pathogenic allele is enough; a female with one is usually an unaffected carrier. The
same VCF genotype therefore means different things by sex, and male calls come in two codings
(haploid ``1`` or diploid ``1/1``). Everything here is pure logic on :class:`~ipexcli.model.Call`
objects; the raw GT is always kept beside the label, never rewritten.

Words used: "consistent with IPEX", "carrier", "uncertain", "not reportable". Nothing here
states a diagnosis.

Genotype labels (:func:`label_genotype`), non-PAR X:

=========  ==========================  ======================================================
sex        GT (this ALT = 1)           label
=========  ==========================  ======================================================
male       ``1``                       hemizygous ALT
male       ``1/1``                     hemizygous ALT (coded diploid)
male       ``0``, ``0/0``              hemizygous REF
male       ``0/1``, ``1/2``            heterozygous in male (flag: XXY, mosaicism, artefact)
either     ``./1``                     partial call (ALT + missing allele); in a male read
                                       as hemizygous ALT (1000 Genomes codes males so)
either     ``./0``                     partial call (REF + missing allele)
female     ``0/1``, ``1/2``            heterozygous
female     ``1/1``                     homozygous ALT
female     ``0/0``                     homozygous REF
female     ``1``, ``0``                haploid call in female (flag: 45,X or caller ploidy)
either     ``2/2``, ``0/2``            other ALT (does not carry this ALT)
either     ``.``, ``./.``              no call
=========  ==========================  ======================================================

In a PAR both sexes are diploid and the ordinary labels (heterozygous, homozygous ALT/REF) are
used; a haploid call there is "unexpected ploidy".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from ipexcli import callquality
from ipexcli.callquality import QualityIssue
from ipexcli.model import Call, Sex, Significance

if TYPE_CHECKING:  # #14: imported where used (a PED file, two heterozygous variants)
    from ipexcli.ped import Pedigree
    from ipexcli.phase import Phase


class GenotypeLabel(str, Enum):
    """What a genotype means for the X-linked interpretation (see the module table)."""

    HEMIZYGOUS_ALT = "hemizygous ALT"
    HEMIZYGOUS_ALT_CODED_DIPLOID = "hemizygous ALT (coded diploid 1/1)"
    HEMIZYGOUS_REF = "hemizygous REF"
    HET_IN_MALE = "heterozygous in male"
    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS_ALT = "homozygous ALT"
    HOMOZYGOUS_REF = "homozygous REF"
    HAPLOID_ALT_IN_FEMALE = "haploid ALT call in female"
    HAPLOID_REF_IN_FEMALE = "haploid REF call in female"
    PARTIAL_ALT = "partial call (ALT + missing allele)"
    PARTIAL_REF = "partial call (REF + missing allele)"
    OTHER_ALT = "other ALT only (does not carry this ALT)"
    UNEXPECTED_PLOIDY = "unexpected ploidy"
    NO_CALL = "no call"

    @property
    def carries_alt(self) -> bool:
        """True when at least one copy of this record's ALT was called."""
        return self in _CARRIES_ALT

    @property
    def needs_attention(self) -> bool:
        """True for labels flagged whatever the classification (het in male, haploid female...)."""
        return self in _FLAG_TEXT

    @property
    def code(self) -> str:
        """A stable machine-readable code, e.g. ``HET_IN_MALE``."""
        return self.name

    def __str__(self) -> str:
        return self.value


_CARRIES_ALT = frozenset(
    {
        GenotypeLabel.HEMIZYGOUS_ALT,
        GenotypeLabel.HEMIZYGOUS_ALT_CODED_DIPLOID,
        GenotypeLabel.HET_IN_MALE,
        GenotypeLabel.HETEROZYGOUS,
        GenotypeLabel.HOMOZYGOUS_ALT,
        GenotypeLabel.HAPLOID_ALT_IN_FEMALE,
        GenotypeLabel.PARTIAL_ALT,
    }
)

#: labels that raise a flag whatever the classification, with the reason shown to users
_FLAG_TEXT = {
    GenotypeLabel.HET_IN_MALE: (
        "heterozygous call in a male on non-PAR X: possible XXY, somatic mosaicism or a calling "
        "artefact (mis-mapping, contamination)"
    ),
    GenotypeLabel.HAPLOID_ALT_IN_FEMALE: (
        "haploid call in a female on non-PAR X: possible 45,X (or mosaic loss of X), or the "
        "caller's ploidy was set from a wrong sex"
    ),
    GenotypeLabel.HAPLOID_REF_IN_FEMALE: (
        "haploid call in a female on non-PAR X: possible 45,X, or the caller's ploidy was set "
        "from a wrong sex"
    ),
    GenotypeLabel.PARTIAL_ALT: "one allele of the genotype is missing",
    GenotypeLabel.PARTIAL_REF: "one allele of the genotype is missing",
    GenotypeLabel.UNEXPECTED_PLOIDY: "genotype ploidy is not what this position allows",
}


def label_genotype(call: Call, sex: Sex, in_par: bool = False) -> GenotypeLabel:
    """Label ``call`` for a sample of ``sex`` (male or female) on chrX.

    >>> from ipexcli.model import Call
    >>> label_genotype(Call((1,), raw_gt="1"), Sex.MALE).name
    'HEMIZYGOUS_ALT'
    >>> label_genotype(Call((1, 1), raw_gt="1/1"), Sex.MALE).name
    'HEMIZYGOUS_ALT_CODED_DIPLOID'
    >>> label_genotype(Call((0, 1), raw_gt="0/1"), Sex.MALE).name
    'HET_IN_MALE'
    >>> label_genotype(Call((0, 1), raw_gt="0/1"), Sex.MALE, in_par=True).name
    'HETEROZYGOUS'
    """
    if sex is Sex.UNKNOWN:
        raise ValueError("label_genotype needs a male or female sex; label both when unknown")
    alleles = call.alleles
    if all(a is None for a in alleles):
        return GenotypeLabel.OTHER_ALT if call.other_alt and alleles else GenotypeLabel.NO_CALL
    if len(alleles) > 2 or (in_par and len(alleles) == 1):
        return GenotypeLabel.UNEXPECTED_PLOIDY
    male = sex is Sex.MALE and not in_par
    if len(alleles) == 1:
        if male:
            return GenotypeLabel.HEMIZYGOUS_ALT if alleles[0] == 1 else GenotypeLabel.HEMIZYGOUS_REF
        if alleles[0] == 1:
            return GenotypeLabel.HAPLOID_ALT_IN_FEMALE
        return GenotypeLabel.HAPLOID_REF_IN_FEMALE
    first, second = alleles
    if first is None or second is None:
        called = first if second is None else second
        if call.other_alt:  # the missing allele is another ALT of a multi-allelic record
            if called != 1:
                return GenotypeLabel.OTHER_ALT
            return GenotypeLabel.HET_IN_MALE if male else GenotypeLabel.HETEROZYGOUS
        return GenotypeLabel.PARTIAL_ALT if called == 1 else GenotypeLabel.PARTIAL_REF
    if first == second:
        if first == 1:
            return (
                GenotypeLabel.HEMIZYGOUS_ALT_CODED_DIPLOID if male else GenotypeLabel.HOMOZYGOUS_ALT
            )
        return GenotypeLabel.HEMIZYGOUS_REF if male else GenotypeLabel.HOMOZYGOUS_REF
    return GenotypeLabel.HET_IN_MALE if male else GenotypeLabel.HETEROZYGOUS


def plain_ref_is_silent(raw_gt: str, sex: Sex, in_par: bool = False) -> bool:
    """True when the plain REF genotype ``raw_gt`` (``0``, ``0/0`` or ``0|0``) of a sample of
    ``sex`` changes nothing a report shows: the variant is not carried and the label raises no
    flag, so a cohort report may leave the genotype out without changing any verdict.

    ``0/0`` and ``0|0`` always (homozygous REF, or hemizygous REF coded diploid in a male); a
    haploid ``0`` for a male or a sample of unknown sex outside the PARs (a female's is flagged
    as a haploid call, and a haploid call in a PAR is an unexpected ploidy).

    >>> [plain_ref_is_silent(gt, Sex.FEMALE) for gt in ("0/0", "0", "0/1")]
    [True, False, False]
    >>> plain_ref_is_silent("0", Sex.MALE), plain_ref_is_silent("0", Sex.MALE, in_par=True)
    (True, False)
    """
    if raw_gt in ("0/0", "0|0"):
        return True
    return raw_gt == "0" and not in_par and sex is not Sex.FEMALE


@dataclass(frozen=True, slots=True)
class VariantFinding:
    """What the annotation engine says about one variant (the input of the verdicts).

    ``variant_id`` is any stable key (e.g. ``X-49251234-C-T``); ``hgvs`` is for display.
    ``null_variant`` marks a predicted loss-of-function change (nonsense, frameshift, canonical
    splice, start loss); ``in_par`` comes from :meth:`ipexcli.refdata.AssemblyFacts.in_par`.
    """

    variant_id: str
    hgvs: str
    significance: Significance
    null_variant: bool = False
    in_par: bool = False
    #: predicted low impact (intron/UTR/synonymous away from splice sites, no known regulatory
    #: element): an unclassified low-impact variant is not reportable rather than uncertain
    low_impact: bool = False
    #: the record's FILTER column as read (``()`` for ``.``), named in the reasons when not PASS
    filters: tuple[str, ...] = ()
    #: which classification ``significance`` is and the rule/points behind it (#12), e.g.
    #: "computed: PVS1 (8) = 8 -> Likely pathogenic, ClinGen SVI points (Tavtigian 2020)";
    #: quoted in every verdict on this finding (:func:`ipexcli.classify.classify`)
    basis: str = ""
    #: how the classification counts for the verdicts, derived once (:func:`evidence_class`)
    evidence: EvidenceClass = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", _evidence_class(self))


class EvidenceClass(str, Enum):
    """How a finding's classification counts for the verdict."""

    PATHOGENIC = "P/LP"
    NULL_UNCLASSIFIED = "predicted null, not classified"
    UNCERTAIN = "uncertain"
    LOW_IMPACT_UNCLASSIFIED = "not classified, predicted low impact"
    BENIGN = "B/LB"

    def __str__(self) -> str:
        return self.value


def evidence_class(finding: VariantFinding) -> EvidenceClass:
    """P/LP, an unclassified predicted-null variant, uncertain (VUS, conflicting, other,
    unclassified non-null) or benign. A classification always beats the null prediction."""
    return finding.evidence


def _evidence_class(finding: VariantFinding) -> EvidenceClass:
    significance = finding.significance
    if significance.is_pathogenic:
        return EvidenceClass.PATHOGENIC
    if significance.is_benign:
        return EvidenceClass.BENIGN
    unclassified = significance in (Significance.NOT_CLASSIFIED, Significance.OTHER)
    if finding.null_variant and unclassified:
        return EvidenceClass.NULL_UNCLASSIFIED
    if finding.low_impact and unclassified:
        return EvidenceClass.LOW_IMPACT_UNCLASSIFIED
    return EvidenceClass.UNCERTAIN


def _reportable_class(cls: EvidenceClass) -> bool:
    return cls in (EvidenceClass.PATHOGENIC, EvidenceClass.NULL_UNCLASSIFIED)


class VerdictKind(str, Enum):
    """Verdicts, most important first (the order is the ranking)."""

    CONSISTENT = "consistent with IPEX"
    CARRIER = "carrier"
    UNCERTAIN = "uncertain"
    NOT_ASSESSABLE = "not assessable"
    NOT_REPORTABLE = "not reportable"
    NOT_CARRIED = "not carried"
    NONE_FOUND = "no reportable variant"

    @property
    def rank(self) -> int:
        return _KIND_RANK[self]

    def __str__(self) -> str:
        return self.value


_KIND_RANK = {kind: rank for rank, kind in enumerate(VerdictKind)}


@dataclass(frozen=True, slots=True)
class VariantInterpretation:
    """One sample's genotype at one finding, labelled and interpreted."""

    finding: VariantFinding
    label: GenotypeLabel
    raw_gt: str
    kind: VerdictKind
    text: str  #: one sentence naming the evidence
    flags: tuple[str, ...] = field(default=())  #: label and call-quality codes to look at


# ------------------------------------------------------------ call quality (issue 12, item 6)

#: the verdicts of a genotype whose call quality is checked: it is carried and bears on the
#: verdict (a benign or not-carried genotype is not looked at, so a cohort's common variants
#: raise no flags)
_QUALITY_KINDS = frozenset({"consistent with IPEX", "carrier", "uncertain"})


def _zygosity(label: GenotypeLabel, sex: Sex, in_par: bool) -> str:
    """What :func:`ipexcli.callquality.assess` checks for this label."""
    L = GenotypeLabel
    if label in (L.HEMIZYGOUS_ALT, L.HEMIZYGOUS_ALT_CODED_DIPLOID):
        return callquality.HEMIZYGOUS
    if label is L.PARTIAL_ALT and sex is Sex.MALE and not in_par:
        return callquality.HEMIZYGOUS  # read as hemizygous (pseudo-haploid coding)
    if label is L.HETEROZYGOUS:
        return callquality.HETEROZYGOUS
    if label is L.HOMOZYGOUS_ALT:
        return callquality.HOMOZYGOUS_ALT
    return callquality.OTHER


def call_quality(
    finding: VariantFinding, label: GenotypeLabel, call: Call, sex: Sex
) -> tuple[QualityIssue, ...]:
    """The call-quality issues of a genotype carrying the ALT (:mod:`ipexcli.callquality`);
    ``()`` for a genotype without the ALT."""
    context = _quality_context(finding, label, sex)
    return () if context is None else callquality.assess(call, *context)


def _quality_context(
    finding: VariantFinding, label: GenotypeLabel, sex: Sex
) -> tuple[str, bool, tuple[str, ...]] | None:
    """What :func:`ipexcli.callquality.assess` checks a call against besides the call itself
    (zygosity, male on non-PAR X, the record's FILTER); None for a genotype without the ALT
    (not checked)."""
    if not label.carries_alt:
        return None
    male_x = sex is Sex.MALE and not finding.in_par
    return _zygosity(label, sex, finding.in_par), male_x, finding.filters


def interpret_genotype(finding: VariantFinding, call: Call, sex: Sex) -> VariantInterpretation:
    """Interpret one genotype of a sample of known ``sex`` (male or female).

    >>> from ipexcli.model import Call, Significance
    >>> f = VariantFinding("X-1-C-T", "c.1189C>T", Significance.PATHOGENIC)
    >>> interpret_genotype(f, Call((1,), raw_gt="1"), Sex.MALE).kind.value
    'consistent with IPEX'
    >>> interpret_genotype(f, Call((0, 1), raw_gt="0/1"), Sex.FEMALE).kind.value
    'carrier'
    """
    label = label_genotype(call, sex, finding.in_par)
    return _interpret(finding, label, call.raw_gt, sex, call.allele_balance,
                      call_quality(finding, label, call, sex))


def _interpret(
    finding: VariantFinding,
    label: GenotypeLabel,
    raw_gt: str,
    sex: Sex,
    ab: float | None,
    issues: tuple[QualityIssue, ...] = (),
) -> VariantInterpretation:
    kind, text = _variant_rule(label, evidence_class(finding), sex, finding, ab)
    flags = (label.code,) if label.needs_attention else ()
    if issues and kind.value in _QUALITY_KINDS:
        text = f"{text}; {callquality.issues_text(issues)}"
        flags = (*flags, *dict.fromkeys(i.code for i in issues))
    return VariantInterpretation(
        finding=finding,
        label=label,
        raw_gt=raw_gt,
        kind=kind,
        text=f"{finding.hgvs} [{_classification_text(finding)}]: {label} (GT {raw_gt}): {text}",
        flags=flags,
    )


class MemoInterpreter:
    """:func:`interpret_genotype` for many samples of one file, each distinct case done once.

    An interpretation depends on the finding, the sex, the GT as written (it is quoted), the
    alleles and ploidy it parses to, the call-quality issues found (usually none) and, for a
    few rules only, the allele balance. A cohort's thousands of carrier calls differ mostly in
    their depths, so they fall into a few hundred cases: calls alike in all of that share one
    :class:`VariantInterpretation`. Whether a rule quotes the allele balance is found by asking
    it with two different values, so the rules stay the one place that decides. Findings are
    keyed by identity and kept alive by the cache.
    """

    _PROBE = 0.5  #: an allele balance a rule would quote differently from "not available"

    def __init__(self) -> None:
        #: case -> (label, whether the rule quotes the allele balance, the quality context)
        self._cases: dict[tuple[object, ...], tuple[GenotypeLabel, bool,
                                                    tuple[str, bool, tuple[str, ...]] | None]] = {}
        self._done: dict[tuple[object, ...], VariantInterpretation] = {}
        self._findings: dict[int, VariantFinding] = {}
        #: #14: (finding, call object, sex) -> (interpretation, call): the reader gives equal
        #: sample columns one Call object (:mod:`ipexcli.genotypes`), so a repeated call skips
        #: the case and quality look-ups; the call is kept so that its id is not reused
        self._seen: dict[tuple[int, int, Sex], tuple[VariantInterpretation, Call]] = {}
        #: (call object, (zygosity, male on non-PAR X, FILTER)) -> (its quality issues, call)
        self._quality: dict[tuple[int, object], tuple[tuple[QualityIssue, ...], Call]] = {}

    def __call__(self, finding: VariantFinding, call: Call, sex: Sex) -> VariantInterpretation:
        seen_key = (id(finding), id(call), sex)
        seen = self._seen.get(seen_key)
        if seen is not None:
            return seen[0]
        found = self._interpret(finding, call, sex)
        self._seen[seen_key] = (found, call)
        return found

    def _interpret(self, finding: VariantFinding, call: Call, sex: Sex) -> VariantInterpretation:
        key = (id(finding), sex, call.raw_gt, call.alleles, call.other_alt)
        case = self._cases.get(key)
        if case is None:
            self._findings[id(finding)] = finding
            label = label_genotype(call, sex, finding.in_par)
            cls = evidence_class(finding)
            quotes_ab = (
                _variant_rule(label, cls, sex, finding, None)[1]
                != _variant_rule(label, cls, sex, finding, self._PROBE)[1]
            )
            case = self._cases[key] = (label, quotes_ab, _quality_context(finding, label, sex))
        label, quotes_ab, context = case
        ab = call.allele_balance if quotes_ab else None
        issues: tuple[QualityIssue, ...] = ()
        if context is not None:  # call_quality, once per call object and context (#14)
            quality_key = (id(call), context)
            found = self._quality.get(quality_key)
            if found is None:
                found = self._quality[quality_key] = (callquality.assess(call, *context), call)
            issues = found[0]
        full_key = (*key, ab, issues)
        hit = self._done.get(full_key)
        if hit is None:
            hit = self._done[full_key] = _interpret(
                finding, label, call.raw_gt, sex, ab, issues
            )
        return hit


def _classification_text(finding: VariantFinding) -> str:
    """The class used and the rule behind it (#12); without one, the classification as given
    plus the null-variant prediction when it matters."""
    if finding.basis:
        return finding.basis
    text = finding.significance.value
    if finding.null_variant:
        text += "; predicted null variant"
    return text


def _ab_text(ab: float | None) -> str:
    return "allele balance not available (no AD)" if ab is None else f"allele balance {ab:.2f}"


def _variant_rule(
    label: GenotypeLabel,
    cls: EvidenceClass,
    sex: Sex,
    finding: VariantFinding,
    ab: float | None,
) -> tuple[VerdictKind, str]:
    L = GenotypeLabel
    reportable = _reportable_class(cls)
    if label is L.NO_CALL:
        return VerdictKind.NOT_ASSESSABLE, "no genotype called at this site"
    if label is L.UNEXPECTED_PLOIDY:
        return VerdictKind.UNCERTAIN if reportable else VerdictKind.NOT_ASSESSABLE, (
            _FLAG_TEXT[label]
        )
    if label is L.PARTIAL_REF and sex is Sex.MALE and not finding.in_par:
        return VerdictKind.NOT_CARRIED, (
            "REF allele called, second allele missing: in a male this is a hemizygous REF "
            "(pseudo-haploid coding, as 1000 Genomes writes males)"
        )
    if label is L.PARTIAL_REF:
        if reportable:
            return VerdictKind.NOT_ASSESSABLE, (
                "only a REF allele was called, the other allele is missing: carrying the ALT is "
                "not excluded"
            )
        return VerdictKind.NOT_CARRIED, "REF allele called, other allele missing"
    if not label.carries_alt:
        return VerdictKind.NOT_CARRIED, "this ALT allele is not carried"
    if cls is EvidenceClass.BENIGN:
        return VerdictKind.NOT_REPORTABLE, "benign/likely benign: not reportable"
    if cls is EvidenceClass.LOW_IMPACT_UNCLASSIFIED:
        return VerdictKind.NOT_REPORTABLE, (
            "no classification, no evidence code beyond rarity, and predicted low impact "
            "(non-coding, away from splice sites): "
            "not reportable"
        )
    what = (
        "pathogenic/likely pathogenic"
        if cls is EvidenceClass.PATHOGENIC
        else ("predicted null (loss-of-function) variant without a classification")
    )
    if finding.in_par:
        return _par_rule(label, cls, what)
    if sex is Sex.MALE:
        return _male_rule(label, cls, what, ab)
    return _female_rule(label, cls, what, ab)


def _male_rule(
    label: GenotypeLabel, cls: EvidenceClass, what: str, ab: float | None
) -> tuple[VerdictKind, str]:
    L = GenotypeLabel
    if cls is EvidenceClass.UNCERTAIN:
        extra = f"; {_FLAG_TEXT[label]}, {_ab_text(ab)}" if label in _FLAG_TEXT else ""
        return VerdictKind.UNCERTAIN, f"variant of uncertain significance in a male{extra}"
    if label in (L.HEMIZYGOUS_ALT, L.HEMIZYGOUS_ALT_CODED_DIPLOID):
        coding = " (coded as diploid 1/1)" if label is L.HEMIZYGOUS_ALT_CODED_DIPLOID else ""
        return VerdictKind.CONSISTENT, (
            f"genotype consistent with IPEX: hemizygous {what} in a male{coding}"
        )
    if label is L.HET_IN_MALE:
        return VerdictKind.UNCERTAIN, (
            f"{what} called heterozygous in a male, {_ab_text(ab)}: {_FLAG_TEXT[label]}; "
            "confirm before interpreting"
        )
    # PARTIAL_ALT: a male has one X, so a called ALT with a missing second allele is the
    # hemizygous ALT (pseudo-haploid coding, as 1000 Genomes/SeqArray write males)
    return VerdictKind.CONSISTENT, (
        f"genotype consistent with IPEX: hemizygous {what} in a male (coded with a missing "
        "second allele; read as hemizygous because a male has one X)"
    )


def _female_rule(
    label: GenotypeLabel, cls: EvidenceClass, what: str, ab: float | None
) -> tuple[VerdictKind, str]:
    L = GenotypeLabel
    if cls is EvidenceClass.UNCERTAIN:
        extra = f"; {_FLAG_TEXT[label]}" if label in _FLAG_TEXT else ""
        return VerdictKind.UNCERTAIN, f"variant of uncertain significance in a female{extra}"
    if label is L.HETEROZYGOUS:
        return VerdictKind.CARRIER, (
            f"heterozygous carrier of a {what} (X-linked recessive: carriers are usually "
            "unaffected, with skewed X-inactivation in their regulatory T cells)"
        )
    if label is L.HOMOZYGOUS_ALT:
        return VerdictKind.CONSISTENT, (
            f"homozygous {what} in a female (biallelic): genotype consistent with IPEX (rare in "
            "females; confirm, e.g. exclude a hemizygous deletion of the other allele or 45,X)"
        )
    if label is L.PARTIAL_ALT:
        return VerdictKind.CARRIER, (
            f"at least a heterozygous carrier of a {what}; the other allele was not called, so "
            "homozygosity is not excluded"
        )
    # HAPLOID_ALT_IN_FEMALE
    return VerdictKind.UNCERTAIN, (
        f"{what} called haploid in a female: {_FLAG_TEXT[label]}; with a single X this genotype "
        "would be consistent with IPEX - confirm the karyotype and the declared sex"
    )


def _par_rule(label: GenotypeLabel, cls: EvidenceClass, what: str) -> tuple[VerdictKind, str]:
    L = GenotypeLabel
    where = "in a pseudoautosomal region (both sexes diploid; X-linked rules do not apply)"
    if cls is EvidenceClass.UNCERTAIN:
        return VerdictKind.UNCERTAIN, f"variant of uncertain significance {where}"
    if label is L.HOMOZYGOUS_ALT:
        return VerdictKind.CONSISTENT, f"homozygous {what} {where}: biallelic"
    return VerdictKind.CARRIER, f"heterozygous {what} {where}: carrier"


@dataclass(frozen=True, slots=True)
class Coverage:
    """What "covered" means for one input file, for the "nothing found" verdict.

    ``has_reference_blocks``: the file is a gVCF (or all-sites VCF) whose reference blocks
    assert REF genotypes; ``region`` names the region examined, e.g. ``"the FOXP3 locus
    (GRCh38 X:49,250,436-49,270,000)"``.
    """

    has_reference_blocks: bool
    region: str = "the FOXP3 locus"

    def meaning(self) -> str:
        if self.has_reference_blocks:
            return (
                f"covered region = positions of {self.region} inside the file's reference blocks "
                "or variant records; positions outside them were not assessed"
            )
        return (
            f"the file has no reference blocks (not a gVCF), so it lists variant sites only and "
            f"cannot prove absence: positions of {self.region} without a record may be "
            "reference or simply not covered"
        )


@dataclass(frozen=True, slots=True)
class SampleVerdict:
    """The verdict for one sample, under one sex (two verdicts exist when sex is unknown)."""

    sample: str
    sex: Sex  #: the sex this verdict assumes (male or female)
    sex_basis: str  #: "declared", "inferred" or "assumed: sex unknown"
    kind: VerdictKind
    summary: str
    reasons: tuple[str, ...]
    variants: tuple[VariantInterpretation, ...]
    flags: tuple[str, ...] = field(default=())

    @property
    def heading(self) -> str:
        """ "male (declared)", or "IF MALE (sex unknown)" for an assumed sex."""
        if self.sex_basis.startswith("assumed"):
            return f"IF {self.sex.value.upper()} (sex unknown)"
        return f"{self.sex.value} ({self.sex_basis})"


_SUMMARY = {
    VerdictKind.CONSISTENT: "genotype consistent with IPEX",
    VerdictKind.CARRIER: (
        "heterozygous carrier (X-linked recessive: carriers are usually unaffected, with skewed "
        "X-inactivation in their regulatory T cells)"
    ),
    VerdictKind.NOT_ASSESSABLE: (
        "not assessable at every reportable site: no reportable FOXP3 variant among the called "
        "genotypes"
    ),
}
_NONE_SUMMARY = "no reportable FOXP3 variant in the covered region"


def interpret_sample(
    sample: str,
    sex: Sex,
    genotypes: Sequence[tuple[VariantFinding, Call]],
    coverage: Coverage,
    sex_basis: str = "declared",
    interpret: Interpreter | None = None,
    parents: ParentCalls | None = None,
) -> tuple[SampleVerdict, ...]:
    """Verdict(s) for ``sample`` from its genotypes at the engine's findings.

    Returns one verdict for a male or female, and two ("IF MALE", "IF FEMALE") when ``sex`` is
    unknown. ``genotypes`` pairs each finding with this sample's call at it. ``interpret``
    replaces :func:`interpret_genotype` (same contract), e.g. with a memoised version for
    cohorts, where the same few calls repeat for thousands of samples. ``parents`` gives the
    sample's (mother's, father's) calls at a variant id, when a PED names sequenced parents:
    it can resolve the phase of two heterozygous variants (:mod:`ipexcli.phase`).

    Two or more different reportable heterozygous variants in a female (issue 12): in *trans*
    -> biallelic, consistent with IPEX; all in *cis* -> carrier; phase unknown -> "phase
    unknown" named in the summary, kept in the consistent-with-disease category (she may be
    biallelic, so a ``--fail-on`` gate still fires), never called "biallelic".
    """
    interpret = interpret or interpret_genotype
    if sex is Sex.UNKNOWN:
        return tuple(
            _interpret_one(
                sample, assumed, genotypes, coverage, "assumed: sex unknown", interpret, parents
            )
            for assumed in (Sex.MALE, Sex.FEMALE)
        )
    return (_interpret_one(sample, sex, genotypes, coverage, sex_basis, interpret, parents),)


#: the signature of :func:`interpret_genotype`
Interpreter = Callable[[VariantFinding, Call, Sex], "VariantInterpretation"]

#: ``parents(variant_id)`` -> (mother's call, father's call) at that variant (None: not in file)
ParentCalls = Callable[[str], tuple["Call | None", "Call | None"]]


def _interpret_one(
    sample: str,
    sex: Sex,
    genotypes: Sequence[tuple[VariantFinding, Call]],
    coverage: Coverage,
    sex_basis: str,
    interpret: Interpreter = interpret_genotype,
    parents: ParentCalls | None = None,
) -> SampleVerdict:
    interpretations = tuple([interpret(f, call, sex) for f, call in genotypes])
    reasons: list[str] = []
    flags: dict[str, None] = {}  # ordered, without repeats
    carried: list[VariantInterpretation] = []
    ranked: list[VariantInterpretation] = []
    kind = VerdictKind.NONE_FOUND  # the most important kind among the ranked ones
    best = _KIND_RANK[kind]
    for item in interpretations:
        for flag in item.flags:
            flags[flag] = None
        if item.kind is VerdictKind.NOT_CARRIED:
            continue
        carried.append(item)
        # a no-call matters for the summary only at a reportable (P/LP or null) site
        if item.kind is VerdictKind.NOT_ASSESSABLE and not _reportable_class(
            item.finding.evidence
        ):
            continue
        ranked.append(item)
        if _KIND_RANK[item.kind] < best:
            kind, best = item.kind, _KIND_RANK[item.kind]
    # ---- phase of two or more heterozygous variants in a female (issue 12, item 5)
    phased = _phase_of_hets(sex, interpretations, genotypes, parents)
    phase_decides = False
    if phased is not None:
        from ipexcli.phase import Phase

        found_phase, why = phased
        reasons.append(why)
        if found_phase is not Phase.CIS and kind.rank > VerdictKind.CONSISTENT.rank:
            kind, phase_decides = VerdictKind.CONSISTENT, found_phase is Phase.UNKNOWN
    # ----
    reasons.extend(i.text for i in carried)
    if kind in (VerdictKind.NOT_REPORTABLE, VerdictKind.NONE_FOUND, VerdictKind.NOT_ASSESSABLE):
        reasons.append(coverage.meaning())
    if kind is VerdictKind.NOT_REPORTABLE:
        benign_only = all(
            evidence_class(i.finding) is EvidenceClass.BENIGN
            for i in carried
            if i.kind is VerdictKind.NOT_REPORTABLE
        )
        carried_words = (
            "only benign/likely benign variants carried"
            if benign_only
            else "only benign or unclassified low-impact variants carried"
        )
        summary = f"{_NONE_SUMMARY} ({carried_words})"
        kind = VerdictKind.NONE_FOUND
    elif kind is VerdictKind.UNCERTAIN:
        why = "; ".join(
            f"{i.finding.hgvs}: {i.label}" for i in ranked if i.kind is VerdictKind.UNCERTAIN
        )
        summary = f"uncertain ({why})"
    else:
        summary = _SUMMARY.get(kind, _NONE_SUMMARY)
    if phase_decides:
        summary = (
            "two reportable heterozygous variants, phase unknown: consistent with IPEX only if "
            "they are in trans (a carrier if in cis)"
        )
    elif kind is VerdictKind.CONSISTENT and sex is Sex.FEMALE:
        summary += " (biallelic; rare in females)"
    elif kind is VerdictKind.CARRIER and phased is not None and phased[0] is Phase.CIS:
        summary += "; the variants are in cis (on one X)"
    # ---- call quality (issue 12, item 6): a flagged genotype behind the verdict is named
    behind = [i for i in ranked if i.kind is kind]
    if phased is not None:  # the heterozygous variants behind a phase-based verdict
        behind += [i for i in ranked if i.label is GenotypeLabel.HETEROZYGOUS]
    quality = dict.fromkeys(
        f for i in behind for f in i.flags if f in callquality.QUALITY_CODES
    )
    if quality:
        summary += f" - check call quality ({', '.join(quality)})"
    return SampleVerdict(
        sample=sample,
        sex=sex,
        sex_basis=sex_basis,
        kind=kind,
        summary=summary,
        reasons=tuple(reasons),
        variants=interpretations,
        flags=tuple(flags),
    )


def _phase_of_hets(
    sex: Sex,
    interpretations: Sequence[VariantInterpretation],
    genotypes: Sequence[tuple[VariantFinding, Call]],
    parents: ParentCalls | None,
) -> tuple[Phase, str] | None:
    """The phase of a female's different reportable heterozygous variants and the reason text,
    or None when she has fewer than two (rules in :mod:`ipexcli.phase`). Any pair in *trans*
    -> trans; else any pair unknown -> unknown; else (every pair in *cis*) -> cis."""
    if sex is not Sex.FEMALE:
        return None
    hets: dict[str, tuple[VariantInterpretation, Call]] = {}
    for item, (_, call) in zip(interpretations, genotypes, strict=True):
        if item.label is GenotypeLabel.HETEROZYGOUS and _reportable_class(
            evidence_class(item.finding)
        ):
            hets.setdefault(item.finding.variant_id, (item, call))
    if len(hets) < 2:
        return None
    from itertools import combinations

    from ipexcli import phase
    from ipexcli.phase import Phase

    pairs = []
    for (a, call_a), (b, call_b) in combinations(hets.values(), 2):
        found = phase.from_genotypes(call_a, call_b)
        if parents is not None:
            from_ped = phase.from_parents(
                parents(a.finding.variant_id), parents(b.finding.variant_id)
            )
            found = phase.combine(found, from_ped)
        pairs.append((a.finding.hgvs, b.finding.hgvs, found))
    names = ", ".join(item.finding.hgvs for item, _ in hets.values())
    for first, second, found in pairs:
        if found.phase is Phase.TRANS:
            return Phase.TRANS, (
                f"{first} and {second}: {found.how}: biallelic, consistent with IPEX (rare in "
                "females)"
            )
    for first, second, found in pairs:
        if found.phase is Phase.UNKNOWN:
            return Phase.UNKNOWN, (
                f"two different reportable heterozygous variants ({names}); phase unknown "
                f"({first} and {second}: {found.how}): consistent with IPEX only if they are in "
                "trans, a carrier if in cis - phase them (test the parents, or read-backed "
                "phasing)"
            )
    hows = "; ".join(f"{first} and {second}: {found.how}" for first, second, found in pairs)
    return Phase.CIS, (
        f"{hows}: all on one X, the other X carries none of them: a carrier, not biallelic"
    )


# --------------------------------------------------------------------------- families


class FamilyEvent(str, Enum):
    """What a trio/family says about one variant in one individual."""

    MATERNALLY_INHERITED = "maternally inherited"
    PATERNALLY_INHERITED = "paternally inherited"
    BIPARENTAL = "inherited from both parents"
    ORIGIN_UNRESOLVED = "inherited, parent of origin unresolved"
    APPARENT_DE_NOVO = "apparent de novo"
    MENDELIAN_ERROR_X = "X-linked Mendelian inconsistency"
    UNAFFECTED_HEMIZYGOUS_MALE = "unaffected hemizygous male"
    UNAFFECTED_HOMOZYGOUS_FEMALE = "unaffected homozygous female"
    NOT_ASSESSABLE = "origin not assessable"

    @property
    def is_flag(self) -> bool:
        """Events a user must look at (shown as warnings)."""
        return self in (
            FamilyEvent.MENDELIAN_ERROR_X,
            FamilyEvent.UNAFFECTED_HEMIZYGOUS_MALE,
            FamilyEvent.UNAFFECTED_HOMOZYGOUS_FEMALE,
            FamilyEvent.APPARENT_DE_NOVO,
        )

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class FamilyNote:
    """One family observation about ``individual`` at ``variant_id``, with its reason."""

    event: FamilyEvent
    variant_id: str
    individual: str
    text: str


def _alt_state(call: Call | None, male: bool = False) -> str:
    """ "alt", "ref", "hom_alt" or "unknown" for a parent's call (any ploidy); in a male a
    ``0/.`` call is a hemizygous REF."""
    if call is None or call.is_missing:
        return "unknown"
    alleles = call.alleles
    alt = sum(1 for a in alleles if a == 1)
    missing = sum(1 for a in alleles if a is None)
    if alt and alt == len(alleles) and len(alleles) == 2:
        return "hom_alt"
    if alt:
        return "alt"
    if missing and not call.other_alt and not male:
        return "unknown"  # 0/. in a female cannot exclude the ALT
    return "ref"


def segregate(
    finding: VariantFinding,
    calls: Mapping[str, Call],
    pedigree: Pedigree,
    sexes: Mapping[str, Sex] | None = None,
) -> tuple[FamilyNote, ...]:
    """X-linked family checks for one variant across a pedigree.

    ``pedigree`` is an :class:`ipexcli.ped.Pedigree`; ``calls`` maps sequenced sample -> call
    at this variant; ``sexes`` maps sample -> the sex used (declared wins; defaults to the PED
    sex). Rules (non-PAR only; a son's X comes from his mother, a daughter gets her father's X):

    * son carries the ALT: mother carries it -> maternally inherited; mother homozygous REF ->
      apparent de novo (or maternal germline mosaicism), unless the father carries it, which is
      an X-specific Mendelian inconsistency (a father's X does not pass to sons);
    * son hemizygous REF but mother homozygous ALT -> inconsistency;
    * daughter homozygous REF while the father is hemizygous ALT, or homozygous ALT while the
      father is hemizygous REF or the mother homozygous REF -> inconsistency;
    * an unaffected male (PED phenotype 1) hemizygous, or an unaffected female homozygous, for
      a P/LP or null variant -> flagged as unexpected (both are expected to be affected).
    """
    if finding.in_par:
        return ()
    from ipexcli.ped import Phenotype

    sexes = sexes or {}
    reportable = _reportable_class(evidence_class(finding))
    notes: list[FamilyNote] = []
    vid = finding.variant_id
    for person in pedigree:
        sex = sexes.get(person.id, Sex.UNKNOWN)
        if sex is Sex.UNKNOWN:
            sex = person.sex
        if sex is Sex.UNKNOWN:
            continue
        has_parents = person.mother is not None or person.father is not None
        unaffected = person.phenotype is Phenotype.UNAFFECTED
        unaffected_male = sex is Sex.MALE and unaffected
        if not has_parents and not (unaffected and reportable):
            continue  # nothing to check: a cohort's founders are not even looked up
        call = calls.get(person.id)
        if call is None:
            continue
        label = label_genotype(call, sex)
        if (
            unaffected_male
            and label in (GenotypeLabel.HEMIZYGOUS_ALT, GenotypeLabel.HEMIZYGOUS_ALT_CODED_DIPLOID)
            and reportable
        ):
            role = "father" if pedigree.children_of(person.id) else "male"
            notes.append(
                FamilyNote(
                    FamilyEvent.UNAFFECTED_HEMIZYGOUS_MALE,
                    vid,
                    person.id,
                    f"{person.id} is an unaffected {role} (PED phenotype 1) but hemizygous for "
                    f"{finding.hgvs} (GT {call.raw_gt}): unexpected for an X-linked recessive "
                    "disorder - check the classification, the phenotype or sample identity",
                )
            )
        if (  # issue 12: a biallelic female is expected to be affected too
            unaffected
            and sex is Sex.FEMALE
            and label is GenotypeLabel.HOMOZYGOUS_ALT
            and reportable
        ):
            role = "mother" if pedigree.children_of(person.id) else "female"
            notes.append(
                FamilyNote(
                    FamilyEvent.UNAFFECTED_HOMOZYGOUS_FEMALE,
                    vid,
                    person.id,
                    f"{person.id} is an unaffected {role} (PED phenotype 1) but homozygous for "
                    f"{finding.hgvs} (GT {call.raw_gt}, {_ab_text(call.allele_balance)}): "
                    "unexpected for an X-linked recessive disorder (a biallelic female is "
                    "expected to be affected) - check for a miscalled heterozygote, the "
                    "classification, the phenotype or sample identity",
                )
            )
        if not has_parents:
            continue
        mother = calls.get(person.mother) if person.mother else None
        father = calls.get(person.father) if person.father else None
        if mother is None and father is None:
            continue
        rule = _son_rule if sex is Sex.MALE else _daughter_rule
        note = rule(person.id, label, call, mother, father, finding)
        if note is not None:
            notes.append(note)
    return tuple(notes)


def _gt(call: Call | None) -> str:
    return "not sequenced" if call is None else f"GT {call.raw_gt}"


def _son_rule(
    son: str,
    label: GenotypeLabel,
    call: Call,
    mother: Call | None,
    father: Call | None,
    finding: VariantFinding,
) -> FamilyNote | None:
    L = GenotypeLabel
    vid = finding.variant_id
    mom, dad = _alt_state(mother), _alt_state(father, male=True)
    where = f"son {son} ({call.raw_gt}), mother {_gt(mother)}, father {_gt(father)}"
    if label.carries_alt:
        if mom in ("alt", "hom_alt"):
            # issue 12: a homozygous mother is not "a carrier" (biallelic: expected affected)
            mother_is = (
                "the mother is homozygous for it, not a carrier (a biallelic female is "
                "expected to be affected: check her phenotype and genotype)"
                if mom == "hom_alt"
                else "the mother is a carrier"
            )
            return FamilyNote(
                FamilyEvent.MATERNALLY_INHERITED,
                vid,
                son,
                f"{finding.hgvs}: maternally inherited ({where}); {mother_is}",
            )
        if mom == "ref":
            if dad in ("alt", "hom_alt"):
                return FamilyNote(
                    FamilyEvent.MENDELIAN_ERROR_X,
                    vid,
                    son,
                    f"{finding.hgvs}: the son carries the father's ALT but not the mother's "
                    f"({where}); a son's X comes from his mother - check sample identity, "
                    "parentage or an XXY karyotype",
                )
            return FamilyNote(
                FamilyEvent.APPARENT_DE_NOVO,
                vid,
                son,
                f"{finding.hgvs}: apparent de novo ({where}); maternal germline or low-level "
                "mosaicism is possible",
            )
        return FamilyNote(
            FamilyEvent.NOT_ASSESSABLE,
            vid,
            son,
            f"{finding.hgvs}: maternal origin not assessable ({where})",
        )
    if label in (L.HEMIZYGOUS_REF, L.PARTIAL_REF) and mom == "hom_alt":
        return FamilyNote(
            FamilyEvent.MENDELIAN_ERROR_X,
            vid,
            son,
            f"{finding.hgvs}: the son is hemizygous REF but his mother is homozygous ALT "
            f"({where}) - check sample identity or a deletion",
        )
    return None


def _daughter_rule(
    daughter: str,
    label: GenotypeLabel,
    call: Call,
    mother: Call | None,
    father: Call | None,
    finding: VariantFinding,
) -> FamilyNote | None:
    L = GenotypeLabel
    vid = finding.variant_id
    mom, dad = _alt_state(mother), _alt_state(father, male=True)
    where = f"daughter {daughter} ({call.raw_gt}), mother {_gt(mother)}, father {_gt(father)}"

    def note(event: FamilyEvent, text: str) -> FamilyNote:
        return FamilyNote(event, vid, daughter, f"{finding.hgvs}: {text} ({where})")

    if label is L.HOMOZYGOUS_REF and dad in ("alt", "hom_alt"):
        return note(
            FamilyEvent.MENDELIAN_ERROR_X,
            "the daughter lacks her father's hemizygous ALT; a daughter always receives her "
            "father's X - check sample identity or parentage",
        )
    if label is L.HOMOZYGOUS_ALT:
        if dad == "ref":
            return note(
                FamilyEvent.MENDELIAN_ERROR_X,
                "the daughter is homozygous ALT but her father is hemizygous REF",
            )
        if mom == "ref":
            return note(
                FamilyEvent.MENDELIAN_ERROR_X,
                "the daughter is homozygous ALT but her mother is homozygous REF",
            )
        if mom in ("alt", "hom_alt") and dad in ("alt", "hom_alt"):
            return note(FamilyEvent.BIPARENTAL, "one ALT from each parent")
        return note(FamilyEvent.NOT_ASSESSABLE, "origin not assessable")
    if not label.carries_alt:
        return None
    mom_alt, dad_alt = mom in ("alt", "hom_alt"), dad in ("alt", "hom_alt")
    if dad_alt and mom_alt:
        return note(FamilyEvent.ORIGIN_UNRESOLVED, "both parents carry the ALT")
    if dad_alt and mom == "ref":
        return note(FamilyEvent.PATERNALLY_INHERITED, "paternally inherited (father's X)")
    if mom_alt and dad == "ref":
        return note(FamilyEvent.MATERNALLY_INHERITED, "maternally inherited")
    if mom == "ref" and dad == "ref":
        return note(
            FamilyEvent.APPARENT_DE_NOVO,
            "apparent de novo; parental germline mosaicism is possible",
        )
    if dad_alt:
        return note(FamilyEvent.PATERNALLY_INHERITED, "father carries it (mother not assessable)")
    if mom_alt:
        return note(FamilyEvent.MATERNALLY_INHERITED, "mother carries it (father not assessable)")
    return note(FamilyEvent.NOT_ASSESSABLE, "origin not assessable")
