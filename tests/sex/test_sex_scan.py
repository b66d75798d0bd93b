"""Issue 14: sex inference from the genotype-only scan (:mod:`ipexcli.sexscan`).

* The whole-chrX scan gives the same evidence, decisions and skip counts as
  :func:`ipexcli.sex.infer_sexes` over the reader's ``chrom_records`` (the path it replaced), on
  every VCF of the test corpus, on simulated cohorts (sample columns with AD/DP, GT-only, haploid
  males) and on the real 1000 Genomes chrX subset when ``../shared`` is present.
* The sampled scan (windows through the index, whole chrX for unsettled samples) gives the same
  decision as the whole scan for every sample.
"""

from __future__ import annotations

import gzip
import re
from itertools import chain
from pathlib import Path

import pytest
from sexsim import simulate_cohort

from ipexcli.errors import IpexError
from ipexcli.model import Build
from ipexcli.sex import SexInference, infer_sexes
from ipexcli.sexscan import full_scan, infer_from_reader
from ipexcli.vcf import open_vcf, write_bgzf_indexed

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "vcf"
_KG = Path("external-vcfs") / "1000genomes-uwgac" / "1KG_phase3_subset_chrX.vcf.gz"
_SHARED = (ROOT / ".." / "shared", ROOT / ".." / ".." / "shared")  # main checkout, worktree
KG = next((p / _KG for p in _SHARED if (p / _KG).exists()), _SHARED[0] / _KG)
CORPUS = sorted(
    p for p in DATA.iterdir() if re.search(r"\.(vcf|vcf\.gz|bcf|bz2)$", p.name) and p.is_file()
)


def _old(path: Path, build: Build | None = None) -> tuple[dict[str, SexInference], dict[str, int]]:
    with open_vcf(path, build=build) as reader:
        records = chain(reader.chrom_records("X"), reader.chrom_records("Y"))
        result = infer_sexes(reader.samples, records, reader.build_decision.build)
        return result, dict(reader.stats.chrom_skipped)


def _new(path: Path, build: Build | None = None) -> tuple[dict[str, SexInference], dict[str, int]]:
    with open_vcf(path, build=build) as reader:
        result = full_scan(reader)
        return result, dict(reader.stats.chrom_skipped)


def _assert_same(old: dict[str, SexInference], new: dict[str, SexInference]) -> None:
    assert list(old) == list(new)
    for sample, before in old.items():
        after = new[sample]
        assert after.evidence.scan == "whole chrX"
        assert (sample, after.inferred, after.reason) == (sample, before.inferred, before.reason)
        a, b = before.evidence, after.evidence
        for name in a.__slots__:  # type: ignore[attr-defined]
            if name == "scan":
                continue
            x, y = getattr(a, name), getattr(b, name)
            if isinstance(x, float):  # F: the same terms summed in another order
                assert y == pytest.approx(x, rel=1e-9, abs=1e-12), (sample, name)
            else:
                assert x == y, (sample, name)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_whole_scan_equals_record_path_on_corpus(path: Path) -> None:
    try:
        old = _old(path)
    except IpexError as exc:
        with pytest.raises(type(exc)):
            _new(path)
        return
    new = _new(path)
    _assert_same(old[0], new[0])
    assert new[1] == old[1]  # the same records skipped for the same reasons


def _cohort_file(tmp_path: Path, text: str, name: str, indexed: bool) -> Path:
    if indexed:
        path = tmp_path / f"{name}.vcf.gz"
        write_bgzf_indexed(text, path)
    else:
        path = tmp_path / f"{name}.vcf"
        path.write_text(text)
    return path


def _gt_only(text: str) -> str:
    """The VCF with only GT in FORMAT (the cohort layout the uniform-row path reads)."""
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            out.append(line)
            continue
        fields = line.split("\t")
        fields[8] = "GT"
        fields[9:] = [f.split(":")[0] for f in fields[9:]]
        out.append("\t".join(fields))
    return "\n".join(out) + "\n"


def _add_depth(column: str) -> str:
    parts = column.split(":")
    if len(parts) > 1 and parts[1] != ".":
        parts[1] += ",0"
    return ":".join(parts)


def _mixed(text: str) -> str:
    """Some sites turned into what takes each path of the scan: plain indels (fast path),
    multi-allelic records with ``1/2`` and haploid ``2`` calls, lower-case REF, symbolic and
    ``N`` ALTs (exact path)."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if line.startswith("#"):
            out.append(line)
            continue
        f = line.split("\t")
        ref, alt = f[3], f[4]
        kind = i % 9
        if kind == 1:
            f[3] = ref + "AC"  # deletion
            f[4] = ref
        elif kind == 2:
            f[4] = alt + "GT"  # insertion
        elif kind == 3:
            other = next(b for b in "ACGT" if b not in (ref, alt))
            f[4] = f"{alt},{other}"
            f[9:] = [
                c.replace("0/1", "1/2", 1) if j % 3 == 0 else c.replace("1", "2", 1) if j % 5 == 0
                else c
                for j, c in enumerate(f[9:])
            ]
            if f[8].startswith("GT:AD:"):  # AD is Number=R: one more depth for the new ALT
                f[9:] = [_add_depth(c) for c in f[9:]]
        elif kind == 4:
            f[3] = ref.lower()
        elif kind == 5:
            f[4] = "<DEL>"
        elif kind == 6:
            f[4] = "N"
        out.append("\t".join(f))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    ("seed", "counts", "gt_only"),
    [
        (2, "mixed", False),  # indels, multi-allelics, odd alleles
        (3, None, False),  # 34 samples: F decides; haploid males, XXY, low data
        (4, {"female": 2, "male_diploid": 2, "male_haploid": 1}, False),  # het_fraction
        (5, {"female": 12, "male_diploid": 9}, True),  # GT-only a/b columns: uniform rows
        (6, None, True),
    ],
)
def test_whole_scan_equals_record_path_on_simulated(
    tmp_path: Path, seed: int, counts: dict[str, int] | str | None, gt_only: bool
) -> None:
    mixed = counts == "mixed"
    counts = None if isinstance(counts, str) else counts
    cohort = simulate_cohort(seed=seed, counts=counts, n_x_sites=600, n_y_sites=40)
    text = _mixed(cohort.vcf_text()) if mixed else cohort.vcf_text()
    if gt_only:
        text = _gt_only(text)
    path = _cohort_file(tmp_path, text, "cohort", indexed=False)
    old, new = _old(path), _new(path)
    _assert_same(old[0], new[0])
    assert new[1] == old[1]


_ODD = ["0/0/0", "00", "", "./.", ".", "0|0", "1|0", "0/.", "1", "0/1"]


def _rare(text: str) -> str:
    """The cohort with most calls turned plain REF (``0`` or ``0/0`` by ploidy, some ``0|0``,
    some without the fields after GT) and a few odd GTs, so that most lines take the sparse
    path of the scan (#14): only the columns that are not plain REF are decoded."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if line.startswith("#"):
            out.append(line)
            continue
        f = line.split("\t")
        for j in range(9, len(f)):
            gt, sep, rest = f[j].partition(":")
            k = (i * 7 + j * 3) % 40
            if k == 0:
                continue  # kept as simulated
            if k == 1:
                gt = _ODD[(i + j) % len(_ODD)]
            elif "/" in gt or "|" in gt:
                gt = "0|0" if k == 2 else "0/0"
            else:
                gt = "0"
            f[j] = gt if k == 3 else gt + sep + rest
        out.append("\t".join(f))
    return "\n".join(out) + "\n"


def test_sparse_rows_equal_record_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipexcli import sexscan

    used = []
    sparse = sexscan.GtTally._row_sparse

    def counted(self: sexscan.GtTally, samples: bytes) -> object:
        row = sparse(self, samples)
        used.append(row is not sexscan._DENSE)
        return row

    monkeypatch.setattr(sexscan.GtTally, "_row_sparse", counted)
    cohort = simulate_cohort(seed=3, n_x_sites=600, n_y_sites=40)  # 34 samples, GT:AD:...
    path = _cohort_file(tmp_path, _rare(cohort.vcf_text()), "rare", indexed=False)
    old, new = _old(path), _new(path)
    _assert_same(old[0], new[0])
    assert new[1] == old[1]
    assert sum(used) > 0.8 * len(used) > 400  # the sparse path did the work


def test_malformed_gt_on_fast_path_costs_the_call_not_the_record(tmp_path: Path) -> None:
    cohort = simulate_cohort(seed=7, counts={"female": 3}, n_x_sites=60, n_y_sites=0)
    lines = _gt_only(cohort.vcf_text()).splitlines()
    body = [i for i, line in enumerate(lines) if not line.startswith("#")]
    non_par = [i for i, site in zip(body, cohort.sites, strict=True) if not site.par]
    for i in non_par[:5]:  # GT "1/x": malformed, that call is a no call in both paths (#15)
        fields = lines[i].split("\t")
        fields[9] = "1/x"
        lines[i] = "\t".join(fields)
    path = tmp_path / "bad.vcf"
    path.write_text("\n".join(lines) + "\n")
    old, new = _old(path), _new(path)
    _assert_same(old[0], new[0])
    assert new[1] == old[1] == {}


@pytest.fixture(scope="module")
def kg_indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not KG.exists():
        pytest.skip(f"{KG} not present")
    with gzip.open(KG, "rt") as handle:
        text = handle.read()
    path = tmp_path_factory.mktemp("kg") / "kg.vcf.gz"
    write_bgzf_indexed(text, path)
    return path


def test_whole_scan_equals_record_path_on_1000_genomes() -> None:
    if not KG.exists():
        pytest.skip(f"{KG} not present")
    old, new = _old(KG, Build.GRCH37), _new(KG, Build.GRCH37)
    _assert_same(old[0], new[0])
    assert new[1] == old[1]


def _decisions(result: dict[str, SexInference]) -> dict[str, str]:
    return {sample: inference.inferred.value for sample, inference in result.items()}


def test_sampled_decisions_equal_whole_on_1000_genomes(kg_indexed: Path) -> None:
    with open_vcf(kg_indexed, build=Build.GRCH37) as reader:
        sampled = infer_from_reader(reader)
        whole = full_scan(reader)
    assert _decisions(sampled) == _decisions(whole)


@pytest.mark.parametrize(
    ("seed", "n_y_sites", "index"), [(1, 40, True), (2, 400, True), (3, 0, True), (4, 40, False)]
)
def test_sampled_decisions_equal_whole_on_simulated(
    tmp_path: Path, seed: int, n_y_sites: int, index: bool
) -> None:
    # dense enough (30,000 non-PAR X sites) that the windows settle most samples
    cohort = simulate_cohort(
        seed=seed,
        counts={"female": 6, "male_diploid": 4, "male_haploid": 3, "xxy": 1, "low_data": 1},
        n_x_sites=30_000,
        n_y_sites=n_y_sites,  # few (chrY read whole), many (sampled), none
    )
    path = _cohort_file(tmp_path, _gt_only(cohort.vcf_text()), "sim", indexed=True)
    if not index:  # windows found by bisecting the BGZF file
        Path(f"{path}.tbi").unlink()
    with open_vcf(path) as reader:
        sampled = infer_from_reader(reader)
        whole = full_scan(reader)
        assert reader.stats.region_method == ("index" if index else "bgzf-bisection")
    assert _decisions(sampled) == _decisions(whole)
    scans = {inference.evidence.scan for inference in sampled.values()}
    assert "whole chrX" in scans  # the low-data sample is never settled by the windows
    assert any(scan.startswith("sampled (") for scan in scans)


def _locus_only(text: str, extra: bool = False) -> str:
    """The cohort's non-PAR chrX records moved into the GRCh38 FOXP3 locus (REF the bundled
    base, so the build check agrees), chrY kept: chrX is only the locus, as in a targeted
    cohort. ``extra``: one more chrX record far before the locus."""
    from ipexcli import refdata

    locus = refdata.load().locus(Build.GRCH38)
    head, x_lines, y_lines = [], [], []
    for line in text.splitlines():
        if line.startswith("#"):
            head.append(line)
        elif line.startswith("chrY\t"):
            y_lines.append(line)
        else:
            x_lines.append(line)
    out = []
    for i, line in enumerate(x_lines):
        f = line.split("\t")
        pos = locus.start + 1 + 30 * i
        ref = locus.base(pos) if locus.base(pos) in "ACGT" else "A"
        f[1], f[3], f[4] = str(pos), ref, next(b for b in "ACGT" if b != ref)
        out.append("\t".join(f))
    if extra:
        f = x_lines[0].split("\t")
        f[1], f[3], f[4] = "20000000", "A", "G"
        out.insert(0, "\t".join(f))
    return "\n".join(head + out + y_lines) + "\n"


@pytest.mark.parametrize("layout", ["indexed", "bisection", "stream"])
@pytest.mark.parametrize("extra", [False, True])
def test_locus_only_chrx_counted_from_the_records_already_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, extra: bool
) -> None:
    """#14 item 3: when chrX is only the FOXP3 locus, the sex tally comes from the records the
    locus read parsed (chrX not read again), with the whole scan's counts and skips; a chrX
    record outside the locus means the file is scanned as before."""
    from ipexcli.vcf import gtscan

    cohort = simulate_cohort(seed=3, n_x_sites=500, n_par_sites=0, n_y_sites=40)
    text = _mixed(_locus_only(cohort.vcf_text(), extra))
    path = _cohort_file(tmp_path, text, "locus", indexed=layout != "stream")
    if layout == "bisection":
        Path(f"{path}.tbi").unlink()
    scanned: list[str] = []
    scan = gtscan.scan

    def spy(reader: object, chrom: str, windows: object = None, count_tabs: object = None
            ) -> object:
        scanned.append(chrom)
        return scan(reader, chrom, windows, count_tabs)  # type: ignore[arg-type]

    from ipexcli.sexscan import GtTally

    reused: list[bool] = []
    by_columns = GtTally._row_columns

    def spy_columns(self: GtTally, columns: object, samples: bytes) -> bytes | None:
        reused.append(True)
        return by_columns(self, columns, samples)  # type: ignore[arg-type]

    with open_vcf(path, build=Build.GRCH38) as reader:
        list(reader.locus_records())
        monkeypatch.setattr(gtscan, "scan", spy)
        monkeypatch.setattr(GtTally, "_row_columns", spy_columns)
        new = infer_from_reader(reader)
        monkeypatch.setattr(gtscan, "scan", scan)
        monkeypatch.setattr(GtTally, "_row_columns", by_columns)
        skipped_new = dict(reader.stats.chrom_skipped)
        read_new = reader.stats.chrom_records_read
    with open_vcf(path, build=Build.GRCH38) as reader:
        old = full_scan(reader)
        skipped_old = dict(reader.stats.chrom_skipped)
        read_old = reader.stats.chrom_records_read
    _assert_same(old, new)
    assert skipped_new == skipped_old and sum(skipped_old.values()) > 0
    assert ("X" in scanned) is extra  # chrX read again only when it reaches past the locus
    if not extra:
        assert read_new == read_old  # the same records, counted once
        assert len(reused) > 100  # rows from the columns the locus read already searched
