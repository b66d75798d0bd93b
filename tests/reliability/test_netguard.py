"""The test socket guard itself: it must block what it claims to, and let loopback through."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ipexcli.model import Build
from ipexcli.update import DEFAULT_URLS, DownloadPolicy, fetch

from . import netguard

ROOT = Path(__file__).resolve().parents[2]


def test_non_loopback_connect_and_lookup_are_blocked(loopback_only):
    with socket.socket() as sock, pytest.raises(netguard.NetworkBlocked):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed
    with pytest.raises(netguard.NetworkBlocked):
        socket.getaddrinfo("ftp.ncbi.nlm.nih.gov", 443)
    assert len(loopback_only) == 2
    loopback_only.clear()  # the attempts were the point of this test


def test_the_default_clinvar_download_is_blocked(loopback_only, tmp_path):
    with pytest.raises(netguard.NetworkBlocked):
        fetch(DEFAULT_URLS[Build.GRCH38], tmp_path / "x", DownloadPolicy(tries=1))
    assert loopback_only and "ftp.ncbi.nlm.nih.gov" in loopback_only[0]
    loopback_only.clear()


def test_loopback_is_allowed(loopback_only):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert loopback_only == []


def test_guard_in_a_subprocess(tmp_path):
    env = netguard.subprocess_env(tmp_path / "guard", dict(os.environ, PYTHONPATH=str(ROOT)))
    probe = (
        "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 9), timeout=1)\n"
        "except Exception as exc:\n    print(type(exc).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "NetworkBlocked"
    assert netguard.read_attempts(tmp_path / "guard") == ["getaddrinfo '192.0.2.1'"]


@pytest.mark.parametrize("command", [["refdata", "info"], ["refdata", "verify"]])
def test_refdata_info_and_verify_never_touch_the_network(tmp_path, command):
    guard = tmp_path / "guard"
    env = netguard.subprocess_env(guard, dict(os.environ, PYTHONPATH=str(ROOT)))
    env["IPEXCLI_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "ipexcli", *command], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert netguard.read_attempts(guard) == []
