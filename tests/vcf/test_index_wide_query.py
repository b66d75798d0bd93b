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
    every = reg2bins(0, size, min_shift, depth)
    for _ in range(200):
        bins = {b: [(0, 1)] for b in rng.sample(every, 25)}
        bins[max(every) + 2] = [(0, 1)]  # a pseudo-bin (tabix 37450): never a region's bin
        start = rng.randrange(0, size)
        end = rng.randrange(start + 1, size + 1)
        wanted = [b for b in reg2bins(start, end, min_shift, depth) if b in bins]
        assert sorted(_bins_within(bins, start, end, min_shift, depth)) == wanted
