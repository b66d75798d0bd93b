"""Hostile ``-o`` destinations for ``ipex annotate``: a missing folder, a named pipe (stands in
for /dev/null and /dev/stdout, which the tests must not risk), a symbolic link, a full disk."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading

from .conftest import ROOT, assert_clean_error

TRIO = str(ROOT / "examples" / "trio.GRCh38.vcf.gz")


def test_missing_output_folder_fails_before_any_work(run_cli, tmp_path):
    code, out, err = run_cli("annotate", TRIO, "-o", str(tmp_path / "nope" / "r.tsv"))
    assert code == 2 and out == ""
    assert_clean_error(code, err, "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_a_named_pipe_destination_is_written_not_replaced(run_cli, tmp_path):
    """Before the fix the report was renamed over the pipe: as root, ``-o /dev/null`` replaced
    the /dev/null device node with a regular file."""
    fifo = tmp_path / "report.tsv"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code, _, err = run_cli("annotate", TRIO, "-o", str(fifo))
    finally:
        reader.join(10)
        if reader.is_alive():  # the CLI never opened the pipe: release the reader
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            reader.join(5)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a pipe
    assert received and received[0].decode().splitlines()[1].startswith("sample\t")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.tsv"]  # no temporary left


def test_a_symlink_destination_keeps_the_link(run_cli, tmp_path):
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / "report.json"
    target.write_text("old\n")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    code, _, err = run_cli("annotate", TRIO, "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text().startswith("{")
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["report.json"]


def test_disk_full_while_writing_is_one_line_and_leaves_nothing(run_cli, tmp_path, monkeypatch):
    import ipexcli.atomic

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ipexcli.atomic.os, "fsync", full)
    out = tmp_path / "r.html"
    code, _, err = run_cli("annotate", TRIO, "-o", str(out))
    assert_clean_error(code, err, str(out))
    assert code == 1 and "No space left on device" in err
    assert list(tmp_path.iterdir()) == []
