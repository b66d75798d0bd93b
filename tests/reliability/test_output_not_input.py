"""#15 case 7: an output that resolves to an input is a usage error before anything runs.

``ipex annotate s.vcf -o s.vcf`` used to replace the input with the report (exit 0). Every form
of "the same file" is covered: the same name, a symbolic link either way, a hard link, a
``.vcf.gz`` onto itself, the input's index, and a batch whose outputs land on its manifest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    for name in ("single.GRCh37.vcf", "trio.GRCh38.vcf.gz", "trio.GRCh38.vcf.gz.tbi", "trio.ped"):
        shutil.copy2(EXAMPLES / name, tmp_path / name)
    (tmp_path / "link.vcf").symlink_to("single.GRCh37.vcf")
    os.link(tmp_path / "single.GRCh37.vcf", tmp_path / "hard.tsv")
    return tmp_path


@pytest.mark.parametrize(
    ("vcf", "output", "named"),
    [
        ("single.GRCh37.vcf", "single.GRCh37.vcf", "single.GRCh37.vcf"),
        ("single.GRCh37.vcf", "link.vcf", "single.GRCh37.vcf"),  # through a symlink
        ("link.vcf", "single.GRCh37.vcf", "link.vcf"),  # the input is the symlink
        ("single.GRCh37.vcf", "hard.tsv", "single.GRCh37.vcf"),  # a hard link (same inode)
        ("trio.GRCh38.vcf.gz", "trio.GRCh38.vcf.gz", "trio.GRCh38.vcf.gz"),
        ("trio.GRCh38.vcf.gz", "trio.GRCh38.vcf.gz.tbi", "trio.GRCh38.vcf.gz.tbi"),  # its index
        ("single.GRCh37.vcf", "trio.ped", "trio.ped"),  # the PED read by the same run
    ],
)
def test_annotate_refuses_an_output_that_is_an_input(ipex, inputs, vcf, output, named) -> None:
    before = _digest(inputs)
    result = ipex(
        "annotate", str(inputs / vcf), "--ped", str(inputs / "trio.ped"),
        "--sex", "patient2=male", "-o", str(inputs / output),
    )
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: -o {inputs / output} would overwrite the input ")
    assert named in result.stderr and "Traceback" not in result.stderr
    assert _digest(inputs) == before  # nothing written, nothing left behind
    assert not [p for p in inputs.iterdir() if p.name.startswith(".")]


def test_a_vcf_gz_report_may_not_replace_the_index_of_an_input(ipex, inputs) -> None:
    """``-o x.vcf.gz`` writes ``x.vcf.gz.tbi`` too: refused when that is an input's index."""
    before = _digest(inputs)
    (inputs / "report.vcf.gz.tbi").symlink_to("trio.GRCh38.vcf.gz.tbi")
    result = ipex("annotate", str(inputs / "trio.GRCh38.vcf.gz"), "--format", "vcf",
                  "-o", str(inputs / "report.vcf.gz"))
    assert result.exit_code == 2, result.stderr
    assert "report.vcf.gz.tbi would overwrite the input" in result.stderr
    assert _digest(inputs) == before


def test_a_different_output_still_works(ipex, inputs) -> None:
    result = ipex("annotate", str(inputs / "trio.GRCh38.vcf.gz"), "--ped",
                  str(inputs / "trio.ped"), "--format", "vcf", "-o", str(inputs / "out.vcf.gz"))
    assert result.exit_code == 0, result.stderr
    assert (inputs / "out.vcf.gz").is_file() and (inputs / "out.vcf.gz.tbi").is_file()


def test_batch_refuses_an_outdir_whose_summary_is_its_manifest(ipex, inputs) -> None:
    """``-m summary.tsv -d .``: the summary would replace the manifest."""
    manifest = inputs / "summary.tsv"
    manifest.write_text("path\tsample\tsex\ntrio.GRCh38.vcf.gz\tproband\tmale\n")
    before = _digest(inputs)
    result = ipex("batch", "-m", str(manifest), "-d", str(inputs), "--jobs", "1")
    assert result.exit_code == 2, result.stderr
    assert f"the batch output {manifest} would overwrite the input {manifest}" in result.stderr
    assert _digest(inputs) == before
    assert not (inputs / "reports").exists()


def test_batch_refuses_a_report_that_is_a_symlink_to_an_input(ipex, inputs) -> None:
    """A report path left as a symbolic link to an input: the writer would follow it."""
    from ipexcli.batch import output_name

    vcf = inputs / "single.GRCh37.vcf"
    reports = inputs / "out" / "reports"
    reports.mkdir(parents=True)
    (reports / f"{output_name(vcf)}.tsv").symlink_to(vcf)
    before = _digest(inputs)
    result = ipex("batch", str(vcf), "-d", str(inputs / "out"), "--jobs", "1")
    assert result.exit_code == 2, result.stderr
    assert "would overwrite the input" in result.stderr
    assert _digest(inputs) == before
