"""Options and parameter types shared by several commands (``@sample_options`` etc.)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ipexcli.model import Build, Sex

F = TypeVar("F", bound=Callable[..., Any])


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
