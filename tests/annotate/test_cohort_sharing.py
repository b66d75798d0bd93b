"""#14: what a cohort run shares between samples must never blur what differs between them.

The sample step of ``--genotypes non-ref`` shares work between equal calls: one parsed
:class:`~ipexcli.model.Call` per distinct column text (across records), one interpretation per
(finding, call, sex), one genotype row per (record, call, sex) with its call-quality flags
already added. These tests give equal calls to samples whose sex, call quality or record differ,
and check each keeps its own verdict, flags and line, and that every verdict and listed
genotype equals the ``--genotypes all`` path's (which shares nothing of this).

The VCF is the example trio's three real records (the pathogenic c.1189C>T at chrX:49251441
G>A first) with 60 sample columns (above the 50 of ``--genotypes auto``), plus one exact
duplicate of the rs3761548 line (the samples with a call there take the general path of
#13 duplicates, the others the shared one).
"""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pytest

from ipexcli import interpret
from ipexcli.annotate import AnnotateOptions, annotate_files
from ipexcli.genotypes import PLAIN_REF_GTS
from ipexcli.inheritance import plain_ref_is_silent
from ipexcli.model import Sex
from ipexcli.result import Report, SampleResult

REPO = Path(__file__).resolve().parents[2]
TRIO_VCF = REPO / "examples" / "trio.GRCh38.vcf.gz"
N = 60

HEMI = "1:0,30:30:99"  #: a haploid ALT call, good quality
HET = "0/1:15,15:30:99"  #: a heterozygous call, good quality
HET_LOW_GQ = "0/1:15,15:30:5"  #: the same call with a GQ below 20 (LOW_GQ)
BAD_DP = "0/1:15,15:x:99"  #: an unreadable DP: an invalid call (#15)
REF_BAD_DP = "0:12,0:x:99"  #: a haploid REF whose DP is unreadable (parsed only when it matters)

REF = "0/0:20,0:20:60"
#: sample -> (declared sex or None, its columns at c.1189C>T, rs2232365 and rs3761548)
SAMPLES: dict[str, tuple[Sex | None, tuple[str, str, str]]] = {
    "male_hemi": (Sex.MALE, (HEMI, HET, REF)),
    "female_hemi": (Sex.FEMALE, (HEMI, HET, REF)),  # the same text: haploid ALT in a female
    "unknown_hemi": (None, (HEMI, HET, REF)),  # both readings
    "female_het": (Sex.FEMALE, (HET, HEMI, REF)),
    "female_het_too": (Sex.FEMALE, (HET, HEMI, REF)),  # the very same calls as female_het
    "female_het_low_gq": (Sex.FEMALE, (HET_LOW_GQ, HEMI, REF)),  # quality flag, same alleles
    "male_het": (Sex.MALE, (HET, HEMI, REF)),  # a heterozygous call in a male
    # invalid at rs3761548 and at its duplicate line: one Call object, two lines
    "female_bad_dp": (Sex.FEMALE, (HET, HET, BAD_DP)),
    "female_ref_bad_dp": (Sex.FEMALE, (REF_BAD_DP, HET, REF)),  # haploid REF in a female
}


def _write(folder: Path) -> Path:
    with gzip.open(TRIO_VCF, "rt") as handle:
        lines = handle.read().splitlines()
    header = [line for line in lines if line.startswith("##")]
    records = [line.split("\t") for line in lines if not line.startswith("#")]
    assert records[0][1:5] == ["49251441", "rs28935477", "G", "A"]  # c.1189C>T
    names = [*SAMPLES, *(f"R{i:02d}" for i in range(N - len(SAMPLES)))]
    rows = []
    for at, record in enumerate(records):
        columns = [SAMPLES[name][1][at] if name in SAMPLES else REF for name in names]
        rows.append("\t".join([*record[:8], "GT:AD:DP:GQ", *columns]))
    rows.append(rows[-1])  # an exact duplicate of the rs3761548 line (#13)
    vcf = folder / "shared.GRCh38.vcf"
    vcf.write_text("\n".join([*header, "\t".join(
        ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *names]),
        *rows]) + "\n", encoding="utf-8")
    return vcf


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Report, int, int]:
    vcf = _write(tmp_path_factory.mktemp("sharing"))
    declared = {name: sex for name, (sex, _) in SAMPLES.items() if sex is not None}
    declared.update({f"R{i:02d}": Sex.FEMALE for i in range(N - len(SAMPLES))})
    options = AnnotateOptions(declared_sex=declared, infer_sex=False)
    shared = []  # the genotype rows the shared path gave (it must be taken)
    factory = interpret._checked_genotype

    def counting(*args):  # type: ignore[no-untyped-def]
        checked = factory(*args)

        def wrapped(*call_args):  # type: ignore[no-untyped-def]
            shared.append(call_args[-1])
            return checked(*call_args)

        return wrapped

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(interpret, "_checked_genotype", counting)
        sparse = annotate_files([str(vcf)], options)
    dense = annotate_files([str(vcf)], replace(options, genotypes="all"))
    lines = [i for i, line in enumerate(vcf.read_text().splitlines(), start=1)
             if line.startswith("chrX")]
    return sparse, dense, lines[0], len(shared)


def _by_id(report: Report) -> dict[str, SampleResult]:
    return {sample.id: sample for sample in report.samples}


def test_sparse_equals_all_mode_sample_by_sample(reports) -> None:
    sparse, dense, _, shared = reports
    assert shared == 16  # the shared path was taken: 8 samples without duplicates, 2 calls each
    assert (sparse.inputs[0].genotypes, dense.inputs[0].genotypes) == ("non_ref", "all")
    assert sparse.inputs[0].unread == dense.inputs[0].unread
    for short, full in zip(sparse.samples, dense.samples, strict=True):
        assert short.verdicts == full.verdicts, short.id
        used = Sex(full.sex.used)
        listed = [g for g in full.genotypes
                  if not (g.raw_gt in PLAIN_REF_GTS and plain_ref_is_silent(g.raw_gt, used, False))]
        assert list(short.genotypes) == listed, short.id


def test_equal_calls_keep_the_verdict_of_their_own_sex(reports) -> None:
    samples = _by_id(reports[0])
    male, female, unknown = (samples[s] for s in ("male_hemi", "female_hemi", "unknown_hemi"))
    assert male.genotypes[0].raw_gt == female.genotypes[0].raw_gt == "1"
    assert [v.category for v in male.verdicts] == ["consistent_with_ipex"]
    assert [v.category for v in female.verdicts] == ["uncertain"]
    assert "called haploid in a female" in female.verdicts[0].reasons[0]
    assert [v.assumed_sex for v in unknown.verdicts] == ["male", "female"]
    assert [v.category for v in unknown.verdicts] == ["consistent_with_ipex", "uncertain"]
    assert (male.genotypes[0].label, female.genotypes[0].label) == ("hemizygous_alt",
                                                                    "haploid_alt_in_female")
    het_female, het_male = samples["female_het"], samples["male_het"]
    assert [v.category for v in het_female.verdicts] == ["carrier"]
    assert [v.category for v in het_male.verdicts] == ["uncertain"]


def test_equal_alleles_keep_their_own_call_quality(reports) -> None:
    samples = _by_id(reports[0])
    good, same, low = (samples[s] for s in ("female_het", "female_het_too", "female_het_low_gq"))
    assert good.verdicts == same.verdicts and good.genotypes[0] == same.genotypes[0]
    assert "LOW_GQ" not in good.genotypes[0].flags and "check call" not in good.verdicts[0].text
    assert "LOW_GQ" in low.genotypes[0].flags
    assert low.verdicts[0].text.endswith("- check call quality (LOW_GQ)")
    assert low.verdicts[0].category == good.verdicts[0].category == "carrier"


def test_unreadable_calls_are_named_at_their_own_lines(reports) -> None:
    """The same unreadable text at two lines (one Call object) is named at both; a female's
    haploid REF with an unreadable DP is named too (it raised KeyError before #14)."""
    sparse, _, first, _ = reports
    unread = sparse.inputs[0].unread
    assert unread == tuple(
        f"{sparse.inputs[0].path}: line {line}: call of {name}: DP 'x' is not a number"
        for line, name in ((first + 2, "female_bad_dp"), (first + 3, "female_bad_dp"),
                           (first, "female_ref_bad_dp"))
    ), unread
    samples = _by_id(sparse)
    for name in ("female_bad_dp", "female_ref_bad_dp"):
        assert samples[name].verdicts[0].reasons[0].startswith("unreadable genotype at"), name
