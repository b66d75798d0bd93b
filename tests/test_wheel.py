"""The built wheel carries the reference data and works outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_refdata_and_verifies_outside_the_source_tree(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
        cwd=REPO, check=True, capture_output=True,
    )
    (wheel,) = dist.glob("ipexcli-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ipexcli/_refdata/MANIFEST.json" in names
    assert "ipexcli/_refdata/FOXP3_GRCh38_chrX_49248436-49269825.fa.fai" in names
    assert "ipexcli/schema/report.schema.json" in names
    assert not any(n.startswith("refdata/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel installs by unpacking
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "IPEXCLI_DATA_DIR": str(tmp_path / "nodata")}

    def ipex(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ipexcli", *args],
            cwd=elsewhere, env=env, capture_output=True, text=True,
        )

    verify = ipex("refdata", "verify")
    assert verify.returncode == 0, verify.stderr
    info = json.loads(ipex("refdata", "info", "--format", "json").stdout)
    assert info["root"] == str(site / "ipexcli" / "_refdata")
    assert len(info["files"]) == 15 and all(len(f["sha256"]) == 64 for f in info["files"])
    # the JSON schema loads from the installed copy too
    code = "import ipexcli.schema as s; print(s.__file__, s.report_schema()['$id'])"
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
        check=True,
    ).stdout
    assert shown.startswith(str(site))
    # and the main job runs from the wheel on the bundled example
    annotated = ipex("annotate", str(REPO / "examples" / "trio.GRCh38.vcf.gz"), "--format", "tsv")
    assert annotated.returncode == 0, annotated.stderr
    assert "consistent_with_ipex" in annotated.stdout
