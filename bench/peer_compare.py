"""Compare ipexcli's consequences with ``bcftools csq`` on the same transcript (NM_014009.4).

Writes, in a temporary directory, the bundled GRCh38 locus as a FASTA contig "X" (coordinates
shifted so that contig position 1 = the first bundled base), an Ensembl-style GFF3 generated from
our refdata (gene, transcript, exon, CDS with phase, UTRs) and a VCF of every CDS SNV plus a
seeded random set of exonic/splice-region indels; runs ``bcftools csq -l`` (one record at a time,
no haplotype logic) and compares, per variant, the set of consequence terms (after mapping csq's
short names to SO terms) and, for substitutions, the amino-acid change.

Run from the repository root:  python bench/peer_compare.py [--indels 400] [--seed 7]
Prints the agreement rate and each disagreement class with a count and an example.

Result (seed 7, 3,888 CDS SNVs + 400 indels, bcftools 1.x csq -l): SNVs 100% (consequence sets
and all 2,925 amino-acid changes agree); indels 87.5%; overall 98.8%. Every indel disagreement
class, and which tool is right:

* ours + intron_variant (splice-region/donor-region indels inside an intron): both tools put the
  variant in the splice region; we also give the location term intron_variant, as VEP does. The
  variant is in an intron (SO), so both are correct; csq keeps only the most specific term.
* ours + splice_region_variant next to splice_donor/acceptor (deletions covering +1/+2 and
  neighbouring bases): the deleted bases include exon 1-3 / intron 3-8 positions, which is the SO
  definition of splice_region_variant; csq reports only the site. Ours is SO-complete.
* ours + stop_gained on a frameshift whose first changed residue is the stop
  (p.(Tyr342Ter)): HGVS writes these as nonsense, SO stop_gained applies, and VEP reports
  stop_gained&frameshift_variant; csq reports frameshift only.
* deletions spanning an exon/intron boundary (csq: inframe_deletion or frameshift + splice site;
  ours: splice site + coding_sequence_variant with p.?): which splice site is used is unknown, so
  the coding effect cannot be predicted; HGVS gives p.? and VEP coding_sequence_variant. Ours.
* insertion exactly at an acceptor junction (c.455-1_455insCACGCA; csq splice_acceptor, ours
  inframe_insertion + splice_region): the AG at -2/-1 is intact and adjacent, so the bases are
  spliced into the exon - csq itself treats the donor-side case that way (the donor-side
  junction insertions agree). Ours is the consistent reading; neither is proven without RNA.
* c.454+1dup (csq splice_donor; ours splice_donor + frameshift + splice_region, p.?): HGVS puts
  the duplicated G inside the donor site, but the same haplotype is a G added to the exon end
  with an intact GT; we report both readings and p.? for the uncertainty.
* c.-3_2dup (csq start_lost; ours start_lost + frameshift_variant): the 5-base insertion does
  shift the frame of the CDS; SO-wise both apply (VEP reports both).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ipexcli.engine import annotate_variant
from ipexcli.model import Build, GenomicVariant
from ipexcli.normalize import normalize_vcf
from ipexcli.refdata import load

BUILD = Build.GRCH38
#: csq's short names -> SO terms (csq drops the "_variant" suffix)
CSQ_TO_SO = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "stop_retained": "stop_retained_variant",
    "start_retained": "start_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
    "inframe_altering": "protein_altering_variant",
    "splice_donor": "splice_donor_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_region": "splice_region_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "coding_sequence": "coding_sequence_variant",
    "non_coding": "non_coding_transcript_variant",
}
#: our terms that csq has no equivalent for: left out of the comparison
NOT_IN_CSQ = {
    "splice_donor_5th_base_variant",
    "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "intergenic_variant",
}


def write_inputs(folder: Path, variants: list[GenomicVariant]) -> None:
    data = load()
    locus, tx = data.locus(BUILD), data.transcript(BUILD)
    shift = locus.start  # contig position = chrX position - shift
    (folder / "ref.fa").write_text(">X\n" + "\n".join(
        locus.sequence[i : i + 60] for i in range(0, len(locus.sequence), 60)
    ) + "\n")
    strand = "-" if tx.strand == -1 else "+"
    rows = [
        ("gene", tx.start + 1, tx.end, ".", f"ID=gene:{tx.gene};Name={tx.gene};"
         "biotype=protein_coding"),
        ("mRNA", tx.start + 1, tx.end, ".", f"ID=transcript:{tx.id};Parent=gene:{tx.gene};"
         f"Name={tx.gene};biotype=protein_coding"),
    ]
    done = 0  # CDS bases before this exon, in transcript order
    for exon in tx.exons:
        rows.append(("exon", exon.start + 1, exon.end, ".", f"Parent=transcript:{tx.id}"))
        if exon.cds_start is not None:
            phase = (3 - done % 3) % 3
            rows.append(("CDS", exon.cds_start + 1, exon.cds_end, str(phase),
                         f"Parent=transcript:{tx.id}"))
            done += exon.cds_end - exon.cds_start
            # UTR parts of a partly coding exon (minus strand: 5'UTR is above the CDS)
            if exon.end > exon.cds_end:
                rows.append(("five_prime_UTR", exon.cds_end + 1, exon.end, ".",
                             f"Parent=transcript:{tx.id}"))
            if exon.start < exon.cds_start:
                rows.append(("three_prime_UTR", exon.start + 1, exon.cds_start, ".",
                             f"Parent=transcript:{tx.id}"))
        else:
            rows.append(("five_prime_UTR", exon.start + 1, exon.end, ".",
                         f"Parent=transcript:{tx.id}"))
    gff = ["##gff-version 3"]
    for kind, start, end, phase, attrs in rows:
        gff.append("\t".join(
            ["X", "ipexcli", kind, str(start - shift), str(end - shift), ".", strand, phase, attrs]
        ))
    (folder / "genes.gff3").write_text("\n".join(gff) + "\n")
    lines = ["##fileformat=VCFv4.2", f"##contig=<ID=X,length={len(locus.sequence)}>",
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    for i, v in enumerate(variants):
        lines.append(f"X\t{v.pos - shift}\tv{i}\t{v.ref}\t{v.alt}\t.\t.\t.")
    (folder / "in.vcf").write_text("\n".join(lines) + "\n")


def make_variants(n_indels: int, seed: int) -> list[GenomicVariant]:
    data = load()
    locus, tx = data.locus(BUILD), data.transcript(BUILD)
    out = []
    coding = []
    for exon in tx.exons:
        if exon.cds_start is not None:
            coding.extend(range(exon.cds_start + 1, exon.cds_end + 1))
    for pos in sorted(coding):
        ref = locus.base(pos)
        out.extend(GenomicVariant(BUILD, pos, ref, alt) for alt in "ACGT" if alt != ref)
    rng = random.Random(seed)
    windows = [(e.start - 10, e.end + 10) for e in tx.exons]
    seen = set()
    while len(seen) < n_indels:
        lo, hi = rng.choice(windows)
        pos = rng.randint(lo + 1, hi)
        size = rng.choice([1, 1, 1, 2, 3, 3, 4, 5, 6])
        anchor = locus.base(pos)
        if rng.random() < 0.5:
            v = GenomicVariant(BUILD, pos, locus.fetch(pos - 1, pos + size), anchor)
        else:
            ins = "".join(rng.choice("ACGT") for _ in range(size))
            if rng.random() < 0.5:
                ins = locus.fetch(pos, pos + size)  # duplications
            v = GenomicVariant(BUILD, pos, anchor, anchor + ins)
        v = normalize_vcf(v, locus)
        key = (v.pos, v.ref, v.alt)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return sorted(out, key=lambda v: (v.pos, v.ref, v.alt))


def run_csq(folder: Path) -> dict[str, str]:
    cmd = ["bcftools", "csq", "-l", "-f", str(folder / "ref.fa"), "-g",
           str(folder / "genes.gff3"), str(folder / "in.vcf"), "-Ov"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bcftools csq failed: {result.stderr.strip()}")
    out = {}
    for line in result.stdout.splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        info = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
        out[cols[2]] = info.get("BCSQ", "")
    return out


def classify(ours: set[str], theirs: set[str]) -> str:
    only_ours = sorted(ours - theirs)
    only_theirs = sorted(theirs - ours)
    return f"ours-only {only_ours} / csq-only {only_theirs}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indels", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("bcftools") is None:
        print("bcftools not found on PATH", file=sys.stderr)
        return 1
    variants = make_variants(args.indels, args.seed)
    data = load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_inputs(folder, variants)
        csq = run_csq(folder)
    agree = Counter()
    classes: dict[str, list[str]] = defaultdict(list)
    aa_agree = aa_total = 0
    aa_mismatch: list[str] = []
    for i, v in enumerate(variants):
        a = annotate_variant(v, data)
        ours = {t.term for t in a.consequences} - NOT_IN_CSQ
        record = csq.get(f"v{i}", "")
        entries = [e.split("|") for e in record.split(",")] if record else []
        theirs = {
            CSQ_TO_SO.get(t, t) for e in entries for t in e[0].lstrip("*").split("&") if t
        }
        with_aa = [e for e in entries if len(e) > 5]
        fields = with_aa[0] if with_aa else (entries[0] if entries else [""])
        first = "|".join(fields)
        kind = "snv" if len(v.ref) == len(v.alt) == 1 else "indel"
        same = ours == theirs
        agree[(kind, same)] += 1
        if not same:
            classes[f"{kind}: {classify(ours, theirs)}"].append(
                f"{a.hgvs_c} {a.hgvs_p or ''} | csq {first}"
            )
        if kind == "snv" and len(fields) > 5 and a.amino_acids and "/" in a.amino_acids:
            aa_total += 1
            ref_aa, alt_aa = a.amino_acids.split("/")
            want = f"{a.aa_pos}{ref_aa}>{a.aa_pos}{alt_aa}"
            aa_agree += fields[5] == want
            if fields[5] != want:
                aa_mismatch.append(f"{a.hgvs_p}: ours {want} csq {fields[5]}")
    for kind in ("snv", "indel"):
        n = agree[(kind, True)] + agree[(kind, False)]
        print(f"{kind}: {agree[(kind, True)]}/{n} consequence sets agree "
              f"({100 * agree[(kind, True)] / max(n, 1):.2f}%)")
    total = sum(agree.values())
    print(f"all: {agree[('snv', True)] + agree[('indel', True)]}/{total} agree "
          f"({100 * (agree[('snv', True)] + agree[('indel', True)]) / total:.2f}%)")
    print(f"amino-acid change of protein-changing SNVs: {aa_agree}/{aa_total} agree")
    kinds = Counter(m.split(":")[1].split("(")[1][:3] + "..." for m in aa_mismatch)
    if aa_mismatch:
        print(f"  amino-acid disagreements by reference residue: {dict(kinds)}; e.g. "
              f"{aa_mismatch[0]}")
    print("disagreement classes (count, example):")
    for name, examples in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(examples):5d}  {name}\n         e.g. {examples[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
