"""Sex-inference accuracy and speed on simulated whole-chrX cohorts (+ a real 1000 Genomes subset).

Usage::

    python bench/simulate_chrx.py                       # accuracy over seeds + timing
    python bench/simulate_chrx.py --write cohort.vcf    # also write one simulated VCF (seed 5)
    python bench/simulate_chrx.py --seeds 20 --big 2000 # more seeds, a 2000-sample timing run

Prints, per sample kind, how many samples got the expected answer, for the cohort (F decides)
and for each sample alone (het fraction decides), and the inference time per call. When
``../shared/external-vcfs`` is present it also runs inference on the real 1000 Genomes phase 3
chrX subset (GRCh37, 1,126 samples; males written pseudo-haploid ``0/.``/``1/.``), reading the
text directly (bench code only; ipexcli reads VCFs through ipexcli.vcf).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sex"))

from sexsim import EXPECTED, make_call, simulate_cohort  # noqa: E402

from ipexcli.model import Build, VariantRecord  # noqa: E402
from ipexcli.sex import InferredSex, infer_sexes  # noqa: E402

KG = (
    ROOT / ".." / "shared" / "external-vcfs" / "1000genomes-uwgac" / "1KG_phase3_subset_chrX.vcf.gz"
)


CONFIDENT = {InferredSex.MALE, InferredSex.FEMALE, InferredSex.XXY_LIKE}


def _outcome(kind: str, answer: InferredSex, has_y: bool) -> str:
    expected = EXPECTED[kind]
    if kind == "xxy" and not has_y:
        expected = InferredSex.FEMALE  # without chrY records XXY cannot be told from XX
    if answer is expected:
        return "correct"
    return "wrong" if answer in CONFIDENT else "no call"


def accuracy(seeds: int, n_x_sites: int = 1500, n_y_sites: int = 60) -> None:
    """Per kind: correct / no call (ambiguous or insufficient) / wrong (a confident error)."""
    tallies: dict[str, dict[str, Counter[str]]] = {"cohort": defaultdict(Counter)}
    tallies["alone"] = defaultdict(Counter)
    errors: Counter[tuple[str, str, str]] = Counter()
    for seed in range(1, seeds + 1):
        cohort = simulate_cohort(seed=seed, n_x_sites=n_x_sites, n_y_sites=n_y_sites)
        results = infer_sexes(cohort.samples, cohort.records(), cohort.build)
        for name in cohort.samples:
            kind = cohort.kinds[name]
            single = cohort.subset([name])
            alone = infer_sexes(single.samples, single.records(), single.build)[name]
            for mode, answer in (("cohort", results[name].inferred), ("alone", alone.inferred)):
                outcome = _outcome(kind, answer, n_y_sites > 0)
                tallies[mode][kind][outcome] += 1
                if outcome != "correct":
                    errors[(mode, kind, answer.value)] += 1
    print(
        f"\nsimulated cohorts: {seeds} seeds x 34 samples, {n_x_sites} non-PAR X + 250 PAR + "
        f"{n_y_sites} Y sites   (correct / no call / wrong)"
    )
    print(f"{'kind':<14}{'expected':<19}{'in cohort (F + het)':>22}{'alone (het frac)':>20}")
    totals: dict[str, Counter[str]] = {"cohort": Counter(), "alone": Counter()}
    for kind, expected in EXPECTED.items():
        cells = []
        for mode in ("cohort", "alone"):
            c = tallies[mode][kind]
            totals[mode].update(c)
            cells.append(f"{c['correct']}/{c['no call']}/{c['wrong']}")
        print(f"{kind:<14}{expected.value:<19}{cells[0]:>22}{cells[1]:>20}")
    cells = [f"{t['correct']}/{t['no call']}/{t['wrong']}" for t in totals.values()]
    print(f"{'all':<33}{cells[0]:>22}{cells[1]:>20}")
    print(f"not correct (mode, kind, answer): {dict(errors) or 'none'}")
    if not n_y_sites:
        print("(no chrY records: the expected answer for xxy is female)")


def timing(samples: int) -> None:
    per_kind = samples // 5
    counts = {k: per_kind for k in EXPECTED}
    cohort = simulate_cohort(seed=99, counts=counts, n_x_sites=2000, n_par_sites=100)
    records = cohort.records()
    calls = sum(len(r.calls) for r in records)
    start = time.perf_counter()
    infer_sexes(cohort.samples, records, cohort.build)
    elapsed = time.perf_counter() - start
    print(
        f"timing: {len(cohort.samples)} samples x {len(records)} records = {calls:,} calls in "
        f"{elapsed:.2f} s ({1e9 * elapsed / calls:.0f} ns/call; record building not included)"
    )


def thousand_genomes(path: Path) -> None:
    if not path.exists():
        print(f"1000 Genomes subset not found ({path}); skipped")
        return
    records = []
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9:]
                continue
            alts = fields[4].split(",")
            for index, alt in enumerate(alts, start=1):
                calls = tuple(make_call(f.split(":")[0], alt_index=index) for f in fields[9:])
                records.append(
                    VariantRecord(
                        str(path),
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
    start = time.perf_counter()
    results = infer_sexes(samples, records, Build.GRCH37)
    elapsed = time.perf_counter() - start
    answers = Counter(r.inferred.value for r in results.values())
    methods = Counter((r.inferred.value, r.evidence.method.value) for r in results.values())
    hap_male_hets = [
        r.evidence.het for r in results.values() if r.evidence.method.value == "haploid"
    ]
    female_f = sorted(r.evidence.f for r in results.values() if r.inferred.value == "female")
    print(
        f"1000 Genomes phase 3 chrX subset (GRCh37): {len(samples)} samples, {len(records)} split "
        f"records, inference {elapsed:.2f} s"
    )
    print(f"  answers: {dict(answers)}; by method: {dict(methods)}")
    print(f"  hets among pseudo-haploid males: max {max(hap_male_hets, default=0)}")
    if female_f:
        print(
            f"  F of inferred females: min {female_f[0]:.2f}, median "
            f"{female_f[len(female_f) // 2]:.2f}, max {female_f[-1]:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--kg", type=Path, default=KG, help="the 1000 Genomes chrX subset")
    parser.add_argument("--big", type=int, default=1000, help="samples in the timing run")
    parser.add_argument("--write", type=Path, help="write the seed-5 cohort VCF here")
    args = parser.parse_args()
    if args.write:
        args.write.write_text(simulate_cohort(seed=5).vcf_text())
        print(f"wrote {args.write}")
    accuracy(args.seeds)
    accuracy(args.seeds, n_x_sites=200, n_y_sites=20)  # exome-like X
    accuracy(args.seeds, n_x_sites=40, n_y_sites=0)  # targeted panel: few X sites, no Y
    timing(args.big)
    thousand_genomes(args.kg)


if __name__ == "__main__":
    main()
