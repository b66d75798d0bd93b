"""Robustness run (issue 15, acceptance 4): `ipex annotate` over every real external VCF.

    python bench/hostile_corpus.py                       # ../shared/external-vcfs, all files
    python bench/hostile_corpus.py --corpus DIR --show-errors

Each file of the corpus (``../shared/external-vcfs``: files written by bcftools' and htslib's
test suites, hts-specs' conformance files, cyvcf2's tests and a 1000 Genomes chrX subset; never
copied into the project) is given to a fresh ``python -m ipexcli annotate FILE --format json
-o OUT`` process, as a user would run it. Printed: the count per exit code, the number of runs
whose stderr holds a Python traceback or the "unexpected error" line (both must be 0), the
slowest files and the total wall time. A file's exit code 1 must come with one ``error:`` line
naming the file; that is checked too. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_SUFFIXES = {".md", ".tsv", ".txt", ".tbi", ".csi"}


def corpus_files(corpus: Path) -> list[Path]:
    """Every data file of the corpus (indexes and its documentation left out), sorted."""
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix not in SKIP_SUFFIXES)


def run_one(path: Path, out: Path) -> tuple[int, str, float]:
    """Exit code, stderr and wall seconds of one whole ``ipex annotate`` process."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "ipexcli", "annotate", str(path), "--format", "json", "-o",
         str(out)],
        cwd=ROOT, capture_output=True, text=True, errors="replace", check=False,
    )
    return proc.returncode, proc.stderr, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "external-vcfs")
    parser.add_argument("--show-errors", action="store_true", help="print each exit-1 line")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: give --corpus DIR", file=sys.stderr)
        return 2
    files = corpus_files(args.corpus)
    codes: Counter[int] = Counter()
    tracebacks: list[str] = []
    unnamed: list[str] = []
    timings: list[tuple[float, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ipex-hostile-") as tmp:
        out = Path(tmp) / "out.json"
        for path in files:
            code, err, seconds = run_one(path, out)
            name = str(path.relative_to(args.corpus))
            codes[code] += 1
            timings.append((seconds, name))
            if "Traceback" in err or "unexpected error" in err:
                tracebacks.append(name)
            if code == 1:
                errors = [line for line in err.splitlines() if line.startswith("error:")]
                if len(errors) != 1 or str(path) not in errors[0]:
                    unnamed.append(name)
                if args.show_errors:
                    print(f"{name}: {errors[0] if errors else err.strip()[:200]}")
    total = time.perf_counter() - started
    print(f"{len(files)} files in {total:.1f} s; exit codes: "
          + ", ".join(f"{code}: {n}" for code, n in sorted(codes.items())))
    print(f"tracebacks or 'unexpected error': {len(tracebacks)} {tracebacks[:5]}")
    print(f"exit 1 without one error line naming the file: {len(unnamed)} {unnamed[:5]}")
    for seconds, name in sorted(timings, reverse=True)[:3]:
        print(f"  slowest: {seconds:.2f} s {name}")
    return 1 if tracebacks or unnamed else 0


if __name__ == "__main__":
    raise SystemExit(main())
