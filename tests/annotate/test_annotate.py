"""`ipex annotate` end to end on the bundled examples: every format against golden files,
exit codes, atomic output, and the errors a user meets first.

``IPEXCLI_UPDATE_GOLDEN=1 pytest tests/annotate`` rewrites ``tests/expected/annotate/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPECTED = REPO / "tests" / "expected" / "annotate"
TRIO = ["examples/trio.GRCh38.vcf.gz", "--ped", "examples/trio.ped"]
SINGLE = ["examples/single.GRCh37.vcf", "--sex", "patient2=male"]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # relative input paths keep the golden files machine-independent
    monkeypatch.setenv("COLUMNS", "100")


def golden(name: str, text: str) -> None:
    path = EXPECTED / name
    if os.environ.get("IPEXCLI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with IPEXCLI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "vcf", "html"])
@pytest.mark.parametrize(("name", "args"), [("trio", TRIO), ("single", SINGLE)])
def test_every_format_matches_its_golden_file(ipex, fmt: str, name: str, args: list[str]) -> None:
    result = ipex("annotate", *args, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"{name}.{'txt' if fmt == 'table' else fmt}", result.stdout)


def test_trio_verdicts_follow_x_linked_inheritance(ipex) -> None:
    report = json.loads(ipex("annotate", *TRIO, "--format", "json").stdout)
    verdicts = {s["id"]: [v["category"] for v in s["verdicts"]] for s in report["samples"]}
    assert verdicts == {
        "proband": ["consistent_with_ipex"],
        "mother": ["carrier"],
        "father": ["no_reportable_variant"],
    }
    proband = next(s for s in report["samples"] if s["id"] == "proband")
    assert any("maternally inherited" in note for note in proband["family"])
    variant = next(v for v in report["variants"] if v["pos"] == 49251441)
    assert (variant["hgvs_c"], variant["hgvs_p"]) == (
        "NM_014009.4:c.1189C>T", "NP_054728.2:p.(Arg397Trp)"
    )
    assert variant["known"][0]["classification"] == "Pathogenic"
    assert variant["known"][0]["date"] == "2021-12-03"
    assert variant["known"][0]["date_kind"] == "last_evaluated"


def test_json_validates_against_the_shipped_schema(ipex) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ipexcli.schema import report_schema

    for args in (TRIO, SINGLE):
        report = json.loads(ipex("annotate", *args, "--format", "json").stdout)
        jsonschema.Draft202012Validator(report_schema()).validate(report)


def test_unknown_sex_gives_both_readings(ipex) -> None:
    report = json.loads(ipex("annotate", "examples/single.GRCh37.vcf", "--format", "json").stdout)
    (sample,) = report["samples"]
    assert sample["sex"]["used"] == "unknown"
    assert [(v["assumed_sex"], v["category"]) for v in sample["verdicts"]] == [
        ("male", "consistent_with_ipex"),
        ("female", "consistent_with_disease_female"),
    ]


def test_stdin_and_plain_gzip_give_the_same_answer(ipex, tmp_path: Path) -> None:
    import gzip

    text = gzip.decompress(Path("examples/trio.GRCh38.vcf.gz").read_bytes())
    plain_gzip = tmp_path / "trio.vcf.gz"
    plain_gzip.write_bytes(gzip.compress(text))  # plain gzip, not BGZF
    bgzf = json.loads(ipex("annotate", *TRIO, "--format", "json").stdout)
    other = json.loads(ipex("annotate", str(plain_gzip), "--ped", "examples/trio.ped",
                            "--format", "json").stdout)
    assert other["inputs"][0]["file_format"] == "gzip"
    assert other["inputs"][0]["region_method"] == "stream"
    for key in ("variants", "samples"):
        strip = lambda items: json.dumps(items).replace(str(plain_gzip), "X").replace(  # noqa: E731
            "examples/trio.GRCh38.vcf.gz", "X")
        assert strip(other[key]) == strip(bgzf[key])


def test_fail_on_gates_pipelines(ipex) -> None:
    assert ipex("annotate", *TRIO, "--format", "tsv", "--fail-on", "pathogenic").exit_code == 3
    assert ipex("annotate", *TRIO, "--format", "tsv").exit_code == 0


def test_output_file_is_written_and_format_follows_the_suffix(ipex, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = ipex("annotate", *TRIO, "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["schema_version"] == "1.2"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools not installed")
def test_vcf_gz_output_is_bgzipped_indexed_and_readable_by_bcftools(ipex, tmp_path: Path) -> None:
    out = tmp_path / "annotated.vcf.gz"
    assert ipex("annotate", *TRIO, "-o", str(out)).exit_code == 0
    assert (tmp_path / "annotated.vcf.gz.tbi").is_file()
    fields = subprocess.run(
        ["bcftools", "+split-vep", "-a", "IPEX_ANN", "-r", "chrX:49251441",
         "-f", "%POS\t%Consequence\t%HGVS.p[\t%IPEX_GL]\n", str(out)],
        capture_output=True, text=True, check=True,
    ).stdout
    assert fields == "49251441\tmissense_variant\tp.(Arg397Trp)\themizygous_alt\theterozygous\t" \
        "hemizygous_ref\n"


def test_missing_input_is_a_usage_error(ipex) -> None:
    result = ipex("annotate", "no/such.vcf")
    assert result.exit_code in (1, 2) and "no/such.vcf" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_vcf_is_one_line(ipex, tmp_path: Path) -> None:
    bad = tmp_path / "notes.vcf"
    bad.write_text("this is not a VCF\n")
    result = ipex("annotate", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}") and result.stderr.count("\n") == 1


def test_grch37_positions_labelled_grch38_are_a_build_mismatch(ipex, tmp_path: Path) -> None:
    """The trap in NOTES.md: a paper's NC_000023.11:g.49112832G>A etc. are GRCh37 positions."""
    from ipexcli import refdata
    from ipexcli.model import Build

    locus37 = refdata.load().locus(Build.GRCH37)
    header = (
        "##fileformat=VCFv4.2\n##reference=GRCh38\n"
        "##contig=<ID=chrX,length=156040895,assembly=GRCh38>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    )
    # g.49112832G>A, g.49112833G>A, g.49120479CT>C as the paper wrote them
    rows = [(49112832, 1, "A"), (49112833, 1, "A"), (49120479, 2, "C")]
    body = "".join(
        f"chrX\t{p}\t.\t{locus37.fetch(p - 1, p - 1 + n)}\t{alt}\t.\tPASS\t.\n"
        for p, n, alt in rows
    )
    vcf = tmp_path / "mislabelled.vcf"
    vcf.write_text(header + body)
    result = ipex("annotate", str(vcf), "--format", "tsv")
    assert result.exit_code == 1
    assert "build mismatch" in result.stderr and "GRCh37" in result.stderr


def test_too_few_records_for_a_mismatch_still_raise_a_warning(ipex, tmp_path: Path) -> None:
    """Two SNVs at GRCh37 positions under a GRCh38 header: not enough to refuse the file, but
    the user is told, on stderr, whatever the output format."""
    from ipexcli import refdata
    from ipexcli.model import Build

    locus37 = refdata.load().locus(Build.GRCH37)
    vcf = tmp_path / "two.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##reference=GRCh38\n"
        "##contig=<ID=chrX,length=156040895,assembly=GRCh38>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(f"chrX\t{p}\t.\t{locus37.base(p)}\tA\t.\tPASS\t.\n"
                  for p in (49112832, 49112833))
    )
    result = ipex("annotate", str(vcf), "--format", "tsv")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "Try --build GRCh37" in result.stderr


def test_a_malformed_record_is_skipped_counted_and_named(ipex, tmp_path: Path) -> None:
    """Nothing is dropped silently: the report counts the skip and names file, line, reason."""
    good = Path("examples/single.GRCh37.vcf").read_text().splitlines()
    lines = [*good[:-1], "X\tnot-a-number\t.\tC\tT\t50\tPASS\t.\tGT\t1", good[-1]]
    vcf = tmp_path / "one-bad.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    report = json.loads(ipex("annotate", str(vcf), "--format", "json").stdout)
    (item,) = report["inputs"]
    assert sum(item["skipped"].values()) == 1
    (example,) = item["skipped_examples"]
    assert example.startswith(f"{vcf}: line {len(lines) - 1}: ")
    assert len(report["variants"]) == 2  # the good records are all there


def test_a_streamed_file_reports_progress_and_pipelines_stay_quiet(ipex, tmp_path: Path) -> None:
    import gzip

    from ipexcli.report.console import scan_progress
    from ipexcli.vcf import open_vcf

    text = gzip.decompress(Path("examples/trio.GRCh38.vcf.gz").read_bytes())
    plain_gzip = tmp_path / "trio.vcf.gz"
    plain_gzip.write_bytes(gzip.compress(text))  # plain gzip: read whole, with progress
    seen: list[int] = []
    with open_vcf(plain_gzip) as reader:
        reader.on_progress = seen.append
        assert len(list(reader.locus_records())) == 3
    assert sum(seen) > 0 and sum(seen) <= len(text)
    with scan_progress(str(plain_gzip)) as tick:  # stderr is not a terminal under pytest
        assert tick is None
    result = ipex("annotate", str(plain_gzip), "--format", "tsv")
    assert result.exit_code == 0 and "scanning" not in result.stderr


def test_sex_declared_twice_differently_is_warned_and_sex_option_wins(ipex) -> None:
    result = ipex("annotate", *TRIO, "--sex", "mother=male", "--format", "json")
    assert result.exit_code == 0
    assert "mother: declared female in PED examples/trio.ped but male in --sex" in result.stderr
    mother = next(s for s in json.loads(result.stdout)["samples"] if s["id"] == "mother")
    assert (mother["sex"]["declared"], mother["sex"]["declared_source"]) == ("male", "--sex")
