"""Golden-file comparison for the renderer tests.

``IPEXCLI_UPDATE_GOLDEN=1 pytest tests/report`` rewrites ``tests/expected/report/*`` (terminal
renderings at fixed widths) and the machine formats in ``tests/expected/annotate/`` (shared with the
end-to-end tests, which render the same reports) from the current renderers; review the diff
before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

EXPECTED = Path(__file__).resolve().parents[1] / "expected" / "report"
#: the machine formats of the same reports are the `ipex annotate` golden files: one copy
SHARED_WITH_ANNOTATE = Path(__file__).resolve().parents[1] / "expected" / "annotate"
_ANNOTATE_SUFFIXES = (".json", ".tsv", ".vcf", ".html")


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """``golden(name, text)``: assert ``text`` equals ``tests/expected/report/<name>``."""

    def check(name: str, text: str) -> None:
        folder = SHARED_WITH_ANNOTATE if name.endswith(_ANNOTATE_SUFFIXES) else EXPECTED
        path = folder / name
        if os.environ.get("IPEXCLI_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} is missing: run with IPEXCLI_UPDATE_GOLDEN=1"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path} (IPEXCLI_UPDATE_GOLDEN=1 rewrites)"

    return check
