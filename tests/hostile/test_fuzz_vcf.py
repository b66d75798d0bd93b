"""Fuzzing the VCF reader (header + record paths) and the whole annotate pipeline.

Files are generated from real bases of the bundled locus (both builds), then mutated: random
header lines, contig names, columns, POS, REF/ALT (symbolic, breakend, '*', many ALTs), QUAL,
FILTER, huge INFO, FORMAT keys, GT and AD strings, and finally raw bytes. Property: reading
gives records or raises an IpexError whose message is one line naming the file; nothing else.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipexcli import refdata
from ipexcli.errors import IpexError
from ipexcli.model import Build
from ipexcli.vcf import open_vcf

from .conftest import assert_clean_error, record_case

DATA = refdata.load()
BASES = st.text("ACGTN", min_size=1, max_size=6)
JUNK = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def mostly(draw: st.DrawFn, valid: object, *hostile: object) -> object:
    """``valid`` 4 times out of 5, else one of the ``hostile`` values."""
    return valid if draw(st.integers(0, 4)) else draw(st.sampled_from(hostile))


@st.composite
def header_lines(draw: st.DrawFn, build: Build) -> list[str]:
    version = draw(st.sampled_from(["4.1", "4.2", "4.3"] * 6 + ["4.4", "5.0", "", "4.2x"]))
    lines = [f"##fileformat=VCFv{version}"] if version or draw(st.booleans()) else []
    contig = draw(st.sampled_from(["chrX", "X", "NC_000023.11", "NC_000023.10", "chrY", "23"]))
    length = {Build.GRCH38: 156040895, Build.GRCH37: 155270560}[build]
    if draw(st.integers(0, 4)):
        lines.append(f"##contig=<ID={contig},length={draw(st.sampled_from([length, 1, -5]))}>")
    number = draw(st.sampled_from(["1", "A", "R", "G", ".", "0", "x"]))
    lines += [
        f'##INFO=<ID=AF,Number={number},Type=Float,Description="af">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        f'##FORMAT=<ID=AD,Number={number},Type=Integer,Description="depths">',
    ]
    for _ in range(draw(st.integers(0, 3)) if draw(st.integers(0, 4)) == 0 else 0):
        junk = draw(st.sampled_from(["##", "#", "##X=<", "##contig=<ID", "##INFO=<ID=,Number"]))
        lines.append(junk + draw(JUNK))
    return lines


@st.composite
def alt_field(draw: st.DrawFn, ref: str) -> str:
    kinds = st.sampled_from(["base"] * 6 + ["symbolic", "star", "breakend", "dot", "long", "junk"])
    alts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(kinds)
        if kind == "base":
            alts.append(mostly(draw, "ACGT"[("ACGT".index(ref[0]) + 1) % 4] if ref[:1] in
                               ("A", "C", "G", "T") else "A", draw(BASES)))
        elif kind == "symbolic":
            alts.append(draw(st.sampled_from(["<DEL>", "<NON_REF>", "<*>", "<INS:ME>", "<"])))
        elif kind == "star":
            alts.append("*")
        elif kind == "breakend":
            alts.append(draw(st.sampled_from([f"{ref}[chrX:49251441[", f"]X:5]{ref}", "]["])))
        elif kind == "dot":
            alts.append(".")
        elif kind == "long":
            alts.append(ref + "A" * draw(st.integers(50, 3000)))
        else:
            alts.append(draw(JUNK))
    if draw(st.integers(0, 9)) == 0:  # many ALTs
        alts += [ref + "ACGT"[i % 4] * (i // 4 + 1) for i in range(draw(st.integers(10, 400)))]
    return ",".join(alts)


GT = st.one_of(
    st.sampled_from(["0/0", "0/1", "1/1", "1|0", "./.", ".", "0", "1", "2", "1/2", "0/3",
                     "99/1", "-1/0", "0/1/2", "/", "|", "", "0:1", "1||1", "0/.", "a/b"]),
    JUNK,
)
AD = st.one_of(st.just("."), st.lists(st.integers(-3, 10**12), max_size=5).map(
    lambda xs: ",".join(map(str, xs))), JUNK)


@st.composite
def record_line(draw: st.DrawFn, build: Build, chrom: str, n_samples: int) -> str:
    locus = DATA.locus(build)
    pos = draw(st.integers(locus.pos_start, locus.pos_end - 6))
    length = draw(st.integers(1, 5))
    ref = locus.fetch(pos - 1, pos - 1 + length)
    ref = mostly(draw, ref, ref.lower(), "N", ref[::-1], ".", "")
    pos_text = mostly(draw, str(pos), "0", "-7", "x", "", str(10**30), f"{pos}.0")
    chrom = mostly(draw, chrom, "chrY", "chr1", "", "X\x00", "chrx")
    qual = mostly(draw, "50", ".", "nan", "inf", "-1", "q")
    filt = mostly(draw, "PASS", ".", "q10", "q10;lowDP", "")
    info = mostly(draw, "AF=0.5", ".", "AF=0.1,0.2", "DB", "AF=", "=;;", "AF=x")
    if draw(st.integers(0, 14)) == 0:
        info = "BIG=" + "A" * draw(st.integers(10_000, 200_000))
    fmt = mostly(draw, "GT:AD", "GT", "AD:GT", "AD", "", "GT:AD:DP:GQ", "GT::AD")
    columns = [chrom, pos_text, ".", ref, draw(alt_field(ref)), qual, filt, info]
    if n_samples:
        columns.append(fmt)
        for _ in range(n_samples):
            columns.append(f"{mostly(draw, '0/1', draw(GT))}:{mostly(draw, '4,5', draw(AD))}")
    if draw(st.integers(0, 7)) == 0:  # wrong number of columns
        columns = columns[: draw(st.integers(0, len(columns)))]
    return "\t".join(columns)


@st.composite
def vcf_files(draw: st.DrawFn) -> tuple[bytes, str]:
    build = draw(st.sampled_from(list(Build)))
    chrom = {Build.GRCH38: "chrX", Build.GRCH37: "X"}[build]
    n_samples = draw(st.integers(0, 3))
    samples = [f"S{i}" for i in range(n_samples)]
    if samples and draw(st.integers(0, 9)) == 0:
        samples[-1] = draw(st.sampled_from(["S0", "", "a b", "#", "\u00e9"]))
    lines = draw(header_lines(build))
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    if samples:
        columns += "\tFORMAT\t" + "\t".join(samples)
    if draw(st.integers(0, 9)):
        lines.append(columns)
    lines += [draw(record_line(build, chrom, len(samples)))
              for _ in range(draw(st.integers(0, 6)))]
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    data = bytearray(text.encode())
    for _ in range(draw(st.integers(0, 3)) if draw(st.integers(0, 3)) == 0 else 0):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data[at:at] = bytes([draw(st.integers(0, 255))])
    packing = draw(st.sampled_from(["plain", "plain", "gzip", "bgzf"]))
    return bytes(data), packing


def _write(folder: Path, data: bytes, packing: str) -> Path:
    if packing == "plain":
        path = folder / "fuzz.vcf"
        path.write_bytes(data)
    elif packing == "gzip":
        path = folder / "fuzz.vcf.gz"
        path.write_bytes(gzip.compress(data))
    else:
        import subprocess

        path = folder / "fuzz.vcf.gz"
        path.write_bytes(subprocess.run(["bgzip", "-c"], input=data, check=True,
                                        capture_output=True).stdout)
    return path


FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@FUZZ
@given(vcf_files(), st.sampled_from([None, Build.GRCH38, Build.GRCH37]))
def test_reader_gives_records_or_a_named_error(case: tuple[bytes, str], build: Build | None):
    data, packing = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data, packing)
        try:
            with open_vcf(path, build=build, info_fields=("AF",)) as reader:
                records = list(reader.locus_records())
                for record in records:
                    assert record.ref and record.alt
                list(reader.chrom_records("X"))
                list(reader.chrom_records("Y", non_par=False))
                assert reader.stats.records_read >= 0
        except IpexError as exc:
            assert "\n" not in str(exc), str(exc)
            assert str(path) in str(exc) or type(exc).__name__ == "BuildMismatchError", str(exc)
            record_case("vcf.open_vcf", type(exc).__name__)
        else:
            record_case("vcf.open_vcf", "records" if records else "no locus records")


OPTIONS = st.lists(st.sampled_from([("--af-field", "AF"), ("--pass-only",), ("--build", "hg19"),
                                     ("--no-sex-inference",), ("--sex", "S0=female")]),
                   max_size=3, unique=True)


@settings(FUZZ, max_examples=40)
@given(vcf_files(), OPTIONS, st.sampled_from(["json", "html", "vcf", "table"]))
def test_annotate_cli_exits_cleanly(run_cli, case: tuple[bytes, str], options, fmt: str):
    data, packing = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data, packing)
        out = Path(tmp) / "report.out"
        extra = [word for option in options for word in option]
        code, _, err = run_cli("annotate", str(path), "--format", fmt, "-o", str(out), *extra)
        if code == 0:
            assert out.is_file()
            record_case("cli annotate (fuzzed VCF)", "exit 0")
        else:
            assert_clean_error(code, err)
            assert not out.exists()
            record_case("cli annotate (fuzzed VCF)", f"exit {code}")


@settings(FUZZ, max_examples=30)
@given(vcf_files())
def test_sex_cli_exits_cleanly(run_cli, case: tuple[bytes, str]):
    data, packing = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data, packing)
        code, out, err = run_cli("sex", str(path), "--format", "json")
        if code == 0:
            assert out.startswith(("{", "["))
        else:
            assert_clean_error(code, err)
        record_case("cli sex (fuzzed VCF)", f"exit {code}")
