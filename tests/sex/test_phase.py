"""Phase rules (issue 12, item 5) of :mod:`ipexcli.phase`, one by one; the end-to-end cases are
in test_issue12_why.py."""

from __future__ import annotations

import dataclasses

import pytest
from sexsim import make_call

from ipexcli.model import Call
from ipexcli.phase import Phase, combine, from_genotypes, from_parents


def call(gt: str, ps: str | None = None) -> Call:
    return dataclasses.replace(make_call(gt), ps=ps)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (call("0|1", "7"), call("0|1", "7"), Phase.CIS),
        (call("1|0", "7"), call("1|0", "7"), Phase.CIS),
        (call("0|1", "7"), call("1|0", "7"), Phase.TRANS),
        (call("0|1"), call("1|0"), Phase.TRANS),  # phased without PS: one phase set
        (call("0|1"), call("0|1"), Phase.CIS),
        (call("0|1", "7"), call("0|1", "9"), Phase.UNKNOWN),  # different phase sets
        (call("0|1", "7"), call("0|1"), Phase.UNKNOWN),  # a PS and none: different sets
        (call("0/1"), call("0|1"), Phase.UNKNOWN),
        (call("0/1", "7"), call("0/1", "7"), Phase.UNKNOWN),  # PS of unphased GTs is ignored
        (call("0|1|1"), call("0|1"), Phase.UNKNOWN),  # not diploid: the ALT is not placed
    ],
)
def test_from_genotypes(a: Call, b: Call, expected: Phase) -> None:
    assert from_genotypes(a, b).phase is expected


def test_two_alts_of_one_site_are_in_trans_phased_or_not() -> None:
    for gt in ("1/2", "1|2"):
        first, second = make_call(gt, alt_index=1), make_call(gt, alt_index=2)
        found = from_genotypes(first, second)
        assert found.phase is Phase.TRANS and "one site" in found.how


REF, ALT = make_call("0"), make_call("1")
HET, HOM_REF, HOM_ALT = make_call("0/1"), make_call("0/0"), make_call("1/1")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((HET, REF), (HOM_REF, ALT), Phase.TRANS),  # maternal + paternal
        ((HOM_REF, ALT), (HET, REF), Phase.TRANS),
        ((HET, REF), (HET, REF), Phase.CIS),  # both maternal
        ((HOM_REF, ALT), (HOM_REF, ALT), Phase.CIS),  # both paternal (his X passes whole)
        ((HOM_ALT, ALT), (HET, REF), Phase.TRANS),  # father ALT places it paternal
        ((HOM_REF, REF), (HET, REF), Phase.UNKNOWN),  # first apparent de novo
        ((None, REF), (HET, REF), Phase.UNKNOWN),  # mother not sequenced
        ((HET, None), (HET, REF), Phase.UNKNOWN),  # father not sequenced
        ((HET, make_call("0/1")), (HET, REF), Phase.UNKNOWN),  # het father places nothing
        ((HET, make_call("0/.")), (HOM_REF, ALT), Phase.TRANS),  # 0/. in a male = REF
        ((HET, make_call(".")), (HOM_REF, ALT), Phase.UNKNOWN),
    ],
)
def test_from_parents(
    a: tuple[Call | None, Call | None], b: tuple[Call | None, Call | None], expected: Phase
) -> None:
    assert from_parents(a, b).phase is expected


def test_combine() -> None:
    cis = from_genotypes(call("0|1", "7"), call("0|1", "7"))
    trans = from_parents((HET, REF), (HOM_REF, ALT))
    unknown_read = from_genotypes(call("0/1"), call("0/1"))
    unknown_ped = from_parents((HOM_REF, REF), (HOM_REF, REF))
    assert combine(cis, None) is cis
    assert combine(unknown_read, trans) is trans
    assert combine(cis, unknown_ped) is cis
    both = combine(unknown_read, unknown_ped)
    assert both.phase is Phase.UNKNOWN and "not phased" in both.how and "parents" in both.how
    conflict = combine(cis, trans)
    assert conflict.phase is Phase.UNKNOWN and "disagree" in conflict.how
    agree = combine(cis, from_parents((HET, REF), (HET, REF)))
    assert agree.phase is Phase.CIS and "agree" in agree.how
