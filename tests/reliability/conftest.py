"""Reliability fixtures: ``no_network`` (usable by any test once moved to tests/conftest.py)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _load_netguard():
    name = "ipex_tests_netguard"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "netguard.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


netguard = _load_netguard()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (and record) every non-loopback connection; fail the test if any was tried."""
    attempts: list[str] = []
    netguard.install(attempts, monkeypatch)
    yield attempts
    assert not attempts, f"network access attempted: {attempts}"
