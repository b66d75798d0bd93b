"""Hostile-input fixtures: fuzz case counters and `run_cli` (the root `ipex` fixture as a tuple)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


#: fuzz target -> generated cases run; printed at the end of the session (see with ``-s``)
FUZZ_COUNTS: Counter[str] = Counter()
#: fuzz target -> outcome ("ok", or the IpexError class name) -> cases
FUZZ_OUTCOMES: dict[str, Counter[str]] = {}


def record_case(target: str, outcome: str) -> None:
    FUZZ_COUNTS[target] += 1
    FUZZ_OUTCOMES.setdefault(target, Counter())[outcome] += 1


@pytest.fixture(scope="session", autouse=True)
def _print_fuzz_counts() -> Iterator[None]:
    yield
    if FUZZ_COUNTS:
        print("\nfuzz cases per target (0 unhandled exceptions, else the test failed):")
        for target, count in sorted(FUZZ_COUNTS.items()):
            outcomes = ", ".join(f"{k}={v}" for k, v in FUZZ_OUTCOMES[target].most_common())
            print(f"  {target}: {count} cases ({outcomes})")


@pytest.fixture
def run_cli(ipex: Callable[..., Any]) -> Callable[..., tuple[int, str, str]]:
    """The root ``ipex`` fixture as a tuple: (exit code, out, err)."""

    def run(*args: str) -> tuple[int, str, str]:
        result = ipex(*args)
        return result.exit_code, result.stdout, result.stderr

    return run


def assert_clean_error(code: int, err: str, name: str | None = None) -> None:
    """Exit 1/2, one ``error: ...`` line (click usage errors: their ``Error:`` line), the file
    named, no traceback and no "unexpected" (an unhandled exception caught at the edge)."""
    assert code in (1, 2), (code, err)
    assert "Traceback" not in err and "unexpected" not in err, err
    lines = [line for line in err.splitlines() if line.lower().startswith("error:")]
    assert len(lines) == 1, err
    if name is not None:
        assert name in lines[0], err
