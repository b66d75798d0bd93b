"""`ipex batch` on the real pipeline: failure isolation, resume, interruption, summaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipexcli.batch import (
    SUMMARY_COLUMNS,
    BatchSettings,
    jobs_from_paths,
    output_name,
    run_batch,
)

from .conftest import EXAMPLES, REPO, needs_pipeline

pytestmark = needs_pipeline


def summary(outdir: Path) -> tuple[list[dict[str, str]], dict]:
    lines = (outdir / "summary.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(SUMMARY_COLUMNS)
    rows = [dict(zip(SUMMARY_COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    return rows, json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def leftovers(outdir: Path) -> list[Path]:
    """Temporary files of atomic writes (hidden ``.NAME.*.tmp``) anywhere under ``outdir``."""
    return [p for p in outdir.rglob(".*") if p.is_file()]


def test_200_files_with_3_corrupt_ones(ipex, make_batch, tmp_path: Path) -> None:
    """Issue 7 acceptance 1: the run completes, lists exactly the 3 bad files, exits 1."""
    paths = make_batch(197, with_corrupt=True)
    corrupt = {str(p) for p in paths if not p.name.startswith("s")}
    assert len(paths) == 200 and len(corrupt) == 3
    outdir = tmp_path / "out"
    result = ipex("batch", *map(str, paths), "--outdir", str(outdir), "--jobs", "2")
    assert result.exit_code == 1
    assert "200 files, 197 ok, 3 failed" in result.stderr
    rows, data = summary(outdir)
    assert data["counts"] == {"files": 200, "ok": 197, "failed": 3, "samples": 197}
    assert {f["input"] for f in data["failures"]} == corrupt
    for failure in data["failures"]:
        assert failure["error"] and "\n" not in failure["error"]
        assert "unexpected" not in failure["error"]  # each is a named, user-facing reason
    failed_rows = [r for r in rows if r["status"] == "failed"]
    assert {(r["input"], r["error"]) for r in failed_rows} == {
        (f["input"], f["error"]) for f in data["failures"]
    }
    ok_rows = [r for r in rows if r["status"] == "ok"]
    assert len(ok_rows) == 197 and all(r["verdict"] and r["sex_used"] for r in ok_rows)
    for path in paths:
        name = output_name(path)
        reports = [outdir / "reports" / f"{name}{suffix}" for suffix in (".tsv", ".json")]
        assert all(r.is_file() for r in reports) == (str(path) not in corrupt)
    assert leftovers(outdir) == []


def test_summary_rows_agree_with_the_per_file_reports(ipex, tmp_path: Path) -> None:
    trio = EXAMPLES / "trio.GRCh38.vcf.gz"
    outdir = tmp_path / "out"
    result = ipex("batch", str(trio), "--outdir", str(outdir), "--format", "json,vcf,html")
    assert result.exit_code == 0, result.stderr
    name = output_name(trio)
    for suffix in (".json", ".vcf.gz", ".vcf.gz.tbi", ".html"):
        assert (outdir / "reports" / f"{name}{suffix}").is_file()
    report = json.loads((outdir / "reports" / f"{name}.json").read_text(encoding="utf-8"))
    rows, data = summary(outdir)
    assert [r["sample"] for r in rows] == [s["id"] for s in report["samples"]]
    variants = {v["key"]: v for v in report["variants"]}
    for row, sample, entry in zip(rows, report["samples"], data["samples"], strict=True):
        assert row["sex_used"] == sample["sex"]["used"]
        assert row["verdict"].split(";")[0].split(":")[-1] == sample["verdicts"][0]["category"]
        carried = [
            variants[g["variant_key"]] for g in sample["genotypes"]
            if "1" in (g["split_gt"] or g["raw_gt"]).replace("|", "/").split("/")
        ]
        assert int(row["alt_variants"]) == len(carried)
        known = [
            v for v in carried
            if any(k["match"] == "exact" and k["classification"] for k in v["known"])
        ]
        for variant in known:  # every carried classified variant is a key finding, with its class
            assert variant["hgvs_c"] in row["findings_hgvs_c"].split(",")
            assert any(f["hgvs_c"] == variant["hgvs_c"] and f["classification"]
                       for f in entry["findings"])
    assert any(r["findings_hgvs_c"] for r in rows)  # the trio carries known variants


def test_resume_redoes_only_the_missing_files(ipex, make_batch, tmp_path: Path) -> None:
    paths = make_batch(30)
    outdir = tmp_path / "out"
    assert ipex("batch", *map(str, paths), "--outdir", str(outdir), "-j", "2").exit_code == 0
    first = (outdir / "summary.tsv").read_text()
    # an interrupted run: the last files have no marker, two of them no reports either
    lost = [output_name(p) for p in paths[-5:]]
    for name in lost:
        (outdir / "state" / f"{name}.json").unlink()
    for name in lost[:2]:
        (outdir / "reports" / f"{name}.tsv").unlink()
    kept = outdir / "reports" / f"{output_name(paths[0])}.json"
    kept_mtime = kept.stat().st_mtime_ns
    result = ipex("batch", *map(str, paths), "--outdir", str(outdir), "-j", "2", "--resume")
    assert result.exit_code == 0
    assert "30 files, 30 ok, 0 failed, 25 resumed" in result.stderr
    assert kept.stat().st_mtime_ns == kept_mtime  # not rewritten
    assert all((outdir / "state" / f"{name}.json").is_file() for name in lost)
    assert (outdir / "summary.tsv").read_text() == first


def test_resume_redoes_a_file_that_changed_or_failed(ipex, make_batch, tmp_path: Path) -> None:
    paths = make_batch(4)
    broken = paths[0].with_name("broken.vcf")
    broken.write_text("not a vcf\n")
    outdir = tmp_path / "out"
    args = ["batch", *map(str, paths), str(broken), "--outdir", str(outdir), "-j", "1"]
    assert ipex(*args).exit_code == 1
    broken.write_text(paths[1].read_text())  # fixed
    os.utime(paths[2], ns=(time.time_ns(), time.time_ns() + 10**9))  # touched
    result = ipex(*args, "--resume")
    assert result.exit_code == 0 and "5 files, 5 ok, 0 failed, 3 resumed" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupted_run_leaves_no_partial_outputs(make_batch, tmp_path: Path, jobs: str) -> None:
    paths = make_batch(150)
    outdir = tmp_path / "out"
    command = [sys.executable, "-m", "ipexcli", "batch", *map(str, paths), "--outdir",
               str(outdir), "--jobs", jobs]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        markers = outdir / "state"
        if markers.is_dir() and len(list(markers.glob("*.json"))) >= 5:
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert leftovers(outdir) == []
    assert not (outdir / "summary.tsv").exists()
    done = {p.stem for p in (outdir / "state").glob("*.json")}
    assert 5 <= len(done) < 150
    for name in done:
        for suffix in (".tsv", ".json"):
            marker = (outdir / "state" / f"{name}.json").read_text()
            assert (outdir / "reports" / f"{name}{suffix}").is_file(), marker
    for report in (outdir / "reports").glob("*.json"):
        json.loads(report.read_text())  # every report there is complete
    resumed = subprocess.run([*command, "--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"150 files, 150 ok, 0 failed, {len(done)} resumed" in resumed.stderr


def test_same_file_name_in_two_folders_does_not_collide(ipex, tmp_path: Path) -> None:
    first, second = tmp_path / "run1", tmp_path / "run2"
    first.mkdir(), second.mkdir()
    (first / "sample.vcf").write_text((EXAMPLES / "single.GRCh37.vcf").read_text())
    (second / "sample.vcf").write_bytes(
        __import__("gzip").decompress((EXAMPLES / "trio.GRCh38.vcf.gz").read_bytes())
    )
    outdir = tmp_path / "out"
    result = ipex("batch", str(first / "sample.vcf"), str(second / "sample.vcf"), "--outdir",
                  str(outdir))
    assert result.exit_code == 0, result.stderr
    rows, _ = summary(outdir)
    assert {r["report"] for r in rows} == {output_name(first / "sample.vcf"),
                                          output_name(second / "sample.vcf")}
    assert len(list((outdir / "reports").glob("sample-*.tsv"))) == 2
    assert len(rows) == 4  # patient2 + the trio


def test_manifest_declares_sex_per_sample_and_per_file(ipex, tmp_path: Path) -> None:
    solo = tmp_path / "solo.vcf"
    solo.write_text((EXAMPLES / "single.GRCh37.vcf").read_text())
    sheet = tmp_path / "batch.tsv"
    sheet.write_text(
        "path\tsample\tsex\tbuild\n"
        f"{EXAMPLES / 'trio.GRCh38.vcf.gz'}\tmother\tfemale\tGRCh38\n"
        f"{EXAMPLES / 'trio.GRCh38.vcf.gz'}\tproband\tmale\t\n"
        "solo.vcf\t\tfemale\thg19\n"
    )
    outdir = tmp_path / "out"
    result = ipex("batch", "--manifest", str(sheet), "--outdir", str(outdir), "-j", "1")
    assert result.exit_code == 0, result.stderr
    rows, _ = summary(outdir)
    by_sample = {r["sample"]: r for r in rows}
    assert by_sample["mother"]["sex_used"] == "female"
    assert by_sample["proband"]["sex_used"] == "male"
    assert by_sample["patient2"]["sex_used"] == "female"
    assert all(by_sample[s]["sex_source"] == "manifest" for s in ("mother", "proband", "patient2"))


def test_unexpected_exception_in_one_file_is_isolated(
    make_batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipexcli.annotate

    paths = make_batch(3)
    real = ipexcli.annotate.annotate_files

    def flaky(files, options):  # type: ignore[no-untyped-def]
        if files[0] == str(paths[1]):
            raise KeyError("boom")
        return real(files, options)

    monkeypatch.setattr(ipexcli.annotate, "annotate_files", flaky)
    result = run_batch(jobs_from_paths(map(str, paths)), BatchSettings(str(tmp_path), workers=1))
    assert [o.status.value for o in result.outcomes] == ["ok", "failed", "ok"]
    assert result.outcomes[1].error == "unexpected KeyError: 'boom'"


def test_merge_only_rebuilds_the_same_summary(ipex, make_batch, tmp_path: Path) -> None:
    paths = [*map(str, make_batch(6)), str(tmp_path / "missing.vcf")]
    outdir = tmp_path / "out"
    assert ipex("batch", *paths, "--outdir", str(outdir), "-j", "2").exit_code == 1
    before = [(outdir / n).read_text() for n in ("summary.tsv", "summary.json")]
    for name in ("summary.tsv", "summary.json"):
        (outdir / name).unlink()
    assert ipex("batch", *paths, "--outdir", str(outdir), "--merge-only").exit_code == 1
    assert [(outdir / n).read_text() for n in ("summary.tsv", "summary.json")] == before
    merged = ipex("batch", "--outdir", str(outdir), "--merge-only", "--allow-failures")
    assert merged.exit_code == 0
    _, data = summary(outdir)
    assert data["counts"]["files"] == 7 and data["counts"]["failed"] == 1


def test_a_worker_crash_fails_only_the_file_it_was_reading(
    make_batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hard crash (as from a C library) kills the worker; the pool is rebuilt file by file.
    Workers are forked, so they inherit this patched function."""
    import ipexcli.annotate

    paths = make_batch(8)
    real = ipexcli.annotate.annotate_files

    def crashing(files, options):  # type: ignore[no-untyped-def]
        if files[0] == str(paths[3]):
            os._exit(70)
        return real(files, options)

    monkeypatch.setattr(ipexcli.annotate, "annotate_files", crashing)
    settings = BatchSettings(str(tmp_path / "out"), workers=2)
    result = run_batch(jobs_from_paths(map(str, paths)), settings)
    assert [o.input for o in result.failed] == [str(paths[3])]
    assert result.failed[0].error.startswith("unexpected crash")
    assert len(result.outcomes) == 8
    assert all(o.rows for o in result.outcomes if o.status.value == "ok")


def test_resume_redoes_files_when_the_genotype_mode_changes(ipex, make_batch,
                                                             tmp_path: Path) -> None:
    """--genotypes changes the reports, so it is part of what --resume compares."""
    paths = make_batch(3)
    outdir = tmp_path / "out"
    args = ["batch", *map(str, paths), "--outdir", str(outdir), "-j", "1"]
    assert ipex(*args).exit_code == 0
    again = ipex(*args, "--resume")
    assert "3 files, 3 ok, 0 failed, 3 resumed" in again.stderr
    changed = ipex(*args, "--resume", "--genotypes", "non-ref")
    assert changed.exit_code == 0 and " 0 resumed" in changed.stderr, changed.stderr
    report = json.loads(next((outdir / "reports").glob("*.json")).read_text())
    assert report["inputs"][0]["genotypes"] == "non_ref"


def test_one_temporary_folder_per_input(
    ipex, make_batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#14 item 5: an input's reports (a ``.vcf.gz`` pair included) and its marker are made in
    one hidden folder and renamed into place, and a small plain VCF is spooled in memory: one
    temporary entry per input (there were 5: a temporary file per report and for the marker, a
    folder for the ``.vcf.gz`` pair, a spool file)."""
    import tempfile

    made: list[str] = []
    for name in ("mkstemp", "mkdtemp", "TemporaryFile", "NamedTemporaryFile"):
        real = getattr(tempfile, name)

        def counted(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            made.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(tempfile, name, counted)
    paths = make_batch(3)
    outdir = tmp_path / "out"
    result = ipex("batch", *map(str, paths), "--outdir", str(outdir), "--jobs", "1",
                  "--format", "tsv,json,vcf")
    assert result.exit_code == 0, result.stderr
    reports = sorted(p.name for p in (outdir / "reports").iterdir())
    assert len(reports) == 3 * 4  # .tsv .json .vcf.gz .vcf.gz.tbi, nothing hidden left
    assert not leftovers(outdir)
    per_input = [n for n in made if n != "mkstemp"]
    assert per_input == ["mkdtemp"]
    assert made.count("mkstemp") == 2  # summary.tsv and summary.json, once per run
    assert len(list((outdir / "state").iterdir())) == 3  # the markers
