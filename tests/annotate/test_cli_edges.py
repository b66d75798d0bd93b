"""#13 acceptance 3: the CLI edges of `ipex annotate` (item 5) and the stderr skip summary
(item 2), plus the table keys of item 4 that need a hand-made input (allele balance at 1/2)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRIO = [str(REPO / "examples/trio.GRCh38.vcf.gz"), "--ped", str(REPO / "examples/trio.ped")]


def _faithful_input(path: Path) -> list[str]:
    import sys

    sys.path.insert(0, str(REPO / "tests" / "report"))
    try:
        from test_vcf_faithful import build_input
    finally:
        sys.path.pop(0)
    return build_input(path)


@pytest.mark.parametrize(
    ("name", "magic"),
    [
        ("out.vcf", b"##fileformat=VCF"),
        ("out.vcf.gz", b"\x1f\x8b"),
        ("OUT.VCF.GZ", b"\x1f\x8b"),
        ("out.bcf", b"\x1f\x8b"),  # BCF is BGZF-compressed
        ("out.tsv", b"#ipexcli_version="),
        ("out.tsv.gz", b"\x1f\x8b"),
        ("out.json", b"{\n"),
        ("Out.Json.Gz", b"\x1f\x8b"),
        ("out.html", b"<!DOCTYPE html>"),
    ],
)
def test_output_suffix_picks_the_format(ipex, tmp_path: Path, name: str, magic: bytes) -> None:
    out = tmp_path / name
    result = ipex("annotate", *TRIO, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(magic), data[:40]
    lower = name.lower()
    if lower.endswith((".tsv.gz", ".json.gz")):
        text = gzip.decompress(data).decode()
        assert text.startswith("#ipexcli_version=" if ".tsv" in lower else "{")
    if lower.endswith(".vcf.gz"):
        assert gzip.decompress(data).startswith(b"##fileformat=VCFv4.3")
        assert (tmp_path / f"{name}.tbi").is_file()
    if lower.endswith(".bcf"):
        assert gzip.decompress(data)[:3] == b"BCF"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.tsv", "--format", "json"], "names a tsv file but --format is json"),
        (["-o", "x.vcf.gz", "--format", "tsv"], "names a vcf file but --format is tsv"),
        (["-o", "x.bcf", "--format", "json"], "names a vcf file but --format is json"),
        (["-o", "report.out"], "cannot tell the format from the file name"),
        (["--format", "tsv", "--scope", "all"], "--scope all shapes a VCF report"),
    ],
)
def test_usage_errors_come_before_any_input_is_read(ipex, tmp_path: Path, args: list[str],
                                                     message: str) -> None:
    """The input does not exist: a usage error must be raised before it is opened."""
    missing = str(tmp_path / "missing.vcf")
    fixed = [str(tmp_path / a) if a.startswith(("x.", "report.")) else a for a in args]
    result = ipex("annotate", missing, *fixed)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "missing.vcf" not in result.stderr


def test_vcf_report_of_two_inputs_is_refused_before_reading(ipex, tmp_path: Path) -> None:
    result = ipex("annotate", str(tmp_path / "a.vcf"), str(tmp_path / "b.vcf"),
                  "--format", "vcf")
    assert result.exit_code == 2
    assert "--format vcf writes one input annotated, this run names 2" in result.stderr


def test_fail_on_names_each_matching_sample_and_variant(ipex) -> None:
    result = ipex("annotate", *TRIO, "--format", "tsv", "--fail-on", "pathogenic")
    assert result.exit_code == 3
    lines = [x for x in result.stderr.splitlines() if x.startswith("fail-on:")]
    assert len(lines) == 2
    assert lines[0].startswith("fail-on: proband: consistent_with_ipex: c.1189C>T "
                               "p.(Arg397Trp) (")
    assert "GT 1 FILTER PASS" in lines[0]
    assert lines[1].startswith("fail-on: mother: carrier: c.1189C>T p.(Arg397Trp) (")


def _lowqual_only(tmp_path: Path) -> Path:
    """The trio with its c.1189C>T record marked LowQual (DP 2 for the son)."""
    with gzip.open(REPO / "examples/trio.GRCh38.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("#CHROM"):
            out.append('##FILTER=<ID=LowQual,Description="Low quality">')
        if line.startswith("chrX\t49251441"):
            cols = line.split("\t")
            cols[5], cols[6], cols[9] = "3", "LowQual", "1:0,2:2:5"
            line = "\t".join(cols)
        out.append(line)
    path = tmp_path / "lowqual.vcf"
    path.write_text("\n".join(out) + "\n")
    return path


def test_fail_on_ignores_non_pass_calls_unless_asked(ipex, tmp_path: Path) -> None:
    path = _lowqual_only(tmp_path)
    ped = str(REPO / "examples/trio.ped")
    quiet = ipex("annotate", str(path), "--ped", ped, "--format", "tsv",
                 "--fail-on", "pathogenic")
    assert quiet.exit_code == 0, quiet.stderr
    assert "fail-on: proband: consistent_with_ipex: c.1189C>T" in quiet.stderr
    assert "FILTER LowQual): not counted, the record did not PASS its filters" in quiet.stderr
    counted = ipex("annotate", str(path), "--ped", ped, "--format", "tsv",
                   "--fail-on", "pathogenic", "--fail-on-filtered")
    assert counted.exit_code == 3


@pytest.mark.parametrize("fmt", ["tsv", "json", "vcf", "table"])
def test_every_skip_reason_is_counted_on_stderr_in_every_format(ipex, tmp_path: Path,
                                                                 fmt: str) -> None:
    source = tmp_path / "in.vcf"
    _faithful_input(source)
    result = ipex("annotate", str(source), "--sex", "SON=male", "--sex", "MUM=female",
                  "--format", fmt)
    assert result.exit_code == 0, result.stderr
    skipped = sorted(x for x in result.stderr.splitlines() if x.startswith("skipped:"))
    # the <DEL> is reported (tests/annotate/test_structural.py), not skipped
    assert [x.split(" x ")[1].split(" ")[0] for x in skipped] == [
        "no_alt", "spanning_deletion_allele"]
    assert all(x.startswith(f"skipped: {source}: 1 x ") for x in skipped)
    assert "(first: line 23: spanning_deletion_allele: ALT * (allele deleted by an upstream " \
        "deletion))" in "\n".join(skipped)


def test_allele_balance_is_over_all_depths_and_rows_carry_the_record_key(ipex, tmp_path):
    source = tmp_path / "in.vcf"
    _faithful_input(source)
    result = ipex("annotate", str(source), "--sex", "SON=male", "--sex", "MUM=female",
                  "--format", "json", "--genotypes", "all")
    doc = json.loads(result.stdout)
    mum = next(s for s in doc["samples"] if s["id"] == "MUM")
    multi = [g for g in mum["genotypes"] if g["input_id"] == "myid1;rsX"]
    # AD 0,10,12 at a 1|2 call: each ALT over all 22 reads (was 1.0 for both)
    assert [(g["input_alt"], g["alt_index"], round(g["allele_balance"], 3)) for g in multi] == [
        ("A", 1, 0.455), ("C", 2, 0.545)]
    assert {(g["input_pos"], g["input_ref"], g["filter"], g["qual"]) for g in multi} == {
        (49251441, "G", "PASS", 77.7)}
    dups = [g for g in mum["genotypes"] if g["input_id"] in ("dup_pass", "dup_low")]
    assert [(g["input_id"], g["filter"], g["qual"], g["raw_gt"]) for g in dups] == [
        ("dup_pass", "PASS", 60.0, "0/0"), ("dup_low", "LowQual", 3.0, "0/1")]
    # a missing value is null, never ""
    assert all(value != "" for g in mum["genotypes"] for value in g.values())
    assert all(value != "" for v in doc["variants"] for value in v.values())


def test_duplicate_records_that_disagree_are_flagged_and_the_pass_call_decides(ipex, tmp_path):
    """#13 item 3: the father's c.1189C>T record is duplicated as a LowQual call of ALT: both
    records are listed with their own FILTER/QUAL, he is flagged naming both calls, and his
    verdict uses the PASS call (REF), as the stated rule says."""
    with gzip.open(REPO / "examples/trio.GRCh38.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("#CHROM"):
            out.append('##FILTER=<ID=LowQual,Description="Low quality">')
        out.append(line)
        if line.startswith("chrX\t49251441"):
            cols = line.split("\t")
            cols[2], cols[5], cols[6] = "second_call", "4", "LowQual"
            cols[11] = "1:0,3:3:10"
            out.append("\t".join(cols))
    path = tmp_path / "dup.vcf"
    path.write_text("\n".join(out) + "\n")
    result = ipex("annotate", str(path), "--ped", str(REPO / "examples/trio.ped"),
                  "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert ("father: the 2 records of c.1189C>T p.(Arg397Trp) give different calls: GT 0 (line "
            "11, FILTER PASS, QUAL 50); GT 1 (line 12, FILTER LowQual, QUAL 4); the verdict "
            "uses GT 0 (line 11, FILTER PASS, QUAL 50)") in result.stderr
    doc = json.loads(result.stdout)
    father = next(s for s in doc["samples"] if s["id"] == "father")
    assert [v["category"] for v in father["verdicts"]] == ["no_reportable_variant"]
    rows = [g for g in father["genotypes"] if g["input_pos"] == 49251441]
    assert [(g["input_id"], g["filter"], g["raw_gt"], g["flags"]) for g in rows] == [
        ("rs28935477", "PASS", "0", ["DUPLICATE_RECORDS_DISAGREE"]),
        ("second_call", "LowQual", "1", ["DUPLICATE_RECORDS_DISAGREE"]),
    ]
    mother = next(s for s in doc["samples"] if s["id"] == "mother")
    assert all(not g["flags"] for g in mother["genotypes"])  # her two calls agree


def test_views_with_one_cell_per_variant_show_the_call_the_verdict_used(ipex, tmp_path,
                                                                         monkeypatch):
    """#13: with duplicate records, the terminal and HTML tables show the PASS call (flagged),
    not whichever record came last."""
    monkeypatch.setenv("COLUMNS", "120")  # the variant table (cards below 100 columns)
    source = tmp_path / "in.vcf"
    _faithful_input(source)
    args = [str(source), "--sex", "SON=male", "--sex", "MUM=female"]
    table = ipex("annotate", *args, "--format", "table").stdout
    row = table[table.index(" c.-22-902A>G "):].splitlines()[0]
    assert "SON 0   hemizygous REF" in row, row
    html = ipex("annotate", *args, "--format", "html").stdout
    cell = html[html.index("<b>c.-22-902A&gt;G</b>"):]
    cell = cell[:cell.index("</tr>")]
    assert "(0)" in cell and "DUPLICATE_RECORDS_DISAGREE" in cell
