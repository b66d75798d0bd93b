"""#15 case 6: ``batch --resume`` redoes a file when anything its report depends on changed.

The fingerprint used to hold the PED's path but not its content, and nothing of the reference
data: after a ``refdata update`` reclassifying KV01 (c.1189C>T), resume still said Pathogenic.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from update.update_helpers import FACTS, clinvar_vcf

from ipexcli import refdata
from ipexcli.model import Build
from ipexcli.update import DownloadPolicy, run_update

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


FAST = DownloadPolicy(connect_timeout=0.5, read_timeout=0.5, tries=1, backoff=0.01)


@pytest.fixture
def trio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example trio and its PED in a folder of their own, and a private data dir."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("trio.GRCh38.vcf.gz", "trio.GRCh38.vcf.gz.tbi", "trio.ped"):
        shutil.copy2(EXAMPLES / name, folder / name)
    monkeypatch.setenv("IPEXCLI_DATA_DIR", str(tmp_path / "userdata" / "ipexcli"))
    refdata.load.cache_clear()
    yield folder
    refdata.load.cache_clear()


def _batch(ipex, folder: Path, *extra: str) -> tuple[str, dict[str, dict[str, str]]]:
    refdata.load.cache_clear()
    result = ipex("batch", str(folder / "trio.GRCh38.vcf.gz"), "--ped", str(folder / "trio.ped"),
                  "-d", str(folder.parent / "out"), "--jobs", "1", *extra)
    assert result.exit_code == 0, result.stderr
    with open(folder.parent / "out" / "summary.tsv", encoding="utf-8") as handle:
        rows = {row["sample"]: row for row in csv.DictReader(handle, delimiter="\t")}
    return result.stderr, rows


def _update(tmp_path: Path, facts) -> None:
    urls = {}
    for build in Build:
        path = tmp_path / f"clinvar.{build.value}.vcf"
        path.write_bytes(gzip.decompress(clinvar_vcf(build.value, facts)))
        urls[build] = path.as_uri()
    run_update(urls, FAST)
    refdata.load.cache_clear()


def test_resume_redoes_the_work_after_a_refdata_update(ipex, trio, tmp_path, no_sockets) -> None:
    err, rows = _batch(ipex, trio)
    assert rows["proband"]["findings_classification"] == "Pathogenic"
    assert rows["proband"]["verdict"] == "consistent_with_ipex"
    err, rows = _batch(ipex, trio, "--resume")
    assert "1 resumed" in err  # nothing changed: resumed

    # ClinVar now says KV01 is of uncertain significance (a real update, from file:// copies)
    reclassified = tuple(
        dataclasses.replace(f, clnsig="Uncertain_significance") if f.kv == "KV01" else f
        for f in FACTS
    )
    _update(tmp_path, reclassified)
    err, rows = _batch(ipex, trio, "--resume")
    assert "0 resumed" in err, err
    assert rows["proband"]["findings_classification"] == "Uncertain significance"
    assert rows["proband"]["verdict"] != "consistent_with_ipex"

    # back to the bundled table: redone again
    assert ipex("refdata", "reset").exit_code == 0
    err, rows = _batch(ipex, trio, "--resume")
    assert "0 resumed" in err
    assert rows["proband"]["findings_classification"] == "Pathogenic"


def test_resume_redoes_the_work_when_the_ped_content_changes(ipex, trio) -> None:
    err, rows = _batch(ipex, trio)
    assert (rows["proband"]["sex_used"], rows["proband"]["sex_source"]) == (
        "male", f"PED {trio / 'trio.ped'}"
    )
    ped = trio / "trio.ped"
    info = ped.stat()
    # same path, same size, same mtime: only the content says the proband is now female
    ped.write_text(ped.read_text().replace("\tfather\tmother\t1", "\tfather\tmother\t2"))
    os.utime(ped, ns=(info.st_atime_ns, info.st_mtime_ns))
    err, rows = _batch(ipex, trio, "--resume")
    assert "0 resumed" in err, err
    assert rows["proband"]["sex_used"] == "female"


def test_resume_redoes_the_work_when_the_manifest_declares_another_sex(ipex, trio) -> None:
    manifest = trio / "batch.tsv"
    manifest.write_text("path\tsample\tsex\ntrio.GRCh38.vcf.gz\tproband\tmale\n")
    out = str(trio.parent / "out")
    assert ipex("batch", "-m", str(manifest), "-d", out, "--jobs", "1").exit_code == 0
    manifest.write_text("path\tsample\tsex\ntrio.GRCh38.vcf.gz\tproband\tfemale\n")
    result = ipex("batch", "-m", str(manifest), "-d", out, "--jobs", "1", "--resume")
    assert result.exit_code == 0 and "0 resumed" in result.stderr, result.stderr
    summary = json.loads((trio.parent / "out" / "summary.json").read_text())
    proband = next(r for r in summary["samples"] if r["sample"] == "proband")
    assert (proband["sex_used"], proband["sex_source"]) == ("female", "manifest")
