"""Issue 4: record semantics (split, genotypes, FILTER, INFO), builds, stdin, region methods."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.errors import BuildMismatchError, IpexError
from ipexcli.model import Build, Call, VariantRecord
from ipexcli.vcf import open_vcf
from ipexcli.vcf.bgzf import BgzfFile

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "vcf"
REF = refdata.load()
L38 = REF.locus(Build.GRCH38)


def records(name: str, **options) -> list[VariantRecord]:
    with open_vcf(DATA / name, **options) as reader:
        return list(reader.locus_records())


def key(record: VariantRecord) -> tuple:
    """Everything but the line number (unknown for index, bisection and BCF)."""
    return (
        record.contig,
        record.pos,
        record.ref,
        record.alt,
        record.alt_index,
        record.n_alts,
        record.id,
        record.qual,
        record.filters,
        record.info,
        record.calls,
        record.flags,
    )


ENCODINGS = [
    "grch38_genotypes.vcf",
    "grch38_genotypes.crlf.vcf",
    "grch38_genotypes.plain.vcf.gz",
    "grch38_genotypes.noindex.vcf.gz",
    "grch38_genotypes.tbi.vcf.gz",
    "grch38_genotypes.csi.vcf.gz",
    "grch38_genotypes.bcf",
    "grch38_genotypes.noindex.bcf",
]


def test_encodings_agree() -> None:
    """The same records from plain, CRLF, gzip, BGZF (3 access methods) and BCF (2)."""
    reference = [key(r) for r in records(ENCODINGS[0])]
    assert len(reference) == 6
    for name in ENCODINGS[1:]:
        assert [key(r) for r in records(name)] == reference, name


def test_line_numbers_point_at_the_record() -> None:
    lines = (DATA / "grch38_genotypes.vcf").read_text().splitlines()
    for record in records("grch38_genotypes.vcf"):
        assert record.line is not None
        assert lines[record.line - 1].startswith(f"chrX\t{record.pos}\t")
        assert L38.base(record.pos) == record.ref  # REF is the real bundled base
        assert "REF_MISMATCH" not in record.flags


def test_genotypes_kept_as_written() -> None:
    """Haploid, diploid, phased, missing and partial calls; GT, AD, DP, GQ; never rewritten."""
    got = [r.calls for r in records("grch38_genotypes.vcf")]
    assert got[0] == (
        Call((0, 1), False, "0/1", (12, 10), 22, 99),
        Call((1,), False, "1", (0, 15), 15, 60),
    )
    assert got[1] == (
        Call((0, 1), True, "0|1", (8, 7), 15, 80),
        Call((0,), False, "0", (14, 0), 14, 50),
    )
    assert got[2] == (Call((None, None), False, "./."), Call((None,), False, "."))
    assert got[3][0] == Call((None, 1), False, "./1", (0, 6), 6, 20)
    assert got[4][1].ploidy == 1 and got[4][1].alt_count == 1
    assert got[4][0].alt_count == 2 and got[4][0].allele_balance == 1.0
    assert got[5][0].alleles == (0, 0) and got[5][0].allele_balance == 0.0
    assert got[2][0].is_missing and got[2][1].is_missing


def test_multiallelic_split_remaps_genotypes_ad_and_info() -> None:
    split = records("multiallelic.vcf", info_fields=("AF", "RC", "DB", "MISSING"))
    first, second = split[0], split[1]
    assert (first.alt_index, second.alt_index, first.n_alts) == (1, 2, 2)
    assert first.pos == second.pos and first.alt != second.alt
    assert "MULTIALLELIC_SPLIT" in first.flags
    # 1/2 -> (1, None) and (None, 1), never 1/0; the other ALT is marked
    # #13: ad_total is every allele's depth (1 + 8 + 9), so the balance is 8/18 and 9/18
    assert first.calls[0] == Call((1, None), False, "1/2", (1, 8), 18, 70, other_alt=True,
                                  ad_total=18)
    assert second.calls[0] == Call((None, 1), False, "1/2", (1, 9), 18, 70, other_alt=True,
                                   ad_total=18)
    # 0/2 with AD "9,.,8": the missing depth stays missing
    assert first.calls[1] == Call((0, None), False, "0/2", (9, None), 17, 60, other_alt=True)
    assert second.calls[1] == Call((0, 1), False, "0/2", (9, 8), 17, 60)
    # haploid 2
    assert first.calls[2].alleles == (None,) and second.calls[2].alleles == (1,)
    # INFO: Number=A split, Number=R keeps REF + this ALT, flag present with empty value
    assert first.info == (("AF", "0.25"), ("RC", "5,6"), ("DB", ""))
    assert second.info == (("AF", "0.5"), ("RC", "5,7"), ("DB", ""))
    tri = split[2:5]
    assert [r.info_value("AF") for r in tri] == ["0.1", "0.2", "0.3"]
    assert [r.calls[0].alleles for r in tri] == [(None, None), (1, None), (None, 1)]
    assert all(r.calls[0].phased for r in tri)
    assert [r.calls[1].alleles for r in tri] == [(1, 1), (None, None), (None, None)]


def test_star_and_non_ref_alleles_dropped_one_by_one_structural_kept() -> None:
    with open_vcf(DATA / "symbolic_alleles.vcf") as reader:
        got = list(reader.locus_records())
        examples = {e.line: e.reason.value for e in reader.stats.skipped_examples}
    # #13: <DEL> (line 13, with its END), the breakend (15) and <DUP:TANDEM> (19) are records
    # of the locus for ipexcli.structural; "G,<NON_REF>" keeps G with the AD of REF and G;
    # "T,*" keeps T with 1/2 -> (1, None)
    assert [(r.line, r.alt) for r in got if r.alt[0] in "<C"] == [
        (13, "<DEL>"), (15, "C[chr1:12345["), (19, "<DUP:TANDEM>")]
    assert dict(got[0].info)["END"] == "49250958"
    snvs = [r for r in got if r.line not in (13, 15, 19)]
    assert snvs[0].calls[0].ad == (3, 4) and snvs[0].n_alts == 2
    assert snvs[1].calls[0] == Call((1, None), False, "1/2", other_alt=True)
    assert examples == {
        14: "spanning_deletion_allele",
        16: "non_ref_allele",
        17: "spanning_deletion_allele",
        18: "no_alt",
    }


def test_gvcf_blocks_skipped_variant_kept() -> None:
    (variant,) = records("sample.g.vcf")
    assert variant.calls[0].ad == (15, 14) and variant.qual == 200.0
    assert variant.filters == ()  # FILTER '.'


def test_skipped_records_name_file_line_and_reason() -> None:
    with open_vcf(DATA / "malformed_records.vcf") as reader:
        kept = list(reader.locus_records())
        examples = reader.stats.skipped_examples
    assert len(kept) == 6
    text = [str(e) for e in examples]
    path = str(DATA / "malformed_records.vcf")
    assert f"{path}: line 14: malformed_columns: 7 TAB-separated columns, expected 10" in text
    assert f"{path}: line 17: malformed_qual: QUAL 'fifty' is not a number" in text
    assert any("line 21: malformed_columns: 11" in t for t in text)
    # #15: GT 0/3 on a one-ALT record costs that sample's call, not the record
    (bad,) = [r for r in kept if r.line == 18]
    assert "allele 3" in bad.calls[0].invalid and bad.calls[0].is_missing
    # every damaged record of the locus is listed (not only the first examples)
    damaged = reader.stats.locus_damaged
    assert len(damaged) == 6 and f"{path}: line 17: malformed_qual" in damaged[2]


def test_locus_records_twice_counts_once() -> None:
    with open_vcf(DATA / "malformed_records.vcf") as reader:
        first = list(reader.locus_records())
        stats = (reader.stats.records_in_region, dict(reader.stats.skipped))
        assert list(reader.locus_records()) == first
        assert (reader.stats.records_in_region, reader.stats.skipped) == stats


def test_pass_only() -> None:
    assert [r.filters for r in records("filters.vcf")] == [
        ("PASS",),
        ("q10",),
        (),
        ("q10", "LowQual"),
    ]
    with open_vcf(DATA / "filters.vcf", pass_only=True) as reader:
        kept = list(reader.locus_records())
        assert reader.stats.skipped == {"filtered_not_pass": 2}
    assert [r.filters for r in kept] == [("PASS",), ()]


def test_lower_case_alleles_upper_cased_and_checked() -> None:
    (record,) = records("iupac_ref.vcf")
    assert record.ref == L38.base(record.pos) and record.alt.isupper()


def test_ref_mismatch_flagged_and_counted() -> None:
    with open_vcf(DATA / "ref_mismatch_one.vcf") as reader:
        got = list(reader.locus_records())
        assert reader.stats.ref_mismatches == 1
        assert reader.build_decision.build is Build.GRCH38
    (bad,) = [r for r in got if "REF_MISMATCH" in r.flags]
    assert bad.ref != L38.base(bad.pos)


def test_edge_deletion_and_par() -> None:
    with open_vcf(DATA / "edge_par_y.vcf") as reader:
        got = list(reader.locus_records())
        assert got[0].flags == ("REF_UNCHECKED",) and got[0].pos < L38.pos_start
        non_par = list(reader.chrom_records("X"))
        everything = list(reader.chrom_records("X", non_par=False))
        y_all = list(reader.chrom_records("Y", non_par=False))
    assert len(everything) == len(non_par) + 1
    assert {r.pos for r in everything} - {r.pos for r in non_par} == {100_000}
    assert len(y_all) == 2


def test_mislabelled_build_is_caught_and_explained() -> None:
    """NOTES.md: NC_000023.11:g.49112832G>A etc. are GRCh37 coordinates labelled GRCh38."""
    path = DATA / "mislabelled_grch37_as_grch38.vcf"
    with open_vcf(path) as reader:
        decision = reader.build_decision
        assert decision.mismatch and decision.build is None
        assert reader.stats.header_build_hint is Build.GRCH38
        assert "GRCh37 coordinates labelled GRCh38" in decision.message
        assert "3 of 3 REF allele(s) in the GRCh37 FOXP3 window match" in " ".join(
            decision.evidence
        )
        with pytest.raises(BuildMismatchError, match="--build GRCh37"):
            list(reader.locus_records())
    # the user may override: GRCh37 fits the REF alleles, GRCh38 does not
    with open_vcf(path, build=Build.GRCH37) as reader:
        got = list(reader.locus_records())
        assert not reader.build_decision.mismatch and reader.build_decision.method == "user"
    assert [(r.pos, r.ref, r.alt) for r in got] == [
        (49112832, "G", "A"),
        (49112833, "G", "A"),
        (49120479, "CT", "C"),
    ]
    assert all(not r.flags for r in got)
    with open_vcf(path, build=Build.GRCH38) as reader:
        assert reader.build_decision.mismatch and reader.build_decision.build is Build.GRCH38
        assert list(reader.locus_records()) == []  # the positions are outside GRCh38's FOXP3


@pytest.mark.parametrize(
    ("name", "build", "method"),
    [
        ("grch38_genotypes.vcf", Build.GRCH38, "header+ref"),
        ("grch37_b37.vcf", Build.GRCH37, "header+ref"),
        ("grch38_noheaderclue.vcf", Build.GRCH38, "ref"),
        ("grch37_noheaderclue.vcf", Build.GRCH37, "ref"),
        ("conflicting_header.vcf", Build.GRCH38, "ref"),
        ("htslib_test-vcf-hdr-in.vcf", Build.GRCH37, "header"),
    ],
)
def test_build_detection(name: str, build: Build, method: str) -> None:
    with open_vcf(DATA / name) as reader:
        assert (reader.build_decision.build, reader.build_decision.method) == (build, method)
        assert not reader.build_decision.mismatch


def test_grch37_records_are_grch37_bases() -> None:
    locus = REF.locus(Build.GRCH37)
    got = records("grch37_noheaderclue.vcf")
    assert got and all(locus.base(r.pos) == r.ref and r.contig == "23" for r in got)


# -- standard input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "file_format"),
    [
        ("grch38_genotypes.vcf", "vcf"),
        ("grch38_genotypes.plain.vcf.gz", "gzip"),
        ("grch38_genotypes.noindex.vcf.gz", "bgzf"),
        ("grch38_genotypes.bcf", "bcf"),
        ("not_a_vcf.fa", None),
        ("truncated_gzip.vcf.gz", None),
    ],
)
def test_stdin(name: str, file_format: str | None) -> None:
    script = (
        "import sys\n"
        "from ipexcli.errors import IpexError\n"
        "from ipexcli.vcf import open_vcf\n"
        "try:\n"
        "    with open_vcf('-') as r:\n"
        "        n = len(list(r.locus_records())); x = len(list(r.chrom_records()))\n"
        "        print(r.file_format, r.stats.region_method, n, x, r.stats.records_read)\n"
        "except IpexError as e:\n"
        "    print('error: ' + str(e), file=sys.stderr); sys.exit(e.exit_code)\n"
    )
    with (DATA / name).open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", script],
            stdin=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
    assert "Traceback" not in done.stderr
    if file_format is None:
        assert done.returncode == 1
        assert done.stderr.startswith("error: -: ") and done.stderr.count("\n") == 1
    else:
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # htslib warnings silenced
        assert done.stdout.split() == [file_format, "stream", "6", "7", "6"]


# -- region access on a multi-block file ----------------------------------------------------------


def synthetic_lines(unsorted: bool = False) -> list[str]:
    """A whole-genome-like file: 24 contigs, REF 'N' outside the bundled locus (bases unknown
    there), real bundled bases at every 250th position inside it."""
    lines = ["##fileformat=VCFv4.2"]
    names = [f"chr{i}" for i in range(1, 23)] + ["chrX", "chrY"]
    for name in names:
        if name in ("chrX", "chrY"):
            length = REF.assemblies[Build.GRCH38].lengths[name[-1]]
            lines.append(f"##contig=<ID={name},length={length}>")
        else:
            lines.append(f"##contig=<ID={name}>")
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1")
    body = []
    for name in names:
        positions = list(range(1000, 100_000_000, 50_000))
        if name == "chrX":
            positions = sorted(set(positions) | set(range(L38.pos_start, L38.pos_end, 250)))
        for pos in positions:
            ref = L38.base(pos) if name == "chrX" and L38.contains(pos - 1, pos) else "N"
            alt = "A" if ref != "A" else "C"
            body.append(f"{name}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t0/1")
    if unsorted:
        x_start = next(i for i, line in enumerate(body) if line.startswith("chrX\t"))
        body[x_start + 100], body[x_start + 900] = body[x_start + 900], body[x_start + 100]
    return lines + body


@pytest.fixture(scope="module")
def genome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("genome")
    out = {}
    for label, unsorted in (("sorted", False), ("unsorted", True)):
        text = folder / f"{label}.vcf"
        text.write_text("\n".join(synthetic_lines(unsorted)) + "\n")
        bgzf = folder / f"{label}.vcf.gz"
        with bgzf.open("wb") as handle:
            subprocess.run(["bgzip", "-c", str(text)], stdout=handle, check=True)
        out[label] = text
        out[f"{label}.bgzf"] = bgzf
    indexed = folder / "indexed.vcf.gz"
    indexed.write_bytes(out["sorted.bgzf"].read_bytes())
    subprocess.run(["tabix", "-p", "vcf", str(indexed)], check=True)
    out["indexed"] = indexed
    plain_gzip = folder / "plain.vcf.gz"
    plain_gzip.write_bytes(gzip.compress(out["sorted"].read_bytes()))
    out["gzip"] = plain_gzip
    return out


def extract(path: Path) -> tuple[str, list[tuple], int, list[str], dict]:
    with open_vcf(path) as reader:
        locus = [key(r) for r in reader.locus_records()]
        chrx = len(list(reader.chrom_records("X")))
        return (
            reader.stats.region_method,
            locus,
            chrx,
            reader.stats.notes,
            reader.stats.chrom_skipped,
        )


def test_bisection_index_and_stream_agree(genome: dict[str, Path]) -> None:
    with genome["sorted.bgzf"].open("rb") as handle:  # many BGZF blocks to bisect
        assert len(list(BgzfFile(handle).iter_blocks(0))) > 20
    method, locus, chrx, _, skipped = extract(genome["sorted"])
    in_window = [
        line
        for line in synthetic_lines()
        if line.startswith("chrX\t") and L38.pos_start <= int(line.split("\t")[1]) <= L38.pos_end
    ]
    assert method == "stream" and len(locus) == len(in_window) > 80
    assert all(not r[-1] for r in locus)  # no REF_MISMATCH: real bases
    for label, expected_method in (
        ("sorted.bgzf", "bgzf-bisection"),
        ("indexed", "index"),
        ("gzip", "stream"),
    ):
        got = extract(genome[label])
        # #15: an unindexed BGZF file is read with one note (a lost block goes unseen)
        no_index = [n for n in got[3] if n.startswith("no index: a BGZF block missing")]
        assert got[0] == expected_method and len(got[3]) == len(no_index), label
        assert len(no_index) == (label == "sorted.bgzf"), label
        assert got[1:3] == (locus, chrx), label
        assert got[4] == skipped, label
    assert skipped == {"ref_not_acgt": chrx and skipped["ref_not_acgt"]}


def test_unsorted_bgzf_falls_back_to_streaming(genome: dict[str, Path]) -> None:
    method, locus, chrx, notes, _ = extract(genome["unsorted.bgzf"])
    assert method == "stream"
    assert any("bisection not possible" in note for note in notes)
    assert (locus, chrx) == extract(genome["unsorted"])[1:3]


def test_errors_are_one_line_ipex_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.vcf"
    with pytest.raises(IpexError, match="no such file"):
        open_vcf(missing)
    with pytest.raises(IpexError, match="is a directory"):
        open_vcf(tmp_path)
    garbage = tmp_path / "garbage.vcf.gz"
    garbage.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    with pytest.raises(IpexError, match="corrupt gzip data"), open_vcf(garbage) as reader:
        list(reader.locus_records())


def test_stale_index_is_not_trusted(tmp_path: Path) -> None:
    data = tmp_path / "g.vcf.gz"
    index = tmp_path / "g.vcf.gz.tbi"
    data.write_bytes((DATA / "grch38_genotypes.tbi.vcf.gz").read_bytes())
    index.write_bytes((DATA / "grch38_genotypes.tbi.vcf.gz.tbi").read_bytes())
    os.utime(index, (1_000_000_000, 1_000_000_000))  # index from 2001, data from now
    with open_vcf(data) as reader:
        assert len(list(reader.locus_records())) == 6
        assert reader.stats.region_method == "bgzf-bisection"
        assert "older than the file" in reader.stats.notes[0]


def test_index_of_another_file_is_not_trusted(tmp_path: Path) -> None:
    """A newer .tbi made for another file (same contigs, other offsets) would fetch nothing:
    it is detected from where its offset lands, and the file is bisected instead."""
    from ipexcli.vcf import write_bgzf_indexed

    text = (DATA / "grch38_genotypes.vcf").read_text()
    padded = text.replace("##fileformat=VCFv4.2\n", "##fileformat=VCFv4.2\n" + "".join(
        f"##comment=padding line {i} so that the records start elsewhere\n" for i in range(3000)
    ), 1)
    assert padded != text
    write_bgzf_indexed(text, tmp_path / "a.vcf.gz")
    write_bgzf_indexed(padded, tmp_path / "b.vcf.gz")
    foreign = tmp_path / "b.vcf.gz.tbi"
    foreign.write_bytes((tmp_path / "a.vcf.gz.tbi").read_bytes())  # newer than b.vcf.gz
    with open_vcf(tmp_path / "b.vcf.gz") as reader:
        got = list(reader.locus_records())
        assert [key(r)[1:] for r in got] == [key(r)[1:] for r in records("grch38_genotypes.vcf")]
        assert reader.stats.region_method == "bgzf-bisection"
        assert any("does not belong to this file" in note for note in reader.stats.notes)


def test_records_on_an_undeclared_alias_are_still_found(tmp_path: Path) -> None:
    """The header declares chrX but the records say X (htslib accepts this too)."""
    text = (DATA / "grch38_genotypes.vcf").read_text().replace("\nchrX\t", "\nX\t")
    path = tmp_path / "renamed.vcf"
    path.write_text(text)
    with open_vcf(path) as reader:
        got = list(reader.locus_records())
    assert [r.contig for r in got] == ["X"] * 6
    assert [key(r)[1:] for r in got] == [key(r)[1:] for r in records("grch38_genotypes.vcf")]


@pytest.mark.parametrize("name", ["grch38_genotypes.plain.vcf.gz", "grch38_genotypes.bcf"])
def test_named_pipe_is_read_like_stdin(tmp_path: Path, name: str) -> None:
    """bash process substitution (``<(zcat ...)``) gives a path that cannot seek."""
    import threading

    fifo = tmp_path / "pipe.vcf"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as sink:
            sink.write((DATA / name).read_bytes())

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        with open_vcf(fifo) as reader:
            got = [key(r) for r in reader.locus_records()]
            assert reader.stats.region_method == "stream"
    finally:
        writer.join(timeout=30)
    assert got == [key(r) for r in records("grch38_genotypes.vcf")]


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    text = tmp_path / "bom.vcf"
    text.write_bytes(b"\xef\xbb\xbf" + (DATA / "grch38_genotypes.vcf").read_bytes())
    packed = tmp_path / "bom.vcf.gz"
    with packed.open("wb") as handle:
        subprocess.run(["bgzip", "-c", str(text)], stdout=handle, check=True)
    expected = [key(r) for r in records("grch38_genotypes.vcf")]
    for path in (text, packed):
        with open_vcf(path) as reader:
            assert [key(r) for r in reader.locus_records()] == expected


def test_skipped_record_without_line_number_is_named(tmp_path: Path) -> None:
    """Index and bisection do not know line numbers: the record text identifies it."""
    lines = (DATA / "malformed_records.vcf").read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    body.sort(key=lambda line: int(p) if (p := line.split("\t")[1]).isdigit() else 0)
    text = tmp_path / "bad.vcf"
    text.write_text("\n".join(header + body) + "\n")
    packed = tmp_path / "bad.vcf.gz"
    with packed.open("wb") as handle:
        subprocess.run(["bgzip", "-c", str(text)], stdout=handle, check=True)
    with open_vcf(packed) as reader:
        assert len(list(reader.locus_records())) == 6  # #15: the 0/3 record is kept
        assert reader.stats.region_method == "bgzf-bisection"
        skipped = reader.stats.skipped_examples
    example = next(e for e in skipped if e.reason.value == "malformed_qual")
    assert example.line is None and "fifty" in str(example) and "record 'chrX" in str(example)
