"""Issue 15: a BGZF file's block layout checked against its index, and where a cut file ends.

BGZF numbers no blocks: a lost block whose neighbours join into well-formed lines is invisible
in the bytes. An index remembers where the blocks began; :func:`ipexcli.vcf.indexcheck.check_layout`
compares the two. Files are built from ``examples/`` (:mod:`issue15_files`); the index is the
clean file's, kept beside the damaged copy and newer than it (as a user would have it).
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from issue15_files import TRIO_PED, bgzip, blocks, padded_trio, trio_text, write_vcf

from ipexcli.vcf import index as index_mod
from ipexcli.vcf import indexcheck
from ipexcli.vcf.bgzf import BgzfFile, block_chain
from ipexcli.vcf.indexcheck import referenced_blocks


def _annotate(ipex: Any, path: Path, *extra: str) -> tuple[int, str]:
    result = ipex("annotate", str(path), "--ped", str(TRIO_PED), "--format", "json", *extra)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def _indexed(tmp_path: Path, text: str, csi: bool = False) -> tuple[Path, bytes, Path]:
    """The bgzipped ``text`` with its index (``.tbi``, or ``.csi``)."""
    plain = tmp_path / "clean.vcf"
    plain.write_text(text, encoding="utf-8")
    data = bgzip(plain)
    subprocess.run(["tabix", *(["-C"] if csi else []), "-p", "vcf", str(data)], check=True)
    return data, data.read_bytes(), Path(f"{data}.{'csi' if csi else 'tbi'}")


def _damaged_beside(tmp_path: Path, data: bytes, index: Path) -> Path:
    """``data`` written as ``damaged.vcf.gz`` with ``index`` beside it, newer than it."""
    target = tmp_path / "damaged.vcf.gz"
    target.write_bytes(data)
    copy = Path(f"{target}{index.suffix}")
    shutil.copyfile(index, copy)
    later = os.stat(target).st_mtime + 10
    os.utime(copy, (later, later))
    return target


@pytest.mark.parametrize("csi", [False, True], ids=["tbi", "csi"])
def test_a_lost_data_block_is_an_error_naming_where_the_blocks_stop_matching(
    ipex: Any, tmp_path: Path, csi: bool
) -> None:
    _, clean, index = _indexed(tmp_path, padded_trio(n_locus=200, n_far=1000, n_extra=20), csi)
    spans = blocks(clean)
    assert len(spans) >= 8
    assert _annotate(ipex, _damaged_beside(tmp_path, clean, index), "--fail-on",
                     "pathogenic")[0] == 3
    for k in (1, len(spans) // 2, len(spans) - 2):  # the EOF marker is spans[-1]
        at, size = spans[k]
        target = _damaged_beside(tmp_path, clean[:at] + clean[at + size :], index)
        code, err = _annotate(ipex, target, "--fail-on", "pathogenic")
        assert code == 1, err
        (line,) = [x for x in err.splitlines() if x.startswith("error:")]
        assert str(target) in line and "its BGZF blocks stop matching its index" in line
        assert f"after compressed byte offset {at:,}" in line, line  # block k's start
        assert f"expects a block at byte {spans[k + 1][0]:,}" in line, line  # block k + 1
        assert "tabix -p vcf" in line and f"remove damaged.vcf.gz{index.suffix}" in line


def test_a_lost_header_block_is_an_error_not_another_files_index(
    ipex: Any, tmp_path: Path
) -> None:
    """A header over several blocks loses one: every offset of the index moves by the block's
    size; the index fits only shifted, which says the header changed, not another file."""
    header, records = trio_text()
    rng = random.Random(15)
    comments = [f"##comment{i}=a long header line {rng.random()}" for i in range(3000)]
    text = "\n".join([header[0], *comments, *header[1:], *records]) + "\n"
    _, clean, index = _indexed(tmp_path, text)
    spans = blocks(clean)
    assert len(spans) >= 4
    at, size = spans[1]  # a block of ##comment lines only
    target = _damaged_beside(tmp_path, clean[:at] + clean[at + size :], index)
    code, err = _annotate(ipex, target, "--fail-on", "pathogenic")
    assert code == 1, err
    assert f"{size:,} bytes were lost before the first record (in the header)" in err
    # without the index the same bytes are read as they are, with a note saying what cannot
    # be seen (here the lost comments: the verdicts do not change)
    os.unlink(f"{target}.tbi")
    code, err = _annotate(ipex, target)
    assert code == 0 and "no index: a BGZF block missing from the file cannot be detected" in err


@pytest.mark.parametrize("csi", [False, True], ids=["tbi", "csi"])
def test_the_clean_file_agrees_with_its_index_and_spans_come_from_the_pseudo_bins(
    tmp_path: Path, csi: bool
) -> None:
    source, _, index_path = _indexed(tmp_path, padded_trio(n_locus=200, n_far=1000, n_extra=20),
                                     csi)
    index = index_mod.read_index(str(index_path))
    assert index.csi == csi and all(at >= 0 for at in index.pseudo_at)
    with source.open("rb") as handle:
        bgzf = BgzfFile(handle)
        assert indexcheck.check_layout(bgzf, index) == ("", "")
        chain, stop = block_chain(handle, bgzf.size)
    assert [at for at, _ in blocks(source.read_bytes())] == chain and stop == bgzf.size
    assert set(referenced_blocks(index)) <= set(chain)
    assert set(referenced_blocks(index, every_bin=True)) <= set(chain)
    fast = index.spans()
    index.pseudo_at = [-1] * len(index.pseudo_at)  # the slow path: every bin's chunks
    assert index.spans() == fast and fast[0][0] == "chrX"


def test_an_unindexed_bgzf_input_gets_one_note(ipex: Any, tmp_path: Path) -> None:
    header, records = trio_text()
    data = bgzip(write_vcf(tmp_path / "trio.vcf", header, records))
    code, err = _annotate(ipex, data)
    assert code == 0
    notes = [line for line in err.splitlines() if "no index: a BGZF block missing" in line]
    assert len(notes) == 1 and f"tabix -p vcf {data}" in notes[0]
    subprocess.run(["tabix", "-p", "vcf", str(data)], check=True)
    assert "no index" not in _annotate(ipex, data)[1]


@pytest.mark.parametrize("kind", ["plain", "gzip", "bgzf"])
def test_a_file_ending_inside_a_record_names_the_offset(
    ipex: Any, tmp_path: Path, kind: str
) -> None:
    text = padded_trio(n_locus=200, n_far=1000, n_extra=20)
    start = text.index("chrX\t49251441\t")  # the pathogenic record, in the 4th block
    cut = text.index("\n", start) - 20
    path = tmp_path / "cut.vcf"
    path.write_text(text[:cut], encoding="utf-8")
    if kind == "gzip":  # one gzip member: no blocks to name, the record's length is said
        path = tmp_path / "cut.vcf.gz"
        path.write_bytes(gzip.compress(text[:cut].encode()))
    elif kind == "bgzf":
        path = bgzip(path)
    code, err = _annotate(ipex, path, "--fail-on", "pathogenic")
    assert code == 1, err
    (line,) = [x for x in err.splitlines() if x.startswith("error:")]
    assert "the file ends inside a record" in line and str(path) in line
    if kind == "plain":
        assert f"starting at byte offset {start:,} of the file" in line
        return
    if kind == "gzip":
        assert f"the last {cut - start:,} bytes of the decompressed text" in line
        return
    data = path.read_bytes()
    before = 0
    for at, size in blocks(data):  # which block holds the record's first byte
        length = len(gzip.decompress(data[at : at + size]))
        if before + length > start:
            break
        before += length
    assert at > 0
    assert f"BGZF block at compressed byte offset {at:,}, byte {start - before:,}" in line
