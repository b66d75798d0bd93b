"""annotate_variant: flags, other build, known-variant matching and automated evidence."""

from __future__ import annotations

import pytest

from ipexcli.consequence import Consequence
from ipexcli.engine import Flag, annotate_variant
from ipexcli.evidence import DISCLAIMER, Strength
from ipexcli.hgvs import parse
from ipexcli.model import Build, GenomicVariant, Significance
from ipexcli.normalize import Shift, minimal
from ipexcli.refdata import load

DATA = load()


def at(name: str, build: Build = Build.GRCH38) -> GenomicVariant:
    return parse(name, DATA).alleles[build]


def codes(annotation) -> list[str]:
    return [e.code for e in annotation.evidence]


def test_known_deletion_matches_in_any_representation_and_build():
    row = next(r for r in DATA.known if r.id == "KV05")
    for build in Build:
        vcf = row.allele(build)
        locus = DATA.locus(build)
        forms = [
            vcf,
            minimal(vcf, locus, Shift.LEFT),  # unanchored
            minimal(vcf, locus, Shift.RIGHT),  # written at the other end of the GAG repeat
        ]
        assert len({(f.pos, f.ref) for f in forms}) == 3
        for form in forms:
            assert [h.id for h in annotate_variant(form, DATA).known.exact] == ["KV05"]


def test_build_specific_reference_allele_is_matched_in_each_build():
    # rs3761548: the builds carry different reference alleles; each build's row matches
    row = next(r for r in DATA.known if r.id == "KV10")
    assert row.rsid == "rs3761548" and row.allele_note
    for build in Build:
        a = annotate_variant(row.allele(build), DATA)
        assert [h.id for h in a.known.exact] == ["KV10"]
        assert a.other_build is None and Flag.NO_OTHER_BUILD in a.flags


def test_other_build_allele_uses_the_locus_alignment_in_introns():
    # c.-22-2361C>T (KV20) in intron 1, where GRCh37 and GRCh38 differ in length
    row = next(r for r in DATA.known if r.id == "KV20")
    a = annotate_variant(row.allele(Build.GRCH38), DATA)
    assert a.other_build == row.allele(Build.GRCH37)


def test_ps1_same_amino_acid_change_different_nucleotide():
    # KV04 c.1099T>C p.Phe367Leu is Pathogenic; c.1101C>A gives the same Phe367Leu
    candidates = [c.c_name for c in parse("p.Phe367Leu", DATA).candidates]
    assert "c.1099T>C" in candidates and "c.1101C>A" in candidates
    a = annotate_variant(at("c.1101C>A"), DATA)
    assert a.hgvs_p == "NP_054728.2:p.(Phe367Leu)"
    assert [h.id for h in a.known.same_protein_change] == ["KV04"]
    assert not a.known.exact
    ps1 = [e for e in a.evidence if e.code.startswith("PS1")]
    assert len(ps1) == 1 and "KV04" in ps1[0].reason
    # KV04 has no review stars: Supporting
    assert ps1[0].strength is Strength.SUPPORTING


def test_pm5_other_missense_at_a_pathogenic_residue():
    # Arg397: KV01 (Arg397Trp, P, 2 stars) and KV02 (Arg397Gln, P/LP, 2 stars)
    a = annotate_variant(at("c.1189C>G"), DATA)
    assert a.hgvs_p == "NP_054728.2:p.(Arg397Gly)"
    assert sorted(h.id for h in a.known.same_residue_missense) == ["KV01", "KV02"]
    assert "PM5" in codes(a)
    pm5 = next(e for e in a.evidence if e.code == "PM5")
    assert pm5.strength is Strength.MODERATE


def test_literature_missense_at_a_residue_gives_pm5_supporting_only():
    # Pro339: KV15/KV16 are reported in IPEX patients (literature), not classified (#12)
    a = annotate_variant(at("c.1016C>T"), DATA)
    assert Consequence.MISSENSE in a.consequences
    assert {h.id for h in a.known.same_residue_missense} <= {"KV15", "KV16"}
    assert all(not h.significance.is_pathogenic for h in a.known.same_residue_missense)
    assert [c for c in codes(a) if c.startswith("PM5")] == ["PM5_Supporting"]


def test_humsavar_row_is_not_a_pathogenic_classification():
    # KV21 c.1087A>G p.Ile363Val: UniProt humsavar LP/P category = literature curation (#12)
    a = annotate_variant(at("c.1087A>G"), DATA)
    (hit,) = a.known.exact
    assert hit.row.assertion_type == "uniprot_humsavar" and hit.row.humsavar_category == "LP/P"
    assert hit.significance is Significance.NOT_CLASSIFIED and hit.is_literature
    # a different missense at Ile363: the humsavar row supports PM5 at Supporting only
    other = annotate_variant(at("c.1088T>C"), DATA)
    assert [e.code for e in other.evidence] == ["PM5_Supporting"]


def test_exact_match_carries_the_classification():
    a = annotate_variant(at("c.1189C>T"), DATA)
    (hit,) = a.known.exact
    assert hit.significance is Significance.PATHOGENIC
    assert hit.row.review_stars == 2


@pytest.mark.parametrize(
    "name, code, strength",
    [
        ("c.600del", "PVS1", Strength.VERY_STRONG),  # stop in exon 7: NMD expected
        ("c.1189dup", "PVS1_Strong", Strength.STRONG),  # stop in the last exon
        # exon 8 (81 nt) skips in frame, 27 aa, no critical region (#12, ClinGen PVS1 tree)
        ("c.816+2T>A", "PVS1_Moderate", Strength.MODERATE),
        # start loss with an in-frame Met64 and no ClinVar P/LP upstream of it
        ("c.1A>G", "PVS1_Supporting", Strength.SUPPORTING),
    ],
)
def test_pvs1(name, code, strength):
    a = annotate_variant(at(name), DATA)
    pvs1 = [e for e in a.evidence if e.code.startswith("PVS1")]
    assert [(e.code, e.strength) for e in pvs1] == [(code, strength)]
    assert pvs1[0].reason


def test_pvs1_nmd_boundary_is_50_nt_before_the_last_exon():
    # exon 11 is n.1117-1218, exon 12 starts at n.1219 (c.1147): NMD is expected for a stop
    # whose first base lies before n.1169 (c.1097) and not from there on
    tx = DATA.transcript(Build.GRCH38)
    assert tx.exons[-1].tx_start - 50 - tx.cds_tx_start + 1 == 1097
    results = {}
    for c in range(1090, 1105):
        codon_start = c - (c - 1) % 3
        for base in "ACGT":
            name = f"c.{c}{tx.cdna[tx.cds_tx_start - 2 + c]}>{base}"
            if base == tx.cdna[tx.cds_tx_start - 2 + c]:
                continue
            a = annotate_variant(at(name), DATA)
            if Consequence.STOP_GAINED in a.consequences:
                results[codon_start] = [e.code for e in a.evidence if e.code.startswith("PVS1")]
    assert results, "no stop-gain SNV near the NMD boundary"
    for codon_start, pvs1 in results.items():
        assert pvs1 == (["PVS1"] if codon_start < 1097 else ["PVS1_Strong"])


def test_pm4_for_inframe_and_stop_loss():
    assert "PM4" in codes(annotate_variant(at("c.751_753del"), DATA))
    assert "PM4" in codes(annotate_variant(at("c.1296A>G"), DATA))
    assert "PM4" not in codes(annotate_variant(at("c.1189C>T"), DATA))


@pytest.mark.parametrize(
    "af, expected",
    # IPEX thresholds (#12): BA1 > 0.1%, BS1 > 0.01%, PM2_Supporting <= 0.01%
    [(0.2, ["BA1"]), (0.02, ["BA1"]), (0.0011, ["BA1"]), (0.001, ["BS1"]), (0.00011, ["BS1"]),
     (0.0001, ["PM2_Supporting"]), (0.00001, ["PM2_Supporting"]), (0.0, ["PM2_Supporting"]),
     (None, [])],
)
def test_allele_frequency_codes(af, expected):
    a = annotate_variant(at("c.1040G>A"), DATA, allele_frequency=af)
    assert [c for c in codes(a) if c in ("BA1", "BS1", "PM2_Supporting")] == expected


def test_evidence_is_labelled_as_not_a_classification():
    assert "not a classification" in DISCLAIMER


def test_flags_ccdc22_and_polya():
    a = annotate_variant(at("c.*876A>G"), DATA)
    assert {Flag.CCDC22_LAST_EXON, Flag.POLYA_SIGNAL} <= set(a.flags)
    b = annotate_variant(at("c.*10C>T"), DATA)
    assert Flag.CCDC22_LAST_EXON not in b.flags and Flag.POLYA_SIGNAL not in b.flags


def test_ref_mismatch_is_flagged_not_fatal():
    good = at("c.1189C>T")
    bad = GenomicVariant(good.build, good.pos, "C", "A")  # reference is G
    a = annotate_variant(bad, DATA)
    assert a.flags == (Flag.REF_MISMATCH,)
    assert a.hgvs_c is None and a.normalized is None
    assert a.consequences  # still located (exon 12)


def test_outside_the_locus():
    locus = DATA.locus(Build.GRCH38)
    far = GenomicVariant(Build.GRCH38, locus.pos_start - 1000, "A", "G")
    a = annotate_variant(far, DATA)
    assert Flag.OUTSIDE_LOCUS in a.flags
    # FOXP3 is on the minus strand: below the locus is downstream of the transcript
    tx = DATA.transcript(Build.GRCH38)
    assert a.distance == tx.start - (far.pos - 1) == 3002
    assert a.consequences == (Consequence.DOWNSTREAM,)


def test_symbolic_allele_is_not_annotated():
    a = annotate_variant(GenomicVariant(Build.GRCH38, 49251441, "G", "<DEL>"), DATA)
    assert a.flags == (Flag.UNSUPPORTED_ALLELE,) and not a.consequences


def test_positions_and_features():
    a = annotate_variant(at("c.1189C>T"), DATA)
    assert (a.cdna_pos, a.cds_pos, a.aa_pos, a.codons, a.amino_acids) == (
        "1261", "1189", "397", "Cgg/Tgg", "R/W",
    )
    assert a.protein_features == ("Fork-head DNA-binding",)
    assert a.impact is not None and str(a.impact) == "MODERATE"
