"""Per-variant and per-sample verdicts for every (sex x genotype x classification) cell
(issue 5, criterion 1), on real variants of the bundled table."""

from __future__ import annotations

import dataclasses

import pytest
from findings import LIKELY_BENIGN, P_LP, PATHOGENIC, SPLICE_NULL, UNCLASSIFIED, VUS, known
from sexsim import make_call

from ipexcli import refdata
from ipexcli.inheritance import (
    Coverage,
    EvidenceClass,
    GenotypeLabel,
    VariantFinding,
    VerdictKind,
    evidence_class,
    interpret_genotype,
    interpret_sample,
)
from ipexcli.model import Build, Sex, Significance

C, K, U, NA, NR, NC = (
    VerdictKind.CONSISTENT,
    VerdictKind.CARRIER,
    VerdictKind.UNCERTAIN,
    VerdictKind.NOT_ASSESSABLE,
    VerdictKind.NOT_REPORTABLE,
    VerdictKind.NOT_CARRIED,
)

#: column order of the expectation table below
CLASSES = (
    ("P", PATHOGENIC, False),
    ("P/LP", P_LP, False),
    ("null", SPLICE_NULL, True),
    ("VUS", VUS, False),
    ("unclassified", UNCLASSIFIED, False),
    ("LB", LIKELY_BENIGN, False),
)

#: (sex, GT) -> expected kind per class, in CLASSES order
TABLE = {
    (Sex.MALE, "1"): (C, C, C, U, U, NR),
    (Sex.MALE, "1/1"): (C, C, C, U, U, NR),
    (Sex.MALE, "0"): (NC, NC, NC, NC, NC, NC),
    (Sex.MALE, "0/0"): (NC, NC, NC, NC, NC, NC),
    (Sex.MALE, "0/1"): (U, U, U, U, U, NR),
    # a male has one X: ALT + missing allele is the hemizygous ALT (1000 Genomes writes "1/.")
    (Sex.MALE, "./1"): (C, C, C, U, U, NR),
    (Sex.MALE, "1/."): (C, C, C, U, U, NR),
    (Sex.MALE, "./0"): (NC, NC, NC, NC, NC, NC),
    (Sex.MALE, "."): (NA, NA, NA, NA, NA, NA),
    (Sex.MALE, "./."): (NA, NA, NA, NA, NA, NA),
    (Sex.FEMALE, "0/1"): (K, K, K, U, U, NR),
    (Sex.FEMALE, "1/1"): (C, C, C, U, U, NR),
    (Sex.FEMALE, "0/0"): (NC, NC, NC, NC, NC, NC),
    (Sex.FEMALE, "./1"): (K, K, K, U, U, NR),
    (Sex.FEMALE, "0/."): (NA, NA, NA, NC, NC, NC),  # the missing allele may be the ALT
    (Sex.FEMALE, "1"): (U, U, U, U, U, NR),
    (Sex.FEMALE, "./."): (NA, NA, NA, NA, NA, NA),
}

CELLS = [
    pytest.param(sex, gt, hgvs_c, null, expected, id=f"{sex.value}-{gt}-{name}")
    for (sex, gt), kinds in TABLE.items()
    for (name, hgvs_c, null), expected in zip(CLASSES, kinds, strict=True)
]


@pytest.mark.parametrize(("sex", "gt", "hgvs_c", "null", "expected"), CELLS)
def test_variant_verdict_cell(
    sex: Sex, gt: str, hgvs_c: str, null: bool, expected: VerdictKind
) -> None:
    finding = known(hgvs_c, null_variant=null)
    result = interpret_genotype(finding, make_call(gt, ad=(8, 12)), sex)
    assert result.kind is expected, result.text
    assert result.raw_gt == gt
    assert f"GT {gt}" in result.text and finding.hgvs in result.text
    assert "diagnos" not in result.text.lower()


def test_evidence_classes_of_real_rows() -> None:
    assert evidence_class(known(PATHOGENIC)) is EvidenceClass.PATHOGENIC
    assert evidence_class(known(P_LP)) is EvidenceClass.PATHOGENIC
    # UniProt humsavar "LP/P" is literature curation, not a classification (#12)
    assert evidence_class(known("c.1087A>G")) is EvidenceClass.UNCERTAIN
    assert evidence_class(known(SPLICE_NULL, null_variant=True)) is (
        EvidenceClass.NULL_UNCLASSIFIED
    )
    assert evidence_class(known(SPLICE_NULL)) is EvidenceClass.UNCERTAIN
    assert evidence_class(known(VUS, null_variant=True)) is EvidenceClass.UNCERTAIN
    assert evidence_class(known(LIKELY_BENIGN, null_variant=True)) is EvidenceClass.BENIGN


def test_male_texts_name_the_evidence() -> None:
    finding = known(PATHOGENIC)
    haploid = interpret_genotype(finding, make_call("1"), Sex.MALE)
    diploid = interpret_genotype(finding, make_call("1/1"), Sex.MALE)
    assert haploid.label is GenotypeLabel.HEMIZYGOUS_ALT
    assert diploid.label is GenotypeLabel.HEMIZYGOUS_ALT_CODED_DIPLOID
    assert "consistent with IPEX" in haploid.text and "p.Arg397Trp" in haploid.text
    assert "coded as diploid 1/1" in diploid.text
    het = interpret_genotype(finding, make_call("0/1", ad=(24, 6)), Sex.MALE)
    assert het.flags == ("HET_IN_MALE",)
    assert "allele balance 0.20" in het.text and "XXY" in het.text and "mosaicism" in het.text
    no_ad = interpret_genotype(finding, make_call("0/1"), Sex.MALE)
    assert "allele balance not available" in no_ad.text


def test_female_carrier_text() -> None:
    result = interpret_genotype(known(P_LP), make_call("0/1"), Sex.FEMALE)
    assert "heterozygous carrier" in result.text
    assert "usually unaffected" in result.text and "skewed X-inactivation" in result.text
    assert "regulatory T cells" in result.text and "noted" not in result.text


PAR_POS = refdata.load().assemblies[Build.GRCH38].par["X"][0].start + 500  # inside PAR1


@pytest.mark.parametrize(
    ("sex", "gt", "expected"),
    [
        (Sex.MALE, "0/1", K),
        (Sex.MALE, "1/1", C),
        (Sex.FEMALE, "0/1", K),
        (Sex.FEMALE, "1/1", C),
    ],
)
def test_par_position_uses_diploid_rules(sex: Sex, gt: str, expected: VerdictKind) -> None:
    # the c.1189C>T classification moved to a PAR1 position: exercises the PAR code path only
    finding = dataclasses.replace(known(PATHOGENIC), variant_id=f"X-{PAR_POS}-G-A", in_par=True)
    assert refdata.load().assemblies[Build.GRCH38].in_par("X", PAR_POS)
    result = interpret_genotype(finding, make_call(gt), sex)
    assert result.kind is expected
    assert "pseudoautosomal" in result.text


NO_BLOCKS = Coverage(has_reference_blocks=False)
GVCF = Coverage(has_reference_blocks=True)


def test_sample_male_consistent() -> None:
    (verdict,) = interpret_sample("P1", Sex.MALE, [(known(PATHOGENIC), make_call("1"))], NO_BLOCKS)
    assert verdict.kind is C
    assert verdict.summary == "genotype consistent with IPEX"
    assert verdict.heading == "male (declared)"
    assert any("c.1189C>T" in r and "GT 1" in r for r in verdict.reasons)


def test_sample_female_carrier_with_extra_vus() -> None:
    genotypes = [(known(PATHOGENIC), make_call("0/1")), (known(VUS), make_call("0/1"))]
    (verdict,) = interpret_sample("M1", Sex.FEMALE, genotypes, NO_BLOCKS)
    assert verdict.kind is K
    assert verdict.summary == (
        "heterozygous carrier (X-linked recessive: carriers are usually unaffected, with skewed "
        "X-inactivation in their regulatory T cells)"
    )
    assert len(verdict.reasons) == 2


def test_sample_female_two_pathogenic_hets_unphased_is_phase_unknown() -> None:
    genotypes = [(known(PATHOGENIC), make_call("0/1")), (known(P_LP), make_call("0/1"))]
    (verdict,) = interpret_sample("F1", Sex.FEMALE, genotypes, NO_BLOCKS)
    assert verdict.kind is C  # she may be biallelic: the gate still fires
    assert "phase unknown" in verdict.summary and "biallelic" not in verdict.summary
    assert "phase unknown" in verdict.reasons[0] and "not phased" in verdict.reasons[0]


def test_sample_female_hom_alt_is_consistent_rare() -> None:
    (verdict,) = interpret_sample("F2", Sex.FEMALE, [(known(P_LP), make_call("1/1"))], NO_BLOCKS)
    assert verdict.kind is C and "biallelic" in verdict.summary


def test_sample_female_two_alts_at_one_site_are_in_trans() -> None:
    # c.1015C>T and c.1015C>G share a position; neither is classified in the bundled table,
    # so a hypothetical LP classification is set here to exercise the same-site rule.
    lp = Significance.LIKELY_PATHOGENIC
    first = dataclasses.replace(known("c.1015C>T"), significance=lp)
    second = dataclasses.replace(known("c.1015C>G"), significance=lp)
    genotypes = [(first, make_call("1/2", alt_index=1)), (second, make_call("1/2", alt_index=2))]
    (verdict,) = interpret_sample("F3", Sex.FEMALE, genotypes, NO_BLOCKS)
    assert verdict.kind is C and "biallelic" in verdict.summary
    assert "two ALT alleles of one site" in verdict.reasons[0]
    assert "necessarily in trans" in verdict.reasons[0]
    (male,) = interpret_sample("M3", Sex.MALE, genotypes, NO_BLOCKS)
    assert male.kind is U and "HET_IN_MALE" in male.flags
    assert male.summary.startswith("uncertain (NM_014009.4:c.1015C>T p.Pro339Ser: heterozygous in")


@pytest.mark.parametrize(
    ("gt", "if_male", "if_female"),
    [("1", C, U), ("1/1", C, C), ("0/1", U, K), ("./.", NA, NA)],
)
def test_unknown_sex_gives_both_labelled(
    gt: str, if_male: VerdictKind, if_female: VerdictKind
) -> None:
    verdicts = interpret_sample("X1", Sex.UNKNOWN, [(known(PATHOGENIC), make_call(gt))], GVCF)
    assert [v.heading for v in verdicts] == ["IF MALE (sex unknown)", "IF FEMALE (sex unknown)"]
    assert [v.kind for v in verdicts] == [if_male, if_female]


def test_nothing_found_without_reference_blocks_cannot_prove_absence() -> None:
    genotypes = [(known(PATHOGENIC), make_call("0"))]
    (verdict,) = interpret_sample("S1", Sex.MALE, genotypes, NO_BLOCKS)
    assert verdict.kind is VerdictKind.NONE_FOUND
    assert verdict.summary == "no reportable FOXP3 variant in the covered region"
    assert "cannot prove absence" in verdict.reasons[-1]
    (empty,) = interpret_sample("S2", Sex.FEMALE, [], NO_BLOCKS)
    assert empty.kind is VerdictKind.NONE_FOUND and "no reference blocks" in empty.reasons[-1]


def test_nothing_found_in_gvcf_names_reference_blocks() -> None:
    (verdict,) = interpret_sample("S3", Sex.FEMALE, [], Coverage(True, "the FOXP3 locus (GRCh38)"))
    assert "inside the file's reference blocks" in verdict.reasons[-1]
    assert "FOXP3 locus (GRCh38)" in verdict.reasons[-1]


def test_only_benign_is_not_reportable() -> None:
    genotypes = [(known(LIKELY_BENIGN), make_call("1"))]
    (verdict,) = interpret_sample("S4", Sex.MALE, genotypes, NO_BLOCKS)
    assert verdict.kind is VerdictKind.NONE_FOUND
    assert "only benign/likely benign" in verdict.summary
    assert any("not reportable" in r for r in verdict.reasons)


def test_no_call_at_pathogenic_site_is_not_assessable() -> None:
    genotypes = [(known(PATHOGENIC), make_call("./.")), (known(VUS), make_call("0"))]
    (verdict,) = interpret_sample("S5", Sex.MALE, genotypes, NO_BLOCKS)
    assert verdict.kind is NA
    # a no-call at a VUS site alone does not make the sample "not assessable"
    (vus_only,) = interpret_sample("S6", Sex.MALE, [(known(VUS), make_call("."))], NO_BLOCKS)
    assert vus_only.kind is VerdictKind.NONE_FOUND


ALLOWED_SUMMARY_WORDS = (
    "consistent with",
    "carrier",
    "uncertain",
    "no reportable",
    "not assessable",
)


def test_no_verdict_states_a_diagnosis() -> None:
    for (sex, gt), _ in TABLE.items():
        for _, hgvs_c, null in CLASSES:
            finding: VariantFinding = known(hgvs_c, null_variant=null)
            for verdict in interpret_sample("S", sex, [(finding, make_call(gt))], NO_BLOCKS):
                text = " ".join((verdict.summary, *verdict.reasons)).lower()
                assert "diagnos" not in text and "has ipex" not in text
                assert any(word in verdict.summary for word in ALLOWED_SUMMARY_WORDS)
