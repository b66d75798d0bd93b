"""Issue 4: build evidence rules (ipexcli.buildcheck) and BGZF primitives (ipexcli.vcf.bgzf)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.buildcheck import HeaderHint, RefTally, WindowTally, decide, header_hint
from ipexcli.model import Build
from ipexcli.vcf import bgzf

REF = refdata.load()
LENGTHS = {b: REF.assemblies[b].lengths for b in Build}
ACCESSIONS = {b: REF.assemblies[b].accessions for b in Build}


def hint(contigs=(), reference=(), assembly=()) -> HeaderHint:
    return header_hint(contigs, LENGTHS, ACCESSIONS, REF.contig_aliases, reference, assembly)


def test_header_hint_from_lengths_accessions_and_names() -> None:
    assert hint([("chrX", 156040895, None)]).build is Build.GRCH38
    assert hint([("X", 155270560, None)]).build is Build.GRCH37
    assert hint([("chrY", 59373566, None)]).build is Build.GRCH37
    assert hint([("NC_000023.10", None, None)]).build is Build.GRCH37
    assert hint([("chrX", None, "hg38")]).build is Build.GRCH38
    assert hint(reference=["/data/Homo_sapiens_assembly38.fasta"]).build is Build.GRCH38
    assert hint(reference=["hs37d5.fa.gz"]).build is Build.GRCH37
    assert hint(assembly=["GRCh37.p13"]).build is Build.GRCH37
    assert hint([("chr7", 159345973, None)]).build is None  # not an X/Y contig: no clue
    both = hint([("chrX", 156040895, None)], reference=["hg19.fa"])
    assert both.build is None and both.conflict
    hg18 = hint([("chrX", 154913754, None)])
    assert hg18.build is None and "NCBI36/hg18" in hg18.evidence[0]


AGREE38 = RefTally(grch38=WindowTally(matched=5, matched_bases=5))
AGREE37 = RefTally(grch37=WindowTally(matched=5, matched_bases=5))
NOISY38 = RefTally(grch38=WindowTally(matched=4, mismatched=6, matched_bases=4))


@pytest.mark.parametrize(
    ("header", "tally", "override", "build", "method", "mismatch"),
    [
        (Build.GRCH38, AGREE38, None, Build.GRCH38, "header+ref", False),
        (Build.GRCH38, RefTally(), None, Build.GRCH38, "header", False),
        (Build.GRCH38, AGREE37, None, None, "undecided", True),
        (Build.GRCH38, NOISY38, None, None, "undecided", True),
        (None, AGREE37, None, Build.GRCH37, "ref", False),
        (None, RefTally(), None, None, "undecided", False),
        (None, RefTally(grch38=WindowTally(1, 0, 1)), None, None, "undecided", False),
        (Build.GRCH38, AGREE37, Build.GRCH38, Build.GRCH38, "user", True),
        (Build.GRCH38, AGREE37, Build.GRCH37, Build.GRCH37, "user", False),
    ],
)
def test_decide(header, tally, override, build, method, mismatch) -> None:
    decision = decide(HeaderHint(header), tally, override)
    assert (decision.build, decision.method, decision.mismatch) == (build, method, mismatch)
    assert decision.message
    if decision.build is None:
        assert "--build" in decision.message


def test_one_mismatch_in_many_is_noise_not_a_build_change() -> None:
    tally = RefTally(grch38=WindowTally(matched=11, mismatched=1, matched_bases=11))
    assert decide(HeaderHint(Build.GRCH38), tally).build is Build.GRCH38
    assert decide(HeaderHint(None), tally).build is Build.GRCH38


# -- BGZF ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blocks_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bgzf")
    text = folder / "lines.txt"
    text.write_text("".join(f"line {i:07d}\n" for i in range(60_000)))
    out = folder / "lines.txt.gz"
    with out.open("wb") as handle:
        subprocess.run(["bgzip", "-c", str(text)], stdout=handle, check=True)
    return out


def test_blocks_found_from_any_offset(blocks_file: Path) -> None:
    with blocks_file.open("rb") as handle:
        reader = bgzf.BgzfFile(handle)
        assert bgzf.has_eof_marker(handle)
        starts = [block.offset for block in reader.iter_blocks(0)]
        assert len(starts) > 5
        for offset in (1, starts[2] - 1, starts[2], starts[3] + 7):
            assert reader.next_block(offset) == min(s for s in starts if s >= offset)
        assert reader.next_block(reader.size - 3) == reader.size
        lines = list(reader.iter_lines(0))
        assert lines[0] == b"line 0000000" and lines[-1] == b"line 0059999"
        assert len(lines) == 60_000


def test_bisection_finds_the_block_before_the_target(blocks_file: Path) -> None:
    def key(line: bytes) -> int | None:
        return int(line.split()[1]) if line.startswith(b"line ") else None

    with blocks_file.open("rb") as handle:
        reader = bgzf.BgzfFile(handle)
        for target in (0, 1, 12_345, 40_000, 59_999, 70_000):
            offset = bgzf.bisect_blocks(reader, 0, target, key)
            first = reader.first_line_key(offset, key) if offset else 0
            assert first is not None and first <= target
            following = reader.next_block(offset + 1)
            if following < reader.size - len(bgzf.EOF_MARKER):
                later = reader.first_line_key(following, key)
                assert later is None or later >= target


def test_bisection_detects_disorder(blocks_file: Path) -> None:
    def tent(line: bytes) -> int | None:
        """Keys rising over the first half of the file and falling over the second."""
        if not line.startswith(b"line "):
            return None
        number = int(line.split()[1])
        return min(number, 60_000 - number)

    with blocks_file.open("rb") as handle, pytest.raises(bgzf.UnsortedError):
        bgzf.bisect_blocks(bgzf.BgzfFile(handle), 0, 40_000, tent)


def test_corrupt_block_is_reported() -> None:
    damaged = bytearray(bgzf.EOF_MARKER[:-10] + bgzf.EOF_MARKER)
    reader = bgzf.BgzfFile(io.BytesIO(bytes(damaged)))
    with pytest.raises(bgzf.BgzfError):
        reader.read_block(0)
    assert not bgzf.is_bgzf(b"plain text, no gzip at all")
