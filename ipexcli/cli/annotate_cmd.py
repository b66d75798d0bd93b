"""``ipex annotate``: annotate FOXP3 variants in VCF files and interpret each sample."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ipexcli.cli import CONTEXT_SETTINGS
from ipexcli.cli.options import annotate_options, check_output_folder, options_from

FORMATS = ("table", "tsv", "json", "vcf", "html")
_SUFFIX_FORMATS = {
    ".tsv": "tsv", ".txt": "tsv", ".json": "json", ".vcf": "vcf", ".gz": "vcf", ".bgz": "vcf",
    ".html": "html", ".htm": "html",
}
#: exit code when --fail-on finds a matching sample finding
EXIT_FINDING = 3


def choose_format(fmt: str | None, output: str | None, stdout_is_tty: bool) -> str:
    """The output format: explicit, else from the output file's suffix, else table on a TTY.

    >>> choose_format(None, "out.json", False), choose_format(None, None, True)
    ('json', 'table')
    >>> choose_format(None, None, False), choose_format("vcf", None, True)
    ('tsv', 'vcf')
    """
    if fmt:
        return fmt
    if output and output != "-":
        return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), "tsv")
    return "table" if stdout_is_tty else "tsv"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("vcfs", nargs=-1, required=True, metavar="VCF...",
                type=click.Path(dir_okay=False, allow_dash=True))
@annotate_options
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format. Default: table on a terminal, else from -o's suffix, else tsv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report here (atomically) instead of stdout; .vcf.gz is bgzipped "
              "and indexed.")
@click.option("--fail-on", type=click.Choice(["pathogenic", "vus"]),
              help="Exit with code 3 when a sample has a finding at least this severe "
              "(pathogenic: P/LP or null variant; vus: also uncertain). For pipeline gating.")
def annotate(
    vcfs: tuple[str, ...],
    sexes: tuple[tuple[str, object], ...],
    ped: str | None,
    build: object,
    fmt: str | None,
    output: str | None,
    pass_only: bool,
    af_field: str | None,
    frequency_thresholds: str | None,
    fail_on: str | None,
    no_sex_inference: bool,
    genotypes: str,
) -> None:
    """Annotate FOXP3 variants in VCF files and explain each sample's genotype (X-linked).

    VCF may be plain, bgzipped, plain-gzipped or BCF, with any number of samples; '-' reads
    stdin. The build is detected (or set with --build). Each sample's sex comes from --sex, then
    --ped, then is inferred from its chrX/chrY genotypes; a mismatch is warned about.

    \b
    Examples:
      ipex annotate examples/trio.GRCh38.vcf.gz --ped examples/trio.ped
      ipex annotate sample.vcf.gz --sex S1=male --format json -o report.json
      ipex annotate cohort.bcf --format vcf -o annotated.vcf.gz
      bcftools view -r chrX:49250000-49270000 big.vcf.gz | ipex annotate - --format tsv

    \b
    Exit codes: 0 ok; 1 data error (unreadable input, build mismatch...); 2 usage error;
    3 a finding matched --fail-on.
    """
    from ipexcli.annotate import annotate_files
    from ipexcli.report.output import write_report

    check_output_folder(output)
    fmt = choose_format(fmt, output, sys.stdout.isatty())
    from ipexcli.clobber import check_annotate_output  # #15: -o must not be an input

    check_annotate_output(output, fmt, vcfs, ped)
    options = options_from(click.get_current_context().params, (fmt,))
    from ipexcli.annotate import check_sex_names_early  # #15/#13: before any record is read

    check_sex_names_early(vcfs, options)
    from ipexcli.report.console import scan_progress

    report = annotate_files(list(vcfs), options, progress=scan_progress)
    from ipexcli.annotate import check_declared_names  # #15: --sex/PED names are samples

    report = check_declared_names(report, options)
    _warn(report.warnings)
    try:
        write_report(report, fmt, output)
    except BrokenPipeError:  # `ipex annotate ... | head`: handled quietly by the CLI edge
        raise
    except OSError as exc:  # disk full, permission denied, folder removed meanwhile...
        from ipexcli.errors import IpexError

        where = output if output and output != "-" else "standard output"
        raise IpexError(
            f"{where}: cannot write the report ({exc.strerror or exc})",
            "Check that the folder exists and is writable and that the disk is not full",
        ) from None
    if fail_on and report_has_finding(report, fail_on):
        sys.exit(EXIT_FINDING)


def report_has_finding(report: object, level: str) -> bool:
    """True when a sample's verdict reaches ``level`` ("pathogenic" or "vus")."""
    wanted = {"consistent_with_ipex", "consistent_with_disease_female", "carrier"}
    if level == "vus":
        wanted.add("uncertain")
    return any(
        verdict.category in wanted
        for sample in report.samples  # type: ignore[attr-defined]
        for verdict in sample.verdicts
    )


#: at most this many warnings on stderr; the rest are counted (all are in the report)
MAX_WARNINGS_SHOWN = 10


def _warn(warnings: tuple[str, ...]) -> None:
    """Warnings go to stderr whatever the format, so pipelines see them too; a cohort's
    per-sample warnings are cut to the first few and counted."""
    from ipexcli.report.console import printable

    distinct = list(dict.fromkeys(warnings))
    for warning in distinct[:MAX_WARNINGS_SHOWN]:
        click.echo(f"warning: {printable(warning)}", err=True)
    if len(distinct) > MAX_WARNINGS_SHOWN:
        click.echo(
            f"warning: ... and {len(distinct) - MAX_WARNINGS_SHOWN} more warnings (all are in "
            "the report: --format json 'warnings', or the table's diagnostics)",
            err=True,
        )
