"""The `ipex` command itself: help, version, error translation, `python -m ipexcli`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ipexcli import __version__

REPO = Path(__file__).resolve().parents[1]


def test_help_shows_examples(ipex) -> None:
    result = ipex("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "ipex lookup c.1189C>T" in result.stdout
    assert "refdata" in result.stdout


def test_short_help_option(ipex) -> None:
    assert ipex("-h").stdout == ipex("--help").stdout


def test_version(ipex) -> None:
    result = ipex("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"ipex, version {__version__}"


def test_unknown_command_is_a_usage_error(ipex) -> None:
    result = ipex("annotat")
    assert result.exit_code == 2
    assert "No such command" in result.stderr and "Traceback" not in result.stderr


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ipexcli", "--version"], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0 and done.stdout.startswith("ipex, version")
