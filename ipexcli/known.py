"""Known-variant matching on normalised keys, independent of build and representation.

Every row of the known-variant table is placed in each build (its own allele for that build, or
its allele lifted from the other build) and VCF-normalised (trimmed, left-aligned, anchored); a
query is normalised the same way, so a deletion written anywhere in a repeat, with or without an
anchor base, still finds its row. Rows without coordinates (e.g. a frameshift reported only as
``p.(Thr428fs)``) cannot be matched by position and are listed in :attr:`KnownIndex.unplaced`.

Besides exact matches the index answers two residue-level questions (ACMG-style):

* *same amino-acid change, different nucleotide change* (PS1-like), and
* *a different missense change at a residue with a known pathogenic missense* (PM5-like).

Classifications are read with :meth:`ipexcli.model.Significance.parse`, and only from rows that
are classifications (``assertion_type`` ``clinvar_germline``): a literature or UniProt humsavar
row gets ``not classified`` (:attr:`KnownHit.significance`), whatever words it carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ipexcli.model import Build, GenomicVariant, Significance
from ipexcli.normalize import normalize_vcf
from ipexcli.refdata import KnownVariant, RefData
from ipexcli.transcript import lift_variant

#: a normalised allele key: (build, pos, ref, alt), VCF-normalised
Key = tuple[Build, int, str, str]


@dataclass(frozen=True, slots=True)
class ProteinEffect:
    """What the index needs to know about a variant's effect on the protein."""

    hgvs_p: str | None  #: e.g. "p.(Arg397Trp)", without accession
    missense_residue: int | None  #: 1-based residue when the variant is a missense change


@dataclass(frozen=True, slots=True)
class KnownHit:
    """One known-variant row with its parsed classification."""

    row: KnownVariant
    significance: Significance  #: NOT_CLASSIFIED unless the row is a ClinVar classification

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def is_literature(self) -> bool:
        """Reported in IPEX patients (literature/humsavar), not a classification."""
        return self.row.is_literature


@dataclass(frozen=True, slots=True)
class KnownMatch:
    """Result of :meth:`KnownIndex.match`."""

    exact: tuple[KnownHit, ...] = ()
    #: same protein change, different nucleotide change (PS1-like; any classification)
    same_protein_change: tuple[KnownHit, ...] = ()
    #: different missense at the same residue (PM5-like; any classification)
    same_residue_missense: tuple[KnownHit, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.exact or self.same_protein_change or self.same_residue_missense)


_NO_MATCH = KnownMatch()


def key_of(variant: GenomicVariant, data: RefData) -> Key:
    """The normalised key of ``variant`` in its own build."""
    ref, alt = variant.ref, variant.alt
    if ref and alt and ref[0] != alt[0] and ref[-1] != alt[-1]:
        v = variant  # nothing to trim, shift or anchor: normalize_vcf would return it as is
    else:
        v = normalize_vcf(variant, data.locus(variant.build))
    return (v.build, v.pos, v.ref, v.alt)


class KnownIndex:
    """Index of the known-variant table (build it with :func:`known_index`)."""

    def __init__(
        self, data: RefData, effect_of: Callable[[GenomicVariant], ProteinEffect]
    ) -> None:
        self.by_key: dict[Key, list[KnownHit]] = {}
        self.by_protein: dict[str, list[tuple[KnownHit, set[Key]]]] = {}
        self.by_residue: dict[int, list[tuple[KnownHit, str]]] = {}
        unplaced = []
        for row in data.known:
            significance = (
                Significance.parse(row.classification)
                if row.is_classification
                else Significance.NOT_CLASSIFIED
            )
            hit = KnownHit(row, significance)
            placed = _place(row, data)
            if not placed:
                unplaced.append(hit)
                continue
            keys = {key_of(v, data) for v in placed.values()}
            for key in keys:
                self.by_key.setdefault(key, []).append(hit)
            effect = effect_of(placed.get(Build.GRCH38) or next(iter(placed.values())))
            if effect.hgvs_p:
                self.by_protein.setdefault(effect.hgvs_p, []).append((hit, keys))
            if effect.missense_residue is not None and effect.hgvs_p:
                self.by_residue.setdefault(effect.missense_residue, []).append(
                    (hit, effect.hgvs_p)
                )
        self.unplaced: tuple[KnownHit, ...] = tuple(unplaced)

    def match(self, variant: GenomicVariant, data: RefData, effect: ProteinEffect) -> KnownMatch:
        """Exact, same-protein-change and same-residue-missense matches of ``variant``."""
        key = key_of(variant, data)
        exact = tuple(self.by_key.get(key, ()))
        exact_ids = {h.id for h in exact}
        same_p: tuple[KnownHit, ...] = ()
        same_residue: tuple[KnownHit, ...] = ()
        if effect.hgvs_p and effect.hgvs_p not in ("p.?", "p.(=)"):
            same_p = tuple(
                hit for hit, _keys in self.by_protein.get(effect.hgvs_p, ())
                if hit.id not in exact_ids
            )
        if effect.missense_residue is not None:
            same_residue = tuple(
                hit
                for hit, p in self.by_residue.get(effect.missense_residue, ())
                if p != effect.hgvs_p and hit.id not in exact_ids
            )
        if not exact and not same_p and not same_residue:
            return _NO_MATCH  # the usual answer; the value is immutable, so share one
        return KnownMatch(exact, same_p, same_residue)


def _place(row: KnownVariant, data: RefData) -> dict[Build, GenomicVariant]:
    placed = dict(row.alleles)
    for build in Build:
        if build not in placed:
            for source in list(placed.values()):
                lifted = lift_variant(source, data, build)
                if lifted is not None:
                    placed[build] = lifted
                    break
    return placed


_INDEX: dict[int, tuple[RefData, KnownIndex]] = {}


def known_index(
    data: RefData, effect_of: Callable[[GenomicVariant], ProteinEffect]
) -> KnownIndex:
    """The (cached per ``data``) :class:`KnownIndex`."""
    hit = _INDEX.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    index = KnownIndex(data, effect_of)
    _INDEX[id(data)] = (data, index)
    return index
