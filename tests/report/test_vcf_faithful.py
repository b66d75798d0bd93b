"""#13 acceptance 1 and 2: the VCF report is the input VCF, record for record, annotated.

The input is built from the bundled GRCh38 FOXP3 sequence (every REF is the real base): a
multi-allelic SNV (c.1189C>T and a second ALT), an indel written at a right-shifted position,
custom ID/QUAL/INFO/FORMAT (AD, PL, PS), a duplicated record (PASS ``0`` and LowQual ``1``), a
``<DEL>`` over exons, a ``*`` allele, an ALT ``.`` record, and records off the locus.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build

BCFTOOLS = shutil.which("bcftools")
needs_bcftools = pytest.mark.skipif(
    BCFTOOLS is None, reason="bcftools is not installed (apt-get install bcftools)"
)

LOCUS_POS = range(49248436, 49269826)  #: 1-based POS inside the GRCh38 locus window


def _base(pos: int) -> str:
    """The GRCh38 base at 1-based ``pos`` from the bundled locus sequence."""
    locus = refdata.load().locus(Build.GRCH38)
    return locus.fetch(pos - 1, pos)


def build_input(path: Path) -> list[str]:
    """Write the test VCF; returns its lines (without newlines)."""
    header = [
        "##fileformat=VCFv4.2",
        "##source=hand-made test input (ipexcli #13)",
        "##reference=GRCh38",
        "##contig=<ID=chr1,length=248956422>",
        "##contig=<ID=chrX,length=156040895>",
        '##FILTER=<ID=LowQual,Description="Low quality call">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
        '##INFO=<ID=MYTAG,Number=A,Type=String,Description="A custom per-ALT tag">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
        '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="Length of the SV">',
        '##ALT=<ID=DEL,Description="Deletion">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSON\tMUM",
    ]
    fmt = "GT:AD:DP:PL:PS"
    g = _base(49251441)
    assert g == "G"  # c.1189C>T p.(Arg397Trp) is G>A on the + strand
    shifted = 49250954  # GG>G here is the deletion left-aligned to 49250952 AG>A
    star = 49255000
    star_alt = "T" if _base(star) != "T" else "A"
    records = [  # sorted, as bcftools index needs
        f"chr1\t1000000\trsOff1\tA\tG\t12.5\tPASS\tDP=20\t{fmt}"
        "\t0/1:10,10:20:50,0,50:.\t0/0:20,0:20:0,60,600:.",
        f"chrX\t1000000\t.\tC\tT\t30\tPASS\tDP=9\t{fmt}\t1:0,9:9:90,0:.\t0/1:4,5:9:40,0,40:.",
        f"chrX\t{shifted}\tdelGG\t{_base(shifted)}{_base(shifted + 1)}\t{_base(shifted)}\t45"
        f"\tPASS\tDP=30\t{fmt}\t1:0,30:30:400,0:.\t0|1:15,15:30:200,0,200:49250950",
        f"chrX\t49251441\tmyid1;rsX\t{g}\tA,C\t77.7\tPASS\tDP=40;MYTAG=first,second\t{fmt}"
        "\t1:0,18:18:300,0,300:.\t1|2:0,10,12:22:500,300,200,300,0,400:49251441",
        f"chrX\t{star}\tstar1\t{_base(star)}\t{star_alt},*\t50\tPASS\tDP=20\t{fmt}"
        "\t1:0,10,0:10:100,0,0:.\t1/2:0,5,5:10:100,50,40,50,0,60:.",
        f"chrX\t49257000\tsv1\t{_base(49257000)}\t<DEL>\t99\tPASS"
        "\tSVTYPE=DEL;END=49258600;SVLEN=-1600\tGT:DP\t1:15\t0/1:30",
        f"chrX\t49259429\tdup_pass\t{_base(49259429)}\tC\t60\tPASS\tDP=25\t{fmt}"
        "\t0:25,0:25:0,300:.\t0/0:25,0:25:0,60,600:.",
        f"chrX\t49259429\tdup_low\t{_base(49259429)}\tC\t3\tLowQual\tDP=2\t{fmt}"
        "\t1:0,2:2:30,0:.\t0/1:1,1:2:20,0,20:.",
        f"chrX\t49262000\trefonly\t{_base(49262000)}\t.\t40\tPASS\tDP=18\tGT:DP\t0:18\t0/0:18",
        "chrX\t60000000\t.\tA\tG\t50\tPASS\tDP=10\tGT:DP\t0:10\t0/1:10",
    ]
    lines = header + records
    path.write_text("\n".join(lines) + "\n")
    return lines


def _in_scope(line: str) -> bool:
    cols = line.split("\t")
    if cols[0] != "chrX":
        return False
    pos = int(cols[1])
    end = pos + len(cols[3]) - 1
    found = re.search(r"(?:^|;)END=(\d+)", cols[7])
    if found:
        end = max(end, int(found.group(1)))
    return pos <= LOCUS_POS[-1] and end >= LOCUS_POS[0]


def _strip_ipex(line: str) -> str:
    """A record with the IPEX INFO keys and the IPEX_GL FORMAT values removed."""
    cols = line.split("\t")
    info = [item for item in cols[7].split(";") if not item.startswith("IPEX_")]
    cols[7] = ";".join(info) or "."
    if len(cols) > 8:
        keys = cols[8].split(":")
        keep = [i for i, key in enumerate(keys) if key != "IPEX_GL"]
        cols[8] = ":".join(keys[i] for i in keep)
        for column in range(9, len(cols)):
            values = cols[column].split(":")
            cols[column] = ":".join(values[i] for i in keep if i < len(values))
    return "\t".join(cols)


def _info(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split("\t")[7].split(";") if "=" in item)


def _run(ipex, *args: str) -> None:
    result = ipex("annotate", *args, "--sex", "SON=male", "--sex", "MUM=female")
    assert result.exit_code == 0, result.stderr


def test_every_in_scope_record_comes_back_unchanged_with_one_ann_per_alt(ipex, tmp_path):
    source = tmp_path / "in.vcf"
    lines = build_input(source)
    out = tmp_path / "out.vcf"
    _run(ipex, str(source), "-o", str(out))
    written = out.read_text().splitlines()
    head = [x for x in written if x.startswith("##")]
    body = [x for x in written if not x.startswith("#")]
    # header: every input line kept (fileformat upgraded to the escaping used), ours added
    for line in lines:
        if line.startswith("##") and not line.startswith("##fileformat"):
            assert line in head, line
    assert head[0] == "##fileformat=VCFv4.3"
    assert any(x.startswith("##ipexcliVersion=") for x in head)
    assert any(x.startswith("##ipexcliCommand=ipex annotate ") and "--sex=SON=male" in x
               for x in head)
    assert '##ipexcliSample=<ID=SON,Sex=male,Source="declared (--sex); inferred ' \
        in "\n".join(head)
    assert next(x for x in written if x.startswith("#CHROM")) == lines[
        next(i for i, x in enumerate(lines) if x.startswith("#CHROM"))]
    # body: the in-scope records, once each, in input order, unchanged but for the IPEX keys
    expected = [x for x in lines if not x.startswith("#") and _in_scope(x)]
    assert len(expected) == 7
    assert [_strip_ipex(x) for x in body] == expected
    for line, original in zip(body, expected, strict=True):
        alts = original.split("\t")[4]
        info = _info(line)
        if alts == ".":
            assert "IPEX_ANN" not in info  # no ALT: nothing to annotate (Number=A)
            continue
        entries = info["IPEX_ANN"].split(",")
        assert [e.split("|")[0] for e in entries] == alts.split(","), line
        labels = line.split("\t")[9].split(":")[-1].split(",")
        assert len(labels) == len(entries)
    by_id = {x.split("\t")[2]: x for x in body}
    # the multi-allelic record: both ALTs annotated, 1|2 labelled per ALT
    multi = _info(by_id["myid1;rsX"])["IPEX_ANN"].split(",")
    assert multi[0].split("|")[1:3] == ["missense_variant", "MODERATE"]
    assert multi[0].split("|")[10] == "p.(Arg397Trp)"
    assert multi[1].split("|")[10] == "p.(Arg397Gly)"
    assert _info(by_id["myid1;rsX"])["IPEX_CLNSIG"].split(",")[0] == "Pathogenic"
    # the indel keeps its written position; IPEX_NORM gives the left-aligned allele
    assert _info(by_id["delGG"])["IPEX_NORM"] == "49250952:AG:A"
    # duplicates annotated separately, each with its own labels
    assert by_id["dup_pass"].split("\t")[9].endswith(":hemizygous_ref")
    assert by_id["dup_low"].split("\t")[9].endswith(":hemizygous_alt")
    # '*' and <DEL> are kept, each ALT with an entry saying why it was not annotated
    star = _info(by_id["star1"])["IPEX_ANN"].split(",")
    assert star[1].startswith("*|") and star[1].endswith("spanning_deletion_allele")
    sv = _info(by_id["sv1"])["IPEX_ANN"].split("|")
    assert sv[:3] == ["<DEL>", "exon_loss_variant&feature_truncation", "HIGH"]
    assert sv[8] == "2-5/12" and sv[15] == "structural_variant_not_interpreted"


def test_scope_all_is_the_input_plus_ipex_keys(ipex, tmp_path):
    source = tmp_path / "in.vcf"
    lines = build_input(source)
    out = tmp_path / "out.vcf"
    _run(ipex, str(source), "--scope", "all", "-o", str(out))
    written = out.read_text().splitlines()
    ours = re.compile(r"##(ipexcli|INFO=<ID=IPEX_|FORMAT=<ID=IPEX_|fileformat)")
    stripped = [x if x.startswith("#") else _strip_ipex(x) for x in written
                if not ours.match(x)]
    assert stripped == [x for x in lines if not x.startswith("##fileformat")]


def test_bgzipped_output_from_stdin(ipex, tmp_path, monkeypatch):
    """Standard input is spooled so the writer can read it again; the output is indexed."""
    import io
    import sys

    source = tmp_path / "in.vcf"
    build_input(source)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.read_bytes())))
    out = tmp_path / "OUT.VCF.GZ"
    _run(ipex, "-", "-o", str(out))
    assert (tmp_path / "OUT.VCF.GZ.tbi").is_file()
    with gzip.open(out, "rt") as handle:
        body = [x for x in handle if not x.startswith("#")]
    assert len(body) == 7


# -- acceptance 2: bcftools ---------------------------------------------------------------------


def _bcftools(*args: str) -> str:
    assert BCFTOOLS is not None
    done = subprocess.run([BCFTOOLS, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def annotated(ipex, tmp_path: Path) -> tuple[Path, Path]:
    """(bgzipped + indexed input, its bgzipped annotated VCF)."""
    plain = tmp_path / "in.vcf"
    build_input(plain)
    packed = tmp_path / "in.vcf.gz"
    _bcftools("view", "-Oz", "-o", str(packed), str(plain))
    _bcftools("index", "-t", str(packed))
    out = tmp_path / "out.vcf.gz"
    _run(ipex, str(packed), "-o", str(out))
    return packed, out


@needs_bcftools
def test_bcftools_annotate_transfers_ipex_ann_to_every_in_locus_record(annotated, tmp_path):
    packed, out = annotated
    result = tmp_path / "re.vcf"
    _bcftools("annotate", "-a", str(out), "-c", "INFO/IPEX_ANN", "-o", str(result), str(packed))
    rows = _bcftools("query", "-f", "%CHROM\t%POS\t%ID\t%ALT\t%INFO/IPEX_ANN\n", str(result))
    got = {}
    for row in rows.splitlines():
        chrom, pos, rid, alt, ann = row.split("\t")
        got[rid if rid != "." else f"{chrom}:{pos}"] = (alt, ann)
    for rid in ("myid1;rsX", "delGG", "dup_pass", "dup_low", "sv1", "star1"):
        alt, ann = got[rid]
        assert ann != ".", rid
        assert [e.split("|")[0] for e in ann.split(",")] == alt.split(","), rid
    assert got["myid1;rsX"][1].split(",")[0].split("|")[10] == "p.(Arg397Trp)"
    assert got["rsOff1"][1] == "." and got["chrX:1000000"][1] == "."


@needs_bcftools
def test_split_vep_reads_ipex_ann(annotated):
    _, out = annotated
    listed = _bcftools("+split-vep", "-l", "-a", "IPEX_ANN", str(out))
    assert [line.split("\t")[1] for line in listed.splitlines()][:3] == [
        "Allele", "Consequence", "Annotation_Impact"]
    rows = _bcftools("+split-vep", "-a", "IPEX_ANN", "-d", "-f",
                     "%ID\t%Allele\t%Consequence\t%HGVS.p\n", str(out))
    assert "myid1;rsX\tA\tmissense_variant\tp.(Arg397Trp)" in rows.splitlines()
    assert "myid1;rsX\tC\tmissense_variant\tp.(Arg397Gly)" in rows.splitlines()


@needs_bcftools
def test_norm_split_keeps_each_alleles_annotation(annotated):
    _, out = annotated
    before = {}
    for row in _bcftools("query", "-f", "%ID\t%ALT\t%IPEX_ANN\n", str(out)).splitlines():
        rid, alts, ann = row.split("\t")
        if alts != ".":
            before.update({(rid, a): e for a, e in zip(alts.split(","), ann.split(","),
                                                        strict=True)})
    split = _bcftools("norm", "-m-", str(out))
    after = {}
    for line in split.splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[4] != ".":
            after[(cols[2], cols[4])] = _info(line)["IPEX_ANN"]
    assert after == before
    assert len(after) == 8
