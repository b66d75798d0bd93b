"""Send a rendered :class:`~ipexcli.result.Report` to stdout or a file (atomically)."""

from __future__ import annotations

import io
import sys

from ipexcli.result import Report


def render_text(report: Report, fmt: str, width: int | None = None) -> str:
    """The report in ``fmt`` as text; ``table`` is rendered without colour at ``width``."""
    if fmt == "table":
        from ipexcli.report.console import make_console, render_report

        buffer = io.StringIO()
        render_report(report, make_console(file=buffer, width=width or 100))
        return buffer.getvalue()
    from ipexcli.report import render_text as render_format

    return render_format(report, fmt)


def write_report(report: Report, fmt: str, output: str | None) -> None:
    """Write the report; ``output`` None or ``-`` means stdout.

    Files are written through :func:`ipexcli.atomic.atomic_write`, so an interrupted run leaves
    no partial file. A ``.vcf.gz``/``.bgz`` VCF output is bgzipped and tabix-indexed.
    """
    if fmt == "table" and (output is None or output == "-"):
        from ipexcli.report.console import make_console, render_report

        render_report(report, make_console())
        return
    text = render_text(report, fmt)
    if output is None or output == "-":
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text-only stream (tests capture stdout this way)
            sys.stdout.write(text)
        else:  # #15: sample names that are not UTF-8 go out as the bytes they came in as
            sys.stdout.flush()
            buffer.write(text.encode("utf-8", "surrogateescape"))
            buffer.flush()
        sys.stdout.flush()
        return
    from ipexcli.atomic import atomic_write

    if fmt == "vcf" and output.endswith((".gz", ".bgz")):
        from ipexcli.vcf import write_bgzf_indexed

        write_bgzf_indexed(text, output)
        return
    with atomic_write(output, "wb") as handle:  # #15: bytes-faithful sample names
        handle.write(text.encode("utf-8", "surrogateescape"))
