"""Issue 15, reader cases 1-4: the bundled trio, damaged or made tricky in the test, gives the
right verdicts or exit 1 with one message: never a wrong answer with exit 0 (each test failed
on the code before the fix; see CHANGES.md)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from issue15_files import (
    REF_ONLY,
    RIGHT,
    TRIO_GZ,
    TRIO_PED,
    bgzip,
    blocks,
    padded_trio,
    trio_text,
    write_vcf,
)

from ipexcli.vcf import open_vcf


def run_json(ipex: Any, path: Path, *extra: str) -> tuple[int, dict[str, Any] | None, str]:
    """``ipex annotate PATH --ped trio.ped --format json`` -> (exit code, report or None,
    stderr)."""
    result = ipex("annotate", str(path), "--ped", str(TRIO_PED), "--format", "json", *extra)
    report = json.loads(result.stdout) if result.exit_code in (0, 3) else None
    return result.exit_code, report, result.stderr


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    """The trio's verdicts (padding samples left out)."""
    return {s["id"]: s["verdicts"][0]["category"] for s in report["samples"] if s["id"] in RIGHT}


def assert_right_or_exit_1(ipex: Any, path: Path) -> str:
    """The run gives the trio's right verdicts (exit 3 with --fail-on pathogenic), or exits 1
    with one error line naming the file. Returns "right" or "error"."""
    code, report, err = run_json(ipex, path, "--fail-on", "pathogenic")
    assert "Traceback" not in err and "unexpected" not in err, err
    if code == 1:
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and str(path) in errors[0], err
        return "error"
    assert code == 3, err
    assert report is not None and verdicts(report) == RIGHT, err
    return "right"


# -- case 1: bisection trusts an order it never checked -------------------------------------------


FAR = f"chrX\t60000000\t.\tA\tG\t50\tPASS\t.\tGT:AD:DP:GQ\t{REF_ONLY}"


def test_case1_far_record_before_foxp3_unindexed_bgzf_streams_and_says_so(
    ipex: Any, tmp_path: Path
) -> None:
    header, records = trio_text()
    packed = bgzip(write_vcf(tmp_path / "far.vcf", header, [FAR, *records]))
    code, report, err = run_json(ipex, packed, "--fail-on", "pathogenic")
    assert code == 3, err
    assert report is not None and verdicts(report) == RIGHT
    assert report["inputs"][0]["region_method"] == "stream"
    assert "bisection not possible (records out of order" in err and "streaming" in err


def test_case1_contig_in_two_runs_is_not_bisected(ipex: Any, tmp_path: Path) -> None:
    """chrX written as two runs (two bgzipped pieces concatenated, as `cat a.gz b.gz` does):
    the far records first, then the FOXP3 ones; bisection lost every FOXP3 record."""
    header, records = trio_text()
    far = [FAR.replace("60000000", str(60_000_000 + i * 1000)) for i in range(3000)]
    first = bgzip(write_vcf(tmp_path / "a.vcf", header, far))
    second = bgzip(write_vcf(tmp_path / "b.vcf", [], records))
    joined = tmp_path / "split.vcf.gz"
    joined.write_bytes(first.read_bytes() + second.read_bytes())
    code, report, err = run_json(ipex, joined, "--fail-on", "pathogenic")
    assert code == 3, err
    assert report is not None and verdicts(report) == RIGHT
    assert report["inputs"][0]["region_method"] == "stream"


def test_case1_report_names_the_method_that_read_the_locus(ipex: Any, tmp_path: Path) -> None:
    """The trio bgzipped without index is bisected; the chrY scan (no chrY ##contig) streams
    afterwards, and the report said "stream" for the FOXP3 locus read by bisection."""
    packed = tmp_path / "trio.vcf.gz"
    packed.write_bytes(TRIO_GZ.read_bytes())
    code, report, err = run_json(ipex, packed)
    assert code == 0 and report is not None, err
    assert verdicts(report) == RIGHT
    assert report["inputs"][0]["region_method"] == "bgzf-bisection"


# -- case 2: a newer index of another file ---------------------------------------------------------


def test_case2_newer_index_of_another_file_is_ignored_with_a_warning(
    ipex: Any, tmp_path: Path
) -> None:
    header, _ = trio_text()
    other = bgzip(write_vcf(tmp_path / "other.vcf", header, [
        FAR.replace("60000000", str(1000 + i * 5000)) for i in range(500)
    ]))
    subprocess.run(["tabix", "-p", "vcf", str(other)], check=True)
    data = tmp_path / "trio.vcf.gz"
    data.write_bytes(TRIO_GZ.read_bytes())
    index = Path(f"{data}.tbi")
    index.write_bytes(Path(f"{other}.tbi").read_bytes())
    later = os.stat(data).st_mtime + 60
    os.utime(index, (later, later))  # newer than the data: the age check does not catch it
    code, report, err = run_json(ipex, data, "--fail-on", "pathogenic")
    assert code == 3, err
    assert report is not None and verdicts(report) == RIGHT
    assert "trio.vcf.gz.tbi does not belong to this file" in err and "ignored" in err
    assert report["inputs"][0]["region_method"] == "bgzf-bisection"


def test_case2_the_files_own_index_is_used(tmp_path: Path) -> None:
    data = tmp_path / "padded.vcf"
    data.write_text(padded_trio(), encoding="utf-8")
    packed = bgzip(data)
    subprocess.run(["tabix", "-p", "vcf", str(packed)], check=True)
    with open_vcf(packed) as reader:
        assert len(list(reader.locus_records())) == 153
        assert sum(1 for _ in reader.chrom_records("X")) == 553
        assert reader.stats.region_method == "index" and not reader.stats.notes


# -- case 3: per-sample damage, a cut plain file, a missing block ----------------------------------


def test_case3_a_bad_gt_costs_that_sample_not_the_record(ipex: Any, tmp_path: Path) -> None:
    header, records = trio_text()
    father_bad = records[0].rsplit("\t", 1)[0] + "\t2:28,0:28:99"  # GT 2 on a one-ALT record
    path = write_vcf(tmp_path / "bad_gt.vcf", header, [father_bad, *records[1:]])
    code, report, err = run_json(ipex, path, "--fail-on", "pathogenic", "--allow-skipped")
    assert code == 3, err
    assert report is not None
    found = verdicts(report)
    assert (found["proband"], found["mother"]) == ("consistent_with_ipex", "carrier")
    father = next(s for s in report["samples"] if s["id"] == "father")
    assert father["verdicts"][0]["category"] == "not_assessed"
    assert "unreadable genotype at c.1189C>T" in father["verdicts"][0]["reasons"][0]
    (unread,) = report["inputs"][0]["unread"]
    assert unread.endswith("line 10: call of father: GT '2' names allele 2 but there are 1 ALT(s)")
    flags = [g["flags"] for g in father["genotypes"] if g["raw_gt"] == "2"]
    assert flags == [["INVALID_CALL"]]
    assert "warning: not read in the FOXP3 locus" in err
    # without --allow-skipped the gate does not pass on a call it could not read
    code, _, err = run_json(ipex, path, "--fail-on", "pathogenic")
    assert code == 1 and "--fail-on: 1 record(s) or genotype(s)" in err and "--allow-skipped" in err


def test_case3_a_damaged_record_in_foxp3_fails_the_gate(ipex: Any, tmp_path: Path) -> None:
    header, records = trio_text()
    broken = records[1].replace("\t50\t", "\tfifty\t")  # QUAL: the whole record is unreadable
    path = write_vcf(tmp_path / "bad_qual.vcf", header, [records[0], broken, records[2]])
    code, report, err = run_json(ipex, path)
    assert code == 0 and report is not None and verdicts(report) == RIGHT
    assert "not read in the FOXP3 locus" in err and "line 11: malformed_qual" in err
    code, _, err = run_json(ipex, path, "--fail-on", "pathogenic")
    assert code == 1 and "line 11: malformed_qual" in err
    assert run_json(ipex, path, "--fail-on", "pathogenic", "--allow-skipped")[0] == 3


@pytest.mark.parametrize("compressed", [False, True])
def test_case3_a_file_cut_inside_the_pathogenic_record_is_an_error(
    ipex: Any, tmp_path: Path, compressed: bool
) -> None:
    header, records = trio_text()
    text = "\n".join([*header, *records]) + "\n"
    cut_at = text.index(records[0]) + len(records[0]) - 20  # inside the mother's column
    path = tmp_path / "cut.vcf"
    path.write_text(text[:cut_at], encoding="utf-8")
    if compressed:
        path = bgzip(path)
    code, _, err = run_json(ipex, path, "--fail-on", "pathogenic")
    assert code == 1, err
    assert "the file ends inside a record" in err and str(path) in err


def seam_is_invisible(ipex: Any, path: Path, data: bytes, report: dict[str, Any]) -> bool:
    """True when ``report`` (read from the BGZF bytes ``data`` at ``path``) is exactly what the
    same bytes decompressed and read as plain text give, with no damage seen in the FOXP3 locus:
    a block removed with its neighbours joining into well-formed records cannot be told from a
    file without those records (BGZF numbers no blocks; htslib cannot tell either)."""
    path.write_bytes(gzip.decompress(data))
    code, plain, _ = run_json(ipex, path, "--fail-on", "pathogenic")
    path.write_bytes(data)
    if plain is None or code not in (0, 3):
        return False
    damage = [k for k in plain["inputs"][0]["skipped"] if k.startswith("malformed")]
    return (
        not plain["inputs"][0]["unread"]
        and not damage
        and _without_lines(plain) == _without_lines(report)
    )


def _without_lines(report: dict[str, Any]) -> tuple[Any, Any]:
    """Samples and variants without the input line numbers, which a read through the index or
    by bisection does not know (``input_line`` is null there) and a plain read does."""
    samples = [
        {**sample, "genotypes": [{k: v for k, v in g.items() if k != "input_line"}
                                 for g in sample["genotypes"]]}
        for sample in report["samples"]
    ]
    return samples, report["variants"]


def test_case3_a_bgzf_file_missing_a_whole_block(ipex: Any, tmp_path: Path) -> None:
    """Every data block of a padded trio removed in turn: the right verdicts, or exit 1 (a seam
    that breaks a record in the FOXP3 locus, which was skipped silently before), or, only when
    the seam is invisible in the bytes (:func:`seam_is_invisible`), what those bytes say."""
    plain = tmp_path / "padded.vcf"
    plain.write_text(padded_trio(), encoding="utf-8")
    data = bgzip(plain).read_bytes()
    spans = blocks(data)
    assert len(spans) > 5
    outcomes: dict[str, int] = {"right": 0, "error": 0, "invisible": 0}
    damaged = tmp_path / "missing.vcf.gz"
    for at, size in spans[1:-1]:  # every data block but the header's, one at a time
        cut = data[:at] + data[at + size :]
        damaged.write_bytes(cut)
        code, report, err = run_json(ipex, damaged, "--fail-on", "pathogenic")
        assert "Traceback" not in err and "unexpected" not in err, err
        if code == 1:
            outcomes["error"] += 1
        elif report is not None and verdicts(report) == RIGHT:
            outcomes["right"] += 1
        else:
            assert report is not None and seam_is_invisible(ipex, damaged, cut, report), err
            outcomes["invisible"] += 1
    assert outcomes["error"] > 0, outcomes  # a seam inside the FOXP3 records is caught


# -- case 4: BGZF CRC32 on the index and bisection paths -------------------------------------------


@pytest.mark.parametrize("indexed", [False, True])
def test_case4_a_flipped_bit_is_caught_by_the_crc(
    ipex: Any, tmp_path: Path, indexed: bool
) -> None:
    """A bit flipped inside the deflate data of the trio's only block: zlib may still inflate
    it (here a record moved from 49259256 to 49259276 before); the CRC32 says no."""
    data = bytearray(TRIO_GZ.read_bytes())
    path = tmp_path / "flipped.vcf.gz"
    caught = 0
    first_size = blocks(bytes(data))[0][1]
    for at in range(18, first_size - 8):  # the deflate payload of block 0
        for bit in (0x01, 0x10):
            damaged = bytearray(data)
            damaged[at] ^= bit
            path.write_bytes(bytes(damaged))
            if indexed:
                index = Path(f"{path}.tbi")
                index.write_bytes(Path(f"{TRIO_GZ}.tbi").read_bytes())
            outcome = assert_right_or_exit_1(ipex, path)
            caught += outcome == "error"
    assert caught > 0
