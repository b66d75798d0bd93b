"""Refuse, before any work, an output that would overwrite one of the run's inputs.

``ipex annotate s.vcf -o s.vcf`` used to replace the input with the report (exit 0). An output
*is* an input when its real path (symbolic links resolved) or its file identity (device and inode,
which also catches hard links and bind mounts) equals that of an input file, of the index the
reader may use beside an input (``.tbi``/``.csi``), or of another file the run reads (PED,
manifest). Outputs that ipexcli writes beside a report (the ``.tbi`` of a ``.vcf.gz``) count as
outputs. Only regular files are compared: ``-``, ``/dev/stdout`` and pipes are neither protected
nor refused.

The check is a usage error (exit 2): nothing has been read or written yet.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from ipexcli.errors import UsageError

#: indexes the VCF reader may read beside an input (``x.vcf.gz.tbi``, ``x.bcf.csi``...)
INDEX_SUFFIXES: tuple[str, ...] = (".tbi", ".csi")


def _identity(path: str) -> tuple[str, tuple[int, int] | None] | None:
    """(real path, (device, inode) of an existing regular file or None); None for ``-``/devices."""
    if not path or path == "-":
        return None
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path), None  # not there (yet): its real path still counts
    if not stat.S_ISREG(info.st_mode):
        return None  # /dev/stdout, a pipe...: no content to protect
    return os.path.realpath(path), (info.st_dev, info.st_ino)


def protected_paths(inputs: Iterable[str], others: Iterable[str | None] = ()) -> list[str]:
    """The inputs, the indexes beside them that exist, and the other files read (PED...)."""
    out: list[str] = []
    for path in inputs:
        if not path or path == "-":
            continue
        out.append(path)
        out.extend(path + s for s in INDEX_SUFFIXES if os.path.lexists(path + s))
    out.extend(p for p in others if p)
    return out


def check_outputs(
    outputs: Iterable[str | None],
    protected: Iterable[str],
    option: str,
    hint: str = "Write the report to another file; inputs are never modified",
) -> None:
    """Raise :class:`UsageError` when an output resolves to a protected file.

    >>> import tempfile, pathlib
    >>> vcf = pathlib.Path(tempfile.mkdtemp()) / "s.vcf"
    >>> _ = vcf.write_text("##fileformat=VCFv4.2\\n")
    >>> check_outputs([str(vcf.parent / "report.tsv")], [str(vcf)], "-o")  # fine
    >>> check_outputs([str(vcf)], [str(vcf)], "-o")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ipexcli.errors.UsageError: -o .../s.vcf would overwrite the input .../s.vcf...
    """
    by_path: dict[str, str] = {}
    by_inode: dict[tuple[int, int], str] = {}
    for path in protected:
        identity = _identity(path)
        if identity is None:
            continue
        real, inode = identity
        by_path.setdefault(real, path)
        if inode is not None:
            by_inode.setdefault(inode, path)
    for output in outputs:
        identity = _identity(output or "")
        if identity is None:
            continue
        real, inode = identity
        hit = by_path.get(real) or (by_inode.get(inode) if inode is not None else None)
        if hit is not None:
            same = "" if os.path.abspath(hit) == os.path.abspath(str(output)) else (
                f" ({output} is the same file)"
            )
            raise UsageError(
                f"{option} {output} would overwrite the input {hit}{same}",
                hint,
            )


def written_by_report(output: str | None, fmt: str) -> list[str]:
    """The files a report to ``output`` in ``fmt`` creates (a ``.vcf.gz`` adds its index)."""
    if not output or output == "-":
        return []
    if fmt == "vcf" and output.endswith((".gz", ".bgz")):
        return [output, output + ".tbi"]
    return [output]


def check_annotate_output(
    output: str | None, fmt: str, inputs: Iterable[str], ped: str | None
) -> None:
    """``ipex annotate``: ``-o`` (and the index of a ``.vcf.gz`` report) must not be an input."""
    written = written_by_report(output, fmt)
    if written:
        check_outputs(written, protected_paths(inputs, [ped]), "-o")
