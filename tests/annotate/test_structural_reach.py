"""#13: a structural record that starts far before the FOXP3 window (more than the reader's
1 kb margin) but reaches into it through INFO/END or SVLEN (a whole-gene <DEL> starting
upstream, the classic IPEX cause) is read on every path, annotated, written in every format
with its input key, and used by the verdict as an in-window structural record is.

Coordinates: exon bounds come from the bundled transcript (refdata); POS/END are 1-based. The
deletions start before the bundled sequence, where no base is bundled, so their padding base is
written ``N`` (VCF allows it; ipexcli marks the REF unchecked).
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build


def _tx():
    return refdata.load().transcript(Build.GRCH38)


def _exon(number: int) -> tuple[int, int]:
    """1-based first and last base of a bundled exon (GRCh38)."""
    exon = next(e for e in _tx().exons if e.number == number)
    return exon.start + 1, exon.end


def _first_read() -> int:
    """The 1-based first POS the reader reads by position: it reads both builds' FOXP3 windows
    (the build is decided from them) less the 1 kb margin, so GRCh37's window, 144 kb lower,
    sets it. The records under test start before it."""
    from ipexcli.vcf import WINDOW_MARGIN

    return min(locus.start for locus in refdata.load().loci.values()) + 1 - WINDOW_MARGIN


def _records() -> dict[str, str]:
    """The structural records under test, by ID (POS before :func:`_first_read`)."""
    tx = _tx()
    first = _first_read()
    ex2_first, ex2_last = _exon(2)
    ex9_first, _ = _exon(9)
    inside_exon2 = (ex2_first + ex2_last) // 2
    return {
        # whole gene: 100 kb before what is read by POS, END past the transcript's 5' end
        "wholeDEL": f"chrX\t{first - 100_000}\twholeDEL\tN\t<DEL>\t60\tPASS\t"
                    f"SVTYPE=DEL;END={tx.end + 30_000}\tGT\t1\t0/1",
        # 80 kb before, END inside exon 2: exons 2-12 lost (minus strand)
        "ex2DEL": f"chrX\t{first - 80_000}\tex2DEL\tN\t<DEL>\t60\tPASS\t"
                  f"SVTYPE=DEL;END={inside_exon2}\tGT\t0\t0/1",
        # placed by SVLEN alone (no END), 60 kb before, ending in exon 9
        "svlenDEL": f"chrX\t{first - 60_000}\tsvlenDEL\tN\t<DEL>\t60\tPASS\t"
                    f"SVTYPE=DEL;SVLEN=-{ex9_first + 10 - (first - 60_000)}\tGT\t0\t0/1",
        # ends 50 kb before what is read: never reaches FOXP3, stays out
        "farDEL": f"chrX\t{first - 200_000}\tfarDEL\tN\t<DEL>\t60\tPASS\t"
                  f"SVTYPE=DEL;END={first - 50_000}\tGT\t1\t0/1",
    }


def _write_vcf(path: Path, step: int = 150) -> Path:
    """The test file; ``step``: bases between the chrX filler records before the window."""
    locus = refdata.load().locus(Build.GRCH38)
    window = locus.start + 1
    base = lambda pos: locus.fetch(pos - 1, pos)  # noqa: E731 - bundled GRCh38 bases
    header = [
        "##fileformat=VCFv4.2",
        "##reference=GRCh38",
        "##contig=<ID=chr1,length=248956422>",
        "##contig=<ID=chrX,length=156040895>",
        "##contig=<ID=chrY,length=57227415>",
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">',
        '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="SV length">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBOY\tGIRL",
    ]
    rows: list[tuple[int, int, str]] = []
    # filler SNVs (REF N: not in the bundled window, not checked), enough for several BGZF
    # blocks so that bisection and the index really seek
    for pos in range(1000, 400_000, 200):
        rows.append((0, pos, f"chr1\t{pos}\t.\tN\tC\t50\tPASS\t.\tGT\t0/1\t0/1"))
    for pos in range(_first_read() - 300_000, window - 1500, step):
        rows.append((1, pos, f"chrX\t{pos}\t.\tN\tC\t50\tPASS\t.\tGT\t1\t0/1"))
    for record in _records().values():
        rows.append((1, int(record.split("\t")[1]), record))
    pos = (_exon(2)[0] + _exon(2)[1]) // 2 + 3  # one SNV in the window, bundled base
    alt = "A" if base(pos) != "A" else "C"
    rows.append((1, pos, f"chrX\t{pos}\tsnv\t{base(pos)}\t{alt}\t50\tPASS\t.\tGT\t0\t0/0"))
    for pos in range(locus.end + 2000, locus.end + 100_000, 150):
        rows.append((1, pos, f"chrX\t{pos}\t.\tN\tC\t50\tPASS\t.\tGT\t1\t0/1"))
    rows.sort()
    path.write_text("\n".join(header + [r for _, _, r in rows]) + "\n")
    return path


def _bgzip(text: Path, out: Path) -> Path:
    with out.open("wb") as handle:
        subprocess.run(["bgzip", "-c", str(text)], stdout=handle, check=True)
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("bgzip") is None or shutil.which("tabix") is None:
        pytest.skip("bgzip/tabix are not installed")
    here = tmp_path_factory.mktemp("reach")
    text = _write_vcf(here / "sv.vcf")
    tbi = _bgzip(text, here / "tbi.vcf.gz")
    subprocess.run(["tabix", "-p", "vcf", str(tbi)], check=True)
    csi = _bgzip(text, here / "csi.vcf.gz")
    subprocess.run(["tabix", "-C", "-p", "vcf", str(csi)], check=True)
    plain_gzip = here / "plain.vcf.gz"
    plain_gzip.write_bytes(gzip.compress(text.read_bytes()))
    # no SVLEN declared (nor the SVLEN-only record): the index alone must return them, by END
    by_end = here / "by_end.vcf"
    by_end.write_text("".join(
        x for x in text.read_text().splitlines(keepends=True)
        if "ID=SVLEN," not in x and "\tsvlenDEL\t" not in x))
    end_tbi = _bgzip(by_end, here / "by_end.vcf.gz")
    subprocess.run(["tabix", "-p", "vcf", str(end_tbi)], check=True)
    end_csi = _bgzip(by_end, here / "by_end.csi.vcf.gz")
    subprocess.run(["tabix", "-C", "-p", "vcf", str(end_csi)], check=True)
    out = {
        "index-tbi": tbi,
        "index-csi": csi,
        "index-tbi-by-end": end_tbi,
        "index-csi-by-end": end_csi,
        "bgzf-bisection": _bgzip(text, here / "noindex.vcf.gz"),
        "plain": text,
        "plain-gzip": plain_gzip,
        "stdin": text,
    }
    if shutil.which("bcftools") is not None:
        bcf = here / "sv.bcf"
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(bcf), str(tbi)], check=True)
        subprocess.run(["bcftools", "index", str(bcf)], check=True)
        out["bcf-index"] = bcf
        noindex = here / "noindex.bcf"
        shutil.copy(bcf, noindex)
        out["bcf-stream"] = noindex
        end_bcf = here / "by_end.bcf"
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(end_bcf), str(end_tbi)],
                       check=True)
        subprocess.run(["bcftools", "index", str(end_bcf)], check=True)
        out["bcf-index-by-end"] = end_bcf
    return out


PATHS = ["index-tbi", "index-csi", "index-tbi-by-end", "index-csi-by-end", "bgzf-bisection",
         "plain", "plain-gzip", "stdin", "bcf-index", "bcf-index-by-end", "bcf-stream"]
METHOD = {"index-tbi": "index", "index-csi": "index", "index-tbi-by-end": "index",
          "index-csi-by-end": "index", "bgzf-bisection": "bgzf-bisection", "plain": "stream",
          "plain-gzip": "stream", "stdin": "stream", "bcf-index": "index",
          "bcf-index-by-end": "index", "bcf-stream": "stream"}


def _run(ipex, monkeypatch, inputs: dict[str, Path], kind: str, *args: str):
    if kind not in inputs:
        pytest.skip("bcftools is not installed")
    path = inputs[kind]
    if kind == "stdin":
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
        source = "-"
    else:
        source = str(path)
    result = ipex("annotate", source, "--sex", "BOY=male", "--sex", "GIRL=female", *args)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("kind", PATHS)
def test_structural_records_reaching_in_from_far_upstream(ipex, monkeypatch, inputs, kind):
    doc = json.loads(_run(ipex, monkeypatch, inputs, kind, "--format", "json").stdout)
    (item,) = doc["inputs"]
    assert item["region_method"] == METHOD[kind]
    by_id = {r["id"]: r for r in item["records"]}
    assert "farDEL" not in by_id  # ends 100 kb before the window: not FOXP3's
    variants = {v["key"]: v for v in doc["variants"]}
    records = _records()
    ex2_first, ex2_last = _exon(2)
    expected = {
        "wholeDEL": (["transcript_ablation"], "1-12/12", ["PVS1"]),
        "ex2DEL": (["exon_loss_variant", "feature_truncation"], "2-12/12", []),
        "svlenDEL": (["exon_loss_variant", "feature_truncation"], "9-12/12", []),
    }
    if kind.endswith("-by-end"):
        del expected["svlenDEL"]
        assert "svlenDEL" not in by_id
    for name, (terms, exon, codes) in expected.items():
        record = by_id[name]
        assert record["pos"] == int(records[name].split("\t")[1])
        assert (record["ref"], record["alt"], record["alt_index"]) == ("N", "<DEL>", 1)
        variant = variants[record["variant_key"]]
        assert variant["consequences"] == terms, name
        assert variant["exon"] == exon, name
        assert [e["code"] for e in variant["evidence"]] == codes
        assert "structural_variant_not_interpreted" in variant["flags"]
        assert "REF_UNCHECKED" in variant["flags"]  # N, before the bundled sequence
    assert ex2_first < int(by_id["ex2DEL"]["variant_key"].rsplit(":", 1)[1]) <= ex2_last
    boy = next(s for s in doc["samples"] if s["id"] == "BOY")
    (verdict,) = boy["verdicts"]
    assert verdict["category"] == "uncertain"  # carries the whole-gene deletion
    assert any("structural <DEL>" in r and "exons 1-12" in r for r in verdict["reasons"])
    girl = next(s for s in doc["samples"] if s["id"] == "GIRL")
    notes = [r for v in girl["verdicts"] for r in v["reasons"] if "structural <DEL>" in r]
    assert len(notes) == len(expected)  # heterozygous for each


@pytest.mark.parametrize("kind", ["index-tbi", "bgzf-bisection", "plain", "stdin"])
def test_reaching_records_in_tsv_and_vcf(ipex, monkeypatch, inputs, kind, tmp_path):
    tsv = _run(ipex, monkeypatch, inputs, kind, "--format", "tsv").stdout
    lines = [x for x in tsv.splitlines() if not x.startswith("#")]
    columns = lines[0].split("\t")
    rows = [dict(zip(columns, x.split("\t"), strict=True)) for x in lines[1:]]
    boy = {r["input_id"]: r for r in rows if r["sample"] == "BOY"}
    assert set(boy) >= {"wholeDEL", "ex2DEL", "svlenDEL"} and "farDEL" not in boy
    whole = boy["wholeDEL"]
    assert whole["consequence"] == "transcript_ablation" and whole["exon"] == "1-12/12"
    assert whole["input_pos"] == _records()["wholeDEL"].split("\t")[1]
    assert (whole["input_ref"], whole["input_alt"], whole["alt_index"]) == ("N", "<DEL>", "1")
    assert whole["verdict"] == "uncertain"
    if kind == "stdin":
        return  # the VCF report of standard input: tests/report
    out = tmp_path / "out.vcf"
    result = _run(ipex, monkeypatch, inputs, kind, "-o", str(out))
    assert "reach into the FOXP3 locus from before" not in result.stderr
    body = {x.split("\t")[2]: x for x in out.read_text().splitlines() if not x.startswith("#")}
    assert "farDEL" not in body
    for name in ("wholeDEL", "ex2DEL", "svlenDEL"):
        assert "NOT_ANNOTATED" not in body[name]
    assert "IPEX_ANN=<DEL>|transcript_ablation|HIGH|FOXP3|" in body["wholeDEL"]
    assert "IPEX_ANN=<DEL>|exon_loss_variant&feature_truncation|HIGH|" in body["svlenDEL"]


def test_a_large_sorted_bgzf_file_is_bisected_not_streamed(inputs, monkeypatch):
    """The order check of a large unindexed BGZF file samples blocks; it read the first block
    twice, took its records for out of order and streamed every file over 1 MB (1.1 s instead
    of 0.08 s for the FOXP3 windows of the 4M-record WGS file of bench/speed_bench.py)."""
    from ipexcli.vcf import bgzf_text, open_vcf

    monkeypatch.setattr(bgzf_text, "FULL_CHECK_BYTES", 0)  # sample, as for a file > 1 MB
    with open_vcf(inputs["bgzf-bisection"]) as reader:
        records = list(reader.locus_records())
        assert reader.stats.locus_method == "bgzf-bisection", reader.stats.notes
        assert not [n for n in reader.stats.notes if "bisection not possible" in n]
    assert {r.id for r in records} >= {"wholeDEL", "ex2DEL", "svlenDEL", "snv"}


def test_reach_of_a_line() -> None:
    """What each read path keeps: a record at or before ``lo`` that reaches past it (END,
    SVLEN, a REF longer than the margin); gVCF blocks and plain SNVs never cost a parse."""
    from ipexcli.vcf.records import WINDOW_MARGIN, line_reach, may_reach, reaches_past

    def line(pos: int, ref: str, alt: str, info: str) -> bytes:
        return f"chrX\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\tGT\t1".encode()

    lo = 100_000
    assert reaches_past(line(50_000, "N", "<DEL>", "END=100001"), lo)
    assert not reaches_past(line(50_000, "N", "<DEL>", "END=100000"), lo)  # ends at lo
    assert reaches_past(line(50_000, "N", "<DUP:TANDEM>", "SVLEN=50001"), lo)
    assert reaches_past(line(lo - WINDOW_MARGIN, "A" * (WINDOW_MARGIN + 2), "A", "."), lo)
    assert not reaches_past(line(lo - 5, "A", "C", "END=200000"), lo)  # a sequence ALT
    assert not may_reach(line(50_000, "A", "<NON_REF>", "END=200000"))  # a gVCF block
    assert not may_reach(line(50_000, "A", "C", "."))
    assert line_reach(line(50_000, "N", "<DEL>,<DUP>", "END=60000")) == (50_000, 60_000)
    assert line_reach(b"chrX\tPOS\t.\tA\tC\t.\t.\t.") is None


def test_the_byte_scan_stops_at_the_next_contig(tmp_path) -> None:
    """A chromosome the header names but the file has no records on is not looked for to the
    end of the file: the scan stops at the first later contig (header order)."""
    from ipexcli.report.vcf_blocks import _block
    from ipexcli.vcf import bgzf_text
    from ipexcli.vcf.bgzf import EOF_MARKER, BgzfFile

    header = ("##fileformat=VCFv4.2\n##contig=<ID=chr1>\n##contig=<ID=chrX>\n"
              "##contig=<ID=chrY>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    body = "".join(f"chr1\t{p}\t.\tA\tC\t.\t.\t.\n" for p in range(1, 2000))
    body += "".join(f"chrY\t{p}\t.\tA\tC\t.\t.\t.\n" for p in range(1, 20000))
    text = (header + body).encode()
    path = tmp_path / "noX.vcf.gz"
    path.write_bytes(b"".join(_block(text[i : i + 4000]) for i in range(0, len(text), 4000))
                     + EOF_MARKER)
    with path.open("rb") as handle:
        reader = BgzfFile(handle)
        _, data_start = bgzf_text.read_header_blocks(reader, str(path))
        ranks = {"chr1": 0, "chrX": 1, "chrY": 2}
        starts = bgzf_text.contig_starts(reader, data_start, ranks, ["chrX"])
        read: list[int] = []
        real = reader.read_block
        reader.read_block = lambda offset: (read.append(offset), real(offset))[1]  # type: ignore[method-assign]
        assert bgzf_text.reaching_lines(reader, starts, 49_000_000, str(path), ranks) == []
    assert 0 < len(read) <= 3  # of ~130 blocks


def test_a_sites_only_vcf_where_info_ends_the_line(ipex, tmp_path) -> None:
    """Without sample columns INFO is the last column: END is read without the line end."""
    end = _tx().end + 30_000
    path = tmp_path / "sites.vcf"
    path.write_text("\n".join([
        "##fileformat=VCFv4.2", "##reference=GRCh38", "##contig=<ID=chrX,length=156040895>",
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
        f"chrX\t{_first_read() - 100_000}\twholeDEL\tN\t<DEL>\t60\tPASS\tEND={end}",
    ]) + "\n")
    out = tmp_path / "out.vcf"
    result = ipex("annotate", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    (line,) = [x for x in out.read_text().splitlines() if not x.startswith("#")]
    assert line.endswith(f"END={end};IPEX_ANN=<DEL>|transcript_ablation|HIGH|FOXP3|"
                         + line.split("|FOXP3|", 1)[1])
    assert "transcript_ablation" in line and "NOT_ANNOTATED" not in line


@pytest.mark.parametrize("declared", ["##ALT=<ID=DEL,Description=\"Deletion\">", "SVLEN"])
def test_svlen_only_records_through_an_index(ipex, tmp_path, declared) -> None:
    """htslib places a record by END or REF, so an index does not return one placed by SVLEN
    alone: a file that declares SVLEN or a symbolic ALT has its chrX before the window
    scanned (a file declaring neither is not: tests/annotate/test_structural_reach.py)."""
    if shutil.which("tabix") is None:
        pytest.skip("tabix is not installed")
    # dense filler: the SVLEN record lies many BGZF blocks before the window's first block
    text = _write_vcf(tmp_path / "sv.vcf", step=25).read_text()
    svlen_line = '##INFO=<ID=SVLEN,Number=A,Type=Integer,Description="SV length">\n'
    if declared != "SVLEN":
        text = text.replace(svlen_line, declared + "\n")
    # alone: no END-placed record before the window to pull the index's start offset back
    text = "".join(x for x in text.splitlines(keepends=True)
                   if "\twholeDEL\t" not in x and "\tex2DEL\t" not in x)
    (tmp_path / "sv.vcf").write_text(text)
    path = _bgzip(tmp_path / "sv.vcf", tmp_path / "sv.vcf.gz")
    subprocess.run(["tabix", "-f", "-p", "vcf", str(path)], check=True)
    doc = json.loads(ipex("annotate", str(path), "--sex", "BOY=male", "--sex", "GIRL=female",
                          "--format", "json").stdout)
    assert doc["inputs"][0]["region_method"] == "index"
    ids = {r["id"] for r in doc["inputs"][0]["records"]}
    assert "svlenDEL" in ids and "farDEL" not in ids
