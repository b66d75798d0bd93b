"""#12: golden ACMG/AMP cases, each a hemizygous male through the whole `ipex annotate` pipeline.

Expectations live in ``tests/data/acmg_cases.tsv`` with the reasoning for each one (from the
bundled exon lengths, protein and UniProt features); this test only reads and compares.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[1] / "data" / "acmg_cases.tsv"


def _cases() -> list[dict[str, str]]:
    lines = [line for line in CASES.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _vcf(tmp_path: Path, case: dict[str, str]) -> Path:
    info = f"AF={case['af']}" if case["af"] else "."
    path = tmp_path / f"{case['case']}.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n"
        "##contig=<ID=chrX,length=156040895,assembly=GRCh38>\n"
        '##INFO=<ID=AF,Number=A,Type=Float,Description="population allele frequency">\n'
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBOY\n"
        f"chrX\t{case['pos']}\t.\t{case['ref']}\t{case['alt']}\t50\tPASS\t{info}\tGT\t1\n"
    )
    return path


def test_the_table_has_every_case_of_the_issue() -> None:
    names = {c["hgvs_c"] for c in _cases()}
    # issue 12, "Why", plus the two controls of acceptance criterion 1
    assert {"c.367del", "c.1A>G", "c.315+1G>A", "c.1147-1G>A", "c.-23+1G>A", "c.1272T>A",
            "c.1293del", "c.244del", "c.1189C>T"} <= names
    assert any(c["hgvs_c"] == "c.367del" and float(c["af"] or 0) == 0.2 for c in _cases())


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["case"])
def test_acmg_case(ipex: Callable[..., object], tmp_path: Path, case: dict[str, str]) -> None:
    args = ["annotate", str(_vcf(tmp_path, case)), "--sex", "BOY=male", "--build", "GRCh38",
            "--no-sex-inference", "--format", "json"]
    if case["af"]:
        args += ["--af-field", "AF"]
    result = ipex(*args)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    (variant,) = report["variants"]
    assert variant["hgvs_c"] == f"NM_014009.4:{case['hgvs_c']}"
    codes = ",".join(f"{e['code']}:{e['strength']}" for e in variant["evidence"])
    assert codes == case["codes"]
    assert variant["acmg_points"] == int(case["points"])
    assert variant["acmg_class"] == case["acmg_class"]
    assert (variant["class_used"], variant["class_source"]) == (
        case["class_used"], case["class_source"]
    )
    assert case["basis_has"] in variant["class_basis"]
    (sample,) = report["samples"]
    (verdict,) = sample["verdicts"]
    assert verdict["category"] == case["verdict"]
    # every verdict names the rule and the points behind it
    assert any(variant["class_basis"] in reason for reason in verdict["reasons"])


def test_rs3761548_is_named_by_its_own_grch38_position(
    ipex: Callable[..., object], tmp_path: Path
) -> None:
    case = next(c for c in _cases() if c["case"] == "rs3761548")
    result = ipex("annotate", str(_vcf(tmp_path, case)), "--sex", "BOY=male", "--build",
                  "GRCh38", "--no-sex-inference", "--format", "json")
    (variant,) = json.loads(result.stdout)["variants"]  # type: ignore[attr-defined]
    (row,) = variant["known"]
    assert (row["match"], row["assertion_type"]) == ("exact", "association_study")
    assert row["hgvs_c"].startswith("c.-23+2877C>A (GRCh38 allele; c.-23+2882A>C in GRCh37)")


def test_humsavar_only_missense_is_uncertain_and_a_clinvar_plp_match_is_consistent(
    ipex: Callable[..., object], tmp_path: Path
) -> None:
    """Acceptance 3 of #12, in a hemizygous male: UniProt humsavar "LP/P" is literature
    curation (uncertain); an exact ClinVar germline P/LP match is a classification."""
    by_case = {c["case"]: c for c in _cases()}
    seen = {}
    for name in ("c1087AG", "c1190GA"):
        result = ipex("annotate", str(_vcf(tmp_path, by_case[name])), "--sex", "BOY=male",
                      "--no-sex-inference", "--format", "json")
        report = json.loads(result.stdout)  # type: ignore[attr-defined]
        (variant,) = report["variants"]
        (known,) = [k for k in variant["known"] if k["match"] == "exact"]
        seen[name] = (known["assertion_type"], report["samples"][0]["verdicts"][0]["category"])
    assert seen == {
        "c1087AG": ("uniprot_humsavar", "uncertain"),
        "c1190GA": ("clinvar_germline", "consistent_with_ipex"),
    }


def test_frequency_thresholds_can_be_overridden(
    ipex: Callable[..., object], tmp_path: Path
) -> None:
    case = next(c for c in _cases() if c["case"] == "c367del_af")  # AF 0.2
    vcf = str(_vcf(tmp_path, case))
    base = ("annotate", vcf, "--sex", "BOY=male", "--no-sex-inference", "--format", "json",
            "--af-field", "AF")
    result = ipex(*base, "--frequency-thresholds", "0.5,0.3,0.0001")
    (variant,) = json.loads(result.stdout)["variants"]  # type: ignore[attr-defined]
    assert [e["code"] for e in variant["evidence"]] == ["PVS1"]  # 0.2 is below BS1 0.3
    bad = ipex(*base, "--frequency-thresholds", "0.001,0.01,0.0001")  # BS1 above BA1
    assert bad.exit_code == 2  # type: ignore[attr-defined]
    assert "0 <= PM2 <= BS1 < BA1 <= 1" in bad.stderr  # type: ignore[attr-defined]


def test_a_clinvar_row_without_a_pathogenicity_class_falls_back_to_the_computed_class() -> None:
    """A ClinVar 'risk factor' (e.g. from `ipex refdata update`) is no P/LP/VUS/LB/B class: the
    automated class decides, and the basis says why."""
    from dataclasses import replace

    from ipexcli import refdata
    from ipexcli.classify import classify
    from ipexcli.engine import annotate_variant
    from ipexcli.known import KnownHit, KnownMatch
    from ipexcli.model import Build, GenomicVariant, Significance

    data = refdata.load()
    row = next(r for r in data.known if r.hgvs_c == "c.1189C>T")
    risk = KnownHit(replace(row, classification="risk factor"), Significance.OTHER)
    annotation = annotate_variant(GenomicVariant(Build.GRCH38, 49251441, "G", "A"), data)
    used = classify(annotation.evidence, KnownMatch(exact=(risk,)))
    assert used.source == "computed" and used.significance is Significance.UNCERTAIN
    assert used.basis.startswith("ClinVar germline: risk factor (not a pathogenicity class)")
