"""HTML report: golden text, self-contained, escaped, plot elements; headless Chromium check."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixtures import FIXTURES, both_report, single_report, trio_report

from ipexcli import refdata
from ipexcli.model import Build, Significance
from ipexcli.report import html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Elements(HTMLParser):
    """Counts start tags (with classes) and collects visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str, css: str = "") -> int:
        return sum(
            1 for t, a in self.tags if t == tag and (not css or css in a.get("class", "").split())
        )


def _parse(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


def _context_count() -> int:
    """Known pathogenic protein variants of the bundled table (drawn faintly in every plot)."""
    return sum(
        1
        for row in refdata.load().known
        if re.search(r"p\.\(?[A-Z][a-z]{2}\d+", row.hgvs_p)
        and Significance.parse(row.classification).is_pathogenic
    )


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_html_golden(name: str, golden) -> None:
    golden(f"{name}.html", html.render(FIXTURES[name]()))


def test_html_is_self_contained() -> None:
    text = html.render(both_report())
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "url(" not in text
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace name, never fetched


def test_plot_elements_per_sample() -> None:
    doc = _parse(html.render(both_report()))
    samples = 4
    assert doc.count("svg", "lollipop") == samples
    # proband, mother (c.1189C>T) and patient2 (c.1150G>A) carry a protein change; father none
    assert doc.count("circle", "sample") == 3
    assert doc.count("circle", "known") == samples * _context_count()
    features = len(refdata.load().transcript(Build.GRCH38).features)
    assert doc.count("rect", "domain") == samples * features == 12
    text = " ".join(doc.text)
    assert "no variant of father changes the protein" in text
    assert "Not on the protein: c.-22-902A>G (intron_variant), c.-23+2877C>A" in text


def test_same_content_as_the_terminal_report() -> None:
    text = " ".join(" ".join(_parse(html.render(trio_report())).text).split())
    for expected in (
        "genotype consistent with IPEX",
        "consistent_with_ipex",
        "carrier",
        "no_reportable_variant",
        "p.(Arg397Trp)",
        "NC_000023.11:g.49251441G>A",
        "missense_variant",
        "exon 12/12",
        "Fork-head DNA-binding",
        "heterozygous (0/1)",
        "ClinVar VCV000011407.9 page copy, last evaluated 2021-12-03",
        "PM5",
        "declared male (PED examples/trio.ped)",
        "Sex mismatches: 0",
        "not a diagnosis",
    ):
        assert expected in text, expected


def test_data_is_escaped() -> None:
    report = single_report()
    evil = "<script>alert(1)</script>"
    sample = replace(report.samples[0], id=evil, family=('a "quoted" & <b>bold</b> note',))
    variant = replace(report.variants[0], protein_feature="<img src=x onerror=alert(1)>")
    text = html.render(replace(report, samples=(sample,), variants=(variant,
                                                                     *report.variants[1:])))
    assert evil not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in text


def test_print_styles_are_present() -> None:
    text = html.render(trio_report())
    assert "@media print" in text and "break-inside: avoid" in text


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_headless_chromium_renders_the_report(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(both_report()), encoding="utf-8")
    assert CHROMIUM is not None
    common = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
    ]
    shot = tmp_path / "report.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    width, height = _png_size(shot)
    assert (width, height) == (1280, 2000)
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    doc = _parse(dom)
    text = " ".join(" ".join(doc.text).split())
    assert "genotype consistent with IPEX" in text
    assert "heterozygous carrier (X-linked recessive: carriers are usually unaffected" in text
    found = {
        "svg": doc.count("svg", "lollipop"),
        "sample circles": doc.count("circle", "sample"),
        "known circles": doc.count("circle", "known"),
        "domain rects": doc.count("rect", "domain"),
    }
    print(f"chromium: html {page.stat().st_size} bytes, screenshot {shot.stat().st_size} "
          f"bytes {width}x{height}, DOM elements {found}")
    assert found == {
        "svg": 4, "sample circles": 3, "known circles": 4 * _context_count(), "domain rects": 12,
    }
