"""JSON rendering: :meth:`Report.to_dict` serialised with a stable key order.

Keys appear in the order of the result dataclasses (which is the order of the shipped schema
``ipexcli/schema/report.schema.json``); only free-form mappings (``refdata``, ``sex.evidence``,
``skipped``) keep the order the pipeline wrote them in, and ``skipped`` is sorted by reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ipexcli.result import Report


def to_json_data(report: Report) -> dict[str, Any]:
    """The JSON document as plain Python data (what :func:`render` serialises)."""
    data = report.to_dict()
    for entry in data["inputs"]:
        entry["skipped"] = dict(sorted(entry["skipped"].items()))
    return data


#: #15: a byte of a sample name that is not UTF-8 (decoded with ``surrogateescape``)
_RAW_BYTE = re.compile("[\udc80-\udcff]")


def render(report: Report) -> str:
    """The report as a JSON document (UTF-8 text, 2-space indent, trailing newline).

    A sample-name byte that is not UTF-8 is written as its ``\\udcXX`` escape (valid JSON:
    Python's json reads it back as the same ``surrogateescape`` text, hence the same bytes)."""
    text = json.dumps(to_json_data(report), indent=2, ensure_ascii=False) + "\n"
    if _RAW_BYTE.search(text) is None:
        return text
    return _RAW_BYTE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
