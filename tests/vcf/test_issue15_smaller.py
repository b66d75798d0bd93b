"""Issue 15, the smaller reader items: exact sample names, bounded line length, and the line
saying what was not validated. Files are built from ``examples/trio.GRCh38.vcf.gz`` in the test."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from issue15_files import TRIO_GZ, bgzip, trio_text, write_vcf

from ipexcli.errors import InputFileError
from ipexcli.vcf import open_vcf


def _renamed(tmp_path: Path, names: list[bytes]) -> Path:
    """The trio with its three samples renamed to ``names`` (raw bytes)."""
    text = gzip.decompress(TRIO_GZ.read_bytes())
    text = text.replace(b"\tproband\tmother\tfather\n", b"\t" + b"\t".join(names) + b"\n")
    path = tmp_path / "named.vcf"
    path.write_bytes(text)
    return path


# -- names are exact -----------------------------------------------------------------------------

#: two Latin-1 names that the lossy decoding turned into the same "p\ufffdre"
LATIN1 = [b"proband", b"m\xe8re", b"p\xe8re"]
COLLIDING = [b"proband", b"S\xe8", b"S\xe9"]


def test_non_utf8_names_stay_distinct(tmp_path: Path) -> None:
    with open_vcf(_renamed(tmp_path, COLLIDING)) as reader:
        assert [s.encode("utf-8", "surrogateescape") for s in reader.samples] == COLLIDING


@pytest.mark.parametrize("suffix", [".tsv", ".vcf", ".vcf.gz", ".json"])
def test_non_utf8_names_are_written_back_unchanged(
    ipex: Any, tmp_path: Path, suffix: str
) -> None:
    source = _renamed(tmp_path, LATIN1)
    out = tmp_path / f"report{suffix}"
    result = ipex("annotate", str(source), "--sex", "proband=male", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    if suffix == ".json":  # JSON is Unicode text: the bytes come back through surrogateescape
        ids = [s["id"] for s in json.loads(out.read_text(encoding="utf-8"))["samples"]]
        assert [i.encode("utf-8", "surrogateescape") for i in ids] == LATIN1
        return
    data = gzip.decompress(out.read_bytes()) if suffix == ".vcf.gz" else out.read_bytes()
    assert b"m\xe8re" in data and b"p\xe8re" in data
    if suffix != ".tsv":
        chrom = next(line for line in data.split(b"\n") if line.startswith(b"#CHROM"))
        assert chrom.split(b"\t")[9:] == LATIN1
        if suffix == ".vcf.gz":  # htslib reads the same names back
            query = subprocess.run(["bcftools", "query", "-l", str(out)], capture_output=True,
                                   check=True)
            assert query.stdout.split(b"\n")[:3] == LATIN1


def test_non_utf8_names_on_the_terminal_are_shown_as_bytes(ipex: Any, tmp_path: Path) -> None:
    result = ipex("annotate", str(_renamed(tmp_path, LATIN1)), "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "m\\xe8re" in result.stdout


def test_an_empty_sample_name_is_a_data_error(ipex: Any, tmp_path: Path) -> None:
    header, records = trio_text()
    header[-1] += "\t"  # a trailing TAB on #CHROM: a fourth, empty sample name
    records = [f"{r}\t0:1,0:1:99" for r in records]
    path = write_vcf(tmp_path / "trailing_tab.vcf", header, records)
    result = ipex("annotate", str(path))
    assert result.exit_code == 1
    assert "empty name" in result.stderr and str(path) in result.stderr


def test_a_duplicate_sample_name_is_a_data_error(ipex: Any, tmp_path: Path) -> None:
    result = ipex("annotate", str(_renamed(tmp_path, [b"proband", b"mother", b"mother"])))
    assert result.exit_code == 1 and "duplicate sample name(s) mother" in result.stderr


# -- bounded memory ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["plain", "bgzf", "stdin"])
def test_a_line_over_the_limit_is_a_data_error(
    ipex: Any, tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 3 MB INFO value against --max-line-mb 2 (the default is 100 MB: the same code path)."""
    header, records = trio_text()
    huge = records[0].replace("\tPASS\t.\t", "\tPASS\tX=" + "A" * (3 << 20) + "\t")
    path = write_vcf(tmp_path / "long.vcf", header, [huge, *records[1:]])
    if form == "bgzf":
        path = bgzip(path)
    args = [str(path)]
    if form == "stdin":
        import io
        import sys

        raw = io.BytesIO(path.read_bytes())
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))
        args = ["-"]
    result = ipex("annotate", *args, "--max-line-mb", "2")
    assert result.exit_code == 1, result.stderr
    assert "longer than 2 MB" in result.stderr and "--max-line-mb" in result.stderr
    if form != "stdin":  # the same line is read with a higher limit
        assert ipex("annotate", *args, "--max-line-mb", "5").exit_code == 0


def test_a_header_line_over_the_limit_is_a_data_error(tmp_path: Path) -> None:
    header, records = trio_text()
    header.insert(1, "##comment=" + "x" * (3 << 20))
    path = write_vcf(tmp_path / "long_header.vcf", header, records)
    for target in (path, bgzip(path)):
        with pytest.raises(InputFileError, match="header line 2 is longer than 2 MB"):
            open_vcf(target, max_line=2 << 20)


# -- say what was not checked --------------------------------------------------------------------


def test_one_line_says_how_many_records_were_not_validated(ipex: Any, tmp_path: Path) -> None:
    header, records = trio_text()
    others = [f"chrX\t{1000 + i}\t.\tA\tG\t50\tPASS\t.\tGT:AD:DP:GQ\t0:9,0:9:99\t0/0:9,0:9:99\t"
              "0:9,0:9:99" for i in range(7)]
    path = write_vcf(tmp_path / "more.vcf", header, [*others, *records])
    result = ipex("annotate", str(path), "--format", "tsv")
    lines = [line for line in result.stderr.splitlines() if "not validated" in line]
    assert len(lines) == 1, result.stderr
    assert "7 record(s) outside the FOXP3 windows were not checked" in lines[0]
    assert "bcftools view" in lines[0]
