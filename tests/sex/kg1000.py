"""Test helper: the real 1000 Genomes chrX subset under ``../shared``, read once per session.

The file is plain gzip (not BGZF), so it is read here as text (ipexcli itself reads VCFs only
through ipexcli.vcf). The truth is the file's own coding: 1000 Genomes wrote a sample's non-PAR
X pseudo-haploid (``0/.``, ``1/.``) exactly when it is male.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sexsim import make_call

from ipexcli.model import Call, VariantRecord

ROOT = Path(__file__).resolve().parents[2]
#: a clean clone has ../shared beside it; a helper worktree (wt/<name>) one level further up
CANDIDATES = [ROOT / ".." / "shared", ROOT / ".." / ".." / "shared"]
SHARED = next((c.resolve() for c in CANDIDATES if (c / "external-vcfs").is_dir()), ROOT / "..")
KG = SHARED / "external-vcfs" / "1000genomes-uwgac" / "1KG_phase3_subset_chrX.vcf.gz"

Parsed = tuple[list[str], list[VariantRecord], list[VariantRecord], set[str]]


def _records(
    fields: list[str], gts: list[str], cache: dict[tuple[str, int], Call]
) -> Iterator[VariantRecord]:
    alts = fields[4].split(",")
    for index, alt in enumerate(alts, start=1):
        calls = []
        for gt in gts:
            call = cache.get((gt, index))
            if call is None:
                call = cache[(gt, index)] = make_call(gt, alt_index=index)
            calls.append(call)
        yield VariantRecord(
            str(KG), None, fields[0], "X", int(fields[1]), fields[3], alt,
            alt_index=index, n_alts=len(alts), calls=tuple(calls),
        )


@lru_cache(maxsize=1)
def load() -> Parsed:
    """(samples, records as written, records with males recoded diploid, the males); call
    only when :data:`KG` exists."""
    written: list[VariantRecord] = []
    diploid: list[VariantRecord] = []
    males: set[str] = set()
    cache: dict[tuple[str, int], Call] = {}
    samples: list[str] = []
    with gzip.open(KG, "rt") as handle:
        for line in handle:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9:]
                continue
            gts = [f.split(":")[0] for f in fields[9:]]
            males.update(s for s, gt in zip(samples, gts, strict=True) if gt.endswith("/."))
            written.extend(_records(fields, gts, cache))
            recoded = [f"{gt[0]}/{gt[0]}" if gt.endswith("/.") else gt for gt in gts]
            diploid.extend(_records(fields, recoded, cache))
    return samples, written, diploid, males
