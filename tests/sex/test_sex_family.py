"""X-linked family checks from a PED (issue 5, criterion 2)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from findings import PATHOGENIC, UNCLASSIFIED, known
from sexsim import make_call

from ipexcli.inheritance import FamilyEvent, FamilyNote, segregate
from ipexcli.model import Sex
from ipexcli.ped import parse_ped

TRIO_SON = parse_ped(
    "#fam id father mother sex phenotype\nf1 son dad mom 1 2\nf1 dad 0 0 1 1\nf1 mom 0 0 2 1\n"
)
TRIO_DAUGHTER = parse_ped("f2 girl dad mom 2 1\nf2 dad 0 0 1 0\nf2 mom 0 0 2 1\n")


def events(notes: Sequence[FamilyNote], who: str) -> list[FamilyEvent]:
    return [n.event for n in notes if n.individual == who]


# c.1015C>T: the source reports a hemizygous IPEX boy with a heterozygous mother
FINDING = known(UNCLASSIFIED)


@pytest.mark.parametrize("son_gt", ["1", "1/1"])
def test_maternally_inherited(son_gt: str) -> None:
    calls = {"son": make_call(son_gt), "mom": make_call("0/1"), "dad": make_call("0")}
    notes = segregate(FINDING, calls, TRIO_SON)
    assert events(notes, "son") == [FamilyEvent.MATERNALLY_INHERITED]
    assert "mother GT 0/1" in notes[0].text and "c.1015C>T" in notes[0].text


def test_apparent_de_novo() -> None:
    calls = {"son": make_call("1"), "mom": make_call("0/0"), "dad": make_call("0")}
    (note,) = segregate(FINDING, calls, TRIO_SON)
    assert note.event is FamilyEvent.APPARENT_DE_NOVO
    assert note.event.is_flag and "mosaicism" in note.text


def test_son_inheriting_fathers_allele_is_an_x_mendelian_error() -> None:
    calls = {"son": make_call("1"), "mom": make_call("0/0"), "dad": make_call("1")}
    (note,) = segregate(FINDING, calls, TRIO_SON)
    assert note.event is FamilyEvent.MENDELIAN_ERROR_X
    assert "a son's X comes from his mother" in note.text


def test_son_hemizygous_ref_with_homozygous_alt_mother_is_an_error() -> None:
    calls = {"son": make_call("0"), "mom": make_call("1/1"), "dad": make_call("0")}
    assert events(segregate(FINDING, calls, TRIO_SON), "son") == [FamilyEvent.MENDELIAN_ERROR_X]


@pytest.mark.parametrize(
    ("girl", "mom", "dad", "expected"),
    [
        ("0/0", "0/0", "1", FamilyEvent.MENDELIAN_ERROR_X),  # lacks father's hemizygous ALT
        ("0/0", "0/0", "1/1", FamilyEvent.MENDELIAN_ERROR_X),  # father coded diploid
        ("1/1", "0/1", "0", FamilyEvent.MENDELIAN_ERROR_X),  # father has no ALT to give
        ("1/1", "0/0", "1", FamilyEvent.MENDELIAN_ERROR_X),  # mother has no ALT to give
        ("1/1", "0/1", "1", FamilyEvent.BIPARENTAL),
        ("0/1", "0/0", "1", FamilyEvent.PATERNALLY_INHERITED),
        ("0/1", "0/1", "0", FamilyEvent.MATERNALLY_INHERITED),
        ("0/1", "0/1", "1", FamilyEvent.ORIGIN_UNRESOLVED),
        ("0/1", "0/0", "0", FamilyEvent.APPARENT_DE_NOVO),
        ("0/1", "./.", "./.", FamilyEvent.NOT_ASSESSABLE),
    ],
)
def test_daughter_gets_fathers_x(girl: str, mom: str, dad: str, expected: FamilyEvent) -> None:
    calls = {"girl": make_call(girl), "mom": make_call(mom), "dad": make_call(dad)}
    assert events(segregate(FINDING, calls, TRIO_DAUGHTER), "girl") == [expected]


def test_consistent_daughter_without_alt_gives_no_note() -> None:
    calls = {"girl": make_call("0/0"), "mom": make_call("0/0"), "dad": make_call("0")}
    assert segregate(FINDING, calls, TRIO_DAUGHTER) == ()


def test_unaffected_father_hemizygous_for_pathogenic_is_flagged() -> None:
    calls = {"girl": make_call("0/1"), "mom": make_call("0/0"), "dad": make_call("1")}
    ped = parse_ped("f3 girl dad mom 2 1\nf3 dad 0 0 1 1\nf3 mom 0 0 2 1\n")
    notes = segregate(known(PATHOGENIC), calls, ped)
    (flag,) = [n for n in notes if n.event is FamilyEvent.UNAFFECTED_HEMIZYGOUS_MALE]
    assert flag.individual == "dad" and flag.event.is_flag
    assert "unaffected father" in flag.text and "c.1189C>T" in flag.text
    assert events(notes, "girl") == [FamilyEvent.PATERNALLY_INHERITED]
    # phenotype unknown (0): nothing to flag; unclassified variant: nothing to flag
    assert not any(
        n.event is FamilyEvent.UNAFFECTED_HEMIZYGOUS_MALE
        for n in segregate(known(PATHOGENIC), calls, TRIO_DAUGHTER)
    )
    assert not any(
        n.event is FamilyEvent.UNAFFECTED_HEMIZYGOUS_MALE for n in segregate(FINDING, calls, ped)
    )


def test_mother_not_sequenced() -> None:
    calls = {"son": make_call("1"), "dad": make_call("0")}
    (note,) = segregate(FINDING, calls, TRIO_SON)
    assert note.event is FamilyEvent.NOT_ASSESSABLE and "mother not sequenced" in note.text


def test_declared_sex_overrides_ped_unknown() -> None:
    ped = parse_ped("f4 kid dad mom 0 2\nf4 dad 0 0 1 1\nf4 mom 0 0 2 1\n")
    calls = {"kid": make_call("1/1"), "mom": make_call("0/0"), "dad": make_call("0")}
    assert segregate(FINDING, calls, ped) == ()  # sex unknown: no X rule applies
    notes = segregate(FINDING, calls, ped, {"kid": Sex.MALE})
    assert events(notes, "kid") == [FamilyEvent.APPARENT_DE_NOVO]


def test_par_variant_gets_no_x_rules() -> None:
    finding = dataclasses.replace(FINDING, in_par=True)
    calls = {"son": make_call("0/1"), "mom": make_call("0/0"), "dad": make_call("0/1")}
    assert segregate(finding, calls, TRIO_SON) == ()


def test_pseudo_haploid_coding_of_males() -> None:
    """1000 Genomes/SeqArray write male X calls as "1/." and "0/."."""
    calls = {"son": make_call("1/."), "mom": make_call("0/1"), "dad": make_call("0/.")}
    assert events(segregate(FINDING, calls, TRIO_SON), "son") == [FamilyEvent.MATERNALLY_INHERITED]
    calls = {"girl": make_call("1/1"), "mom": make_call("0/1"), "dad": make_call("0/.")}
    assert events(segregate(FINDING, calls, TRIO_DAUGHTER), "girl") == [
        FamilyEvent.MENDELIAN_ERROR_X  # father's 0/. is a hemizygous REF
    ]


@pytest.mark.parametrize(("mom_gt", "flagged"), [("1/1", True), ("0/1", False), ("0/0", False)])
def test_unaffected_female_homozygous_for_pathogenic_is_flagged_issue12(
    mom_gt: str, flagged: bool
) -> None:
    # TRIO_SON: the mother's PED phenotype is 1 (unaffected); c.1189C>T is Pathogenic
    calls = {"son": make_call("1"), "mom": make_call(mom_gt), "dad": make_call("0")}
    notes = segregate(known(PATHOGENIC), calls, TRIO_SON)
    found = [n for n in notes if n.event is FamilyEvent.UNAFFECTED_HOMOZYGOUS_FEMALE]
    assert bool(found) is flagged
    if flagged:
        (flag,) = found
        assert flag.individual == "mom" and flag.event.is_flag
        assert "unaffected mother" in flag.text and "homozygous" in flag.text
    # the son's note calls a heterozygous mother a carrier, a homozygous one not
    (son,) = [n for n in notes if n.individual == "son"]
    if mom_gt == "1/1":
        assert "not a carrier" in son.text and "homozygous" in son.text
    elif mom_gt == "0/1":
        assert son.text.endswith("the mother is a carrier")
    # an unclassified variant raises no phenotype flag
    assert not any(
        n.event is FamilyEvent.UNAFFECTED_HOMOZYGOUS_FEMALE
        for n in segregate(FINDING, calls, TRIO_SON)
    )
