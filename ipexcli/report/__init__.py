"""Renderers: each takes a computed :class:`~ipexcli.result.Report` and writes one output format.

* ``table``: :func:`ipexcli.report.console.render_report` (rich; prints to a console)
* ``tsv``: :func:`ipexcli.report.tsv.render`
* ``json``: :func:`ipexcli.report.json_out.render` (schema ``ipexcli/schema/report.schema.json``)
* ``vcf``: :func:`ipexcli.report.vcf_out.render` (one input at a time; ``--scope all`` of a
  BGZF input to ``.vcf.gz``: :mod:`ipexcli.report.vcf_blocks` copies the unchanged blocks)
* ``html``: :func:`ipexcli.report.html.render`

Formats are documented in ``docs/formats.md``. Renderers never compute annotations.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipexcli.result import Report

#: text formats -> module whose ``render(report) -> str`` writes them
TEXT_FORMATS: dict[str, str] = {
    "tsv": "ipexcli.report.tsv",
    "json": "ipexcli.report.json_out",
    "vcf": "ipexcli.report.vcf_out",
    "html": "ipexcli.report.html",
}


def render_text(report: Report, fmt: str) -> str:
    """``report`` as one of :data:`TEXT_FORMATS` (the module is imported on first use)."""
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown text format {fmt!r}: use one of {', '.join(TEXT_FORMATS)}")
    module = importlib.import_module(TEXT_FORMATS[fmt])
    text: str = module.render(report)
    return text
