"""Fixtures for the update tests: a real HTTP server on 127.0.0.1, socket guards, a private
IPEXCLI_DATA_DIR. Helpers (ClinVar VCF builders, scripted replies) are in update_helpers.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipexcli import refdata

from .update_helpers import QuietServer, Script, Server, _Handler


@pytest.fixture
def http_server() -> Iterator[Server]:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) answering from a :class:`Script`."""
    httpd = QuietServer(("127.0.0.1", 0), _Handler)
    httpd.script = Script()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Server(httpd.script, f"http://127.0.0.1:{httpd.server_address[1]}")  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated IPEXCLI_DATA_DIR (not yet created) under its own parent."""
    target = tmp_path / "userdata" / "ipexcli"
    target.parent.mkdir()
    monkeypatch.setenv("IPEXCLI_DATA_DIR", str(target))
    return target


@pytest.fixture(scope="session")
def bundled_root() -> Path:
    return refdata.data_root()
