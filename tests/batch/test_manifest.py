"""The batch manifest: a strict TSV, every error one line with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexcli.batch import jobs_from_manifest
from ipexcli.errors import ManifestError
from ipexcli.manifest import read_manifest
from ipexcli.model import Build, Sex


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "batch.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_columns_in_any_order_and_paths_relative_to_the_manifest(tmp_path: Path) -> None:
    sheet = write(
        tmp_path,
        "#sex\tpath\tbuild\tsample\n"
        "male\tkid.vcf.gz\thg38\tKID\n"
        "\n"
        "# a comment\n"
        "2\t/abs/mum.vcf\t\t\n",
    )
    rows = read_manifest(sheet)
    assert [(r.line, r.sample, r.sex, r.build) for r in rows] == [
        (2, "KID", Sex.MALE, Build.GRCH38),
        (5, "", Sex.FEMALE, None),
    ]
    assert rows[0].path == str(tmp_path / "kid.vcf.gz") and rows[1].path == "/abs/mum.vcf"


def test_rows_of_one_multi_sample_file_become_one_job(tmp_path: Path) -> None:
    sheet = write(
        tmp_path,
        "path\tsample\tsex\n"
        "trio.vcf.gz\tproband\tmale\n"
        "solo.vcf\t\tfemale\n"
        "trio.vcf.gz\tmother\tfemale\n"
        "trio.vcf.gz\tfather\t\n",
    )
    jobs = jobs_from_manifest(read_manifest(sheet))
    assert [Path(j.path).name for j in jobs] == ["trio.vcf.gz", "solo.vcf"]
    assert jobs[0].sexes == (("proband", Sex.MALE), ("mother", Sex.FEMALE))
    assert jobs[0].single_sample_sex is None and jobs[1].single_sample_sex is Sex.FEMALE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: no header"),
        ("path\tgender\n", "line 1: unknown column 'gender'"),
        ("sample\tsex\nA\tmale\n", "line 1: no 'path' column"),
        ("path\tpath\na.vcf\tb.vcf\n", "line 1: a column is named twice"),
        ("path\tsex\na.vcf\n", "line 2: 1 fields, the header has 2"),
        ("path\tsex\na.vcf\tmale\nb.vcf\tboy\n", "line 3: unknown sex 'boy'"),
        ("path\tbuild\na.vcf\thg18\n", "line 2: unknown genome build 'hg18'"),
        ("path\tsex\n\tmale\n", "line 2: empty path"),
        ("path\n-\n", "line 2: '-' (stdin) cannot be a batch input"),
        ("path\tsample\na.vcf\tX1\n./a.vcf\tX1\n", "line 3: sample 'X1' of ./a.vcf is"),
        ("path\tsample\tbuild\na.vcf\tX1\thg19\na.vcf\tX2\thg38\n", "line 3: rows of ./a.vcf name"),
        ("path\tsample\na.vcf\tX1\na.vcf\t\n", "line 3: ./a.vcf has several rows; this one"),
        ("path\n", "no files listed"),
    ],
)
def test_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    sheet = write(tmp_path, text)
    with pytest.raises(ManifestError) as caught:
        read_manifest(sheet)
    shown = str(caught.value).replace(str(tmp_path) + "/", "./")
    assert message in shown and "\n" not in shown


def test_missing_manifest_is_a_one_line_error(ipex, tmp_path: Path) -> None:
    result = ipex("batch", "--manifest", str(tmp_path / "none.tsv"), "--outdir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'none.tsv'}: no such file. Check the " \
        "--manifest path"


def test_bad_manifest_line_exits_1_without_traceback(ipex, tmp_path: Path) -> None:
    sheet = write(tmp_path, "path\tsex\na.vcf\tmale\nb.vcf\tboy\n")
    result = ipex("batch", "--manifest", str(sheet), "--outdir", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "line 3: unknown sex 'boy'" in result.stderr
    assert not (tmp_path / "out").exists()  # nothing started
