"""Sex inference on a real 1000 Genomes phase 3 chrX subset (GRCh37), when ``../shared`` exists.

The file writes male non-PAR X genotypes pseudo-haploid (``0/.``, ``1/.``) and has multi-allelic
records; it is plain gzip (not BGZF), so it is read here as text by the test helper (ipexcli
itself reads VCFs only through ipexcli.vcf). Only the first 300 samples are used (speed).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sexsim import make_call

from ipexcli.model import Build, VariantRecord
from ipexcli.sex import InferredSex, Method, infer_sexes

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
KG = SHARED / "external-vcfs" / "1000genomes-uwgac" / "1KG_phase3_subset_chrX.vcf.gz"
N_SAMPLES = 300


@pytest.fixture(scope="module")
def kg() -> tuple[list[str], list[VariantRecord], set[str]]:
    if not KG.exists():
        pytest.skip(f"{KG} not present")
    records: list[VariantRecord] = []
    pseudo_haploid: set[str] = set()
    with gzip.open(KG, "rt") as handle:
        for line in handle:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9 : 9 + N_SAMPLES]
                continue
            gts = [f.split(":")[0] for f in fields[9 : 9 + N_SAMPLES]]
            pseudo_haploid.update(
                s for s, gt in zip(samples, gts, strict=True) if gt.endswith("/.")
            )
            alts = fields[4].split(",")
            for index, alt in enumerate(alts, start=1):
                calls = tuple(make_call(gt, alt_index=index) for gt in gts)
                records.append(
                    VariantRecord(
                        str(KG),
                        None,
                        fields[0],
                        "X",
                        int(fields[1]),
                        fields[3],
                        alt,
                        alt_index=index,
                        n_alts=len(alts),
                        calls=calls,
                    )
                )
    return samples, records, pseudo_haploid


def test_every_sample_gets_a_confident_answer(kg) -> None:  # type: ignore[no-untyped-def]
    samples, records, pseudo_haploid = kg
    results = infer_sexes(samples, records, Build.GRCH37)
    answers = {s: r.inferred for s, r in results.items()}
    assert set(answers.values()) == {InferredSex.MALE, InferredSex.FEMALE}
    males = {s for s, a in answers.items() if a is InferredSex.MALE}
    # the pseudo-haploid coding (the 1000 Genomes sex) and the inference agree
    assert {s for s in males if results[s].evidence.method is Method.HAPLOID} == pseudo_haploid
    for sample in set(samples) - males:
        evidence = results[sample].evidence
        assert evidence.het_fraction is not None and evidence.het_fraction >= 0.25
        assert evidence.haploid == 0
