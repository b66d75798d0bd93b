"""ACMG/AMP evidence combined into a class with the ClinGen SVI point scale (data + one function).

Sources, next to the numbers they give:

* Richards S et al. 2015, "Standards and guidelines for the interpretation of sequence
  variants", Genet Med 17:405-424 (ACMG/AMP 2015): the criteria, their default strengths and the
  rule that BA1 alone is sufficient for Benign ("stand-alone").
* Tavtigian SV et al. 2020, "Fitting a naturally scaled point system to the ACMG/AMP variant
  classification guidelines", Hum Mutat 41:1734-1737 (ClinGen Sequence Variant Interpretation
  working group): points per strength (:data:`POINTS`) and the class bounds
  (:data:`CLASS_BOUNDS`).

The class computed here is an *automated* class from the automated codes of
:mod:`ipexcli.evidence` (no phenotype, segregation, functional or de novo data): it is shown as
"computed", and a ClinVar germline classification of the same allele takes precedence
(:mod:`ipexcli.classify`).

>>> from ipexcli.evidence import Evidence, Strength
>>> c = combine((Evidence("PVS1", Strength.VERY_STRONG, ""),
...              Evidence("PM2_Supporting", Strength.SUPPORTING, "")))
>>> c.points, c.acmg_class.value
(9, 'Likely pathogenic')
>>> c.rule
'PVS1 (8) + PM2_Supporting (1) = 9 -> Likely pathogenic, ClinGen SVI points (Tavtigian 2020)'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from ipexcli.evidence import Evidence, Strength
from ipexcli.model import Significance

#: where the points and the bounds come from (quoted in every computed verdict)
POINTS_SOURCE = "ClinGen SVI points (Tavtigian 2020)"

#: the stand-alone rule's source
STAND_ALONE_SOURCE = "BA1 is stand-alone benign (ACMG/AMP 2015, Richards 2015)"

#: points per strength, Tavtigian et al. 2020 Table 1 (benign codes count negative)
POINTS = {
    Strength.VERY_STRONG: 8,
    Strength.STRONG: 4,
    Strength.MODERATE: 2,
    Strength.SUPPORTING: 1,
}


class AcmgClass(str, Enum):
    """The five ACMG/AMP classes (Richards 2015), in ClinVar's words."""

    PATHOGENIC = "Pathogenic"
    LIKELY_PATHOGENIC = "Likely pathogenic"
    UNCERTAIN = "Uncertain significance"
    LIKELY_BENIGN = "Likely benign"
    BENIGN = "Benign"

    def __str__(self) -> str:
        return self._value_

    @property
    def significance(self) -> Significance:
        return Significance(self._value_)


#: (lowest total, class), highest first: P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7
#: (Tavtigian et al. 2020, Table 2)
CLASS_BOUNDS: tuple[tuple[int | None, AcmgClass], ...] = (
    (10, AcmgClass.PATHOGENIC),
    (6, AcmgClass.LIKELY_PATHOGENIC),
    (0, AcmgClass.UNCERTAIN),
    (-6, AcmgClass.LIKELY_BENIGN),
    (None, AcmgClass.BENIGN),
)


def class_of_points(points: int) -> AcmgClass:
    """The class of a point total.

    >>> [class_of_points(p).name for p in (10, 6, 5, 0, -1, -6, -7)]
    ['PATHOGENIC', 'LIKELY_PATHOGENIC', 'UNCERTAIN', 'UNCERTAIN', 'LIKELY_BENIGN', \
'LIKELY_BENIGN', 'BENIGN']
    """
    for lowest, cls in CLASS_BOUNDS:
        if lowest is None or points >= lowest:
            return cls
    raise AssertionError("unreachable: the last bound has no floor")


def points_of(evidence: Evidence) -> int:
    """Signed points of one code (0 for a stand-alone code: it is not added, it decides)."""
    if evidence.strength is Strength.STAND_ALONE:
        return 0
    value = POINTS[evidence.strength]
    return -value if evidence.benign else value


@dataclass(frozen=True, slots=True)
class Combined:
    """The automated class of one variant and the arithmetic behind it."""

    codes: tuple[Evidence, ...]
    points: int
    acmg_class: AcmgClass
    #: e.g. "PVS1 (8) + PM2_Supporting (1) = 9 -> Likely pathogenic, ClinGen SVI points
    #: (Tavtigian 2020)": the codes, the points, the class and the rule's source
    rule: str

    @property
    def pathogenic_codes(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.codes if not e.benign)


def combine(codes: Iterable[Evidence]) -> Combined:
    """Sum the points of ``codes`` and classify; BA1 (stand-alone) makes the class Benign."""
    codes = tuple(codes)
    stand_alone = [e for e in codes if e.benign and e.strength is Strength.STAND_ALONE]
    counted = [e for e in codes if e.strength is not Strength.STAND_ALONE]
    total = sum(points_of(e) for e in counted)
    terms = " + ".join(f"{e.code} ({points_of(e)})" for e in counted)
    if stand_alone:
        ignored = f"; {terms} not counted" if terms else ""
        rule = f"{stand_alone[0].code} -> Benign, {STAND_ALONE_SOURCE}{ignored}"
        return Combined(codes, total, AcmgClass.BENIGN, rule)
    cls = class_of_points(total)
    if not counted:
        return Combined(codes, 0, cls, f"no evidence code = 0 -> {cls}, {POINTS_SOURCE}")
    return Combined(codes, total, cls, f"{terms} = {total} -> {cls}, {POINTS_SOURCE}")
