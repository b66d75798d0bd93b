"""Only ipexcli/update.py may reach the network: checked on the source of every module, and on
what `ipex refdata info` actually imports."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ipexcli"

#: top-level modules that open network connections
NETWORK_MODULES = {
    "requests", "urllib3", "httpx", "aiohttp", "socket", "ssl", "ftplib", "smtplib",
    "http.client", "urllib.request", "xmlrpc.client", "telnetlib",
}
ALLOWED = {"update.py": {"requests"}}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _network_imports(path: Path) -> set[str]:
    found = set()
    for name in _imports(path):
        for module in NETWORK_MODULES:
            if name == module or name.startswith(module + "."):
                found.add(module)
    return found


def test_only_update_py_imports_network_libraries():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        extra = _network_imports(path) - ALLOWED.get(relative, set())
        if extra:
            offenders[relative] = sorted(extra)
    assert offenders == {}
    assert _network_imports(PACKAGE / "update.py") == {"requests"}  # the check can see imports


def test_refdata_info_does_not_even_import_requests(tmp_path):
    probe = (
        "import sys\n"
        "from ipexcli.cli import main\n"
        "try:\n    main(['refdata', 'info', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print('requests' in sys.modules, file=sys.stderr)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent), IPEXCLI_DATA_DIR=str(tmp_path / "d"))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
