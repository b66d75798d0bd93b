"""Atomic output: a file or directory appears complete at its destination, or not at all.

Every output path of ipexcli writes through :func:`atomic_write` (or :func:`open_output`, which
also understands ``-`` for stdout). The data go to a hidden temporary file in the destination's
own directory (``.NAME.XXXX.tmp``, so the final rename never crosses a filesystem), are flushed
and fsync'ed, and only then renamed over the destination with :func:`os.replace`. On *any*
exception, including :class:`KeyboardInterrupt` (Ctrl-C / SIGINT) and :class:`SystemExit`, the
temporary file is removed and the destination is left exactly as it was.

Directories (the installed known-variant table) use :func:`staging_dir` + :func:`install_dir`:
build the new directory beside the destination, then swap it in with two renames; the previous
directory is kept until the new one is fully in place. :func:`remove_dir` takes a directory away
with one rename before deleting it.

Not covered: SIGKILL or power loss between the two renames of :func:`install_dir` (the previous
directory is then left as ``.NAME.previous-XXXX`` beside the destination and
:func:`recover_dir` puts it back), and signals whose default action kills the process without
raising (SIGTERM unless the CLI maps it to an exception): those leave a ``.tmp`` file behind but
never a partial destination.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: prefix of the hidden siblings this module creates (temporary files and directories)
TEMP_PREFIX = "."


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def _is_special(path: Path) -> bool:
    """True for an existing destination that is neither a regular file nor a directory."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    durable: bool = True,
) -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it to ``path`` on success.

    A symbolic link is followed (its target is replaced, the link kept). A destination that
    is a device or a named pipe (``/dev/null``, ``/dev/stdout``) is written directly.

    ``mode`` is ``"w"`` (text) or ``"wb"`` (binary). The file gets the permissions a normal
    ``open(path, "w")`` would give (those of an existing destination, else 0666 minus umask).
    ``durable=False`` skips the two fsyncs: the file still appears whole or not at all to every
    process (interruptions included), but a power loss may lose it; for callers writing many
    files that flush once at the end (``ipex batch``; fsync costs milliseconds per file).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.tsv"
    >>> with atomic_write(out) as handle:
    ...     _ = handle.write("id\\tclass\\n")
    >>> out.read_text()
    'id\\tclass\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    destination = Path(path)
    if _is_special(destination):
        # /dev/null, /dev/stdout, a named pipe...: renaming over it would replace the device node
        # itself (as root even /dev/null); there is no previous content to protect, write to it
        if mode == "wb":
            special: IO = open(destination, "wb")  # noqa: SIM115 - closed by the with below
        else:
            special = open(destination, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        with special:
            yield special
        return
    if destination.is_symlink():  # replace the file the link points to, keep the link
        destination = Path(os.path.realpath(destination))
    directory = destination.parent
    fd, temp_name = tempfile.mkstemp(
        dir=directory, prefix=f"{TEMP_PREFIX}{destination.name}.", suffix=".tmp"
    )
    try:
        try:
            permissions = destination.stat().st_mode & 0o7777
        except FileNotFoundError:
            permissions = 0o666 & ~_umask()
        os.fchmod(fd, permissions)
        if mode == "wb":
            handle: IO = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        _unlink_quietly(temp_name)
        raise
    try:
        with handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp_name, destination)
    except BaseException:
        _unlink_quietly(temp_name)
        raise
    if durable:
        _fsync_dir(directory)


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO]:
    """Like :func:`atomic_write`, but ``None`` or ``"-"`` means stdout (not closed afterwards)."""
    if path is None or str(path) == "-":
        stream = sys.stdout.buffer if mode == "wb" else sys.stdout
        yield stream
        stream.flush()
        return
    with atomic_write(path, mode) as handle:
        yield handle


@contextlib.contextmanager
def staging_dir(destination: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh hidden directory beside ``destination``; removed on exit unless installed.

    Fill it, then call :func:`install_dir` inside the ``with`` block. Whatever happens, no staging
    directory outlives the block.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(dir=destination.parent, prefix=f"{TEMP_PREFIX}{destination.name}.new-")
    )
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def install_dir(staging: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
    """Replace directory ``destination`` by the complete directory ``staging`` (same parent).

    The previous ``destination`` is renamed aside first, the new one renamed in, and only then is
    the previous one deleted; if the second rename fails the previous one is put back.
    """
    staging, destination = Path(staging), Path(destination)
    if staging.parent.resolve() != destination.parent.resolve():
        raise ValueError(f"{staging} and {destination} must share a parent directory")
    for entry in staging.iterdir():
        if entry.is_file():
            with entry.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(staging)
    previous: Path | None = None
    if destination.exists() or destination.is_symlink():
        previous = Path(
            tempfile.mkdtemp(
                dir=destination.parent, prefix=f"{TEMP_PREFIX}{destination.name}.previous-"
            )
        )
        os.rmdir(previous)  # only the unique name is wanted
        os.replace(destination, previous)
    try:
        os.replace(staging, destination)
    except BaseException:
        if previous is not None:
            os.replace(previous, destination)
        raise
    _fsync_dir(destination.parent)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def remove_dir(destination: str | os.PathLike[str]) -> bool:
    """Take directory ``destination`` away atomically (one rename), then delete it.

    Returns False when there was nothing to remove.
    """
    destination = Path(destination)
    if not destination.exists():
        return False
    doomed = Path(
        tempfile.mkdtemp(dir=destination.parent, prefix=f"{TEMP_PREFIX}{destination.name}.removed-")
    )
    os.rmdir(doomed)
    os.replace(destination, doomed)
    _fsync_dir(destination.parent)
    shutil.rmtree(doomed, ignore_errors=True)
    return True


def recover_dir(destination: str | os.PathLike[str]) -> Path | None:
    """Put back a previous directory left aside by an interrupted :func:`install_dir`.

    Only acts when ``destination`` is missing and exactly one ``.NAME.previous-*`` sibling exists;
    returns the directory restored, else None. Leftovers of :func:`remove_dir` are deleted.
    """
    destination = Path(destination)
    parent = destination.parent
    if not parent.is_dir():
        return None
    for stale in parent.glob(f"{TEMP_PREFIX}{destination.name}.removed-*"):
        shutil.rmtree(stale, ignore_errors=True)
    previous = sorted(parent.glob(f"{TEMP_PREFIX}{destination.name}.previous-*"))
    if destination.exists() or len(previous) != 1:
        return None
    os.replace(previous[0], destination)
    return destination
