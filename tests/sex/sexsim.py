"""Simulated whole-chrX (+ chrY) cohorts for testing sex inference, and GT-string helpers.

Test-only code. A cohort has, with a fixed seed:

* non-PAR chrX sites spread uniformly over the build's non-PAR X, with ALT frequencies drawn
  log-uniformly between 0.5% and 99% (most sites rare, some common, as in joint-called data);
* PAR sites (PAR1 and PAR2, over-represented on purpose) where every sample, male or female,
  is diploid in Hardy-Weinberg proportions - inference must ignore them, otherwise males look
  heterozygous;
* non-PAR chrY sites, called in XY and XXY samples and missing in XX samples (with a few
  spurious calls from mis-mapping);
* random missing calls (2% by default) and allele depths (AD, DP).

Sample kinds and the answer inference should give:

==================  ==========================================  ====================
kind                genotypes on non-PAR X                      expected
==================  ==========================================  ====================
``male_haploid``    ``0``/``1``                                  male
``male_diploid``    ``0/0``/``1/1`` (+ rare ``0/1`` artefacts)   male
``female``          HWE diploid                                  female
``xxy``             HWE diploid, plus chrY calls                 XXY-like
``low_data``        almost all missing (0.25% called)            insufficient data
==================  ==========================================  ====================
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ipexcli import refdata
from ipexcli.model import Build, Call, VariantRecord
from ipexcli.sex import InferredSex

EXPECTED = {
    "male_haploid": InferredSex.MALE,
    "male_diploid": InferredSex.MALE,
    "female": InferredSex.FEMALE,
    "xxy": InferredSex.XXY_LIKE,
    "low_data": InferredSex.INSUFFICIENT,
}

DEFAULT_COUNTS = {"male_haploid": 8, "male_diploid": 8, "female": 12, "xxy": 3, "low_data": 3}


def parse_gt(gt: str) -> tuple[tuple[int | None, ...], bool]:
    """Allele indexes and phasing of a GT string (test helper; ALT > 1 is kept as is).

    >>> parse_gt("0|1"), parse_gt("./1"), parse_gt("1")
    (((0, 1), True), ((None, 1), False), ((1,), False))
    """
    phased = "|" in gt
    parts = gt.replace("|", "/").split("/")
    return tuple(None if p == "." else int(p) for p in parts), phased


def make_call(
    gt: str,
    ad: tuple[int, int] | None = None,
    dp: int | None = None,
    *,
    alt_index: int = 1,
) -> Call:
    """A :class:`Call` for one split ALT (``alt_index``) from a GT string, as vcf.py would
    produce it: other ALTs become None with ``other_alt`` set.

    >>> make_call("1/2").alleles, make_call("1/2").other_alt
    ((1, None), True)
    >>> make_call("1/2", alt_index=2).alleles
    (None, 1)
    """
    raw, phased = parse_gt(gt)
    alleles: list[int | None] = []
    other = False
    for allele in raw:
        if allele is None or allele == 0:
            alleles.append(allele)
        elif allele == alt_index:
            alleles.append(1)
        else:
            alleles.append(None)
            other = True
    return Call(tuple(alleles), phased=phased, raw_gt=gt, ad=ad, dp=dp, other_alt=other)


def make_record(
    pos: int,
    gts: list[str],
    *,
    chrom: str = "X",
    ref: str = "C",
    alt: str = "T",
    ads: list[tuple[int, int] | None] | None = None,
) -> VariantRecord:
    """A single-ALT :class:`VariantRecord` with one call per GT string (1-based ``pos``)."""
    ads = ads or [None] * len(gts)
    calls = tuple(make_call(gt, ad) for gt, ad in zip(gts, ads, strict=True))
    return VariantRecord(
        source="<sim>",
        line=None,
        contig=f"chr{chrom}",
        chrom=chrom,
        pos=pos,
        ref=ref,
        alt=alt,
        calls=calls,
    )


@dataclass
class SimSite:
    chrom: str
    pos: int  #: 1-based
    ref: str
    alt: str
    par: bool
    gts: list[str] = field(default_factory=list)
    ads: list[tuple[int, int] | None] = field(default_factory=list)


@dataclass
class SimCohort:
    build: Build
    samples: list[str]
    kinds: dict[str, str]
    sites: list[SimSite]

    def records(self) -> list[VariantRecord]:
        return [
            make_record(s.pos, s.gts, chrom=s.chrom, ref=s.ref, alt=s.alt, ads=s.ads)
            for s in self.sites
        ]

    def expected(self, sample: str) -> InferredSex:
        return EXPECTED[self.kinds[sample]]

    def subset(self, names: list[str]) -> SimCohort:
        """The same sites restricted to ``names`` (sites where nobody is non-REF are kept)."""
        index = [self.samples.index(n) for n in names]
        sites = [
            SimSite(
                s.chrom,
                s.pos,
                s.ref,
                s.alt,
                s.par,
                [s.gts[i] for i in index],
                [s.ads[i] for i in index],
            )
            for s in self.sites
        ]
        return SimCohort(self.build, list(names), {n: self.kinds[n] for n in names}, sites)

    def vcf_text(self) -> str:
        """The cohort as an uncompressed VCF 4.2 (chr-prefixed contigs of ``build``)."""
        lengths = refdata.load().assemblies[self.build].lengths
        lines = [
            "##fileformat=VCFv4.2",
            f"##contig=<ID=chrX,length={lengths['X']},assembly={self.build.value}>",
            f"##contig=<ID=chrY,length={lengths['Y']},assembly={self.build.value}>",
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
            '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
            '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
            "#"
            + "\t".join(["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"])
            + "\tFORMAT\t"
            + "\t".join(self.samples),
        ]
        for s in self.sites:
            fields = [f"chr{s.chrom}", str(s.pos), ".", s.ref, s.alt, "50", "PASS", ".", "GT:AD:DP"]
            for gt, ad in zip(s.gts, s.ads, strict=True):
                if ad is None:
                    fields.append(f"{gt}:.:.")
                else:
                    fields.append(f"{gt}:{ad[0]},{ad[1]}:{ad[0] + ad[1]}")
            lines.append("\t".join(fields))
        return "\n".join(lines) + "\n"


def simulate_cohort(
    seed: int = 5,
    build: Build = Build.GRCH38,
    counts: dict[str, int] | None = None,
    n_x_sites: int = 1500,
    n_par_sites: int = 250,
    n_y_sites: int = 60,
    missing_rate: float = 0.02,
    male_het_artefact_rate: float = 0.003,
    low_data_call_rate: float = 0.0025,
    female_y_spurious_rate: float = 0.03,
) -> SimCohort:
    """Simulate a joint-called cohort (see the module docstring)."""
    rng = random.Random(seed)
    counts = counts or DEFAULT_COUNTS
    kinds: dict[str, str] = {}
    for kind, n in counts.items():
        for i in range(1, n + 1):
            kinds[f"{kind}_{i:02d}"] = kind
    samples = list(kinds)
    facts = refdata.load().assemblies[build]
    non_par_x = max(facts.non_par("X"), key=lambda r: r.end - r.start)
    non_par_y = max(facts.non_par("Y"), key=lambda r: r.end - r.start)
    positions: list[tuple[str, int, bool]] = []
    used: set[tuple[str, int]] = set()

    def draw(chrom: str, start: int, end: int, par: bool, n: int) -> None:
        while n:
            pos = rng.randint(start + 1, end)  # 1-based inside 0-based half-open [start, end)
            if (chrom, pos) not in used:
                used.add((chrom, pos))
                positions.append((chrom, pos, par))
                n -= 1

    draw("X", non_par_x.start, non_par_x.end, False, n_x_sites)
    par1, par2 = facts.par["X"]
    draw("X", par1.start, par1.end, True, n_par_sites * 2 // 3)
    draw("X", par2.start, par2.end, True, n_par_sites - n_par_sites * 2 // 3)
    draw("Y", non_par_y.start, non_par_y.end, False, n_y_sites)
    positions.sort(key=lambda t: (t[0], t[1]))

    sites = []
    for chrom, pos, par in positions:
        p = min(0.99, math.exp(rng.uniform(math.log(0.005), 0.0)))
        ref, alt = rng.sample("ACGT", 2)
        site = SimSite(chrom, pos, ref, alt, par)
        for name in samples:
            gt, ad = _genotype(
                rng,
                kinds[name],
                chrom,
                par,
                p,
                missing_rate,
                male_het_artefact_rate,
                low_data_call_rate,
                female_y_spurious_rate,
            )
            site.gts.append(gt)
            site.ads.append(ad)
        sites.append(site)
    return SimCohort(build, samples, kinds, sites)


def _depths(rng: random.Random, alt_fraction: float) -> tuple[int, int]:
    depth = rng.randint(15, 45)
    alt = sum(1 for _ in range(depth) if rng.random() < alt_fraction)
    return depth - alt, alt


def _genotype(
    rng: random.Random,
    kind: str,
    chrom: str,
    par: bool,
    p: float,
    missing_rate: float,
    het_artefact: float,
    low_data_rate: float,
    female_y_rate: float,
) -> tuple[str, tuple[int, int] | None]:
    haploid = kind == "male_haploid"
    if kind == "low_data" and rng.random() >= low_data_rate:
        return "./.", None
    if chrom == "Y":
        if kind in ("female", "low_data"):
            if rng.random() < female_y_rate:
                return "0/0", _depths(rng, 0.0)
            return "./.", None
        if rng.random() < missing_rate:
            return ("." if haploid else "./."), None
        a = int(rng.random() < p)
        ad = _depths(rng, 0.98 if a else 0.01)
        return (str(a) if haploid else f"{a}/{a}"), ad
    if rng.random() < missing_rate:
        return ("." if haploid and not par else "./."), None
    if par or kind in ("female", "xxy", "low_data"):
        a, b = int(rng.random() < p), int(rng.random() < p)
        if a != b:
            return "0/1", _depths(rng, 0.5)
        return f"{a}/{a}", _depths(rng, 0.98 if a else 0.01)
    a = int(rng.random() < p)
    if kind == "male_diploid" and rng.random() < het_artefact:
        return "0/1", _depths(rng, 0.15)
    ad = _depths(rng, 0.98 if a else 0.01)
    return (str(a) if haploid else f"{a}/{a}"), ad
