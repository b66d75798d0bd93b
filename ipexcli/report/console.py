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
    """One row per (file, sample): declared, inferred, check, sex used and the evidence."""
    from rich.table import Table
    from rich.text import Text

    if console is None:
        console = make_console()
        if not console.is_terminal and console.width < 160:
            console.width = 160  # piped: no terminal to wrap for; keep one line per sample
    table = Table(
        title="Sex check (non-PAR chrX / chrY)",
        title_justify="left",
        caption=(
            "used: the declared sex wins; the inferred one only when none is declared; "
            "'unknown' = both interpretations given"
        ),
        caption_justify="left",
    )
    table.add_column("sample", no_wrap=True)
    for name in ("declared", "inferred", "check", "used", "by"):
        table.add_column(name, no_wrap=True)
    for name in ("sites", "F", "het frac", "haploid", "chrY"):
        table.add_column(name, justify="right", no_wrap=True)
    show_file = len({path for path, _ in results}) > 1
    if show_file:
        table.add_column("file", overflow="fold")
    for path, result in results:
        ev = result.inference.evidence
        check = result.check.value
        style = {"MISMATCH": "fail", "ok": "ok", "atypical": "flag"}.get(check, "muted")
        row = [
            Text(result.sample),
            Text(result.declared.value),
            Text(result.inferred.value),
            Text(check, style=style),
            Text(result.used.value + ("*" if result.used_basis == "inferred" else "")),
            Text(ev.method.value),
            Text(str(ev.informative_sites)),
            Text("." if ev.f is None else f"{ev.f:.2f}"),
            Text("." if ev.het_fraction is None else f"{ev.het_fraction:.2f}"),
            Text(str(ev.haploid)),
            Text(f"{ev.y_called}/{ev.y_sites}"),
        ]
        if show_file:
            row.append(Text(path))
        table.add_row(*row)
    console.print(table)
    if any(r.used_basis == "inferred" for _, r in results):
        console.print(Text("* inferred from the data (no declared sex)", style="muted"))
