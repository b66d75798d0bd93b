"""Benchmark (issue 14): the user's commands, whole processes, against their bcftools peers.

    python bench/speed_bench.py                   # every case, medians of 3 (several minutes)
    python bench/speed_bench.py --only wgs --repeat 5
    python bench/speed_bench.py --records 400000  # a smaller genome, for a quick look

Times what a user runs (``python -m ipexcli annotate FILE -o out.json``: interpreter start,
imports, reading, sex inference, annotation, writing) against the peer named by each acceptance
criterion of issue 14, **alternating** ours and the peer's run in one loop (so load changes hit
both), after one warm-up run of each; the table shows medians, peak RSS, the ratio and the
target. The load average is printed before and after.

Inputs (written once under ``bench/out/i14/``, gitignored), with **real-looking bases**: a
benchmark on ``REF=N`` lets a reader skip records before parsing and measures nothing:

* ``wgs_<sex>``: a WGS-like single-sample VCF of ``--records`` records (default 4 million) over
  chr1..chr22, chrX, chrY, chrX getting its share by length (~5%, ~200,000 records as in the
  issue's profile). REF is a random base (the real bundled base inside the FOXP3 slice, so the
  build check has evidence as on real data); ~10% of records are indels and ~1% multi-allelic
  (they take the exact path of the genotype scan); FORMAT ``GT:AD:DP:GQ``. Genotypes: a
  single-sample file lists the sample's variant sites, so every call is non-REF. Female: 60% het
  / 40% hom ALT on chrX (the het fraction of non-REF calls of 1000 Genomes females is ~0.5-0.7,
  see ``bench/simulate_chrx.py``), a few hundred mis-mapped chrY calls. Male: non-PAR X called
  diploid ``1/1`` by a ploidy-2 caller with 1.5% het artefacts, diploid PARs, ~20,000 chrY calls.
  Written as BGZF + ``.tbi``, BGZF without index, plain gzip.
* ``cohort2500``: the 2,500-sample FOXP3-region cohort of ``bench/batch_bench.py``.
* ``chrx_cohort``: 2,500 samples x ~11,000 chrX SNVs (random REF, mostly rare ALT frequencies,
  males haploid ``0``/``1``, females diploid; ``GT:AD:DP:GQ``), + 200 chrY records, indexed.

Criteria (issue 14): (1) indexed WGS, sex inferred <= 1.5x ``bcftools +guess-ploidy -g hg38 -t
GT``; (2) indexed WGS, ``--sex S=female`` <= 5x ``bcftools view -r FOXP3``; (3) BGZF without
index <= 0.2x, plain gzip <= 0.6x ``bcftools view -t FOXP3``; (4) cohort FOXP3 region: TSV <= 5x,
JSON <= 6x ``bcftools query -r FOXP3 -f '%POS[\\t%GT]\\n'``; chrX cohort with sex inference
<= 1.0x ``bcftools query -r chrX -f '[%GT\\t]\\n'``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ipexcli import refdata  # noqa: E402
from ipexcli.model import Build  # noqa: E402

OUT = ROOT / "bench" / "out" / "i14"
PY = sys.executable
IPEX = [PY, "-m", "ipexcli"]
#: children may write bytecode caches (as an installed package has them)
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": str(ROOT),
}
AUTOSOMES = [f"chr{i}" for i in range(1, 23)]
AUTOSOME_SPAN = 150_000_000  #: autosome lengths are not bundled: positions spread over this
BASES = "ACGT"


def _plugins() -> str | None:
    """The bcftools plugin directory (``+guess-ploidy``)."""
    for folder in (os.environ.get("BCFTOOLS_PLUGINS"), "/usr/lib/x86_64-linux-gnu/bcftools",
                   "/usr/libexec/bcftools", "/usr/local/libexec/bcftools"):
        if folder and Path(folder, "guess-ploidy.so").exists():
            return folder
    return None


# -- inputs --------------------------------------------------------------------------------------


def _foxp3_region(build: Build = Build.GRCH38) -> str:
    locus = refdata.load().locus(build)
    return f"chrX:{locus.start + 1}-{locus.end}"


def _site(rng: random.Random, locus: object, pos: int) -> tuple[str, str]:
    """(REF, ALT) at 1-based ``pos``: the bundled base inside the FOXP3 slice, else random;
    ~10% indels, ~1% multi-allelic."""
    from ipexcli.refdata import Locus

    assert isinstance(locus, Locus)
    if locus.start < pos <= locus.end:  # SNVs only: REF must be the real sequence here
        ref = locus.base(pos)
        if ref not in BASES:
            ref = "A"
        return ref, rng.choice([b for b in BASES if b != ref])
    ref = rng.choice(BASES)
    roll = rng.random()
    if roll < 0.05:  # deletion
        return ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4))), ref
    if roll < 0.10:  # insertion
        return ref, ref + "".join(rng.choice(BASES) for _ in range(rng.randint(1, 4)))
    others = [b for b in BASES if b != ref]
    if roll < 0.11:
        return ref, ",".join(rng.sample(others, 2))
    return ref, rng.choice(others)


def _wgs_gt(rng: random.Random, chrom: str, non_par: bool, male: bool, multi: bool) -> str:
    depth = rng.randint(20, 45)
    if multi:
        gt = rng.choice(["1/2", "1/1", "0/1", "2/2"])
        ad = f"{depth // 3},{depth // 3},{depth - 2 * (depth // 3)}"
        return f"{gt}:{ad}:{depth}:{rng.randint(30, 99)}"
    if chrom == "chrX" and non_par:
        het = rng.random() < (0.015 if male else 0.6)
    elif chrom == "chrY":
        het = False
    else:
        het = rng.random() < 0.6
    alt = depth // 2 if het else depth
    return f"{'0/1' if het else '1/1'}:{depth - alt},{alt}:{depth}:{rng.randint(30, 99)}"


def write_wgs(path: Path, n_records: int, male: bool, seed: int) -> None:
    data = refdata.load()
    facts = data.assemblies[Build.GRCH38]
    locus = data.locus(Build.GRCH38)
    lengths = facts.lengths
    x_len, y_len = lengths["X"], lengths["Y"]
    genome = 22 * AUTOSOME_SPAN + x_len
    n_x = n_records * x_len // genome
    n_y = 20_000 if male else 300
    n_auto = (n_records - n_x - n_y) // 22
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write("##fileformat=VCFv4.2\n##FILTER=<ID=PASS,Description=\"All filters passed\">\n")
        for key, number, kind, text in (("GT", "1", "String", "Genotype"),
                                        ("AD", "R", "Integer", "Allelic depths"),
                                        ("DP", "1", "Integer", "Read depth"),
                                        ("GQ", "1", "Integer", "Genotype quality")):
            out.write(f'##FORMAT=<ID={key},Number={number},Type={kind},Description="{text}">\n')
        for name in AUTOSOMES:
            out.write(f"##contig=<ID={name}>\n")
        out.write(f"##contig=<ID=chrX,length={x_len}>\n##contig=<ID=chrY,length={y_len}>\n")
        out.write("##reference=GRCh38 (synthetic benchmark file)\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n")
        for chrom, count, span in ([(c, n_auto, AUTOSOME_SPAN) for c in AUTOSOMES]
                                   + [("chrX", n_x, x_len), ("chrY", n_y, y_len)]):
            canonical = chrom[3:]
            positions = sorted(rng.sample(range(1, span + 1), count))
            rows = []
            for pos in positions:
                ref, alt = _site(rng, locus, pos) if chrom == "chrX" else _site(rng, locus, 0)
                non_par = not facts.in_par(canonical, pos) if canonical in "XY" else True
                gt = _wgs_gt(rng, chrom, non_par, male, "," in alt)
                rows.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD:DP:GQ\t{gt}\n")
                if len(rows) >= 100_000:
                    out.write("".join(rows))
                    rows.clear()
            out.write("".join(rows))


def write_chrx_cohort(path: Path, samples: int, n_x: int, seed: int) -> None:
    from batch_bench import _genotype

    data = refdata.load()
    facts = data.assemblies[Build.GRCH38]
    locus = data.locus(Build.GRCH38)
    rng = random.Random(seed)
    males = [i % 2 == 0 for i in range(samples)]
    names = [f"C{i:05d}" for i in range(samples)]
    with path.open("w") as out:
        out.write("##fileformat=VCFv4.2\n")
        for key, number, kind in (("GT", "1", "String"), ("AD", "R", "Integer"),
                                  ("DP", "1", "Integer"), ("GQ", "1", "Integer")):
            out.write(f'##FORMAT=<ID={key},Number={number},Type={kind},Description="{key}">\n')
        out.write(f"##contig=<ID=chrX,length={facts.lengths['X']}>\n")
        out.write(f"##contig=<ID=chrY,length={facts.lengths['Y']}>\n")
        out.write("#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                                   "FORMAT", *names]) + "\n")
        for chrom, count in (("chrX", n_x), ("chrY", 200)):
            canonical = chrom[3:]
            for pos in sorted(rng.sample(range(1, facts.lengths[canonical] + 1), count)):
                ref = locus.base(pos) if chrom == "chrX" and locus.start < pos <= locus.end else (
                    rng.choice(BASES))
                if ref not in BASES:
                    ref = "A"
                alt = rng.choice([b for b in BASES if b != ref])
                frequency = min(0.5, rng.paretovariate(1.2) / 500)
                par = facts.in_par(canonical, pos)
                cols = []
                for male in males:
                    if chrom == "chrY":
                        cols.append(_genotype(rng, True, frequency) if male else ".:0,0:0:.")
                    else:
                        cols.append(_genotype(rng, male and not par, frequency))
                out.write("\t".join([chrom, str(pos), ".", ref, alt, "50", "PASS", ".",
                                     "GT:AD:DP:GQ", *cols]) + "\n")


def _compress(text: Path, stem: str, index: bool = True, nobgzf: bool = True,
              plain: bool = True) -> dict[str, Path]:
    files = {}
    bgz = OUT / f"{stem}.vcf.gz"
    with bgz.open("wb") as handle:
        subprocess.run(["bgzip", "-@2", "-c", str(text)], stdout=handle, check=True)
    if index:
        subprocess.run(["tabix", "-f", "-p", "vcf", str(bgz)], check=True)
        files["indexed"] = bgz
    if nobgzf:
        files["bgzf"] = OUT / f"{stem}.noindex.vcf.gz"
        shutil.copy(bgz, files["bgzf"])
    if plain:
        files["gzip"] = OUT / f"{stem}.plain.vcf.gz"
        with text.open("rb") as src, gzip.open(files["gzip"], "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    text.unlink()
    return files


def prepare(records: int) -> dict[str, dict[str, Path]]:
    OUT.mkdir(parents=True, exist_ok=True)
    inputs: dict[str, dict[str, Path]] = {}
    for sex, seed in (("female", 14), ("male", 15)):
        stem = f"wgs_{sex}_{records}"
        files = {"indexed": OUT / f"{stem}.vcf.gz", "bgzf": OUT / f"{stem}.noindex.vcf.gz",
                 "gzip": OUT / f"{stem}.plain.vcf.gz"}
        if not all(p.exists() for p in files.values()):
            started = time.perf_counter()
            text = OUT / f"{stem}.vcf"
            write_wgs(text, records, sex == "male", seed)
            files = _compress(text, stem)
            print(f"wrote {stem} in {time.perf_counter() - started:.0f} s", flush=True)
        inputs[f"wgs_{sex}"] = files
    stem = "chrx_cohort2500"
    path = OUT / f"{stem}.vcf.gz"
    if not (path.exists() and Path(f"{path}.tbi").exists()):
        text = OUT / f"{stem}.vcf"
        write_chrx_cohort(text, 2500, 11_000, seed=16)
        _compress(text, stem, nobgzf=False, plain=False)
    inputs["chrx_cohort"] = {"indexed": path}
    from batch_bench import make_cohort

    inputs["cohort"] = {"indexed": make_cohort()}
    return inputs


# -- measuring -----------------------------------------------------------------------------------


def run(command: str) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one shell command under /usr/bin/time."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c", command],
                          capture_output=True, text=True, env=ENV, cwd=OUT)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed ({done.returncode}): {command}\n{done.stderr[-2000:]}")
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024


def alternate(ours: str, peer: str, repeat: int) -> tuple[list[float], list[float], float, float]:
    """Both commands once to warm up, then ``repeat`` times in turn: (our walls, peer walls,
    our peak RSS, peer peak RSS)."""
    run(ours)
    run(peer)
    mine, theirs, rss_mine, rss_theirs = [], [], 0.0, 0.0
    for _ in range(repeat):
        wall, rss = run(ours)
        mine.append(wall)
        rss_mine = max(rss_mine, rss)
        wall, rss = run(peer)
        theirs.append(wall)
        rss_theirs = max(rss_theirs, rss)
    return mine, theirs, rss_mine, rss_theirs


def cases(inputs: dict[str, dict[str, Path]], only: set[str]) -> list[tuple[str, str, str, str,
                                                                              float]]:
    """(group, what, our command, peer command, target ratio)."""
    ipex = " ".join(IPEX)
    plugins = _plugins()
    foxp3 = _foxp3_region()
    out: list[tuple[str, str, str, str, float]] = []
    if "wgs" in only:
        for sex in ("female", "male"):
            files = inputs[f"wgs_{sex}"]
            wgs = files["indexed"]
            if plugins:
                out.append(("1", f"WGS {sex}, indexed, sex inferred",
                            f"{ipex} annotate {wgs} -o out.json 2>/dev/null",
                            f"BCFTOOLS_PLUGINS={plugins} bcftools +guess-ploidy -g hg38 -t GT "
                            f"{wgs} > /dev/null", 1.5))
            if sex == "female":
                out.append(("2", "WGS female, indexed, --sex S=female",
                            f"{ipex} annotate {wgs} --sex S=female -o out.json 2>/dev/null",
                            f"bcftools view -r {foxp3} {wgs} > /dev/null", 5.0))
                for key, label, target in (("bgzf", "BGZF, no index", 0.2),
                                           ("gzip", "plain gzip", 0.6)):
                    out.append(("3", f"WGS female, {label}, sex inferred",
                                f"{ipex} annotate {files[key]} -o out.json 2>/dev/null",
                                f"bcftools view -t {foxp3} {files[key]} > /dev/null", target))
    if "cohort" in only:
        cohort = inputs["cohort"]["indexed"]
        peer = f"bcftools query -r {foxp3} -f '%POS[\\t%GT]\\n' {cohort} > /dev/null"
        out.append(("4", "cohort 2,500, FOXP3, TSV",
                    f"{ipex} annotate {cohort} -o out.tsv 2>/dev/null", peer, 5.0))
        out.append(("4", "cohort 2,500, FOXP3, JSON",
                    f"{ipex} annotate {cohort} -o out.json 2>/dev/null", peer, 6.0))
        chrx = inputs["chrx_cohort"]["indexed"]
        out.append(("4", "chrX cohort 2,500 x 11,000, sex inferred (annotate)",
                    f"{ipex} annotate {chrx} -o out.json 2>/dev/null",
                    f"bcftools query -r chrX -f '[%GT\\t]\\n' {chrx} > /dev/null", 1.0))
        out.append(("4", "chrX cohort 2,500 x 11,000 (ipex sex, info)",
                    f"{ipex} sex {chrx} --format tsv > /dev/null 2>&1",
                    f"bcftools query -r chrX -f '[%GT\\t]\\n' {chrx} > /dev/null", 1.0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=4_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="wgs,cohort", help="comma list: wgs, cohort")
    args = parser.parse_args(argv)
    for tool in ("bcftools", "bgzip", "tabix"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed")
    only = set(args.only.split(","))
    inputs = prepare(args.records)
    load_before = os.getloadavg()
    print(f"\n{args.records:,}-record WGS; medians of {args.repeat} alternating runs; load "
          f"average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} on "
          f"{os.cpu_count()} CPUs\n")
    header = (f"{'#':2} {'case':52} {'ipex s':>7} {'peer s':>7} {'ratio':>6} {'target':>6} "
              f"{'ok':>3} {'ipex MB':>7} {'peer MB':>7}")
    print(header)
    print("-" * len(header))
    for group, what, ours, peer, target in cases(inputs, only):
        mine, theirs, rss_mine, rss_theirs = alternate(ours, peer, args.repeat)
        a, b = statistics.median(mine), statistics.median(theirs)
        ratio = a / b if b else float("inf")
        ok = "yes" if ratio <= target else "NO"
        print(f"{group:2} {what:52} {a:7.3f} {b:7.3f} {ratio:6.2f} {target:6.1f} {ok:>3} "
              f"{rss_mine:7.0f} {rss_theirs:7.0f}", flush=True)
    load_after = os.getloadavg()
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print("peer commands: 1 bcftools +guess-ploidy -g hg38 -t GT; 2 bcftools view -r FOXP3; "
          "3 bcftools view -t FOXP3; 4 bcftools query -r FOXP3 -f '%POS[\\t%GT]\\n' / -r chrX "
          "-f '[%GT\\t]\\n'")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
