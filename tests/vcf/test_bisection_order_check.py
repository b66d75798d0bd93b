"""#14: the sampled record-order check of an unindexed BGZF file (#15) must not read the first
block twice: it did, so every sorted file above ``FULL_CHECK_BYTES`` was called "out of order"
and streamed instead of bisected (a 4M-record genome: 1.3 s instead of 0.25 s)."""

from __future__ import annotations

from pathlib import Path

import pytest
from issue15_files import bgzip

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


def _sorted_file(tmp_path: Path, swap: int | None = None) -> Path:
    """6,000 chrX records, sorted, or with records ``swap`` and ``swap + 1`` exchanged."""
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=chrX,length=156040895>",
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS"]
    records = [f"chrX\t{1000 + 37 * i}\trs{i}\tA\tG\t50\tPASS\tDP={i % 97}\tGT\t0/1"
               for i in range(6000)]
    if swap is not None:
        records[swap], records[swap + 1] = records[swap + 1], records[swap]
    plain = tmp_path / "file.vcf"
    plain.write_text("\n".join(lines + records) + "\n", encoding="utf-8")
    return bgzip(plain)  # no index (tabix refuses an unsorted file)


def test_a_swap_inside_a_one_contig_block_is_named(tmp_path: Path) -> None:
    """#14: a block holding one contig is checked at C speed; two records swapped inside it
    must still be caught, and named by the line loop (record 2 = POS 1074 before 1037)."""
    from ipexcli.vcf import bgzf

    with open(_sorted_file(tmp_path, swap=1), "rb") as handle:
        reader = bgzf.BgzfFile(handle)
        _, start = bgzf_text.read_header_blocks(reader, "x")
        with pytest.raises(bgzf.UnsortedError, match=r"chrX:1037 comes after"):
            bgzf_text.check_order(reader, start, {"chrX": 0}, "x")


def test_sex_scan_look_before_the_locus_stops_at_the_first_line(tmp_path: Path) -> None:
    """#14: ``has_chrom_lines`` by bisection reads up to the first line found, not the whole
    range (it used to key every record of chrX before FOXP3); the answer is unchanged."""
    with open_vcf(_sorted_file(tmp_path), build=Build.GRCH38) as reader:
        assert reader.stats.region_method == "bgzf-bisection"
        assert reader.has_chrom_lines("X", 0, 200_000)
        assert not reader.has_chrom_lines("X", 300_000, 400_000)
        found = bgzf_text.bisect_checked(reader._bgzf, reader._data_start, reader._ranks,
                                         ["chrX"], 0, 200_000, "x", limit=1)
        assert [line.split(b"\t")[1] for _, line in found] == [b"1000"]
        assert len(bgzf_text.bisect_checked(reader._bgzf, reader._data_start, reader._ranks,
                                            ["chrX"], 0, 200_000, "x")) == sum(
            1000 + 37 * i <= 200_000 for i in range(6000))
