"""PVS1 by the ClinGen SVI decision tree, applied to NM_014009.4 (data from ``refdata/``).

Source: Abou Tayoun AN et al. 2018, "Recommendations for interpreting the loss of function PVS1
ACMG/AMP variant criterion", Hum Mutat 39:1517-1524 (ClinGen Sequence Variant Interpretation
working group), Figure 1. FOXP3 loss of function is the disease mechanism of IPEX (the tree's
first question), so every branch below assumes it. The tree, as implemented:

* **Nonsense / frameshift** (a new stop before the reference stop):

  - nonsense-mediated decay (NMD) predicted -> **PVS1**. NMD is predicted unless the new stop
    lies in the last exon or in the last 50 nt of the penultimate exon (the 50-nt rule);
  - NMD not predicted -> the truncated region (first changed residue to the end) contains a
    critical region (:data:`CRITICAL_KINDS`) -> **PVS1_Strong**; otherwise it removes > 10 % of
    the protein -> **PVS1_Strong**, <= 10 % -> **PVS1_Moderate**.

* **Frameshift or stop change that extends the protein** (no stop before the reference stop):
  never PVS1; PM4 (protein length change) is given by :mod:`ipexcli.evidence`.

* **Canonical splice site** (+/-1,2): predicted skipping of the exon whose donor (intron ``n``
  donor -> exon ``n``) or acceptor (intron ``n`` acceptor -> exon ``n + 1``) is hit; the outcome
  is read from the per-exon table :func:`exon_table`, computed from the real exon lengths:

  - exon wholly in the 5' UTR (exon 1): no protein change predicted -> **no PVS1**;
  - exon holding the start codon (exon 2): skipping removes c.1 and the residues the exon codes
    -> the initiation-codon branch from the first Met after them;
  - last exon: no NMD (no downstream exon junction); the lost coding part decides as for a
    truncation (critical region -> Strong; > 10 % -> Strong; else Moderate);
  - out of frame: the skipped transcript is translated; NMD of its new stop by the 50-nt rule
    -> **PVS1**, else as for a truncation;
  - in frame: the removed residues contain a critical region -> **PVS1_Strong**; else the exon is
    absent from another RefSeq transcript of the gene (isoform b NM_001114377 lacks exon 3) ->
    **not applicable** (the tree's "exon absent from a biologically relevant transcript"; the
    skipped product is that isoform's protein); else > 10 % -> Strong, <= 10 % -> Moderate.

* **Initiation codon** (start lost): **PVS1_Moderate** when a ClinVar P/LP variant is known
  between c.1 and the first in-frame downstream Met (initiation-codon variants themselves not
  counted), **PVS1_Supporting** otherwise; never stronger (Moderate at most).

Residue numbers are 1-based; exon numbers follow NM_014009.4 (exon 1 = the 5'UTR-only exon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ipexcli.consequence import CodingChange
from ipexcli.refdata import KnownVariant, Transcript
from ipexcli.sequtils import translate_to_stop

#: UniProt feature kinds (bundled ``transcript.json``) counted as critical to FOXP3 function
CRITICAL_KINDS = ("zinc_finger", "forkhead_domain")

#: the tree's threshold on the share of the protein removed
SHARE_THRESHOLD = 0.10

#: the 50-nt rule: a stop this many nt or fewer before the last exon junction escapes NMD
NMD_BOUNDARY_NT = 50

SOURCE = "ClinGen SVI PVS1 tree (Abou Tayoun 2018)"

#: strengths as words (ipexcli.evidence maps them to its Strength)
VERY_STRONG, STRONG, MODERATE, SUPPORTING = "very strong", "strong", "moderate", "supporting"
_CODE = {VERY_STRONG: "PVS1", STRONG: "PVS1_Strong", MODERATE: "PVS1_Moderate",
         SUPPORTING: "PVS1_Supporting"}


@dataclass(frozen=True, slots=True)
class Pvs1:
    """A PVS1 decision: ``strength`` None means not applicable (``reason`` says why)."""

    strength: str | None
    reason: str

    @property
    def code(self) -> str | None:
        return None if self.strength is None else _CODE[self.strength]


@dataclass(frozen=True, slots=True)
class ExonRow:
    """What skipping one exon of NM_014009.4 does, and the PVS1 decision for its splice sites.

    ``coding_nt`` is the number of CDS bases in the exon (stop codon included); ``frame`` is
    ``non-coding``, ``start codon``, ``last exon``, ``in-frame`` or ``out-of-frame``;
    ``residues`` the 1-based residues lost or changed (first, last), None when no protein
    change is predicted; ``nmd`` whether the skipped transcript is predicted to undergo NMD.
    """

    number: int
    length: int
    coding_nt: int
    frame: str
    residues: tuple[int, int] | None
    share: float
    nmd: bool | None
    critical: str  #: the critical regions hit ("" when none)
    absent_from: str  #: another RefSeq transcript lacking this exon ("" when none)
    decision: Pvs1

    @property
    def label(self) -> str:
        """The decision for a canonical splice variant skipping this exon, in one word."""
        if self.frame == "start codon":
            return "start-loss branch"
        return self.decision.code or "not applicable"


#: The per-exon table for NM_014009.4 as :func:`exon_table` computes it from ``refdata/``
#: (tests/engine/test_pvs1_table.py recomputes every frame from the exon lengths and checks
#: this copy): (exon, length nt, CDS nt, frame, residues lost/altered, NMD, decision for a
#: canonical splice variant that skips it).
#:
#: =====  ======  ======  ============  ========  =====  =================  ======================
#: exon   nt      CDS nt  frame         residues  NMD    decision           why
#: =====  ======  ======  ============  ========  =====  =================  ======================
#: 1      50      0       non-coding    -         -      not applicable     5'UTR only
#: 2      232     210     start codon   1-431     -      start-loss branch  from Met78
#: 3      105     105     in-frame      71-105    no     not applicable     = isoform b protein
#: 4      139     139     out-of-frame  106-431   yes    PVS1               NMD
#: 5      88      88      out-of-frame  152-431   yes    PVS1               NMD
#: 6      105     105     in-frame      181-216   no     PVS1_Strong        zinc finger 197-222
#: 7      88      88      out-of-frame  216-431   yes    PVS1               NMD
#: 8      81      81      in-frame      246-272   no     PVS1_Moderate      27 aa (6.3%), no domain
#: 9      151     151     out-of-frame  273-431   no     PVS1_Strong        no NMD; forkhead
#: 10     77      77      out-of-frame  323-431   yes    PVS1               NMD
#: 11     102     102     in-frame      349-382   no     PVS1_Strong        forkhead 337-423
#: 12     1046    150     last exon     383-431   no     PVS1_Strong        forkhead 337-423
#: =====  ======  ======  ============  ========  =====  =================  ======================
EXON_TABLE: tuple[tuple[int, int, int, str, tuple[int, int] | None, bool | None, str], ...] = (
    (1, 50, 0, "non-coding", None, None, "not applicable"),
    (2, 232, 210, "start codon", (1, 431), None, "start-loss branch"),
    (3, 105, 105, "in-frame", (71, 105), False, "not applicable"),
    (4, 139, 139, "out-of-frame", (106, 431), True, "PVS1"),
    (5, 88, 88, "out-of-frame", (152, 431), True, "PVS1"),
    (6, 105, 105, "in-frame", (181, 216), False, "PVS1_Strong"),
    (7, 88, 88, "out-of-frame", (216, 431), True, "PVS1"),
    (8, 81, 81, "in-frame", (246, 272), False, "PVS1_Moderate"),
    (9, 151, 151, "out-of-frame", (273, 431), False, "PVS1_Strong"),
    (10, 77, 77, "out-of-frame", (323, 431), True, "PVS1"),
    (11, 102, 102, "in-frame", (349, 382), False, "PVS1_Strong"),
    (12, 1046, 150, "last exon", (383, 431), False, "PVS1_Strong"),
)


def _critical(tx: Transcript, first: int, last: int) -> str:
    hit = [
        f"{f.name} {f.aa_start}-{f.aa_end}"
        for f in tx.features
        if f.kind in CRITICAL_KINDS and f.aa_start <= last and first <= f.aa_end
    ]
    return ", ".join(hit)


def truncation(tx: Transcript, first: int, what: str) -> Pvs1:
    """The tree's branch for a protein cut (or altered) from residue ``first`` on, without NMD."""
    length = len(tx.protein)
    last = length
    lost = last - first + 1
    share = lost / length
    critical = _critical(tx, first, last)
    where = f"{what}; residues {first}-{last} lost or altered ({lost} of {length} aa, {share:.1%})"
    if critical:
        return Pvs1(STRONG, f"{where}; critical region lost: {critical}")
    if share > SHARE_THRESHOLD:
        return Pvs1(STRONG, f"{where}; no critical region, > 10% of the protein")
    return Pvs1(MODERATE, f"{where}; no critical region, <= 10% of the protein")


def nmd_predicted(stop_tx: int, exon_bounds: list[tuple[int, int]]) -> bool:
    """The 50-nt rule: a stop whose first base (1-based position ``stop_tx`` in a transcript of
    exons ``exon_bounds``, 1-based inclusive, transcript order) escapes NMD when it lies in the
    last exon or within 50 nt of the end of the penultimate exon."""
    if len(exon_bounds) < 2:
        return False
    return stop_tx < exon_bounds[-1][0] - NMD_BOUNDARY_NT


_TABLE: dict[int, tuple[Transcript, tuple[ExonRow, ...]]] = {}


def exon_table(tx: Transcript) -> tuple[ExonRow, ...]:
    """The per-exon skipping table of ``tx``, computed from its exon lengths and sequence."""
    hit = _TABLE.get(id(tx))
    if hit is not None and hit[0] is tx:
        return hit[1]
    rows = tuple(_exon_row(tx, exon.number) for exon in tx.exons)
    _TABLE[id(tx)] = (tx, rows)
    return rows


def _exon_row(tx: Transcript, number: int) -> ExonRow:
    exons = tx.exons
    exon = exons[number - 1]
    length = exon.tx_end - exon.tx_start + 1
    coding = max(0, min(exon.tx_end, tx.cds_tx_end) - max(exon.tx_start, tx.cds_tx_start) + 1)
    absent = ", ".join(acc for acc, lacks in tx.alternative_transcripts if number in lacks)
    protein_length = len(tx.protein)

    def row(frame: str, residues: tuple[int, int] | None, nmd: bool | None, critical: str,
            decision: Pvs1) -> ExonRow:
        share = 0.0 if residues is None else (residues[1] - residues[0] + 1) / protein_length
        return ExonRow(number, length, coding, frame, residues, share, nmd, critical, absent,
                       decision)

    if coding == 0:
        return row("non-coding", None, None, "", Pvs1(
            None, f"exon {number} is non-coding (5'/3' UTR only): skipping it changes no protein"
        ))
    if exon.tx_start <= tx.cds_tx_start <= exon.tx_end:
        return row("start codon", (1, protein_length), None, "", Pvs1(
            None, f"exon {number} holds the start codon: skipping it is read as a start loss"
        ))
    first_c = exon.tx_start - tx.cds_tx_start + 1  # c. of the exon's first base
    first = (first_c - 1) // 3 + 1
    if number == len(exons):
        decision = truncation(
            tx, first, f"skipping of the last exon {number} (no NMD: no downstream junction)"
        )
        return row("last exon", (first, protein_length), False,
                   _critical(tx, first, protein_length), decision)
    skipped = tx.cdna[: exon.tx_start - 1] + tx.cdna[exon.tx_end :]
    protein = translate_to_stop(skipped[tx.cds_tx_start - 1 :])
    if coding % 3:
        stop_index = protein.find("*")
        bounds = _skipped_bounds(tx, number)
        stop_tx = tx.cds_tx_start + 3 * stop_index if stop_index >= 0 else None
        nmd = stop_tx is not None and nmd_predicted(stop_tx, bounds)
        what = f"skipping of exon {number} ({length} nt, out of frame)"
        if nmd:
            decision = Pvs1(VERY_STRONG, f"{what}: new stop p.{stop_index + 1}, NMD predicted")
        else:
            decision = truncation(tx, first, f"{what}: new stop escapes NMD")
        return row("out-of-frame", (first, protein_length), nmd,
                   _critical(tx, first, protein_length), decision)
    removed = coding // 3
    phase = (first_c - 1) % 3  # 0: the exon starts at a codon's first base
    # mid-codon start: the junction codon is rebuilt from both neighbours (one residue altered)
    residues = (first, first + removed - 1 + (1 if phase else 0))
    assert len(protein) == protein_length - removed + 1 and protein.endswith("*"), number
    critical = _critical(tx, *residues)
    what = (f"skipping of exon {number} ({length} nt, in frame): residues "
            f"{residues[0]}-{residues[1]} removed ({removed} of {protein_length} aa, "
            f"{removed / protein_length:.1%})")
    if critical:
        decision = Pvs1(STRONG, f"{what}; critical region lost: {critical}")
    elif absent:
        decision = Pvs1(None, (
            f"{what}; no critical region, and exon {number} is absent from {absent} (another "
            "RefSeq transcript of FOXP3): the skipped product is that isoform's protein, so "
            "PVS1 does not apply"
        ))
    elif removed / protein_length > SHARE_THRESHOLD:
        decision = Pvs1(STRONG, f"{what}; no critical region, > 10% of the protein")
    else:
        decision = Pvs1(MODERATE, f"{what}; no critical region, <= 10% of the protein")
    return row("in-frame", residues, False, critical, decision)


def _skipped_bounds(tx: Transcript, number: int) -> list[tuple[int, int]]:
    """1-based exon bounds of the transcript without exon ``number``."""
    out = []
    shift = 0
    for exon in tx.exons:
        length = exon.tx_end - exon.tx_start + 1
        if exon.number == number:
            shift += length
            continue
        out.append((exon.tx_start - shift, exon.tx_end - shift))
    return out


def splice_site(
    tx: Transcript, intron: int, donor: bool, known: Iterable[KnownVariant] = ()
) -> Pvs1:
    """PVS1 for a canonical donor (``donor``) or acceptor variant of intron ``intron``; the
    skipped exon is ``intron`` (donor) or ``intron + 1`` (acceptor)."""
    number = intron if donor else intron + 1
    site = f"canonical {'donor' if donor else 'acceptor'} of intron {intron}"
    row = exon_table(tx)[number - 1]
    if row.frame == "start codon":
        # the skipped exon takes the start codon and every residue it codes: the first Met a
        # ribosome could use in frame lies after them
        exon = tx.exons[number - 1]
        last_residue = (min(exon.tx_end, tx.cds_tx_end) - tx.cds_tx_start + 1) // 3
        start = start_loss(tx, known, after=last_residue)
        return Pvs1(start.strength, (
            f"{site}: skipping exon {number} removes c.1 and residues 1-{last_residue}; "
            f"{start.reason}"
        ))
    return Pvs1(row.decision.strength, f"{site}: {row.decision.reason}")


def premature_stop(
    tx: Transcript, change: CodingChange, nmd: bool | None, term: str
) -> Pvs1 | None:
    """The nonsense/frameshift branch for a coding change; None when the change makes no stop
    before the reference stop (the protein is extended: PM4 territory, never PVS1).

    ``nmd`` is the 50-nt-rule prediction for the new stop (:func:`ipexcli.evidence.nmd_expected`).
    """
    stop = change.alt_protein.find("*")
    reference_stop = len(tx.protein)  # 0-based index of the reference stop
    if stop < 0 or stop >= reference_stop:
        return None
    if nmd:
        return Pvs1(VERY_STRONG, f"{term}: new stop at codon {stop + 1}, NMD predicted")
    return truncation(
        tx, change.prefix + 1,
        f"{term}: new stop at codon {stop + 1} escapes NMD (last exon or last 50 nt of the "
        "penultimate exon)",
    )


_RESIDUE = re.compile(r"p\.\(?[A-Z][a-z]{2}(\d+)")


def start_loss(tx: Transcript, known: Iterable[KnownVariant], after: int = 1) -> Pvs1:
    """The initiation-codon branch: Supporting, or Moderate when a ClinVar P/LP variant of the
    known-variant table lies upstream of the first in-frame Met after residue ``after``
    (variants of the start codon itself not counted)."""
    from ipexcli.model import Significance

    met = tx.protein.find("M", after) + 1  # 1-based; 0 when there is none
    if met == 0:
        return Pvs1(MODERATE, "start codon lost; no in-frame downstream Met in the protein")
    upstream = []
    for row in known:
        if not row.is_classification or not Significance.parse(row.classification).is_pathogenic:
            continue
        match = _RESIDUE.match(row.hgvs_p)
        if match and 1 < int(match.group(1)) < met:
            upstream.append(f"{row.hgvs_c} {row.hgvs_p}")
    where = f"start codon lost; first in-frame downstream Met is Met{met}"
    if upstream:
        return Pvs1(MODERATE, f"{where}; ClinVar P/LP upstream of it: {', '.join(upstream)}")
    return Pvs1(SUPPORTING, (
        f"{where}; no ClinVar P/LP variant upstream of it in the known-variant table"
    ))
