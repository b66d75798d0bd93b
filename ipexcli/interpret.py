"""One input file through the whole pipeline: read, annotate, infer sex, interpret.

This is glue between the feature modules; each step's logic lives in its own module
(:mod:`ipexcli.vcf`, :mod:`ipexcli.engine`, :mod:`ipexcli.sex`, :mod:`ipexcli.inheritance`).
The output is made of :mod:`ipexcli.result` objects, ready for any renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipexcli.model import Build, GenomicVariant, Sex, VariantRecord
from ipexcli.result import (
    EvidenceCode,
    InputResult,
    KnownMatch,
    SampleResult,
    VariantResult,
)

if TYPE_CHECKING:
    from ipexcli.annotate import AnnotateOptions
    from ipexcli.engine import VariantAnnotation
    from ipexcli.known import KnownHit
    from ipexcli.refdata import RefData


@dataclass(frozen=True, slots=True)
class FileOutcome:
    input: InputResult
    variants: tuple[VariantResult, ...]
    samples: tuple[SampleResult, ...]
    warnings: tuple[str, ...]


def variant_key(variant: GenomicVariant) -> str:
    """Stable identifier of a normalised allele: ``GRCh38:X:49251441:G:A``."""
    return f"{variant.build.value}:{variant.chrom}:{variant.pos}:{variant.ref}:{variant.alt}"


def _known_match(hit: KnownHit, match: str) -> KnownMatch:
    row = hit.row
    return KnownMatch(
        id=row.id,
        match=match,
        hgvs_c=row.hgvs_c,
        hgvs_p=row.hgvs_p,
        classification=row.classification,
        review_status=row.review_status,
        review_stars=row.review_stars,
        condition=row.condition,
        source=row.classification_source or row.source,
        date=row.classification_date,
        evidence_tier=row.evidence_tier,
        rsid=row.rsid,
        clinvar=row.clinvar,
    )


def variant_result(
    annotation: VariantAnnotation, record: VariantRecord | None = None
) -> VariantResult:
    """Turn the engine's annotation of one allele into the report's variant entry."""
    shown = annotation.normalized or annotation.variant
    known = annotation.known
    matches = (
        *(_known_match(h, "exact") for h in known.exact),
        *(_known_match(h, "same_amino_acid_change") for h in known.same_protein_change),
        *(_known_match(h, "same_residue") for h in known.same_residue_missense),
    )
    other = annotation.other_build
    return VariantResult(
        key=variant_key(shown),
        build=shown.build.value,
        chrom=record.contig if record else shown.chrom,
        pos=shown.pos,
        ref=shown.ref,
        alt=shown.alt,
        hgvs_g=annotation.hgvs_g or "",
        hgvs_c=annotation.hgvs_c or "",
        hgvs_p=annotation.hgvs_p or "",
        consequences=tuple(c.term for c in annotation.consequences),
        impact=annotation.impact.value if annotation.impact else "",
        exon=annotation.exon or "",
        intron=annotation.intron or "",
        protein_feature="; ".join(annotation.protein_features),
        cdna_pos=annotation.cdna_pos or "",
        cds_pos=annotation.cds_pos or "",
        aa_pos=annotation.aa_pos or "",
        distance=annotation.distance,
        known=matches,
        evidence=tuple(
            EvidenceCode(e.code, e.strength.value.replace(" ", "_").replace("-", "_"), e.reason)
            for e in annotation.evidence
        ),
        flags=tuple(
            dict.fromkeys((*(str(f) for f in annotation.flags), *(record.flags if record else ())))
        ),
        filters=record.filters if record else (),
        other_build=variant_key(other) if other else "",
        inputs=(record.source,) if record else (),
    )


def allele_frequency(record: VariantRecord, af_field: str | None) -> float | None:
    """The population allele frequency the user pointed at with ``--af-field``, if usable."""
    if not af_field:
        return None
    value = record.info_value(af_field)
    if value in (None, "", "."):
        return None
    try:
        return float(value.split(",")[0])  # type: ignore[union-attr]
    except ValueError:
        return None


def genomic_variant(record: VariantRecord, build: Build) -> GenomicVariant:
    return GenomicVariant(build, record.pos, record.ref.upper(), record.alt.upper(), record.chrom)


def interpret_file(
    path: str,
    options: AnnotateOptions,
    declared: Mapping[str, tuple[Sex, str]],
    pedigree: object | None,
    data: RefData | None = None,
) -> FileOutcome:
    raise NotImplementedError  # filled in once ipexcli.vcf and ipexcli.inheritance land
