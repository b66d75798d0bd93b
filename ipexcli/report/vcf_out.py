"""Annotated VCF rendering (plain text; no pysam): one record per annotated allele.

The records are written from the :class:`~ipexcli.result.Report` (normalised, split alleles):
``CHROM`` as in the input, ``POS``/``REF``/``ALT`` of the left-aligned allele, ``ID`` the rsID of
an exact known-table match, ``FILTER`` as read, and per sample ``GT`` (the split genotype) with
``IPEX_GL``, the X-linked genotype label. bgzip + index for ``-o x.vcf.gz`` is the caller's job
(:mod:`ipexcli.vcf`).

``INFO/IPEX_ANN`` uses the 16-field ``ANN`` layout of the VCF annotation format v1.0. Its header
Description serves two kinds of readers: ANN parsers take the quoted SnpEff-style field list, and
``bcftools +split-vep -a IPEX_ANN`` takes the list after ``Format: ``; split-vep requires a field
named ``Consequence`` (the ANN ``Annotation`` field) and tag-safe names, so that second list uses
the names split-vep itself derives from the ANN names (``cDNA.pos_cDNA.length``...).

Values are escaped as the ANN spec and VCF 4.3 ask: ``%``, ``,``, ``;``, ``=``, ``|`` are
percent-encoded (``p.(Arg397=)`` -> ``p.(Arg397%3D)``) and whitespace becomes ``_``.
"""

from __future__ import annotations

import re

from ipexcli.errors import UsageError
from ipexcli.result import (
    GenotypeResult,
    InputResult,
    Report,
    SampleResult,
    VariantResult,
    bare_hgvs,
)

#: the 16 ANN fields, as named by the VCF annotation format v1.0
ANN_FIELDS: tuple[str, ...] = (
    "Allele",
    "Annotation",
    "Annotation_Impact",
    "Gene_Name",
    "Gene_ID",
    "Feature_Type",
    "Feature_ID",
    "Transcript_BioType",
    "Rank",
    "HGVS.c",
    "HGVS.p",
    "cDNA.pos / cDNA.length",
    "CDS.pos / CDS.length",
    "AA.pos / AA.length",
    "Distance",
    "ERRORS / WARNINGS / INFO",
)

#: the same fields as ``bcftools +split-vep -l`` lists them (``-f '%Consequence'`` etc.)
SPLIT_VEP_FIELDS: tuple[str, ...] = tuple(
    "Consequence" if name == "Annotation" else re.sub(r"[^A-Za-z0-9_.]+", "_", name)
    for name in ANN_FIELDS
)

ANN_DESCRIPTION = (
    "Functional annotations on NM_014009.4 in the ANN layout: '"
    + " | ".join(ANN_FIELDS)
    + "'. Format: "
    + "|".join(SPLIT_VEP_FIELDS)
)

_ESCAPES = {"%": "%25", ",": "%2C", ";": "%3B", "=": "%3D", "|": "%7C"}
_ESCAPE_RE = re.compile(r"[%,;=|]")
_SPACE_RE = re.compile(r"\s+")


def escape(value: object) -> str:
    """One INFO/ANN sub-field value: ``%,;=|`` percent-encoded, whitespace runs to ``_``.

    >>> escape("p.(Arg397=)")
    'p.(Arg397%3D)'
    >>> escape("criteria provided, multiple submitters")
    'criteria_provided%2C_multiple_submitters'
    """
    text = "" if value is None else str(value)
    text = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)
    return _SPACE_RE.sub("_", text)


_bare = bare_hgvs  # the accession is in Feature_ID


def ann_value(variant: VariantResult, gene: str, gene_id: str, transcript: str,
              biotype: str) -> str:
    """The IPEX_ANN entry of ``variant`` on the one transcript (16 ``|``-separated fields)."""
    fields = (
        variant.alt,
        "&".join(variant.consequences),
        variant.impact,
        gene,
        gene_id,
        "transcript",
        transcript,
        biotype,
        variant.exon or variant.intron,
        _bare(variant.hgvs_c),
        _bare(variant.hgvs_p),
        variant.cdna_pos,
        variant.cds_pos,
        variant.aa_pos,
        "" if variant.distance is None else str(variant.distance),
        "&".join(variant.flags),
    )
    return "|".join(escape(f) for f in fields)


_HEADER_INFO = (
    ("IPEX_ANN", ".", "String", ANN_DESCRIPTION),
    ("IPEX_CLNSIG", "1", "String",
     "Classification of the exact match in the bundled known-variant table "
     "(ClinVar/UniProt wording; absent when not in the table or not classified)"),
    ("IPEX_KNOWN", ".", "String",
     "Known-variant table rows related to this allele. "
     "Format: ID|Match|Classification|Review_status|Review_stars|Source|Date|rsID"),
    ("IPEX_EVIDENCE", ".", "String",
     "Automated ACMG/AMP evidence codes (computed, not a classification). "
     "Format: Code|Strength"),
    ("IPEX_FLAGS", ".", "String", "ipexcli variant flags"),
    ("IPEX_OTHER_BUILD", "1", "String",
     "The same allele in the other genome build, BUILD:CHROM:POS:REF:ALT"),
)


def _input(report: Report, input_path: str | None) -> InputResult:
    if input_path is None:
        if len(report.inputs) != 1:
            raise UsageError(
                f"VCF output takes one input file at a time, this run has {len(report.inputs)}",
                "Run ipex annotate once per VCF with --format vcf",
            )
        return report.inputs[0]
    for item in report.inputs:
        if item.path == input_path:
            return item
    raise KeyError(input_path)


def _known_entries(variant: VariantResult) -> list[str]:
    return [
        "|".join(
            escape(v)
            for v in (
                k.id, k.match, k.classification, k.review_status,
                "" if k.review_stars is None else k.review_stars, k.source, k.date, k.rsid,
            )
        )
        for k in variant.known
    ]


def _info(variant: VariantResult, ann: str) -> str:
    parts = [f"IPEX_ANN={ann}"]
    exact = next((k for k in variant.known if k.match == "exact"), None)
    if exact is not None and exact.classification:
        parts.append(f"IPEX_CLNSIG={escape(exact.classification)}")
    if variant.known:
        parts.append("IPEX_KNOWN=" + ",".join(_known_entries(variant)))
    if variant.evidence:
        parts.append(
            "IPEX_EVIDENCE="
            + ",".join(f"{escape(e.code)}|{escape(e.strength)}" for e in variant.evidence)
        )
    if variant.flags:
        parts.append("IPEX_FLAGS=" + ",".join(escape(f) for f in variant.flags))
    if variant.other_build:
        parts.append(f"IPEX_OTHER_BUILD={escape(variant.other_build)}")
    return ";".join(parts)


_GT_RE = re.compile(r"^(\.|\d+)([/|](\.|\d+))*$")


def _gt(genotype: GenotypeResult | None) -> str:
    """The GT of a split single-ALT record; an allele index above 1 cannot occur there."""
    if genotype is None:
        return "."
    gt = genotype.split_gt or genotype.raw_gt
    if not _GT_RE.match(gt):
        return "."
    return re.sub(r"\d+", lambda m: m.group(0) if int(m.group(0)) <= 1 else ".", gt)


def _sample_field(genotype: GenotypeResult | None, with_dp: bool, with_gq: bool) -> str:
    values = [_gt(genotype), escape(genotype.label) if genotype and genotype.label else "."]
    if with_dp:
        values.append("." if genotype is None or genotype.depth is None else str(genotype.depth))
    if with_gq:
        quality = None if genotype is None else genotype.genotype_quality
        values.append("." if quality is None else str(quality))
    return ":".join(values)


def render(report: Report, input_path: str | None = None) -> str:
    """The annotated VCF of one input (the only one unless ``input_path`` names it)."""
    from ipexcli import refdata
    from ipexcli.model import Build

    item = _input(report, input_path)
    if not item.build:  # no header hint and no record to place: nothing to say which build
        from ipexcli.errors import BuildMismatchError

        raise BuildMismatchError(
            f"{item.path}: cannot write an annotated VCF: the genome build is unknown (the "
            "header names none and no record lies in a FOXP3 window)",
            "Give --build GRCh38 or --build GRCh37",
        )
    build = Build.parse(item.build)
    data = refdata.load()
    tx = data.transcript(build)
    by_id = {s.id: s for s in report.samples if s.input == item.path}
    samples: list[SampleResult] = [by_id[name] for name in item.samples if name in by_id]
    placed = {s.id for s in samples}  # by id: comparing whole results is O(n^2) deep ==
    samples += [s for s in by_id.values() if s.id not in placed]
    variants = sorted(
        (v for v in report.variants
         if item.path in v.inputs or (not v.inputs and v.build == item.build)),
        key=lambda v: (v.pos, v.ref, v.alt),
    )
    genotypes = [g for s in samples for g in s.genotypes]
    with_dp = any(g.depth is not None for g in genotypes)
    with_gq = any(g.genotype_quality is not None for g in genotypes)
    filters = sorted({f for v in variants for f in v.filters if f != "PASS"})

    lines = [
        "##fileformat=VCFv4.2",
        f"##source=ipexcli {report.ipexcli_version}",
        f"##ipexcli_refdata={report.refdata.get('version', '')}",
        f"##ipexcli_input={escape(item.path)}",
        f"##reference={build}",
        *(  # no chrX contig in the input's header and no record: no contig line (ID= empty)
            [f"##contig=<ID={item.contig},length={data.assemblies[build].lengths['X']},"
             f"assembly={build}>"] if item.contig else []
        ),
        '##FILTER=<ID=PASS,Description="All filters passed">',
        *(f'##FILTER=<ID={f},Description="Filter from the input VCF">' for f in filters),
        *(
            f'##INFO=<ID={key},Number={number},Type={kind},Description="{text}">'
            for key, number, kind, text in _HEADER_INFO
        ),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (of this split record)">',
        '##FORMAT=<ID=IPEX_GL,Number=1,Type=String,Description="X-linked genotype label '
        '(sex-aware, e.g. hemizygous_alt, heterozygous)">',
    ]
    if with_dp:
        lines.append('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">')
    if with_gq:
        lines.append('##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">')
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if samples:
        columns += ["FORMAT", *(s.id for s in samples)]
    lines.append("\t".join(columns))
    format_keys = ":".join(["GT", "IPEX_GL"] + (["DP"] if with_dp else [])
                           + (["GQ"] if with_gq else []))
    for variant in variants:
        if not variant.ref or not variant.alt:
            raise ValueError(f"{variant.key}: VCF output needs anchored alleles (REF and ALT)")
        exact = next((k for k in variant.known if k.match == "exact"), None)
        ann = ann_value(variant, tx.gene, tx.gene_id, tx.id, tx.biotype)
        row = [
            variant.chrom,
            str(variant.pos),
            exact.rsid if exact is not None and exact.rsid else ".",
            variant.ref,
            variant.alt,
            ".",
            ";".join(variant.filters) if variant.filters else ".",
            _info(variant, ann),
        ]
        if samples:
            row.append(format_keys)
            for sample in samples:
                genotype = next(
                    (g for g in sample.genotypes if g.variant_key == variant.key), None
                )
                row.append(_sample_field(genotype, with_dp, with_gq))
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"
