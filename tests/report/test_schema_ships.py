"""The JSON schema travels inside the wheel and loads from an installed copy."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_ships_the_report_schema(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
        cwd=REPO, check=True, capture_output=True,
    )
    (wheel,) = dist.glob("ipexcli-*.whl")
    assert "ipexcli/schema/report.schema.json" in zipfile.ZipFile(wheel).namelist()
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import json, ipexcli.schema as s; d = s.report_schema(); "
        "print(s.__file__); print(json.dumps(d['properties']['schema_version']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(site)},
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(site))
    assert json.loads(out[1])["const"] == "1.0"
