"""RENDERER FIXTURE: realistic :class:`ipexcli.result.Report` objects from the bundled examples.

These reports exist to test the renderers (terminal, TSV, JSON, VCF, HTML) before the real
pipeline (``ipexcli/annotate.py``) exists; they are NOT the output of that pipeline, and the
pipeline's own golden tests will replace nothing here. Everything is taken from real data:

* genotypes (raw GT, AD, DP, GQ), positions, REF/ALT and sample names are parsed from
  ``examples/trio.GRCh38.vcf.gz`` and ``examples/single.GRCh37.vcf``;
* REF is checked against the bundled locus sequence, exon/intron ranks and cDNA/CDS/protein
  positions are computed from the bundled NM_014009.4 model, protein features from its domains;
* known-variant facts (classification, review status, source, date, rsID, other-build allele)
  come from ``ipexcli.refdata.load().known``;
* the consequence terms and HGVS strings are those of the variant engine's specification for
  these alleles (c.1189C>T and c.1150G>A missense in exon 12, the two rs SNPs in intron 1).

Verdict wording and genotype-label names are placeholders for the inheritance helper's output.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ipexcli import refdata
from ipexcli.model import Build, Significance
from ipexcli.refdata import KnownVariant, Transcript
from ipexcli.result import (
    EvidenceCode,
    GenotypeResult,
    InputResult,
    KnownMatch,
    Report,
    SampleResult,
    SexResult,
    VariantResult,
    Verdict,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
TRIO_VCF = "examples/trio.GRCh38.vcf.gz"
TRIO_PED = "examples/trio.ped"
SINGLE_VCF = "examples/single.GRCh37.vcf"
#: fixed so that golden files do not change with the package version
FIXTURE_VERSION = "0.1.0"


@dataclass(frozen=True)
class _Record:
    contig: str
    pos: int
    rsid: str
    ref: str
    alt: str
    filters: tuple[str, ...]
    calls: dict[str, dict[str, str]]  #: sample -> FORMAT key -> value


def _read_vcf(relative: str) -> tuple[list[str], list[_Record]]:
    path = REPO / relative
    opener = gzip.open if path.suffix == ".gz" else open
    samples: list[str] = []
    records: list[_Record] = []
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith("##"):
                continue
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                samples = fields[9:]
                continue
            keys = fields[8].split(":")
            calls = {
                s: dict(zip(keys, v.split(":"), strict=True))
                for s, v in zip(samples, fields[9:], strict=True)
            }
            filters = () if fields[6] == "." else tuple(fields[6].split(";"))
            records.append(
                _Record(fields[0], int(fields[1]), fields[2], fields[3], fields[4], filters, calls)
            )
    return samples, records


def _ped_sexes(relative: str) -> dict[str, str]:
    codes = {"1": "male", "2": "female"}
    out = {}
    for line in (REPO / relative).read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split()
        out[fields[1]] = codes.get(fields[4], "unknown")
    return out


# -- annotation facts derived from the bundled transcript model -------------------------------


def _exon_or_intron(tx: Transcript, pos: int) -> tuple[str, str]:
    """("12/12", "") for an exonic 1-based ``pos``, ("", "1/11") for an intronic one."""
    n = len(tx.exons)
    for exon in tx.exons:
        if exon.start < pos <= exon.end:
            return f"{exon.number}/{n}", ""
    for upstream, downstream in zip(tx.exons, tx.exons[1:], strict=False):
        lower, upper = sorted((upstream, downstream), key=lambda e: e.start)
        if lower.end < pos <= upper.start:  # 1-based pos in the gap [lower.end, upper.start)
            return "", f"{upstream.number}/{n - 1}"
    raise AssertionError(f"{pos} is outside NM_014009.4")


def _coding_positions(tx: Transcript, c_pos: int) -> tuple[str, str, str]:
    """ANN-style "pos/length" for cDNA, CDS and protein of coding position c.``c_pos``."""
    cdna_len = len(tx.cdna)
    aa_len = len(tx.protein)
    return (
        f"{tx.cds_tx_start + c_pos - 1}/{cdna_len}",
        f"{c_pos}/{tx.cds_length}",
        f"{(c_pos + 2) // 3}/{aa_len}",
    )


def _feature(tx: Transcript, residue: int) -> str:
    names = [f.name for f in tx.features if f.contains(residue)]
    return "; ".join(names)


def _known_match(row: KnownVariant, match: str) -> KnownMatch:
    return KnownMatch(
        id=row.id,
        match=match,
        hgvs_c=row.hgvs_c,
        hgvs_p=row.hgvs_p,
        classification=row.classification,
        review_status=row.review_status,
        review_stars=row.review_stars,
        condition=row.condition,
        source=row.classification_source,
        date=row.classification_date,
        evidence_tier=row.evidence_tier,
        rsid=row.rsid,
        clinvar=row.clinvar,
    )


def _exact_row(build: Build, pos: int, ref: str, alt: str) -> KnownVariant:
    for row in refdata.load().known:
        allele = row.allele(build)
        if allele is not None and (allele.pos, allele.ref, allele.alt) == (pos, ref, alt):
            return row
    raise AssertionError(f"{build}:{pos}:{ref}:{alt} is not in the known-variant table")


_RESIDUE = re.compile(r"p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?$")


def _same_residue_rows(hgvs_p: str) -> list[KnownVariant]:
    """Pathogenic rows with a different missense change at the same residue (PM5-like)."""
    mine = _RESIDUE.search(hgvs_p)
    assert mine is not None
    out = []
    for row in refdata.load().known:
        other = _RESIDUE.search(row.hgvs_p)
        if (
            other
            and other.group(2) == mine.group(2)
            and other.group(3) != mine.group(3)
            and Significance.parse(row.classification).is_pathogenic
        ):
            out.append(row)
    return out


@dataclass(frozen=True)
class _Spec:
    """What the variant engine says about one allele (see the module docstring)."""

    hgvs_c: str
    consequence: str
    impact: str
    c_pos: int | None = None  #: coding position for exonic CDS changes


_SPECS = {
    "c.1189C>T": _Spec("c.1189C>T", "missense_variant", "MODERATE", 1189),
    "c.1150G>A": _Spec("c.1150G>A", "missense_variant", "MODERATE", 1150),
    "c.-22-902A>G": _Spec("c.-22-902A>G", "intron_variant", "MODIFIER"),
    "c.-23+2882A>C": _Spec("c.-23+2882A>C", "intron_variant", "MODIFIER"),
}


def _variant(build: Build, record: _Record, source: str) -> VariantResult:
    data = refdata.load()
    tx = data.transcript(build)
    locus = data.locus(build)
    assert locus.fetch(record.pos - 1, record.pos - 1 + len(record.ref)) == record.ref
    row = _exact_row(build, record.pos, record.ref, record.alt)
    spec = _SPECS[row.hgvs_c]
    exon, intron = _exon_or_intron(tx, record.pos)
    accession = data.assemblies[build].accessions["X"]
    hgvs_p = ""
    cdna = cds = aa = feature = ""
    known = [_known_match(row, "exact")]
    evidence: list[EvidenceCode] = []
    if spec.c_pos is not None:
        hgvs_p = f"{tx.protein_id}:p.({row.hgvs_p.removeprefix('p.')})"
        cdna, cds, aa = _coding_positions(tx, spec.c_pos)
        feature = _feature(tx, (spec.c_pos + 2) // 3)
        for other in _same_residue_rows(row.hgvs_p):
            known.append(_known_match(other, "same_residue"))
            evidence.append(
                EvidenceCode(
                    "PM5",
                    "moderate",
                    f"different missense change at the same residue is known "
                    f"{other.classification}: {other.id} {other.hgvs_c} {other.hgvs_p} "
                    f"({other.classification_source})",
                )
            )
    other_allele = row.allele(build.other)
    assert other_allele is not None
    other_build = (
        f"{build.other}:X:{other_allele.pos}:{other_allele.ref}:{other_allele.alt}"
    )
    return VariantResult(
        key=f"{build}:X:{record.pos}:{record.ref}:{record.alt}",
        build=str(build),
        chrom=record.contig,
        pos=record.pos,
        ref=record.ref,
        alt=record.alt,
        hgvs_g=f"{accession}:g.{record.pos}{record.ref}>{record.alt}",
        hgvs_c=f"{tx.id}:{spec.hgvs_c}",
        hgvs_p=hgvs_p,
        consequences=(spec.consequence,),
        impact=spec.impact,
        exon=exon,
        intron=intron,
        protein_feature=feature,
        cdna_pos=cdna,
        cds_pos=cds,
        aa_pos=aa,
        known=tuple(known),
        evidence=tuple(evidence),
        filters=record.filters,
        other_build=other_build,
        inputs=(source,),
    )


# -- genotypes, sex and verdicts (placeholders for the inheritance helper) --------------------

_LABEL_TEXT = {
    "hemizygous_alt": "hemizygous ALT",
    "hemizygous_ref": "hemizygous REF",
    "heterozygous": "heterozygous",
    "homozygous_alt": "homozygous ALT",
    "homozygous_ref": "homozygous REF",
}


def _genotype(variant: VariantResult, call: dict[str, str], sex: str) -> GenotypeResult:
    gt = call["GT"]
    alleles = re.split(r"[/|]", gt)
    alt_copies = sum(1 for a in alleles if a == "1")
    flags: tuple[str, ...] = ()
    if sex == "male":
        label = "hemizygous_alt" if alt_copies else "hemizygous_ref"
        if len(alleles) == 2 and alt_copies == 2:
            flags = ("diploid_gt_in_male",)
    elif alt_copies == 0:
        label = "homozygous_ref"
    else:
        label = "heterozygous" if alt_copies == 1 else "homozygous_alt"
    ref_depth, alt_depth = (int(x) for x in call["AD"].split(","))
    total = ref_depth + alt_depth
    return GenotypeResult(
        variant_key=variant.key,
        raw_gt=gt,
        label=label,
        label_text=_LABEL_TEXT[label],
        allele_balance=round(alt_depth / total, 3) if total else None,
        depth=int(call["DP"]),
        genotype_quality=int(call["GQ"]),
        flags=flags,
    )


def _sex_evidence(calls: list[dict[str, str]]) -> dict[str, int | str]:
    gts = [c["GT"] for c in calls]
    return {
        "x_sites_called": len(gts),
        "haploid_calls": sum(1 for g in gts if len(re.split(r"[/|]", g)) == 1),
        "heterozygous_calls": sum(1 for g in gts if len(set(re.split(r"[/|]", g))) == 2),
        "note": "too few chrX sites to infer sex",
    }


def _verdict(variants: list[VariantResult], genotypes: list[GenotypeResult], sex: str) -> Verdict:
    by_key = {v.key: v for v in variants}
    pathogenic = [
        (by_key[g.variant_key], g)
        for g in genotypes
        if g.label != "hemizygous_ref" and g.label != "homozygous_ref"
        and any(
            k.match == "exact" and Significance.parse(k.classification).is_pathogenic
            for k in by_key[g.variant_key].known
        )
    ]
    if not pathogenic:
        return Verdict(
            "no_reportable_variant",
            "No known pathogenic or protein-altering FOXP3 variant found.",
            reasons=tuple(
                f"{by_key[g.variant_key].hgvs_c} {g.label_text} (GT {g.raw_gt}): "
                f"{by_key[g.variant_key].consequences[0]}, no formal classification"
                for g in genotypes
                if g.label not in ("hemizygous_ref", "homozygous_ref")
            ),
        )
    variant, genotype = pathogenic[0]
    exact = next(k for k in variant.known if k.match == "exact")
    why = (
        f"{variant.hgvs_c} {variant.hgvs_p.split(':')[-1]} {genotype.label_text} "
        f"(GT {genotype.raw_gt}); known {exact.classification} ({exact.source}, {exact.date})"
    )
    if sex == "male":
        return Verdict(
            "consistent_with_ipex",
            "Hemizygous for a known pathogenic FOXP3 variant: consistent with X-linked IPEX.",
            reasons=(why,),
        )
    return Verdict(
        "carrier",
        "Heterozygous carrier of a known pathogenic FOXP3 variant (X-linked recessive).",
        reasons=(why,),
    )


def _refdata_summary() -> dict[str, object]:
    data = refdata.load()
    manifest = json.loads((Path(data.root) / "MANIFEST.json").read_text())
    tx = data.transcript(Build.GRCH38)
    return {
        "version": data.version,
        "transcript": tx.id,
        "protein": tx.protein_id,
        "known_variants": {
            "rows": len(data.known),
            "active_table": data.known_origin,
            "snapshot": manifest["known_variants"]["snapshot"],
        },
    }


def _build_input(
    relative: str,
    build: Build,
    file_format: str,
    build_method: str,
    region_method: str,
    declared: dict[str, str],
    declared_source: str,
    family: dict[str, tuple[str, ...]] | None = None,
) -> tuple[InputResult, list[VariantResult], list[SampleResult]]:
    samples, records = _read_vcf(relative)
    variants = [_variant(build, r, relative) for r in records]
    contig = records[0].contig
    results = []
    for sample in samples:
        sex = declared.get(sample, "unknown")
        calls = [r.calls[sample] for r in records]
        genotypes = [_genotype(v, c, sex) for v, c in zip(variants, calls, strict=True)]
        results.append(
            SampleResult(
                id=sample,
                input=relative,
                sex=SexResult(
                    declared=sex,
                    declared_source=declared_source,
                    inferred="insufficient_data",
                    used=sex,
                    evidence=_sex_evidence(calls),
                ),
                genotypes=tuple(genotypes),
                verdicts=(_verdict(variants, genotypes, sex),),
                family=(family or {}).get(sample, ()),
            )
        )
    length = refdata.load().assemblies[build].lengths["X"]
    info = InputResult(
        path=relative,
        file_format=file_format,
        build=str(build),
        build_method=build_method.format(contig=contig, length=length),
        contig=contig,
        region_method=region_method,
        records_read=len(records),
        records_in_region=len(records),
        samples=tuple(samples),
        coverage_note="variant-only VCF: a position without a record is not evidence of REF",
    )
    return info, variants, results


def _trio_parts() -> tuple[InputResult, list[VariantResult], list[SampleResult]]:
    return _build_input(
        TRIO_VCF,
        Build.GRCH38,
        "vcf.gz (bgzip, tabix index)",
        "##contig {contig} length {length} is GRCh38 (##reference=GRCh38 agrees)",
        "tabix index: fetched the FOXP3 locus only",
        _ped_sexes(TRIO_PED),
        f"PED {TRIO_PED}",
        family={
            "proband": (
                "NM_014009.4:c.1189C>T: maternally inherited (mother heterozygous, father REF)",
            ),
        },
    )


def _single_parts() -> tuple[InputResult, list[VariantResult], list[SampleResult]]:
    return _build_input(
        SINGLE_VCF,
        Build.GRCH37,
        "vcf (plain text)",
        "##contig {contig} length {length} is GRCh37 (##reference=GRCh37 agrees)",
        "full scan (no index)",
        {"patient2": "male"},
        "--sex",
    )


def _report(*parts: tuple[InputResult, list[VariantResult], list[SampleResult]]) -> Report:
    return Report(
        ipexcli_version=FIXTURE_VERSION,
        refdata=_refdata_summary(),
        inputs=tuple(p[0] for p in parts),
        variants=tuple(v for p in parts for v in p[1]),
        samples=tuple(s for p in parts for s in p[2]),
    )


def trio_report() -> Report:
    """``examples/trio.GRCh38.vcf.gz`` with ``examples/trio.ped`` (renderer fixture)."""
    return _report(_trio_parts())


def single_report() -> Report:
    """``examples/single.GRCh37.vcf`` with ``--sex patient2=male`` (renderer fixture)."""
    return _report(_single_parts())


def both_report() -> Report:
    """Both examples in one run: two inputs, two builds (renderer fixture)."""
    return _report(_trio_parts(), _single_parts())


FIXTURES = {"trio": trio_report, "single": single_report}
