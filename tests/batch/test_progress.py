"""The batch progress bar: on stderr only when stderr is a terminal."""

from __future__ import annotations

import io

import pytest

from ipexcli.report.console import batch_progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_is_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with batch_progress(3, "files") as bar:
        bar.advance(2)
        bar.advance(1)
    assert "files" in terminal.getvalue() and "3/3" in terminal.getvalue()


def test_nothing_is_printed_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with batch_progress(3) as bar:
        bar.advance(3)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
