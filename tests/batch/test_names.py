"""Output names and chunks: collision-free, deterministic, covering every input once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexcli.batch import chunk_of, jobs_from_paths, output_name
from ipexcli.errors import UsageError


def test_same_basename_in_two_folders_gets_two_names(tmp_path: Path) -> None:
    a, b = tmp_path / "run1" / "NA12878.vcf.gz", tmp_path / "run2" / "NA12878.vcf.gz"
    assert output_name(a) != output_name(b)
    assert output_name(a).startswith("NA12878-") and output_name(b).startswith("NA12878-")


def test_name_is_the_same_for_relative_and_absolute_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert output_name("x/s.vcf") == output_name(tmp_path / "x" / "s.vcf")


@pytest.mark.parametrize(
    ("name", "stem"),
    [("s.vcf.gz", "s"), ("s.bcf", "s"), ("s.vcf.bgz", "s"), ("a b;c$.vcf", "a_b_c"),
     (".vcf", "vcf"), ("$$.vcf", "input"), ("..weird..vcf", "weird")],
)
def test_names_are_safe_file_names(name: str, stem: str) -> None:
    produced = output_name(f"/data/{name}")
    assert produced.rsplit("-", 1)[0] == stem
    assert all(c.isalnum() or c in "._-" for c in produced)


def test_a_path_given_twice_is_one_job() -> None:
    jobs = jobs_from_paths(["a.vcf", "./a.vcf", "b.vcf"])
    assert [j.path for j in jobs] == ["a.vcf", "b.vcf"]


@pytest.mark.parametrize("count", [1, 3, 7, 10])
def test_chunks_cover_every_job_once_in_order(count: int) -> None:
    jobs = jobs_from_paths([f"f{i}.vcf" for i in range(10)])
    parts = [chunk_of(jobs, i, count) for i in range(1, count + 1)]
    assert [j for part in parts for j in part] == jobs
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_chunk_outside_range_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        chunk_of(jobs_from_paths(["a.vcf"]), 2, 1)


def test_chunk_option_is_checked_by_the_cli(ipex, tmp_path: Path) -> None:
    result = ipex("batch", "a.vcf", "--outdir", str(tmp_path), "--chunk", "3/2")
    assert result.exit_code == 2 and "is not I/N" in result.stderr


def test_unknown_format_is_a_usage_error(ipex, tmp_path: Path) -> None:
    result = ipex("batch", "a.vcf", "--outdir", str(tmp_path), "--format", "tsv,pdf")
    assert result.exit_code == 2 and "comma-separated list of tsv, json, vcf, html" in result.stderr


def test_no_inputs_is_a_usage_error(ipex, tmp_path: Path) -> None:
    result = ipex("batch", "--outdir", str(tmp_path))
    assert result.exit_code == 2 and "no input files" in result.stderr


def test_files_and_manifest_together_is_a_usage_error(ipex, tmp_path: Path) -> None:
    sheet = tmp_path / "m.tsv"
    sheet.write_text("path\na.vcf\n")
    result = ipex("batch", "a.vcf", "--manifest", str(sheet), "--outdir", str(tmp_path))
    assert result.exit_code == 2 and "not both" in result.stderr


def test_sweep_removes_only_the_stale_temporary_files_of_the_given_jobs(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    from ipexcli.atomic import owner_tag
    from ipexcli.batch import sweep_temporary_files

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = owner_tag().replace(f"ipex{os.getpid()}h", f"ipex{child.stdout.strip()}h")
    live = owner_tag()  # this process, still writing
    (tmp_path / "reports").mkdir()
    (tmp_path / "state").mkdir()
    old_legacy = tmp_path / "reports" / ".s1-0a1b2c3d.html.abcd1234.tmp"  # before owners
    ours = [tmp_path / "reports" / f".s1-0a1b2c3d.tsv.{dead}-k2j3.tmp",
            tmp_path / "state" / f".s1-0a1b2c3d.json.{dead}-x9y8.tmp", old_legacy]
    others = [tmp_path / "reports" / f".s2-ffffffff.tsv.{dead}-k2j3.tmp",  # another job's
              tmp_path / "reports" / f".s1-0a1b2c3d.json.{live}-k2j3.tmp",  # a live writer's
              tmp_path / "reports" / ".s1-0a1b2c3d.tsv.abcd1234.tmp",  # before owners, recent
              tmp_path / "reports" / "s1-0a1b2c3d.tsv",  # a finished report
              tmp_path / "reports" / ".s1-0a1b2c3d.tsv.keep"]  # not ours
    for path in ours + others:
        path.write_text("x")
    two_hours_ago = time.time() - 7200
    os.utime(old_legacy, (two_hours_ago, two_hours_ago))
    assert sweep_temporary_files(str(tmp_path), {"s1-0a1b2c3d"}) == 3
    assert not any(p.exists() for p in ours) and all(p.exists() for p in others)
    # cleaning up after itself, a run removes its own too
    assert sweep_temporary_files(str(tmp_path), {"s1-0a1b2c3d"}, mine_too=True) == 1
