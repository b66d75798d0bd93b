"""The bundled reference data: independent re-checks of its biology, and `ipex refdata`.

The splice/translate/REF checks below read the bundled files with plain Python (not through
ipexcli.refdata), so they test the data itself, not only the loader.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build
from ipexcli.sequtils import CODON_TABLE, reverse_complement

DATA = Path(__file__).resolve().parents[1] / "refdata"

LOCUS = {
    "GRCh38": ("FOXP3_GRCh38_chrX_49248436-49269825.fa", 49248436),
    "GRCh37": ("FOXP3_GRCh37_chrX_49104897-49126288.fa", 49104897),
}


def fasta(name: str) -> str:
    lines = (DATA / name).read_text().splitlines()
    assert lines[0].startswith(">")
    return "".join(lines[1:])


def rows(name: str) -> list[dict[str, str]]:
    lines = [x for x in (DATA / name).read_text().splitlines() if not x.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def chrx(build: str, pos_start: int, pos_end: int) -> str:
    """Bases of chrX pos_start..pos_end (1-based inclusive) from the bundled slice."""
    name, first = LOCUS[build]
    return fasta(name)[pos_start - first : pos_end - first + 1]


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_exons_splice_to_nm_014009_4_and_cds_translates_to_431_aa(build: str) -> None:
    exons = rows("FOXP3_NM_014009.4_exons.tsv")
    key = build.lower()
    assert [int(e["exon"]) for e in exons] == list(range(1, 13))
    # minus strand: each exon is the reverse complement of its + strand slice
    spliced = "".join(
        reverse_complement(chrx(build, int(e[f"{key}_start"]), int(e[f"{key}_end"])))
        for e in exons
    )
    cdna = fasta("NM_014009.4.cdna.fa")
    assert len(cdna) == 2264
    assert spliced == cdna
    cds = cdna[72:1368]  # c.1..c.1296 = n.73..n.1368, stop codon included
    assert len(cds) == 1296 and cds[:3] == "ATG" and cds[-3:] == "TGA"
    protein = "".join(CODON_TABLE[cds[i : i + 3]] for i in range(0, len(cds), 3))
    expected = fasta("NP_054728.2.prot.fa")
    assert len(expected) == 431
    assert protein == expected + "*"


def test_every_known_variant_ref_matches_both_builds() -> None:
    table = rows("known_variants.tsv")
    assert len(table) == 30
    checked = 0
    for row in table:
        for build in ("GRCh38", "GRCh37"):
            pos, ref = row[f"{build.lower()}_pos"], row[f"{build.lower()}_ref"]
            if not pos:
                continue
            assert chrx(build, int(pos), int(pos) + len(ref) - 1) == ref, (row["id"], build)
            checked += 1
    # 29 of 30 rows are placed in both builds; p.(Thr428fs) has no nucleotide change
    assert checked == 58
    assert [r["hgvs_p"] for r in table if not r["grch38_pos"]] == ["p.(Thr428fs)"]


def test_known_variant_c1189_is_the_real_clinvar_record() -> None:
    row = next(r for r in rows("known_variants.tsv") if r["hgvs_c"] == "c.1189C>T")
    assert (row["grch38_pos"], row["grch38_ref"], row["grch38_alt"]) == ("49251441", "G", "A")
    assert (row["grch37_pos"], row["grch37_ref"], row["grch37_alt"]) == ("49107902", "G", "A")
    assert row["classification"] == "Pathogenic" and row["classification_date"] == "2021-12-03"
    assert row["classification_date_kind"] == "last_evaluated"
    assert (row["review_status"], row["review_stars"]) == (
        "criteria provided, multiple submitters, no conflicts", "2"
    )


def test_only_clinvar_germline_rows_carry_a_classification() -> None:
    """#12, table v2: humsavar/literature/association rows are not classifications."""
    table = rows("known_variants.tsv")
    kinds = {}
    for row in table:
        kinds[row["assertion_type"]] = kinds.get(row["assertion_type"], 0) + 1
        assert bool(row["classification"]) == (row["assertion_type"] == "clinvar_germline")
        if row["classification_date"]:
            assert row["classification_date_kind"] in (
                "last_evaluated", "clinvar_release", "retrieved", "database_release"
            ), row["id"]
        if row["review_stars"]:
            assert row["review_status"], row["id"]
    # NOTES.md, "Known-variant table, version 2"
    assert kinds == {"clinvar_germline": 13, "literature_case_report": 10,
                     "uniprot_humsavar": 4, "association_study": 3}
    humsavar = [r for r in table if r["assertion_type"] == "uniprot_humsavar"]
    assert {r["humsavar_category"] for r in humsavar} == {"LP/P"}
    # the three software-test fixture rows of v1 are gone
    assert not {"c.757C>A", "c.616_618del", "c.654C>T"} & {r["hgvs_c"] for r in table}


def test_rs3761548_carries_its_grch38_name() -> None:
    (row,) = [r for r in rows("known_variants.tsv") if r["rsid"] == "rs3761548"]
    assert row["hgvs_c"] == "c.-23+2882A>C" and row["hgvs_c_grch38"] == "c.-23+2877C>A"
    assert "opposite" in row["allele_note"] or "different alleles" in row["allele_note"]


def test_every_classification_names_its_source_and_date() -> None:
    for row in rows("known_variants.tsv"):
        if row["classification"]:
            assert row["classification_source"] and row["classification_date"], row["id"]


def test_build_offset_is_not_constant_across_the_gene() -> None:
    data = refdata.load()
    g38, g37 = data.transcript(Build.GRCH38).exons, data.transcript(Build.GRCH37).exons
    offsets = [a.start - b.start for a, b in zip(g38, g37, strict=True)]
    assert offsets == [143538] + [143543] * 5 + [143539] * 6


def test_loaded_model_matches_the_files() -> None:
    data = refdata.load()
    tx = data.transcript(Build.GRCH38)
    assert (tx.id, tx.protein_id, tx.strand) == ("NM_014009.4", "NP_054728.2", -1)
    assert len(tx.protein) == 431
    # start codon GRCh38 49258503-49258505 (locus facts); CDS end is 0-based half-open
    assert tx.cds_end == 49258505 and tx.cds_start == 49251333
    assert data.locus(Build.GRCH38).fetch(tx.cds_end - 3, tx.cds_end) == reverse_complement("ATG")
    assert {f.kind: (f.aa_start, f.aa_end) for f in tx.features} == {
        "zinc_finger": (197, 222),
        "forkhead_domain": (337, 423),
        "propeptide": (418, 431),
    }
    assert data.locus(Build.GRCH37).base(49107902) == "G"


@pytest.mark.parametrize(
    ("build", "pos", "expected"),
    [
        (Build.GRCH38, 10000, False),
        (Build.GRCH38, 10001, True),
        (Build.GRCH38, 2781479, True),
        (Build.GRCH38, 2781480, False),
        (Build.GRCH38, 49251441, False),
        (Build.GRCH38, 155701383, True),
        (Build.GRCH37, 60000, False),
        (Build.GRCH37, 60001, True),
        (Build.GRCH37, 2699520, True),
        (Build.GRCH37, 2699521, False),
        (Build.GRCH37, 155260560, True),
        (Build.GRCH37, 155260561, False),
    ],
)
def test_par_boundaries_are_1_based_inclusive(build: Build, pos: int, expected: bool) -> None:
    assert refdata.load().assemblies[build].in_par("X", pos) is expected


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("chrX", "X"), ("X", "X"), ("NC_000023.11", "X"), ("NC_000023.10", "X"), ("23", "X"),
     ("chrY", "Y"), ("Y", "Y"), ("NC_000024.10", "Y"), ("NC_000024.9", "Y"), ("24", "Y"),
     ("chrx", "X"), ("chr1", None), ("MT", None)],
)
def test_contig_aliases(name: str, canonical: str | None) -> None:
    assert refdata.canonical_chrom(name) == canonical


def test_verify_passes_on_the_bundled_data(ipex) -> None:
    result = ipex("refdata", "verify")
    assert result.exit_code == 0, result.stderr
    assert "all 21 checks passed" in result.stdout


def test_verify_names_the_file_when_one_byte_is_corrupted(ipex, tmp_path: Path) -> None:
    copy = tmp_path / "refdata"
    shutil.copytree(DATA, copy)
    target = copy / "FOXP3_GRCh37_chrX_49104897-49126288.fa"
    content = bytearray(target.read_bytes())
    content[500] = ord("A") if content[500] != ord("A") else ord("C")
    target.write_bytes(bytes(content))
    result = ipex("refdata", "verify", "--data-dir", str(copy))
    assert result.exit_code == 1
    assert "FAIL sha256 FOXP3_GRCh37_chrX_49104897-49126288.fa" in result.stdout
    assert result.stderr.startswith("error: 1 of 15 reference-data checks failed")
    assert "Traceback" not in result.stderr


def test_verify_catches_an_inconsistent_rebuild(tmp_path: Path) -> None:
    """A wrong base with a *matching* checksum is still caught by the biology checks."""
    copy = tmp_path / "refdata"
    shutil.copytree(DATA, copy)
    known = copy / "known_variants.tsv"
    known.write_text(known.read_text().replace("\t49251441\tG\tA\t", "\t49251441\tC\tA\t", 1))
    manifest = json.loads((copy / "MANIFEST.json").read_text())
    for entry in manifest["files"]:
        if entry["file"] == "known_variants.tsv":
            entry["sha256"] = refdata.sha256_file(known)
    (copy / "MANIFEST.json").write_text(json.dumps(manifest))
    failed = [c for c in refdata.verify(copy) if not c.ok]
    assert [c.name for c in failed] == ["known-variant REF alleles match the bundled sequence"]
    assert "KV01 GRCh38: REF C != bundled G" in failed[0].detail


def test_info_lists_every_bundled_file_with_source_and_sha256(ipex) -> None:
    result = ipex("refdata", "info", "--format", "json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    files = {f["file"]: f for f in info["files"]}
    on_disk = {p.name for p in DATA.iterdir() if p.name not in ("MANIFEST.json", "build.py")}
    assert set(files) == on_disk
    for name, entry in files.items():
        assert entry["source"] and entry["version"]
        assert entry["sha256"] == refdata.sha256_file(DATA / name)
    known = info["known_variants"]
    assert (known["rows"], known["active_table"], known["stale"]) == (30, "bundled", False)


def test_refdata_build_script_reproduces_the_bundled_files(
    tmp_path: Path, shared_dir: Path
) -> None:
    """refdata/build.py rebuilds byte-identical data from ../shared/refdata-sources (the
    known-variant table from FOXP3_known_variants_v2.tsv, #12)."""
    import subprocess
    import sys

    work = tmp_path / "refdata"
    work.mkdir()
    shutil.copy(DATA / "build.py", work / "build.py")
    subprocess.run(
        [sys.executable, str(work / "build.py"), str(shared_dir / "refdata-sources")],
        check=True, capture_output=True,
    )
    for path in DATA.iterdir():
        if path.name != "build.py":
            assert (work / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_version_1_installed_table_is_read_by_its_sources() -> None:
    """An older installed update has no assertion_type column: a ClinVar snapshot is a
    classification, a UniProt humsavar category is not, anything else is literature (#12)."""
    base = {column: "" for column in rows("known_variants.tsv")[0]}
    del base["assertion_type"]
    v1 = [
        dict(base, id="A", classification="Pathogenic",
             classification_source="ClinVar (2016-09 release)"),
        dict(base, id="B", classification="Likely pathogenic/Pathogenic",
             classification_source="UniProt humsavar (release 2026_03)"),
        dict(base, id="C"),
    ]
    parsed = refdata.parse_known_rows(v1)
    assert [(k.assertion_type, k.is_classification) for k in parsed] == [
        ("clinvar_germline", True), ("uniprot_humsavar", False),
        ("literature_case_report", False),
    ]
