"""Hostile input files through the real CLI (``ipex annotate``/``ipex sex``).

Every case: exit 0 (usable input) or 1/2 with one ``error:`` line naming the file and no
traceback; with ``-o`` nothing (not even a temporary file) is left behind after an error.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ipexcli.model import Build

from .conftest import ROOT, assert_clean_error
from .vcfgen import cohort, header, snv

POS = 49251441  # GRCh38, c.1189 (NM_014009.4)
REF, ALT = snv(POS, shift=2)  # G>A: NM_014009.4:c.1189C>T (p.Arg397Trp)
ONE_SAMPLE = header(["S1"])


def _record(alt: str = ALT, info: str = ".") -> str:
    return f"chrX\t{POS}\t.\t{REF}\t{alt}\t50\tPASS\t{info}\tGT:AD\t0/1:5,6\n"


GOOD = ONE_SAMPLE + _record()


def _many_alts(n: int) -> list[str]:
    alts = []
    for size in itertools.count(1):
        for bases in itertools.product("ACGT", repeat=size):
            if "".join(bases) != REF:
                alts.append(REF + "".join(bases) if size > 1 else "".join(bases))
            if len(alts) == n:
                return alts
    raise AssertionError


def _gzip_cut(path: Path) -> None:
    data = gzip.compress((GOOD * 50).encode())
    path.write_bytes(data[: len(data) // 2])


def _bgzf_without_eof(path: Path) -> None:
    bgzipped = subprocess.run(["bgzip", "-c"], input=GOOD.encode(), capture_output=True,
                              check=True).stdout
    eof_block = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
    assert bgzipped.endswith(eof_block)
    path.write_bytes(bgzipped[:-28])


#: name -> (file name, writer, expected exit code)
BAD: dict[str, tuple[str, Callable[[Path], None], int]] = {
    "binary-garbage": ("garbage.vcf", lambda p: p.write_bytes(os.urandom(1 << 16)), 1),
    "zero-bytes": ("empty.vcf", lambda p: p.write_bytes(b""), 1),
    "directory": ("folder.vcf", lambda p: p.mkdir(), 2),
    "truncated-bgzf": ("cut.vcf.gz", _bgzf_without_eof, 1),
    "gzip-cut-in-the-middle": ("cut.vcf.gz", _gzip_cut, 1),
    "utf-16": ("utf16.vcf", lambda p: p.write_bytes(GOOD.encode("utf-16")), 1),
    "no-newline-10MB": ("oneline.vcf", lambda p: p.write_text("#" + "A" * 10_000_000), 1),
}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or "out" in p.name)


@pytest.mark.parametrize("case", sorted(BAD))
@pytest.mark.parametrize("command", ["annotate", "sex"])
def test_bad_file_gives_one_line_error_and_no_output(run_cli, tmp_path, case, command):
    name, write, expected = BAD[case]
    path = tmp_path / name
    write(path)
    out = tmp_path / "out.tsv"
    args = ["annotate", str(path), "-o", str(out)] if command == "annotate" else [
        "sex", str(path), "--format", "tsv"]
    code, stdout, err = run_cli(*args)
    assert code == expected, err
    assert_clean_error(code, err, name)
    assert _leftovers(tmp_path) == []
    assert stdout == ""


def _annotate_json(run_cli, path: Path) -> dict:
    out = path.parent / "out.json"
    code, _, err = run_cli("annotate", str(path), "-o", str(out))
    assert code == 0, err
    assert "error" not in err
    report = json.loads(out.read_text())
    out.unlink()
    assert _leftovers(path.parent) == []
    return report


def _alleles(report: dict) -> list[tuple]:
    return [(v["pos"], v["ref"], v["alt"], v["hgvs_c"]) for v in report["variants"]]


def test_10MB_info_value_is_read(run_cli, tmp_path):
    path = tmp_path / "bigINFO.vcf"
    path.write_text(ONE_SAMPLE + _record(info="BIG=" + "A" * 10_000_000))
    assert _alleles(_annotate_json(run_cli, path)) == [(POS, REF, ALT, "NM_014009.4:c.1189C>T")]


def test_10MB_meta_line_is_read(run_cli, tmp_path):
    path = tmp_path / "bigMETA.vcf"
    first, rest = GOOD.split("\n", 1)
    path.write_text(f"{first}\n##comment={'x' * 10_000_000}\n{rest}")
    assert _alleles(_annotate_json(run_cli, path)) == [(POS, REF, ALT, "NM_014009.4:c.1189C>T")]


def test_thousands_of_alt_alleles_in_one_record(run_cli, tmp_path):
    alts = _many_alts(2000)
    path = tmp_path / "manyALT.vcf"
    path.write_text(ONE_SAMPLE + f"chrX\t{POS}\t.\t{REF}\t{','.join(alts)}\t50\tPASS\t.\tGT\t0/1\n")
    report = _annotate_json(run_cli, path)
    # every ALT is annotated once (an insertion after REF normalises to its own allele)
    assert len(report["variants"]) == 2000
    assert {v["alt"] for v in report["variants"] if v["pos"] == POS and len(v["ref"]) == 1} >= {
        a for a in alts if len(a) == 1}
    (item,) = report["inputs"]
    assert item["records_in_region"] == 1


def test_header_only_vcf_gives_an_empty_report(run_cli, tmp_path):
    path = tmp_path / "header-only.vcf"
    path.write_text(ONE_SAMPLE)
    report = _annotate_json(run_cli, path)
    assert report["variants"] == [] and [s["id"] for s in report["samples"]] == ["S1"]


def test_crlf_line_endings_read_like_lf(run_cli, tmp_path):
    lf = tmp_path / "lf.vcf"
    lf.write_text(GOOD)
    crlf = tmp_path / "crlf.vcf"
    crlf.write_bytes(GOOD.replace("\n", "\r\n").encode())
    assert _alleles(_annotate_json(run_cli, crlf)) == _alleles(_annotate_json(run_cli, lf))
    assert _alleles(_annotate_json(run_cli, lf)) == [(POS, REF, ALT, "NM_014009.4:c.1189C>T")]


def _serve_fifo(fifo: Path, data: bytes, stop: threading.Event) -> threading.Thread:
    """Write ``data`` into ``fifo`` as soon as a reader opens it (gives up when ``stop``)."""

    def serve() -> None:
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.01)
                continue
            os.set_blocking(fd, True)
            try:
                os.write(fd, data)
            except OSError:  # the reader went away: its problem to report
                pass
            finally:
                os.close(fd)
            return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


FIFO_BUG = (
    "vcf.py VcfReader._open: a named pipe (or /dev/stdin, <(process substitution)) is opened "
    "with open(path, 'rb') and, after sniffing 64 bytes, rewound with handle.seek(0) (text "
    "and gzip) or probed with has_eof_marker (bgzf), which raise io.UnsupportedOperation on a "
    "pipe: 'error: unexpected UnsupportedOperation: File or stream is not seekable', exit 1"
)


@pytest.mark.parametrize("packing", ["plain", "bgzf"])
def test_a_named_pipe_is_read_or_refused_clearly(tmp_path, packing):
    fifo = tmp_path / "pipe.vcf"
    os.mkfifo(fifo)
    data = GOOD.encode()
    if packing == "bgzf":
        data = subprocess.run(["bgzip", "-c"], input=data, capture_output=True,
                              check=True).stdout
    stop = threading.Event()
    thread = _serve_fifo(fifo, data, stop)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ipexcli", "annotate", str(fifo), "--format", "tsv"],
            capture_output=True, text=True, timeout=30, cwd=tmp_path,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
    finally:
        stop.set()
        thread.join(5)
    if done.returncode == 0:
        assert "NM_014009.4:c.1189C>T" in done.stdout
    else:
        assert_clean_error(done.returncode, done.stderr, "pipe.vcf")


@pytest.mark.slow
def test_ten_thousand_samples(run_cli, tmp_path):
    """Performance sanity: 10,000 samples x 5 FOXP3 records (about 1 s/1,000 samples here)."""
    path = tmp_path / "cohort.vcf"
    path.write_text(cohort(10_000, 5, seed=8, build=Build.GRCH38))
    out = tmp_path / "out.tsv"
    started = time.perf_counter()
    code, _, err = run_cli("annotate", str(path), "-o", str(out))
    seconds = time.perf_counter() - started
    assert code == 0, err
    rows = out.read_text().splitlines()
    assert rows[1].startswith("sample\t")
    assert len({row.split("\t")[0] for row in rows[2:]}) > 5_000  # carriers etc. listed
    print(f"\n10,000 samples x 5 records: annotate -o tsv in {seconds:.1f} s")
    assert seconds < 60


DATA_VCF = ROOT / "tests" / "data" / "vcf"


def _genotyped_rows(run_cli, path: Path) -> list[str]:
    code, out, err = run_cli("annotate", str(path), "--format", "tsv")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()[2:]]
    assert out.splitlines()[1].split("\t")[9:12] == ["pos", "ref", "alt"]
    return sorted(":".join((r[9], r[10], r[11], r[0])) for r in rows if r[9])


def test_a_garbage_tabix_index_is_not_trusted(run_cli, tmp_path):
    """A corrupt .tbi beside a bgzipped VCF: same variants as without any index."""
    plain = tmp_path / "plain" / "a.vcf.gz"
    plain.parent.mkdir()
    plain.write_bytes((DATA_VCF / "grch38_genotypes.tbi.vcf.gz").read_bytes())
    hostile = tmp_path / "a.vcf.gz"
    hostile.write_bytes(plain.read_bytes())
    (tmp_path / "a.vcf.gz.tbi").write_bytes(os.urandom(200))
    expected = _genotyped_rows(run_cli, plain)
    assert expected  # the file has FOXP3 variants
    assert _genotyped_rows(run_cli, hostile) == expected


def test_a_garbage_csi_beside_a_bcf_is_not_trusted(run_cli, tmp_path):
    plain = tmp_path / "plain" / "a.bcf"
    plain.parent.mkdir()
    plain.write_bytes((DATA_VCF / "grch38_genotypes.bcf").read_bytes())
    hostile = tmp_path / "a.bcf"
    hostile.write_bytes(plain.read_bytes())
    (tmp_path / "a.bcf.csi").write_bytes(os.urandom(200))
    expected = _genotyped_rows(run_cli, plain)
    assert expected
    assert _genotyped_rows(run_cli, hostile) == expected
