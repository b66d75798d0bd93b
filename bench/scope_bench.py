"""Benchmark (issue 13): `ipex annotate --format vcf --scope all` against reading the file.

    python bench/scope_bench.py                    # 1,000,000 records, 3 rounds
    python bench/scope_bench.py --records 4000000 --repeat 5
    python bench/scope_bench.py --input bench/out/i14/wgs_female_4000000.vcf.gz   # #14's WGS

Builds a whole-genome-like VCF under ``bench/out/scope/`` (gitignored): chr1..chr22, chrX, chrY,
one sample, records evenly spaced, random REF/ALT bases (``random.Random(13)``) except inside the
bundled GRCh38 FOXP3 slice, where REF is the real bundled base; genotypes 0/1 and 1/1 with AD and
DP. BGZF + tabix index. Times, alternating the commands in each round (median of ``--repeat``):

* ``ipex annotate IN --format vcf --scope all -o OUT.vcf.gz`` (the user's command: every record
  passed through, the locus annotated, BGZF + index written), default sex inference;
* the same with ``--scope locus`` (what it costs on top of the locus report);
* ``bcftools view IN -Oz -o OUT.vcf.gz`` + ``tabix`` (htslib reading and rewriting the file);
* ``ipex annotate IN --format vcf --scope all -o OUT.vcf`` against ``bcftools view IN -Ov -o
  OUT.vcf`` (uncompressed output: what is left is reading, not compressing);
* ``bgzip -dc IN > /dev/null`` (reading the file: decompression only).

``--input`` times an existing BGZF file with its index instead (e.g. the 4M-record WGS-like file
that ``bench/speed_bench.py`` builds, real-looking bases and indels); ``--only`` picks commands
by the start of their label.

Every run is a child process under ``/usr/bin/time`` (wall seconds and peak RSS). The output of
``--scope all`` is checked against the input (same records, IPEX keys stripped) once.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipexcli import refdata  # noqa: E402
from ipexcli.model import Build  # noqa: E402

OUT = ROOT / "bench" / "out" / "scope"
CONTIGS = [f"chr{i}" for i in range(1, 23)] + ["chrX", "chrY"]
SPAN = 150_000_000
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def generate(path: Path, n_records: int) -> None:
    rng = random.Random(13)
    data = refdata.load()
    locus = data.locus(Build.GRCH38)
    lengths = data.assemblies[Build.GRCH38].lengths
    per_contig = n_records // len(CONTIGS)
    with path.open("w") as out:
        out.write("##fileformat=VCFv4.2\n##reference=GRCh38\n")
        out.write('##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n')
        out.write('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
        for name in CONTIGS:
            length = lengths.get(name[3:])
            out.write(f"##contig=<ID={name}" + (f",length={length}>\n" if length else ">\n"))
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n")
        for name in CONTIGS:
            span = min(SPAN, lengths.get(name[3:], SPAN))
            step = span // per_contig
            rows = []
            for i in range(per_contig):
                pos = 1 + i * step + rng.randrange(step // 2)
                ref = rng.choice("ACGT")
                if name == "chrX" and locus.start < pos <= locus.end:
                    ref = locus.fetch(pos - 1, pos)
                alt = rng.choice([b for b in "ACGT" if b != ref])
                depth = rng.randint(15, 45)
                if rng.random() < 0.4:
                    gt, ad = "1/1", f"0,{depth}"
                else:
                    gt, ad = "0/1", f"{depth // 2},{depth - depth // 2}"
                rows.append(f"{name}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tDP={depth}\tGT:AD:DP"
                            f"\t{gt}:{ad}:{depth}\n")
                if len(rows) == 100_000:
                    out.write("".join(rows))
                    rows.clear()
            out.write("".join(rows))


def prepare(n_records: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    packed = OUT / f"genome_{n_records}.vcf.gz"
    if packed.exists() and Path(f"{packed}.tbi").exists():
        return packed
    text = OUT / f"genome_{n_records}.vcf"
    generate(text, n_records)
    subprocess.run(["bgzip", "-f", str(text)], check=True)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(packed)], check=True)
    return packed


def timed(command: str) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of a shell command, from /usr/bin/time."""
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "sh", "-c", command], env=ENV,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {command}\n{done.stderr[-2000:]}")
    wall, rss = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


def check(source: Path, annotated: Path) -> None:
    """The --scope all output is the input with IPEX keys added (records compared)."""
    with gzip.open(source, "rt") as a, gzip.open(annotated, "rt") as b:
        left = (line for line in a if not line.startswith("#"))
        right = (line for line in b if not line.startswith("#"))
        n = 0
        for x, y in zip(left, right, strict=True):
            if "IPEX_ANN" in y:
                cols = y.rstrip("\n").split("\t")
                cols[7] = ";".join(i for i in cols[7].split(";") if not i.startswith("IPEX_"))
                cols[7] = cols[7] or "."  # the writer replaces an empty INFO '.' by its keys
                cols[8] = cols[8].removesuffix(":IPEX_GL")
                cols[9] = cols[9].rsplit(":", 1)[0]
                y = "\t".join(cols) + "\n"
            assert x == y, (x, y)
            n += 1
    print(f"checked: {n} records identical once the IPEX keys are stripped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--input", type=Path, help="an existing BGZF VCF (with its index)")
    parser.add_argument("--only", default="", help="comma list of label starts, e.g. 'ipex "
                        "--scope all -o .vcf.gz,bcftools view -Oz'")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    source = args.input.resolve() if args.input else prepare(args.records)
    ipex = f"{sys.executable} -m ipexcli annotate {source} --format vcf"
    commands = {
        "ipex --scope all -o .vcf.gz": f"{ipex} --scope all -o {OUT}/all.vcf.gz",
        "bcftools view -Oz + tabix": f"bcftools view {source} -Oz -o {OUT}/copy.vcf.gz && "
                                     f"tabix -f -p vcf {OUT}/copy.vcf.gz",
        "ipex --scope all -o .vcf": f"{ipex} --scope all -o {OUT}/all.vcf",
        "bcftools view -Ov": f"bcftools view {source} -Ov -o {OUT}/copy.vcf",
        "ipex --scope locus": f"{ipex} -o {OUT}/locus.vcf.gz",
        "bgzip -dc (read only)": f"bgzip -dc {source} > /dev/null",
    }
    if args.only:
        starts = [x.strip() for x in args.only.split(",") if x.strip()]
        commands = {k: v for k, v in commands.items() if any(k.startswith(x) for x in starts)}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            results[name].append(timed(command))
    size = source.stat().st_size / 1e6
    records = "" if args.input else f"{args.records:,} records, "
    print(f"\n{source.name}: {records}{size:.0f} MB BGZF; median of {args.repeat} "
          f"(alternating); load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'command':30s} {'wall s':>8s} {'peak MB':>8s}")
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        rss = max(r for _, r in runs)
        print(f"{name:30s} {wall:8.2f} {rss:8.0f}")
    if "ipex --scope all -o .vcf.gz" in commands:
        check(source, OUT / "all.vcf.gz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
