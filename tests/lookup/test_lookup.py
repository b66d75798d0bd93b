"""`ipex lookup`: every known variant found again by c., by p. and by position in each build."""

from __future__ import annotations

import json

import pytest

from ipexcli import refdata
from ipexcli.errors import HgvsParseError
from ipexcli.lookup import lookup
from ipexcli.model import Build

KNOWN = [row for row in refdata.load().known if row.alleles]


def key(row, build: Build) -> str:
    allele = row.allele(build)
    return f"{build.value}:X:{allele.pos}:{allele.ref}:{allele.alt}"


def found_keys(result) -> set[str]:
    return {variant.key for hit in result.hits for variant in hit.variants}


def same_change_in_both_builds(row) -> bool:
    """False for rs3761548, whose GRCh38 reference carries the other allele."""
    g38, g37 = row.allele(Build.GRCH38), row.allele(Build.GRCH37)
    return (g38.ref, g38.alt) == (g37.ref, g37.alt)


@pytest.mark.parametrize("row", KNOWN, ids=lambda r: f"{r.id}-{r.hgvs_c}")
def test_found_by_position_in_each_build(row) -> None:
    for build in (Build.GRCH38, Build.GRCH37):
        allele = row.allele(build)
        result = lookup(f"chrX:{allele.pos}:{allele.ref}:{allele.alt}", build)
        assert key(row, build) in found_keys(result)
        assert any(k.id == row.id for hit in result.hits for v in hit.variants
                   for k in v.known if k.match == "exact")


@pytest.mark.parametrize("row", [r for r in KNOWN if same_change_in_both_builds(r)],
                         ids=lambda r: f"{r.id}-{r.hgvs_c}")
def test_found_by_c_name_in_both_builds(row) -> None:
    result = lookup(f"NM_014009.4:{row.hgvs_c}")
    assert {key(row, Build.GRCH38), key(row, Build.GRCH37)} <= found_keys(result)
    assert result.hits[0].variants[0].hgvs_c == f"NM_014009.4:{row.hgvs_c}"


PROTEIN_ROWS = [r for r in KNOWN if r.hgvs_p.startswith("p.") and r.hgvs_p != "p.?"]


@pytest.mark.parametrize("row", PROTEIN_ROWS, ids=lambda r: f"{r.id}-{r.hgvs_p}")
def test_found_by_protein_change(row) -> None:
    result = lookup(row.hgvs_p)
    assert key(row, Build.GRCH38) in found_keys(result)


def test_protein_query_lists_every_snv_and_says_so() -> None:
    # Arg397 is CGG: only C>T at c.1189 gives Trp, but Gly (GGG) ... use a residue with 2 SNVs:
    # Leu253 (c.757-759 CTG): Met needs C>A at c.757 only; Val needs C>G at c.757.
    result = lookup("p.Arg397Gln")
    assert [hit.c_name for hit in result.hits] == ["c.1190G>A"]
    assert result.hits[0].variants[0].known[0].id == "KV02"


def test_one_letter_and_three_letter_protein_queries_agree() -> None:
    assert found_keys(lookup("p.R397W")) == found_keys(lookup("p.(Arg397Trp)"))


def test_rsid_in_the_known_table() -> None:
    result = lookup("rs28935477")
    assert result.kind == "rsid"
    assert found_keys(result) == {"GRCh38:X:49251441:G:A", "GRCh37:X:49107902:G:A"}


def test_unknown_rsid_is_a_clear_error() -> None:
    with pytest.raises(HgvsParseError, match="not in the bundled known-variant table"):
        lookup("rs1")


@pytest.mark.parametrize("query", ["", "c.1189C>Z", "hello", "p.Gly397Trp", "NM_000001.1:c.1A>G"])
def test_bad_queries_show_the_accepted_forms(ipex, query: str) -> None:
    result = ipex("lookup", query)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr[-1] == "\n"
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Accepted forms" in result.stderr or "not in the" in result.stderr


def test_lookup_json(ipex) -> None:
    result = ipex("lookup", "c.816+2T>A", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    variant = data["hits"][0]["variants"][0]
    assert variant["hgvs_c"] == "NM_014009.4:c.816+2T>A"
    assert variant["consequences"][0] == "splice_donor_variant"
    assert variant["known"][0]["id"] == "KV08"


def test_lookup_table_escapes_brackets(ipex) -> None:
    result = ipex("lookup", "c.1189C>T")
    assert result.exit_code == 0
    assert "p.(Arg397Trp)" in result.stdout
    # #12: the date says what it is
    assert "ClinVar VCV000011407.9 page copy, last evaluated" in result.stdout
    assert "2021-12-03" in result.stdout


def test_a_grch37_numbered_intronic_name_is_placed_on_grch37() -> None:
    """KV10 (rs3761548) is named c.-23+2882A>C in GRCh37 numbering: intron 1 is 5 bp shorter
    in GRCh38, whose reference also carries the other allele (c.-23+2877C>A there)."""
    (row,) = [r for r in KNOWN if r.id == "KV10"]
    result = lookup(f"NM_014009.4:{row.hgvs_c}")
    (variant,) = result.hits[0].variants
    assert variant.key == key(row, Build.GRCH37)
    assert variant.hgvs_c == "NM_014009.4:c.-23+2882A>C"
    assert variant.known[0].id == "KV10"
