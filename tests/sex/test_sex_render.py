"""Renderers of the sex check (no VCF reader needed): rich table, TSV rows, JSON dict."""

from __future__ import annotations

import io
import json

from rich.console import Console
from sexsim import simulate_cohort

from ipexcli.cli.sex_cmd import TSV_COLUMNS, _tsv_lines
from ipexcli.model import Sex
from ipexcli.report.console import render_sex_table
from ipexcli.sex import check_samples, infer_sexes, merge_declared


def _results() -> list:  # type: ignore[type-arg]
    cohort = simulate_cohort(
        seed=3,
        counts={"male_haploid": 2, "male_diploid": 2, "female": 3, "xxy": 1, "low_data": 1},
        n_x_sites=300,
        n_par_sites=50,
    )
    declared, warnings = merge_declared(
        ("PED", {"female_01": Sex.MALE, "male_diploid_01": Sex.MALE}),
    )
    assert warnings == []
    inferences = infer_sexes(cohort.samples, cohort.records(), cohort.build)
    return [("cohort.vcf", c) for c in check_samples(inferences, declared)]


def test_rich_table_one_line_per_sample_and_mismatch_marked() -> None:
    results = _results()
    buffer = io.StringIO()
    render_sex_table(results, Console(width=140, file=buffer, color_system=None))
    text = buffer.getvalue()
    lines = [line for line in text.splitlines() if "_0" in line]
    assert len(lines) == len(results)  # one line per sample at this width
    (swap,) = [line for line in lines if "female_01" in line]
    assert "MISMATCH" in swap and "male" in swap
    assert sum("MISMATCH" in line for line in lines) == 1
    assert "* inferred from the data" in text  # undeclared samples use the inferred sex


def test_tsv_rows() -> None:
    results = _results()
    rows = [line.split("\t") for line in _tsv_lines(results)]
    assert tuple(rows[0]) == TSV_COLUMNS
    assert all(len(row) == len(TSV_COLUMNS) for row in rows)
    by_sample = {row[1]: dict(zip(TSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_sample["female_01"]["check"] == "MISMATCH"
    assert by_sample["male_diploid_01"]["check"] == "ok"
    assert by_sample["low_data_01"]["inferred"] == "insufficient data"
    assert by_sample["low_data_01"]["f"] == "."


def test_json_dict_is_serialisable() -> None:
    payload = [{**c.as_dict(), "file": path} for path, c in _results()]
    again = json.loads(json.dumps(payload))
    assert {row["id"] for row in again} >= {"female_01", "xxy_01"}
    row = next(r for r in again if r["id"] == "female_01")
    assert row["mismatch"] is True and row["sex_used"] == "male"
    assert set(row["evidence"]) >= {
        "informative_sites",
        "f",
        "het_fraction",
        "haploid_alt",
        "y_called",
    }
