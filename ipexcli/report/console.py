"""Terminal rendering: the only module that imports rich.

Styles have semantic names (``impact.high``, ``verdict.consistent``) defined once in
:data:`THEME`; data is always passed as :class:`rich.text.Text` or escaped, because HGVS strings
contain brackets that rich would otherwise read as markup.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ipexcli.refdata import RefData

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
