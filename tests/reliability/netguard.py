"""Socket guard for tests: any connection to a non-loopback address is refused and recorded.

In-process use (the ``loopback_only`` and ``no_sockets`` fixtures of ``tests/conftest.py``):
every ``connect``,
``connect_ex`` and ``sendto`` on an IP socket, and every ``getaddrinfo`` of a host that is not
loopback, raises :class:`NetworkBlocked` and is appended to the attempts list, which the fixture
asserts empty at teardown (so an attempt swallowed by an ``except`` still fails the test).

Subprocess use (CLI tests): :func:`subprocess_env` returns an environment whose ``PYTHONPATH``
starts with a directory holding a ``sitecustomize.py`` that installs the same guard in the child
and appends attempts to a file; :func:`read_attempts` reads them back.

Tests import it as ``reliability.netguard`` (``tests/`` is on ``sys.path`` under pytest), so
every folder shares one module and one :class:`NetworkBlocked` class.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkBlocked(RuntimeError):
    """Raised instead of touching the network (deliberately not an OSError: hard to swallow)."""


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def install(
    attempts: list[str], patch: object | None = None, allow_loopback: bool = True
) -> None:
    """Patch :mod:`socket`; with ``patch`` (a pytest ``monkeypatch``) the patches are undone.

    ``allow_loopback=False`` refuses every IP connection, loopback included.
    """
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object, what: str) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return  # AF_UNIX and friends are local by nature
        host = address[0] if isinstance(address, tuple) else address
        if not (allow_loopback and is_loopback(host)):
            attempts.append(f"{what} {address!r}")
            raise NetworkBlocked(f"test tried to reach the network: {what} {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        check(self, address, "connect")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        check(self, address, "connect_ex")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: bytes, *args: object) -> int:
        check(self, args[-1], "sendto")
        return real_sendto(self, data, *args)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if not (allow_loopback and is_loopback(host)):
            attempts.append(f"getaddrinfo {host!r}")
            raise NetworkBlocked(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    replacements = [
        (socket.socket, "connect", connect),
        (socket.socket, "connect_ex", connect_ex),
        (socket.socket, "sendto", sendto),
        (socket, "getaddrinfo", getaddrinfo),
    ]
    for target, name, value in replacements:
        if patch is not None:
            patch.setattr(target, name, value)  # type: ignore[attr-defined]
        else:
            setattr(target, name, value)


_SITECUSTOMIZE = '''
import os, sys
sys.path.insert(0, {guard_dir!r})
import netguard

class _FileList(list):
    def append(self, item):
        super().append(item)
        with open(os.environ["IPEX_TEST_NETGUARD_LOG"], "a") as handle:
            handle.write(item + "\\n")

netguard.install(_FileList())
'''


def subprocess_env(directory: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment under which a Python subprocess gets the guard (attempts logged)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(
        _SITECUSTOMIZE.format(guard_dir=str(Path(__file__).resolve().parent))
    )
    log = directory / "network-attempts.log"
    log.write_text("")
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(directory), env.get("PYTHONPATH", "")) if part
    )
    env["IPEX_TEST_NETGUARD_LOG"] = str(log)
    return env


def read_attempts(directory: Path) -> list[str]:
    log = directory / "network-attempts.log"
    return log.read_text().splitlines() if log.is_file() else []
