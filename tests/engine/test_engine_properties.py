"""Acceptance 3: Hypothesis properties of normalisation and coordinate mapping (both builds)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipexcli.engine import annotate_variant
from ipexcli.model import Build, GenomicVariant
from ipexcli.normalize import Shift, alt_haplotype, minimal, normalize_vcf
from ipexcli.refdata import load
from ipexcli.transcript import transcript_map

DATA = load()
builds = st.sampled_from(list(Build))
bases = st.text(alphabet="ACGT", min_size=1, max_size=6)


@st.composite
def indels(draw):
    """A deletion or insertion (VCF-anchored) somewhere inside the locus, away from its ends."""
    build = draw(builds)
    locus = DATA.locus(build)
    pos = draw(st.integers(locus.pos_start + 50, locus.pos_end - 50))
    anchor = locus.base(pos)
    if draw(st.booleans()):
        length = draw(st.integers(1, 6))
        ref = locus.fetch(pos - 1, pos + length)
        return GenomicVariant(build, pos, ref, anchor)
    # insertions copy nearby sequence half of the time, so repeats are well exercised
    if draw(st.booleans()):
        length = draw(st.integers(1, 6))
        insert = locus.fetch(pos, pos + length)
    else:
        insert = draw(bases)
    return GenomicVariant(build, pos, anchor, anchor + insert)


@settings(max_examples=300, deadline=None)
@given(indels())
def test_normalisation_is_idempotent(variant):
    locus = DATA.locus(variant.build)
    once = normalize_vcf(variant, locus)
    assert normalize_vcf(once, locus) == once
    right = minimal(variant, locus, Shift.RIGHT)
    assert minimal(right, locus, Shift.RIGHT) == right


@settings(max_examples=300, deadline=None)
@given(indels())
def test_left_and_right_forms_make_the_same_haplotype(variant):
    locus = DATA.locus(variant.build)
    haplotype = alt_haplotype(variant, locus)
    for form in (
        normalize_vcf(variant, locus),
        minimal(variant, locus, Shift.LEFT),
        minimal(variant, locus, Shift.RIGHT),
    ):
        assert alt_haplotype(form, locus) == haplotype


@settings(max_examples=100, deadline=None)
@given(indels())
def test_every_representation_gets_the_same_annotation(variant):
    locus = DATA.locus(variant.build)
    left = normalize_vcf(variant, locus)
    right = minimal(variant, locus, Shift.RIGHT)
    a, b = annotate_variant(left, DATA), annotate_variant(right, DATA)
    assert (a.hgvs_g, a.hgvs_c, a.hgvs_p, a.consequences) == (
        b.hgvs_g, b.hgvs_c, b.hgvs_p, b.consequences
    )


def test_g_to_c_to_g_round_trips_over_the_whole_transcript_span():
    """Every base of the transcript span (exons and introns) and 100 bases beyond, both builds."""
    for build in Build:
        tmap = transcript_map(DATA, build)
        tx = DATA.transcript(build)
        for pos in range(tx.start + 1 - 100, tx.end + 1 + 100):
            assert tmap.genomic_pos(tmap.c_position(pos)) == pos


@settings(max_examples=200, deadline=None)
@given(builds, st.data())
def test_c_name_round_trips_through_the_parser(build, data):
    from ipexcli.hgvs import parse

    tx = DATA.transcript(build)
    locus = DATA.locus(build)
    pos = data.draw(st.integers(tx.start + 1, tx.end))
    ref = locus.base(pos)
    alt = data.draw(st.sampled_from([b for b in "ACGT" if b != ref]))
    a = annotate_variant(GenomicVariant(build, pos, ref, alt), DATA)
    parsed = parse(a.hgvs_c, DATA) if build is Build.GRCH38 else None
    g = parse(a.hgvs_g, DATA)
    assert g.alleles[build] == GenomicVariant(build, pos, ref, alt)
    if parsed is not None:
        assert parsed.alleles[build] == GenomicVariant(build, pos, ref, alt)


@settings(max_examples=200, deadline=None)
@given(indels())
def test_indel_names_round_trip_through_the_parser(variant):
    """g. and c. names of any indel parse back to the same VCF-normalised allele."""
    from ipexcli.hgvs import parse

    locus = DATA.locus(variant.build)
    expected = normalize_vcf(variant, locus)
    a = annotate_variant(variant, DATA)
    assert parse(a.hgvs_g, DATA).alleles[variant.build] == expected
    if variant.build is Build.GRCH38:  # c. names are placed on GRCh38
        assert parse(a.hgvs_c, DATA).alleles[variant.build] == expected
