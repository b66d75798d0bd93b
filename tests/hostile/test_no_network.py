"""Only ``ipex refdata update`` may touch the network: every other command is run with all IP
sockets refused (loopback included) and must finish normally with zero connection attempts."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from reliability import netguard

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
TRIO = str(EXAMPLES / "trio.GRCh38.vcf.gz")
SINGLE37 = str(EXAMPLES / "single.GRCh37.vcf")
PED = str(EXAMPLES / "trio.ped")


def _has_batch() -> bool:
    from ipexcli.cli import LAZY_COMMANDS

    try:
        import ipexcli.batch  # noqa: F401
    except ImportError:
        return False
    return "batch" in LAZY_COMMANDS


COMMANDS = {
    "annotate-json": ["annotate", TRIO, "--ped", PED, "--format", "json", "-o", "{tmp}/r.json"],
    "annotate-vcf.gz": ["annotate", SINGLE37, "-o", "{tmp}/r.vcf.gz"],
    "annotate-html": ["annotate", TRIO, "-o", "{tmp}/r.html"],
    "lookup-c": ["lookup", "NM_014009.4:c.1189C>T", "--format", "json"],
    "lookup-p": ["lookup", "p.R397W"],
    "lookup-rsid": ["lookup", "rs3761548", "--format", "json"],
    "sex": ["sex", TRIO, "--ped", PED, "--format", "json"],
    "refdata-info": ["refdata", "info"],
    "refdata-verify": ["refdata", "verify"],
    "batch": ["batch", TRIO, SINGLE37, "-d", "{tmp}/batch", "-j", "1"],
}


def _args(name: str, tmp: Path) -> list[str]:
    if name == "batch" and not _has_batch():
        pytest.skip("ipex batch is not on this branch yet")
    return [a.replace("{tmp}", str(tmp)) for a in COMMANDS[name]]


def test_the_guard_is_live(no_sockets):
    """Control: with the guard on, a connection (even to loopback) is refused and recorded."""
    with pytest.raises(netguard.NetworkBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1: never routed
    with pytest.raises(netguard.NetworkBlocked):
        socket.getaddrinfo("ftp.ncbi.nlm.nih.gov", 443)
    assert len(no_sockets) == 2
    no_sockets.clear()  # the fixture fails a test that leaves attempts behind


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_runs_offline_in_process(no_sockets, run_cli, tmp_path, name):
    args = _args(name, tmp_path)
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert "error" not in err.lower()
    if "-o" in args:
        assert Path(args[args.index("-o") + 1]).stat().st_size > 0
    elif name != "batch":
        assert out.strip()
    assert no_sockets == []


@pytest.mark.parametrize("name", ["annotate-vcf.gz", "lookup-c", "sex", "refdata-verify",
                                  "batch"])
def test_command_runs_offline_as_a_process(tmp_path, name):
    """The console entry point in a fresh interpreter (batch: with two worker processes)."""
    args = _args(name, tmp_path)
    if name == "batch":
        args[-1] = "2"
    env = netguard.subprocess_env(tmp_path / "guard", dict(
        os.environ, PYTHONPATH=str(ROOT), IPEXCLI_DATA_DIR=str(tmp_path / "data")))
    done = subprocess.run([sys.executable, "-m", "ipexcli", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert netguard.read_attempts(tmp_path / "guard") == []


def test_the_subprocess_guard_is_live(tmp_path):
    """Control for the test above: a child that does try the network is caught and logged."""
    env = netguard.subprocess_env(tmp_path / "guard", dict(os.environ, PYTHONPATH=str(ROOT)))
    probe = ("import urllib.request\n"
             "try:\n    urllib.request.urlopen('http://192.0.2.1/', timeout=1)\n"
             "except BaseException as exc:\n    print(type(exc).__name__)\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, timeout=60)
    attempts = netguard.read_attempts(tmp_path / "guard")
    assert len(attempts) == 1 and "192.0.2.1" in attempts[0]
    assert "NetworkBlocked" in done.stdout


# -- static: which modules could reach the network at all ------------------------------------

NETWORK = ("requests", "urllib", "urllib3", "http", "socket", "ssl", "httpx", "aiohttp",
           "ftplib", "smtplib", "xmlrpc", "telnetlib", "asyncio")
#: update.py uses requests, and urllib.parse only to split URLs (no I/O)
ALLOWED = {"update.py": {"requests", "urllib.parse"}}


def _network_imports(path: Path) -> set[str]:
    """Network modules imported by ``path``: import statements and literal
    ``importlib.import_module("x")`` / ``__import__("x")`` calls."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        found.update(n for n in names if n.split(".")[0] in NETWORK)
    return found


def test_only_update_py_imports_network_modules():
    package = ROOT / "ipexcli"
    offenders = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        extra = _network_imports(path) - ALLOWED.get(relative, set())
        if extra:
            offenders[relative] = sorted(extra)
    assert offenders == {}
    assert _network_imports(package / "update.py") == {"requests", "urllib.parse"}


def test_the_static_check_sees_every_import_form(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import socket\nfrom http import client\nimport importlib\n"
                     "importlib.import_module('requests')\n__import__('urllib.request')\n"
                     "def f():\n    import ssl\n")
    assert _network_imports(probe) == {"socket", "http", "requests", "urllib.request", "ssl"}
