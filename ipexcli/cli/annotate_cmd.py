"""``ipex annotate``: annotate FOXP3 variants in VCF files and interpret each sample."""

from __future__ import annotations

import sys

import click

from ipexcli.cli import CONTEXT_SETTINGS
from ipexcli.cli.annotate_io import choose_format
from ipexcli.cli.options import annotate_options, check_output_folder, options_from

__all__ = ["EXIT_FINDING", "FORMATS", "annotate", "choose_format"]

FORMATS = ("table", "tsv", "json", "vcf", "html")
#: exit code when --fail-on finds a matching sample finding
EXIT_FINDING = 3


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("vcfs", nargs=-1, required=True, metavar="VCF...",
                type=click.Path(dir_okay=False, allow_dash=True))
@annotate_options
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format. Default: table on a terminal, else from -o's suffix, else tsv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report here (atomically) instead of stdout. The whole suffix "
              "picks the format (any case): .vcf, .vcf.gz (bgzipped + .tbi), .bcf, "
              ".tsv, .tsv.gz, .json, .json.gz, .html.")
@click.option("--fail-on", type=click.Choice(["pathogenic", "vus"]),
              help="Exit with code 3 when a sample has a finding at least this severe "
              "(pathogenic: P/LP or null variant; vus: also uncertain); one stderr line per "
              "matching sample and variant. Calls whose record FILTER is not PASS do not count "
              "(see --fail-on-filtered). For pipeline gating.")
@click.option("--fail-on-filtered", is_flag=True,
              help="Let --fail-on count calls whose record FILTER is not PASS too.")
@click.option("--scope", type=click.Choice(["locus", "all"]), default="locus",
              show_default=True,
              help="VCF report only: locus = the records overlapping FOXP3; all = every input "
              "record, the others passed through untouched (the output can replace the input).")
@click.option("--allow-skipped", is_flag=True,
              help="Let --fail-on pass although records or genotypes in the FOXP3 locus could "
              "not be read (each is warned about). Without it such a run exits 1: a gate must "
              "not pass on data it did not read.")
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
    fail_on_filtered: bool,
    scope: str,
    allow_skipped: bool,
    no_sex_inference: bool,
    genotypes: str,
    max_line_mb: int,
) -> None:
    """Annotate FOXP3 variants in VCF files and explain each sample's genotype (X-linked).

    VCF may be plain, bgzipped, plain-gzipped or BCF, with any number of samples; '-' reads
    stdin. The build is detected (or set with --build). Each sample's sex comes from --sex, then
    --ped, then is inferred from its chrX/chrY genotypes; a mismatch is warned about.

    \b
    Examples:
      ipex annotate examples/trio.GRCh38.vcf.gz --ped examples/trio.ped
      ipex annotate sample.vcf.gz --sex S1=male --format json -o report.json
      ipex annotate cohort.bcf -o annotated.vcf.gz
      ipex annotate sample.vcf.gz --scope all -o sample.ipex.vcf.gz
      bcftools view -r chrX:49250000-49270000 big.vcf.gz | ipex annotate - --format tsv

    \b
    Exit codes: 0 ok; 1 data error (unreadable input, build mismatch, with --fail-on: a
    record or genotype of the FOXP3 locus that could not be read...); 2 usage error; 3 a
    finding matched --fail-on.
    """
    from ipexcli.annotate import annotate_files
    from ipexcli.report.output import write_report

    check_output_folder(output)
    from ipexcli.clobber import check_annotate_output  # #15: -o must not be an input
    from ipexcli.errors import UsageError

    try:
        chosen = choose_format(fmt, output, sys.stdout.isatty())
    except UsageError:  # #13: an -o that is an input is the error to name first
        check_annotate_output(output, fmt or "tsv", vcfs, ped)
        raise
    fmt = chosen
    check_annotate_output(output, fmt, vcfs, ped)
    options = options_from(click.get_current_context().params, (fmt,))
    # -- #13: a VCF report re-reads its one input; checked before any input is read
    from ipexcli.cli import annotate_io

    annotate_io.check_vcf_request(fmt, vcfs, scope)
    sources: dict[str, str] = {}
    if fmt == "vcf":
        annotate_io.check_rereadable(vcfs[0])
        if vcfs[0] == "-":
            sources["-"] = annotate_io.spool_stdin(click.get_current_context())
    # -- end #13
    from ipexcli.annotate import check_sex_names_early  # #15/#13: before any record is read

    check_sex_names_early(vcfs, options)
    from ipexcli.report.console import scan_progress

    report = annotate_files(list(vcfs), options, progress=scan_progress)
    from ipexcli.annotate import check_declared_names  # #15: --sex/PED names are samples

    report = check_declared_names(report, options)
    _warn(report.warnings)
    for line in annotate_io.skip_summary(report):  # #13: one line per reason, every format
        click.echo(line, err=True)
    from dataclasses import replace

    report = replace(report, command=annotate_io.command_line(click.get_current_context()))
    try:
        write_report(report, fmt, output, scope=scope, sources=sources)
    except BrokenPipeError:  # `ipex annotate ... | head`: handled quietly by the CLI edge
        raise
    except OSError as exc:  # disk full, permission denied, folder removed meanwhile...
        from ipexcli.errors import IpexError

        where = output if output and output != "-" else "standard output"
        raise IpexError(
            f"{where}: cannot write the report ({exc.strerror or exc})",
            "Check that the folder exists and is writable and that the disk is not full",
        ) from None
    if fail_on and not allow_skipped:
        _refuse_unread(report)
    if fail_on and annotate_io.fail_on(report, fail_on, fail_on_filtered):
        sys.exit(EXIT_FINDING)


def _refuse_unread(report: object) -> None:
    """#15: ``--fail-on`` does not pass on a FOXP3 locus that was not wholly read (exit 1)."""
    from ipexcli.errors import IpexError

    unread = [item for i in report.inputs for item in i.unread]  # type: ignore[attr-defined]
    if unread:
        raise IpexError(
            f"--fail-on: {len(unread)} record(s) or genotype(s) in the FOXP3 locus could not be "
            f"read (first: {unread[0]})",
            "Fix or re-create the file (bcftools view reports the damage), or accept the "
            "gap with --allow-skipped",
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
