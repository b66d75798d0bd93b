"""Duplicate records of one variant in one file (#13): each is annotated and listed on its own;
when a sample's calls in them disagree, the sample is flagged and its verdict uses one call.

The rule (stated in every flag): a call from a record that PASSed its filters (FILTER ``PASS``
or ``.``) is preferred over a filtered one; among those alike, the one with the higher QUAL
(a missing QUAL counts lowest); then the first in input order. Calls that agree (the same GT
text) need no choice and raise no flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipexcli.model import Call, VariantRecord
    from ipexcli.result import InputRecord

#: genotype flag of every call of a sample at records of one variant that disagree
FLAG = "DUPLICATE_RECORDS_DISAGREE"


def duplicate_groups(keys: Sequence[str]) -> dict[str, list[int]]:
    """variant key -> positions (in file order) of the records annotated as that allele, for
    the keys seen more than once.

    >>> duplicate_groups(["a", "b", "a"])
    {'a': [0, 2]}
    """
    seen: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        seen.setdefault(key, []).append(position)
    return {key: where for key, where in seen.items() if len(where) > 1}


def _passed(record: InputRecord) -> bool:
    return record.filter in (None, "PASS")


def _rank(record: InputRecord, order: int) -> tuple[bool, float, int]:
    return (_passed(record), record.qual if record.qual is not None else -1.0, -order)


def _describe(call: Call, record: InputRecord) -> str:
    qual = "." if record.qual is None else f"{record.qual:g}"
    where = f"line {record.line}" if record.line is not None else f"POS {record.pos}"
    return f"GT {call.raw_gt or '.'} ({where}, FILTER {record.filter or '.'}, QUAL {qual})"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One sample's disagreeing calls at one variant and the record its verdict uses."""

    key: str
    chosen: int  #: position (in per_record) of the record whose call the verdict uses
    dropped: frozenset[int]  #: positions of the other records of the variant
    note: str  #: the flag text: both calls, their filters, and the rule applied


def disagreements(
    sample: str,
    column: int,
    groups: Mapping[str, list[int]],
    per_record: Sequence[tuple[VariantRecord, str]],
    keys: Sequence[InputRecord],
    name_of: Mapping[str, str],
) -> list[Disagreement]:
    """The duplicate variants at which ``sample`` (its column ``column``) has different calls."""
    found = []
    for key, positions in groups.items():
        calls = [per_record[p][0].calls[column] for p in positions]
        if len({c.raw_gt for c in calls}) < 2:
            continue
        chosen = max(positions, key=lambda p: _rank(keys[p], positions.index(p)))
        described = "; ".join(_describe(c, keys[p]) for c, p in zip(calls, positions,
                                                                      strict=True))
        kept = calls[positions.index(chosen)]
        note = (
            f"{sample}: the {len(positions)} records of {name_of.get(key, key)} give different "
            f"calls: {described}; the verdict uses {_describe(kept, keys[chosen])} (rule: a "
            "PASS call over a filtered one, then the higher QUAL, then the first)"
        )
        found.append(Disagreement(key, chosen, frozenset(positions) - {chosen}, note))
    return found
