"""HGVS parsing (all accepted forms, both builds) and its one-line errors."""

from __future__ import annotations

import pytest

from ipexcli.errors import HgvsParseError
from ipexcli.hgvs import parse
from ipexcli.model import Build, GenomicVariant
from ipexcli.refdata import load

DATA = load()
KV01 = {
    Build.GRCH38: GenomicVariant(Build.GRCH38, 49251441, "G", "A"),
    Build.GRCH37: GenomicVariant(Build.GRCH37, 49107902, "G", "A"),
}


@pytest.mark.parametrize(
    "text",
    [
        "NM_014009.4:c.1189C>T",
        "NM_014009.3:c.1189C>T",
        "NM_014009.4(FOXP3):c.1189C>T",
        "c.1189C>T",
        "NC_000023.11:g.49251441G>A",
        "NC_000023.10:g.49107902G>A",
        "chrX:49251441:G:A",
        "X-49251441-G-A",
        "X-49107902-G-A",
        "23:49251441:G:A",
    ],
)
def test_every_form_of_kv01_places_it_in_both_builds(text):
    parsed = parse(text, DATA)
    assert dict(parsed.alleles) == KV01
    assert parsed.c_name == "c.1189C>T"


@pytest.mark.parametrize("text", ["p.R397W", "p.Arg397Trp", "p.(Arg397Trp)",
                                  "NP_054728.2:p.(Arg397Trp)"])
def test_protein_query_lists_the_snvs(text):
    parsed = parse(text, DATA)
    assert parsed.kind == "p"
    assert [(c.c_name, dict(c.alleles)) for c in parsed.candidates] == [("c.1189C>T", KV01)]


def test_synonymous_query_lists_every_synonymous_snv():
    names = [c.c_name for c in parse("p.Arg397=", DATA).candidates]
    assert names and all(n.startswith(("c.1189", "c.1190", "c.1191")) for n in names)


@pytest.mark.parametrize(
    "text, c_name, vcf38",
    [
        ("c.816+2T>A", "c.816+2T>A", (49255427, "A", "T")),
        ("c.*876A>G", "c.*876A>G", (49250458, "T", "C")),
        ("c.-22-902A>G", "c.-22-902A>G", (49259429, "T", "C")),
        ("c.751_753del", "c.751_753del", (49255491, "TCTC", "T")),
        ("c.750_752del", "c.751_753del", (49255491, "TCTC", "T")),  # 3' rule applied
        ("c.1117_1118delTTinsGC", "c.1117_1118delinsGC", (49251692, "AA", "GC")),
        ("c.1189dup", "c.1189dup", (49251440, "C", "CG")),
        ("c.1189_1190insT", "c.1189_1190insT", (49251440, "C", "CA")),
    ],
)
def test_c_names_map_to_vcf_alleles(text, c_name, vcf38):
    parsed = parse(text, DATA)
    assert parsed.c_name == c_name
    v = parsed.alleles[Build.GRCH38]
    assert (v.pos, v.ref, v.alt) == vcf38
    assert Build.GRCH37 in parsed.alleles


@pytest.mark.parametrize(
    "text, message",
    [
        ("c.1189G>T", "the name says G but the reference has C"),
        ("NM_000000.1:c.1189C>T", "is not NM_014009"),
        ("g.49251441G>A", "needs a build"),
        ("NC_000023.11:g.1000G>A", "outside the bundled FOXP3 locus"),
        ("X-49251441-T-A", "does not match the FOXP3 reference"),
        ("p.Gly397Trp", "residue 397 of NP_054728.2 is Arg"),
        ("c.816+90000A>G", "not an intronic position"),
        ("c.1400A>G", "beyond the stop codon"),
        ("hello", "cannot parse"),
        ("c.10_12insA", "between two adjacent bases"),
        # N = an unknown base: codon, frame and splice effect unknown (the VCF reader skips N)
        ("c.1189delinsN", "holds N (an unknown base)"),
        ("c.1189C>N", "holds N (an unknown base)"),
        ("c.1189_1190insNN", "holds N (an unknown base)"),
        ("c.1188_1189delinsTN", "holds N (an unknown base)"),
        ("chrX:49251441:G:N", "holds N (an unknown base)"),
    ],
)
def test_errors_are_one_line_with_a_hint(text, message):
    with pytest.raises(HgvsParseError) as info:
        parse(text, DATA)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and info.value.hint
