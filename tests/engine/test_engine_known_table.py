"""Acceptance 1: our c./p. names equal those stated in the bundled known-variant table."""

from __future__ import annotations

import pytest

from ipexcli.engine import annotate_variant, known_variant_index
from ipexcli.hgvs import parse
from ipexcli.model import Build
from ipexcli.refdata import load

DATA = load()

#: every legacy or non-standard source form in the table, and its current HGVS form
LEGACY_CONVERSIONS = {
    # 3' rule: the GGA deletion is shifted to the last repeat copy, the deleted bases dropped
    "NM_014009.3:c.750_752delGGA": "c.751_753del",
    # redundant deleted bases dropped from a deletion-insertion
    "NM_014009.3:c.1117_1118delTTinsGC": "c.1117_1118delinsGC",
    # upper-case prefix and spaces
    "C.1015C > G": "c.1015C>G",
    # deleted base dropped (v2 table)
    "NM_014009.3:c.727delG": "c.727del",
    # spaces (v2 table)
    "c.816 + 5G > A": "c.816+5G>A",
}

#: rows whose stated protein name differs from ours in form only, with the reason
STATED_P_FORM = {
    # ClinVar 2016 wrote the start loss as the residue change; HGVS writes p.(Met1?) since the
    # effect of losing the start codon is not predictable
    "KV28": "p.(Met1?)",
    # splice-region (+5) variant: the source writes p.? for an unknown splice effect; ipexcli
    # predicts no protein change for a non-canonical splice variant
    "KV29": "",
}

#: rows whose stated c. name holds for one build only, with the reason
BUILD_SPECIFIC = {
    # rs3761548: intron 1 is 5 bp shorter in GRCh38 (indels between the SNP and exon 1) and the
    # GRCh38 reference carries the other allele, so the GRCh38 name differs. The table's name is
    # the GRCh37 (NG_007392.1 / LRG_62) one.
    ("KV10", Build.GRCH38): "c.-23+2877C>A",
}


def _rows_with_names():
    return [row for row in DATA.known if row.hgvs_c or row.hgvs_p]


@pytest.mark.parametrize("source, current", sorted(LEGACY_CONVERSIONS.items()))
def test_legacy_conversion(source, current):
    assert parse(source, DATA).c_name == current


def test_every_stated_legacy_form_is_listed():
    stated = {row.hgvs_c_as_stated for row in DATA.known if row.hgvs_c_as_stated != row.hgvs_c}
    assert stated == set(LEGACY_CONVERSIONS)
    for row in DATA.known:
        if row.hgvs_c_as_stated in LEGACY_CONVERSIONS:
            assert LEGACY_CONVERSIONS[row.hgvs_c_as_stated] == row.hgvs_c


@pytest.mark.parametrize("row", _rows_with_names(), ids=lambda r: r.id)
@pytest.mark.parametrize("build", list(Build), ids=str)
def test_names_equal_table(row, build):
    allele = row.allele(build)
    if allele is None:
        assert not row.alleles, f"{row.id} is placed in one build only"
        pytest.skip(f"{row.id} has no coordinates")
    annotation = annotate_variant(allele, DATA)
    ours_c = annotation.hgvs_c.split(":", 1)[1]
    expected_c = BUILD_SPECIFIC.get((row.id, build), row.hgvs_c)
    assert ours_c == expected_c
    ours_p = annotation.hgvs_p.split(":", 1)[1] if annotation.hgvs_p else ""
    if row.id in STATED_P_FORM:
        assert ours_p == STATED_P_FORM[row.id]
        assert [hit.id for hit in annotation.known.exact] == [row.id]
        return
    stated_p = row.hgvs_p.replace("fsTer", "fs*")  # HGVS allows Ter or * after fs
    if stated_p.startswith("p.("):
        stated_p = "p." + stated_p[3:-1]
    assert ours_p.replace("p.(", "p.").rstrip(")") == stated_p.rstrip(")") or (
        ours_p == stated_p == "p.?"
    )
    assert [hit.id for hit in annotation.known.exact] == [row.id]


def test_unplaceable_row_is_reported_and_its_p_name_parses():
    index = known_variant_index(DATA)
    unplaced = [hit.id for hit in index.unplaced]
    rows = [row for row in DATA.known if not row.alleles]
    assert unplaced == [row.id for row in rows]
    for row in rows:
        parsed = parse(row.hgvs_p, DATA)
        assert parsed.protein is not None and parsed.protein.alt == "fs"
        assert parsed.candidates == ()  # no SNV makes a frameshift
