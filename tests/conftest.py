"""Shared fixtures: run the real ``ipex`` entry point in-process and capture its output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipexcli.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never let a developer's installed known-variant update leak into the tests."""
    import os

    from ipexcli import refdata

    os.environ["IPEXCLI_DATA_DIR"] = str(tmp_path_factory.mktemp("ipexcli-data"))
    refdata.load.cache_clear()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def ipex(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``ipex ARGS`` through :func:`ipexcli.cli.main` (error translation included)."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def _guard(monkeypatch: pytest.MonkeyPatch, allow_loopback: bool) -> Iterator[list[str]]:
    from reliability import netguard  # tests/reliability/netguard.py (tests/ is on sys.path)

    attempts: list[str] = []
    netguard.install(attempts, monkeypatch, allow_loopback=allow_loopback)
    yield attempts
    assert not attempts, f"network access attempted: {attempts}"


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Only 127.0.0.1/::1 may be reached; any other connection or lookup fails the test."""
    yield from _guard(monkeypatch, allow_loopback=True)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """No IP connection at all, loopback included; any attempt fails the test."""
    yield from _guard(monkeypatch, allow_loopback=False)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the checkout")
    return SHARED
