"""Write the hand-made part of the VCF test corpus (see ORIGIN.md); run from the repo root:

    python tests/data/vcf/make_corpus.py

Every REF base comes from the bundled FOXP3 locus (``ipexcli.refdata``), so the files agree
with the reference exactly where they are meant to and disagree where a test wants that. ALT
alleles are test alleles (the next base of ``ACGT`` after REF), not claims about real variants,
except where the file says otherwise (the known-variant positions and the NOTES.md trap).
Compression uses the bgzip/tabix/bcftools commands (deterministic apart from BCF headers).
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

from ipexcli import refdata
from ipexcli.model import Build

HERE = Path(__file__).resolve().parent
DATA = refdata.load()
L38, L37 = DATA.locus(Build.GRCH38), DATA.locus(Build.GRCH37)
LEN = {b: DATA.assemblies[b].lengths for b in Build}

FORMATS = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
]
INFOS = [
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
    '##INFO=<ID=RC,Number=R,Type=Integer,Description="Read count per allele">',
    '##INFO=<ID=DB,Number=0,Type=Flag,Description="dbSNP member">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End of the block">',
]
FILTERS = ['##FILTER=<ID=q10,Description="Quality below 10">']


def base(locus, pos: int, n: int = 1) -> str:
    """Bundled bases at 1-based ``pos`` (``n`` of them)."""
    return locus.fetch(pos - 1, pos - 1 + n)


def other(ref: str) -> str:
    """A test ALT base different from the first REF base."""
    order = "ACGT"
    return order[(order.index(ref[0]) + 1) % 4]


def header(
    samples: list[str],
    contigs: list[str] = (),
    version: str = "4.2",
    extra: list[str] = (),
) -> list[str]:
    lines = [f"##fileformat=VCFv{version}", *extra, *contigs, *FILTERS, *INFOS, *FORMATS]
    cols = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    if samples:
        cols += "\tFORMAT\t" + "\t".join(samples)
    return [*lines, cols]


def contig(name: str, build: Build, chrom: str = "X") -> str:
    return f"##contig=<ID={name},length={LEN[build][chrom]}>"


def rec(contig_name, pos, ref, alt, *, qual="50", filt="PASS", info=".", fmt=None, calls=()):
    cols = [contig_name, str(pos), ".", ref, alt, qual, filt, info]
    if fmt:
        cols += [fmt, *calls]
    return "\t".join(cols)


def write(name: str, lines: list[str], newline: str = "\n") -> Path:
    path = HERE / name
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


def known_positions(build: Build) -> list[tuple[int, str]]:
    """(pos, ref) of known-variant rows that are SNVs, in position order."""
    out = {
        v.allele(build).pos: v.allele(build).ref
        for v in DATA.known
        if v.allele(build) and len(v.allele(build).ref) == 1
    }
    return sorted(out.items())


def snvs(locus, name, build, n=6, fmt="GT:AD:DP:GQ", calls=("0/1:10,9:19:99",)):
    return [
        rec(name, pos, ref, other(ref), fmt=fmt, calls=calls)
        for pos, ref in known_positions(build)[:n]
    ]


def bgzip(src: Path, dst: Path, index: str | None = None) -> None:
    with dst.open("wb") as out:
        subprocess.run(["bgzip", "-c", str(src)], stdout=out, check=True)
    if index == "tbi":
        subprocess.run(["tabix", "-f", "-p", "vcf", str(dst)], check=True)
    elif index == "csi":
        subprocess.run(["tabix", "-f", "-C", "-p", "vcf", str(dst)], check=True)


def main() -> None:
    chr1_38 = "##contig=<ID=chr1,length=248956422>"
    x38 = contig("chrX", Build.GRCH38)
    y38 = contig("chrY", Build.GRCH38, "Y")
    two = ["MOTHER", "SON"]
    genotypes = [
        ("0/1:12,10:22:99", "1:0,15:15:60"),  # het mother, hemizygous son (haploid)
        ("0|1:8,7:15:80", "0:14,0:14:50"),  # phased het, haploid REF
        ("./.:.:.:.", "."),  # missing (diploid), missing (haploid)
        ("./1:0,6:6:20", "1:0,9:9:40"),  # partial
        ("1/1:0,20:20:99", "1:0,18:18:99"),  # hom alt, hemizygous
        ("0/0:25,0:25:99", "0:20,0:20:99"),
    ]
    sites = known_positions(Build.GRCH38)[:6]
    body = [rec("chr1", 1000, "A", "G", fmt="GT", calls=("0/1", "0/1"))]
    body += [
        rec("chrX", pos, ref, other(ref), fmt="GT:AD:DP:GQ", calls=gts)
        for (pos, ref), gts in zip(sites, genotypes, strict=True)
    ]
    body.append(rec("chrX", 60_000_000, "A", "C", fmt="GT", calls=("0/1", "1")))
    body.append(rec("chrY", 3_000_000, "A", "C", fmt="GT", calls=("./.", "1")))
    basic = header(two, [chr1_38, x38, y38]) + body
    src = write("grch38_genotypes.vcf", basic)
    bgzip(src, HERE / "grch38_genotypes.tbi.vcf.gz", "tbi")
    bgzip(src, HERE / "grch38_genotypes.csi.vcf.gz", "csi")
    bgzip(src, HERE / "grch38_genotypes.noindex.vcf.gz")
    (HERE / "grch38_genotypes.plain.vcf.gz").write_bytes(gzip.compress(src.read_bytes(), mtime=0))
    subprocess.run(
        ["bcftools", "view", "-Ob", "-o", str(HERE / "grch38_genotypes.bcf"), str(src)],
        check=True,
    )
    subprocess.run(["bcftools", "index", "-f", str(HERE / "grch38_genotypes.bcf")], check=True)
    shutil.copy(HERE / "grch38_genotypes.bcf", HERE / "grch38_genotypes.noindex.bcf")
    write("grch38_genotypes.crlf.vcf", basic, newline="\r\n")

    # GRCh37 with contig "X" and ##reference; b37 naming
    x37 = contig("X", Build.GRCH37)
    write(
        "grch37_b37.vcf",
        header(["S1"], [x37], extra=["##reference=file:///ref/human_g1k_v37.fasta"])
        + snvs(L37, "X", Build.GRCH37),
    )
    # no build clue in the header at all (no ##contig, no ##reference): REF decides
    write("grch38_noheaderclue.vcf", header(["S1"]) + snvs(L38, "chrX", Build.GRCH38))
    write("grch37_noheaderclue.vcf", header(["S1"]) + snvs(L37, "23", Build.GRCH37))
    # one SNV only and no header clue: not enough to name a build
    write("nobuild_one_snv.vcf", header(["S1"]) + snvs(L38, "chrX", Build.GRCH38, n=1))
    # NOTES.md trap: GRCh37 coordinates labelled GRCh38 (RefSeq GRCh38 accession)
    trap = [(49112832, "G", "A"), (49112833, "G", "A"), (49120479, "CT", "C")]
    assert all(base(L37, p, len(r)) == r for p, r, _ in trap)
    write(
        "mislabelled_grch37_as_grch38.vcf",
        header(["P1"], ["##contig=<ID=NC_000023.11,length=156040895>"])
        + [rec("NC_000023.11", p, r, a, fmt="GT", calls=("0/1",)) for p, r, a in trap],
    )
    # RefSeq contig names, GRCh38, correct
    write(
        "grch38_refseq_contig.vcf",
        header(["S1"], ["##contig=<ID=NC_000023.11,length=156040895,assembly=GRCh38>"])
        + snvs(L38, "NC_000023.11", Build.GRCH38, n=3),
    )
    # header says GRCh37 by ##reference but GRCh38 by ##contig length: conflict, REF decides
    write(
        "conflicting_header.vcf",
        header(["S1"], [x38], extra=["##reference=hg19.fa"]) + snvs(L38, "chrX", Build.GRCH38),
    )
    # NCBI36/hg18 chrX length: unsupported build named in the evidence
    write(
        "hg18_contig.vcf",
        [
            *header(["S1"], ["##contig=<ID=chrX,length=154913754>"]),
            rec("chrX", 49200000, "A", "G", fmt="GT", calls=("0/1",)),
        ],
    )

    # multi-allelic records: GT remap, AD split, Number=A and Number=R INFO
    (p1, r1), (p2, r2), (p3, r3) = known_positions(Build.GRCH38)[6:9]
    alts1 = [b for b in "ACGT" if b != r1]
    multi = [
        rec(
            "chrX",
            p1,
            r1,
            ",".join(alts1[:2]),
            info="AF=0.25,0.5;RC=5,6,7;DB",
            fmt="GT:AD:DP:GQ",
            calls=("1/2:1,8,9:18:70", "0/2:9,.,8:17:60", "2:0,0,12:12:40"),
        ),
        rec(
            "chrX",
            p2,
            r2,
            ",".join(b for b in "ACGT" if b != r2),
            info="AF=0.1,0.2,0.3",
            fmt="GT:AD",
            calls=("2|3:0,0,5,6", "1/1:0,9,0,0", "."),
        ),
        rec(
            "chrX",
            p3,
            r3,
            other(r3),
            info="AF=0.5",
            fmt="GT:AD:DP",
            calls=("0/1:5,5", "./.", "1"),
        ),
    ]
    write("multiallelic.vcf", header(["A", "B", "C"], [x38]) + multi)

    # symbolic and odd ALTs in the FOXP3 window
    pos = [p for p, _ in known_positions(Build.GRCH38)[:8]]
    sym = [
        rec(
            "chrX",
            pos[0],
            base(L38, pos[0]),
            "<DEL>",
            info=f"END={pos[0] + 500}",
            fmt="GT",
            calls=("0/1",),
        ),
        rec("chrX", pos[1], base(L38, pos[1]), "*", fmt="GT", calls=("0/1",)),
        rec(
            "chrX",
            pos[2],
            base(L38, pos[2]),
            base(L38, pos[2]) + "[chr1:12345[",
            fmt="GT",
            calls=("0/1",),
        ),
        rec(
            "chrX",
            pos[3],
            base(L38, pos[3]),
            f"{other(base(L38, pos[3]))},<NON_REF>",
            fmt="GT:AD",
            calls=("0/1:3,4,0",),
        ),
        rec(
            "chrX",
            pos[4],
            base(L38, pos[4]),
            f"{other(base(L38, pos[4]))},*",
            fmt="GT",
            calls=("1/2",),
        ),
        rec("chrX", pos[5], base(L38, pos[5]), ".", fmt="GT", calls=("0/0",)),
        rec("chrX", pos[6], base(L38, pos[6]), "<DUP:TANDEM>", fmt="GT", calls=("0/1",)),
        rec("chrX", pos[7], base(L38, pos[7]), other(base(L38, pos[7])), fmt="GT", calls=("0/1",)),
    ]
    write("symbolic_alleles.vcf", header(["S1"], [x38], version="4.3") + sym)

    # gVCF: reference blocks (<NON_REF> only) around one variant, GRCh38
    start = L38.start + 2000  # 0-based; blocks are real bases of the locus
    gvcf = [
        rec(
            "chrX",
            start + 1,
            base(L38, start + 1),
            "<NON_REF>",
            qual=".",
            filt=".",
            info=f"END={start + 100}",
            fmt="GT:DP:GQ",
            calls=("0/0:30:99",),
        ),
        rec(
            "chrX",
            start + 101,
            base(L38, start + 101),
            f"{other(base(L38, start + 101))},<NON_REF>",
            qual="200",
            filt=".",
            fmt="GT:AD:DP:GQ",
            calls=("0/1:15,14,0:29:99",),
        ),
        rec(
            "chrX",
            start + 102,
            base(L38, start + 102),
            "<NON_REF>",
            qual=".",
            filt=".",
            info=f"END={start + 900}",
            fmt="GT:DP:GQ",
            calls=("0/0:28:90",),
        ),
    ]
    write(
        "sample.g.vcf",
        header(["S1"], [x38], extra=['##ALT=<ID=NON_REF,Description="Any other allele">']) + gvcf,
    )

    # N / IUPAC REF and ALT, lower-case REF (real bases, lower-cased)
    p = [q for q, _ in known_positions(Build.GRCH38)[:4]]
    iupac = [
        rec("chrX", p[0], "N", "A", fmt="GT", calls=("0/1",)),
        rec("chrX", p[1], "R", "A", fmt="GT", calls=("0/1",)),
        rec("chrX", p[2], base(L38, p[2]), "N", fmt="GT", calls=("0/1",)),
        rec(
            "chrX",
            p[3],
            base(L38, p[3]).lower(),
            other(base(L38, p[3])).lower(),
            fmt="GT",
            calls=("0/1",),
        ),
    ]
    write("iupac_ref.vcf", header(["S1"], [x38]) + iupac)

    # malformed records among good ones (each bad line on chrX in the window)
    good = snvs(L38, "chrX", Build.GRCH38, n=5, fmt="GT", calls=("0/1",))
    q = [q for q, _ in known_positions(Build.GRCH38)[5:10]]
    bad = [
        good[0],
        f"chrX\t{q[0]}\t.\t{base(L38, q[0])}\tA\t50\tPASS",  # 7 columns
        "chrX\t49x\t.\tA\tG\t50\tPASS\t.\tGT\t0/1",  # POS not a number (not in window)
        good[1],
        f"chrX\t{q[1]}\t.\t{base(L38, q[1])}\tA\tfifty\tPASS\t.\tGT\t0/1",  # QUAL
        f"chrX\t{q[2]}\t.\t{base(L38, q[2])}\t{other(base(L38, q[2]))}\t50\tPASS\t.\tGT\t0/3",
        f"chrX\t{q[3]}\t.\tXYZ\tA\t50\tPASS\t.\tGT\t0/1",  # REF not DNA
        f"chrX\t{q[4]}\t.\t{base(L38, q[4])}\tA,<NON_REF\t50\tPASS\t.\tGT\t0/1",  # bad ALT
        f"chrX\t{q[4]}\t.\t{base(L38, q[4])}\tA\t50\tPASS\t.\tGT\t0/1\t0/1",  # extra sample
        *good[2:],
    ]
    write("malformed_records.vcf", header(["S1"], [x38]) + bad)

    # FILTER values for pass_only
    flt = snvs(L38, "chrX", Build.GRCH38, n=4, fmt="GT", calls=("0/1",))
    flt = [
        flt[0],
        flt[1].replace("\tPASS\t", "\tq10\t"),
        flt[2].replace("\tPASS\t", "\t.\t"),
        flt[3].replace("\tPASS\t", "\tq10;LowQual\t"),
    ]
    write("filters.vcf", header(["S1"], [x38]) + flt)

    # sites-only (no FORMAT, no samples), VCF 4.1
    write(
        "sites_only_v41.vcf",
        header([], [x38], version="4.1")
        + [
            rec("chrX", pos_, ref, other(ref), info="AF=0.01")
            for pos_, ref in known_positions(Build.GRCH38)[:5]
        ],
    )
    # many samples, VCF 4.3
    names = [f"S{i}" for i in range(40)]
    gts = ["0/1", "0/0", "1/1", "./.", "1", "0", "0|1", "./1"] * 5
    write(
        "many_samples_v43.vcf",
        header(names, [x38], version="4.3")
        + [
            rec("chrX", pos_, ref, other(ref), fmt="GT", calls=gts)
            for pos_, ref in known_positions(Build.GRCH38)[:4]
        ],
    )

    # REF mismatch: 11 good records + 1 wrong REF (flagged, build still GRCh38)
    sites = known_positions(Build.GRCH38)[:12]
    mm = [rec("chrX", p_, r_, other(r_), fmt="GT", calls=("0/1",)) for p_, r_ in sites]
    wrong = other(sites[5][1])
    mm[5] = rec("chrX", sites[5][0], wrong, other(wrong), fmt="GT", calls=("0/1",))
    write("ref_mismatch_one.vcf", header(["S1"], [x38]) + mm)

    # deletion starting before the GRCh38 window and reaching into it; PAR and chrY records
    edge = L38.start - 5  # 0-based start, 5 bases before the window
    # REF reaches 5 bases left of the bundled slice: those 5 bases are not known to the project,
    # so they are placeholders ("ACGTA"); the other 5 are the first bundled bases
    ref_edge = "ACGTA" + base(L38, L38.pos_start, 5)
    par_rec = rec("chrX", 100_000, "A", "G", fmt="GT", calls=("0/1",))  # in PAR1 (both builds)
    write(
        "edge_par_y.vcf",
        [
            *header(["S1"], [x38, y38]),
            par_rec,
            rec("chrX", edge + 1, ref_edge, ref_edge[0], fmt="GT", calls=("0/1",)),
            *snvs(L38, "chrX", Build.GRCH38, n=3, fmt="GT", calls=("1",)),
            rec("chrY", 2_800_000, "A", "G", fmt="GT", calls=("1",)),
            rec("chrY", 20_000, "C", "T", fmt="GT", calls=("1",)),  # Y PAR1
        ],
    )

    # unsorted BGZF without index: bisection must notice and stream instead
    uns = snvs(L38, "chrX", Build.GRCH38, n=4, fmt="GT", calls=("0/1",))
    unsorted = [
        *header(["S1"], [chr1_38, x38]),
        uns[2],
        uns[0],
        rec("chr1", 5, "A", "G", fmt="GT", calls=("0/1",)),
        uns[3],
        uns[1],
    ]
    src = write("unsorted.vcf", unsorted)
    bgzip(src, HERE / "unsorted.noindex.vcf.gz")
    src.unlink()

    # bad files
    (HERE / "empty.vcf").write_bytes(b"")
    write("not_a_vcf.fa", [">chrX FOXP3 slice", base(L38, L38.pos_start, 60)])
    write("no_header.vcf", snvs(L38, "chrX", Build.GRCH38, n=2))
    write("header_no_chrom_line.vcf", header(["S1"], [x38])[:-1])
    write(
        "header_spaces.vcf",
        [
            *header(["S1"], [x38])[:-1],
            "#CHROM POS ID REF ALT QUAL FILTER INFO FORMAT S1",
            *snvs(L38, "chrX", Build.GRCH38, n=1),
        ],
    )
    write("unsupported_version.vcf", ["##fileformat=VCFv3.3", *header(["S1"])[1:]])
    whole = (HERE / "grch38_genotypes.noindex.vcf.gz").read_bytes()
    (HERE / "truncated_bgzf.vcf.gz").write_bytes(whole[: len(whole) - 40])
    plain = (HERE / "grch38_genotypes.plain.vcf.gz").read_bytes()
    (HERE / "truncated_gzip.vcf.gz").write_bytes(plain[: len(plain) - 60])
    import bz2

    (HERE / "bzip2.vcf.bz2").write_bytes(bz2.compress(src_text("grch38_genotypes.vcf")))


def src_text(name: str) -> bytes:
    return (HERE / name).read_bytes()


if __name__ == "__main__":
    main()
