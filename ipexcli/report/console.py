"""Terminal rendering: the only module that imports rich.

Styles have semantic names (``impact.high``, ``verdict.consistent``) defined once in
:data:`THEME`; data is always passed as :class:`rich.text.Text` or escaped, because HGVS strings
contain brackets that rich would otherwise read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ipexcli.refdata import RefData
    from ipexcli.sex import SexCheckResult

THEME_STYLES = {
    "impact.high": "bold red",
    "impact.moderate": "yellow",
    "impact.low": "green",
    "impact.modifier": "dim",
    "verdict.consistent": "bold red",
    "verdict.carrier": "bold yellow",
    "verdict.uncertain": "yellow",
    "verdict.none": "green",
    "flag": "magenta",
    "ok": "green",
    "fail": "bold red",
    "muted": "dim",
}


def make_console(
    file: IO[str] | None = None, width: int | None = None, stderr: bool = False
) -> Console:
    """A console with the ipexcli theme; colour only on a terminal (rich decides)."""
    from rich.console import Console
    from rich.theme import Theme

    return Console(
        file=file, width=width, stderr=stderr, theme=Theme(THEME_STYLES), highlight=False
    )


def render_refdata_info(data: RefData, console: Console | None = None) -> None:
    """Print the bundled files, their sources and checksums."""
    from rich.text import Text

    console = console or make_console()
    console.print(
        Text(
            f"ipexcli reference data {data.version}  ({data.root})\n"
            f"known-variant table: {len(data.known)} rows, active: {data.known_origin}"
        )
    )
    for entry in data.manifest:
        line = Text(entry.file, style="bold")
        line.append(f"  [{entry.made}]  sha256 {entry.sha256}", style="muted")
        console.print(line)
        console.print(Text(f"    source:  {entry.source}"))
        console.print(Text(f"    from:    {entry.origin}   version: {entry.version}"))


def render_sex_table(
    results: Sequence[tuple[str, SexCheckResult]], console: Console | None = None
) -> None:
    """One row per (file, sample): declared, inferred, check and the evidence behind it."""
    from rich.table import Table
    from rich.text import Text

    console = console or make_console()
    table = Table(title="Sex check (non-PAR chrX / chrY)", title_justify="left")
    for name in ("sample", "declared", "inferred", "check", "used", "evidence"):
        table.add_column(name, overflow="fold")
    show_file = len({path for path, _ in results}) > 1
    if show_file:
        table.add_column("file", overflow="fold")
    for path, result in results:
        ev = result.inference.evidence
        parts = [f"{ev.informative_sites} informative sites ({ev.method.value})"]
        if ev.f is not None:
            parts.append(f"F={ev.f:.2f}")
        if ev.het_fraction is not None:
            parts.append(f"het fraction {ev.het_fraction:.2f}")
        if ev.het_ratio is not None:
            parts.append(f"het/hom-alt {ev.het_ratio:.2f}")
        if ev.haploid:
            parts.append(f"{ev.haploid} haploid")
        parts.append(f"chrY {ev.y_called}/{ev.y_sites}")
        check = result.check.value
        style = {"MISMATCH": "fail", "ok": "ok", "atypical": "flag"}.get(check, "muted")
        declared = result.declared.value
        if result.declared_source:
            declared += f" ({result.declared_source})"
        row = [
            Text(result.sample),
            Text(declared),
            Text(result.inferred.value),
            Text(check, style=style),
            Text(f"{result.used.value} ({result.used_basis})"),
            Text(", ".join(parts)),
        ]
        if show_file:
            row.append(Text(path))
        table.add_row(*row)
    console.print(table)
