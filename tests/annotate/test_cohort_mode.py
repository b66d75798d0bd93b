"""Cohort mode (``--genotypes non-ref``): an 80-sample GRCh38 VCF built on real bases must get
the same sexes, verdicts and family notes as ``--genotypes all``, listing only the genotypes
that can matter.

The VCF is written per test session: the records of ``examples/trio.GRCh38.vcf.gz`` (the
pathogenic c.1189C>T at chrX:49251441 G>A among them), SNVs whose REF is read from the bundled
GRCh38 locus, one multi-allelic record and one record with a malformed GT in one sample
(#15: that sample's call is invalid in both modes, the record kept). Genotypes mix haploid and
diploid codings, no-calls, partial calls, ``1/2``, haploid ``0`` in declared females, ``0/0``
in males and one ``0/0/0``; sexes come from a PED file with the trio, and a few samples are
absent from it (unknown sex).
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from ipexcli.annotate import AnnotateOptions, annotate_files
from ipexcli.genotypes import PLAIN_REF_GTS
from ipexcli.inheritance import plain_ref_is_silent
from ipexcli.model import Build, Sex
from ipexcli.refdata import load

REPO = Path(__file__).resolve().parents[2]
TRIO_VCF = REPO / "examples" / "trio.GRCh38.vcf.gz"
N_OTHERS = 77  #: with the trio: 80 samples, above the auto threshold of 50
BASES = "ACGT"

MALE_GTS = ("0",) * 10 + ("0/0",) * 4 + ("1", "1/1", "0/1", ".", "./.", "0/.", "./1", "0|0")
FEMALE_GTS = ("0/0",) * 10 + ("0|0",) * 3 + ("0/1", "1|0", "1/1", "0", "./1", "0/.", "./.")
#: samples whose every genotype is plain REF: nothing listed in non_ref mode
ALL_REF = {"S010": ("0", "0/0", "0|0"), "S014": ("0/0", "0|0"), "S018": ("0", "0/0")}
MULTI_GTS = ("0/0",) * 6 + ("0",) * 4 + ("1/2", "0/2", "2", "2/2", "1", "0/1", "./.", "2|1")


def _trio_records() -> tuple[list[str], list[list[str]]]:
    """The example trio's header and records (proband, mother, father columns)."""
    with gzip.open(TRIO_VCF, "rt") as handle:
        lines = handle.read().splitlines()
    header = [line for line in lines if line.startswith("##")]
    records = [line.split("\t") for line in lines if not line.startswith("#")]
    return header, records


def _ad(rng: random.Random, gt: str, n_alts: int) -> str:
    called = [int(a) for a in gt.replace("|", "/").split("/") if a.isdigit()]
    depths = [0] * (n_alts + 1)
    for allele in called or [0]:
        depths[allele] += rng.randint(8, 20)
    return ",".join(map(str, depths))


def write_cohort(folder: Path) -> tuple[Path, Path, dict[str, Sex]]:
    """Write the cohort VCF and its PED; return them with every sample's declared sex."""
    rng = random.Random(1189)
    header, trio = _trio_records()
    first = trio[0]
    assert (first[0], first[1], first[3], first[4]) == ("chrX", "49251441", "G", "A")  # c.1189C>T
    others = [f"S{i:03d}" for i in range(1, N_OTHERS + 1)]
    sexes: dict[str, Sex] = {"proband": Sex.MALE, "mother": Sex.FEMALE, "father": Sex.MALE}
    for i, sample in enumerate(others):
        # 4 males, 4 females, 1 unknown in every 9
        sexes[sample] = Sex.MALE if i % 9 < 4 else Sex.FEMALE if i % 9 < 8 else Sex.UNKNOWN

    def column(gt: str, n_alts: int) -> str:
        return f"{gt}:{_ad(rng, gt, n_alts)}:{rng.randint(10, 40)}:{rng.randint(20, 99)}"

    def genotypes(n_alts: int) -> list[str]:
        out = []
        for sample in others:
            if sample in ALL_REF:
                pool = ALL_REF[sample]
            elif n_alts > 1:
                pool = MULTI_GTS
            else:
                pool = FEMALE_GTS if sexes[sample] is Sex.FEMALE else MALE_GTS
                if sexes[sample] is Sex.UNKNOWN:
                    pool = rng.choice((MALE_GTS, FEMALE_GTS))
            out.append(column(rng.choice(pool), n_alts))
        return out

    rows = []
    for record in trio:  # the trio's own genotypes, then the cohort's
        rows.append((int(record[1]), "\t".join(record[:9] + record[9:12] + genotypes(1))))
    locus = load().locus(Build.GRCH38)
    taken = {int(r[1]) for r in trio}
    positions = sorted(rng.sample(range(200, len(locus.sequence) - 200), 34))
    for n, offset in enumerate(positions):
        pos = locus.start + offset + 1  # 1-based
        ref = locus.sequence[offset]
        if pos in taken or ref not in BASES:
            continue
        taken.add(pos)
        others_bases = [b for b in BASES if b != ref]
        multi = n == 5
        alt = ",".join(others_bases[:2]) if multi else others_bases[n % 3]
        n_alts = alt.count(",") + 1
        cohort = genotypes(n_alts)
        if n == 7:
            cohort[3] = column("0/0/0", 1)
        trio_gts = (rng.choice(MALE_GTS), rng.choice(FEMALE_GTS), rng.choice(MALE_GTS))
        if multi:
            trio_gts = ("2", "1/2", "0")
        cells = [column(gt, n_alts) for gt in trio_gts]
        fields = ["chrX", str(pos), ".", ref, alt, "50", "PASS", ".", "GT:AD:DP:GQ"]
        rows.append((pos, "\t".join(fields + cells + cohort)))
    # one record with a GT naming a third ALT of a biallelic record: one invalid call (#15)
    bad_pos = locus.start + positions[-1] + 3
    bad_ref = locus.sequence[positions[-1] + 2]
    bad = ["chrX", str(bad_pos), ".", bad_ref, "A" if bad_ref != "A" else "C", "50", "PASS", ".",
           "GT", "0", "0/1", "0"] + ["0/3"] + ["0/0"] * (N_OTHERS - 1)
    rows.append((bad_pos, "\t".join(bad)))
    rows.sort(key=lambda row: row[0])
    samples = ["proband", "mother", "father", *others]
    vcf = folder / "cohort.GRCh38.vcf"
    vcf.write_text(
        "\n".join([*header, "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]
        ), *(row for _, row in rows)]) + "\n",
        encoding="utf-8",
    )
    ped_lines = ["FAM1\tproband\tfather\tmother\t1\t2", "FAM1\tfather\t0\t0\t1\t1",
                 "FAM1\tmother\t0\t0\t2\t1"]
    for sample in others:
        if sexes[sample] is not Sex.UNKNOWN:  # unknown sex: absent from the PED
            code = "1" if sexes[sample] is Sex.MALE else "2"
            ped_lines.append(f"F{sample}\t{sample}\t0\t0\t{code}\t0")
    ped = folder / "cohort.ped"
    ped.write_text("\n".join(ped_lines) + "\n", encoding="utf-8")
    return vcf, ped, sexes


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Sex]]:
    return write_cohort(tmp_path_factory.mktemp("cohort"))


def _in_par(variant_key: str) -> bool:
    build, chrom, pos, _, _ = variant_key.split(":")
    return load().assemblies[Build(build)].in_par(chrom, int(pos))


def _silent(raw_gt: str, used: str, variant_key: str) -> bool:
    return raw_gt in PLAIN_REF_GTS and plain_ref_is_silent(raw_gt, Sex(used), _in_par(variant_key))


@pytest.mark.parametrize("infer_sex", [False, True])
def test_non_ref_mode_changes_no_verdict_and_lists_only_what_matters(
    cohort: tuple[Path, Path, dict[str, Sex]], infer_sex: bool
) -> None:
    vcf, ped, sexes = cohort
    options = AnnotateOptions(ped=str(ped), infer_sex=infer_sex, genotypes="all")
    dense = annotate_files([str(vcf)], options)
    sparse = annotate_files([str(vcf)], replace(options, genotypes="non_ref"))
    assert (dense.inputs[0].genotypes, sparse.inputs[0].genotypes) == ("all", "non_ref")
    assert dense.inputs[0].skipped == sparse.inputs[0].skipped == {}
    # #15: the one unreadable call is named in both modes (S001, the first other)
    assert dense.inputs[0].unread == sparse.inputs[0].unread
    (unread,) = dense.inputs[0].unread
    assert "call of S001: GT '0/3' names allele 3" in unread
    assert len(dense.samples) == len(sparse.samples) == 80
    assert dense.variants == sparse.variants
    dropped = kept_ref = 0
    for full, short in zip(dense.samples, sparse.samples, strict=True):
        assert full.id == short.id
        assert full.sex == short.sex
        assert full.sex.declared == sexes[full.id].value
        assert full.verdicts == short.verdicts, full.id
        assert full.family == short.family, full.id
        used = full.sex.used
        expected = [g for g in full.genotypes if not _silent(g.raw_gt, used, g.variant_key)]
        assert list(short.genotypes) == expected, full.id
        dropped += len(full.genotypes) - len(expected)
        kept_ref += sum(g.raw_gt in PLAIN_REF_GTS for g in expected)
    # the cohort does exercise the rule both ways: plain REF left out, and kept where it matters
    assert dropped > 1000
    assert kept_ref > 10  # haploid 0 in females
    proband = next(s for s in sparse.samples if s.id == "proband")
    assert [v.category for v in proband.verdicts] == ["consistent_with_ipex"]
    assert any("c.1189C>T" in n and "maternally inherited" in n for n in proband.family)
    categories = {v.category for s in sparse.samples for v in s.verdicts}
    assert {"consistent_with_ipex", "carrier", "no_reportable_variant"} <= categories
    assert any(v.assumed_sex for s in sparse.samples for v in s.verdicts)  # unknown sexes
    nothing_listed = {s.id: s.sex.used for s in sparse.samples if not s.genotypes}
    # S018 is absent from the PED: unknown sex, or male once inferred from its haploid calls
    s018 = "male" if infer_sex else "unknown"
    assert nothing_listed == {"S010": "male", "S014": "female", "S018": s018}


def _tsv_rows(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines[0].startswith("#") and "genotypes=" in lines[0]
    return lines[1:]


def test_cli_auto_picks_non_ref_for_a_cohort_and_all_for_a_trio(ipex, cohort) -> None:
    vcf, ped, _ = cohort
    report = json.loads(ipex("annotate", str(vcf), "--ped", str(ped), "--format", "json").stdout)
    assert report["inputs"][0]["genotypes"] == "non_ref"
    assert len(report["samples"]) == 80
    trio = json.loads(ipex("annotate", str(TRIO_VCF), "--format", "json").stdout)
    assert trio["inputs"][0]["genotypes"] == "all"


def test_cli_refuses_non_ref_with_a_vcf_report(ipex, cohort) -> None:
    vcf, _, _ = cohort
    result = ipex("annotate", str(vcf), "--genotypes", "non-ref", "--format", "vcf")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and "--genotypes" in message and "Traceback" not in message


def test_cli_vcf_report_of_a_cohort_fills_every_sample_column(ipex, cohort) -> None:
    vcf, ped, _ = cohort
    result = ipex("annotate", str(vcf), "--ped", str(ped), "--format", "vcf")
    assert result.exit_code == 0, result.stderr
    written = {}
    for line in result.stdout.splitlines():
        if line.startswith("#CHROM"):
            out_samples = line.split("\t")[9:]
        elif not line.startswith("#"):
            fields = line.split("\t")
            written[(fields[1], fields[3], fields[4])] = fields[9:]
    source = {}
    for line in vcf.read_text(encoding="utf-8").splitlines():
        if line.startswith("#CHROM"):
            in_samples = line.split("\t")[9:]
        elif not line.startswith("#"):
            fields = line.split("\t")
            source[fields[1]] = [c.split(":")[0] for c in fields[9:]]
    assert out_samples == in_samples and len(out_samples) == 80
    assert len(written) >= 30
    filled = 0
    for (pos, _, _), columns in written.items():
        assert len(columns) == 80
        for column, raw in zip(columns, source[pos], strict=True):
            gt = column.split(":")[0]
            assert gt, (pos, column)
            if raw in ("0/0", "0|0"):
                assert gt == raw, (pos, column)  # a biallelic REF call stays as written
                filled += 1
    assert filled > 1000


def test_non_ref_tsv_rows_are_all_mode_rows(ipex, cohort) -> None:
    vcf, ped, _ = cohort
    args = ("annotate", str(vcf), "--ped", str(ped), "--format", "tsv")
    dense = ipex(*args, "--genotypes", "all")
    sparse = ipex(*args, "--genotypes", "non-ref")
    assert dense.exit_code == sparse.exit_code == 0, sparse.stderr
    assert "genotypes=all" in dense.stdout.splitlines()[0]
    assert "genotypes=non_ref" in sparse.stdout.splitlines()[0]
    full = set(_tsv_rows(dense.stdout))
    rows = _tsv_rows(sparse.stdout)
    assert len(rows) < len(full)
    header = rows[0]
    assert header in full
    build_at = header.split("\t").index("build")
    listed = [row for row in rows[1:] if row.split("\t")[build_at]]
    missing = [row for row in listed if row not in full]
    assert not missing, missing[:3]
    # a sample with nothing listed keeps one row (sample, sex, verdict; no variant), the same
    # sample and verdict columns as its all-mode rows
    placeholders = [row.split("\t") for row in rows[1:] if not row.split("\t")[build_at]]
    assert sorted(cells[0] for cells in placeholders) == sorted(ALL_REF)
    dense_prefixes = {tuple(row.split("\t")[:build_at]) for row in full}
    for cells in placeholders:
        assert tuple(cells[:build_at]) in dense_prefixes, cells[:build_at]
        assert not any(cells[build_at:]), cells


def test_the_cohort_file_has_what_this_module_says(cohort) -> None:
    vcf, ped, sexes = cohort
    records = [line.split("\t") for line in vcf.read_text(encoding="utf-8").splitlines()
               if not line.startswith("#")]
    locus = load().locus(Build.GRCH38)
    for fields in records:  # real GRCh38 bases
        start = int(fields[1]) - 1
        assert locus.sequence[start - locus.start] == fields[3], fields[:5]
    gts = [cell.split(":")[0] for fields in records for cell in fields[9:]]
    assert len(records) >= 33 and len(records[0]) == 9 + 80
    assert sum("," in fields[4] for fields in records) == 1
    assert gts.count("0/0/0") == 1
    assert {"1/2", "./1", "0/.", ".", "./.", "1", "1/1", "0|0"} <= set(gts)
    females = [i for i, s in enumerate(sexes) if sexes[s] is Sex.FEMALE]
    males = [i for i, s in enumerate(sexes) if sexes[s] is Sex.MALE]
    assert any(fields[9 + i].startswith("0:") for fields in records for i in females)
    assert any(fields[9 + i].startswith("0/0:") for fields in records for i in males)
    in_ped = {line.split("\t")[1] for line in ped.read_text(encoding="utf-8").splitlines()}
    assert {s for s in sexes if s not in in_ped} == {s for s in sexes if sexes[s] is Sex.UNKNOWN}
    assert len(in_ped) < 80


@pytest.mark.parametrize("container", ["bgzf", "bcf"])
def test_non_ref_mode_agrees_on_indexed_and_bcf_inputs(
    cohort: tuple[Path, Path, dict[str, Sex]], container: str, tmp_path: Path
) -> None:
    """The compressed inputs take other read paths (region fetch, BCF decoding)."""
    tools = ("bgzip", "tabix") if container == "bgzf" else ("bcftools",)
    if not all(shutil.which(tool) for tool in tools):
        pytest.skip(f"{' and '.join(tools)} not installed")
    vcf, ped, _ = cohort
    target = tmp_path / ("cohort.vcf.gz" if container == "bgzf" else "cohort.bcf")
    if container == "bgzf":
        with target.open("wb") as out:
            subprocess.run(["bgzip", "-c", str(vcf)], stdout=out, check=True)
        subprocess.run(["tabix", "-p", "vcf", str(target)], check=True)
    else:
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(target), str(vcf)], check=True,
                       capture_output=True)
        subprocess.run(["bcftools", "index", str(target)], check=True)
    options = AnnotateOptions(ped=str(ped), infer_sex=False, genotypes="all")
    dense = annotate_files([str(target)], options)
    sparse = annotate_files([str(target)], replace(options, genotypes="non_ref"))
    assert dense.inputs[0].file_format == sparse.inputs[0].file_format == container
    assert dense.inputs[0].skipped == sparse.inputs[0].skipped == {}
    # #15: the one unreadable call is named in both modes (S001, the first other)
    assert dense.inputs[0].unread == sparse.inputs[0].unread
    (unread,) = dense.inputs[0].unread
    assert "call of S001: GT '0/3' names allele 3" in unread
    for full, short in zip(dense.samples, sparse.samples, strict=True):
        assert (full.sex, full.verdicts, full.family) == (short.sex, short.verdicts, short.family)
        used = full.sex.used
        expected = [g for g in full.genotypes if not _silent(g.raw_gt, used, g.variant_key)]
        assert list(short.genotypes) == expected, full.id
    plain = annotate_files([str(vcf)], options)
    assert [s.verdicts for s in plain.samples] == [s.verdicts for s in dense.samples]


def test_batch_auto_decides_per_file(ipex, cohort, tmp_path: Path) -> None:
    vcf, _, _ = cohort
    out = tmp_path / "out"
    result = ipex("batch", str(vcf), str(TRIO_VCF), "--outdir", str(out), "--jobs", "1",
                  "--format", "json")
    assert result.exit_code == 0, result.stderr
    modes = {}
    for report in (out / "reports").glob("*.json"):
        data = json.loads(report.read_text(encoding="utf-8"))
        modes[Path(data["inputs"][0]["path"]).name] = data["inputs"][0]["genotypes"]
    assert modes == {vcf.name: "non_ref", TRIO_VCF.name: "all"}
    refused = ipex("batch", str(vcf), "--outdir", str(tmp_path / "o2"), "--jobs", "1",
                   "--format", "vcf", "--genotypes", "non-ref")
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o2").exists()


def test_cohort_reports_for_people_name_unlisted_genotypes_as_plain_ref(cohort) -> None:
    """Terminal and HTML renderings of a non_ref report: a genotype left out is a plain REF
    call, never "no call"; samples with nothing to report are named, not given a panel; every
    sample with a finding appears; the HTML variant table lists carriers, not 80 columns."""
    import io
    import re

    from rich.console import Console

    from ipexcli.report import console as console_out
    from ipexcli.report import html
    from ipexcli.result import is_quiet

    vcf, ped, _ = cohort
    report = annotate_files([str(vcf)], AnnotateOptions(ped=str(ped), genotypes="non_ref"))
    quiet = [s for s in report.samples if is_quiet(s)]
    loud = [s for s in report.samples if not is_quiet(s)]
    assert quiet and loud and "S010" in {s.id for s in quiet}  # S010 is all plain REF

    buffer = io.StringIO()
    console_out.render_report(report, Console(file=buffer, width=120, color_system=None))
    text = buffer.getvalue()
    assert "others: no call" not in text  # ./. calls are listed as "no call" though
    assert "others: plain REF (not listed)" in text
    assert f"{len(quiet)} sample(s) with no reportable FOXP3 variant" in text
    for sample in loud:
        assert sample.id in text
    assert "  sample " not in text  # sexes are counted per kind, not listed per sample

    page = html.render(report)
    assert page.count('<section class="card') == len(loud)
    assert f"{len(quiet)} sample(s) with no reportable" in page
    header = re.search(r'<table class="variants"><tr>(.*?)</tr>', page).group(1)
    assert header.count("<th>") == 5 and "Genotypes listed" in header
    assert ">no call<" not in page and "plain REF (not listed)" in page


def test_cohort_in_all_mode_keeps_no_call_wording(cohort) -> None:
    """With every genotype listed, a missing genotype really is a sample without a call."""
    from ipexcli.report import html

    vcf, ped, _ = cohort
    report = annotate_files([str(vcf)], AnnotateOptions(ped=str(ped), genotypes="all"))
    page = html.render(report)
    assert "plain REF (not listed)" not in page
    assert page.count('<section class="card') == len(report.samples)


def test_non_ref_json_report_follows_the_shipped_schema(ipex, cohort) -> None:
    import jsonschema

    from ipexcli.schema import report_schema

    vcf, ped, _ = cohort
    document = json.loads(ipex("annotate", str(vcf), "--ped", str(ped), "--format", "json").stdout)
    assert document["inputs"][0]["genotypes"] == "non_ref"
    jsonschema.validate(document, report_schema())
