"""#14: a wide index query over a sequence with few bins tests each bin present
(:func:`ipexcli.vcf.index._bins_within`) instead of looking up every bin of the range: the
same bins as :func:`ipexcli.vcf.index.reg2bins` lists, for tabix and CSI depths."""

from __future__ import annotations

import random

import pytest

from ipexcli.vcf.index import _bins_within, reg2bins


@pytest.mark.parametrize(("min_shift", "depth"), [(14, 5), (14, 6), (12, 7)])
def test_bins_within_equals_reg2bins(min_shift: int, depth: int) -> None:
    rng = random.Random(depth)
    size = 1 << (min_shift + 3 * depth)
    every = (8 ** (depth + 1) - 1) // 7  # bins 0 .. every - 1
    for _ in range(60):
        start = rng.randrange(0, size)
        end = min(size, start + rng.choice((1, 1 << 16, 1 << 24, size)))
        edges = []  # the bins at both ends of the range on every level, and their neighbours
        shift, first = min_shift + 3 * depth, 0
        for level in range(depth + 1):
            for b in (first + (start >> shift), first + ((end - 1) >> shift)):
                edges += [b - 1, b, b + 1]
            shift, first = shift - 3, first + (1 << (3 * level))
        chosen = [*rng.sample(range(every), 25), *(b for b in edges if 0 <= b < every)]
        bins = {b: [(0, 1)] for b in chosen}
        bins[every + 1] = [(0, 1)]  # a pseudo-bin (tabix 37450): never a region's bin
        wanted = [b for b in reg2bins(start, end, min_shift, depth) if b in bins]
        assert sorted(_bins_within(bins, start, end, min_shift, depth)) == wanted


def test_spans_from_pseudo_bins_equal_the_full_walk(tmp_path, monkeypatch) -> None:
    """#14: each sequence's (first, last) offsets read from its pseudo-bin alone equal those of
    the walk over every chunk (which the ownership check of #15 paid per file)."""
    from ipexcli.vcf import write_bgzf_indexed
    from ipexcli.vcf.index import read_index

    names = ["chr1", "chr2", "chrX", "chrY"]
    lines = ["##fileformat=VCFv4.2", *(f"##contig=<ID={n}>" for n in names),
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    for n in names:
        lines += [f"{n}\t{100 + 50 * i}\t.\tA\tG\t50\tPASS\tDP={i}" for i in range(4000)]
    path = tmp_path / "multi.vcf.gz"
    write_bgzf_indexed("\n".join(lines) + "\n", path)
    index = read_index(f"{path}.tbi")
    fast = index.spans()
    assert [n for n, _, _ in fast] == names
    assert all(at >= 0 for at in index.pseudo_at)  # htslib writes the pseudo-bins
    monkeypatch.setattr(index, "pseudo_at", [-1] * len(index.pseudo_at))  # the full walk
    assert index.spans() == fast
