"""Sex inference on calls read by the VCF reader (plain-REF columns counted per ploidy pattern)
gives what classifying every call one by one gives, on simulated cohorts read from VCF text.

The reader's :class:`~ipexcli.genotypes.SampleCalls` take the sparse path of
:func:`ipexcli.sex.infer_sexes`; the same records with their calls turned into tuples take the
call-by-call path. Counts must be equal, F equal up to float rounding, decisions identical.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from sexsim import simulate_cohort

from ipexcli.genotypes import SampleCalls
from ipexcli.sex import infer_sexes
from ipexcli.vcf import open_vcf

#: a cohort large enough for F (>= 10 samples) with every kind of sample
COUNTS = {"male_haploid": 8, "male_diploid": 5, "female": 9, "xxy": 2, "low_data": 2}


def _mutate(text: str, seed: int) -> str:
    """Sprinkle the unusual genotypes a real file has over the sample columns: partial calls,
    a triploid REF, an empty GT, 1/2 without a second ALT (malformed: the record is skipped)."""
    rng = random.Random(seed)
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            out.append(line)
            continue
        cols = line.split("\t")
        for i in range(9, len(cols)):
            if rng.random() < 0.01:
                gt = rng.choice(["0/.", "./1", "0/0/0", "", ".", "0|0", "1|0", "/0|0", "0/00"])
                rest = cols[i].partition(":")[2]
                cols[i] = f"{gt}:{rest}"
        out.append("\t".join(cols))
    return "\n".join(out) + "\n"


def _read(path: Path) -> tuple[tuple[str, ...], list]:
    with open_vcf(path) as reader:
        records = [*reader.chrom_records("X"), *reader.chrom_records("Y")]
        return reader.samples, records


@pytest.mark.parametrize("seed", [3, 8])
def test_sparse_inference_equals_call_by_call(tmp_path: Path, seed: int) -> None:
    cohort = simulate_cohort(seed=seed, counts=COUNTS, n_x_sites=500, n_par_sites=60,
                             n_y_sites=30)
    path = tmp_path / "cohort.vcf"
    path.write_text(_mutate(cohort.vcf_text(), seed))
    samples, records = _read(path)
    assert records and all(isinstance(r.calls, SampleCalls) for r in records)
    dense = [dataclasses.replace(r, calls=tuple(r.calls)) for r in records]
    fast = infer_sexes(samples, records, cohort.build)
    slow = infer_sexes(samples, dense, cohort.build)
    assert fast.keys() == slow.keys()
    for sample in samples:
        a, b = fast[sample], slow[sample]
        assert (a.inferred, a.reason) == (b.inferred, b.reason), sample
        ea, eb = dataclasses.asdict(a.evidence), dataclasses.asdict(b.evidence)
        for key, value in eb.items():
            if isinstance(value, float):
                assert ea[key] == pytest.approx(value, abs=1e-9), (sample, key)
            else:
                assert ea[key] == value, (sample, key)
    # the simulation's answers still come out (a check that the cohort is not degenerate)
    assert sum(1 for r in fast.values() if r.inferred.value == "male") >= 10


def test_no_f_below_ten_samples_on_both_paths(tmp_path: Path) -> None:
    cohort = simulate_cohort(seed=4, counts={"male_haploid": 3, "female": 3}, n_x_sites=300,
                             n_par_sites=20, n_y_sites=10)
    path = tmp_path / "small.vcf"
    path.write_text(cohort.vcf_text())
    samples, records = _read(path)
    dense = [dataclasses.replace(r, calls=tuple(r.calls)) for r in records]
    fast, slow = infer_sexes(samples, records, cohort.build), infer_sexes(samples, dense,
                                                                          cohort.build)
    assert {s: (r.inferred, r.evidence) for s, r in fast.items()} == {
        s: (r.inferred, r.evidence) for s, r in slow.items()
    }
    assert all(r.evidence.f is None for r in fast.values())


def test_records_whose_ploidy_patterns_all_differ(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing calls written as a bare ``./.`` (no AD, DP) give nearly every record its own
    pattern: past the cap the plain-REF calls are counted at once (bounded memory), with the
    same result."""
    import ipexcli.sex as sexlib

    cohort = simulate_cohort(seed=6, counts=COUNTS, n_x_sites=200, n_par_sites=10, n_y_sites=5)
    rng = random.Random(6)
    lines = []
    for line in cohort.vcf_text().splitlines():
        if not line.startswith("#"):
            cols = line.split("\t")
            for i in range(9, len(cols)):
                if rng.random() < 0.05:
                    cols[i] = "./."
            line = "\t".join(cols)
        lines.append(line)
    path = tmp_path / "bare.vcf"
    path.write_text("\n".join(lines) + "\n")
    samples, records = _read(path)
    patterns = {r.calls.columns.ploidy_pattern() for r in records if r.chrom == "X"}
    assert len(patterns) > 50
    monkeypatch.setattr(sexlib, "_MAX_PATTERNS", 3)
    dense = [dataclasses.replace(r, calls=tuple(r.calls)) for r in records]
    fast = infer_sexes(samples, records, cohort.build)
    slow = infer_sexes(samples, dense, cohort.build)
    for sample in samples:
        assert fast[sample].reason == slow[sample].reason, sample
        assert dataclasses.asdict(fast[sample].evidence) == pytest.approx(
            dataclasses.asdict(slow[sample].evidence), abs=1e-9
        )
