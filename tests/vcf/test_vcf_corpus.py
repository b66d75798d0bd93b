"""Issue 4: every file of tests/data/vcf/ gives its asserted outcome (records or a one-line error).

The corpus and the origin of each file are described in tests/data/vcf/ORIGIN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ipexcli.errors import BuildMismatchError, InputFileError, IpexError, VcfFormatError
from ipexcli.model import Build
from ipexcli.vcf import open_vcf

DATA = Path(__file__).resolve().parents[1] / "data" / "vcf"
G38, G37 = Build.GRCH38, Build.GRCH37


@dataclass(frozen=True)
class Outcome:
    """What a corpus file must give (records) ..."""

    file_format: str = "vcf"
    method: str = "stream"
    build: Build | None = G38
    n_locus: int = 0  #: VariantRecords from locus_records()
    n_chrx: int | None = None  #: VariantRecords from chrom_records("X") (non-PAR)
    n_chry: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    contig: str | None = "chrX"
    ref_mismatches: int = 0
    mismatch: bool = False


@dataclass(frozen=True)
class Fails:
    """... or the one-line error it must raise (at open, or from locus_records)."""

    error: type[IpexError]
    text: str
    at_open: bool = True


GENOTYPES = Outcome(n_locus=6, n_chrx=7, n_chry=1)
EXPECTED: dict[str, Outcome | Fails] = {
    # one file, six encodings: identical records (see test_encodings_agree)
    "grch38_genotypes.vcf": GENOTYPES,
    "grch38_genotypes.crlf.vcf": GENOTYPES,
    "grch38_genotypes.plain.vcf.gz": Outcome(file_format="gzip", n_locus=6, n_chrx=7, n_chry=1),
    "grch38_genotypes.noindex.vcf.gz": Outcome(
        file_format="bgzf", method="bgzf-bisection", n_locus=6, n_chrx=7, n_chry=1
    ),
    "grch38_genotypes.tbi.vcf.gz": Outcome(
        file_format="bgzf", method="index", n_locus=6, n_chrx=7, n_chry=1
    ),
    "grch38_genotypes.csi.vcf.gz": Outcome(
        file_format="bgzf", method="index", n_locus=6, n_chrx=7, n_chry=1
    ),
    "grch38_genotypes.bcf": Outcome(
        file_format="bcf", method="index", n_locus=6, n_chrx=7, n_chry=1
    ),
    "grch38_genotypes.noindex.bcf": Outcome(file_format="bcf", n_locus=6, n_chrx=7, n_chry=1),
    # builds
    "grch37_b37.vcf": Outcome(build=G37, n_locus=6, contig="X"),
    "grch38_noheaderclue.vcf": Outcome(n_locus=6),
    "grch37_noheaderclue.vcf": Outcome(build=G37, n_locus=6, contig="23"),
    "grch38_refseq_contig.vcf": Outcome(n_locus=3, contig="NC_000023.11"),
    "conflicting_header.vcf": Outcome(n_locus=6),
    "mislabelled_grch37_as_grch38.vcf": Fails(
        BuildMismatchError, "header says GRCh38 but the REF alleles match GRCh37", at_open=False
    ),
    "nobuild_one_snv.vcf": Fails(BuildMismatchError, "cannot tell the genome build", False),
    "hg18_contig.vcf": Fails(BuildMismatchError, "NCBI36/hg18, not supported", False),
    # records
    "multiallelic.vcf": Outcome(n_locus=6),
    # #13: <DEL>, the breakend and <DUP:TANDEM> in the locus are records (reported as
    # structural variants), no longer skipped; the chrX scan for sex inference drops them as before
    "symbolic_alleles.vcf": Outcome(
        n_locus=6,
        n_chrx=3,
        skipped={
            "spanning_deletion_allele": 2,
            "non_ref_allele": 1,
            "no_alt": 1,
        },
    ),
    "sample.g.vcf": Outcome(n_locus=1, skipped={"gvcf_reference_block": 2, "non_ref_allele": 1}),
    "iupac_ref.vcf": Outcome(n_locus=1, skipped={"ref_not_acgt": 2, "alt_not_acgt": 1}),
    "malformed_records.vcf": Outcome(
        # #15: GT 0/3 on a one-ALT record costs the sample's call, not the record
        n_locus=6,
        skipped={
            "malformed_columns": 2,
            "malformed_pos": 1,
            "malformed_qual": 1,
            "malformed_ref": 1,
            "malformed_alt": 1,
        },
    ),
    "filters.vcf": Outcome(n_locus=4),
    "sites_only_v41.vcf": Outcome(n_locus=5),
    "many_samples_v43.vcf": Outcome(n_locus=4),
    "ref_mismatch_one.vcf": Outcome(n_locus=12, ref_mismatches=1),
    "edge_par_y.vcf": Outcome(n_locus=4, n_chry=1),
    "unsorted.noindex.vcf.gz": Outcome(file_format="bgzf", n_locus=4),
    # real-world files from Debian's htslib-test package: none reaches chrX
    "htslib_formatcols.vcf": Outcome(build=None, contig=None),
    "htslib_formatmissing.vcf": Outcome(build=None, contig=None),
    "htslib_noroundtrip.vcf": Outcome(build=None, contig=None),
    "htslib_vcf_meta_meta.vcf": Outcome(build=None, contig=None),
    "htslib_longrefs_index.vcf": Outcome(build=None, contig=None),
    "htslib_tabix_large_chr.vcf": Outcome(build=None, contig=None),
    "htslib_merge.noidx.rec_order.vcf": Outcome(build=G37, contig=None),
    "htslib_test-vcf-hdr-in.vcf": Outcome(build=G37, contig=None),
    "htslib_tabix_vcf_file.bcf": Outcome(file_format="bcf", build=G37, contig=None),
    # bad files
    "empty.vcf": Fails(InputFileError, "the file is empty"),
    "not_a_vcf.fa": Fails(InputFileError, "not a VCF (it starts with '>chrX"),
    "bzip2.vcf.bz2": Fails(InputFileError, "bzip2-compressed"),
    "no_header.vcf": Fails(VcfFormatError, "line 1: the file has no VCF header"),
    "header_no_chrom_line.vcf": Fails(VcfFormatError, "the header has no #CHROM line"),
    "header_spaces.vcf": Fails(VcfFormatError, "line 12: the #CHROM line is not TAB-separated"),
    "unsupported_version.vcf": Fails(VcfFormatError, "line 1: unsupported format 'VCFv3.3'"),
    "truncated_bgzf.vcf.gz": Fails(InputFileError, "BGZF file is truncated"),
    "truncated_gzip.vcf.gz": Fails(InputFileError, "gzip data is truncated", at_open=False),
}

INDEXES = {".tbi", ".csi"}


def corpus_files() -> list[str]:
    return sorted(
        p.name
        for p in DATA.iterdir()
        if p.suffix not in INDEXES and p.name not in ("ORIGIN.md", "make_corpus.py")
    )


def test_corpus_is_complete() -> None:
    """Every corpus file has an asserted outcome and every outcome a file; at least 30 files."""
    assert set(corpus_files()) == set(EXPECTED)
    assert len(EXPECTED) >= 30
    origin = (DATA / "ORIGIN.md").read_text()
    missing = [name for name in EXPECTED if f"`{name}`" not in origin]
    assert not missing, f"not described in ORIGIN.md: {missing}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_outcome(name: str) -> None:
    expected = EXPECTED[name]
    path = DATA / name
    if isinstance(expected, Fails):
        with pytest.raises(expected.error) as caught, open_vcf(path) as reader:
            assert not expected.at_open, "opened although it should not"
            list(reader.locus_records())
        message = str(caught.value)
        assert expected.text in message
        assert "\n" not in message and message.startswith(str(path))
        assert caught.value.exit_code == 1
        return
    with open_vcf(path, info_fields=("AF",)) as reader:
        records = list(reader.locus_records())
        chrx = list(reader.chrom_records("X"))
        chry = list(reader.chrom_records("chrY"))
        stats, decision = reader.stats, reader.build_decision
        assert reader.file_format == expected.file_format
        assert stats.region_method == expected.method
        assert decision.build == expected.build, decision.message
        assert decision.mismatch == expected.mismatch
        assert len(records) == expected.n_locus
        assert len(chrx) == (expected.n_locus if expected.n_chrx is None else expected.n_chrx)
        assert len(chry) == expected.n_chry
        assert stats.skipped == expected.skipped
        assert stats.contig_name == expected.contig
        assert stats.ref_mismatches == expected.ref_mismatches
        assert sum(FLAG in r.flags for r in records for FLAG in ["REF_MISMATCH"]) == (
            expected.ref_mismatches
        )
        assert all(r.chrom == "X" for r in records + chrx)
        assert all(r.chrom == "Y" for r in chry)
