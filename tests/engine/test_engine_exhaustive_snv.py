"""Acceptance 2: every possible SNV in the CDS (1,296 x 3, both builds) against the codon table.

The expected answer is computed here without the engine's mapping code: the CDS bases are found
from the exon table of ``refdata`` directly, the codon is mutated and translated with the
standard genetic code, and a stop loss is extended by translating the bundled 3'UTR.
"""

from __future__ import annotations

import pytest

from ipexcli.consequence import Consequence
from ipexcli.engine import annotate_variant
from ipexcli.model import Build, GenomicVariant
from ipexcli.refdata import load
from ipexcli.sequtils import reverse_complement

DATA = load()
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
# the standard genetic code (NCBI table 1), written out here so the test does not use the
# production codon table: codons in TCAG order, first base slowest
_ORDER = "TCAG"
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: _CODE[16 * i + 4 * j + k]
    for i, a in enumerate(_ORDER)
    for j, b in enumerate(_ORDER)
    for k, c in enumerate(_ORDER)
}
_THREE = "AlaCysAspGluPheGlyHisIleLysLeuMetAsnProGlnArgSerThrValTrpTyrTer"
AA3 = {one: _THREE[3 * i : 3 * i + 3] for i, one in enumerate("ACDEFGHIKLMNPQRSTVWY*")}


def cds_positions(build: Build) -> list[int]:
    """1-based chrX positions of c.1 .. c.1296, from the exon table (minus strand)."""
    tx = DATA.transcript(build)
    assert tx.strand == -1
    out = []
    for exon in tx.exons:
        if exon.cds_start is None:
            continue
        out.extend(range(exon.cds_end, exon.cds_start, -1))  # 1-based, descending
    return out


def expected(cds: str, c: int, alt: str, utr3: str) -> tuple[Consequence, str]:
    k = (c - 1) // 3
    codon = cds[3 * k : 3 * k + 3]
    i = (c - 1) % 3
    ref_aa = CODON_TABLE[codon]
    alt_aa = CODON_TABLE[codon[:i] + alt + codon[i + 1 :]]
    name = f"{AA3[ref_aa]}{k + 1}"
    if k == 0 and alt_aa != "M":
        return Consequence.START_LOST, "p.(Met1?)"
    if ref_aa == "*":
        if alt_aa == "*":
            return Consequence.STOP_RETAINED, f"p.({name}=)"
        tail = utr3
        n = "?"
        for j in range(0, len(tail) - 2, 3):
            if CODON_TABLE[tail[j : j + 3]] == "*":
                n = str(j // 3 + 1)
                break
        return Consequence.STOP_LOST, f"p.({name}{AA3[alt_aa]}extTer{n})"
    if alt_aa == "*":
        return Consequence.STOP_GAINED, f"p.({name}Ter)"
    if alt_aa == ref_aa:
        return Consequence.SYNONYMOUS, f"p.({name}=)"
    return Consequence.MISSENSE, f"p.({name}{AA3[alt_aa]})"


def test_every_cds_snv_both_builds():
    names: dict[Build, list[tuple[str, str]]] = {}
    mismatches = []
    for build in Build:
        locus = DATA.locus(build)
        positions = cds_positions(build)
        assert len(positions) == 1296
        cds = "".join(COMPLEMENT[locus.base(p)] for p in positions)
        assert cds.startswith("ATG") and CODON_TABLE[cds[-3:]] == "*"
        tx = DATA.transcript(build)
        utr3 = tx.cdna[tx.cds_tx_end :]
        out = []
        for c, pos in enumerate(positions, start=1):
            ref_plus = locus.base(pos)
            for alt in "ACGT":
                if alt == cds[c - 1]:
                    continue
                variant = GenomicVariant(build, pos, ref_plus, COMPLEMENT[alt])
                a = annotate_variant(variant, DATA)
                term, p_name = expected(cds, c, alt, utr3)
                c_name = f"c.{c}{cds[c - 1]}>{alt}"
                got_c = a.hgvs_c.split(":", 1)[1]
                got_p = a.hgvs_p.split(":", 1)[1]
                coding_terms = [t for t in a.consequences if t is not Consequence.SPLICE_REGION]
                if (got_c, got_p, coding_terms) != (c_name, p_name, [term]):
                    mismatches.append((build, c_name, got_c, got_p, p_name, coding_terms, term))
                out.append((got_c, got_p))
        names[build] = out
    assert not mismatches, mismatches[:10]
    assert names[Build.GRCH37] == names[Build.GRCH38]
    assert len(names[Build.GRCH38]) == 1296 * 3


@pytest.mark.parametrize("build", list(Build), ids=str)
def test_stop_loss_extension_is_computed_from_the_utr(build):
    # c.1294T>C turns TGA into CGA (Arg); the new stop is read from the bundled 3'UTR
    pos = cds_positions(build)[1293]
    ref = DATA.locus(build).base(pos)
    a = annotate_variant(GenomicVariant(build, pos, ref, reverse_complement("C")), DATA)
    assert a.hgvs_c.endswith("c.1294T>C")
    assert a.hgvs_p.startswith("NP_054728.2:p.(Ter432ArgextTer")
    assert Consequence.STOP_LOST in a.consequences
