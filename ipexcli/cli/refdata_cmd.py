"""``ipex refdata``: what is bundled, and whether it is intact."""

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
    """


@refdata.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def info(fmt: str) -> None:
    """List every bundled file with its source, version and sha256."""
    from ipexcli import refdata as data_module

    data = data_module.load()
    if fmt == "json":
        payload = {
            "refdata_version": data.version,
            "root": data.root,
            "known_variants": {"rows": len(data.known), "active_table": data.known_origin},
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
