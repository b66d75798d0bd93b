"""Hostile ``-o`` destinations for ``ipex annotate``: a missing folder, a named pipe (stands in
for /dev/null and /dev/stdout, which the tests must not risk), a symbolic link, a full disk."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
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


NO_HINTS = "##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def test_vcf_output_of_a_file_whose_build_is_unknown(run_cli, tmp_path):
    """Found by fuzzing: a header without build hints or FOXP3 records, --format vcf, raised
    'unexpected ValueError: unknown genome build'; with --build the header said ID= (empty)."""
    source = tmp_path / "nohints.vcf"
    source.write_text(NO_HINTS)
    code, out, err = run_cli("annotate", str(source), "--format", "vcf")
    assert_clean_error(code, err, str(source))
    assert code == 1 and "--build" in err and out == ""

    out_path = tmp_path / "out.vcf"
    code, _, err = run_cli("annotate", str(source), "--build", "GRCh38", "-o", str(out_path))
    assert code == 0, err
    text = out_path.read_text()
    # #13: the input's header is kept as it is; the build used is ipexcli's own line
    assert "##ipexcliBuild=<Build=GRCh38," in text and "ID=," not in text
    bcftools = subprocess.run(["bcftools", "view", "-h", str(out_path)], capture_output=True,
                              text=True)
    assert bcftools.returncode == 0 and not bcftools.stderr, bcftools.stderr


def test_html_output_of_a_file_whose_build_is_unknown(run_cli, tmp_path):
    """Found by fuzzing: same input with a sample, --format html: 'unexpected ValueError'."""
    source = tmp_path / "nohints.vcf"
    source.write_text(NO_HINTS.replace("\tINFO\n", "\tINFO\tFORMAT\tS0\n"))
    out = tmp_path / "r.html"
    code, _, err = run_cli("annotate", str(source), "-o", str(out))
    assert code == 0, err
    html = out.read_text()
    assert "Sample S0" in html and "No variant in the FOXP3 locus." in html
