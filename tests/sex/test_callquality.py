"""Call quality and allele balance (issue 12, item 6): each threshold at its boundary, the memoised
interpretation agreeing with the plain one, and a flag never changing the verdict's kind."""

from __future__ import annotations

import dataclasses

import pytest
from findings import LIKELY_BENIGN, PATHOGENIC, known
from sexsim import make_call

from ipexcli.callquality import (
    DEFAULT_THRESHOLDS,
    HEMIZYGOUS,
    HETEROZYGOUS,
    HOMOZYGOUS_ALT,
    OTHER,
    assess,
)
from ipexcli.inheritance import MemoInterpreter, VerdictKind, interpret_genotype
from ipexcli.model import Call, Sex

T = DEFAULT_THRESHOLDS


def codes(
    call: Call, zygosity: str, male_x: bool = False, filters: tuple[str, ...] = ()
) -> list[str]:
    return [issue.code for issue in assess(call, zygosity, male_x, filters)]


def test_thresholds_are_frozen_and_cited() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        T.min_gq = 1  # type: ignore[misc]
    assert T.as_dict() == {
        "het_ab_min": 0.2, "het_ab_max": 0.8, "hom_alt_ab_min": 0.8, "hemizygous_ab_min": 0.75,
        "min_gq": 20, "min_gq_male_x": 10, "min_depth": 6, "min_depth_male_x": 6,
    }


@pytest.mark.parametrize(
    ("gt", "ad", "zygosity", "expected"),
    [
        ("1", (25, 5), HEMIZYGOUS, ["LOW_ALT_FRACTION_HEMI"]),  # 0.17
        ("1", (5, 15), HEMIZYGOUS, []),  # 0.75 is not below 0.75
        ("1", (6, 12), HEMIZYGOUS, ["LOW_ALT_FRACTION_HEMI"]),  # 0.67
        ("1/1", (14, 16), HOMOZYGOUS_ALT, ["HOM_ALT_BALANCED_AD"]),
        ("1/1", (4, 16), HOMOZYGOUS_ALT, []),  # 0.80: not below
        ("1/1", (1, 29), HOMOZYGOUS_ALT, []),  # a stray REF read is not a flag
        ("0/1", (2, 38), HETEROZYGOUS, ["HET_AB_SKEWED"]),
        ("0/1", (38, 2), HETEROZYGOUS, ["HET_AB_SKEWED"]),
        ("0/1", (16, 4), HETEROZYGOUS, []),  # 0.20 is the limit, not below it
        ("0/1", (4, 16), HETEROZYGOUS, []),  # 0.80 is the limit, not above it
        ("0/1", (15, 15), HETEROZYGOUS, []),
        ("0/1", (25, 5), OTHER, []),  # e.g. het in male: the label flag already says it
        ("1", None, HEMIZYGOUS, []),  # no AD: nothing to judge
    ],
)
def test_allele_balance(
    gt: str, ad: tuple[int, int] | None, zygosity: str, expected: list[str]
) -> None:
    assert codes(make_call(gt, ad), zygosity) == expected


def test_gq_and_depth_use_male_x_thresholds() -> None:
    call = make_call("1", (0, 5), dp=5)
    call = dataclasses.replace(call, gq=15)
    assert codes(call, HEMIZYGOUS, male_x=True) == ["LOW_DEPTH"]  # GQ 15 >= 10 for a male X
    assert codes(call, HEMIZYGOUS, male_x=False) == ["LOW_GQ", "LOW_DEPTH"]  # 15 < 20
    # depth is REF + ALT reads of AD when present, else FORMAT DP
    no_ad = dataclasses.replace(make_call("0/1"), dp=5, gq=99)
    (issue,) = assess(no_ad, HETEROZYGOUS, False)
    assert issue.code == "LOW_DEPTH" and "(DP)" in issue.text


@pytest.mark.parametrize(
    ("filters", "flagged"),
    [((), False), (("PASS",), False), (("LowQual",), True), (("q10", "s50"), True)],
)
def test_filter(filters: tuple[str, ...], flagged: bool) -> None:
    found = codes(make_call("0/1", (15, 15)), HETEROZYGOUS, filters=filters)
    assert found == (["FILTER_NOT_PASS"] if flagged else [])


def test_flag_names_the_call_but_keeps_the_verdict_kind() -> None:
    finding = known(PATHOGENIC)
    clean = interpret_genotype(finding, make_call("1", (0, 30)), Sex.MALE)
    low = interpret_genotype(finding, make_call("1", (25, 5)), Sex.MALE)
    assert clean.kind is low.kind is VerdictKind.CONSISTENT
    assert "LOW_ALT_FRACTION_HEMI" in low.flags and "call quality" in low.text
    assert not clean.flags and "call quality" not in clean.text


def test_benign_variants_are_not_checked() -> None:
    item = interpret_genotype(known(LIKELY_BENIGN), make_call("0/1", (2, 38)), Sex.FEMALE)
    assert item.kind is VerdictKind.NOT_REPORTABLE and not item.flags


@pytest.mark.parametrize(
    ("gt", "ad", "sex"),
    [
        ("1", (25, 5), Sex.MALE), ("1", (0, 30), Sex.MALE), ("1", (26, 5), Sex.MALE),
        ("0/1", (2, 38), Sex.FEMALE), ("0/1", (15, 15), Sex.FEMALE), ("1/1", (14, 16), Sex.FEMALE),
        ("0/1", (25, 5), Sex.MALE), ("0/1", (24, 6), Sex.MALE),
    ],
)
def test_memoised_interpretation_equals_the_plain_one(
    gt: str, ad: tuple[int, int], sex: Sex
) -> None:
    finding = known(PATHOGENIC)
    memo = MemoInterpreter()
    for call in (make_call(gt, ad), make_call(gt, (0, 30)), make_call(gt, ad)):
        assert memo(finding, call, sex) == interpret_genotype(finding, call, sex)
