"""Issue 15: damaged and tricky inputs built from ``examples/trio.GRCh38.vcf.gz`` in the test.

Every file keeps the trio's three records (the proband hemizygous for the pathogenic
c.1189C>T at chrX:49251441 G>A, the mother heterozygous, the father REF) so that the right
answer is known: proband ``consistent_with_ipex``, mother ``carrier``, father
``no_reportable_variant``. :func:`padded_trio` adds REF-only samples and records (real bases of
the bundled GRCh38 locus inside FOXP3; A>G far from it) so that the file spans several BGZF
blocks, the FOXP3 records more than one.
"""

from __future__ import annotations

import gzip
import random
import subprocess
from pathlib import Path

from ipexcli import refdata
from ipexcli.model import Build

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TRIO_GZ = EXAMPLES / "trio.GRCh38.vcf.gz"
TRIO_PED = EXAMPLES / "trio.ped"
#: the right verdict of each trio sample
RIGHT = {"proband": "consistent_with_ipex", "mother": "carrier", "father": "no_reportable_variant"}
#: a REF-only trio genotype (haploid males, diploid mother)
REF_ONLY = "0:30,0:30:99\t0/0:30,0:30:99\t0:30,0:30:99"


def trio_text() -> tuple[list[str], list[str]]:
    """The trio's header lines and record lines (without newlines)."""
    lines = gzip.decompress(TRIO_GZ.read_bytes()).decode().splitlines()
    header = [line for line in lines if line.startswith("#")]
    return header, [line for line in lines if not line.startswith("#")]


def write_vcf(path: Path, header: list[str], records: list[str], *, end: str = "\n") -> Path:
    path.write_text("\n".join([*header, *records]) + end, encoding="utf-8")
    return path


def bgzip(plain: Path, out: Path | None = None) -> Path:
    """``bgzip -c plain > out`` (``plain`` + ``.gz`` by default); no index."""
    target = out or plain.with_name(plain.name + ".gz")
    with target.open("wb") as handle:
        subprocess.run(["bgzip", "-c", str(plain)], stdout=handle, check=True)
    return target


def padded_trio(n_locus: int = 150, n_far: int = 400, n_extra: int = 40, seed: int = 15) -> str:
    """The trio plus ``n_extra`` samples (``X001``..., REF-only ``0/0`` everywhere) and REF-only
    records: ``n_locus`` inside the GRCh38 FOXP3 locus (real REF bases) and ``n_far`` far from
    it on chrX (half before, half after): ~0.4 MB of text, 6+ BGZF blocks, FOXP3 over two."""
    rng = random.Random(seed)
    header, trio = trio_text()
    extra = [f"X{i:03d}" for i in range(1, n_extra + 1)]
    header[-1] = "\t".join([header[-1], *extra])
    depths = [rng.randint(8, 60) for _ in range(200)]

    def cells() -> str:  # REF-only calls with varied depths (so that the blocks differ)
        return "\t".join(f"0/0:{d},0:{d}:99" for d in rng.choices(depths, k=n_extra))

    locus = refdata.load().locus(Build.GRCH38)
    rows = {int(line.split("\t")[1]): f"{line}\t{cells()}" for line in trio}
    inside = [p for p in range(locus.pos_start + 10, locus.pos_end - 10) if p not in rows]
    for pos in sorted(rng.sample(inside, n_locus)):
        ref = locus.base(pos)
        alt = "ACGT"[("ACGT".index(ref) + 1) % 4]
        rows[pos] = f"chrX\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD:DP:GQ\t{REF_ONLY}\t{cells()}"
    far = [*rng.sample(range(3_000_000, 40_000_000), n_far // 2),
           *rng.sample(range(60_000_000, 150_000_000), n_far - n_far // 2)]
    for pos in far:
        rows[pos] = f"chrX\t{pos}\t.\tA\tG\t50\tPASS\t.\tGT:AD:DP:GQ\t{REF_ONLY}\t{cells()}"
    return "\n".join([*header, *(rows[p] for p in sorted(rows))]) + "\n"


def blocks(data: bytes) -> list[tuple[int, int]]:
    """``(offset, size)`` of every BGZF block of ``data`` (the EOF marker included)."""
    out = []
    at = 0
    while at < len(data):
        size = int.from_bytes(data[at + 16 : at + 18], "little") + 1
        out.append((at, size))
        at += size
    return out
