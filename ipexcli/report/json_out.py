"""JSON rendering: :meth:`Report.to_dict` serialised with a stable key order.

Keys appear in the order of the result dataclasses (which is the order of the shipped schema
``ipexcli/schema/report.schema.json``); only free-form mappings (``refdata``, ``sex.evidence``,
``skipped``) keep the order the pipeline wrote them in, and ``skipped`` is sorted by reason.
"""

from __future__ import annotations

import json
from typing import Any

from ipexcli.result import Report


def to_json_data(report: Report) -> dict[str, Any]:
    """The JSON document as plain Python data (what :func:`render` serialises)."""
    data = report.to_dict()
    for entry in data["inputs"]:
        entry["skipped"] = dict(sorted(entry["skipped"].items()))
    return data


def render(report: Report) -> str:
    """The report as a JSON document (UTF-8 text, 2-space indent, trailing newline)."""
    return json.dumps(to_json_data(report), indent=2, ensure_ascii=False) + "\n"
