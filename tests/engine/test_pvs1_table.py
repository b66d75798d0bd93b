"""#12: the per-exon PVS1 table of NM_014009.4 against the exon lengths in ``refdata/``.

Frames, residues and NMD are recomputed here from the bundled files read with plain Python
(exon table, cDNA, protein, transcript.json features), independently of ``ipexcli.pvs1``; the
decision rules are the ClinGen SVI tree (Abou Tayoun 2018) as ``docs/rules.md`` states them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build
from ipexcli.pvs1 import EXON_TABLE, exon_table, splice_site, start_loss
from ipexcli.sequtils import CODON_TABLE

DATA = Path(__file__).resolve().parents[2] / "refdata"


def _exons() -> list[dict[str, str]]:
    lines = [x for x in (DATA / "FOXP3_NM_014009.4_exons.tsv").read_text().splitlines()
             if not x.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _fasta(name: str) -> str:
    return "".join((DATA / name).read_text().splitlines()[1:])


def _translate(seq: str) -> str:
    out = []
    for i in range(0, len(seq) - 2, 3):
        out.append(CODON_TABLE[seq[i:i + 3]])
        if out[-1] == "*":
            break
    return "".join(out)


MODEL = json.loads((DATA / "transcript.json").read_text())
CRITICAL = [(f["aa_start"], f["aa_end"]) for f in MODEL["protein_features"]
            if f["kind"] in ("zinc_finger", "forkhead_domain")]
LACKING = {n for alt in MODEL["alternative_transcripts"] for n in alt["lacks_exons"]}


def _expected(row: dict[str, str], rows: list[dict[str, str]]) -> tuple[object, ...]:
    """(exon, length, CDS nt, frame, residues, NMD, decision) recomputed from the files."""
    cdna, protein = _fasta("NM_014009.4.cdna.fa"), _fasta("NP_054728.2.prot.fa")
    cds_start = MODEL["cds_tx_start"]
    number, length = int(row["exon"]), int(row["length"])
    tx_start, tx_end = int(row["tx_start"]), int(row["tx_end"])
    assert tx_end - tx_start + 1 == length
    if row["grch38_cds"] == ".":
        return (number, length, 0, "non-coding", None, None, "not applicable")
    lo, hi = (int(x) for x in row["c_range"][2:].split("_"))
    coding = hi - lo + 1  # CDS bases of the exon, from the c. range of the exon table
    if lo == 1:
        return (number, length, coding, "start codon", (1, len(protein)), None,
                "start-loss branch")
    first = (lo - 1) // 3 + 1
    if number == len(rows):
        lost = (first, len(protein))
        hit = any(a <= lost[1] and lost[0] <= b for a, b in CRITICAL)
        share = (lost[1] - lost[0] + 1) / len(protein)
        decision = "PVS1_Strong" if hit or share > 0.1 else "PVS1_Moderate"
        return (number, length, coding, "last exon", lost, False, decision)
    skipped = cdna[:tx_start - 1] + cdna[tx_end:]
    if coding % 3:  # out of frame: where is the new stop, and does NMD apply (50-nt rule)?
        new = _translate(skipped[cds_start - 1:])
        stop_n = cds_start + 3 * new.index("*")  # n. of the stop's first base, skipped mRNA
        last_junction = int(rows[-1]["tx_start"]) - length  # last exon start in skipped mRNA
        nmd = stop_n < last_junction - 50
        lost = (first, len(protein))
        hit = any(a <= lost[1] and lost[0] <= b for a, b in CRITICAL)
        if nmd:
            decision = "PVS1"
        else:
            share = (lost[1] - lost[0] + 1) / len(protein)
            decision = "PVS1_Strong" if hit or share > 0.1 else "PVS1_Moderate"
        return (number, length, coding, "out-of-frame", lost, nmd, decision)
    removed = coding // 3
    residues = (first, first + removed - 1 + (1 if (lo - 1) % 3 else 0))
    new = _translate(skipped[cds_start - 1:])
    assert len(new) == len(protein) - removed + 1  # in frame: exactly `removed` residues fewer
    hit = any(a <= residues[1] and residues[0] <= b for a, b in CRITICAL)
    if hit:
        decision = "PVS1_Strong"
    elif number in LACKING:
        decision = "not applicable"
    else:
        decision = "PVS1_Strong" if removed / len(protein) > 0.1 else "PVS1_Moderate"
    return (number, length, coding, "in-frame", residues, False, decision)


def test_documented_table_equals_the_one_recomputed_from_refdata() -> None:
    rows = _exons()
    recomputed = tuple(_expected(row, rows) for row in rows)
    assert recomputed == EXON_TABLE


@pytest.mark.parametrize("build", list(Build))
def test_computed_table_equals_the_documented_one(build: Build) -> None:
    tx = refdata.load().transcript(build)
    rows = exon_table(tx)
    assert tuple(
        (r.number, r.length, r.coding_nt, r.frame, r.residues, r.nmd, r.label) for r in rows
    ) == EXON_TABLE


def test_frames_follow_the_exon_lengths() -> None:
    # the facts, from the exon table: exon 3 is 105 nt and skips in frame; exon 1 is
    # non-coding; a length that is not a multiple of 3 shifts the frame
    table = {row[0]: row for row in EXON_TABLE}
    for row in _exons():
        number, coding = int(row["exon"]), table[int(row["exon"])][2]
        if table[number][3] in ("in-frame", "out-of-frame"):
            assert (table[number][3] == "in-frame") == (coding % 3 == 0), number
    assert table[3][1] == 105 and table[3][3] == "in-frame"
    assert table[1][3] == "non-coding"


def test_splice_sites_read_the_table() -> None:
    tx = refdata.load().transcript(Build.GRCH38)
    known = refdata.load().known
    assert splice_site(tx, 3, donor=True).strength is None  # c.315+1: exon 3 -> isoform b
    assert splice_site(tx, 2, donor=False).strength is None  # acceptor of exon 3 likewise
    assert splice_site(tx, 1, donor=True).strength is None  # c.-23+1: exon 1 non-coding
    assert splice_site(tx, 11, donor=False).code == "PVS1_Strong"  # c.1147-1: last exon
    assert splice_site(tx, 3, donor=False).code == "PVS1"  # acceptor of exon 4: NMD
    # the donor of exon 2 removes the start codon and residues 1-70 (c.1_210): the start-loss
    # branch (Moderate at most) from the first Met after residue 70, Met78 (Met64 is in exon 2)
    exon2 = splice_site(tx, 2, donor=True, known=known)
    assert exon2.code in ("PVS1_Supporting", "PVS1_Moderate")
    assert "residues 1-70" in exon2.reason and "Met78" in exon2.reason
    assert _fasta("NP_054728.2.prot.fa").find("M", 70) + 1 == 78


def test_start_loss_uses_the_first_downstream_met() -> None:
    data = refdata.load()
    tx = data.transcript(Build.GRCH38)
    decision = start_loss(tx, data.known)
    met = _fasta("NP_054728.2.prot.fa").find("M", 1) + 1
    assert f"Met{met}" in decision.reason and met == 64
    # no ClinVar P/LP row between residues 2 and 63 in the bundled table -> Supporting
    assert decision.code == "PVS1_Supporting"
