"""PED and sample-sheet readers: strict, every error names the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexcli.errors import PedFormatError
from ipexcli.model import Build, Sex
from ipexcli.ped import Phenotype, parse_ped, parse_sample_sheet, read_ped, read_sample_sheet

DATA = Path(__file__).resolve().parents[1] / "data" / "sex"


def test_read_trio_ped() -> None:
    ped = read_ped(DATA / "trio.ped")
    son = ped.get("son")
    assert son is not None
    assert (son.father, son.mother, son.sex, son.phenotype) == (
        "dad",
        "mom",
        Sex.MALE,
        Phenotype.AFFECTED,
    )
    assert son.line == 2
    assert ped.sexes() == {"son": Sex.MALE, "dad": Sex.MALE, "mom": Sex.FEMALE}
    assert [c.id for c in ped.children_of("mom")] == ["son"]


def test_whitespace_and_missing_codes() -> None:
    ped = parse_ped("f  a  0  0  0  -9\n\n# comment\nf\tb\t0\t0\t2\t0\n")
    assert ped.get("a").sex is Sex.UNKNOWN and ped.get("a").phenotype is Phenotype.MISSING
    assert ped.get("b").line == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("f a 0 0 1\n", "line 1: expected 6 columns, found 5"),
        ("f a 0 0 1 2 AA\n", "line 1: expected 6 columns, found 7"),
        ("# h\nf a 0 0 M 2\n", "line 2: sex 'M' is not 1 (male), 2 (female) or 0"),
        ("f a 0 0 1 3.5\n", "line 1: phenotype '3.5' is not 1"),
        ("f a 0 0 1 1\nf a 0 0 1 1\n", "line 2: individual 'a' already defined on line 1"),
        ("f a a 0 1 1\n", "line 1: individual 'a' is listed as its own parent"),
        ("f 0 0 0 1 1\n", "line 1: individual ID '0' is reserved"),
        ("f k p p 1 1\n", "line 1: father and mother are the same individual 'p'"),
        ("f k d m 1 1\nf d 0 0 2 1\nf m 0 0 2 1\n", "line 2: 'd' is the father of 'k'"),
        ("f k d m 1 1\nf d 0 0 1 1\nf m 0 0 1 1\n", "line 3: 'm' is the mother of 'k'"),
        ("# only a comment\n", "no individuals"),
    ],
)
def test_ped_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(PedFormatError, match=r"^x\.ped: ") as info:
        parse_ped(text, "x.ped")
    assert message in str(info.value)
    assert "Fix the PED file" in str(info.value)


def test_missing_ped_file() -> None:
    with pytest.raises(PedFormatError, match="file not found"):
        read_ped(DATA / "nope.ped")


def test_read_sample_sheet_resolves_files() -> None:
    rows = read_sample_sheet(DATA / "batch.tsv")
    assert [(r.sample, r.sex, r.build, r.line) for r in rows] == [
        ("NA1", Sex.FEMALE, Build.GRCH38, 3),
        ("NA2", Sex.MALE, Build.GRCH38, 4),
        ("NA3", Sex.UNKNOWN, None, 5),
    ]
    assert rows[0].file == str(DATA / "cohort.vcf") and rows[2].file is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sample sex\nA male\n", "line 1: header lacks column(s) sample, sex (found: sample sex"),
        ("sample\tsex\tsex\nA\tmale\tmale\n", "line 1: duplicated column(s) sex"),
        ("sample\tsex\nA\tmale\textra\n", "line 2: 3 tab-separated fields, header has 2"),
        ("sample\tsex\nA\tmaybe\n", "line 2: unknown sex 'maybe'"),
        ("sample\tsex\tbuild\nA\tmale\thg17\n", "line 2: unknown genome build 'hg17'"),
        ("sample\tsex\nA\tmale\nA\tmale\n", "line 3: sample 'A' already listed on line 2"),
        ("sample\tsex\n\tmale\n", "line 2: empty sample name"),
        ("sample\tsex\n", "line 1: header but no sample rows"),
        ("", "empty sample sheet"),
    ],
)
def test_sample_sheet_errors(text: str, message: str) -> None:
    with pytest.raises(PedFormatError) as info:
        parse_sample_sheet(text, "s.tsv")
    assert message in str(info.value)
