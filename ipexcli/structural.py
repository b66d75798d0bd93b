"""Symbolic and structural records overlapping FOXP3 (#13): ``<DEL>``, ``<DUP>``, ``<INV>``,
``<CNV>``, other ``<...>`` ALTs and breakends, placed by ``POS`` and ``END``/``SVLEN``.

They are not sequence changes ipexcli can name in HGVS, but they are never dropped in silence: a
deletion of FOXP3 exons is a classic cause of IPEX. Each is reported with the exons it overlaps
and one SO consequence chosen as VEP and SnpEff do for structural variants:

* ``<DEL>`` (and ``<CN0>``, ``<DEL:...>``): ``transcript_ablation`` when it spans the whole
  transcript, ``exon_loss_variant`` + ``feature_truncation`` when it removes some exons,
  ``intron_variant`` when it lies within one intron, ``upstream/downstream_gene_variant``
  within 5 kb outside;
* ``<DUP>`` (and ``<DUP:TANDEM>``...): ``transcript_amplification`` for the whole transcript,
  ``feature_elongation`` when it copies some exons, else as a deletion's location terms;
* ``<INV>``, ``<CNV>``, ``<INS>``, breakends and other symbolic ALTs: ``sequence_variant`` with
  the exons they touch: their effect on the transcript is not predicted.

Evidence: only a deletion of the whole transcript gets a code, PVS1 (the ClinGen SVI PVS1
decision tree, Abou Tayoun et al. 2018, Hum Mutat 39:1517: "full gene deletion" -> PVS1); a
partial deletion's strength depends on the reading frame and NMD of the exons lost, which
ipexcli does not work out, so no code is given and the variant is marked
``structural_variant_not_interpreted``. Positions: ``pos`` and ``end`` are 1-based inclusive
(VCF ``POS`` is the padding base before a symbolic allele; the affected bases are
``POS + 1 .. END``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipexcli.model import Build, VariantRecord
    from ipexcli.refdata import RefData
    from ipexcli.result import InputRecord, SampleResult, VariantResult

#: VEP's default distance for upstream/downstream_gene_variant (as :mod:`ipexcli.consequence`)
FLANK = 5000

#: SO term -> putative impact. transcript_ablation and transcript_amplification: HIGH as in
#: VEP >= 105 (field notes 4.5); exon_loss_variant: HIGH as SnpEff rates it; the others
#: MODIFIER as in VEP.
IMPACT = {
    "transcript_ablation": "HIGH",
    "transcript_amplification": "HIGH",
    "exon_loss_variant": "HIGH",
    "feature_truncation": "MODIFIER",
    "feature_elongation": "MODIFIER",
    "intron_variant": "MODIFIER",
    "upstream_gene_variant": "MODIFIER",
    "downstream_gene_variant": "MODIFIER",
    "sequence_variant": "MODIFIER",
}

#: flag of every structural variant: ipexcli reports it but does not interpret it further
FLAG_NOT_INTERPRETED = "structural_variant_not_interpreted"

_BREAKEND = re.compile(r"[\[\]]")


def kind_of(alt: str) -> str | None:
    """``DEL``, ``DUP``, ``INV``, ``CNV``, ``INS``, ``BND`` or another symbolic type, or None
    for a sequence ALT (and for ``*``, ``<*>``, ``<NON_REF>``, which are not structural).

    >>> [kind_of(a) for a in ("<DEL>", "<DUP:TANDEM>", "<CN0>", "G]chr2:100]", "A", "*")]
    ['DEL', 'DUP', 'DEL', 'BND', None, None]
    """
    if alt in ("*", "<*>", "<NON_REF>"):
        return None
    if alt.startswith("<") and alt.endswith(">"):
        name = alt[1:-1].split(":", 1)[0].upper()
        return "DEL" if name == "CN0" else name
    if _BREAKEND.search(alt) or alt.startswith(".") or alt.endswith("."):
        return "BND"
    return None


def span(pos: int, ref: str, alt: str, info: Mapping[str, str]) -> tuple[int, int]:
    """1-based inclusive first and last affected base: ``POS + 1`` (after the padding base)
    to ``END``, else ``POS + |SVLEN|``, else the REF span (a breakend: its own base)."""
    end_text = info.get("END", "")
    first = pos + 1 if alt.startswith("<") else pos
    if end_text.isdigit():
        return first, max(int(end_text), first)
    svlen = info.get("SVLEN", "").split(",")[0].lstrip("-")
    if svlen.isdigit() and int(svlen) > 0 and alt.startswith("<"):
        return first, first + int(svlen) - 1
    return pos, pos + max(len(ref), 1) - 1


@dataclass(frozen=True, slots=True)
class StructuralAnnotation:
    """One structural ALT on NM_014009.4 (see the module docstring)."""

    kind: str
    start: int  #: 1-based first affected base
    end: int  #: 1-based last affected base
    exons: tuple[int, ...]  #: numbers of the exons it overlaps, in transcript order
    n_exons: int
    consequences: tuple[str, ...]
    impact: str
    evidence: tuple[tuple[str, str, str], ...]  #: (code, strength, reason)
    note: str  #: what ipexcli did not interpret

    @property
    def exon_text(self) -> str:
        """``"2-3/12"`` style rank as in ANN, "" when it overlaps no exon."""
        if not self.exons:
            return ""
        first, last = min(self.exons), max(self.exons)
        rank = str(first) if first == last else f"{first}-{last}"
        return f"{rank}/{self.n_exons}"


def annotate_structural(kind: str, start: int, end: int, build: Build,
                        data: RefData) -> StructuralAnnotation | None:
    """The annotation of a structural ALT affecting 1-based ``start..end``, or None when it
    lies farther than :data:`FLANK` from the transcript."""
    tx = data.transcript(build)
    lo, hi = start - 1, end  # 0-based half-open
    if hi <= tx.start - FLANK or lo >= tx.end + FLANK:
        return None
    exons = tuple(e.number for e in tx.exons if lo < e.end and e.start < hi)
    whole = lo <= tx.start and hi >= tx.end
    inside = lo < tx.end and tx.start < hi
    if not inside:  # flank only; FOXP3 is on the minus strand: upstream is at higher positions
        upstream = (lo >= tx.end) if tx.strand < 0 else (hi <= tx.start)
        terms: tuple[str, ...] = (
            "upstream_gene_variant" if upstream else "downstream_gene_variant",
        )
    elif kind == "DEL":
        terms = (("transcript_ablation",) if whole else
                 ("exon_loss_variant", "feature_truncation") if exons else ("intron_variant",))
    elif kind == "DUP":
        terms = (("transcript_amplification",) if whole else
                 ("feature_elongation",) if exons else ("intron_variant",))
    else:
        terms = ("sequence_variant",)
    evidence: tuple[tuple[str, str, str], ...] = ()
    if terms == ("transcript_ablation",):
        evidence = (("PVS1", "very_strong",
                     "deletion of the whole transcript (ClinGen SVI PVS1 decision tree, Abou "
                     "Tayoun et al. 2018: full gene deletion)"),)
    where = (f"exons {min(exons)}-{max(exons)}" if len(exons) > 1 else
             f"exon {exons[0]}" if exons else "no exon")
    note = (f"structural <{kind}> at {start:,}-{end:,} ({where} of {tx.id}) was not interpreted "
            "further: its effect on the reading frame and its breakpoints are not assessed; "
            "review it (e.g. with the read evidence)")
    impact = max((IMPACT[t] for t in terms), key=("MODIFIER", "LOW", "MODERATE", "HIGH").index)
    return StructuralAnnotation(kind, start, end, exons, len(tx.exons), terms, impact,
                                evidence, note)


# -- into the report (called by :mod:`ipexcli.interpret`) ------------------------------------------


def structural_result(record: VariantRecord, build: Build, data: RefData) -> VariantResult | None:
    """The report's variant entry of a structural record ALT (None: farther than
    :data:`FLANK` from the transcript, or not structural)."""
    from ipexcli.result import EvidenceCode, VariantResult

    kind = kind_of(record.alt)
    if kind is None:
        return None
    info = dict(record.info)
    start, end = span(record.pos, record.ref, record.alt, info)
    found = annotate_structural(kind, start, end, build, data)
    if found is None:
        return None
    return VariantResult(
        key=f"{build.value}:{record.chrom}:{record.pos}:{record.ref}:{record.alt}:{end}",
        build=build.value,
        chrom=record.contig,
        pos=record.pos,
        ref=record.ref,
        alt=record.alt,
        hgvs_g="",
        hgvs_c="",
        hgvs_p="",
        consequences=found.consequences,
        impact=found.impact,
        exon=found.exon_text,
        evidence=tuple(EvidenceCode(*code) for code in found.evidence),
        flags=(FLAG_NOT_INTERPRETED, *record.flags),
        filters=record.filters,
        inputs=(record.source,),
        note=found.note,
    )


def mark_carriers(samples: list[SampleResult], structural: Mapping[str, VariantResult]
                  ) -> list[SampleResult]:
    """Each sample carrying a structural ALT gets its note among the reasons of every verdict;
    a "no reportable variant" verdict becomes "uncertain" when the variant touches the
    transcript (it was not interpreted, so it cannot be called unremarkable)."""
    from dataclasses import replace

    if not structural:
        return samples
    out = []
    for sample in samples:
        carried = [
            structural[g.variant_key] for g in sample.genotypes
            if g.variant_key in structural and _carries(g.raw_gt, g.record)
        ]
        if not carried:
            out.append(sample)
            continue
        notes = tuple(dict.fromkeys(v.note for v in carried))
        touches = any(v.consequences[0] not in ("upstream_gene_variant",
                                                "downstream_gene_variant") for v in carried)
        verdicts = []
        for verdict in sample.verdicts:
            category, text = verdict.category, verdict.text
            if category == "no_reportable_variant" and touches:
                category = "uncertain"
                text = ("uncertain: a structural variant overlapping FOXP3 was not interpreted "
                        "further (see the reasons)")
            verdicts.append(replace(verdict, category=category, text=text,
                                    reasons=(*verdict.reasons, *notes)))
        out.append(replace(sample, verdicts=tuple(verdicts)))
    return out


def _carries(raw_gt: str, record: InputRecord | None) -> bool:
    """Whether a GT holds this record's ALT (its 1-based index in the record)."""
    index = str(record.alt_index) if record is not None else "1"
    return index in re.split(r"[/|]", raw_gt)
