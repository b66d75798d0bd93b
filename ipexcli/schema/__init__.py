"""The shipped JSON schema of ``ipex annotate --format json`` (``report.schema.json``).

The schema file travels inside the wheel with the package; read it through
:func:`report_schema` so a source checkout and an installed wheel behave the same.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "report.schema.json"


def report_schema_text() -> str:
    """The schema as shipped (JSON text)."""
    return resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def report_schema() -> dict[str, Any]:
    """The schema as a dict (JSON Schema draft 2020-12)."""
    return json.loads(report_schema_text())
