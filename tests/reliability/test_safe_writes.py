"""#15 case 8: pairs published together, leftovers of killed runs swept, batch workers that die
with their parent, batch I/O errors that name the file.

The children are the real CLI (``python -m ipexcli``); where a child must stop at a precise
moment, a ``sitecustomize`` wraps :func:`os.replace` (the renames that publish an output).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


TRIO = str(EXAMPLES / "trio.GRCh38.vcf.gz")
SINGLE = str(EXAMPLES / "single.GRCh37.vcf")  # contig "X", the trio's is "chrX"

#: after its first rename of a final output in $IPEX_TEST_WORK, wait for $IPEX_TEST_FLAG
PAUSE_AFTER_FIRST_RENAME = '''
import os, sys, time
_real_replace = os.replace

def _replace(src, dst, *args, **kwargs):
    result = _real_replace(src, dst, *args, **kwargs)
    target = os.path.abspath(os.fspath(dst))
    if (os.path.dirname(target) == os.environ["IPEX_TEST_WORK"]
            and not os.environ.get("IPEX_TEST_DONE")):
        os.environ["IPEX_TEST_DONE"] = "1"
        sys.stderr.write("RENAMED " + os.path.basename(target) + "\\n")
        sys.stderr.flush()
        for _ in range(1200):
            if os.path.exists(os.environ["IPEX_TEST_FLAG"]):
                break
            time.sleep(0.05)
    return result

os.replace = _replace
'''

#: before the first rename of a final output in $IPEX_TEST_WORK: say so, then hang
HANG_BEFORE_RENAME = '''
import os, sys, time
_real_replace = os.replace

def _replace(src, dst, *args, **kwargs):
    target = os.path.abspath(os.fspath(dst))
    if os.path.dirname(target) == os.environ["IPEX_TEST_WORK"]:
        sys.stderr.write("HANGING\\n")
        sys.stderr.flush()
        time.sleep(600)
    return _real_replace(src, dst, *args, **kwargs)

os.replace = _replace
'''


def _start(args: list[str], work: Path, hook: str | None = None, **env: str) -> subprocess.Popen:
    path = [str(REPO)]
    if hook is not None:
        folder = work.parent / f"hook-{len(list(work.parent.iterdir()))}"
        folder.mkdir()
        (folder / "sitecustomize.py").write_text(hook)
        path.insert(0, str(folder))
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path), IPEX_TEST_WORK=str(work),
                       **env)
    return subprocess.Popen([sys.executable, "-m", "ipexcli", *args], cwd=work, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _line(child: subprocess.Popen, prefix: str) -> str:
    while True:
        line = child.stderr.readline()
        if not line or line.startswith(prefix):
            return line


def _end(child: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    try:
        _, err = child.communicate(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
    return child.returncode, err


def _pair(folder: Path) -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("out.vcf.gz", "out.vcf.gz.tbi")
    )


def _alone(tmp_path: Path, name: str, vcf: str) -> tuple[str, str]:
    folder = tmp_path / name
    folder.mkdir()
    child = _start(["annotate", vcf, "--format", "vcf", "-o", "out.vcf.gz"], folder)
    assert _end(child)[0] == 0
    return _pair(folder)


def test_two_runs_to_one_output_leave_a_matching_pair(tmp_path: Path) -> None:
    """Run A publishes its first file, then waits; run B writes the same -o meanwhile. The
    .vcf.gz and .tbi on disk must come from one run: B's (it published last) or A's."""
    expected = {"A": _alone(tmp_path, "refA", TRIO), "B": _alone(tmp_path, "refB", SINGLE)}
    assert expected["A"] != expected["B"]
    work = tmp_path / "work"
    work.mkdir()
    flag = tmp_path / "go-on"
    first = _start(["annotate", TRIO, "--format", "vcf", "-o", "out.vcf.gz"], work,
                   PAUSE_AFTER_FIRST_RENAME, IPEX_TEST_FLAG=str(flag))
    try:
        assert _line(first, "RENAMED ").startswith("RENAMED out.vcf.gz")
        second = _start(["annotate", SINGLE, "--format", "vcf", "-o", "out.vcf.gz"], work)
        with contextlib.suppress(subprocess.TimeoutExpired):
            second.wait(timeout=4)  # old code: B finishes; new code: B waits for A's lock
        flag.touch()
        assert _end(second)[0] == 0
    finally:
        flag.touch()
        code, err = _end(first)
    assert code == 0, err
    assert _pair(work) in (expected["A"], expected["B"])
    assert sorted(p.name for p in work.iterdir()) == ["out.vcf.gz", "out.vcf.gz.tbi"]


def _dead_owner() -> str:
    from ipexcli.atomic import owner_tag

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return owner_tag().replace(f"ipex{os.getpid()}h", f"ipex{child.stdout.strip()}h")


def _killed_mid_write(work: Path, output: str) -> None:
    killed = _start(["annotate", TRIO, "-o", output], work, HANG_BEFORE_RENAME)
    assert _line(killed, "HANGING") == "HANGING\n"
    killed.send_signal(signal.SIGKILL)
    _end(killed)
    leftovers = [p.name for p in work.iterdir()]
    assert len(leftovers) == 1 and leftovers[0].startswith("."), leftovers


@pytest.mark.parametrize("output", ["out.vcf.gz", "out.json"])
def test_leftovers_of_a_killed_run_are_swept_by_the_next_run(tmp_path: Path, output) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _killed_mid_write(work, output)
    code, err = _end(_start(["annotate", TRIO, "-o", output], work))
    assert code == 0, err
    expected = [output, *([f"{output}.tbi"] if output.endswith(".gz") else [])]
    assert sorted(p.name for p in work.iterdir()) == expected


def test_the_sweep_removes_only_our_stale_leftovers(tmp_path: Path) -> None:
    from ipexcli.atomic import owner_tag

    output = "out.vcf.gz"
    work = tmp_path / "work"
    work.mkdir()
    _killed_mid_write(work, output)
    # what must survive: a live writer's temporary (this test process), a recent leftover of a
    # version without owners in names, a hidden folder holding files that are not ours
    live = work / f".{output}.{owner_tag()}-abcd.tmp"
    live.write_text("being written")
    recent = work / ".ipex-abcd1234"
    recent.mkdir()
    (recent / "out.vcf.gz").write_bytes(b"")
    foreign = work / ".ipex-wxyz9876"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone else's")
    old = time.time() - 7200
    os.utime(foreign, (old, old))
    # what must go besides the killed run's: an old owner-less leftover, a dead owner's file
    aged = work / ".ipex-efgh5678"
    aged.mkdir()
    (aged / "out.vcf").write_text("##fileformat=VCFv4.2\n")
    os.utime(aged, (old, old))
    dead = work / f".{output}.{_dead_owner()}-wxyz.tmp"
    dead.write_text("x")

    code, err = _end(_start(["annotate", TRIO, "-o", output], work))
    assert code == 0, err
    expected = sorted([output, f"{output}.tbi", live.name, recent.name, foreign.name])
    assert sorted(p.name for p in work.iterdir()) == expected


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children") as handle:
            out.update(int(c) for c in handle.read().split())
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
def test_batch_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    import random

    from batch.conftest import tiny_vcf

    inputs = tmp_path / "in"
    inputs.mkdir()
    rng = random.Random(15)
    paths = [str(tiny_vcf(inputs / f"s{i:03d}.vcf", f"S{i:03d}", rng, i % 2 == 0))
             for i in range(300)]
    work = tmp_path / "work"
    work.mkdir()
    parent = _start(["batch", *paths, "-d", str(work / "out"), "--jobs", "2"], work)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
            workers = _children(parent.pid)
            time.sleep(0.01)
        assert len(workers) == 2, "the pool did not start"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)  # not communicate(): orphaned workers keep stderr open
        parent.stderr.close()
        deadline = time.monotonic() + 15
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [w for w in workers if _running(w)]
        assert orphans == [], "workers outlived their parent"
    finally:
        for worker in workers:
            if _running(worker):
                os.kill(worker, signal.SIGKILL)
    # what the killed run left is swept by the next run to the same place
    rerun = _start(["batch", *paths[:4], "-d", str(work / "out"), "--jobs", "1", "--resume"],
                   work)
    assert _end(rerun)[0] == 0
    hidden = [p for p in (work / "out").rglob(".*") if p.name.startswith(".")]
    assert all(not p.name.startswith(".s00") for p in hidden), hidden


# -- batch I/O errors: one line naming the file, exit 1, never "unexpected" ------------------


def _one_error(result, named: Path) -> None:
    assert result.exit_code == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {named}"), lines[0]
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr


def test_batch_into_a_read_only_folder(ipex, tmp_path: Path, monkeypatch) -> None:
    import tempfile

    out = tmp_path / "out"
    real_mkdir, real_mkstemp = os.mkdir, tempfile.mkstemp

    def read_only_mkdir(path, *args, **kwargs):
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only_mkdir)
    _one_error(ipex("batch", TRIO, "-d", str(out), "--jobs", "1"), out / "reports")
    monkeypatch.setattr(os, "mkdir", real_mkdir)

    # the folders exist, but no file can be created in them
    (out / "reports").mkdir(parents=True)
    (out / "state").mkdir()

    def read_only_mkstemp(*args, dir=None, **kwargs):
        if dir is not None and str(dir).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkstemp(*args, dir=dir, **kwargs)

    real_mkdtemp = tempfile.mkdtemp

    def read_only_mkdtemp(*args, dir=None, **kwargs):  # #14: a batch's reports folder
        if dir is not None and str(dir).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkdtemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only_mkstemp)
    monkeypatch.setattr(tempfile, "mkdtemp", read_only_mkdtemp)
    from ipexcli.batch import output_name

    result = ipex("batch", TRIO, "-d", str(out), "--jobs", "1")
    _one_error(result, out / "reports" / f"{output_name(TRIO)}.tsv")
    assert "Read-only file system" in result.stderr


class _FullDisk:
    """A file object whose writes fail as on a full disk (ENOSPC)."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()
        return False


def test_batch_on_a_full_disk(ipex, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(out)):
            return _FullDisk(handle)
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    from ipexcli.batch import output_name

    result = ipex("batch", TRIO, SINGLE, "-d", str(out), "--jobs", "1")
    _one_error(result, out / "reports" / f"{output_name(TRIO)}.tsv")
    assert "No space left on device" in result.stderr
    assert [p.name for p in (out / "reports").iterdir()] == []  # nothing partial, no temp


@pytest.mark.parametrize("damage", ["truncated", "not_a_marker", "rows_edited", "binary"])
def test_merge_only_with_a_corrupt_marker(ipex, tmp_path: Path, damage) -> None:
    out = tmp_path / "out"
    assert ipex("batch", TRIO, SINGLE, "-d", str(out), "--jobs", "1").exit_code == 0
    from ipexcli.batch import output_name

    marker = out / "state" / f"{output_name(TRIO)}.json"
    text = marker.read_text()
    if damage == "truncated":
        marker.write_text(text[: len(text) // 2])
    elif damage == "not_a_marker":
        marker.write_text(json.dumps({"hello": "world"}))
    elif damage == "rows_edited":
        data = json.loads(text)
        data["rows"] = [{"sample": "proband"}]
        marker.write_text(json.dumps(data))
    else:
        marker.write_bytes(b"\xff\xfe\x00garbage")
    for inputs in ((), (TRIO, SINGLE)):  # every marker there, or the inputs' markers
        result = ipex("batch", *inputs, "-d", str(out), "--merge-only")
        assert result.exit_code == 1, result.stderr
        assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
        assert f"{marker}: unreadable completion marker" in result.stderr
        summary = json.loads((out / "summary.json").read_text())
        assert summary["counts"]["ok"] == 1 and summary["counts"]["failed"] == 1
