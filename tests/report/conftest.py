"""Golden-file comparison for the renderer tests.

``IPEXCLI_UPDATE_GOLDEN=1 pytest tests/report`` rewrites ``tests/expected/report/*`` from the
current renderers; review the diff before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

EXPECTED = Path(__file__).resolve().parents[1] / "expected" / "report"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, text)``: assert ``text`` equals ``tests/expected/report/<name>``."""

    def check(name: str, text: str) -> None:
        path = EXPECTED / name
        if os.environ.get("IPEXCLI_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} is missing: run with IPEXCLI_UPDATE_GOLDEN=1"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path} (IPEXCLI_UPDATE_GOLDEN=1 rewrites)"

    return check
