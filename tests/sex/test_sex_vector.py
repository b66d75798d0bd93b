"""Issue 14: the numpy rows of the chrX scan (:mod:`ipexcli.gtvector`) count what the pure Python
rows count.

A cohort is given every kind of GT a line can carry: missing (``.``, ``./.``, ``.|.``),
half-missing (``0/.``, ``./1``, ``1|.``), phased, haploid, homozygous ALT, and GTs that no table
holds (``0/0/0``, ``00``, an empty GT, ``2`` on a one-ALT line, ``1/x``), beside multi-allelic,
indel, lower-case REF and PAR records and lines a column short. The whole-chrX scan is run
three times: rows from numpy (forced from the first row, for 34 samples), rows from the pure
Python path (numpy not importable), and the record path (:func:`ipexcli.sex.infer_sexes`);
every count, F term, decision and skip must be the same.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sexsim import simulate_cohort
from test_sex_scan import _add_depth, _gt_only, _old

from ipexcli import gtvector, sexscan
from ipexcli.sex import SexInference
from ipexcli.sexscan import GtTally, full_scan
from ipexcli.vcf import open_vcf

pytest.importorskip("numpy")

#: GTs written over simulated calls; the last five are not simple (no table entry)
_SIMPLE = [".", "./.", ".|.", "0/.", "./1", "1|.", ".|0", "0|1", "1|0", "1|1", "1", "0", "1/1"]
_NOT_SIMPLE = ["0/0/0", "00", "", "2", "1/x"]


def _odd(text: str) -> str:
    """The cohort with odd GTs written over some calls, and some lines made multi-allelic
    (``1/2``, haploid ``2``), indels, lower-case REF or a column short (see the module)."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if line.startswith("#"):
            out.append(line)
            continue
        f = line.split("\t")
        odd = _SIMPLE + _NOT_SIMPLE if i % 5 == 0 else _SIMPLE  # not simple: a fifth of lines
        for j in range(9, len(f)):
            k = (i * 7 + j * 5) % 23
            if k < 3:
                _, sep, rest = f[j].partition(":")
                f[j] = odd[(i * 3 + j) % len(odd)] + sep + rest
            elif k == 3:
                f[j] = f[j].partition(":")[0]  # GT alone: the column ends at the TAB
        kind = i % 13
        if kind == 4:  # multi-allelic: exact path
            other = next(b for b in "ACGT" if b not in (f[3], f[4]))
            f[4] = f"{f[4]},{other}"
            f[9:] = [_add_depth(c.replace("1", "2", 1) if j % 4 == 0 else c)
                     for j, c in enumerate(f[9:])]
        elif kind == 7:
            f[3] = f[3] + "T"  # deletion: fast path
        elif kind == 9:
            f[3] = f[3].lower()  # exact path
        elif kind == 11 and i % 2:
            f.pop()  # a column short: the line is skipped (counted) by the exact path
        out.append("\t".join(f))
    return "\n".join(out) + "\n"


def _scan(path: Path) -> tuple[dict[str, SexInference], dict[str, int]]:
    with open_vcf(path) as reader:
        return full_scan(reader), dict(reader.stats.chrom_skipped)


def _same(a: dict[str, SexInference], b: dict[str, SexInference]) -> None:
    """Every figure equal (F's sums too: both paths add the same rows in the same order)."""
    assert list(a) == list(b)
    for sample in a:
        assert (a[sample].inferred, a[sample].reason) == (b[sample].inferred, b[sample].reason)
        x, y = a[sample].evidence, b[sample].evidence
        for name in x.__slots__:  # type: ignore[attr-defined]
            assert getattr(x, name) == getattr(y, name), (sample, name)


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """numpy rows from the first row of any tally; yields, per fast-path row asked of numpy,
    whether it made one."""
    monkeypatch.setattr(sexscan, "VECTOR_MIN_SAMPLES", 1)
    monkeypatch.setattr(sexscan, "VECTOR_AFTER_BYTES", 0)
    made: list[bool] = []
    row = gtvector.RowMaker.row

    def spy(self: gtvector.RowMaker, samples: bytes, n: int) -> bytes | None:
        out = row(self, samples, n)
        made.append(out is not None)
        return out

    monkeypatch.setattr(gtvector.RowMaker, "row", spy)
    yield made


@pytest.mark.parametrize("gt_only", [False, True])
def test_numpy_rows_count_what_python_rows_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forced: list[bool], gt_only: bool
) -> None:
    cohort = simulate_cohort(seed=11, n_x_sites=700, n_par_sites=60, n_y_sites=40)
    text = _odd(cohort.vcf_text())
    if gt_only:
        text = _gt_only(text)
    path = tmp_path / "odd.vcf"
    path.write_text(text)
    vector = _scan(path)
    assert forced and 0.5 * len(forced) < sum(forced) < len(forced)  # both kinds of line
    monkeypatch.setitem(sys.modules, "numpy", None)  # numpy not importable: pure Python rows
    assert gtvector.load(lambda gt: 0) is None
    asked = len(forced)
    python = _scan(path)
    assert len(forced) == asked  # numpy was not used
    _same(vector[0], python[0])
    assert vector[1] == python[1]
    assert sum(vector[1].values()) > 10  # the lines a column short, skipped alike
    evidence = [r.evidence for r in vector[0].values()]
    assert all(e.partial and e.missing and e.haploid for e in evidence)  # the odd GTs counted
    old = _old(path)
    assert {s: r.inferred for s, r in old[0].items()} == {
        s: r.inferred for s, r in vector[0].items()
    }
    assert old[1] == vector[1]


def test_every_simple_gt_gets_the_tally_slot_and_no_other_gt_a_row() -> None:
    """Each table entry, checked one GT at a time in every position of a line (first, middle,
    last column; GT alone or followed by fields)."""
    tally = GtTally(3, False)
    maker = gtvector.load(tally._simple_slot)
    assert maker is not None
    for gt in _SIMPLE + [g + s + h for g in "01." for s in "/|" for h in "01."]:
        slot = tally._fast_slot(gt.encode())
        for tail in ("", ":7,1:8"):
            column = gt + tail
            for at in range(3):
                columns = ["0/0:3,0:3"] * 3
                columns[at] = column
                row = maker.row("\t".join(columns).encode(), 3)
                assert row is not None, column
                assert row[at] == slot, column
                assert row == bytes(
                    slot if i == at else tally._fast_slot(b"0/0") for i in range(3)
                )
    for gt in [*_NOT_SIMPLE, "0/01", "0//0", "0 /0", "/0", "0/", "01/0", "0\\0", "0/0 ", "-"]:
        for at in range(3):
            columns = ["0/0"] * 3
            columns[at] = gt + ":1"
            assert maker.row("\t".join(columns).encode(), 3) is None, gt
    assert maker.row(b"0/0\t0/0", 3) is None  # a column short
    assert maker.row(b"0/0\t0/0\t0/0\t0/0", 3) is None  # a column too many


def test_numpy_rows_on_1000_genomes(monkeypatch: pytest.MonkeyPatch, forced: list[bool]) -> None:
    """The real 1000 Genomes chrX subset (1,126 samples, GT only, pseudo-haploid males), its
    one-ALT lines all made by numpy (the big-integer rows of GT-only lines turned off), against
    the pure Python rows and the record path."""
    from test_sex_scan import KG, _assert_same

    from ipexcli.model import Build

    if not KG.exists():
        pytest.skip(f"{KG} not present")

    def scan() -> tuple[dict[str, SexInference], dict[str, int]]:
        with open_vcf(KG, build=Build.GRCH37) as reader:
            return full_scan(reader), dict(reader.stats.chrom_skipped)

    python = scan()
    assert not forced  # GT-only lines: big-integer rows
    monkeypatch.setattr(sexscan, "_uniform_row", lambda samples, n: None)
    vector = scan()
    assert len(forced) > 1000 and all(forced)
    _same(vector[0], python[0])
    assert vector[1] == python[1]
    old = _old(KG, Build.GRCH37)
    _assert_same(old[0], vector[0])
    assert old[1] == vector[1]
