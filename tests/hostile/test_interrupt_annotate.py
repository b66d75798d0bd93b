"""SIGINT / SIGTERM while ``ipex annotate -o`` writes its output: exit 130, no partial
destination, no temporary file or directory left, an existing destination unchanged.

The child is the real CLI (``python -m ipexcli``). To hit the writing phase every time, a
``sitecustomize`` in the child pauses (interruptibly) just before the output is renamed into
place, i.e. when the hidden temporary (``.out.html.*.tmp``, or the ``.ipex-*`` directory of a
``.vcf.gz``) holds the complete text; the test sends the signal while it waits. A second test
sends SIGINT at a wall-clock moment, without the pause, while a cohort is being processed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .vcfgen import cohort

PAUSE_BEFORE_RENAME = '''
import os, sys, time
_real_replace = os.replace

def _replace(src, dst, *args, **kwargs):
    name = os.path.basename(os.fspath(dst))
    if name.startswith("out.") and not os.environ.get("IPEX_TEST_PAUSED"):
        os.environ["IPEX_TEST_PAUSED"] = "1"
        sys.stderr.write("PAUSED " + name + "\\n")
        sys.stderr.flush()
        # a signal handler's KeyboardInterrupt ends this at once; short sleeps so that Python
        # runs the handler within 0.1 s even if the signal did not interrupt the sleep itself
        for _ in range(600):
            time.sleep(0.1)
    return _real_replace(src, dst, *args, **kwargs)

os.replace = _replace
'''


@pytest.fixture(scope="module")
def cohort_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "cohort.vcf"
    path.write_text(cohort(300, 30, seed=4))
    return path


def _start(args: list[str], cwd: Path, pause: bool) -> subprocess.Popen:
    path = [str(ROOT)]
    if pause:
        hook = cwd.parent / f"{cwd.name}-hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(PAUSE_BEFORE_RENAME)
        path.insert(0, str(hook))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.Popen([sys.executable, "-m", "ipexcli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(child: subprocess.Popen) -> tuple[int, str]:
    try:
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for pipe in (child.stdout, child.stderr):  # a failure here must not leak into others
            if pipe is not None:
                pipe.close()
    return child.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("output", ["out.html", "out.vcf.gz", "out.json"])
@pytest.mark.parametrize("existing", [False, True], ids=["new", "over-existing"])
def test_signal_while_writing_leaves_nothing_partial(tmp_path, cohort_vcf, signum, output,
                                                     existing):
    work = tmp_path / "work"
    work.mkdir()
    previous = "previous complete output\n"
    if existing:
        (work / output).write_text(previous)
    child = _start(["annotate", str(cohort_vcf), "-o", output], work, pause=True)
    line = child.stderr.readline()  # blocks until the child is about to rename
    while line.startswith("warning: "):  # the cohort's sex warnings come first
        line = child.stderr.readline()
    assert line.strip() == f"PAUSED {output}", line + child.stderr.read()
    during = sorted(p.name for p in work.iterdir())
    child.send_signal(signum)
    code, err = _finish(child)

    temporary = [n for n in during if n.startswith((f".{output}.", ".ipex-"))]
    assert len(temporary) == 1, during  # the complete text was there, not yet renamed
    assert code == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert sorted(p.name for p in work.iterdir()) == ([output] if existing else [])
    if existing:
        assert (work / output).read_text() == previous


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_sigint_at_an_arbitrary_moment(tmp_path):
    """No pause hook: the signal lands wherever the run is (reading, annotating, writing)."""
    source = tmp_path / "big.vcf"
    source.write_text(cohort(2000, 200, seed=5))
    work = tmp_path / "work"
    work.mkdir()
    child = _start(["annotate", str(source), "-o", "out.html"], work, pause=False)
    # past start-up (imports, ~0.15 s) and well before the end (~2 CPU seconds): 0.5 s of CPU
    deadline = time.monotonic() + 30
    while _cpu_seconds(child.pid) < 0.5 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.poll() is None, "finished before the signal: make the input bigger"
    child.send_signal(signal.SIGINT)
    code, err = _finish(child)
    assert code == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert list(work.iterdir()) == []
