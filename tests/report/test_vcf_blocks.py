"""#13: ``--scope all -o x.vcf.gz`` of a BGZF input copies the blocks it does not change
(ipexcli/report/vcf_blocks.py); the text must be exactly what the general writer gives, for any
block layout (lines annotated across block boundaries, blocks ending on a newline or not)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipexcli.report import vcf_blocks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "annotate"))
try:
    from test_structural_reach import _write_vcf  # the reaching-<DEL> file (real bases)
finally:
    sys.path.pop(0)

pytestmark = pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools needed")


def _bgzf(text: bytes, block: int) -> bytes:
    """``text`` as BGZF blocks of ``block`` uncompressed bytes (bgzip always uses 65,280)."""
    return b"".join(vcf_blocks._block(text[i : i + block]) for i in range(0, len(text), block)
                    ) + bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def _text(path: Path) -> bytes:
    """The decompressed output without its ##ipexcliCommand line (it names the output)."""
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    return b"".join(x for x in lines if not x.startswith(b"##ipexcliCommand="))


def _run(ipex, path: Path, out: Path, *extra: str) -> None:
    result = ipex("annotate", str(path), "--sex", "BOY=male", "--sex", "GIRL=female",
                  "--scope", "all", "-o", str(out), *extra)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("block", [65280, 4093, 333, 61])
def test_copied_blocks_give_the_general_writers_text(ipex, tmp_path, block, monkeypatch):
    text = _write_vcf(tmp_path / "in.vcf").read_bytes()
    source = tmp_path / "in.vcf.gz"
    source.write_bytes(_bgzf(text, block))
    copied = tmp_path / "copied.vcf.gz"
    _run(ipex, source, copied)
    # the general writer: compress the whole stream (vcf_blocks declines)
    monkeypatch.setattr(vcf_blocks, "write", lambda *a, **k: None)
    general = tmp_path / "general.vcf.gz"
    _run(ipex, source, general)
    ours = _text(copied)
    assert ours == _text(general)
    assert ours.count(b"IPEX_ANN=") == 4  # the SNV and the three reaching <DEL>s
    assert ours.count(b"\n") == text.count(b"\n") + ours.count(b"\n##ipexcli") + ours.count(
        b"\n##INFO=<ID=IPEX") + ours.count(b"\n##FORMAT=<ID=IPEX")
    if block < 65280:  # most blocks were copied as they are
        assert copied.read_bytes().count(source.read_bytes()[1000:1200]) == 1
    # a valid BGZF file with a working index
    region = subprocess.run(["bcftools", "view", "-H", "-r", "chrX:49258000-49259000",
                             str(copied)], capture_output=True, text=True)
    assert region.returncode == 0, region.stderr
    ids = {line.split("\t")[2] for line in region.stdout.splitlines()}
    assert ids == {"wholeDEL", "ex2DEL", "snv"}  # by END, as htslib places them
    assert (tmp_path / "copied.vcf.gz.tbi").is_file()


def test_a_last_line_without_newline_and_the_locus_scope(ipex, tmp_path, monkeypatch):
    text = _write_vcf(tmp_path / "in.vcf").read_bytes().rstrip(b"\n")
    source = tmp_path / "in.vcf.gz"
    source.write_bytes(_bgzf(text, 500))
    copied = tmp_path / "copied.vcf.gz"
    _run(ipex, source, copied)
    monkeypatch.setattr(vcf_blocks, "write", lambda *a, **k: None)
    general = tmp_path / "general.vcf.gz"
    _run(ipex, source, general)
    assert _text(copied) == _text(general)
    assert _text(copied).endswith(b"\n")


def test_it_declines_what_it_does_not_do(ipex, tmp_path, monkeypatch) -> None:
    """A plain-text input (records known by line number) and --scope locus go through the
    general writer; a BGZF input with --scope all through the copy."""
    answers: list[object] = []
    real = vcf_blocks.write

    def spy(*args, **kwargs):
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(vcf_blocks, "write", spy)
    plain = _write_vcf(tmp_path / "in.vcf")
    _run(ipex, plain, tmp_path / "a.vcf.gz")
    packed = tmp_path / "in.vcf.gz"
    packed.write_bytes(_bgzf(plain.read_bytes(), 65280))
    result = ipex("annotate", str(packed), "--sex", "BOY=male", "--sex", "GIRL=female",
                  "-o", str(tmp_path / "b.vcf.gz"))
    assert result.exit_code == 0, result.stderr
    _run(ipex, packed, tmp_path / "c.vcf.gz")
    assert answers == [None, None, []]
