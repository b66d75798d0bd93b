"""Acceptance 4: indels in real repeats of the locus get the 3'-most HGVS position and ``dup``.

Runs are found in the bundled sequence by pattern, not typed in. For each run a one-unit
deletion and a one-unit insertion are written at the run's 5' end on chrX (VCF style) and must
come out (a) 3'-most along the transcript in ``c.`` (left on chrX: FOXP3 is on the minus strand)
and 3'-most on chrX in ``g.``, (b) as ``dup`` for the insertion, (c) with the same haplotype.
"""

from __future__ import annotations

import re

import pytest

from ipexcli.engine import annotate_variant
from ipexcli.model import Build, GenomicVariant
from ipexcli.normalize import alt_haplotype
from ipexcli.refdata import load
from ipexcli.transcript import transcript_map

DATA = load()
PATTERNS = {
    "(TG)n": r"(?:TG){6,}",
    "(CA)n": r"(?:CA){6,}",
    "(CT)n": r"(?:CT){5,}",
    "(AG)n": r"(?:AG){5,}",
    "poly-A/T": r"A{8,}|T{8,}",
    "poly-C/G": r"C{5,}|G{5,}",
}


def runs(build: Build):
    locus = DATA.locus(build)
    tx = DATA.transcript(build)
    found = []
    for kind, pattern in PATTERNS.items():
        hits = [
            m for m in re.finditer(pattern, locus.sequence)
            if tx.start - 2000 < locus.start + m.start() < tx.end
        ]
        for m in hits[:3]:
            unit = 1 if kind.startswith("poly") else 2
            found.append((kind, locus.start + m.start(), locus.start + m.end(), unit))
    return found


def _cases():
    return [(b, *r) for b in Build for r in runs(b)]


def test_patterns_find_runs_in_both_builds():
    kinds = {c[1] for c in _cases()}
    assert {"(TG)n", "(CA)n", "poly-A/T", "poly-C/G"} <= kinds


@pytest.mark.parametrize("build, kind, start, end, unit", _cases(), ids=lambda x: str(x))
def test_unit_deletion_and_insertion_are_3prime_shifted(build, kind, start, end, unit):
    locus = DATA.locus(build)
    tmap = transcript_map(DATA, build)
    seq = locus.sequence
    off = locus.start
    motif = seq[start - off : start - off + unit]
    anchor = seq[start - off - 1]
    deletion = GenomicVariant(build, start, anchor + motif, anchor)  # 5' end on chrX, anchored
    insertion = GenomicVariant(build, start, anchor, anchor + motif)
    for variant, edit in ((deletion, "del"), (insertion, "dup")):
        a = annotate_variant(variant, DATA)
        assert a.hgvs_c.endswith(edit), a.hgvs_c
        assert a.hgvs_g.endswith(edit), a.hgvs_g
        assert alt_haplotype(a.c_shifted, locus) == alt_haplotype(variant, locus)
        assert alt_haplotype(a.g_shifted, locus) == alt_haplotype(variant, locus)
        c = a.c_shifted  # trimmed form; 3' on the transcript = leftmost on chrX
        g = a.g_shifted  # 3' on chrX = rightmost
        assert c.start <= start - 1 + 1 and g.end >= end - unit
        if edit == "del":
            # cannot move one more base 3' (left on chrX) / right on chrX
            assert seq[c.start - 1 - off] != seq[c.end - 1 - off]
            assert seq[g.end - off] != seq[g.start - off]
            expected_c = _span(tmap, c.end, c.start + 1)
            assert a.hgvs_c.split(":c.")[1] == f"{expected_c}del"
            assert a.hgvs_g.split(":g.")[1] == f"{_g_span(g.start + 1, g.end)}del"
        else:
            # dup names the copy adjacent on the 5' side (transcript) of the insertion point
            assert seq[c.start - 1 - off] != c.alt[-1]
            n = len(c.alt)
            expected_c = _span(tmap, c.start + n, c.start + 1)
            assert a.hgvs_c.split(":c.")[1] == f"{expected_c}dup"
            assert a.hgvs_g.split(":g.")[1] == f"{_g_span(g.start - n + 1, g.start)}dup"


def _span(tmap, first_pos: int, last_pos: int) -> str:
    """c. span from 1-based chrX positions given in transcript order (minus strand: high->low)."""
    first, last = tmap.c_position(first_pos).text(), tmap.c_position(last_pos).text()
    return first if first == last else f"{first}_{last}"


def _g_span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}_{last}"


def test_named_examples_in_the_cds():
    # the in-frame GAG deletion of ClinVar 11413, written at the 5' end of its repeat on chrX
    a = annotate_variant(GenomicVariant(Build.GRCH38, 49255491, "TCTC", "T"), DATA)
    assert a.hgvs_c == "NM_014009.4:c.751_753del"
    assert a.hgvs_p == "NP_054728.2:p.(Glu251del)"
    assert a.g_shifted.pos > a.normalized.pos  # a real repeat: the two ends differ
    b = annotate_variant(a.g_shifted, DATA)  # the same deletion written 3' on chrX, unanchored
    assert (b.hgvs_c, b.hgvs_g, b.normalized) == (a.hgvs_c, a.hgvs_g, a.normalized)
