"""``ipex sex``: declared versus inferred sex for every sample of one or more VCFs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import click

from ipexcli.cli import CONTEXT_SETTINGS

if TYPE_CHECKING:
    from ipexcli.model import Build, Sex
    from ipexcli.ped import SheetRow
    from ipexcli.sex import SexCheckResult

TSV_COLUMNS = (
    "file",
    "sample",
    "declared",
    "declared_source",
    "inferred",
    "check",
    "sex_used",
    "method",
    "informative_sites",
    "f",
    "het_fraction",
    "het_ratio",
    "het",
    "hom_alt",
    "haploid",
    "y_called",
    "y_sites",
    "reason",
)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("vcfs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--ped", "ped_path", type=click.Path(dir_okay=False), help="PED file (sex column).")
@click.option(
    "--sex",
    "sex_args",
    multiple=True,
    metavar="SAMPLE=SEX",
    help="Declared sex, male|female|unknown (repeatable; overrides --ped and --sample-sheet).",
)
@click.option(
    "--sample-sheet",
    "sheet_path",
    type=click.Path(dir_okay=False),
    help="TSV with header: sample, sex[, build, file]; its files are used when no VCF is given.",
)
@click.option(
    "--build",
    "build_text",
    help="Genome build of the VCFs (GRCh38/GRCh37); detected from the header when omitted.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "json"]),
    default="table",
    show_default=True,
)
def sex(
    vcfs: tuple[str, ...],
    ped_path: str | None,
    sex_args: tuple[str, ...],
    sheet_path: str | None,
    build_text: str | None,
    fmt: str,
) -> None:
    """Check every sample's declared sex against the sex inferred from chrX/chrY genotypes.

    Inference uses non-PAR chrX heterozygosity (the heterozygous fraction of non-reference
    calls, cross-checked by plink-style F in cohorts of 10 or more samples), haploid chrX
    genotypes and chrY calls; with fewer than 11 informative sites the answer is "insufficient
    data", and a heterozygous fraction between the male and female thresholds is "ambiguous"
    (the reason column says why). A declared/inferred mismatch is printed as a warning on
    stderr; the exit code stays 0.

    \b
    Examples:
      ipex sex cohort.vcf.gz --ped cohort.ped
      ipex sex trio.vcf.gz --sex kid=male --sex mom=female --format json
      ipex sex --sample-sheet batch.tsv --format tsv
    """
    from ipexcli import sex as sexlib
    from ipexcli.errors import UsageError
    from ipexcli.model import Sex
    from ipexcli.ped import read_ped, read_sample_sheet

    build = _parse_build(build_text)
    sheet = read_sample_sheet(sheet_path) if sheet_path else ()
    ped = read_ped(ped_path) if ped_path else None
    cli_sexes: dict[str, Sex] = {}
    for item in sex_args:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--sex {item!r}: expected SAMPLE=male|female|unknown")
        try:
            cli_sexes[name] = Sex.parse(value)
        except ValueError as exc:
            raise UsageError(f"--sex {item!r}: {exc}") from None
    declared, warnings = sexlib.merge_declared(
        ("sample sheet", {row.sample: row.sex for row in sheet}),
        ("PED", ped.sexes() if ped else {}),
        ("--sex", cli_sexes),
    )
    inputs = _inputs(vcfs, sheet, build)
    if not inputs:
        raise UsageError(
            "no VCF given",
            "Give VCF paths, or a --sample-sheet with a 'file' column",
        )
    results = []
    files = []
    seen: set[str] = set()
    for path, file_build in inputs:
        file_info, checks = _check_file(path, file_build, declared)
        files.append(file_info)
        for check in checks:
            seen.add(check.sample)
            results.append((path, check))
            if check.check is not sexlib.SexCheck.UNDECLARED:
                warnings.extend(check.warnings)
    undeclared = [c for _, c in results if c.check is sexlib.SexCheck.UNDECLARED]
    if undeclared:
        inferred = sum(1 for c in undeclared if c.used_basis == "inferred")
        warnings.append(
            f"{len(undeclared)} sample(s) without a declared sex: the inferred sex is used for "
            f"{inferred}, both interpretations are needed for {len(undeclared) - inferred} "
            "(declare sexes with --sex, --ped or --sample-sheet)"
        )
    explicit = set(cli_sexes) | {row.sample for row in sheet}
    missing = sorted(explicit - seen)
    if missing:
        warnings.append(f"declared but in no VCF: {', '.join(missing)}")
    for warning in warnings:
        prefix = "WARNING: " if "MISMATCH" in warning else "warning: "
        click.echo(prefix + warning, err=True)
    mismatches = sum(1 for _, c in results if c.check is sexlib.SexCheck.MISMATCH)
    if mismatches:
        click.echo(
            f"WARNING: {mismatches} of {len(results)} samples have a declared sex that "
            "contradicts the data (see above); this is a warning, the exit code is 0",
            err=True,
        )
    if fmt == "json":
        payload = {
            "thresholds": sexlib.DEFAULT_THRESHOLDS.as_dict(),
            "files": files,
            "samples": [{**check.as_dict(), "file": path} for path, check in results],
        }
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "tsv":
        for line in _tsv_lines(results):
            click.echo(line)
    else:
        from ipexcli.report.console import render_sex_table

        render_sex_table(results)


def _parse_build(text: str | None) -> Build | None:
    from ipexcli.errors import UsageError
    from ipexcli.model import Build

    if not text:
        return None
    try:
        return Build.parse(text)
    except ValueError as exc:
        raise UsageError(f"--build: {exc}") from None


def _inputs(
    vcfs: Sequence[str], sheet: Sequence[SheetRow], build: Build | None
) -> list[tuple[str, Build | None]]:
    """(path, build) for every input file: the arguments, else the sample sheet's files."""
    from ipexcli.errors import PedFormatError

    if vcfs:
        return [(path, build) for path in vcfs]
    by_file: dict[str, Build | None] = {}
    for row in sheet:
        if row.file is None:
            continue
        chosen = build or row.build
        previous = by_file.get(row.file, chosen)
        if previous is not None and chosen is not None and previous is not chosen:
            raise PedFormatError(
                row.file,
                f"sample sheet line {row.line}: build {chosen} contradicts {previous} given "
                "for the same file",
            )
        by_file[row.file] = chosen or previous
    return list(by_file.items())


def _check_file(
    path: str, build: Build | None, declared: Mapping[str, tuple[Sex, str]]
) -> tuple[dict[str, object], list[SexCheckResult]]:
    from ipexcli import sex as sexlib
    from ipexcli.sexscan import infer_from_reader
    from ipexcli.vcf import open_vcf

    with open_vcf(path, build=build) as reader:
        file_build = reader.build_decision.build
        inferences = infer_from_reader(reader)
        stats = reader.stats
        info: dict[str, object] = {
            "path": path,
            "build": file_build.value if file_build is not None else None,
            "samples": len(reader.samples),
            "records_read": stats.records_read,
            "skipped": dict(stats.skipped),
        }
    return info, sexlib.check_samples(inferences, declared)


def _fmt(value: object) -> str:
    if value is None:
        return "."
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _tsv_lines(results: Sequence[tuple[str, SexCheckResult]]) -> list[str]:
    lines = ["\t".join(TSV_COLUMNS)]
    for path, check in results:
        ev = check.inference.evidence
        row = (
            path,
            check.sample,
            check.declared.value,
            check.declared_source or ".",
            check.inferred.value,
            check.check.value,
            check.used.value,
            ev.method.value,
            ev.informative_sites,
            ev.f,
            ev.het_fraction,
            ev.het_ratio,
            ev.het,
            ev.hom_alt,
            ev.haploid,
            ev.y_called,
            ev.y_sites,
            check.inference.reason,
        )
        lines.append("\t".join(_fmt(v) for v in row))
    return lines
