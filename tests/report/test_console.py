"""Terminal renderer: golden output at fixed widths, escaping, narrow terminals, diagnostics."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from report_fixtures import FIXTURES, both_report, single_report, trio_report
from rich.console import Console

from ipexcli.report.console import make_console, render_report
from ipexcli.result import Report


def _render(report: Report, width: int, **kwargs: object) -> str:
    options: dict = {"color_system": None, **kwargs}
    console = Console(width=width, file=io.StringIO(), **options)
    render_report(report, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize("width", [100, 60])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_console_golden(name: str, width: int, golden) -> None:
    text = _render(FIXTURES[name](), width)
    assert all(len(line) <= width for line in text.splitlines())
    # rich pads table and panel lines to the width; the golden file keeps them trimmed
    golden(f"{name}.w{width}.txt", "\n".join(line.rstrip() for line in text.split("\n")))


@pytest.mark.parametrize("width", [100, 60])
def test_every_fact_is_on_screen(width: int) -> None:
    """Content survives narrow terminals: verdicts, HGVS (brackets intact), genotypes, sources."""
    text = _render(both_report(), width)
    flat = " ".join(text.split())
    for expected in (
        "consistent_with_ipex",
        "carrier",
        "no_reportable_variant",
        "c.1189C>T",
        "p.(Arg397Trp)",
        "p.(Ala384Thr)",
        "c.-23+2877C>A",
        "last evaluated 2021-12-03",
        "PED examples/trio.ped",
        "coded diploid 1/1",
        "PM5",
        "not a diagnosis",
    ):
        assert expected in flat or expected in text.replace("\n", ""), expected
    assert "Traceback" not in text


def test_render_text_dispatches_every_text_format() -> None:
    from ipexcli.report import TEXT_FORMATS, html, json_out, render_text, tsv

    report = single_report()
    assert set(TEXT_FORMATS) == {"tsv", "json", "vcf", "html"}
    assert render_text(report, "tsv") == tsv.render(report)
    assert render_text(report, "json") == json_out.render(report)
    assert render_text(report, "html") == html.render(report)
    assert render_text(report, "vcf").startswith("##fileformat=VCFv4.2")
    with pytest.raises(ValueError, match="unknown text format 'xml'"):
        render_text(report, "xml")


def test_very_narrow_terminal_does_not_crash() -> None:
    text = _render(both_report(), 40)
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "[consistent_with_ipex]" in text and "c.1189C>T" in text


def test_table_layout_from_80_columns_cards_below() -> None:
    wide, narrow = _render(trio_report(), 100), _render(trio_report(), 79)
    assert "Known classification" in wide
    assert "Known classification" not in narrow
    assert "╭─ c.1189C>T" in narrow


def test_one_column_per_sample_on_wide_terminals() -> None:
    text = _render(trio_report(), 160)
    header = next(line for line in text.splitlines() if "Consequence" in line)
    assert all(name in header for name in ("proband", "mother", "father"))


def test_data_is_not_read_as_markup() -> None:
    report = trio_report()
    tricky = replace(
        report.variants[0],
        hgvs_c="NM_014009.4:c.[1189C>T;1190G>A]",
        protein_feature="[bold]not markup[/bold]",
    )
    text = _render(replace(report, variants=(tricky, *report.variants[1:])), 120)
    assert "c.[1189C>T;1190G>A]" in text
    assert "[bold]not markup[/bold]" in text


def test_no_colour_codes_when_not_a_terminal() -> None:
    buffer = io.StringIO()
    render_report(trio_report(), make_console(file=buffer, width=100))
    assert "\x1b[" not in buffer.getvalue()


def test_colour_on_a_terminal_uses_the_theme() -> None:
    text = _render(trio_report(), 100, force_terminal=True, color_system="standard")
    assert "\x1b[1;31m" in text  # verdict.consistent / known.pathogenic: bold red


def test_diagnostics_show_skipped_reasons_ref_and_sex_mismatches() -> None:
    report = single_report()
    item = replace(
        report.inputs[0],
        skipped={"outside_locus": 7, "symbolic_alt": 1},
        ref_mismatches=2,
        warnings=("2 records have a REF that differs from GRCh37",),
    )
    sample = replace(
        report.samples[0], sex=replace(report.samples[0].sex, inferred="female", mismatch=True)
    )
    text = _render(replace(report, inputs=(item,), samples=(sample,)), 100)
    diagnostics = text.split("Diagnostics", 1)[1]
    assert "skipped records  8" in diagnostics
    assert "outside_locus: 7" in diagnostics and "symbolic_alt: 1" in diagnostics
    assert "REF mismatches   2" in diagnostics
    assert "sex mismatches     1" in diagnostics
    assert "patient2: declared male (--sex), inferred female; used male" in diagnostics
    assert "sex mismatch" in text.split("Variants", 1)[0]


def test_unknown_sex_gives_both_readings() -> None:
    from report_fixtures import SINGLE_VCF, _run

    text = _render(_run((SINGLE_VCF,), None, ()), 100)  # no --sex, too few sites to infer
    flat = " ".join(text.split())
    assert "if male: genotype consistent with IPEX" in flat
    assert "if female: genotype consistent with IPEX (biallelic; rare in females)" in flat
    assert "patient2 (unknown)" in flat


def test_report_without_variants() -> None:
    report = single_report()
    empty = replace(
        report,
        variants=(),
        samples=tuple(replace(s, genotypes=()) for s in report.samples),
    )
    text = _render(empty, 100)
    assert "No variant in the FOXP3 locus." in text
