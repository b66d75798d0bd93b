"""``ipex batch``: annotate many VCF files on a process pool; per-file reports plus one summary."""

from __future__ import annotations

import sys

import click

from ipexcli.cli import CONTEXT_SETTINGS
from ipexcli.cli.options import annotate_options, options_from


class FormatList(click.ParamType):
    """``--format tsv,json``: a comma-separated list of per-file report formats."""

    name = "FORMATS"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> (
        tuple[str, ...]
    ):
        if isinstance(value, tuple):
            return value
        from ipexcli.batch import FORMAT_SUFFIXES

        names = (f.strip().lower() for f in str(value).split(","))
        formats = tuple(dict.fromkeys(n for n in names if n))
        unknown = [f for f in formats if f not in FORMAT_SUFFIXES]
        if unknown or not formats:
            self.fail(
                f"{value!r}: use a comma-separated list of {', '.join(FORMAT_SUFFIXES)}", param, ctx
            )
        return formats


class ChunkType(click.ParamType):
    """``--chunk I/N``: the I-th of N parts of the inputs (1-based)."""

    name = "I/N"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> (
        tuple[int, int]
    ):
        if isinstance(value, tuple):
            return value
        index, sep, count = str(value).partition("/")
        try:
            pair = int(index), int(count)
        except ValueError:
            pair = (0, 0)
        if not sep or not 1 <= pair[0] <= pair[1]:
            self.fail(f"{value!r} is not I/N with 1 <= I <= N (e.g. 3/10)", param, ctx)
        return pair


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("vcfs", nargs=-1, metavar="[VCF...]", type=click.Path(dir_okay=False))
@click.option("-m", "--manifest", type=click.Path(dir_okay=False),
              help="TSV with a header: path (required), sample, sex, build. Instead of VCF...")
@click.option("-d", "--outdir", required=True, type=click.Path(file_okay=False),
              help="Output folder: reports/, state/, summary.tsv, summary.json.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default="CPUs",
              help="Worker processes (0 = one per CPU).")
@click.option("--resume", is_flag=True,
              help="Skip files whose reports are complete from an earlier run with the same "
              "input, options, PED content and reference data (redo failed and unfinished "
              "ones).")
@click.option("--format", "formats", type=FormatList(), default="tsv,json", show_default=True,
              help="Per-file reports: comma-separated tsv, json, vcf (bgzipped + indexed), html.")
@annotate_options
@click.option("--chunk", type=ChunkType(),
              help="Process only the I-th of N equal parts of the inputs (for scatter on a "
              "cluster; see workflows/). Implies --no-summary.")
@click.option("--no-summary", is_flag=True,
              help="Do not write summary.tsv/summary.json (a later --merge-only does).")
@click.option("--merge-only", is_flag=True,
              help="Process nothing: rebuild the summaries from OUTDIR/state (for the inputs "
              "given, or every file there).")
@click.option("--allow-failures", is_flag=True,
              help="Exit 0 even when files failed (they are still listed in the summary).")
def batch(
    vcfs: tuple[str, ...],
    manifest: str | None,
    outdir: str,
    jobs: int,
    resume: bool,
    formats: tuple[str, ...],
    sexes: tuple[tuple[str, object], ...],
    ped: str | None,
    build: object,
    pass_only: bool,
    af_field: str | None,
    frequency_thresholds: str | None,
    no_sex_inference: bool,
    genotypes: str,
    chunk: tuple[int, int] | None,
    no_summary: bool,
    merge_only: bool,
    allow_failures: bool,
) -> None:
    """Annotate many VCF files in parallel: per-file reports and a merged summary.

    Give the files as arguments or in a --manifest (which can declare each sample's sex and each
    file's build). One file failing does not stop the run: the failed files are listed with their
    errors in the summary and the exit code is 1 at the end.

    \b
    Examples:
      ipex batch data/*.vcf.gz --outdir out/
      ipex batch --manifest cohort.tsv --outdir out/ --jobs 8 --format tsv,json,html
      ipex batch --manifest cohort.tsv --outdir out/ --resume
      ipex batch --manifest cohort.tsv --outdir out/ --merge-only

    \b
    Output: OUTDIR/reports/NAME.{tsv,json,...} per file (NAME = file name + hash of its path),
    OUTDIR/state/NAME.json (completion marker), OUTDIR/summary.tsv, OUTDIR/summary.json.
    Exit codes: 0 all files ok; 1 a file failed (or a data error); 2 usage error.
    """
    from ipexcli.batch import (
        BatchSettings,
        chunk_of,
        jobs_from_manifest,
        jobs_from_paths,
        merge_states,
        run_batch,
        write_summary,
    )
    from ipexcli.errors import UsageError

    if manifest and vcfs:
        raise UsageError("give VCF files or --manifest, not both")
    if manifest:
        from ipexcli.manifest import read_manifest

        job_list = jobs_from_manifest(read_manifest(manifest))
    elif vcfs:
        notes: list[str] = []
        job_list = jobs_from_paths(vcfs, notes)
        for note in notes:  # #15: the same file twice is read once, and said so
            click.echo(f"note: {note}", err=True)
    elif merge_only:
        job_list = None
    else:
        raise UsageError("no input files", "Give VCF files or --manifest TSV")
    from ipexcli.batch import batch_outputs, check_not_inputs  # #15: outputs are not inputs

    check_not_inputs(
        job_list or [],
        batch_outputs(job_list or [], outdir, () if merge_only else formats,
                      summary=not (no_summary or chunk)),
        [manifest, ped],
    )
    if merge_only:
        result = merge_states(job_list, outdir)
    else:
        assert job_list is not None
        if chunk:
            job_list = chunk_of(job_list, *chunk)
            no_summary = True
        settings = BatchSettings(
            outdir=outdir,
            formats=formats,
            annotate=options_from(click.get_current_context().params, formats),
            workers=jobs,
            resume=resume,
        )
        from ipexcli.report.console import batch_progress

        result = run_batch(job_list, settings, progress=batch_progress)
    from ipexcli.report.console import printable

    where = ""
    if not no_summary:
        tsv, _ = write_summary(result, outdir)
        where = f" -> {printable(str(tsv))}"
    failed = result.failed
    counts = f"{len(result.outcomes)} files, {len(result.outcomes) - len(failed)} ok, " + (
        f"{len(failed)} failed"
    )
    if merge_only:
        click.echo(f"batch: merged {counts}{where}", err=True)
    else:
        click.echo(
            f"batch: {counts}, {result.resumed} resumed from earlier runs "
            f"({result.seconds:.1f} s){where}",
            err=True,
        )
    for outcome in failed[:10]:
        shown = outcome.error
        if not shown.startswith(outcome.input):
            shown = f"{outcome.input}: {shown}"
        click.echo(f"failed: {printable(shown)}", err=True)  # no ESC from file names/content
    if len(failed) > 10:
        click.echo(f"... and {len(failed) - 10} more failed files (see the summary)", err=True)
    if failed and not allow_failures:
        sys.exit(1)
