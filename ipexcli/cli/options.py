"""Options and parameter types shared by several commands (``@sample_options`` etc.)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexcli.interpret import AUTO_ALL_GENOTYPES_MAX_SAMPLES
from ipexcli.model import Build, Sex

F = TypeVar("F", bound=Callable[..., Any])

#: ``--genotypes`` values (``non-ref`` is ``"non_ref"`` in reports)
GENOTYPE_CHOICES = ("auto", "all", "non-ref")


class BuildType(click.ParamType):
    """``--build``: GRCh38/hg38 or GRCh37/hg19 (or ``auto``)."""

    name = "build"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is None or isinstance(value, Build):
            return value
        if str(value).lower() == "auto":
            return None
        try:
            return Build.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class SexAssignment(click.ParamType):
    """``--sex SAMPLE=male|female|unknown``."""

    name = "SAMPLE=SEX"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        sample, sep, sex = str(value).rpartition("=")
        if not sep or not sample:
            self.fail(f"{value!r} is not SAMPLE=SEX (e.g. --sex NA12878=female)", param, ctx)
        try:
            return sample, Sex.parse(sex)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def build_option(function: F) -> F:
    return click.option(
        "--build",
        type=BuildType(),
        default=None,
        help="Genome build of the input: GRCh38 (hg38) or GRCh37 (hg19). Default: detected "
        "from the header and the REF alleles.",
    )(function)


def sample_options(function: F) -> F:
    function = click.option(
        "--sex",
        "sexes",
        type=SexAssignment(),
        multiple=True,
        help="Declare a sample's sex (repeatable): --sex NA12878=female. Wins over PED and "
        "inference.",
    )(function)
    function = click.option(
        "--ped",
        type=click.Path(exists=True, dir_okay=False),
        help="PED file: family structure and sex (column 5: 1=male, 2=female, 0=unknown).",
    )(function)
    return function


def check_output_folder(output: str | None) -> None:
    """Fail before any work when ``-o``'s folder does not exist (``None``/``-``: stdout)."""
    from ipexcli.errors import UsageError

    if not output or output == "-":
        return
    folder = Path(output).parent
    if not folder.is_dir():
        raise UsageError(
            f"{output}: the folder {folder} does not exist",
            "Create it first (mkdir -p) or choose another -o",
        )


def annotate_options(function: F) -> F:
    """Every option that shapes an annotation, shared by ``annotate`` and ``batch``:
    ``--sex``, ``--ped``, ``--build``, ``--pass-only``, ``--af-field``, ``--no-sex-inference``,
    ``--genotypes``. :func:`options_from` turns their values into
    :class:`~ipexcli.annotate.AnnotateOptions`."""
    function = click.option(
        "--genotypes", type=click.Choice(GENOTYPE_CHOICES), default="auto", show_default=True,
        help="Which genotypes each sample lists: all; non-ref (leave out plain REF 0/0, 0|0 and "
        "a male's 0, which change no verdict or flag: fast and small for cohorts); auto = all "
        f"up to {AUTO_ALL_GENOTYPES_MAX_SAMPLES} samples per file, else non-ref (a VCF report "
        "always gets all).",
    )(function)
    function = click.option(
        "--no-sex-inference", is_flag=True,
        help="Do not infer sex from chrX/chrY genotypes (declared sex only).",
    )(function)
    function = click.option(
        "--af-field", metavar="INFO_KEY",
        help="INFO field holding a population allele frequency (e.g. gnomAD_AF); enables the "
        "PM2_Supporting/BS1/BA1 evidence codes.",
    )(function)
    function = click.option(
        "--frequency-thresholds", metavar="BA1,BS1,PM2",
        help="Replace the IPEX allele-frequency cut-offs (fractions) of BA1 (above), BS1 "
        "(above) and PM2_Supporting (at or below); default 0.001,0.0001,0.0001 (docs/rules.md).",
    )(function)
    function = click.option(
        "--pass-only", is_flag=True, help="Ignore records whose FILTER is not PASS."
    )(function)
    return sample_options(build_option(function))


def parse_frequency_thresholds(text: str | None) -> Any:
    """``"0.001,0.0001,0.0001"`` -> :class:`~ipexcli.evidence.FrequencyThresholds` (None: the
    defaults); a usage error names what is wrong."""
    if not text:
        return None
    from ipexcli.errors import UsageError
    from ipexcli.evidence import FrequencyThresholds

    parts = text.split(",")
    try:
        if len(parts) != 3:
            raise ValueError(f"expected three numbers, got {len(parts)}")
        ba1, bs1, pm2 = (float(part) for part in parts)
        return FrequencyThresholds(ba1=ba1, bs1=bs1, pm2=pm2)
    except ValueError as exc:
        raise UsageError(
            f"--frequency-thresholds {text!r}: {exc}",
            "Give three fractions BA1,BS1,PM2 with 0 <= PM2 <= BS1 < BA1 <= 1, e.g. "
            "0.001,0.0001,0.0001",
        ) from None


def options_from(params: Mapping[str, Any], formats: Iterable[str]) -> Any:
    """The :class:`~ipexcli.annotate.AnnotateOptions` of the values of
    :func:`annotate_options` in a command's ``params`` (``click.Context.params``); ``formats``
    are the output formats asked for (a VCF report needs every genotype)."""
    from ipexcli.annotate import AnnotateOptions
    from ipexcli.errors import UsageError

    mode = params["genotypes"].replace("-", "_")
    if "vcf" in formats:
        if mode == "non_ref":
            raise UsageError(
                "--genotypes non-ref cannot write a VCF report: every sample column needs its "
                "genotype",
                "Use --genotypes all (or auto) with --format vcf",
            )
        mode = "all"

    declared: dict[str, Any] = {}
    for sample, sex in params["sexes"]:  # #15: a sample declared twice must agree with itself
        if declared.get(sample, sex) is not sex:
            raise UsageError(
                f"--sex {sample} is given twice, as {declared[sample]} and {sex}",
                "Give each sample's sex once",
            )
        declared[sample] = sex
    return AnnotateOptions(
        build=params["build"],
        declared_sex=declared,
        ped=params["ped"],
        pass_only=params["pass_only"],
        af_field=params["af_field"],
        thresholds=parse_frequency_thresholds(params.get("frequency_thresholds")),
        infer_sex=not params["no_sex_inference"],
        genotypes=mode,
    )
