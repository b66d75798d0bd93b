"""Hostile INFO values behind ``--af-field``: only a decimal frequency from 0 to 1 may produce
the frequency evidence codes (BA1, BS1, PM2_Supporting); anything else is reported once.

Before the fix ``float()`` accepted ``inf``, ``5``, ``1_0`` (= 10) and ``٣`` (Arabic-Indic 3),
so such a value gave BA1 (stand-alone benign) to NM_014009.4:c.1189C>T (p.Arg397Trp).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipexcli.interpret import allele_frequency
from ipexcli.model import VariantRecord

from .conftest import record_case
from .vcfgen import header, snv

POS = 49251441
REF, ALT = snv(POS, shift=2)  # G>A: c.1189C>T
FREQUENCY_CODES = {"BA1", "BS1", "PM2_Supporting"}


def _annotate(run_cli, tmp_path, af: str) -> dict:
    path = tmp_path / "af.vcf"
    path.write_text(header(["S1"]) +
                    f"chrX\t{POS}\t.\t{REF}\t{ALT}\t50\tPASS\tAF={af}\tGT\t0/1\n")
    out = tmp_path / "r.json"
    code, _, err = run_cli("annotate", str(path), "--af-field", "AF", "-o", str(out))
    assert code == 0, err
    return json.loads(out.read_text())


@pytest.mark.parametrize("af", ["inf", "nan", "5", "-0.5", "1_0", "\u0663", "0x1p-3", "1e999"])
def test_a_value_that_is_not_a_frequency_gives_no_frequency_code(run_cli, tmp_path, af):
    report = _annotate(run_cli, tmp_path, af)
    (variant,) = report["variants"]
    assert variant["hgvs_c"] == "NM_014009.4:c.1189C>T"
    assert not {e["code"] for e in variant["evidence"]} & FREQUENCY_CODES
    (warning,) = [w for w in report["warnings"] if "not a frequency" in w]
    assert f"pos {POS}" in warning


@pytest.mark.parametrize(("af", "code"), [("0.5", "BA1"), ("1e-5", "PM2_Supporting")])
def test_a_real_frequency_still_counts(run_cli, tmp_path, af, code):
    report = _annotate(run_cli, tmp_path, af)
    (variant,) = report["variants"]
    assert code in {e["code"] for e in variant["evidence"]}
    assert not [w for w in report["warnings"] if "not a frequency" in w]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(st.text(max_size=12), st.floats().map(repr), st.integers().map(str)))
def test_allele_frequency_is_none_or_within_0_and_1(text: str):
    record = VariantRecord("x.vcf", 1, "chrX", "X", POS, REF, ALT, info=(("AF", text),))
    value = allele_frequency(record, "AF")
    assert value is None or 0.0 <= value <= 1.0
    record_case("interpret.allele_frequency", "None" if value is None else "frequency")


def _hostile_names_vcf(tmp_path, sample: str, filter_id: str = "PASS") -> str:
    path = tmp_path / "names.vcf"
    path.write_text(header([sample]) +
                    f"chrX\t{POS}\t.\t{REF}\t{ALT}\t50\t{filter_id}\t.\tGT\t0/1\n")
    return str(path)


def test_html_report_escapes_names_and_filters_from_the_vcf(run_cli, tmp_path):
    source = _hostile_names_vcf(tmp_path, "<script>alert(1)</script>",
                                "<img/src=x/onerror=alert(2)>")
    out = tmp_path / "r.html"
    code, _, err = run_cli("annotate", source, "-o", str(out))
    assert code == 0, err
    html = out.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<img/src" not in html


@pytest.mark.parametrize("command", ["annotate", "sex"])
def test_terminal_output_carries_no_escape_sequence_from_the_vcf(run_cli, tmp_path, command):
    source = _hostile_names_vcf(tmp_path, "a\x1b[2Jb")
    code, out, err = run_cli(command, source, "--format", "table")
    assert code == 0, err
    assert "\x1b" not in out + err
