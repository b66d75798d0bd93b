"""The ClinVar VCF record parser, ClinVar vocabulary, the g. derivation hook and its comparison,
the merge policy; with Hypothesis fuzzing of the parser and a scan of fuzzed files."""

from __future__ import annotations

import contextlib
import gzip
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipexcli import refdata
from ipexcli.errors import OutOfLocusError, UpdateError
from ipexcli.model import Build
from ipexcli.update import (
    REVIEW_STARS,
    ClinVarRecordError,
    HgvsCheck,
    RejectReason,
    apply_genomic_hgvs,
    clinvar_words,
    compare_genomic_hgvs,
    derive_genomic_hgvs,
    join_builds,
    merge_tables,
    parse_record,
    review_stars,
    scan_release,
)

from .update_helpers import BAD_REF, FACTS, clinvar_vcf, record_line

DATA = refdata.load_from(refdata.data_root())
L38, L37 = DATA.locus(Build.GRCH38), DATA.locus(Build.GRCH37)

#: generated-case counters, printed at the end of the module (run with -s to see them)
FUZZ_CASES: Counter[str] = Counter()


# -- parser -----------------------------------------------------------------------------------


def test_parse_a_real_record():
    record = parse_record(record_line(FACTS[0], "GRCh38"), 12)
    assert (record.chrom, record.pos, record.variation_id, record.ref, record.alt) == (
        "X", 49251441, "11407", "G", "A"
    )
    assert record.significance == "Pathogenic"
    assert record.review_status == "criteria provided, multiple submitters, no conflicts"
    assert record.condition == "Insulin-dependent diabetes mellitus secretory diarrhea syndrome"
    assert record.hgvs_g == "NC_000023.11:g.49251441G>A"
    assert record.genes == ("FOXP3:50943",)
    assert record.rsid == "rs28935477"
    assert record.line == 12


def test_alt_dot_means_no_alternate_allele():
    assert parse_record("X\t49251441\t11407\tG\t.\t.\t.\t.", 1).alt == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X\t49251441\t11407\tG\tA", "5 columns, expected 8"),
        ("X\tabc\t11407\tG\tA\t.\t.\t.", "POS 'abc' is not a position"),
        ("X\t0\t11407\tG\tA\t.\t.\t.", "POS '0'"),
        ("X\t49251441\trs28935477\tG\tA\t.\t.\t.", "not a ClinVar Variation ID"),
        ("X\t49251441\t11407\t<DEL>\tA\t.\t.\t.", "REF '<DEL>' is not a base sequence"),
        ("X\t49251441\t11407\tG\tA,T\t.\t.\t.", "ALT 'A,T' is not one base sequence"),
        ("X\t49251441\t11407\tG\t\t.\t.\t.", "ALT ''"),
        ("X\t49251441\t١١٤٠٧\tG\tA\t.\t.\t.", "not a ClinVar Variation ID"),  # non-ASCII digits
    ],
)
def test_malformed_records_are_named_errors(line, message):
    with pytest.raises(ClinVarRecordError, match=re.escape(message)):
        parse_record(line, 7)


def test_clinvar_vocabulary():
    assert clinvar_words("Conflicting_classifications_of_pathogenicity") == (
        "Conflicting classifications of pathogenicity"
    )
    assert clinvar_words("not_specified|AllHighlyPenetrant") == "not specified; AllHighlyPenetrant"
    assert clinvar_words("") == ""


@pytest.mark.parametrize(
    ("vcf_text", "stars"),
    [
        ("practice_guideline", 4),
        ("reviewed_by_expert_panel", 3),
        ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
        ("criteria_provided,_conflicting_classifications", 1),
        ("criteria_provided,_conflicting_interpretations", 1),
        ("criteria_provided,_single_submitter", 1),
        ("no_assertion_criteria_provided", 0),
        ("no_classification_provided", 0),
        ("no_assertion_provided", 0),
        ("no_assertion_for_the_individual_variant", 0),
        ("something_new", None),
    ],
)
def test_review_stars_follow_the_field_notes_table(vcf_text, stars):
    assert review_stars(clinvar_words(vcf_text)) == stars


def test_every_star_level_is_mapped():
    assert set(REVIEW_STARS.values()) == {0, 1, 2, 3, 4}


# -- g. derivation and comparison -------------------------------------------------------------


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.kv)
def test_derived_g_matches_the_clinvar_style_g_of_real_variants(fact):
    for locus, (pos, ref, alt), stated in (
        (L38, fact.grch38, fact.hgvs_g[0]),
        (L37, fact.grch37, fact.hgvs_g[1]),
    ):
        assert derive_genomic_hgvs(locus, pos, ref, alt) == stated


def test_insertion_of_a_present_copy_is_a_3prime_dup():
    # KV05 region ...CAGCT T|CTCCTTCTCC...: inserting CTC after the T shifts right to a dup of
    # CCT at 49255494-49255496, the same bases the 3'-most deletion removes
    assert derive_genomic_hgvs(L38, 49255491, "T", "TCTC") == "NC_000023.11:g.49255494_49255496dup"


def test_insertion_of_new_bases():
    pos = 49251441  # KV01's G; insert AAAAAAAAAA... not present before
    anchor = L38.base(pos)
    hgvs = derive_genomic_hgvs(L38, pos, anchor, anchor + "ACGTACGTAC")
    assert re.fullmatch(r"NC_000023\.11:g\.(\d+)_(\d+)ins[ACGT]{10}", hgvs)
    first, second = (int(x) for x in re.findall(r"\d+", hgvs.split("g.")[1])[:2])
    assert second == first + 1


def test_outside_the_locus_is_an_error():
    with pytest.raises(OutOfLocusError):
        derive_genomic_hgvs(L38, L38.pos_end + 10, "A", "")
    with pytest.raises(OutOfLocusError):
        derive_genomic_hgvs(L38, L38.pos_end, L38.base(L38.pos_end), "")


def _record(pos, ref, alt, hgvs):
    return parse_record(f"X\t{pos}\t1\t{ref}\t{alt}\t.\t.\tCLNHGVS={hgvs};CLNSIG=Pathogenic", 1)


def test_comparison_same_equivalent_different_not_compared():
    kv05 = (49255491, "TCTC", "T")
    assert compare_genomic_hgvs(L38, _record(*kv05, "NC_000023.11:g.49255494_49255496del")) is (
        HgvsCheck.SAME
    )
    # the same deletion written without the 3' shift still describes the same change
    assert compare_genomic_hgvs(L38, _record(*kv05, "NC_000023.11:g.49255492_49255494del")) is (
        HgvsCheck.EQUIVALENT
    )
    assert compare_genomic_hgvs(L38, _record(*kv05, "NC_000023.11:g.49255500_49255502del")) is (
        HgvsCheck.DIFFERENT
    )
    assert compare_genomic_hgvs(L38, _record(*kv05, "NC_000023.11:g.49255494_49255496del")) is (
        HgvsCheck.SAME
    )
    assert compare_genomic_hgvs(L38, _record(*kv05, "NC_000023.10:g.49111955_49111957del")) is (
        HgvsCheck.NOT_COMPARED  # other build's accession: not this locus
    )
    assert compare_genomic_hgvs(L38, _record(*kv05, "garbage")) is HgvsCheck.NOT_COMPARED


def _homopolymer(locus, length=4):
    """A run of exactly ``length`` identical bases in the bundled sequence: (1-based pos, base)."""
    match = re.search(rf"(?=([ACGT])\1{{{length - 1}}}(?!\1))", locus.sequence[1:])
    offset = match.start() + 1
    assert locus.sequence[offset - 1] != locus.sequence[offset]
    return locus.start + offset + 1, locus.sequence[offset]


def test_repeat_notation_is_equivalent():
    pos, base = _homopolymer(L38)  # 4 copies of base at pos..pos+3
    anchor = L38.base(pos - 1)
    record = _record(pos - 1, anchor + base, anchor, f"NC_000023.11:g.{pos}_{pos + 3}{base}[3]")
    assert compare_genomic_hgvs(L38, record) is HgvsCheck.EQUIVALENT
    assert apply_genomic_hgvs(L38, f"NC_000023.11:g.{pos}{base}[5]") == (
        pos - 1, pos + 3, base * 5
    )
    wrong = _record(pos - 1, anchor + base, anchor, f"NC_000023.11:g.{pos}_{pos + 3}{base}[2]")
    assert compare_genomic_hgvs(L38, wrong) is HgvsCheck.DIFFERENT


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offset=st.integers(min_value=40, max_value=len(L38.sequence) - 60),
    ref_length=st.integers(min_value=0, max_value=6),
    alt=st.text(alphabet="ACGT", min_size=0, max_size=6),
)
def test_fuzz_derived_g_round_trips_to_the_same_change(offset, ref_length, alt):
    """Property: whatever change we derive a g. for, applying that g. gives the same sequence,
    and the comparison calls it SAME."""
    FUZZ_CASES["derive_genomic_hgvs round trip"] += 1
    pos = L38.start + offset + 1
    ref = L38.fetch(pos - 1, pos - 1 + ref_length + 1)  # VCF REF with anchor
    alt = ref[0] + alt
    if ref == alt:
        return
    try:
        stated = derive_genomic_hgvs(L38, pos, ref, alt)
    except OutOfLocusError:
        return
    record = _record(pos, ref, alt, stated)
    assert compare_genomic_hgvs(L38, record) is HgvsCheck.SAME
    edit = apply_genomic_hgvs(L38, stated)
    assert edit is not None, stated
    start, end, replacement = edit
    rebuilt = L38.sequence[: start - L38.start] + replacement + L38.sequence[end - L38.start :]
    left, right = pos - 1 - L38.start, pos - 1 + len(ref) - L38.start
    expected = L38.sequence[:left] + alt + L38.sequence[right:]
    assert rebuilt == expected


# -- fuzzing the record parser ----------------------------------------------------------------

_FIELD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"),
    max_size=12,
)
_NEAR_VALID = st.tuples(
    st.sampled_from(["X", "chrX", "23", "1", "", "X\x00"]),
    st.one_of(st.integers(-5, 10**12).map(str), _FIELD),
    st.one_of(st.integers(0, 10**7).map(str), st.just("."), _FIELD),
    st.one_of(st.text("ACGTNacgtn", min_size=0, max_size=8), _FIELD),
    st.one_of(st.text("ACGTN.,<>*", min_size=0, max_size=8), _FIELD),
    _FIELD,
    _FIELD,
    st.lists(
        st.tuples(
            st.sampled_from(
                ["CLNSIG", "CLNREVSTAT", "CLNDN", "CLNHGVS", "GENEINFO", "RS", "", "="]
            ),
            _FIELD,
        ),
        max_size=6,
    ).map(lambda items: ";".join(f"{k}={v}" for k, v in items)),
).map("\t".join)


@settings(max_examples=800, deadline=None)
@given(line=st.one_of(st.text(max_size=200), _NEAR_VALID))
def test_fuzz_parse_record_raises_only_named_errors(line):
    FUZZ_CASES["parse_record"] += 1
    try:
        record = parse_record(line, 1)
    except ClinVarRecordError as exc:
        assert str(exc).startswith("line 1: ")
        return
    # parsed: the accessors never raise either
    assert record.pos >= 1 and record.variation_id.isdigit()
    _ = (record.genes, record.significance, record.review_status, record.condition, record.rsid)
    for locus in (L38, L37):
        with contextlib.suppress(OutOfLocusError):
            compare_genomic_hgvs(locus, record)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(_NEAR_VALID, max_size=8),
    keep=st.booleans(),
    gzipped=st.booleans(),
    cut=st.integers(min_value=0, max_value=400),
)
def test_fuzz_scan_release_raises_only_update_errors(tmp_path_factory, lines, keep, gzipped, cut):
    """Whole files: real records mixed with fuzzed lines, optionally gzipped and cut short."""
    FUZZ_CASES["scan_release (whole files)"] += 1
    text = gzip.decompress(clinvar_vcf("GRCh38")).decode()
    if not keep:
        text = text.split("#CHROM", 1)[0] + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    text += "".join(line + "\n" for line in lines)
    payload = gzip.compress(text.encode(), mtime=0) if gzipped else text.encode()
    if cut and cut < len(payload):
        payload = payload[: len(payload) - cut]
    path = tmp_path_factory.mktemp("fuzz") / "clinvar.vcf.gz"
    path.write_bytes(payload)
    try:
        scan = scan_release(path, Build.GRCH38, DATA, "file:///fuzz")
    except UpdateError:
        return
    assert scan.records_read >= 0
    for record in scan.accepted.values():
        assert L38.fetch(record.pos - 1, record.pos - 1 + len(record.ref)) == record.ref


def test_zz_report_fuzz_counts():
    """Print the counts (pytest -s); each target must have run its full budget."""
    if not FUZZ_CASES:
        pytest.skip("the fuzz tests were not selected")
    print("\nfuzz cases:", dict(FUZZ_CASES))
    assert FUZZ_CASES["parse_record"] >= 800
    assert FUZZ_CASES["scan_release (whole files)"] >= 100
    assert FUZZ_CASES["derive_genomic_hgvs round trip"] >= 300


# -- scanning and merging ---------------------------------------------------------------------


def _scan(tmp_path, build, facts=FACTS, extra=""):
    path = tmp_path / f"{build}.vcf.gz"
    path.write_bytes(clinvar_vcf(build, facts, extra=extra))
    return scan_release(path, Build(build), DATA, "file:///test")


def test_scan_counts_and_rejects(tmp_path):
    no_alt = "X\t49251441\t11407\tG\t.\t.\t.\tCLNSIG=Pathogenic;GENEINFO=FOXP3:50943\n"
    scan = _scan(tmp_path, "GRCh38", (*FACTS, BAD_REF), extra=no_alt)
    assert scan.file_date == "2024-02-14"
    assert (scan.records_read, scan.foxp3_records) == (7, 7)
    assert set(scan.accepted) == {"11413", "11415", "129111", "379222"}
    assert dict(scan.reject_counts) == {
        RejectReason.REF_MISMATCH.value: 1, RejectReason.NO_ALT.value: 1
    }
    assert scan.rejected["11407"] is RejectReason.NO_ALT  # one bad record rejects the variation


def test_merge_adds_variations_missing_from_the_bundled_table(tmp_path):
    scans = {b: _scan(tmp_path, b.value) for b in Build}
    variations, rejected = join_builds(scans)
    assert not rejected and len(variations) == 5
    bundled_rows = [
        row for row in refdata._read_tsv(refdata.data_root() / "known_variants.tsv")
        if row["id"] != "KV01"
    ]
    merged = merge_tables(bundled_rows, variations, "2024-02-14", "file:///test")
    assert (merged.updated, merged.added, merged.kept) == (4, 1, 25)
    added = merged.rows[-1]
    assert added["id"] == "CV11407"
    assert (added["grch38_pos"], added["grch38_ref"], added["grch38_alt"]) == ("49251441", "G", "A")
    assert (added["grch37_pos"], added["grch37_ref"], added["grch37_alt"]) == ("49107902", "G", "A")
    assert added["classification"] == "Pathogenic" and added["review_stars"] == "2"
    assert (added["assertion_type"], added["classification_date_kind"]) == (
        "clinvar_germline", "clinvar_release"
    )
    assert added["hgvs_p"] == "p.(Arg397Trp)"
    assert "GRCh38 CLNHGVS NC_000023.11:g.49251441G>A" in added["note"]
    assert added["hgvs_c"] == "c.1189C>T"  # named by our HGVS engine


def test_merge_keeps_the_former_classification_in_the_note(tmp_path):
    facts = [f for f in FACTS if f.kv == "KV13"]
    scans = {b: _scan(tmp_path, b.value, facts) for b in Build}
    variations, _ = join_builds(scans)
    bundled_rows = refdata._read_tsv(refdata.data_root() / "known_variants.tsv")
    bundled_rows = [dict(r, classification="Uncertain significance") if r["id"] == "KV13" else r
                    for r in bundled_rows]
    merged = merge_tables(bundled_rows, variations, "2024-02-14", "file:///test")
    kv13 = next(r for r in merged.rows if r["id"] == "KV13")
    assert kv13["classification"] == "Likely benign"
    assert "before ClinVar VCF release 2024-02-14: Uncertain significance (ClinVar 2016-09 " in (
        kv13["note"]
    )


def test_a_variation_missing_from_one_build_keeps_the_bundled_coordinates(tmp_path):
    kv01 = [f for f in FACTS if f.kv == "KV01"]
    scans = {
        Build.GRCH38: _scan(tmp_path, "GRCh38", kv01),
        Build.GRCH37: _scan(tmp_path, "GRCh37", ()),
    }
    variations, _ = join_builds(scans)
    bundled_rows = refdata._read_tsv(refdata.data_root() / "known_variants.tsv")
    merged = merge_tables(bundled_rows, variations, "2024-02-14", "file:///test")
    row = next(r for r in merged.rows if r["id"] == "KV01")
    assert (row["grch37_pos"], row["grch37_ref"], row["grch37_alt"]) == ("49107902", "G", "A")
    assert merged.one_build == 1
    without_kv01 = [r for r in bundled_rows if r["id"] != "KV01"]
    added = merge_tables(without_kv01, variations, "2024-02-14", "file:///test").rows[-1]
    assert (added["id"], added["grch38_pos"], added["grch37_pos"]) == ("CV11407", "49251441", "")


def test_an_endless_line_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    import ipexcli.update as update_module

    monkeypatch.setattr(update_module, "MAX_LINE_CHARS", 1000)
    path = tmp_path / "garbage.vcf"
    path.write_text("##fileformat=VCFv4.1\n" + "A" * 5000 + "\n")
    with pytest.raises(UpdateError, match="a line longer than 1,000 characters"):
        scan_release(path, Build.GRCH38, DATA, "file:///garbage")
