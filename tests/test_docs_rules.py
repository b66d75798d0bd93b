"""#12: docs/rules.md is linked from the README and states what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from ipexcli.acmg import CLASS_BOUNDS, POINTS
from ipexcli.evidence import DEFAULT_THRESHOLDS
from ipexcli.pvs1 import EXON_TABLE

ROOT = Path(__file__).resolve().parents[1]
RULES = (ROOT / "docs" / "rules.md").read_text()


def test_readme_links_the_rules_page() -> None:
    assert "(docs/rules.md)" in (ROOT / "README.md").read_text()


def test_the_per_exon_table_on_the_page_is_the_code_table() -> None:
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \| ([a-z -]+) \| [^|]+ \| [^|]+ \| ([^|]+) \|",
                      RULES, re.MULTILINE)
    page = [(int(n), int(nt), int(cds), frame.strip().replace(" ", "-").replace("-codon", " codon")
             .replace("last-exon", "last exon"), decision.strip()) for n, nt, cds, frame, decision
            in rows]
    code = [(row[0], row[1], row[2], row[3], row[6]) for row in EXON_TABLE]
    assert page == code


def test_points_and_thresholds_on_the_page_are_the_code_values() -> None:
    for strength, points in POINTS.items():
        assert f"| {strength.value} | {points} |" in RULES
    assert [lowest for lowest, _ in CLASS_BOUNDS] == [10, 6, 0, -6, None]
    assert DEFAULT_THRESHOLDS.ba1 == 0.001 and "| BA1 | above 0.1% |" in RULES
    assert DEFAULT_THRESHOLDS.bs1 == 0.0001 and "| BS1 | above 0.01% |" in RULES
    assert DEFAULT_THRESHOLDS.pm2 == 0.0001 and "| PM2_Supporting | at or below 0.01% |" in RULES
