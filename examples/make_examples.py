#!/usr/bin/env python3
"""Write the demo inputs in examples/ from REAL variants of the bundled known-variant table.

REF bases are read from the bundled locus sequence (never typed by hand), so the files stay true
to the reference. Run from the repository root with ipexcli installed (or ``PYTHONPATH=.``):
``python examples/make_examples.py``.
Needs pysam (an ipexcli dependency) for bgzip + tabix.
"""

from __future__ import annotations

from pathlib import Path

import pysam

from ipexcli import refdata
from ipexcli.model import Build

HERE = Path(__file__).resolve().parent
FORMAT_HEADER = """##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
"""


def known(hgvs_c: str, build: Build) -> tuple[int, str, str]:
    data = refdata.load()
    row = next(v for v in data.known if v.hgvs_c == hgvs_c)
    allele = row.allele(build)
    assert allele is not None
    # the REF written to the file is read back from the bundled sequence
    ref = data.locus(build).fetch(allele.start, allele.end)
    assert ref == allele.ref
    return allele.pos, ref, allele.alt


def write_vcf(path: Path, build: Build, contig: str, samples: list[str], records: list) -> None:
    data = refdata.load()
    length = data.assemblies[build].lengths["X"]
    lines = [
        "##fileformat=VCFv4.2",
        f"##reference={build.value}",
        f"##contig=<ID={contig},length={length},assembly={build.value}>",
        FORMAT_HEADER.rstrip("\n"),
        "#" + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT",
                         *samples]),
    ]
    for hgvs_c, rsid, calls in sorted(records, key=lambda r: known(r[0], build)[0]):
        pos, ref, alt = known(hgvs_c, build)
        lines.append(
            "\t".join([contig, str(pos), rsid, ref, alt, "50", "PASS", ".", "GT:AD:DP:GQ", *calls])
        )
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    trio = HERE / "trio.GRCh38.vcf"
    write_vcf(
        trio,
        Build.GRCH38,
        "chrX",
        ["proband", "mother", "father"],
        [
            # son hemizygous for the pathogenic c.1189C>T p.(Arg397Trp), mother a carrier
            ("c.1189C>T", "rs28935477", ["1:0,31:31:99", "0/1:17,15:32:99", "0:28,0:28:99"]),
            # common intron-1 SNPs: the son's alleles come from his mother
            ("c.-22-902A>G", "rs2232365", ["1:0,25:25:99", "1/1:0,30:30:99", "1:0,22:22:99"]),
            ("c.-23+2882A>C", "rs3761548", ["0:27,0:27:99", "0/1:14,16:30:99", "1:0,24:24:99"]),
        ],
    )
    pysam.tabix_index(str(trio), preset="vcf", force=True)  # writes trio.GRCh38.vcf.gz(.tbi)
    (HERE / "trio.ped").write_text(
        "#family\tindividual\tfather\tmother\tsex\tphenotype\n"
        "FAM1\tproband\tfather\tmother\t1\t2\n"
        "FAM1\tfather\t0\t0\t1\t1\n"
        "FAM1\tmother\t0\t0\t2\t1\n"
    )
    write_vcf(
        HERE / "single.GRCh37.vcf",
        Build.GRCH37,
        "X",
        ["patient2"],
        [
            # a male with a hemizygous c.1150G>A p.(Ala384Thr), called diploid 1/1 by the caller
            ("c.1150G>A", "rs122467170", ["1/1:0,40:40:99"]),
            ("c.-22-902A>G", "rs2232365", ["1/1:0,35:35:99"]),
        ],
    )


if __name__ == "__main__":
    main()
