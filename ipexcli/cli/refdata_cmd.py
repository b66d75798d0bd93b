"""``ipex refdata``: what is bundled, whether it is intact, and refreshing it from ClinVar."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ipexcli.cli import CONTEXT_SETTINGS


@click.group(context_settings=CONTEXT_SETTINGS)
def refdata() -> None:
    """Show, verify or update the bundled FOXP3 reference data.

    \b
    Examples:
      ipex refdata info
      ipex refdata info --format json
      ipex refdata verify
      ipex refdata update
      ipex refdata reset
    """


@refdata.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def info(fmt: str) -> None:
    """List every bundled file with its source, version and sha256."""
    from ipexcli import refdata as data_module

    data = data_module.load()
    status = data_module.known_table_status()
    if fmt == "json":
        payload = {
            "refdata_version": data.version,
            "root": data.root,
            "known_variants": {
                "rows": len(data.known),
                "active_table": data.known_origin,
                "path": str(status.path),
                "source": status.source,
                "date": status.date,
                "urls": list(status.urls),
                "stale": status.stale,
            },
            "files": [
                {
                    "file": e.file,
                    "made": e.made,
                    "from": e.origin,
                    "source": e.source,
                    "version": e.version,
                    "sha256": e.sha256,
                }
                for e in data.manifest
            ],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    from ipexcli.report.console import render_refdata_info

    render_refdata_info(data)
    click.echo(f"active known-variant table: {status.source}, {status.rows} rows ({status.path})")
    if status.stale:
        click.echo(
            "note: the installed table was merged with an older bundled table; "
            "run `ipex refdata update` again, or `ipex refdata reset`"
        )


@refdata.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Verify this copy of the data instead of the bundled one.",
)
def verify(data_dir: Path | None) -> None:
    """Check checksums and internal consistency; exit 1 on any problem.

    Checks every file's sha256 against MANIFEST.json, that the exons splice to the NM_014009.4
    cDNA and the CDS translates to the 431-aa protein (both builds), that GRCh37 and GRCh38 exons
    agree, and that every known variant's REF matches the bundled sequence.
    """
    from ipexcli import refdata as data_module
    from ipexcli.errors import RefDataError

    checks = data_module.verify(data_dir)
    failed = [c for c in checks if not c.ok]
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"{mark} {check.name}: {check.detail}")
    if failed:
        names = ", ".join(c.name for c in failed)
        raise RefDataError(
            f"{len(failed)} of {len(checks)} reference-data checks failed ({names})",
            "Reinstall ipexcli; if you edited the data, rebuild it with refdata/build.py",
        )
    click.echo(f"all {len(checks)} checks passed")


@refdata.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--clinvar-url",
    metavar="URL",
    help="GRCh38 ClinVar VCF (https://, http:// or file://).  [default: NCBI clinvar.vcf.gz]",
)
@click.option(
    "--clinvar-grch37-url",
    metavar="URL",
    help="GRCh37 ClinVar VCF of the same release.  [default: NCBI clinvar.vcf.gz]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait to connect, and for each piece of data.",
)
def update(clinvar_url: str | None, clinvar_grch37_url: str | None, timeout: float) -> None:
    """Refresh the known-variant table from a ClinVar release (the only command using the network).

    Downloads the GRCh38 and GRCh37 ClinVar VCFs (verifying the .md5 NCBI publishes beside them),
    keeps the FOXP3 records, rejects and counts any whose REF contradicts the bundled sequence or
    whose CLNHGVS describes another change, joins the builds by Variation ID, and installs the
    table into IPEXCLI_DATA_DIR (default ~/.local/share/ipexcli) atomically: on any failure the
    table in use stays exactly as it was. The request carries nothing but the URL.

    Merge policy: the bundled table is updated, not replaced. Bundled rows ClinVar covers take
    the release's classification, review status, stars and condition (the former
    classification is kept in the note); other FOXP3 variations are added as rows
    CV<Variation ID>; bundled rows ClinVar does not cover stay as bundled.

    \b
    Examples:
      ipex refdata update
      ipex refdata update --clinvar-url file:///mirror/GRCh38/clinvar.vcf.gz \\
                          --clinvar-grch37-url file:///mirror/GRCh37/clinvar.vcf.gz
    """
    from ipexcli import update as update_module
    from ipexcli.model import Build

    urls = dict(update_module.DEFAULT_URLS)
    if clinvar_url:
        urls[Build.GRCH38] = clinvar_url
    if clinvar_grch37_url:
        urls[Build.GRCH37] = clinvar_grch37_url
    policy = update_module.DownloadPolicy(connect_timeout=timeout, read_timeout=timeout)
    result = update_module.run_update(
        urls, policy, progress=lambda message: click.echo(message, err=True)
    )
    for scan in result.scans:
        rejected = ", ".join(f"{reason} {n}" for reason, n in sorted(scan.reject_counts.items()))
        click.echo(
            f"{scan.build}: {scan.records_read:,} records read, {scan.foxp3_records} FOXP3, "
            f"rejected: {rejected or 'none'}"
        )
    rejected = ", ".join(f"{reason} {n}" for reason, n in sorted(result.rejected.items()))
    click.echo(
        f"ClinVar release {result.release_date}: {result.accepted} FOXP3 variations accepted, "
        f"rejected: {rejected or 'none'}"
    )
    click.echo(
        f"installed {result.rows} rows ({result.updated} bundled rows updated, {result.added} "
        f"added, {result.kept} kept as bundled) in {result.destination}"
    )


@refdata.command(context_settings=CONTEXT_SETTINGS)
def reset() -> None:
    """Go back to the bundled known-variant table (removes the installed update, no questions)."""
    from ipexcli import update as update_module

    removed = update_module.reset()
    if removed is None:
        click.echo("no installed update: the bundled known-variant table is already active")
    else:
        click.echo(f"removed the installed update {removed}; the bundled table is active again")
