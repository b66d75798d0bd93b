"""TSV rendering: one row per sample x variant, with stable, documented column names.

Layout (documented in ``docs/formats.md``):

* line 1: ``#ipexcli_version=... refdata_version=... schema_version=... transcript=...``, ending
  with ``evidence=automated_ACMG/AMP_codes_(code:strength),_not_a_classification`` (#12);
* line 2: the column names (:data:`COLUMNS`), then one row per genotype of each sample, in
  sample then variant order: every variant of the sample's input, REF genotypes included, when
  the header says ``genotypes=all``; with ``genotypes=non_ref`` (``--genotypes``, cohorts) the
  plain REF genotypes that change no verdict or flag are left out;
* a sample with no variant at all still gets one row, with the variant columns empty, so that
  every sample and its verdict appear;
* empty cell = not applicable; lists are joined with ``,`` (consequences with ``&`` as in ANN);
  tabs and newlines inside values become spaces;
* ``input_id``, ``input_pos``, ``input_ref``, ``input_alt``, ``alt_index``, ``filter``,
  ``qual`` (and ``input_line``) are the input record the genotype was read from, as written
  (``.`` for a ``.`` ID/FILTER/QUAL), so that a row joins back to the VCF; ``pos``/``ref``/
  ``alt`` are the normalised allele that was annotated.

:func:`write` streams the rows to a handle (a cohort's table is never held whole in memory).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from ipexcli.result import (
    GenotypeResult,
    InputRecord,
    KnownMatch,
    Report,
    SampleResult,
    VariantResult,
)

#: the TSV columns, in order; renaming or removing one is a schema major-version change
COLUMNS: tuple[str, ...] = (
    "sample",
    "input",
    "sex_used",
    "sex_declared",
    "sex_declared_source",
    "sex_inferred",
    "verdict",
    "build",
    "chrom",
    "pos",
    "ref",
    "alt",
    "hgvs_g",
    "hgvs_c",
    "hgvs_p",
    "consequence",
    "impact",
    "exon",
    "intron",
    "protein_feature",
    "gt",
    "genotype",
    "allele_balance",
    "depth",
    "gq",
    "genotype_flags",
    "known_id",
    "known_classification",
    "known_review_status",
    "known_review_stars",
    "known_source",
    "known_date",
    "related_known",
    "evidence",
    "variant_flags",
    "filter",
    "other_build",
    # the input record of the row (#13), as written
    "input_id",
    "input_pos",
    "input_ref",
    "input_alt",
    "alt_index",
    "qual",
    "input_line",
)

#: the columns that come from the genotype's input record (the last ones)
_RECORD_COLUMNS = 7


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if "\t" in text or "\r" in text or "\n" in text:
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


def exact_match(variant: VariantResult) -> KnownMatch | None:
    """The known-table row that is this very allele, if any."""
    return next((k for k in variant.known if k.match == "exact"), None)


def verdict_cell(sample: SampleResult) -> str:
    """``category`` or, with one verdict per assumed sex, ``male:cat;female:cat``."""
    if len(sample.verdicts) == 1 and not sample.verdicts[0].assumed_sex:
        return sample.verdicts[0].category
    return ";".join(
        f"{v.assumed_sex}:{v.category}" if v.assumed_sex else v.category for v in sample.verdicts
    )


def _sample_cells(sample: SampleResult) -> list[object]:
    return [sample.id, *_sample_rest(sample)]


def _sample_rest(sample: SampleResult) -> tuple[str, ...]:
    """The sample's cells after its name (alike for many samples of a cohort)."""
    sex = sample.sex
    return (sample.input, sex.used, sex.declared, sex.declared_source, sex.inferred,
            verdict_cell(sample))


def _variant_cells(variant: VariantResult) -> tuple[list[str], list[str]]:
    """The variant's cells before and after the genotype's, ready to join."""
    exact = exact_match(variant)
    related = [f"{k.id}:{k.match}:{k.classification or 'no classification'}"
               for k in variant.known if k is not exact]
    before = [
        variant.build,
        variant.chrom,
        variant.pos,
        variant.ref,
        variant.alt,
        variant.hgvs_g,
        variant.hgvs_c,
        variant.hgvs_p,
        "&".join(variant.consequences),
        variant.impact,
        variant.exon,
        variant.intron,
        variant.protein_feature,
    ]
    after = [
        exact.id if exact else "",
        exact.classification if exact else "",
        exact.review_status if exact else "",
        exact.review_stars if exact else "",
        exact.source if exact else "",
        exact.date if exact else "",
        ",".join(related),
        # #12: each code with its applied strength, e.g. PVS1:very_strong,PM2_Supporting:supporting
        ",".join(f"{e.code}:{e.strength}" for e in variant.evidence),
        ",".join(variant.flags),
    ]
    return [_cell(c) for c in before], [_cell(c) for c in after]


def _record_cells(record: InputRecord | None, variant: VariantResult) -> tuple[str, list[str]]:
    """The row's FILTER cell, and its input-record cells (after ``other_build``)."""
    if record is None:  # a report built without records: the variant's first FILTER
        return (";".join(variant.filters) if variant.filters else "."), [""] * _RECORD_COLUMNS
    qual = record.qual
    return record.filter or ".", [
        _cell(record.id or "."),
        str(record.pos),
        _cell(record.ref),
        _cell(record.alt),
        str(record.alt_index),
        "." if qual is None else f"{qual:g}",
        "" if record.line is None else str(record.line),
    ]


def _genotype_cells(genotype: GenotypeResult) -> list[str]:
    # label and flags are our own codes, depth and GQ integers: only the GT comes from the input
    depth, quality = genotype.depth, genotype.genotype_quality
    return [
        _cell(genotype.raw_gt),
        genotype.label,
        "" if genotype.allele_balance is None else f"{genotype.allele_balance:.3f}",
        "" if depth is None else str(depth),
        "" if quality is None else str(quality),
        ",".join(genotype.flags),
    ]


def rows(report: Report) -> Iterator[list[str]]:
    """The data rows (without the header lines), as lists of cells."""
    variants = {v.key: v for v in report.variants}
    cells: dict[str, tuple[list[str], list[str]]] = {}  # per variant, built once
    tails: dict[int, list[str]] = {}  # per input record: filter, other_build, record cells
    empty_variant = [""] * (len(COLUMNS) - 7)
    for sample in report.samples:
        head = [_cell(c) for c in _sample_cells(sample)]
        if not sample.genotypes:
            yield head + empty_variant
            continue
        for genotype in sample.genotypes:
            key = genotype.variant_key
            variant_cells = cells.get(key)
            if variant_cells is None:
                variant_cells = cells[key] = _variant_cells(variants[key])
            before, after = variant_cells
            record = genotype.record
            tail = tails.get(id(record)) if record is not None else None
            if tail is None:
                variant = variants[key]
                filter_cell, record_cells = _record_cells(record, variant)
                tail = [_cell(filter_cell), _cell(variant.other_build), *record_cells]
                if record is not None:
                    tails[id(record)] = tail
            yield head + before + _genotype_cells(genotype) + after + tail


def _lines(report: Report) -> Iterator[str]:
    """``"\t".join(row)`` of every row of :func:`rows`, built from joined parts (#14): the
    sample's cells once per sample, a variant's, a genotype's and an input record's once per
    object, so a cohort row is five strings joined, not forty cells."""
    variants = {v.key: v for v in report.variants}
    cells: dict[str, tuple[str, str]] = {}
    tails: dict[int | str, tuple[str, object]] = {}
    genotypes: dict[int, tuple[str, GenotypeResult]] = {}
    empty_variant = "\t".join([""] * (len(COLUMNS) - 7))
    heads: dict[tuple[str, ...], str] = {}  # the cells after the sample's name, per kind
    for sample in report.samples:
        head_key = _sample_rest(sample)
        rest = heads.get(head_key)
        if rest is None:
            rest = heads[head_key] = "\t".join([_cell(c) for c in head_key])
        head = f"{_cell(sample.id)}\t{rest}"
        if not sample.genotypes:
            yield f"{head}\t{empty_variant}"
            continue
        for genotype in sample.genotypes:
            key = genotype.variant_key
            variant_cells = cells.get(key)
            if variant_cells is None:
                before, after = _variant_cells(variants[key])
                variant_cells = cells[key] = ("\t".join(before), "\t".join(after))
            record = genotype.record
            # without a record the cells come from the variant (its first FILTER)
            tail_key: int | str = id(record) if record is not None else key
            tail = tails.get(tail_key)
            if tail is None:
                variant = variants[key]
                filter_cell, record_cells = _record_cells(record, variant)
                tail = tails[tail_key] = (  # the record kept: its id is not reused
                    "\t".join([_cell(filter_cell), _cell(variant.other_build), *record_cells]),
                    record)
            shown = genotypes.get(id(genotype))
            if shown is None:
                shown = genotypes[id(genotype)] = ("\t".join(_genotype_cells(genotype)), genotype)
            yield f"{head}\t{variant_cells[0]}\t{shown[0]}\t{variant_cells[1]}\t{tail[0]}"


def header_line(report: Report) -> str:
    """The first ``#`` line: tool, reference-data and schema versions."""
    fields = {
        "ipexcli_version": report.ipexcli_version,
        "refdata_version": report.refdata.get("version", ""),
        "schema_version": report.schema_version,
        "transcript": report.refdata.get("transcript", ""),
        # "all", "non_ref" (plain REF genotypes left out) or "mixed" over several inputs
        "genotypes": _genotypes_mode(report),
        "evidence": EVIDENCE_NOTE,
    }
    return "#" + " ".join(f"{k}={_cell(v).replace(' ', '_')}" for k, v in fields.items())


def _genotypes_mode(report: Report) -> str:
    modes = {item.genotypes for item in report.inputs} or {"all"}
    return modes.pop() if len(modes) == 1 else "mixed"


#: #12: what the evidence column is, in the first header line
EVIDENCE_NOTE = "automated ACMG/AMP codes (code:strength), not a classification"


def write(report: Report, out: IO[str]) -> None:
    """Stream the TSV document to a text handle, a few thousand rows per write."""
    out.write(header_line(report) + "\n" + "\t".join(COLUMNS) + "\n")
    batch: list[str] = []
    for line in _lines(report):
        batch.append(line)
        if len(batch) >= 4096:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")


def render(report: Report) -> str:
    """The whole TSV document (trailing newline included)."""
    buffer = io.StringIO()
    write(report, buffer)
    return buffer.getvalue()
