"""Reports the renderer tests take: the REAL pipeline run on the bundled examples.

``examples/trio.GRCh38.vcf.gz`` + ``examples/trio.ped`` (son hemizygous for c.1189C>T
p.(Arg397Trp), carrier mother, unaffected father) and ``examples/single.GRCh37.vcf`` (a male,
declared with --sex, hemizygous ``1/1`` for c.1150G>A p.(Ala384Thr)). Paths stay relative to
the repository so that golden files do not depend on where the checkout lives.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from ipexcli.annotate import AnnotateOptions, annotate_files
from ipexcli.model import Sex
from ipexcli.result import Report

REPO = Path(__file__).resolve().parents[2]
TRIO_VCF = "examples/trio.GRCh38.vcf.gz"
TRIO_PED = "examples/trio.ped"
SINGLE_VCF = "examples/single.GRCh37.vcf"
SINGLE_SEX = {"patient2": Sex.MALE}


@contextmanager
def _in_repo() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(before)


@cache
def _run(paths: tuple[str, ...], ped: str | None, sexes: tuple[tuple[str, Sex], ...]) -> Report:
    with _in_repo():
        return annotate_files(list(paths), AnnotateOptions(ped=ped, declared_sex=dict(sexes)))


def trio_report() -> Report:
    return _run((TRIO_VCF,), TRIO_PED, ())


def single_report() -> Report:
    return _run((SINGLE_VCF,), None, tuple(SINGLE_SEX.items()))


def both_report() -> Report:
    return _run((TRIO_VCF, SINGLE_VCF), TRIO_PED, tuple(SINGLE_SEX.items()))


FIXTURES: dict[str, Callable[[], Report]] = {"trio": trio_report, "single": single_report}


#: the ``##ipexcliCommand`` of each fixture's VCF as ``tests/annotate`` runs it (the golden files
#: are shared with those end-to-end tests)
VCF_COMMANDS = {
    "trio": "ipex annotate --ped=examples/trio.ped --format=vcf examples/trio.GRCh38.vcf.gz",
    "single": "ipex annotate --sex=patient2=male --format=vcf examples/single.GRCh37.vcf",
}
