"""#13: ``-o x.bcf`` writes a CSI index beside the BCF (as ``-o x.vcf.gz`` writes a ``.tbi``),
published together with the data, and ``bcftools view -r`` uses it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build

REPO = Path(__file__).resolve().parents[2]
TRIO = [str(REPO / "examples/trio.GRCh38.vcf.gz"), "--ped", str(REPO / "examples/trio.ped")]

pytestmark = pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools needed")


def _bcftools(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bcftools", *args], capture_output=True, text=True)


def test_bcf_output_is_indexed_and_bcftools_uses_the_index(ipex, tmp_path: Path) -> None:
    out = tmp_path / "out.bcf"
    result = ipex("annotate", *TRIO, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bcf", "out.bcf.csi"]
    assert out.stat().st_mtime <= (tmp_path / "out.bcf.csi").stat().st_mtime + 1
    everything = _bcftools("view", "-H", str(out))
    assert everything.returncode == 0, everything.stderr
    records = everything.stdout.splitlines()
    assert records and all("IPEX_ANN=" in r for r in records)
    first, last = records[0].split("\t"), records[-1].split("\t")
    region = f"{first[0]}:{first[1]}-{last[1]}"
    fetched = _bcftools("view", "-H", "-r", region, str(out))
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.splitlines() == records
    one = _bcftools("view", "-H", "-r", f"{first[0]}:{first[1]}", str(out))
    assert one.stdout.splitlines() == [r for r in records if r.split("\t")[1] == first[1]]
    # the region query needs the index: without it bcftools refuses
    (tmp_path / "out.bcf.csi").unlink()
    assert _bcftools("view", "-H", "-r", region, str(out)).returncode != 0


def test_unsorted_bcf_output_has_no_index_and_says_so(ipex, tmp_path: Path) -> None:
    locus = refdata.load().locus(Build.GRCH38)
    rows = []
    for pos in (49258400, 49250000):  # out of order, bundled GRCh38 bases
        ref = locus.fetch(pos - 1, pos)
        rows.append(f"chrX\t{pos}\t.\t{ref}\t{'A' if ref != 'A' else 'C'}\t50\tPASS\t.\tGT\t1")
    vcf = tmp_path / "in.vcf"
    vcf.write_text("\n".join([
        "##fileformat=VCFv4.2", "##reference=GRCh38", "##contig=<ID=chrX,length=156040895>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS", *rows]) + "\n")
    out = tmp_path / "out.bcf"
    (tmp_path / "out.bcf.csi").write_bytes(b"stale")  # an earlier run's index
    result = ipex("annotate", str(vcf), "--sex", "S=male", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "written without an index" in result.stderr and "bcftools index" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.vcf", "out.bcf"]
