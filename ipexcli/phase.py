"""Phase of two heterozygous variants in one female: *cis*, *trans* or unknown.

A female with two different reportable FOXP3 variants, each heterozygous, is biallelic only
when they sit on different X chromosomes (*trans*); on the same X (*cis*) the other X is intact
and she is a carrier. Unphased genotypes cannot tell. The rule (issue 12), applied to each pair:

1. **The VCF's own phase.** Both genotypes phased (``|``) and in the same phase set: equal
   ``FORMAT/PS`` values, or both without ``PS`` (the VCF specification puts phased genotypes
   without a PS in one phase set). The haplotype that carries each ALT is compared (``0|1`` and
   ``0|1``: both on the second haplotype -> *cis*; ``0|1`` and ``1|0`` -> *trans*). Different
   ``PS`` values, or either genotype unphased (``/``), leave the phase unknown: two phase sets
   say nothing about each other. (GATK's ``PGT``/``PID`` physical-phasing fields are not read.)
2. **Two ALTs of one multi-allelic site** (``1/2``): necessarily on different X chromosomes,
   *trans*, phased or not.
3. **The parents (PED), X-linked.** A daughter's paternal X is her father's only X, passed
   whole (no recombination outside the PARs). A variant is on her paternal X when her father is
   hemizygous for it; on her maternal X when her father is called without it (hemizygous REF)
   and her mother carries it. With both variants placed: same parental X -> *cis*, different ->
   *trans*. A variant neither parent carries (apparent de novo) cannot be placed.
4. When the VCF phase and the parents disagree the phase is unknown (the conflict is named).

Nothing here decides a verdict: :func:`ipexcli.inheritance.interpret_sample` turns *trans*
into "biallelic", *cis* into "carrier" and unknown into "phase unknown".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ipexcli.model import Call


class Phase(str, Enum):
    """Relative phase of two heterozygous variants."""

    CIS = "cis"
    TRANS = "trans"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class PhaseCall:
    """A phase and how it was found (one phrase, quoted in the verdict's reasons)."""

    phase: Phase
    how: str


def _alt_haplotype(call: Call) -> int | None:
    """Index (0 or 1) of the haplotype carrying this ALT in a diploid phased call, else None."""
    alleles = call.alleles
    if len(alleles) != 2 or not call.phased:
        return None
    if alleles[0] == 1 and alleles[1] != 1:
        return 0
    if alleles[1] == 1 and alleles[0] != 1:
        return 1
    return None


def _same_site_alts(a: Call, b: Call) -> bool:
    """The two calls are the two ALTs of one multi-allelic genotype (``1/2`` split)."""
    return (
        a.other_alt
        and b.other_alt
        and a.raw_gt == b.raw_gt
        and len(a.alleles) == len(b.alleles) == 2
        and {a.alleles, b.alleles} == {(1, None), (None, 1)}
    )


def from_genotypes(a: Call, b: Call) -> PhaseCall:
    """Phase of two heterozygous calls of one sample from the VCF alone (rules 1 and 2).

    >>> from ipexcli.model import Call
    >>> het = lambda gt, ps=None: Call((int(gt[0]), int(gt[2])), "|" in gt, gt, ps=ps)
    >>> from_genotypes(het("0|1", "100"), het("0|1", "100")).phase.value
    'cis'
    >>> from_genotypes(het("0|1", "100"), het("1|0", "100")).phase.value
    'trans'
    >>> from_genotypes(het("0|1", "100"), het("0|1", "200")).phase.value
    'unknown'
    >>> from_genotypes(het("0/1"), het("0|1")).phase.value
    'unknown'
    """
    if _same_site_alts(a, b):
        return PhaseCall(
            Phase.TRANS, f"two ALT alleles of one site (GT {a.raw_gt}): necessarily in trans"
        )
    if not (a.phased and b.phased):
        unphased = " and ".join(f"GT {c.raw_gt}" for c in (a, b) if not c.phased)
        return PhaseCall(Phase.UNKNOWN, f"not phased in the VCF ({unphased} unphased)")
    if a.ps != b.ps:
        return PhaseCall(
            Phase.UNKNOWN,
            f"phased in different phase sets (PS {a.ps or 'absent'} and {b.ps or 'absent'}): "
            "their relative phase is not known",
        )
    ha, hb = _alt_haplotype(a), _alt_haplotype(b)
    if ha is None or hb is None:
        return PhaseCall(Phase.UNKNOWN, f"phased GTs {a.raw_gt}, {b.raw_gt} do not place the ALTs")
    where = f"PS {a.ps}" if a.ps is not None else "phased, no PS: one phase set"
    if ha == hb:
        return PhaseCall(
            Phase.CIS, f"in cis: GT {a.raw_gt} and {b.raw_gt} in one phase set ({where})"
        )
    return PhaseCall(
        Phase.TRANS, f"in trans: GT {a.raw_gt} and {b.raw_gt} in one phase set ({where})"
    )


def _parental_x(mother: Call | None, father: Call | None) -> str | None:
    """``"paternal"``, ``"maternal"`` or None: which X of a heterozygous daughter carries the
    ALT, from her parents' calls at that record (rule 3). The father counts only when his call
    is clearly hemizygous: ALT (``1``, ``1/1``, ``1/.``) or without it (``0``, ``0/0``, ``0/.``,
    another ALT); a heterozygous call in a father places nothing."""
    if father is None or father.is_missing:
        return None
    called = [a for a in father.alleles if a is not None]
    if called and all(a == 1 for a in called):
        return "paternal"
    if any(a == 1 for a in called):
        return None  # heterozygous in a male: not a hemizygous call
    if mother is None or mother.is_missing:
        return None
    return "maternal" if any(a == 1 for a in mother.alleles) else None


def _parents_text(mother: Call | None, father: Call | None) -> str:
    def gt(call: Call | None) -> str:
        return "not sequenced" if call is None else call.raw_gt

    return f"mother {gt(mother)}, father {gt(father)}"


def from_parents(
    a: tuple[Call | None, Call | None], b: tuple[Call | None, Call | None]
) -> PhaseCall:
    """Phase of a daughter's two heterozygous variants from her parents' calls (rule 3);
    ``a`` and ``b`` are ``(mother's call, father's call)`` at each variant (None when that
    parent is not in the file).

    >>> from ipexcli.model import Call
    >>> ref, alt, het = Call((0,), raw_gt="0"), Call((1,), raw_gt="1"), Call((0, 1), raw_gt="0/1")
    >>> hom_ref = Call((0, 0), raw_gt="0/0")
    >>> from_parents((het, ref), (hom_ref, alt)).phase.value  # one from each parent
    'trans'
    >>> from_parents((het, ref), (het, ref)).phase.value  # both from the mother
    'cis'
    >>> from_parents((hom_ref, ref), (het, ref)).phase.value  # first apparent de novo
    'unknown'
    """
    origin_a, origin_b = _parental_x(*a), _parental_x(*b)
    seen = f"first variant {_parents_text(*a)}; second {_parents_text(*b)}"
    if origin_a is None or origin_b is None:
        return PhaseCall(Phase.UNKNOWN, f"the parents do not place both variants ({seen})")
    if origin_a == origin_b:
        return PhaseCall(
            Phase.CIS, f"in cis: both on the {origin_a} X, from the parents ({seen})"
        )
    return PhaseCall(
        Phase.TRANS,
        f"in trans: one on the {origin_a} X, the other on the {origin_b} X, from the parents "
        f"({seen})",
    )


def combine(read: PhaseCall, parents: PhaseCall | None) -> PhaseCall:
    """The VCF's phase and the parents' (rule 4): either alone when the other is unknown;
    both known and different -> unknown, with the conflict named."""
    if parents is None:
        return read
    if parents.phase is Phase.UNKNOWN:
        if read.phase is Phase.UNKNOWN:  # say why neither could tell
            return PhaseCall(Phase.UNKNOWN, f"{read.how}; {parents.how}")
        return read
    if read.phase is Phase.UNKNOWN:
        return parents
    if read.phase is parents.phase:
        return PhaseCall(read.phase, f"{read.how}; the parents agree")
    return PhaseCall(
        Phase.UNKNOWN,
        f"the VCF phase ({read.how}) and the parents ({parents.how}) disagree: check sample "
        "identity, parentage or the phasing",
    )
