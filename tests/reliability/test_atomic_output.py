"""ipexcli.atomic: outputs appear whole or not at all, whatever interrupts the writer."""

from __future__ import annotations

import os
import stat

import pytest

from ipexcli import atomic


def _siblings(path):
    return sorted(p.name for p in path.parent.iterdir())


def test_text_and_binary_writes(tmp_path):
    out = tmp_path / "report.tsv"
    with atomic.atomic_write(out) as handle:
        handle.write("id\tconsequence\nKV01\tmissense_variant\n")
    assert out.read_text() == "id\tconsequence\nKV01\tmissense_variant\n"
    blob = tmp_path / "out.bin"
    with atomic.atomic_write(blob, "wb") as handle:
        handle.write(b"\x1f\x8b\x00")
    assert blob.read_bytes() == b"\x1f\x8b\x00"
    assert _siblings(out) == ["out.bin", "report.tsv"]


def test_new_file_gets_normal_permissions(tmp_path):
    out = tmp_path / "new.txt"
    with atomic.atomic_write(out) as handle:
        handle.write("x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_existing_permissions_are_kept(tmp_path):
    out = tmp_path / "kept.txt"
    out.write_text("old")
    out.chmod(0o640)
    with atomic.atomic_write(out) as handle:
        handle.write("new")
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "exception", [ValueError("bad record"), KeyboardInterrupt(), SystemExit(1)]
)
def test_any_exception_leaves_the_destination_unchanged(tmp_path, exception):
    out = tmp_path / "report.json"
    out.write_text('{"complete": true}\n')
    with pytest.raises(type(exception)), atomic.atomic_write(out) as handle:
        handle.write('{"complete": fal')
        raise exception
    assert out.read_text() == '{"complete": true}\n'
    assert _siblings(out) == ["report.json"]


def test_exception_without_previous_file_leaves_nothing(tmp_path):
    out = tmp_path / "never.vcf"
    with pytest.raises(RuntimeError), atomic.atomic_write(out) as handle:
        handle.write("##fileformat=VCFv4.2\n")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_rejects_read_modes(tmp_path):
    with pytest.raises(ValueError, match="mode"), atomic.atomic_write(tmp_path / "x", "a"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_open_output_dash_is_stdout(capsys, tmp_path):
    with atomic.open_output("-") as handle:
        handle.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"
    with atomic.open_output(tmp_path / "f.txt") as handle:
        handle.write("to file\n")
    assert (tmp_path / "f.txt").read_text() == "to file\n"


def _make_dir(path, content):
    path.mkdir()
    (path / "known_variants.tsv").write_text(content)


def test_install_dir_replaces_and_removes_the_previous(tmp_path):
    destination = tmp_path / "ipexcli"
    _make_dir(destination, "old")
    with atomic.staging_dir(destination) as staging:
        (staging / "known_variants.tsv").write_text("new")
        atomic.install_dir(staging, destination)
    assert (destination / "known_variants.tsv").read_text() == "new"
    assert _siblings(destination) == ["ipexcli"]


def test_failed_install_puts_the_previous_back(tmp_path, monkeypatch):
    destination = tmp_path / "ipexcli"
    _make_dir(destination, "old")
    real_replace = os.replace

    def failing_replace(source, target):
        if ".new-" in str(source):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"), atomic.staging_dir(destination) as staging:
        (staging / "known_variants.tsv").write_text("new")
        atomic.install_dir(staging, destination)
    assert (destination / "known_variants.tsv").read_text() == "old"
    assert _siblings(destination) == ["ipexcli"]


def test_staging_is_removed_when_the_block_fails(tmp_path):
    destination = tmp_path / "ipexcli"
    with pytest.raises(KeyboardInterrupt), atomic.staging_dir(destination) as staging:
        (staging / "partial.tsv").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_remove_and_recover(tmp_path):
    destination = tmp_path / "ipexcli"
    assert atomic.remove_dir(destination) is False
    _make_dir(destination, "old")
    assert atomic.remove_dir(destination) is True
    assert list(tmp_path.iterdir()) == []
    # a crash between install_dir's two renames leaves only the previous copy aside
    _make_dir(tmp_path / ".ipexcli.previous-abc123", "old")
    assert atomic.recover_dir(destination) == destination
    assert (destination / "known_variants.tsv").read_text() == "old"
    assert atomic.recover_dir(destination) is None  # nothing to do when present
