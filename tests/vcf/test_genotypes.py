"""Cohort genotype columns (:mod:`ipexcli.genotypes`) against the one-column-at-a-time parse,
the plain-REF "silent" rule against the genotype labels, and the memoised interpreter against
:func:`ipexcli.inheritance.interpret_genotype`.

The oracle for :class:`SampleCalls` is :meth:`SampleColumns.parse` applied to every column
(the dense reading that ``--genotypes all`` depends on): the regex scan, the lazy parsing and
the shared Call objects must change nothing but the speed.
"""

from __future__ import annotations

import random
from dataclasses import astuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ipexcli.genotypes import (
    PLAIN_REF_GTS,
    SampleCalls,
    SampleColumns,
    int_or_none,
    parse_gt,
)
from ipexcli.inheritance import (
    MemoInterpreter,
    VariantFinding,
    VerdictKind,
    interpret_genotype,
    label_genotype,
    plain_ref_is_silent,
)
from ipexcli.model import Call, Sex, Significance

SETTINGS = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: GTs as cohort files write them, plus the near misses a regex could confuse with plain REF
GTS = (
    "0", "0/0", "0|0", "0/1", "1|0", "1", ".", "./.", "0/.", "./0", "1/2", "2", "0/0/0",
    "/0|0", "00", "0/00", "",
)
#: malformed for every view (``3`` names a third ALT); drawn rarely so most records parse
BAD_GTS = ("0/", "x", "3")
#: (alt_index, n_alts) views of a record
VIEWS = ((1, 2), (2, 2), (1, 1))


@st.composite
def sample_columns(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A FORMAT and its sample columns (GT first, GT only, or GT not first)."""
    fmt = draw(st.sampled_from(("GT:AD:DP:GQ", "GT", "AD:GT")))
    n = draw(st.integers(min_value=1, max_value=12))
    columns = []
    for _ in range(n):
        bad = draw(st.integers(min_value=0, max_value=24)) == 0
        gt = draw(st.sampled_from(BAD_GTS if bad else GTS))
        ad = draw(st.sampled_from(("10,5,1", "7,3", ".", "", "4,x,2")))
        if fmt == "GT":
            column = gt
        elif fmt == "AD:GT":
            column = draw(st.sampled_from((f"{ad}:{gt}", ad)))  # trailing GT may be dropped
        else:
            rest = draw(st.sampled_from((f":{ad}:20:99", f":{ad}", "", ":.:.:.")))
            column = gt + rest
        columns.append(column)
    if draw(st.booleans()):
        columns.append("")  # a trailing empty column: the scan's sentinel must cope
    return fmt, columns


def _dense(columns: SampleColumns, texts: list[str], alt_index: int, n_alts: int) -> list[Call]:
    return [columns.parse(text, alt_index, n_alts) for text in texts]


def _gt_of(fmt: str, text: str) -> str:
    values = text.split(":")
    at = fmt.split(":").index("GT")
    return values[at] if at < len(values) else ""


@SETTINGS
@given(sample_columns(), st.sampled_from(VIEWS))
def test_sample_calls_equal_the_dense_parse(
    drawn: tuple[str, list[str]], view: tuple[int, int]
) -> None:
    fmt, texts = drawn
    alt_index, n_alts = view
    columns = SampleColumns(fmt, "\t".join(texts), len(texts))
    try:
        dense = _dense(columns, texts, alt_index, n_alts)
    except ValueError:
        event("malformed")
        with pytest.raises(ValueError):
            SampleCalls(columns, alt_index, n_alts)
        return
    event(f"parsed, {fmt}")
    calls = SampleCalls(columns, alt_index, n_alts)
    assert len(calls) == len(texts)
    assert tuple(calls) == tuple(dense)
    assert calls == tuple(dense)
    assert list(calls.notable()) == [
        (i, c) for i, c in enumerate(dense) if c.raw_gt not in PLAIN_REF_GTS
    ]
    for i in range(len(texts)):
        assert calls[i] == dense[i]
        assert calls[i - len(texts)] == dense[i]
    with pytest.raises(IndexError):
        calls[len(texts)]
    with pytest.raises(IndexError):
        calls[-len(texts) - 1]
    assert calls[1:] == tuple(dense[1:])
    indexes = list(range(len(texts)))
    assert calls.haploid_ref(indexes) == [i for i in indexes if dense[i].raw_gt == "0"]
    # the raw GT is exactly the column's GT field, never rewritten
    assert [c.raw_gt for c in dense] == [_gt_of(fmt, t) for t in texts]


@pytest.mark.parametrize("fmt", ["GT", "GT:AD:DP:GQ"])
def test_last_and_trailing_empty_columns_are_found(fmt: str) -> None:
    tail = "" if fmt == "GT" else ":3,4:7:50"
    texts = ["0/0" + tail, "0" + tail, "0|1" + tail, "0/0" + tail, ""]
    calls = SampleCalls(SampleColumns(fmt, "\t".join(texts), len(texts)))
    assert [(i, c.raw_gt) for i, c in calls.notable()] == [(2, "0|1"), (4, "")]
    assert calls[4] == Call((), False, "", None, None, None, False)
    # a last column that is notable and has no tab after it
    last = SampleCalls(SampleColumns(fmt, "0/0\t1" + tail, 2))
    assert [(i, c.raw_gt, c.alleles) for i, c in last.notable()] == [(1, "1", (1,))]
    # a last column that is plain REF with the line end right after the GT
    quiet = SampleCalls(SampleColumns(fmt, "1/1" + tail + "\t0/0", 2))
    assert [i for i, _ in quiet.notable()] == [0]


def test_a_malformed_gt_costs_that_sample_only_issue_15() -> None:
    """#15: an unreadable column is an invalid call (every allele missing, why said), found
    at reading time; the other samples' calls are read as usual."""
    calls = SampleCalls(SampleColumns("GT:DP", "0/0:5\t0/x:9\t1:4", 3))
    assert [(i, c.raw_gt, c.alleles, c.invalid) for i, c in calls.notable()] == [
        (1, "0/x", (None, None), "GT '0/x'"),
        (2, "1", (1,), ""),
    ]
    assert calls[0] == Call((0, 0), False, "0/0", None, 5, None, False)
    # allele 2 of a biallelic record is out of range
    bad = SampleCalls(SampleColumns("GT", "0\t2", 2))
    assert bad[1].alleles == (None,) and "1 ALT" in bad[1].invalid and bad[1].is_missing


@pytest.mark.parametrize(
    ("fmt", "column", "why"),
    [
        ("GT:AD", "0/1:5", "AD '5' is not 2 depths"),
        ("GT:AD", "0/1:5,x", "AD '5,x' is not 2 depths"),
        ("GT:DP", "0/1:many", "DP 'many' is not a number"),
        ("GT:GQ", "1:9x", "GQ '9x' is not a number"),
        ("GT", "0/1:7", "2 values for 1 FORMAT keys"),
    ],
)
def test_unreadable_ad_dp_gq_invalidate_the_call_issue_15(fmt: str, column: str, why: str) -> None:
    calls = SampleCalls(SampleColumns(fmt, f"0/1\t{column}", 2))
    assert calls[0].invalid == ""
    assert why in calls[1].invalid and calls[1].is_missing
    assert calls[1].raw_gt == column.split(":")[0]
    # "." and an empty trailing value are missing data, not damage
    assert not SampleCalls(SampleColumns("GT:AD:DP", "0/1:.:.\t0/1", 2))[1].invalid


def test_calls_are_shared_across_records_only_when_the_parse_is_the_same_issue_14() -> None:
    """#14: a column text is parsed once per FORMAT layout and ALT, not once per record; the
    same text under another FORMAT, ALT or ALT count is another call."""
    first = SampleCalls(SampleColumns("GT:AD:DP:GQ", "0/0:9,0:9:27\t0/1:12,10:22:99", 2))
    second = SampleCalls(SampleColumns("GT:AD:DP:GQ", "0/1:12,10:22:99\t0/0:9,0:9:27", 2))
    assert first[1] is second[0]  # the same text at another record: one Call object
    assert first[1] == Call((0, 1), False, "0/1", (12, 10), 22, 99, False)
    # the same text, other FORMAT keys: DP in one file is GQ in the other
    dp = SampleCalls(SampleColumns("GT:DP", "0/1:30", 1))[0]
    gq = SampleCalls(SampleColumns("GT:GQ", "0/1:30", 1))[0]
    assert (dp.dp, dp.gq, gq.dp, gq.gq) == (30, None, None, 30)
    # the same text, one FORMAT key fewer: too many values, an invalid call
    assert SampleCalls(SampleColumns("GT", "0/1:30", 1))[0].invalid
    assert not SampleCalls(SampleColumns("GT:DP", "0/1:30", 1))[0].invalid
    # the same text, another ALT of a multi-allelic record, or another ALT count
    one = SampleCalls(SampleColumns("GT:AD", "1/2:1,5,7", 1), 1, 2)[0]
    two = SampleCalls(SampleColumns("GT:AD", "1/2:1,5,7", 1), 2, 2)[0]
    assert (one.alleles, one.ad, two.alleles, two.ad) == ((1, None), (1, 5), (None, 1), (1, 7))
    assert SampleCalls(SampleColumns("GT:AD", "1/2:1,5,7", 1), 1, 1)[0].invalid


# --------------------------------------------------------------------------- silent plain REF

PATHOGENIC = VariantFinding("GRCh38:X:49251441:G:A", "c.1189C>T", Significance.PATHOGENIC)


@pytest.mark.parametrize("in_par", [False, True])
@pytest.mark.parametrize("sex", [Sex.MALE, Sex.FEMALE, Sex.UNKNOWN])
@pytest.mark.parametrize("raw_gt", sorted(PLAIN_REF_GTS))
@pytest.mark.parametrize(
    "significance", [Significance.PATHOGENIC, Significance.UNCERTAIN, Significance.BENIGN]
)
def test_plain_ref_is_silent_agrees_with_the_labels(
    raw_gt: str, sex: Sex, in_par: bool, significance: Significance
) -> None:
    alleles, phased, other = parse_gt(raw_gt, 1, 1)
    call = Call(alleles, phased, raw_gt, (30, 0), 30, 99, other)
    finding = VariantFinding("X-1-G-A", "c.1G>A", significance, in_par=in_par)
    readings = (Sex.MALE, Sex.FEMALE) if sex is Sex.UNKNOWN else (sex,)
    found = [interpret_genotype(finding, call, reading) for reading in readings]
    if plain_ref_is_silent(raw_gt, sex, in_par):
        assert all(item.kind is VerdictKind.NOT_CARRIED for item in found), found
        if sex is not Sex.UNKNOWN:
            assert found[0].flags == ()
            assert not label_genotype(call, sex, in_par).needs_attention
    else:
        assert raw_gt == "0"  # only the haploid REF can be anything but silent
        if sex is not Sex.UNKNOWN:
            (item,) = found
            assert item.flags or item.kind is not VerdictKind.NOT_CARRIED, item
        else:
            assert in_par  # unknown sex: a haploid 0 is left out only outside the PARs
            assert any(item.flags for item in found)


def test_silent_rule_covers_the_expected_cases() -> None:
    """The cases the sparse mode relies on, spelled out (guards the grid above)."""
    assert plain_ref_is_silent("0/0", Sex.FEMALE, in_par=True)
    assert plain_ref_is_silent("0|0", Sex.MALE)
    assert plain_ref_is_silent("0", Sex.MALE) and plain_ref_is_silent("0", Sex.UNKNOWN)
    assert not plain_ref_is_silent("0", Sex.FEMALE)
    assert not plain_ref_is_silent("0", Sex.MALE, in_par=True)
    assert not plain_ref_is_silent("0", Sex.UNKNOWN, in_par=True)


# --------------------------------------------------------------------------- MemoInterpreter


def _findings() -> list[VariantFinding]:
    out = []
    for in_par in (False, True):
        for significance, null, low in (
            (Significance.PATHOGENIC, False, False),
            (Significance.LIKELY_PATHOGENIC, True, False),
            (Significance.UNCERTAIN, False, False),
            (Significance.CONFLICTING, True, False),
            (Significance.BENIGN, False, False),
            (Significance.LIKELY_BENIGN, True, True),
            (Significance.NOT_CLASSIFIED, True, False),
            (Significance.NOT_CLASSIFIED, False, False),
            (Significance.NOT_CLASSIFIED, False, True),
            (Significance.OTHER, True, True),
        ):
            out.append(
                VariantFinding(
                    f"X-{len(out)}-G-A", f"c.{len(out)}G>A", significance,
                    null_variant=null, in_par=in_par, low_impact=low,
                )
            )
    return out


#: (alleles, phased, raw GT, other_alt) as the reader produces them
CALL_SHAPES = (
    ((1,), False, "1", False),
    ((0,), False, "0", False),
    ((None,), False, ".", False),
    ((0, 1), False, "0/1", False),
    ((1, 0), True, "1|0", False),
    ((1, 1), False, "1/1", False),
    ((0, 0), False, "0/0", False),
    ((0, 0), True, "0|0", False),
    ((None, None), False, "./.", False),
    ((None, 1), False, "./1", False),
    ((0, None), False, "0/.", False),
    ((1, None), False, "1/2", True),
    ((None, 1), False, "1/2", True),
    ((None, None), False, "2/2", True),
    ((0, None), False, "0/2", True),
    ((None,), False, "2", True),
    ((0, 0, 0), False, "0/0/0", False),
    ((0, 1, 1), False, "0/1/1", False),
)
ADS = (None, (10, 10), (3, 20), (20, 3), (0, 0), (None, 5))


def test_memo_interpreter_equals_interpret_genotype() -> None:
    cases = [
        (finding, Call(alleles, phased, raw, ad, 20, 60, other), sex)
        for finding in _findings()
        for alleles, phased, raw, other in CALL_SHAPES
        for ad in ADS
        for sex in (Sex.MALE, Sex.FEMALE)
    ]
    order = cases * 2
    random.Random(397).shuffle(order)
    memo = MemoInterpreter()
    quoted = 0
    for finding, call, sex in order:
        got = memo(finding, call, sex)
        want = interpret_genotype(finding, call, sex)
        assert got == want, (finding, call, sex)
        assert astuple(got) == astuple(want)
        quoted += "allele balance 0." in want.text
    assert quoted  # the grid does reach the rules that quote the allele balance


@pytest.mark.parametrize("gt", ["\u0661", "0/\u0661", "\uff11"])  # Arabic-Indic 1, fullwidth 1
def test_a_gt_with_non_ascii_digits_is_malformed(gt: str) -> None:
    """Python's isdigit()/int() take any Unicode digit; a VCF GT is ASCII only."""
    with pytest.raises(ValueError):
        parse_gt(gt, 1, 1)
    call = SampleCalls(SampleColumns("GT:DP", f"0/0:9\t{gt}:9", 2))[1]  # #15: that call only
    assert call.invalid and call.is_missing


@pytest.mark.parametrize("text", ["1_0", "\u0661\u0660", " 12", "12 ", "+-1", "1e400"])
def test_format_integers_are_ascii_decimal_only(text: str) -> None:
    assert int_or_none(text) is None


def test_a_pos_in_other_digits_is_malformed(tmp_path) -> None:
    """POS '٤٩٢٥١٤٤١' (Arabic-Indic digits) is not a VCF number: skipped as malformed_pos."""
    from ipexcli.vcf import open_vcf

    path = tmp_path / "x.vcf"
    arabic = "".join(chr(0x0660 + int(d)) for d in "49251441")
    path.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chrX,length=156040895,assembly=GRCh38>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        f"chrX\t{arabic}\t.\tG\tA\t50\tPASS\t.\nchrX\t49251441\t.\tG\tA\t50\tPASS\t.\n",
        encoding="utf-8",
    )
    with open_vcf(path) as reader:
        records = list(reader.locus_records())
        assert [r.pos for r in records] == [49251441]
        assert reader.stats.skipped == {"malformed_pos": 1}


@pytest.mark.parametrize("fraction", [0.02, 0.15, 0.3, 0.7])
@pytest.mark.parametrize("fmt", ["GT", "GT:AD:DP"])
def test_notable_is_the_same_whichever_way_the_columns_are_scanned(fraction: float,
                                                                   fmt: str) -> None:
    """Few non-REF columns take the regex scan, many a pass over every column (chosen from
    the first columns): both must find exactly the columns whose GT is not plain REF."""
    import random

    rng = random.Random(int(fraction * 100) + len(fmt))
    other = ["0/1", "1|0", "1", ".", "./.", "0/.", "1/1", "0/0/0", "00", ""]
    texts = []
    for _ in range(600):
        gt = rng.choice(other) if rng.random() < fraction else rng.choice(["0", "0/0", "0|0"])
        texts.append(gt if fmt == "GT" else f"{gt}:{rng.randint(0, 40)},0:{rng.randint(0, 40)}")
    columns = SampleColumns(fmt, "\t".join(texts), len(texts))
    want = [(i, t) for i, t in enumerate(texts) if t.partition(":")[0] not in PLAIN_REF_GTS]
    assert list(columns.notable()) == want
    assert columns._mostly_notable() is (fraction >= 0.3)  # both ways are exercised


def test_phase_set_is_kept_as_written_issue12() -> None:
    from ipexcli.genotypes import SampleColumns

    columns = SampleColumns("GT:AD:PS", "0|1:5,5:1234\t0|1:5,5:.\t0/1:5,5", 3)
    calls = [columns.parse(columns.column(i), 1, 1) for i in range(3)]
    assert [c.ps for c in calls] == ["1234", None, None]  # '.' and a missing field: no PS
    assert [c.phased for c in calls] == [True, True, False]
    assert SampleColumns("GT:AD", "0|1:5,5", 1).parse("0|1:5,5", 1, 1).ps is None


@pytest.mark.parametrize("ps", ["7", "é"])
def test_haploid_ref_columns_from_ascii_and_other_text_issue_14(ps: str) -> None:
    """#14: an ASCII text's ploidy pattern is reduced as bytes, any other as text: the same
    haploid REF columns either way."""
    texts = [f"0:{ps}", f"0/0:{ps}", f"0|1:{ps}", f"0:{ps}", "1", f"0|0:{ps}", "0"]
    columns = SampleColumns("GT:PS", "\t".join(texts), len(texts))
    assert columns.haploid_ref(range(len(texts))) == [0, 3, 6]
    assert columns.haploid_ref(frozenset({1, 3, 4})) == [3]
