"""The ``annotate`` pipeline: VCF files in, one :class:`~ipexcli.result.Report` out.

Steps, per input file: open it (:mod:`ipexcli.vcf` decides format, build and region method),
read the FOXP3-locus records, annotate each distinct allele once (:mod:`ipexcli.engine`), infer
each sample's sex from chrX/chrY when asked (:mod:`ipexcli.sex`), label every genotype in X-linked
terms and give each sample a verdict (:mod:`ipexcli.inheritance`), then segregation notes for
families in a PED file. Nothing here renders: see :mod:`ipexcli.report`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ipexcli import __version__
from ipexcli.model import Build, Sex
from ipexcli.result import InputResult, Report, SampleResult, VariantResult

if TYPE_CHECKING:
    from ipexcli.interpret import ProgressFactory
    from ipexcli.ped import Pedigree


@dataclass(frozen=True, slots=True)
class AnnotateOptions:
    """What the user asked for; every field has the CLI's default."""

    build: Build | None = None  #: None: detect
    declared_sex: Mapping[str, Sex] = field(default_factory=dict)  #: from --sex
    #: from a batch manifest (per file); overrides --sex and the PED file
    manifest_sex: Mapping[str, Sex] = field(default_factory=dict)
    ped: str | None = None
    pass_only: bool = False
    af_field: str | None = None
    infer_sex: bool = True
    #: "all", "non_ref" (plain REF genotypes left out) or "auto" (non_ref above
    #: :data:`ipexcli.interpret.AUTO_ALL_GENOTYPES_MAX_SAMPLES` samples)
    genotypes: str = "auto"
    #: #15: the longest input line read, in MB (``--max-line-mb``); longer is a data error
    max_line_mb: int = 100


def refdata_summary() -> dict[str, object]:
    """What the report says about the reference data in use."""
    from ipexcli import refdata

    data = refdata.load()
    dates = sorted({k.classification_date for k in data.known if k.classification_date})
    return {
        "version": data.version,
        "transcript": data.transcript(Build.GRCH38).id,
        "protein": data.transcript(Build.GRCH38).protein_id,
        "known_variants": {
            "rows": len(data.known),
            "active_table": data.known_origin,
            "snapshot": f"classifications dated {dates[0]} to {dates[-1]}" if dates else "",
        },
    }


def annotate_files(
    paths: Sequence[str], options: AnnotateOptions, progress: ProgressFactory | None = None
) -> Report:
    """Annotate every file in ``paths`` and interpret every sample in them.

    ``progress`` (optional) shows a byte counter while a file has to be read whole.
    """
    from ipexcli.interpret import interpret_file

    pedigree = read_pedigree(options.ped)
    declared, warnings = declared_sexes(options, pedigree)
    inputs: list[InputResult] = []
    variants: dict[str, VariantResult] = {}
    samples: list[SampleResult] = []
    for path in paths:
        outcome = interpret_file(path, options, declared, pedigree, progress=progress)
        inputs.append(outcome.input)
        for variant in outcome.variants:
            if variant.key in variants:
                variants[variant.key] = _merge_inputs(variants[variant.key], variant)
            else:
                variants[variant.key] = variant
        samples.extend(outcome.samples)
        warnings.extend(outcome.warnings)
    return Report(
        ipexcli_version=__version__,
        refdata=refdata_summary(),
        inputs=tuple(inputs),
        variants=tuple(sorted(variants.values(), key=_variant_order)),
        samples=tuple(samples),
        warnings=tuple(warnings),
    )


def _variant_order(variant: VariantResult) -> tuple[str, int, str, str]:
    return (variant.build, variant.pos, variant.ref, variant.alt)


def _merge_inputs(first: VariantResult, second: VariantResult) -> VariantResult:
    from dataclasses import replace

    return replace(first, inputs=tuple(dict.fromkeys((*first.inputs, *second.inputs))))


def declared_sexes(
    options: AnnotateOptions, pedigree: Pedigree | None
) -> tuple[dict[str, tuple[Sex, str]], list[str]]:
    """sample -> (declared sex, where it was declared), and a warning per conflict; a batch
    manifest wins over ``--sex``, which wins over the PED file
    (:func:`ipexcli.sex.merge_declared`)."""
    from ipexcli.sex import merge_declared

    from_ped = {
        sample: sex
        for sample, sex in (pedigree.sexes().items() if pedigree is not None else ())
        if sex is not Sex.UNKNOWN
    }
    return merge_declared(
        (f"PED {options.ped}", from_ped),
        ("--sex", options.declared_sex),
        ("manifest", options.manifest_sex),
    )


def read_pedigree(path: str | None) -> Pedigree | None:
    if not path:
        return None
    from ipexcli.ped import read_ped

    return read_ped(path)
