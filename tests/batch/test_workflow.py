"""The Snakemake workflow (workflows/Snakefile) gathers the same summary as `ipex batch`."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, REPO, needs_pipeline

pytestmark = [
    pytest.mark.slow,
    needs_pipeline,
    pytest.mark.skipif(
        importlib.util.find_spec("snakemake") is None, reason="snakemake is not installed"
    ),
]


def test_snakemake_workflow_matches_ipex_batch(tmp_path: Path) -> None:
    """Issue 7 acceptance 2."""
    broken = tmp_path / "broken.vcf"
    broken.write_text("##fileformat=VCFv4.2\nnot a header\n")
    files = [str(EXAMPLES / "single.GRCh37.vcf"), str(EXAMPLES / "trio.GRCh38.vcf.gz"),
             str(broken)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ipex = f"{sys.executable} -m ipexcli"
    config = [f"files={files!r}".replace("'", '"'), f"outdir={tmp_path / 'workflow'}",
              f"ipex={ipex}", "chunks=2"]
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "workflows" / "Snakefile"),
         "--cores", "2", "--directory", str(tmp_path), "--quiet", "--config", *config],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    direct = subprocess.run(
        [sys.executable, "-m", "ipexcli", "batch", *files, "--outdir", str(tmp_path / "batch")],
        env=env, capture_output=True, text=True,
    )
    assert direct.returncode == 1  # the broken file
    for name in ("summary.tsv", "summary.json"):
        ours = (tmp_path / "workflow" / name).read_text()
        assert ours == (tmp_path / "batch" / name).read_text()
    assert "broken.vcf" in ours and '"failed": 1' in ours
