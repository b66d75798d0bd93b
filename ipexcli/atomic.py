"""Atomic output: a file or directory appears complete at its destination, or not at all.

Every output path of ipexcli writes through :func:`atomic_write` (or :func:`open_output`, which
also understands ``-`` for stdout). The data go to a hidden temporary file in the destination's
own directory (``.NAME.ipex<PID>h<HOST>-XXXX.tmp``, so the final rename never crosses a
filesystem), are flushed
and fsync'ed, and only then renamed over the destination with :func:`os.replace`. On *any*
exception, including :class:`KeyboardInterrupt` (Ctrl-C / SIGINT) and :class:`SystemExit`, the
temporary file is removed and the destination is left exactly as it was.

Directories (the installed known-variant table) use :func:`staging_dir` + :func:`install_dir`:
build the new directory beside the destination, then swap it in with two renames; the previous
directory is kept until the new one is fully in place. :func:`remove_dir` takes a directory away
with one rename before deleting it.

Pairs (a ``.vcf.gz`` and its ``.tbi``) use :func:`temp_folder` + :func:`publish`: both files are
made in one hidden folder beside the destination, then renamed under an exclusive lock on the
destination's folder, index first and data last (#15 case 8). The lock makes concurrent writers
to the same ``-o`` publish one after the other, so the pair on disk always comes from one run
(the last one): renaming in a fixed order alone cannot, since two runs can interleave their
renames. Readers do not take the lock; the data file, renamed last, is the commit point.

Every temporary name carries its owner, ``ipex<PID>h<HOST>`` (``HOST``: 6 hex digits of a hash
of the host name), so the next run to the same place can tell a live writer's files from the
leftovers of a killed one: :func:`sweep_stale` removes only names of this module's format
whose process is gone (same host, PID not running) or, for names without an owner (older
versions) or from another host, older than :data:`STALE_SECONDS`.

Not covered: SIGKILL or power loss between the two renames of :func:`install_dir` (the previous
directory is then left as ``.NAME.previous-XXXX`` beside the destination and
:func:`recover_dir` puts it back), and signals whose default action kills the process without
raising (SIGTERM unless the CLI maps it to an exception): those leave a ``.tmp`` file behind but
never a partial destination.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

#: prefix of the hidden siblings this module creates (temporary files and directories)
TEMP_PREFIX = "."
#: a temporary name without a live owner on this host is stale; one whose owner cannot be
#: checked (another host, or a name written before owners were recorded) after this long
STALE_SECONDS = 3600.0
#: ``.DEST.ipex<PID>h<HOST>-RANDOM.tmp`` (a file) or ``.d`` (a folder of a pair)
_OWNED = re.compile(
    r"^\.(?P<dest>.+)\.ipex(?P<pid>[0-9]+)h(?P<host>[0-9a-f]{6})-[A-Za-z0-9_]+\.(?:tmp|d)$"
)
#: names of earlier versions: ``.DEST.RANDOM.tmp`` files, ``.ipex-RANDOM`` folders of a pair
_LEGACY_FILE = re.compile(r"^\.(?P<dest>.+)\.[A-Za-z0-9_]{8}\.tmp$")
_LEGACY_FOLDER = re.compile(r"^\.ipex-[A-Za-z0-9_]{8}$")
#: what a pair's temporary folder may hold (a nested ``.ipex-*`` folder included), or the folder
#: of one input's reports in ``ipex batch`` (#14 item 5)
_PAIR_FILES = frozenset({"out.vcf", "out.vcf.gz", "out.vcf.gz.tbi", "out.tsv", "out.json",
                         "out.html", "marker.json"})


@lru_cache(maxsize=1)
def _host() -> str:
    import hashlib

    try:
        node = os.uname().nodename
    except AttributeError:  # pragma: no cover - Windows
        node = os.environ.get("COMPUTERNAME", "")
    return hashlib.sha1(node.encode("utf-8", "replace")).hexdigest()[:6]


def owner_tag() -> str:
    """``ipex<PID>h<HOST>``: who made a temporary name (see :func:`sweep_stale`)."""
    return f"ipex{os.getpid()}h{_host()}"


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
            special = open(destination, "w", encoding=encoding, newline=newline,  # noqa: SIM115
                           errors="surrogateescape")
        with special:
            yield special
        return
    if destination.is_symlink():  # replace the file the link points to, keep the link
        destination = Path(os.path.realpath(destination))
    directory = destination.parent
    fd, temp_name = tempfile.mkstemp(
        dir=directory, prefix=f"{TEMP_PREFIX}{destination.name}.{owner_tag()}-", suffix=".tmp"
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
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline,
                               errors="surrogateescape")  # #15: sample-name bytes kept
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


# -- pairs of files published together, and leftovers of killed runs (#15 case 8) -------------


@contextlib.contextmanager
def temp_folder(destination: str | os.PathLike[str], sweep: bool = True) -> Iterator[Path]:
    """A fresh hidden folder beside ``destination`` (``.NAME.<owner>-XXXX.d``), removed on exit
    whatever happens; leftovers of earlier killed runs to the same place are swept first
    (``sweep=False``: the caller sweeps, e.g. a batch once per run rather than once per file)."""
    destination = Path(destination)
    if sweep:
        sweep_stale(destination.parent, [destination.name, destination.name + ".tbi"])
    folder = Path(
        tempfile.mkdtemp(
            dir=destination.parent,
            prefix=f"{TEMP_PREFIX}{destination.name}.{owner_tag()}-",
            suffix=".d",
        )
    )
    try:
        yield folder
    finally:
        try:
            os.rmdir(folder)  # #14: empty once its files were published (the usual case)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def folder_lock(directory: str | os.PathLike[str]) -> Iterator[None]:
    """An exclusive ``flock`` on ``directory`` itself (no lock file left behind); held only for
    the renames of :func:`publish`. Where directories cannot be locked, no lock."""
    import fcntl

    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. a platform without directory handles
        yield
        return
    try:
        with contextlib.suppress(OSError):  # e.g. a filesystem without flock: best effort
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def publish(pairs: Iterable[tuple[Path, Path]], durable: bool = True) -> None:
    """Rename each complete ``(temporary, destination)`` in order, under :func:`folder_lock` of
    the destinations' folder: give the index first and the data last, so that the data file
    appearing marks a complete pair, and concurrent writers cannot mix their files."""
    pairs = list(pairs)
    if not pairs:
        return
    directory = pairs[0][1].parent
    if durable:
        for temporary, _ in pairs:
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())
    with folder_lock(directory):
        for temporary, destination in pairs:
            if destination.is_symlink():  # as atomic_write: replace the target, keep the link
                destination = Path(os.path.realpath(destination))
            os.replace(temporary, destination)
        if durable:
            _fsync_dir(directory)


def _pid_running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:  # pragma: no cover - cannot tell: assume alive
        return True
    return True


def _only_pair_files(folder: str) -> bool:
    """True when ``folder`` holds nothing but what a pair's writer puts there."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not (_LEGACY_FOLDER.match(entry.name) and _only_pair_files(entry.path)):
                return False
        elif entry.name not in _PAIR_FILES or entry.is_symlink():
            return False
    return True


def is_stale(name: str, path: str, now: float | None = None, mine_too: bool = False) -> bool:
    """True when ``name`` (in its folder, at ``path``) is a temporary of this module whose
    writer is gone. ``mine_too``: this process's own names count as gone (it is cleaning up
    after itself)."""
    now = time.time() if now is None else now
    try:
        age = now - os.lstat(path).st_mtime
    except OSError:
        return False
    owned = _OWNED.match(name)
    if owned is not None:
        pid = int(owned["pid"])
        if owned["host"] != _host():
            return age > STALE_SECONDS
        if pid == os.getpid():
            return mine_too
        return not _pid_running(pid)
    if _LEGACY_FILE.match(name) or _LEGACY_FOLDER.match(name):
        return age > STALE_SECONDS
    return False


def sweep_stale(
    directory: str | os.PathLike[str], names: Iterable[str] | None, mine_too: bool = False
) -> int:
    """Remove the stale temporary files and pair folders (:func:`is_stale`) of the destinations
    ``names`` in ``directory`` (``None``: of any destination); returns how many. A pair folder
    is removed only when it holds nothing but a pair writer's files; anything else is left."""
    wanted = None if names is None else set(names)
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        name = entry.name
        if not name.startswith(TEMP_PREFIX):
            continue
        match = _OWNED.match(name) or _LEGACY_FILE.match(name)
        if match is not None:
            if wanted is not None and match["dest"] not in wanted:
                continue
        elif not _LEGACY_FOLDER.match(name):
            continue
        if not is_stale(name, entry.path, now, mine_too):
            continue
        if entry.is_dir(follow_symlinks=False):
            if name.endswith(".tmp") or not _only_pair_files(entry.path):
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
        elif name.endswith(".tmp"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
        else:
            continue
        removed += 1
    return removed
