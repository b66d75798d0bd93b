"""Send a rendered :class:`~ipexcli.result.Report` to stdout or a file (atomically)."""

from __future__ import annotations

import io
import os
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
    no partial file; temporary files that killed runs left for the same destination are swept
    first. A ``.vcf.gz``/``.bgz`` VCF output is bgzipped and tabix-indexed (:func:`write_vcf_gz`).
    """
    if fmt == "table" and (output is None or output == "-"):
        from ipexcli.report.console import make_console, render_report

        render_report(report, make_console())
        return
    text = render_text(report, fmt)
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ipexcli.atomic import atomic_write, sweep_stale

    here = os.path.dirname(output) or "."
    sweep_stale(here, [os.path.basename(output), os.path.basename(output) + ".tbi"])

    if fmt == "vcf" and output.endswith((".gz", ".bgz")):
        write_vcf_gz(text, output)
        return
    with atomic_write(output) as handle:
        handle.write(text)


def write_vcf_gz(text: str, output: str, durable: bool = True, sweep: bool = True) -> None:
    """``output`` bgzipped with its tabix index ``output.tbi``, published as a pair (#15 case 8).

    Both are made in one hidden folder beside ``output`` (:func:`ipexcli.atomic.temp_folder`,
    which first sweeps what killed runs left there, unless ``sweep`` is False), then renamed
    under a lock on the folder, index first and data last (:func:`ipexcli.atomic.publish`): two
    runs to the same ``-o`` cannot pair one's data with the other's index.
    """
    from pathlib import Path

    from ipexcli import atomic
    from ipexcli.vcf import write_bgzf_indexed  # bgzip + tabix (pysam's home module)

    destination = Path(output)
    with atomic.temp_folder(destination, sweep=sweep) as folder:
        made = folder / "out.vcf.gz"
        write_bgzf_indexed(text, made)
        index = destination.with_name(destination.name + ".tbi")
        atomic.publish([(Path(f"{made}.tbi"), index), (made, destination)], durable=durable)
