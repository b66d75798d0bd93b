"""Consequence cases (tests/data/csq/cases.tsv): one row per case, checked in both builds.

Each row gives a c. name; the parser places it in GRCh38 and GRCh37 and the engine must return
the expected c./p. names, SO terms (severity order), exon/intron rank, distance and flags in
both builds. The ``why`` column says what each case exercises.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ipexcli.engine import Flag, annotate_variant
from ipexcli.hgvs import parse
from ipexcli.model import Build
from ipexcli.refdata import load

DATA = load()
CASES = Path(__file__).resolve().parents[1] / "data" / "csq" / "cases.tsv"


def _rows():
    lines = [line for line in CASES.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["input"])
@pytest.mark.parametrize("build", list(Build), ids=str)
def test_case(row, build):
    allele = parse(row["input"], DATA).alleles[build]
    a = annotate_variant(allele, DATA)
    flags = ",".join(str(f) for f in a.flags if f is not Flag.HGVS_SHIFTED)
    got = {
        "hgvs_c": a.hgvs_c.split(":", 1)[1],
        "hgvs_p": (a.hgvs_p or "").split(":")[-1],
        "consequences": "&".join(str(t) for t in a.consequences),
        "exon": a.exon or "",
        "intron": a.intron or "",
        "distance": "" if a.distance is None else str(a.distance),
        "flags": flags,
    }
    expected = {key: row[key] for key in got}
    assert got == expected, f"{row['input']} ({row['why']})"
