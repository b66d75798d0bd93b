"""Annotated VCF: golden text, bcftools view and +split-vep read it, ANN escaping (the
record-for-record acceptance tests of #13 are in test_vcf_faithful.py)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from report_fixtures import FIXTURES, VCF_COMMANDS, both_report, single_report, trio_report

from ipexcli.errors import UsageError
from ipexcli.report import vcf_out
from ipexcli.result import Report

BCFTOOLS = shutil.which("bcftools")
needs_bcftools = pytest.mark.skipif(
    BCFTOOLS is None, reason="bcftools is not installed (apt-get install bcftools)"
)


def _bcftools(*args: str) -> subprocess.CompletedProcess[str]:
    assert BCFTOOLS is not None
    return subprocess.run([BCFTOOLS, *args], capture_output=True, text=True, timeout=60)


def _write(tmp_path: Path, report: Report, name: str = "out.vcf") -> Path:
    path = tmp_path / name
    path.write_text(vcf_out.render(report))
    return path


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_vcf_golden(name: str, golden) -> None:
    report = replace(FIXTURES[name](), command=VCF_COMMANDS[name])
    golden(f"{name}.vcf", vcf_out.render(report))


def test_records_follow_the_report() -> None:
    lines = vcf_out.render(trio_report()).splitlines()
    header = next(line for line in lines if line.startswith("#CHROM"))
    assert header.split("\t")[9:] == ["proband", "mother", "father"]
    first = next(line for line in lines if not line.startswith("#")).split("\t")
    # the input record as written (ID, QUAL, FORMAT values), IPEX_GL added per sample
    assert first[:7] == ["chrX", "49251441", "rs28935477", "G", "A", "50", "PASS"]
    assert first[8] == "GT:AD:DP:GQ:IPEX_GL"
    assert first[9:] == ["1:0,31:31:99:hemizygous_alt", "0/1:17,15:32:99:heterozygous",
                         "0:28,0:28:99:hemizygous_ref"]
    info = dict(item.split("=", 1) for item in first[7].split(";"))
    ann = info["IPEX_ANN"].split("|")
    assert len(ann) == len(vcf_out.ANN_FIELDS) == 16
    assert ann[:3] == ["A", "missense_variant", "MODERATE"]
    assert ann[6:11] == ["NM_014009.4", "protein_coding", "12/12", "c.1189C>T", "p.(Arg397Trp)"]
    assert ann[11:14] == ["1261/2264", "1189/1296", "397/431"]
    assert info["IPEX_CLNSIG"] == "Pathogenic"
    assert info["IPEX_EVIDENCE"] == "A|PM5|moderate"
    assert info["IPEX_OTHER_BUILD"] == "GRCh37:X:49107902:G:A"
    assert "IPEX_NORM" not in info  # the input allele is already normalised


def test_ann_header_serves_ann_parsers_and_format_parsers() -> None:
    text = vcf_out.render(trio_report())
    line = next(x for x in text.splitlines() if x.startswith("##INFO=<ID=IPEX_ANN"))
    description = re.search(r'Description="([^"]*)"', line).group(1)  # type: ignore[union-attr]
    # SnpEff-style readers: the quoted list, ' | '-separated
    quoted = description.split("'")[1]
    assert tuple(quoted.split(" | ")) == vcf_out.ANN_FIELDS
    # VEP/CSQ-style readers: the text after "Format: " (no spaces in names)
    fields = re.match(r".*Format:\s*((\S+\|)*\S+)", description).group(1)  # type: ignore[union-attr]
    assert fields.split("|") == list(vcf_out.SPLIT_VEP_FIELDS)
    assert "Consequence" in fields.split("|")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("p.(Arg397=)", "p.(Arg397%3D)"),
        ("a|b,c;d=e%f", "a%7Cb%2Cc%3Bd%3De%25f"),
        ("criteria provided,\tsingle submitter", "criteria_provided%2C_single_submitter"),
        ("", ""),
        (None, ""),
    ],
)
def test_escape(raw: object, expected: str) -> None:
    assert vcf_out.escape(raw) == expected


def test_one_input_at_a_time() -> None:
    with pytest.raises(UsageError, match="one input file at a time"):
        vcf_out.render(both_report())
    text = vcf_out.render(both_report(), "examples/single.GRCh37.vcf")
    assert "##contig=<ID=X,length=155270560,assembly=GRCh37>" in text  # the input's own line
    assert text.rstrip().endswith("1/1:0,35:35:99:hemizygous_alt_coded_diploid")


def test_scope_must_be_known() -> None:
    with pytest.raises(UsageError, match="unknown scope"):
        vcf_out.render(single_report(), scope="genome")


@needs_bcftools
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_bcftools_view_accepts_it_without_warnings(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, FIXTURES[name]())
    result = _bcftools("view", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = [x for x in result.stdout.splitlines() if not x.startswith("#")]
    assert len(records) == len(FIXTURES[name]().inputs[0].records)


@needs_bcftools
def test_split_vep_lists_and_queries_ipex_ann(tmp_path: Path) -> None:
    path = _write(tmp_path, trio_report())
    listed = _bcftools("+split-vep", "-l", "-a", "IPEX_ANN", str(path))
    assert listed.returncode == 0, listed.stderr
    names = [line.split("\t")[1] for line in listed.stdout.splitlines()]
    assert names == list(vcf_out.SPLIT_VEP_FIELDS)
    query = _bcftools(
        "+split-vep", "-a", "IPEX_ANN",
        "-f", "%POS\t%Consequence\t%Annotation_Impact\t%Rank\t%HGVS.c\t%HGVS.p[\t%IPEX_GL]\n",
        str(path),
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines() == [
        "49251441\tmissense_variant\tMODERATE\t12/12\tc.1189C>T\tp.(Arg397Trp)"
        "\themizygous_alt\theterozygous\themizygous_ref",
        "49259429\tintron_variant\tMODIFIER\t1/11\tc.-22-902A>G\t."
        "\themizygous_alt\thomozygous_alt\themizygous_alt",
        "49261784\tintron_variant\tMODIFIER\t1/11\tNC_000023.11(NM_014009.4):c.-23+2877C>A\t."
        "\themizygous_ref\theterozygous\themizygous_alt",
    ]
    worst = _bcftools("+split-vep", "-a", "IPEX_ANN", "-s", "worst:missense+",
                      "-f", "%POS %HGVS.c\n", str(path))
    assert worst.stdout == "49251441 c.1189C>T\n"


@needs_bcftools
def test_escaped_values_survive_bcftools(tmp_path: Path) -> None:
    """A synonymous p.(Arg397=) and a free-text flag are written so bcftools reads them."""
    report = trio_report()
    variant = replace(
        report.variants[0],
        hgvs_p="NP_054728.2:p.(Arg397=)",
        consequences=("synonymous_variant",),
        flags=("low depth, check",),
    )
    path = _write(tmp_path, replace(report, variants=(variant, *report.variants[1:])))
    view = _bcftools("view", str(path))
    assert view.returncode == 0 and view.stderr == "", view.stderr
    query = _bcftools("+split-vep", "-a", "IPEX_ANN", "-f",
                      "%FILTER %HGVS.p %ERRORS_WARNINGS_INFO\n", str(path))
    assert query.stdout.splitlines()[0] == "PASS p.(Arg397%3D) low_depth%2C_check"
    clnsig = _bcftools("view", "-H", "-i", 'IPEX_CLNSIG="Pathogenic"', str(path))
    assert clnsig.stdout.count("\n") == 1


def test_an_annotated_record_missing_from_the_reread_input_is_not_silent(tmp_path: Path) -> None:
    """Safety net of the re-read: a report record the writer cannot find again is warned."""
    import gzip

    from report_fixtures import REPO

    with gzip.open(REPO / "examples/trio.GRCh38.vcf.gz", "rt") as handle:
        lines = [x for x in handle.read().splitlines() if not x.startswith("chrX\t49251441")]
    changed = tmp_path / "changed.vcf"
    changed.write_text("\n".join(lines) + "\n")
    out = io.BytesIO()
    warnings = vcf_out.write(trio_report(), out, source=str(changed))
    assert len(warnings) == 1 and "1 annotated record ALT(s) of the report were not found" \
        in warnings[0]
    assert out.getvalue().count(b"IPEX_ANN=") == 2
