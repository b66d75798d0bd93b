"""Genotype labels on chrX for every (sex x GT coding x PAR) cell (issue 5, criterion 1)."""

from __future__ import annotations

import pytest
from sexsim import make_call

from ipexcli import refdata
from ipexcli.inheritance import GenotypeLabel as L
from ipexcli.inheritance import label_genotype
from ipexcli.model import Build, Sex

M, F = Sex.MALE, Sex.FEMALE

# (sex, GT as written, index of the ALT being labelled, expected label)
NON_PAR_CASES = [
    (M, "1", 1, L.HEMIZYGOUS_ALT),
    (M, "1/1", 1, L.HEMIZYGOUS_ALT_CODED_DIPLOID),
    (M, "1|1", 1, L.HEMIZYGOUS_ALT_CODED_DIPLOID),
    (M, "0", 1, L.HEMIZYGOUS_REF),
    (M, "0/0", 1, L.HEMIZYGOUS_REF),
    (M, "0/1", 1, L.HET_IN_MALE),
    (M, "1|0", 1, L.HET_IN_MALE),
    (M, "1/2", 1, L.HET_IN_MALE),  # two different ALTs in a male
    (M, "1/2", 2, L.HET_IN_MALE),
    (M, "./1", 1, L.PARTIAL_ALT),
    (M, "./0", 1, L.PARTIAL_REF),
    (M, ".", 1, L.NO_CALL),
    (M, "./.", 1, L.NO_CALL),
    (M, "2", 1, L.OTHER_ALT),
    (M, "2/2", 1, L.OTHER_ALT),
    (M, "0/2", 1, L.OTHER_ALT),
    (M, "0/1/1", 1, L.UNEXPECTED_PLOIDY),
    (F, "0/1", 1, L.HETEROZYGOUS),
    (F, "0|1", 1, L.HETEROZYGOUS),
    (F, "1/1", 1, L.HOMOZYGOUS_ALT),
    (F, "0/0", 1, L.HOMOZYGOUS_REF),
    (F, "1/2", 2, L.HETEROZYGOUS),
    (F, "./1", 1, L.PARTIAL_ALT),
    (F, "0/.", 1, L.PARTIAL_REF),
    (F, "1", 1, L.HAPLOID_ALT_IN_FEMALE),
    (F, "0", 1, L.HAPLOID_REF_IN_FEMALE),
    (F, "./.", 1, L.NO_CALL),
    (F, "2/2", 1, L.OTHER_ALT),
]


@pytest.mark.parametrize(("sex", "gt", "alt_index", "expected"), NON_PAR_CASES)
def test_non_par_labels(sex: Sex, gt: str, alt_index: int, expected: L) -> None:
    assert label_genotype(make_call(gt, alt_index=alt_index), sex, in_par=False) is expected


PAR_CASES = [
    (M, "0/1", L.HETEROZYGOUS),  # males are diploid in the PARs: a het is ordinary
    (M, "1/1", L.HOMOZYGOUS_ALT),
    (M, "0/0", L.HOMOZYGOUS_REF),
    (M, "1", L.UNEXPECTED_PLOIDY),
    (M, "./1", L.PARTIAL_ALT),
    (M, "./.", L.NO_CALL),
    (F, "0/1", L.HETEROZYGOUS),
    (F, "1/1", L.HOMOZYGOUS_ALT),
    (F, "1", L.UNEXPECTED_PLOIDY),
]


@pytest.mark.parametrize(("sex", "gt", "expected"), PAR_CASES)
def test_par_labels_are_diploid(sex: Sex, gt: str, expected: L) -> None:
    assert label_genotype(make_call(gt), sex, in_par=True) is expected


def test_par_flag_comes_from_bundled_table() -> None:
    """The same male 0/1 is HET in PAR1 and HET_IN_MALE at FOXP3, decided by refdata."""
    grch38 = refdata.load().assemblies[Build.GRCH38]
    foxp3_pos = refdata.load().known[0].alleles[Build.GRCH38].pos  # c.1189C>T
    par1_pos = grch38.par["X"][0].end  # last base of PAR1 (1-based == 0-based end)
    call = make_call("0/1")
    assert label_genotype(call, M, grch38.in_par("X", foxp3_pos)) is L.HET_IN_MALE
    assert label_genotype(call, M, grch38.in_par("X", par1_pos)) is L.HETEROZYGOUS
    assert label_genotype(call, M, grch38.in_par("X", par1_pos + 1)) is L.HET_IN_MALE


def test_unknown_sex_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        label_genotype(make_call("0/1"), Sex.UNKNOWN)


@pytest.mark.parametrize(
    ("label", "carries"),
    [
        (L.HEMIZYGOUS_ALT, True),
        (L.HEMIZYGOUS_ALT_CODED_DIPLOID, True),
        (L.HET_IN_MALE, True),
        (L.PARTIAL_ALT, True),
        (L.HAPLOID_ALT_IN_FEMALE, True),
        (L.HEMIZYGOUS_REF, False),
        (L.PARTIAL_REF, False),
        (L.OTHER_ALT, False),
        (L.NO_CALL, False),
    ],
)
def test_carries_alt(label: L, carries: bool) -> None:
    assert label.carries_alt is carries
