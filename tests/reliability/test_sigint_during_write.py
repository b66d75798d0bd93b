"""SIGINT (Ctrl-C) while a real process is writing a large output through ipexcli.atomic:
no partial or temporary file may remain, and an existing destination must be unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys, time
from ipexcli.atomic import atomic_write

line = "X\t49251441\t11407\tG\tA\t.\tPASS\tCLNSIG=Pathogenic;PAD=" + "A" * 200 + "\n"
with atomic_write(sys.argv[1]) as handle:
    for number in range(1, 400_001):  # about 90 MB at most, if the signal never came
        handle.write(line)
        if number == 2_000:
            handle.flush()
            print("writing", flush=True)
        if number > 2_000 and number % 50 == 0:
            time.sleep(0.001)  # keep the write going while the test sends the signal
sys.exit(3)  # reaching here means SIGINT was not delivered mid-write
"""


def _interrupt_writer(destination: Path) -> tuple[int, list[str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(destination)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=destination.parent,
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        during = sorted(p.name for p in destination.parent.iterdir())
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return child.returncode, during, err


@pytest.mark.parametrize("existing", [True, False], ids=["over-existing", "new-file"])
def test_sigint_mid_write_leaves_no_partial_output(tmp_path, existing):
    destination = tmp_path / "annotated.vcf"
    previous = "##fileformat=VCFv4.2\n#previous complete output\n"
    if existing:
        destination.write_text(previous)

    code, during, err = _interrupt_writer(destination)

    temporary = [name for name in during if name.startswith(".annotated.vcf.")]
    assert len(temporary) == 1 and temporary[0].endswith(".tmp")  # it was mid-write
    assert code not in (0, 3), err  # interrupted, not finished
    assert "KeyboardInterrupt" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == (["annotated.vcf"] if existing else [])
    if existing:
        assert destination.read_text() == previous
