"""#13 item 2: symbolic and breakend records overlapping FOXP3 are reported, never dropped:
the exons they overlap, an SO term, evidence where the rules give it, and a verdict that says
they were not interpreted further. Inputs use the bundled GRCh38 bases for every REF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build


def _vcf(path: Path, records: list[str]) -> Path:
    header = [
        "##fileformat=VCFv4.2",
        "##reference=GRCh38",
        "##contig=<ID=chrX,length=156040895>",
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="SV length">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBOY\tGIRL",
    ]
    path.write_text("\n".join(header + records) + "\n")
    return path


def _base(pos: int) -> str:
    return refdata.load().locus(Build.GRCH38).fetch(pos - 1, pos)


def _run(ipex, path: Path) -> dict:
    result = ipex("annotate", str(path), "--sex", "BOY=male", "--sex", "GIRL=female",
                  "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "symbolic_allele" not in result.stderr  # reported, not skipped
    return json.loads(result.stdout)


def test_a_whole_gene_deletion_is_transcript_ablation_with_pvs1(ipex, tmp_path):
    pos = 49248500  # inside the bundled window, 3' of the minus-strand transcript
    path = _vcf(tmp_path / "del.vcf", [
        f"chrX\t{pos}\tdelFOXP3\t{_base(pos)}\t<DEL>\t60\tPASS\tSVTYPE=DEL;END=49265000"
        "\tGT\t1\t0/1",
    ])
    doc = _run(ipex, path)
    (variant,) = doc["variants"]
    assert variant["consequences"] == ["transcript_ablation"]
    assert variant["impact"] == "HIGH" and variant["exon"] == "1-12/12"
    assert [e["code"] for e in variant["evidence"]] == ["PVS1"]
    assert "structural_variant_not_interpreted" in variant["flags"]
    boy = next(s for s in doc["samples"] if s["id"] == "BOY")
    assert boy["genotypes"][0]["label"] == "hemizygous_alt"
    (verdict,) = boy["verdicts"]
    assert verdict["category"] == "uncertain"  # never "no reportable variant"
    assert "was not interpreted further" in verdict["reasons"][-1]


@pytest.mark.parametrize(
    ("alt", "info", "terms", "exon"),
    [
        ("<DEL>", "SVTYPE=DEL;END=49258600", ["exon_loss_variant", "feature_truncation"],
         "2-5/12"),
        ("<DUP>", "SVTYPE=DUP;SVLEN=1600", ["feature_elongation"], "2-5/12"),
        ("<INV>", "SVTYPE=INV;END=49258600", ["sequence_variant"], "2-5/12"),
        ("<DEL>", "SVTYPE=DEL;END=49262100", ["intron_variant"], None),
    ],
)
def test_partial_structural_variants(ipex, tmp_path, alt, info, terms, exon):
    pos = 49257000 if "49262100" not in info else 49262000
    path = _vcf(tmp_path / "sv.vcf", [
        f"chrX\t{pos}\tsv\t{_base(pos)}\t{alt}\t60\tPASS\t{info}\tGT\t0\t0/1",
    ])
    doc = _run(ipex, path)
    (variant,) = doc["variants"]
    assert variant["consequences"] == terms
    assert variant["exon"] == exon
    assert variant["evidence"] == []  # a partial deletion's PVS1 strength is not worked out
    girl = next(s for s in doc["samples"] if s["id"] == "GIRL")
    assert [v["category"] for v in girl["verdicts"]] == ["uncertain"]
    boy = next(s for s in doc["samples"] if s["id"] == "BOY")  # GT 0: not carried
    assert [v["category"] for v in boy["verdicts"]] == ["no_reportable_variant"]


def test_a_breakend_in_the_locus_is_reported(ipex, tmp_path):
    pos = 49258400
    path = _vcf(tmp_path / "bnd.vcf", [
        f"chrX\t{pos}\tbnd1\t{_base(pos)}\t{_base(pos)}]chr2:1000]\t60\tPASS\tSVTYPE=BND"
        "\tGT\t1\t0/0",
    ])
    doc = _run(ipex, path)
    (variant,) = doc["variants"]
    assert variant["consequences"] == ["sequence_variant"]
    assert variant["exon"] == "2/12"


def test_a_deletion_reaching_in_from_before_the_window_is_annotated(ipex, tmp_path):
    """A deletion that starts before the window and reaches in is read and annotated (it was
    written unannotated before; every read path: tests/annotate/test_structural_reach.py)."""
    pos = 49240000  # before the bundled window: its base is not bundled, REF is written N
    path = _vcf(tmp_path / "early.vcf", [
        f"chrX\t{pos}\tearly\tN\t<DEL>\t60\tPASS\tSVTYPE=DEL;END=49265000\tGT\t1\t0/1",
    ])
    out = tmp_path / "out.vcf"
    result = ipex("annotate", str(path), "--sex", "BOY=male", "--sex", "GIRL=female",
                  "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "from before the window" not in result.stderr
    (line,) = [x for x in out.read_text().splitlines() if not x.startswith("#")]
    assert "NOT_ANNOTATED" not in line
    assert "IPEX_ANN=<DEL>|transcript_ablation|HIGH|" in line
