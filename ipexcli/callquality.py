"""Call quality and allele balance of one genotype: what a reviewer must see before trusting it.

A genotype can be written confidently and still be doubtful: a male hemizygous ``1`` backed by
5 ALT reads of 30 is more likely contamination or a somatic (mosaic) variant than a germline
hemizygous allele; a female ``1/1`` with AD 14,16 looks like a heterozygote; a female ``0/1``
with AD 2,38 may be a homozygote (or a loss of the other allele). This module names such calls;
it never rewrites a genotype and never changes a verdict by itself (the verdict states the
genotype as called, and the flag says why to look again). The thresholds are in one frozen
config, :class:`CallQualityThresholds`, each with its rationale and source.

What is checked, for a call that carries the ALT (zygosity as labelled by
:func:`ipexcli.inheritance.label_genotype`):

=========================  =======================================  ============================
zygosity                   check (AB = ALT reads / (REF + ALT))     flag
=========================  =======================================  ============================
hemizygous (male, non-PAR) AB < ``hemizygous_ab_min``               ``LOW_ALT_FRACTION_HEMI``
homozygous ALT (diploid)   AB < ``hom_alt_ab_min``                  ``HOM_ALT_BALANCED_AD``
heterozygous (diploid)     AB < ``het_ab_min`` or > ``het_ab_max``  ``HET_AB_SKEWED``
any                        FILTER not PASS (and not ``.``)          ``FILTER_NOT_PASS``
any                        GQ < ``min_gq`` (male non-PAR X:         ``LOW_GQ``
                           ``min_gq_male_x``)
any                        depth < ``min_depth`` (male non-PAR X:   ``LOW_DEPTH``
                           ``min_depth_male_x``); depth = REF + ALT
                           reads of AD, else FORMAT DP
=========================  =======================================  ============================

Missing AD, GQ or DP is not a flag (many pipelines do not write them); the allele balance is
then reported as "not available" where it is quoted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ipexcli.model import Call

#: what :func:`assess` needs to know about the genotype (from its X-linked label)
HEMIZYGOUS = "hemizygous"
HETEROZYGOUS = "heterozygous"
HOMOZYGOUS_ALT = "homozygous ALT"
OTHER = "other"  #: partial, haploid-in-female, het-in-male...: only FILTER/GQ/depth are checked


@dataclass(frozen=True, slots=True)
class CallQualityThresholds:
    """Every call-quality threshold, with where its value comes from.

    [SLV] = slivar ``js/slivar-functions.js`` (brentp/slivar, commit 91a40d5), ``config`` and
    ``hq1``/``x_recessive``; the shared peer notes (``../shared/docs/field-notes.md`` 4.9) quote
    another slivar version (GQ >= 20, het AB in [0.22, 0.78], male AB > 0.75). These are
    **conventions of a widely used rare-disease filter, not published biological facts**: they
    are defaults a lab may tune. Where ipexcli chose a value itself it says so.
    """

    #: a heterozygous call with AB below this is skewed towards REF (possible artefact or
    #: low-level mosaicism). [SLV] ``min_AB: 0.20`` (het must have AB in [min_AB, 1 - min_AB];
    #: another version of the file, commit 15f06b3, uses 0.22). Convention.
    het_ab_min: float = 0.20
    #: a heterozygous call with AB above this is skewed towards ALT (possible homozygote called
    #: heterozygous, or loss of the other allele). [SLV] ``1 - min_AB``. Convention.
    het_ab_max: float = 0.80
    #: a diploid homozygous-ALT call with AB below this has REF reads in the heterozygous range
    #: (possible miscalled heterozygote). ipexcli choice: the upper end of the heterozygous range
    #: above (``het_ab_max``). [SLV] is stricter for its high-quality set (hom-ALT needs AB >
    #: 0.98); a few REF reads in a true homozygote are common (errors, mis-mapping), so ipexcli
    #: flags only an AB that would pass as heterozygous.
    hom_alt_ab_min: float = 0.80
    #: a hemizygous ALT call (male, non-PAR X) with AB below this: possible mosaicism or
    #: contamination. [SLV] ``x_recessive`` requires ``kid.AB > 0.75`` in the affected male.
    #: Convention.
    hemizygous_ab_min: float = 0.75
    #: GQ below this is low. [SLV] ``min_GQ: 20``. Convention (GQ 20 = 1% chance the genotype
    #: is wrong, as the caller models it).
    min_gq: int = 20
    #: GQ below this is low for a male on non-PAR X. [SLV] ``min_male_X_GQ: 10``: haploid
    #: calls get lower GQs for the same evidence. Convention.
    min_gq_male_x: int = 10
    #: fewer reads than this (REF + ALT of AD, else FORMAT DP) is low. [SLV] ``min_DP: 6``.
    #: Convention.
    min_depth: int = 6
    #: the same for a male on non-PAR X. [SLV] ``min_male_X_DP: 6``. Convention.
    min_depth_male_x: int = 6

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT_THRESHOLDS = CallQualityThresholds()


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """One reason to look again at a call: a stable ``code`` and the words with the figures."""

    code: str
    text: str


#: every code :func:`assess` can give, for renderers and tests
QUALITY_CODES = frozenset(
    {
        "LOW_ALT_FRACTION_HEMI",
        "HOM_ALT_BALANCED_AD",
        "HET_AB_SKEWED",
        "FILTER_NOT_PASS",
        "LOW_GQ",
        "LOW_DEPTH",
    }
)


def _ad_text(call: Call) -> str:
    ad = call.ad
    return "" if ad is None else f" (AD {ad[0]},{ad[1]})"


def assess(
    call: Call,
    zygosity: str,
    male_x: bool,
    filters: tuple[str, ...] = (),
    thresholds: CallQualityThresholds = DEFAULT_THRESHOLDS,
) -> tuple[QualityIssue, ...]:
    """The quality issues of ``call`` (empty when none), checks in the module table.

    ``zygosity`` is one of :data:`HEMIZYGOUS`, :data:`HETEROZYGOUS`, :data:`HOMOZYGOUS_ALT`,
    :data:`OTHER`; ``male_x`` is True for a male outside the PARs (his GQ/depth thresholds);
    ``filters`` is the record's FILTER column as read (``()`` for ``.``).

    >>> from ipexcli.model import Call
    >>> [i.code for i in assess(Call((1,), raw_gt="1", ad=(25, 5)), HEMIZYGOUS, True)]
    ['LOW_ALT_FRACTION_HEMI']
    >>> [i.code for i in assess(Call((0, 1), raw_gt="0/1", ad=(2, 38)), HETEROZYGOUS, False)]
    ['HET_AB_SKEWED']
    >>> assess(Call((0, 1), raw_gt="0/1", ad=(15, 15), gq=99), HETEROZYGOUS, False, ("PASS",))
    ()
    """
    t = thresholds
    issues: list[QualityIssue] = []
    ab = call.allele_balance
    if ab is not None:
        if zygosity == HEMIZYGOUS and ab < t.hemizygous_ab_min:
            issues.append(QualityIssue(
                "LOW_ALT_FRACTION_HEMI",
                f"ALT fraction {ab:.2f}{_ad_text(call)} in a hemizygous call, below "
                f"{t.hemizygous_ab_min} (a single X gives ~1): possible somatic mosaicism or "
                "sample contamination",
            ))
        elif zygosity == HOMOZYGOUS_ALT and ab < t.hom_alt_ab_min:
            issues.append(QualityIssue(
                "HOM_ALT_BALANCED_AD",
                f"ALT fraction {ab:.2f}{_ad_text(call)} in a homozygous ALT call, below "
                f"{t.hom_alt_ab_min} (REF reads in the heterozygous range): possible "
                "heterozygote miscalled as homozygous",
            ))
        elif zygosity == HETEROZYGOUS and ab < t.het_ab_min:
            issues.append(QualityIssue(
                "HET_AB_SKEWED",
                f"ALT fraction {ab:.2f}{_ad_text(call)} in a heterozygous call, below "
                f"{t.het_ab_min}: possible artefact or low-level mosaicism",
            ))
        elif zygosity == HETEROZYGOUS and ab > t.het_ab_max:
            issues.append(QualityIssue(
                "HET_AB_SKEWED",
                f"ALT fraction {ab:.2f}{_ad_text(call)} in a heterozygous call, above "
                f"{t.het_ab_max}: possible homozygote miscalled as heterozygous (or loss of "
                "the other allele)",
            ))
    if filters and filters != ("PASS",):
        issues.append(QualityIssue(
            "FILTER_NOT_PASS",
            f"record FILTER {';'.join(filters)} (the caller's filters did not pass it)",
        ))
    min_gq = t.min_gq_male_x if male_x else t.min_gq
    if call.gq is not None and call.gq < min_gq:
        issues.append(QualityIssue("LOW_GQ", f"GQ {call.gq} below {min_gq}"))
    ad = call.ad
    depth: int | None
    if ad is not None and ad[0] is not None and ad[1] is not None:
        depth, what = ad[0] + ad[1], "REF + ALT reads"
    else:
        depth, what = call.dp, "DP"
    min_depth = t.min_depth_male_x if male_x else t.min_depth
    if depth is not None and depth < min_depth:
        issues.append(QualityIssue("LOW_DEPTH", f"depth {depth} ({what}) below {min_depth}"))
    return tuple(issues)


def issues_text(issues: tuple[QualityIssue, ...]) -> str:
    """The words of ``issues`` for a reason line: ``call quality: ...; ...``."""
    return "call quality: " + "; ".join(i.text for i in issues)
