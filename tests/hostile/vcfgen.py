"""Build VCF text for the hostile tests from REAL bases of the bundled FOXP3 locus."""

from __future__ import annotations

import random

from ipexcli import refdata
from ipexcli.model import Build

GT_FORMAT = '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'
AD_FORMAT = '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">'
CONTIG = {Build.GRCH38: "##contig=<ID=chrX,length=156040895,assembly=GRCh38>",
          Build.GRCH37: "##contig=<ID=X,length=155270560,assembly=GRCh37>"}
CHROM = {Build.GRCH38: "chrX", Build.GRCH37: "X"}
COLUMNS = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT"


def header(samples: list[str], build: Build = Build.GRCH38, extra: tuple[str, ...] = ()) -> str:
    lines = ["##fileformat=VCFv4.2", CONTIG[build], GT_FORMAT, AD_FORMAT, *extra]
    columns = COLUMNS if samples else COLUMNS.rsplit("\t", 1)[0]
    return "\n".join([*lines, "\t".join([columns, *samples])]) + "\n"


def snv(pos: int, build: Build = Build.GRCH38, shift: int = 1) -> tuple[str, str]:
    """(REF, ALT) at 1-based ``pos``: REF is the bundled base, ALT another base."""
    ref = refdata.load().locus(build).base(pos)
    return ref, "ACGT"[("ACGT".index(ref) + shift) % 4]


def cohort(n_samples: int, n_records: int, seed: int = 1, build: Build = Build.GRCH38) -> str:
    """A plausible cohort VCF of the FOXP3 locus: real REF bases, GT:AD for every sample."""
    rng = random.Random(seed)
    locus = refdata.load().locus(build)
    samples = [f"S{i:05d}" for i in range(n_samples)]
    out = [header(samples, build)]
    choices = ["0/0:10,0", "0/1:5,5", "1/1:0,9", "./.:.", "0:8,0", "1:0,7"]
    weights = [60, 10, 3, 2, 20, 5]
    for pos in sorted(rng.sample(range(locus.pos_start + 50, locus.pos_end - 50), n_records)):
        ref, alt = snv(pos, build, rng.randint(1, 3))
        gts = "\t".join(rng.choices(choices, weights, k=n_samples))
        out.append(f"{CHROM[build]}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD\t{gts}\n")
    return "".join(out)
