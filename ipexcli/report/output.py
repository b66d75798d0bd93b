"""Send a rendered :class:`~ipexcli.result.Report` to stdout or a file (atomically, streamed).

The output file's whole suffix, case-insensitively, says what is written
(:data:`SUFFIX_FORMATS`): ``.vcf``, ``.vcf.gz``/``.vcf.bgz`` (bgzipped + tabix index), ``.bcf``
(+ CSI index), ``.tsv, ``.tsv.gz``, ``.json``, ``.json.gz``, ``.html``. TSV, JSON and VCF are
written row by row to the (temporary, then renamed) file, never built as one string, so that a
cohort's report does not need its text in memory twice.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ipexcli.result import Report

#: output suffix (lower case, longest first) -> (format, compression: "", "gzip", "bgzf", "bcf")
SUFFIX_FORMATS: dict[str, tuple[str, str]] = {
    ".vcf.gz": ("vcf", "bgzf"),
    ".vcf.bgz": ("vcf", "bgzf"),
    ".tsv.gz": ("tsv", "gzip"),
    ".txt.gz": ("tsv", "gzip"),
    ".json.gz": ("json", "gzip"),
    ".vcf": ("vcf", ""),
    ".bcf": ("vcf", "bcf"),
    ".tsv": ("tsv", ""),
    ".txt": ("tsv", ""),
    ".json": ("json", ""),
    ".html": ("html", ""),
    ".htm": ("html", ""),
}


def suffix_format(output: str | None) -> tuple[str, str] | None:
    """(format, compression) that ``output``'s whole suffix names, or None (stdout, unknown).

    >>> suffix_format("run/X.VCF.GZ"), suffix_format("r.tsv.gz"), suffix_format("a.b")
    (('vcf', 'bgzf'), ('tsv', 'gzip'), None)
    """
    if not output or output == "-":
        return None
    name = Path(output).name.lower()
    for suffix, found in SUFFIX_FORMATS.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return found
    return None


def render_text(report: Report, fmt: str, width: int | None = None) -> str:
    """The report in ``fmt`` as text; ``table`` is rendered without colour at ``width``."""
    if fmt == "table":
        from ipexcli.report.console import make_console, render_report

        buffer = io.StringIO()
        render_report(report, make_console(file=buffer, width=width or 100))
        return buffer.getvalue()
    from ipexcli.report import render_text as render_format

    return render_format(report, fmt)


def write_stream(report: Report, fmt: str, handle: IO[Any], *, scope: str = "locus",
                 sources: dict[str, str] | None = None) -> None:
    """Write the report in ``fmt`` to an open handle (binary for ``vcf``, text otherwise)."""
    if fmt == "vcf":
        from ipexcli.report import vcf_out

        path = report.inputs[0].path if len(report.inputs) == 1 else None
        for note in vcf_out.write(report, handle, scope=scope,
                                  source=(sources or {}).get(path or "", None)):
            sys.stderr.write(f"warning: {note}\n")
    elif fmt == "tsv":
        from ipexcli.report import tsv

        tsv.write(report, handle)
    elif fmt == "json":
        from ipexcli.report import json_out

        json_out.write(report, handle)
    else:
        handle.write(render_text(report, fmt))


def write_report(report: Report, fmt: str, output: str | None, *, scope: str = "locus",
                 sources: dict[str, str] | None = None) -> None:
    """Write the report; ``output`` None or ``-`` means stdout.

    Files are written through :func:`ipexcli.atomic.atomic_write`, so an interrupted run leaves
    no partial file; temporary files that killed runs left for the same destination are swept
    first. The compression comes from ``output``'s suffix (:func:`suffix_format`); a bgzipped
    VCF gets a tabix index beside it, a BCF a CSI index (#13), each pair published together.
    ``sources`` maps an input path to the file to read it from again (the VCF writer re-reads
    its input; standard input is spooled to a file for that).
    """
    if fmt == "table" and (output is None or output == "-"):
        from ipexcli.report.console import make_console, render_report

        render_report(report, make_console())
        return
    if output is None or output == "-":
        if fmt == "vcf":
            write_stream(report, fmt, sys.stdout.buffer, scope=scope, sources=sources)
            sys.stdout.buffer.flush()
        else:  # #15: sample names that are not UTF-8 go out as the bytes they came in as
            sys.stdout.flush()
            buffer = getattr(sys.stdout, "buffer", None)
            stream: IO[Any] = sys.stdout if buffer is None else io.TextIOWrapper(
                buffer, encoding="utf-8", errors="surrogateescape", newline="",
                write_through=True,
            )
            write_stream(report, fmt, stream, scope=scope, sources=sources)
            if buffer is not None:
                stream.flush()
                stream.detach()  # type: ignore[attr-defined]
            sys.stdout.flush()
        return
    found = suffix_format(output)
    compression = found[1] if found and found[0] == fmt else ""
    if fmt == "vcf" and compression in ("bgzf", "bcf"):
        _write_indexed_vcf(report, output, compression, scope, sources)
        return
    from ipexcli.atomic import atomic_write, sweep_stale

    here = os.path.dirname(output) or "."
    sweep_stale(here, [os.path.basename(output), os.path.basename(output) + ".tbi"])

    binary = fmt == "vcf" or compression == "gzip"
    with atomic_write(output, "wb" if binary else "w") as handle:
        if compression == "gzip":
            with _gzip_text(handle, fmt) as stream:
                write_stream(report, fmt, stream, scope=scope, sources=sources)
        else:
            write_stream(report, fmt, handle, scope=scope, sources=sources)


@contextmanager
def _gzip_text(handle: IO[bytes], fmt: str) -> Iterator[IO[Any]]:
    import gzip

    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as packed:
        if fmt == "vcf":
            yield packed  # type: ignore[misc]
        else:
            text = io.TextIOWrapper(packed, encoding="utf-8", newline="", errors="surrogateescape")
            yield text
            text.flush()
            text.detach()


def _write_indexed_vcf(report: Report, output: str, compression: str, scope: str,
                       sources: dict[str, str] | None) -> None:
    """A bgzipped VCF + ``.tbi``, or a BCF + ``.csi`` (#13), made in a hidden folder beside
    ``output`` (:func:`ipexcli.atomic.temp_folder`) and published as a pair, index first and
    data last (:func:`ipexcli.atomic.publish`, #15). An input whose records are not sorted
    gives the data without index (and a warning, and an earlier run's index beside it
    removed): the records keep the input's order."""
    from pathlib import Path

    from ipexcli import atomic
    from ipexcli.errors import InputFileError
    from ipexcli.vcf import htslib

    destination = Path(output)
    suffix = ".tbi" if compression == "bgzf" else ".csi"
    index = destination.with_name(destination.name + suffix)
    with atomic.temp_folder(destination) as folder:
        try:
            if compression == "bgzf":
                made = folder / "out.vcf.gz"
                if not _copy_blocks(report, made, scope, sources):
                    with htslib.bgzf_writer(made) as handle:
                        write_stream(report, "vcf", handle, scope=scope, sources=sources)
                indexed = htslib.index_vcf_gz(made)
            else:
                plain = folder / "out.vcf"
                with open(plain, "wb") as handle:
                    write_stream(report, "vcf", handle, scope=scope, sources=sources)
                made = folder / "out.bcf"
                htslib.vcf_to_bcf(plain, made)
                plain.unlink()
                indexed = htslib.index_bcf(made)  # #13: a .csi, as bcftools writes for BCF
        except (OSError, ValueError) as exc:
            raise InputFileError(str(destination), f"cannot compress the output ({exc})") from exc
        if not indexed:
            how = "tabix" if compression == "bgzf" else "bcftools index"
            sys.stderr.write(
                f"warning: {output}: written without an index: its records keep the "
                f"input's order, which is not sorted (bcftools sort, then {how})\n"
            )
        pairs = [(Path(f"{made}{suffix}"), index)] if indexed else []
        if not indexed and index.exists():
            index.unlink()  # an earlier run's index would not match the new data
        atomic.publish([*pairs, (made, destination)])


def _copy_blocks(report: Report, made: Path, scope: str, sources: dict[str, str] | None
                 ) -> bool:
    """#13: ``--scope all`` of a BGZF input: its unchanged blocks copied
    (:mod:`ipexcli.report.vcf_blocks`); False when that does not apply."""
    from ipexcli.report import vcf_blocks

    path = report.inputs[0].path if len(report.inputs) == 1 else ""
    notes = vcf_blocks.write(report, made, scope=scope, source=(sources or {}).get(path))
    for note in notes or ():
        sys.stderr.write(f"warning: {note}\n")
    return notes is not None
