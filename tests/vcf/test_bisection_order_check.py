"""#14: the sampled record-order check of an unindexed BGZF file (#15) must not read the first
block twice: it did, so every sorted file above ``FULL_CHECK_BYTES`` was called "out of order"
and streamed instead of bisected (a 4M-record genome: 1.3 s instead of 0.25 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexcli.model import Build
from ipexcli.vcf import bgzf_text, open_vcf, write_bgzf_indexed


def test_sorted_file_is_bisected_when_the_order_is_sampled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=chrX,length=156040895>",
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS"]
    lines += [f"chrX\t{1000 + 37 * i}\trs{i}\tA\tG\t50\tPASS\tDP={i % 97}\tGT\t0/1"
              for i in range(6000)]
    path = tmp_path / "sorted.vcf.gz"
    write_bgzf_indexed("\n".join(lines) + "\n", path)
    Path(f"{path}.tbi").unlink()
    monkeypatch.setattr(bgzf_text, "FULL_CHECK_BYTES", 1000)  # sample the blocks
    with open_vcf(path, build=Build.GRCH38) as reader:
        assert reader.stats.region_method == "bgzf-bisection"
        assert len(list(reader.chrom_lines("X", 1000, 20000))) > 400
        assert reader.stats.region_method == "bgzf-bisection", reader.stats.notes
        assert not any("out of order" in note for note in reader.stats.notes)
