"""Sex inference on a simulated whole-chrX cohort (issue 5, criterion 3) and its rules."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from sexsim import SimCohort, make_record, simulate_cohort

from ipexcli.model import Build, Sex
from ipexcli.sex import (
    DEFAULT_THRESHOLDS,
    InferredSex,
    Method,
    SexCheck,
    SexEvidence,
    SexInference,
    SexThresholds,
    compare,
    decide,
    infer_sexes,
)


@pytest.fixture(scope="module")
def cohort() -> SimCohort:
    return simulate_cohort(seed=5)


@pytest.fixture(scope="module")
def cohort_results(cohort: SimCohort) -> dict:  # type: ignore[type-arg]
    return infer_sexes(cohort.samples, cohort.records(), cohort.build)


def test_cohort_every_kind_correct(cohort: SimCohort, cohort_results: dict) -> None:  # type: ignore[type-arg]
    wrong = {
        s: (r.inferred.value, cohort.expected(s).value, r.reason)
        for s, r in cohort_results.items()
        if r.inferred is not cohort.expected(s)
    }
    assert wrong == {}
    kinds = Counter(cohort.kinds.values())
    assert kinds == {"male_haploid": 8, "male_diploid": 8, "female": 12, "xxy": 3, "low_data": 3}


def test_cohort_methods(cohort: SimCohort, cohort_results: dict) -> None:  # type: ignore[type-arg]
    for sample, result in cohort_results.items():
        kind = cohort.kinds[sample]
        expected = {
            "male_haploid": Method.HAPLOID,
            "male_diploid": Method.F_AND_HET,  # both statistics conclusive and agreeing
            "female": Method.F_AND_HET,
            "xxy": Method.F_AND_HET,
            "low_data": Method.NONE,
        }[kind]
        assert result.evidence.method is expected, sample
    f_values = {s: r.evidence.f for s, r in cohort_results.items() if r.evidence.f is not None}
    assert all(f > 0.8 for s, f in f_values.items() if cohort.kinds[s] == "male_diploid")
    assert all(f < 0.2 for s, f in f_values.items() if cohort.kinds[s] == "female")


def test_par_sites_are_ignored(cohort: SimCohort, cohort_results: dict) -> None:  # type: ignore[type-arg]
    non_par_x = sum(1 for s in cohort.sites if s.chrom == "X" and not s.par)
    par = sum(1 for s in cohort.sites if s.par)
    assert par >= 200  # the simulation puts many heterozygous male calls in the PARs
    for result in cohort_results.values():
        ev = result.evidence
        assert ev.hom_ref + ev.het + ev.hom_alt + ev.haploid + ev.missing + ev.partial == non_par_x
    par_only = [r for r in cohort.records() if any(s.par and s.pos == r.pos for s in cohort.sites)]
    par_results = infer_sexes(cohort.samples, par_only, cohort.build)
    assert {r.inferred for r in par_results.values()} == {InferredSex.INSUFFICIENT}
    assert {r.evidence.het for r in par_results.values()} == {0}


def test_unknown_build_ignores_par_of_both_builds(cohort: SimCohort) -> None:
    results = infer_sexes(cohort.samples, cohort.records(), None)
    assert all(r.inferred is cohort.expected(s) for s, r in results.items())


@pytest.mark.parametrize(
    "sample", ["male_haploid_01", "male_diploid_01", "female_01", "xxy_01", "low_data_01"]
)
def test_single_sample_uses_het_fraction(cohort: SimCohort, sample: str) -> None:
    single = cohort.subset([sample])
    result = infer_sexes(single.samples, single.records(), single.build)[sample]
    assert result.inferred is cohort.expected(sample), result.reason
    assert result.evidence.f is None  # no cohort frequencies for one sample


def test_single_sample_accuracy_over_all_samples(cohort: SimCohort) -> None:
    correct = 0
    for sample in cohort.samples:
        single = cohort.subset([sample])
        result = infer_sexes(single.samples, single.records(), single.build)[sample]
        correct += result.inferred is cohort.expected(sample)
    assert correct == len(cohort.samples)


def test_chr_y_alone_calls_male(cohort: SimCohort) -> None:
    male = cohort.subset(["male_diploid_02", "female_02"])
    y_only = [r for r in male.records() if r.chrom == "Y"]
    results = infer_sexes(male.samples, y_only, male.build)
    assert results["male_diploid_02"].inferred is InferredSex.MALE
    assert results["male_diploid_02"].evidence.method is Method.CHR_Y
    assert results["female_02"].inferred is InferredSex.INSUFFICIENT  # absence of Y: no guess


def test_haploid_coding_with_heterozygosity_is_ambiguous() -> None:
    # 45 haploid calls (5 ALT) and 8 hets: 85% haploid coding says male, but 8 of 13 non-REF
    # calls heterozygous says XX: contradictory evidence is "ambiguous", never a guess
    records = [make_record(3_000_000 + i, ["0"]) for i in range(40)]
    records += [make_record(3_500_000 + i, ["1"]) for i in range(5)]
    records += [make_record(4_000_000 + i, ["0/1"]) for i in range(8)]
    (result,) = infer_sexes(["s"], records, Build.GRCH38).values()
    assert result.inferred is InferredSex.AMBIGUOUS
    assert result.evidence.method is Method.HAPLOID
    assert "45 haploid" in result.reason and "8 of 13" in result.reason
    # the same haploid calls without the hets: male from the coding
    (result,) = infer_sexes(["s"], records[:45], Build.GRCH38).values()
    assert result.inferred is InferredSex.MALE


def _evidence(**changes: object) -> SexEvidence:
    base = SexEvidence(
        hom_ref=100,
        het=0,
        hom_alt=0,
        haploid_ref=0,
        haploid_alt=0,
        missing=0,
        partial=0,
        informative_sites=0,
        het_fraction=None,
        het_ratio=None,
        f=None,
        f_sites=0,
        y_sites=0,
        y_called=0,
        method=Method.HET_FRACTION,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"het": 3, "hom_alt": 97, "het_fraction": 0.03}, InferredSex.MALE),
        ({"het": 15, "hom_alt": 85, "het_fraction": 0.15}, InferredSex.AMBIGUOUS),
        ({"het": 60, "hom_alt": 40, "het_fraction": 0.6}, InferredSex.FEMALE),
        (
            {"het": 60, "hom_alt": 40, "het_fraction": 0.6, "y_sites": 20, "y_called": 19},
            InferredSex.XXY_LIKE,
        ),
        (
            {"het": 60, "hom_alt": 40, "het_fraction": 0.6, "y_sites": 20, "y_called": 5},
            InferredSex.FEMALE,
        ),  # 25% Y calls: unclear, not used
        ({"het": 2, "hom_alt": 8, "het_fraction": 0.2}, InferredSex.INSUFFICIENT),  # 10 < 11
        (
            {"f": 0.95, "f_sites": 400, "het": 20, "hom_alt": 80, "het_fraction": 0.2},
            InferredSex.AMBIGUOUS,
        ),  # F conclusive, het fraction in between: never a confident call (issue 12)
        (  # F conclusive and too few non-REF calls for het_fraction: F decides
            {"f": 0.95, "f_sites": 400, "het": 0, "hom_alt": 5, "het_fraction": 0.0},
            InferredSex.MALE,
        ),
        ({"f": 0.5, "f_sites": 400}, InferredSex.AMBIGUOUS),  # F between, no het signal
        # het fraction just above the male limit (3 artefact hets of 52) but chrY called: male
        (
            {"het": 3, "hom_alt": 49, "het_fraction": 3 / 52, "y_sites": 60, "y_called": 58},
            InferredSex.MALE,
        ),
        ({"het": 3, "hom_alt": 49, "het_fraction": 3 / 52}, InferredSex.AMBIGUOUS),  # no Y
        ({"f": 0.05, "f_sites": 400}, InferredSex.FEMALE),
        # F between (population structure) but het fraction clearly XX: female (1000 Genomes)
        (
            {"f": 0.37, "f_sites": 1040, "het": 30, "hom_alt": 28, "het_fraction": 0.52},
            InferredSex.FEMALE,
        ),
        # F says XY, het fraction says XX: contradictory, ambiguous
        (
            {"f": 0.9, "f_sites": 400, "het": 30, "hom_alt": 28, "het_fraction": 0.52},
            InferredSex.AMBIGUOUS,
        ),
        (  # ... and stays ambiguous with chrY called (contradiction is not "in between")
            {
                "f": 0.9,
                "f_sites": 400,
                "het": 30,
                "hom_alt": 28,
                "het_fraction": 0.52,
                "y_sites": 60,
                "y_called": 58,
            },
            InferredSex.AMBIGUOUS,
        ),
        ({"haploid_ref": 90, "haploid_alt": 10, "hom_ref": 0}, InferredSex.MALE),
        ({"haploid_ref": 4, "hom_ref": 0}, InferredSex.INSUFFICIENT),  # < 5 haploid calls
        (  # 60% haploid is not haploid coding; 40 het of 50 non-REF calls is clearly XX
            {"haploid_ref": 50, "haploid_alt": 10, "het": 40, "hom_ref": 0, "het_fraction": 0.8},
            InferredSex.FEMALE,
        ),
    ],
)
def test_decision_rules(changes: dict, expected: InferredSex) -> None:  # type: ignore[type-arg]
    result = decide("s", _evidence(**changes))
    assert result.inferred is expected, result.reason


def test_thresholds_are_one_frozen_object() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.f_male_min = 0.5  # type: ignore[misc]
    assert DEFAULT_THRESHOLDS.as_dict()["f_male_min"] == 0.8
    assert DEFAULT_THRESHOLDS.as_dict()["f_female_max"] == 0.2
    strict = SexThresholds(min_informative_sites=10_000)
    ev = _evidence(het=60, hom_alt=40, het_fraction=0.6)
    assert decide("s", ev, strict).inferred is InferredSex.INSUFFICIENT


def _inference(inferred: InferredSex) -> SexInference:
    return SexInference("s", inferred, _evidence(), "test reason")


@pytest.mark.parametrize(
    ("declared", "inferred", "check", "used", "basis"),
    [
        (Sex.MALE, InferredSex.MALE, SexCheck.AGREE, Sex.MALE, "declared"),
        (Sex.FEMALE, InferredSex.MALE, SexCheck.MISMATCH, Sex.FEMALE, "declared"),
        (Sex.MALE, InferredSex.FEMALE, SexCheck.MISMATCH, Sex.MALE, "declared"),
        (Sex.MALE, InferredSex.XXY_LIKE, SexCheck.ATYPICAL, Sex.MALE, "declared"),
        (Sex.FEMALE, InferredSex.INSUFFICIENT, SexCheck.UNCONFIRMED, Sex.FEMALE, "declared"),
        (Sex.FEMALE, InferredSex.AMBIGUOUS, SexCheck.UNCONFIRMED, Sex.FEMALE, "declared"),
        (Sex.UNKNOWN, InferredSex.MALE, SexCheck.UNDECLARED, Sex.MALE, "inferred"),
        (
            Sex.UNKNOWN,
            InferredSex.INSUFFICIENT,
            SexCheck.UNDECLARED,
            Sex.UNKNOWN,
            "unknown: both interpretations",
        ),
        (
            Sex.UNKNOWN,
            InferredSex.XXY_LIKE,
            SexCheck.UNDECLARED,
            Sex.UNKNOWN,
            "unknown: both interpretations",
        ),
    ],
)
def test_declared_wins(
    declared: Sex, inferred: InferredSex, check: SexCheck, used: Sex, basis: str
) -> None:
    result = compare(_inference(inferred), declared, "PED")
    assert (result.check, result.used, result.used_basis) == (check, used, basis)
    if check is SexCheck.MISMATCH:
        assert result.warnings[0].startswith("SEX MISMATCH: s declared")
        assert "test reason" in result.warnings[0]
    payload = result.as_dict()
    assert {"id", "declared", "inferred", "evidence"} <= set(payload)
    assert payload["mismatch"] is (check is SexCheck.MISMATCH)


def test_pseudo_haploid_males_as_in_1000_genomes(cohort: SimCohort) -> None:
    """Males written "1/." / "0/." (one allele missing) are read as haploid-coded males."""
    names = [n for n in cohort.samples if cohort.kinds[n] in ("male_haploid", "female")]
    sub = cohort.subset(names)
    for site in sub.sites:
        site.gts = [
            (f"{gt}/." if gt in ("0", "1") else gt) if cohort.kinds[n] == "male_haploid" else gt
            for n, gt in zip(sub.samples, site.gts, strict=True)
        ]
    results = infer_sexes(sub.samples, sub.records(), sub.build)
    for name, result in results.items():
        assert result.inferred is cohort.expected(name), result.reason
        if cohort.kinds[name] == "male_haploid":
            assert result.evidence.method is Method.HAPLOID
            assert result.evidence.partial == result.evidence.haploid > 1000
            assert "pseudo-haploid" in result.reason
