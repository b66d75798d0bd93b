"""Inputs for the batch tests: many tiny real-data VCFs made from the bundled examples."""

from __future__ import annotations

import gzip
import importlib.util
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def pipeline_ready() -> bool:
    """True once the VCF reader and the inheritance module are merged (interpret_file works)."""
    if importlib.util.find_spec("ipexcli.vcf") is None:
        return False
    if importlib.util.find_spec("ipexcli.inheritance") is None:
        return False
    source = (REPO / "ipexcli" / "interpret.py").read_text(encoding="utf-8")
    return "raise NotImplementedError" not in source


needs_pipeline = pytest.mark.skipif(
    not pipeline_ready(), reason="the annotate pipeline (ipexcli.vcf, inheritance) is not merged"
)

#: GRCh37 single-sample example, split into header lines and record columns
_SINGLE = (EXAMPLES / "single.GRCh37.vcf").read_text(encoding="utf-8").splitlines()
#: GRCh38 trio example
_TRIO = gzip.decompress((EXAMPLES / "trio.GRCh38.vcf.gz").read_bytes()).decode().splitlines()


def tiny_vcf(path: Path, sample: str, rng: random.Random, male: bool) -> Path:
    """A one-sample plain VCF: the records of an example file (real REF/ALT), random genotypes."""
    lines = _SINGLE if rng.random() < 0.5 else _TRIO
    header = [line for line in lines if line.startswith("##")]
    records = [line.split("\t")[:9] for line in lines if line and not line.startswith("#")]
    body = []
    for fields in records:
        gt = rng.choice(["0", "1"]) if male else rng.choice(["0/0", "0/1", "1/1"])
        body.append("\t".join([*fields, f"{gt}:20,20:40:99"]))
    columns = "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])
    path.write_text("\n".join([*header, f"{columns}\t{sample}", *body]) + "\n", encoding="utf-8")
    return path


def corrupt_files(folder: Path) -> list[Path]:
    """Three broken inputs: not a VCF, a truncated BGZF file, a header without #CHROM."""
    not_vcf = folder / "notes.vcf"
    not_vcf.write_text("this is a lab note, not a VCF\n", encoding="utf-8")
    truncated = folder / "truncated.vcf.gz"
    data = (EXAMPLES / "trio.GRCh38.vcf.gz").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    headless = folder / "headless.vcf"
    headless.write_text(
        "##fileformat=VCFv4.2\nchrX\t49251441\t.\tG\tA\t50\tPASS\t.\n", encoding="utf-8"
    )
    return [not_vcf, truncated, headless]


@pytest.fixture
def make_batch(tmp_path: Path):
    """``make_batch(n_good, with_corrupt=False)``: write tiny VCFs, return their paths in order
    (corrupt files spread among them)."""

    def make(n_good: int, with_corrupt: bool = False) -> list[Path]:
        folder = tmp_path / "inputs"
        folder.mkdir(exist_ok=True)
        rng = random.Random(n_good)
        paths = [
            tiny_vcf(folder / f"s{i:04d}.vcf", f"S{i:04d}", rng, male=i % 2 == 0)
            for i in range(n_good)
        ]
        if with_corrupt:
            for offset, bad in enumerate(corrupt_files(folder)):
                paths.insert((offset + 1) * len(paths) // 4, bad)
        return paths

    return make
