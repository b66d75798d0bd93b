"""Fuzzing the PED and sample-sheet readers (:mod:`ipexcli.ped`), directly and via ``--ped``.

Inputs: arbitrary text, arbitrary bytes (files), and valid trios / sheets mutated field by field.
Property: a parsed result or a PedFormatError naming the source and a line; nothing else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipexcli.errors import IpexError, PedFormatError
from ipexcli.ped import parse_ped, parse_sample_sheet, read_ped, read_sample_sheet

from .conftest import assert_clean_error, record_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIELD = st.one_of(
    st.sampled_from(["0", "1", "2", "-9", "fam1", "kid", "dad", "mom", "", "#", "male", "F",
                     "hg38", "GRCh37", "GRCh99", "x.vcf", "/abs/x.vcf", "..", "\u00e9"]),
    st.text(max_size=8),
)
SEPARATORS = st.sampled_from(["\t", " ", "  ", "\t\t", ",", ""])
ENDINGS = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\u2028"])

PED_ROWS = [["fam1", "kid", "dad", "mom", "1", "2"], ["fam1", "dad", "0", "0", "1", "1"],
            ["fam1", "mom", "0", "0", "2", "1"]]
SHEET_ROWS = [["sample", "sex", "build", "file"], ["NA1", "female", "hg38", "a.vcf"],
              ["NA2", "1", "", "b.vcf.gz"]]


@st.composite
def mutated_table(draw: st.DrawFn, rows: list[list[str]], tab_only: bool) -> str:
    table = [list(row) for row in rows]
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.integers(0, len(table) - 1))
        op = draw(st.sampled_from(["set", "drop", "add", "dup_row", "comment"]))
        if op == "set" and table[row]:
            table[row][draw(st.integers(0, len(table[row]) - 1))] = draw(FIELD)
        elif op == "drop" and table[row]:
            del table[row][draw(st.integers(0, len(table[row]) - 1))]
        elif op == "add":
            table[row].append(draw(FIELD))
        elif op == "dup_row":
            table.append(list(table[row]))
        else:
            table.insert(row, ["#" + draw(FIELD)])
    separator = "\t" if tab_only and draw(st.integers(0, 3)) else draw(SEPARATORS)
    ending = draw(ENDINGS)
    return ending.join(separator.join(row) for row in table) + draw(st.sampled_from([ending, ""]))


TEXTS = st.one_of(st.text(max_size=200), mutated_table(PED_ROWS, False),
                  mutated_table(SHEET_ROWS, True))
FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _check_error(exc: IpexError, source: str) -> None:
    assert isinstance(exc, PedFormatError), repr(exc)
    assert str(exc).startswith(source + ":") and "\n" not in str(exc), str(exc)


@FUZZ
@given(st.one_of(st.text(max_size=200), mutated_table(PED_ROWS, False)))
def test_parse_ped_returns_or_raises_a_named_error(text: str):
    try:
        pedigree = parse_ped(text, "fuzz.ped")
    except IpexError as exc:
        _check_error(exc, "fuzz.ped")
        record_case("ped.parse_ped", type(exc).__name__)
        return
    for person in pedigree:
        assert person.id != "0" and person.id not in (person.father, person.mother)
    record_case("ped.parse_ped", "parsed")


@FUZZ
@given(st.one_of(st.text(max_size=200), mutated_table(SHEET_ROWS, True)))
def test_parse_sample_sheet_returns_or_raises_a_named_error(text: str):
    try:
        rows = parse_sample_sheet(text, "fuzz.tsv", Path("/data"))
    except IpexError as exc:
        _check_error(exc, "fuzz.tsv")
        record_case("ped.parse_sample_sheet", type(exc).__name__)
        return
    assert rows and len({r.sample for r in rows}) == len(rows)
    record_case("ped.parse_sample_sheet", "parsed")


@settings(FUZZ, max_examples=100)
@given(st.one_of(st.binary(max_size=200), TEXTS.map(lambda t: t.encode("utf-8", "replace")),
                 TEXTS.map(lambda t: t.encode("utf-16"))))
def test_reading_ped_and_sheet_files_of_any_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.ped"
        path.write_bytes(data)
        for reader in (read_ped, read_sample_sheet):
            try:
                reader(path)
            except IpexError as exc:
                _check_error(exc, str(path))
                record_case("ped.read_ped/read_sample_sheet (bytes)", type(exc).__name__)
            else:
                record_case("ped.read_ped/read_sample_sheet (bytes)", "parsed")


@settings(FUZZ, max_examples=30)
@given(TEXTS)
def test_annotate_with_a_fuzzed_ped_exits_cleanly(run_cli, text: str):
    with tempfile.TemporaryDirectory() as tmp:
        ped = Path(tmp) / "fuzz.ped"
        ped.write_text(text, encoding="utf-8", errors="replace")
        code, _, err = run_cli("annotate", str(EXAMPLES / "trio.GRCh38.vcf.gz"), "--ped",
                               str(ped), "--format", "tsv", "-o", str(Path(tmp) / "out.tsv"))
        if code:
            assert_clean_error(code, err, str(ped))
        record_case("cli annotate --ped (fuzzed PED)", f"exit {code}")
