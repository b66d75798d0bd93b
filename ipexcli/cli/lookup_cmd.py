"""``ipex lookup``: one variant by name, annotated in both builds."""

from __future__ import annotations

import json

import click

from ipexcli.cli import CONTEXT_SETTINGS
from ipexcli.cli.options import BuildType


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("query")
@click.option("--build", type=BuildType(), default=None,
              help="Build of a bare g. or chrX:pos:ref:alt query whose REF fits both builds.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def lookup(query: str, build: object, fmt: str) -> None:
    """Annotate one FOXP3 variant named by HGVS, protein change, position or rsID.

    Prints coordinates in both builds, consequence, HGVS names, known classification (with its
    source and date) and automated evidence codes.

    \b
    Examples:
      ipex lookup c.1189C>T
      ipex lookup NM_014009.4:c.816+2T>A
      ipex lookup p.R397W
      ipex lookup NC_000023.10:g.49107902G>A
      ipex lookup chrX:49251441:G:A --format json
      ipex lookup rs28935477
    """
    from ipexcli.lookup import lookup as run_lookup

    result = run_lookup(query, build)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    from ipexcli.report.console import make_console, render_lookup

    render_lookup(result, make_console())
