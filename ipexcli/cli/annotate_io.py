"""The edges of ``ipex annotate`` around its report (#13): which format ``-o`` asks for, what a
VCF report needs before any input is read, the skip summary and the ``--fail-on`` lines on
stderr.

Everything here that can be a usage error is checked before the first input byte is read.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from ipexcli.errors import UsageError

if TYPE_CHECKING:
    from ipexcli.result import GenotypeResult, Report, SampleResult, VariantResult


def choose_format(fmt: str | None, output: str | None, stdout_is_tty: bool) -> str:
    """The output format: explicit, else from the output file's whole suffix (case-insensitive),
    else table on a terminal, else tsv. A suffix that names another format than ``--format``,
    or an output name without a known suffix and no ``--format``, is a usage error.

    >>> choose_format(None, "out.json", False), choose_format(None, None, True)
    ('json', 'table')
    >>> choose_format(None, "run/X.VCF.GZ", False), choose_format(None, "x.bcf", False)
    ('vcf', 'vcf')
    >>> choose_format(None, None, False), choose_format("vcf", None, True)
    ('tsv', 'vcf')
    """
    from ipexcli.report.output import SUFFIX_FORMATS, suffix_format

    found = suffix_format(output)
    known = ", ".join(SUFFIX_FORMATS)
    if fmt:
        if found is not None and found[0] != fmt:
            raise UsageError(
                f"-o {output} names a {found[0]} file but --format is {fmt}",
                f"Give -o a name ending in a {fmt} suffix ({known}), or drop --format",
            )
        if found is None and output and output != "-" and fmt in ("vcf",) \
                and _ends_like_compressed(output):
            raise UsageError(
                f"-o {output}: the suffix does not say how to write a VCF",
                "End it in .vcf, .vcf.gz or .bcf",
            )
        return fmt
    if output and output != "-":
        if found is None:
            raise UsageError(
                f"-o {output}: cannot tell the format from the file name",
                f"End it in one of {known}, or give --format",
            )
        return found[0]
    return "table" if stdout_is_tty else "tsv"


def _ends_like_compressed(output: str) -> bool:
    return output.lower().endswith((".gz", ".bgz", ".bcf"))


def check_vcf_request(fmt: str, vcfs: Sequence[str], scope: str) -> None:
    """A VCF report annotates one input; ``--scope`` only shapes a VCF report."""
    if fmt == "vcf" and len(vcfs) != 1:
        raise UsageError(
            f"--format vcf writes one input annotated, this run names {len(vcfs)}",
            "Run ipex annotate once per VCF (or merge them first: bcftools merge)",
        )
    if fmt != "vcf" and scope != "locus":
        raise UsageError(
            f"--scope {scope} shapes a VCF report, and this one is {fmt}",
            "Use --format vcf (or -o NAME.vcf.gz), or drop --scope",
        )


def spool_stdin(ctx: click.Context) -> str:
    """Copy standard input to a temporary file (the VCF writer reads its input twice); the
    reader is then given the spool as its standard input. Returns the spool's path; the spool
    is closed and removed, and standard input put back, when the command ends."""
    import os
    import tempfile

    with tempfile.NamedTemporaryFile(prefix="ipex-stdin-", suffix=".vcf",
                                     delete=False) as handle:
        while chunk := sys.stdin.buffer.read(1 << 20):
            handle.write(chunk)
    original = sys.stdin
    spool = open(handle.name, encoding="utf-8")  # noqa: SIM115 - closed by ctx.call_on_close
    sys.stdin = spool

    def release() -> None:
        import contextlib

        sys.stdin = original
        spool.close()
        with contextlib.suppress(OSError):
            os.unlink(handle.name)

    ctx.call_on_close(release)
    return handle.name


def check_rereadable(path: str) -> None:
    """A named pipe cannot be read a second time by the VCF writer."""
    import os
    import stat

    if path == "-":
        return
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # the reader says what is wrong with it
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"{path} is not a regular file: --format vcf reads its input twice",
            "Pipe it to standard input instead (... | ipex annotate - --format vcf)",
        )


def command_line(ctx: click.Context) -> str:
    """The command line (shell-quoted) for ``##ipexcliCommand``: the command and every option
    and argument given on the command line, options first, each in its long form.

    Rebuilt from click's parsed parameters (the same for ``ipex`` and ``python -m ipexcli``)."""
    from click.core import ParameterSource

    words = ctx.command_path.split()
    arguments: list[str] = []
    for param in ctx.command.params:
        if param.name is None or ctx.get_parameter_source(param.name) is not \
                ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(param.name)
        many = getattr(param, "multiple", False) or isinstance(param, click.Argument)
        values = list(value) if many and isinstance(value, (list, tuple)) else [value]
        if isinstance(param, click.Argument):
            arguments.extend(str(v) for v in values)
            continue
        name = max(param.opts, key=len)
        for item in values:
            if getattr(param, "is_flag", False):
                words.append(name)
            elif isinstance(item, tuple):  # --sex SAMPLE=SEX
                words.append(f"{name}={'='.join(str(part) for part in item)}")
            else:
                words.append(f"{name}={item}")
    return " ".join(shlex.quote(word) for word in [*words, *arguments])


def skip_summary(report: Report) -> list[str]:
    """One stderr line per input and skip reason: how many records/alleles and the first one."""
    lines = []
    for item in report.inputs:
        for reason, count in sorted(item.skipped.items()):
            example = next(
                (e for e in item.skipped_examples if f": {reason}: " in e), ""
            )
            first = f" (first: {example.split(': ', 1)[-1]})" if example else ""
            lines.append(f"skipped: {item.path}: {count} x {reason}{first}")
    return lines


# -- --fail-on -------------------------------------------------------------------------------------


_WANTED = {
    "pathogenic": {"consistent_with_ipex", "consistent_with_disease_female", "carrier"},
    "vus": {"consistent_with_ipex", "consistent_with_disease_female", "carrier", "uncertain"},
}
_NOT_CARRIED = ("ref", "no_call", "other_alt")


@dataclass(frozen=True, slots=True)
class FailMatch:
    """One sample and variant that made ``--fail-on`` fire (or that it ignored)."""

    sample: str
    verdict: str
    variant: str  #: c./p. name or key, "" when no single variant could be named
    call: str  #: "GT 0/1 FILTER PASS" ...
    passed: bool  #: the record's FILTER is PASS (or '.')

    def line(self) -> str:
        variant = f" {self.variant}" if self.variant else ""
        call = f" ({self.call})" if self.call else ""
        return f"fail-on: {self.sample}: {self.verdict}:{variant}{call}"


def _carried(genotype: GenotypeResult) -> bool:
    label = genotype.label
    if label == "sex_unknown":
        return any(a not in "0/|." for a in genotype.raw_gt)
    return not any(word in label for word in _NOT_CARRIED)


def _level_of(variant: VariantResult) -> str:
    """"pathogenic", "vus" or "" for a carried variant: P/LP (the class the verdicts use, #12,
    else the exact match's) or a PVS1 code is pathogenic; an uncertain or unclassified variant
    that is not benign or a modifier is vus."""
    from ipexcli.result import classification_group

    exact = next((k for k in variant.known if k.match == "exact"), None)
    used = variant.class_used if variant.class_used not in ("", "not classified") else ""
    group = classification_group(used or (exact.classification if exact else ""))
    if group == "pathogenic" or any(e.code.startswith("PVS1") for e in variant.evidence):
        return "pathogenic"
    if group == "benign" or variant.impact == "MODIFIER":
        return ""
    return "vus"


def _call_text(genotype: GenotypeResult) -> tuple[str, bool]:
    record = genotype.record
    filters = record.filter if record is not None else None
    passed = filters in (None, "PASS")
    where = f"{record.path}:{record.pos} " if record is not None else ""
    return f"{where}GT {genotype.raw_gt} FILTER {filters or '.'}", passed


def fail_on_matches(report: Report, level: str) -> Iterator[FailMatch]:
    """Every sample whose verdict reaches ``level``, once per carried variant at that level
    (a sample whose verdict matches without a variant to name is listed once, unnamed)."""
    variants = {v.key: v for v in report.variants}
    wanted = _WANTED[level]
    levels = ("pathogenic",) if level == "pathogenic" else ("pathogenic", "vus")
    for sample in report.samples:
        verdict = next((v.category for v in sample.verdicts if v.category in wanted), None)
        if verdict is None:
            continue
        named = False
        for genotype in _carried_at_level(sample, variants, levels):
            variant = variants[genotype.variant_key]
            name = " ".join(
                part.split(":", 1)[-1] for part in (variant.hgvs_c, variant.hgvs_p) if part
            ) or variant.key
            call, passed = _call_text(genotype)
            named = True
            yield FailMatch(sample.id, verdict, name, call, passed)
        if not named:
            yield FailMatch(sample.id, verdict, "", "", True)


def _carried_at_level(sample: SampleResult, variants: dict[str, VariantResult],
                      levels: tuple[str, ...]) -> Iterator[GenotypeResult]:
    for genotype in sample.genotypes:
        variant = variants.get(genotype.variant_key)
        if variant is not None and _carried(genotype) and _level_of(variant) in levels:
            yield genotype


def fail_on(report: Report, level: str, include_filtered: bool) -> bool:
    """Print one stderr line per matching sample and variant; True when the gate fires. By
    default a call whose record FILTER is not PASS does not fire it (it is listed as
    ignored); ``include_filtered`` counts it."""
    fired = False
    for match in fail_on_matches(report, level):
        if match.passed or include_filtered:
            fired = True
            click.echo(match.line(), err=True)
        else:
            click.echo(match.line() + ": not counted, the record did not PASS its filters "
                       "(--fail-on-filtered counts it)", err=True)
    return fired
