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
    from ipexcli.evidence import FrequencyThresholds
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
    #: BA1/BS1/PM2 cut-offs from --frequency-thresholds (None: the IPEX defaults, #12)
    thresholds: FrequencyThresholds | None = None
    infer_sex: bool = True
    #: "all", "non_ref" (plain REF genotypes left out) or "auto" (non_ref above
    #: :data:`ipexcli.interpret.AUTO_ALL_GENOTYPES_MAX_SAMPLES` samples)
    genotypes: str = "auto"


def refdata_summary() -> dict[str, object]:
    """What the report says about the reference data in use."""
    from ipexcli import refdata

    data = refdata.load()
    dates = sorted({k.classification_date for k in data.known
                    if k.classification_date and k.is_classification})
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
    paths = distinct_inputs(paths, warnings)
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


# -- #15: names and inputs given by the user must mean something ------------------------------


def distinct_inputs(paths: Sequence[str], warnings: list[str]) -> list[str]:
    """``paths`` with any file given twice (same real path, or same device and inode: a symbolic
    or hard link) kept once, with a warning. Annotating a file twice listed each sample twice;
    the repetition is almost always a shell glob overlapping an explicit name, and dropping it
    changes no verdict, so this is a note rather than an error."""
    import os

    seen: dict[object, str] = {}
    out = []
    for path in paths:
        try:
            info = os.stat(path) if path != "-" else None
        except OSError:
            info = None  # the reader reports it
        key: object = (info.st_dev, info.st_ino) if info is not None else (
            path if path == "-" else os.path.realpath(path)
        )
        if key in seen:
            warnings.append(f"{path}: the same file as {seen[key]}, given twice; read once")
            continue
        seen[key] = path
        out.append(path)
    return out


def _sample_list(samples: Sequence[str], most: int = 10) -> str:
    shown = ", ".join(samples[:most]) or "none"
    more = f" and {len(samples) - most} more" if len(samples) > most else ""
    return f"samples: {shown}{more}"


def _unknown_sex_names(names: Sequence[str], samples: Sequence[str]) -> None:
    from ipexcli.errors import UsageError

    present = set(samples)
    unknown = [name for name in names if name not in present]
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        raise UsageError(
            f"--sex {shown}: no such sample in the input ({_sample_list(list(samples))})",
            "Use the sample names of the VCF header (bcftools query -l FILE)",
        )


def check_sex_names_early(paths: Sequence[str], options: AnnotateOptions) -> None:
    """The ``--sex`` part of :func:`check_declared_names` from the headers alone, before any
    record is read (a usage error should cost nothing). Standard input cannot be read twice:
    then, and for an input that cannot be opened (the run reports it), the check waits for the
    report."""
    if not options.declared_sex or "-" in paths:
        return
    from ipexcli.errors import IpexError
    from ipexcli.vcf import open_vcf

    samples: list[str] = []
    for path in paths:
        try:
            with open_vcf(path) as reader:
                samples.extend(reader.samples)
        except (IpexError, OSError):
            return
    _unknown_sex_names(list(options.declared_sex), list(dict.fromkeys(samples)))


def check_declared_names(report: Report, options: AnnotateOptions) -> Report:
    """``ipex annotate``: every ``--sex`` name must be a sample of the inputs (usage error, exit
    2, listing the samples); a PED none of whose individuals is a sample is the wrong file (exit
    1); PED individuals missing from the inputs (e.g. parents not sequenced) are a warning.

    Not for ``ipex batch``, where each file holds only some of the samples a run declares.
    """
    from dataclasses import replace

    from ipexcli.errors import PedFormatError

    samples = list(dict.fromkeys(sample.id for sample in report.samples))
    present = set(samples)
    _unknown_sex_names(list(options.declared_sex), samples)
    if not options.ped:
        return report
    pedigree = read_pedigree(options.ped)
    assert pedigree is not None
    missing = [person.id for person in pedigree if person.id not in present]
    if missing and len(missing) == len(pedigree.individuals):
        raise PedFormatError(
            options.ped,
            f"none of its individuals ({', '.join(missing[:10])}) is a sample of the input "
            f"({_sample_list(samples)})",
            "Check the PED's individual IDs (column 2) against the VCF sample names",
        )
    if missing:
        warning = (
            f"PED {options.ped}: {', '.join(missing)} not in the input ({_sample_list(samples)}); "
            "their genotypes are unknown"
        )
        return replace(report, warnings=(*report.warnings, warning))
    return report
