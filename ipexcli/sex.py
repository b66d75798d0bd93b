"""Declared and inferred sample sex, and which sex the X-linked interpretation uses.

Inference works on genotypes already read (:class:`~ipexcli.model.VariantRecord`); it does no
I/O. Only non-pseudoautosomal (non-PAR) chrX and chrY records count: whether a position is in
a PAR is decided by :meth:`ipexcli.refdata.AssemblyFacts.in_par` and nowhere else. When the
build is unknown a position counts only when it is non-PAR in *both* builds.

Evidence, per sample (all counts over non-PAR chrX unless said otherwise):

* **X heterozygosity.** Two statistics of the same signal are computed:

  - ``het_fraction = het / (het + hom_alt + hemizygous_alt)``, the fraction of the sample's
    non-reference calls that are heterozygous (ngs-bits ``SampleGender -method hetx``). It needs
    no allele frequencies, so it works for a single sample. ``het_ratio = het / hom_alt`` (peddy)
    is reported beside it.
  - the inbreeding coefficient ``F = (O(hom) - E(hom)) / (N - E(hom))`` as in plink
    ``--check-sex``, with ``E(hom) = sum(1 - 2p(1-p))`` over the sample's called sites that are
    polymorphic in the cohort; ``p`` is the cohort ALT frequency (a haploid call counts one
    allele, a diploid call two; haploid calls count as homozygous). Computed only when the cohort
    is large enough for frequencies to mean something (:attr:`SexThresholds.min_samples_for_f`).

* **Haploid coding.** A haploid GT (``0`` or ``1``) on non-PAR X is strong evidence that the
  caller treated the sample as male. Pseudo-haploid calls with one allele missing (``1/.``,
  ``0/.``, as 1000 Genomes/SeqArray write males) count as haploid. Note that callers usually
  take ploidy *from the declared sex*, so haploid coding confirms the pipeline's belief; it
  cannot by itself detect a swap.
* **chrY calls.** The fraction of the file's non-PAR chrY records where the sample has a called
  (non-missing) genotype. Callers and gnomAD-style QC leave XX samples missing on Y.

Decision (:func:`decide`), in order:

1. fewer than ``min_informative_sites`` informative X sites, no haploid evidence and no Y
   signal -> ``insufficient data`` (never a guess);
2. haploid coding without heterozygosity -> male; haploid coding with female-like
   heterozygosity -> ambiguous;
3. X heterozygosity: F and ``het_fraction`` are judged against their own thresholds.
   ``het_fraction`` is the primary statistic (it needs no allele frequencies); F is a
   cross-check. Two conclusive statistics must agree (else contradictory); a conclusive
   ``het_fraction`` decides when F falls between its thresholds; but a ``het_fraction`` that
   falls **between** its male and female thresholds is never overridden by F: the X evidence is
   then "between" and the answer is ``ambiguous`` (issue 12). XY -> male; XX -> female, or
   ``XXY-like`` when chrY is also called; contradictory -> ambiguous; in between -> ambiguous,
   or male when chrY is clearly called (independent evidence from another chromosome). The
   reason always quotes the figures and both thresholds of each statistic used.

   Why the asymmetry: F alone is noisy with few common sites and in cohorts that mix
   populations: on a real 1000 Genomes chrX subset a fifth of the females had F between 0.2
   and 0.8, all with ``het_fraction`` >= 0.34 (see ``bench/simulate_chrx.py``). The other way
   round, one female of that file (NA19332: F 0.87, 6 of 59 non-REF calls heterozygous,
   ``het_fraction`` 0.10) was called male on F alone before issue 12; she is now ambiguous;
4. too few X sites but chrY clearly called -> male (from chrY only).

Which sex is used for interpretation (:func:`compare`): a declared male/female always wins;
a declared sex contradicted by the data is a prominent warning, never a silent override; with no
declared sex a confident inferred male/female is used and labelled as inferred; otherwise the
sex is unknown and interpretations are made for both possibilities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from ipexcli.model import Build, Call, Sex, VariantRecord

if TYPE_CHECKING:
    from ipexcli.genotypes import SampleCalls


@dataclass(frozen=True, slots=True)
class SexThresholds:
    """Every threshold of sex inference, with where its default comes from.

    Sources are listed in ``docs/field-notes.md`` section 4.8 (tags in brackets).
    """

    #: F above this -> XY. plink ``--check-sex`` default male threshold 0.8 [PL1].
    f_male_min: float = 0.8
    #: F below this -> XX. plink ``--check-sex`` default female threshold 0.2 [PL1].
    f_female_max: float = 0.2
    #: het_fraction at or below this -> XY. ngs-bits SampleGender hetx ``-max_male`` 0.05
    #: (2021 releases; older releases used 0.15) [NB1].
    het_fraction_male_max: float = 0.05
    #: het_fraction at or above this -> XX. ngs-bits SampleGender hetx ``-min_female`` 0.25
    #: (2021 releases; older 0.24) [NB1].
    het_fraction_female_min: float = 0.25
    #: fewer informative X sites than this -> "insufficient data". somalier's
    #: ``min_usable_x_sites`` 11 as quoted by a re-implementation (2nd-hand) [SO2].
    min_informative_sites: int = 11
    #: cohort size from which cohort allele frequencies are used and F decides. ipexcli choice:
    #: plink estimates frequencies from the data; below ~10 samples they are too coarse.
    min_samples_for_f: int = 10
    #: at least this many haploid non-PAR X calls ... ipexcli choice (VCF spec: a haploid GT on
    #: non-PAR X means a male; a handful of such calls is already unambiguous coding) [4.7].
    min_haploid_calls: int = 5
    #: ... making up at least this fraction of the sample's called non-PAR X genotypes.
    #: ipexcli choice: tolerates a few diploid calls from a mixed-ploidy pipeline.
    haploid_fraction_min: float = 0.8
    #: chrY call rate at or above this -> Y present. Adapted from somalier ``y_signal_min`` 0.4
    #: (a depth signal there, 2nd-hand) [SO2]; gnomAD sets XX samples missing on Y [GN1].
    y_call_rate_min: float = 0.4
    #: chrY call rate at or below this -> Y absent. ipexcli choice (mis-mapped reads in XX samples
    #: give a few Y calls).
    y_call_rate_absent_max: float = 0.1
    #: fewer non-PAR chrY records in the file than this -> chrY not used. ipexcli choice, mirrors
    #: ``min_informative_sites``.
    min_y_sites: int = 11

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT_THRESHOLDS = SexThresholds()


class InferredSex(str, Enum):
    """The answer of sex inference."""

    MALE = "male"
    FEMALE = "female"
    XXY_LIKE = "XXY-like"
    AMBIGUOUS = "ambiguous"
    INSUFFICIENT = "insufficient data"

    @property
    def as_sex(self) -> Sex | None:
        """The :class:`Sex` this answer confidently supports, else None."""
        return {InferredSex.MALE: Sex.MALE, InferredSex.FEMALE: Sex.FEMALE}.get(self)

    def __str__(self) -> str:
        return self.value


class SexCheck(str, Enum):
    """How the declared sex compares with the inferred one."""

    AGREE = "ok"
    MISMATCH = "MISMATCH"
    ATYPICAL = "atypical"  #: inferred XXY-like
    UNCONFIRMED = "unconfirmed"  #: declared, but the data cannot tell
    UNDECLARED = "undeclared"

    def __str__(self) -> str:
        return self.value


class Method(str, Enum):
    """Which evidence decided the inferred sex."""

    F = "F"
    HET_FRACTION = "het_fraction"
    F_AND_HET = "F+het_fraction"
    HAPLOID = "haploid"
    CHR_Y = "chrY"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class _Tally:
    """Mutable per-sample counters (internal; frozen into :class:`SexEvidence`)."""

    hom_ref: int = 0
    het: int = 0
    hom_alt: int = 0
    hap_ref: int = 0
    hap_alt: int = 0
    missing: int = 0
    partial: int = 0
    other_ploidy: int = 0
    f_n: int = 0
    f_obs_hom: int = 0
    f_exp_hom: float = 0.0
    y_called: int = 0


@dataclass(frozen=True, slots=True)
class SexEvidence:
    """What the genotypes say about one sample's sex. Counts are over non-PAR chrX records."""

    hom_ref: int
    het: int
    hom_alt: int
    haploid_ref: int
    haploid_alt: int
    missing: int
    #: diploid calls with one allele missing (``1/.``, ``0/.``); counted as haploid calls
    #: (pseudo-haploid coding) and included in ``haploid_ref``/``haploid_alt``
    partial: int
    informative_sites: int  #: sites used by the deciding X statistic
    het_fraction: float | None
    het_ratio: float | None  #: peddy's het / hom_alt (hemizygous ALT counted as hom_alt)
    f: float | None  #: plink-style F, when the cohort is large enough
    f_sites: int  #: called sites polymorphic in the cohort (denominator of F)
    y_sites: int  #: non-PAR chrY records in the file
    y_called: int  #: of which the sample has a called genotype
    method: Method
    #: which chrX sites were counted: "whole chrX", or "sampled (N sites)" when windows read
    #: through the index settled the sample (:mod:`ipexcli.sexscan`)
    scan: str = "whole chrX"

    @property
    def haploid(self) -> int:
        return self.haploid_ref + self.haploid_alt

    @property
    def called(self) -> int:
        return self.hom_ref + self.het + self.hom_alt + self.haploid

    @property
    def haploid_fraction(self) -> float | None:
        return self.haploid / self.called if self.called else None

    @property
    def y_call_rate(self) -> float | None:
        return self.y_called / self.y_sites if self.y_sites else None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "informative_sites": self.informative_sites,
            "method": self.method.value,
            "het": self.het,
            "hom_alt": self.hom_alt,
            "hom_ref": self.hom_ref,
            "haploid_ref": self.haploid_ref,
            "haploid_alt": self.haploid_alt,
            "haploid_fraction": _round(self.haploid_fraction),
            "missing": self.missing,
            "partial": self.partial,
            "het_fraction": _round(self.het_fraction),
            "het_ratio": _round(self.het_ratio),
            "f": _round(self.f),
            "f_sites": self.f_sites,
            "y_sites": self.y_sites,
            "y_called": self.y_called,
            "y_call_rate": _round(self.y_call_rate),
            "scan": self.scan,
        }
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True, slots=True)
class SexInference:
    """The inferred sex of one sample, with the evidence and a one-line reason."""

    sample: str
    inferred: InferredSex
    evidence: SexEvidence
    reason: str


@dataclass(frozen=True, slots=True)
class SexCheckResult:
    """Declared versus inferred sex for one sample, and the sex used for interpretation."""

    sample: str
    declared: Sex
    declared_source: str  #: "--sex", "PED", "sample sheet" or "" when not declared
    inference: SexInference
    check: SexCheck
    used: Sex
    used_basis: str  #: "declared", "inferred" or "unknown: both interpretations"
    warnings: tuple[str, ...] = field(default=())

    @property
    def inferred(self) -> InferredSex:
        return self.inference.inferred

    def as_dict(self) -> dict[str, object]:
        """The JSON form: ``id``, ``declared``, ``inferred``, ``evidence`` and the rest."""
        return {
            "id": self.sample,
            "declared": self.declared.value,
            "declared_source": self.declared_source or None,
            "inferred": self.inferred.value,
            "check": self.check.value,
            "mismatch": self.check is SexCheck.MISMATCH,
            "sex_used": self.used.value,
            "sex_used_basis": self.used_basis,
            "reason": self.inference.reason,
            "evidence": self.inference.evidence.as_dict(),
            "warnings": list(self.warnings),
        }


def _slots(calls: Sequence[Call]) -> list[int]:
    """:func:`_classify` of every call, once per distinct Call object (equal sample columns
    share one, e.g. every ``0|1`` of a GT-only record)."""
    seen: dict[int, int] = {}
    slots = []
    for call in calls:
        slot = seen.get(id(call))
        if slot is None:
            slot = seen[id(call)] = _classify(call)
        slots.append(slot)
    return slots


def _classify(call: Call) -> int:
    """Map a call to a counter slot (the ``_HOM_REF`` ... ``_OTHER`` constants below)."""
    alleles = call.alleles
    if len(alleles) == 1:
        a = alleles[0]
        return _MISSING if a is None else (_HAP_ALT if a == 1 else _HAP_REF)
    if len(alleles) != 2:
        return _OTHER if any(a is not None for a in alleles) else _MISSING
    a, b = alleles
    if a is None and b is None:
        return _MISSING
    if a is None or b is None:
        if call.other_alt:  # the missing allele is another ALT of a split record: het
            return _HET
        # one allele missing: pseudo-haploid coding (1000 Genomes/SeqArray write males "1/.")
        return _PART_ALT if (a == 1 or b == 1) else _PART_REF
    if a == b:
        return _HOM_ALT if a == 1 else _HOM_REF
    return _HET


_HOM_REF, _HET, _HOM_ALT, _HAP_REF, _HAP_ALT, _MISSING, _PART_REF, _PART_ALT, _OTHER = range(9)


def non_par_test(build: Build | None) -> Callable[[str, int], bool]:
    """A predicate ``(chrom, pos) -> True`` for 1-based positions outside every PAR of
    ``build`` (of both builds when None), decided by the bundled PAR table.

    >>> test = non_par_test(Build.GRCH38)
    >>> test("X", 49_250_436), test("X", 2_781_479), test("X", 2_781_480)
    (True, False, True)
    """
    from ipexcli import refdata

    assemblies = refdata.load().assemblies
    facts = [assemblies[build]] if build is not None else list(assemblies.values())

    def is_non_par(chrom: str, pos: int) -> bool:
        return not any(f.in_par(chrom, pos) for f in facts)

    return is_non_par


def infer_sexes(
    samples: Sequence[str],
    records: Iterable[VariantRecord],
    build: Build | None,
    thresholds: SexThresholds = DEFAULT_THRESHOLDS,
) -> dict[str, SexInference]:
    """Infer the sex of every sample from chrX (and chrY) records, in one pass.

    ``records`` may contain any chromosome; records on other chromosomes and in a PAR of
    ``build`` (of either build when None) are ignored.

    Cost: records read by :mod:`ipexcli.vcf` (calls as :class:`~ipexcli.genotypes.SampleCalls`)
    cost one step per sample whose GT is not plain REF; the plain-REF columns (nearly all of a
    cohort's) are counted per ploidy pattern and added to every sample once at the end, which
    gives the same counts as classifying every call (:func:`_add_plain_site`). Other sequences
    of calls are classified one by one.
    """
    from ipexcli.genotypes import SampleCalls

    n = len(samples)
    tallies = [_Tally() for _ in range(n)]
    use_f = n >= thresholds.min_samples_for_f
    y_sites = 0
    plain = _PlainRef()
    is_non_par = non_par_test(build)
    for record in records:
        if record.chrom not in ("X", "Y") or not is_non_par(record.chrom, record.pos):
            continue
        calls = record.calls
        if len(calls) != n:
            raise ValueError(
                f"{record.source}: record at {record.chrom}:{record.pos} has {len(calls)} calls "
                f"for {n} samples"
            )
        # counting plain-REF columns per pattern pays when they are most columns (rare
        # variants); with common variants classifying every call is cheaper (same counts)
        sparse = (
            isinstance(calls, SampleCalls)
            and calls.columns.gt_first
            and len(calls.notable()) * 4 < n
        )
        if record.chrom == "Y":
            y_sites += 1
            if sparse:
                assert isinstance(calls, SampleCalls)
                plain.y_sites += 1  # a plain-REF call is a call
                for index, call in calls.notable():
                    if call.is_missing:
                        tallies[index].y_called -= 1
                continue
            for tally, call in zip(tallies, calls, strict=True):
                if not call.is_missing:
                    tally.y_called += 1
            continue
        if sparse:
            assert isinstance(calls, SampleCalls)
            _add_plain_site(tallies, calls, plain, use_f)
            continue
        slots = _slots(calls)
        for tally, slot in zip(tallies, slots, strict=True):
            _bump(tally, slot)
        if use_f:
            _add_f_site(tallies, slots)
    plain.add_to(tallies)
    return {
        sample: decide(sample, _freeze(tally, y_sites, use_f, thresholds), thresholds)
        for sample, tally in zip(samples, tallies, strict=True)
    }


@dataclass(slots=True)
class _PlainRef:
    """What every plain-REF column (GT ``0``, ``0/0``, ``0|0``) adds, counted per record and
    given to every sample at the end (internal to :func:`infer_sexes`)."""

    #: records per ploidy pattern (:meth:`ipexcli.genotypes.SampleColumns.ploidy_pattern`): a
    #: column counts as haploid or homozygous REF by its pattern
    patterns: dict[str, int] = field(default_factory=dict)
    f_n: int = 0
    f_exp_hom: float = 0.0
    y_sites: int = 0

    def count_pattern(self, tallies: list[_Tally], pattern: str) -> None:
        """One more record with ``pattern``: deferred, unless :data:`_MAX_PATTERNS` distinct
        ones are held already (a file whose columns vary in their FORMAT fields from record to
        record): then counted now, so memory stays bounded."""
        if pattern in self.patterns or len(self.patterns) < _MAX_PATTERNS:
            self.patterns[pattern] = self.patterns.get(pattern, 0) + 1
        else:
            _add_plain_pattern(tallies, pattern, 1)

    def add_to(self, tallies: list[_Tally]) -> None:
        for pattern, count in self.patterns.items():
            _add_plain_pattern(tallies, pattern, count)
        if self.f_n or self.y_sites:
            for tally in tallies:
                tally.f_n += self.f_n
                tally.f_obs_hom += self.f_n  # a plain REF call is homozygous (or haploid)
                tally.f_exp_hom += self.f_exp_hom
                tally.y_called += self.y_sites


#: distinct ploidy patterns held back by :class:`_PlainRef` (a cohort has a handful)
_MAX_PATTERNS = 64


def _add_plain_pattern(tallies: list[_Tally], pattern: str, count: int) -> None:
    """``count`` records' plain-REF calls of ``pattern``: haploid or homozygous REF."""
    from ipexcli.genotypes import haploid_columns

    haploid = haploid_columns(pattern)
    for index, tally in enumerate(tallies):
        if index in haploid:
            tally.hap_ref += count
        else:
            tally.hom_ref += count


def _add_plain_site(
    tallies: list[_Tally], calls: SampleCalls, plain: _PlainRef, use_f: bool
) -> None:
    """One chrX site: every column is first counted as plain REF (deferred in ``plain``), then
    each non-plain column's count is moved to the slot of its real call. Same totals as
    :func:`_bump` and :func:`_add_f_site` on every call."""
    from ipexcli.genotypes import haploid_columns

    pattern = calls.columns.ploidy_pattern()
    plain.count_pattern(tallies, pattern)
    haploid = haploid_columns(pattern)
    moved = []
    for index, call in calls.notable():
        tally = tallies[index]
        slot = _classify(call)
        was_haploid = index in haploid
        if was_haploid:
            tally.hap_ref -= 1
        else:
            tally.hom_ref -= 1
        _bump(tally, slot)
        moved.append((tally, slot, was_haploid))
    if not use_f:
        return
    n_haploid = len(haploid)
    plain_alleles = n_haploid + 2 * (len(tallies) - n_haploid)  # every column as plain REF
    plain_alleles -= sum(1 if was_haploid else 2 for _, _, was_haploid in moved)
    expected_hom = _expected_hom((slot for _, slot, _ in moved), plain_alleles)
    if expected_hom is None:
        return
    plain.f_n += 1
    plain.f_exp_hom += expected_hom
    for tally, slot, _ in moved:
        tally.f_n -= 1
        tally.f_obs_hom -= 1
        tally.f_exp_hom -= expected_hom
        if slot in _ALLELES:
            tally.f_n += 1
            tally.f_exp_hom += expected_hom
            if slot != _HET:
                tally.f_obs_hom += 1


def _bump(tally: _Tally, slot: int) -> None:
    if slot == _HOM_REF:
        tally.hom_ref += 1
    elif slot == _HET:
        tally.het += 1
    elif slot == _HOM_ALT:
        tally.hom_alt += 1
    elif slot == _HAP_REF:
        tally.hap_ref += 1
    elif slot == _HAP_ALT:
        tally.hap_alt += 1
    elif slot == _MISSING:
        tally.missing += 1
    elif slot == _PART_REF:
        tally.hap_ref += 1
        tally.partial += 1
    elif slot == _PART_ALT:
        tally.hap_alt += 1
        tally.partial += 1
    else:
        tally.other_ploidy += 1


#: (ALT alleles, total alleles) contributed by each slot to the cohort frequency
_ALLELES = {
    _HOM_REF: (0, 2),
    _HET: (1, 2),
    _HOM_ALT: (2, 2),
    _HAP_REF: (0, 1),
    _HAP_ALT: (1, 1),
    _PART_REF: (0, 1),
    _PART_ALT: (1, 1),
}


def _expected_hom(slots: Iterable[int], ref_alleles: int = 0) -> float | None:
    """Hardy-Weinberg expected homozygosity at a site from the alleles of its calls' ``slots``
    plus ``ref_alleles`` more REF alleles; None for a site monomorphic in the cohort (it says
    nothing about heterozygosity)."""
    alt, total = 0, ref_alleles
    for slot in slots:
        counts = _ALLELES.get(slot)
        if counts is not None:
            alt += counts[0]
            total += counts[1]
    if total == 0 or alt == 0 or alt == total:
        return None
    p = alt / total
    return 1.0 - 2.0 * p * (1.0 - p)


def _add_f_site(tallies: list[_Tally], slots: list[int]) -> None:
    expected_hom = _expected_hom(slots)
    if expected_hom is None:
        return
    for tally, slot in zip(tallies, slots, strict=True):
        if slot in _ALLELES:
            tally.f_n += 1
            tally.f_exp_hom += expected_hom
            if slot != _HET:
                tally.f_obs_hom += 1


def _freeze(
    tally: _Tally, y_sites: int, use_f: bool, thresholds: SexThresholds,
    scan: str = "whole chrX",
) -> SexEvidence:
    homish = tally.hom_alt + tally.hap_alt
    nonref = tally.het + homish
    f = None
    if use_f and tally.f_n >= thresholds.min_informative_sites:
        denominator = tally.f_n - tally.f_exp_hom
        if denominator > 0:
            f = (tally.f_obs_hom - tally.f_exp_hom) / denominator
    if f is not None:
        method, informative = Method.F, tally.f_n
    else:
        method, informative = Method.HET_FRACTION, nonref
    return SexEvidence(
        hom_ref=tally.hom_ref,
        het=tally.het,
        hom_alt=tally.hom_alt,
        haploid_ref=tally.hap_ref,
        haploid_alt=tally.hap_alt,
        missing=tally.missing + tally.other_ploidy,
        partial=tally.partial,
        informative_sites=informative,
        het_fraction=tally.het / nonref if nonref else None,
        het_ratio=tally.het / homish if homish else None,
        f=f,
        f_sites=tally.f_n,
        y_sites=y_sites,
        y_called=tally.y_called,
        method=method,
        scan=scan,
    )


def decide(
    sample: str, evidence: SexEvidence, thresholds: SexThresholds = DEFAULT_THRESHOLDS
) -> SexInference:
    """Turn evidence into an answer (the rules are in the module docstring).

    >>> ev = SexEvidence(hom_ref=50, het=30, hom_alt=20, haploid_ref=0, haploid_alt=0,
    ...     missing=0, partial=0, informative_sites=50, het_fraction=0.6, het_ratio=1.5,
    ...     f=None, f_sites=0, y_sites=0, y_called=0, method=Method.HET_FRACTION)
    >>> decide("s1", ev).inferred
    <InferredSex.FEMALE: 'female'>
    """
    t = thresholds
    x_state, x_reason, x_method = _x_state(evidence, t)
    y_state = _y_state(evidence, t)
    y_text = _y_text(evidence, y_state)
    haploid = (
        evidence.haploid >= t.min_haploid_calls
        and (evidence.haploid_fraction or 0.0) >= t.haploid_fraction_min
    )
    if haploid:
        pseudo = f", {evidence.partial} of them pseudo-haploid x/." if evidence.partial else ""
        hap_text = (
            f"{evidence.haploid} haploid non-PAR X calls "
            f"({100 * (evidence.haploid_fraction or 0):.0f}% of called{pseudo})"
        )
        if x_state == "XX":
            return _inference(
                sample,
                InferredSex.AMBIGUOUS,
                evidence,
                Method.HAPLOID,
                f"{hap_text} but {x_reason}; {y_text}",
            )
        return _inference(
            sample, InferredSex.MALE, evidence, Method.HAPLOID, f"{hap_text}; {y_text}"
        )
    if x_state == "XY":
        return _inference(sample, InferredSex.MALE, evidence, x_method, f"{x_reason}; {y_text}")
    if x_state == "XX":
        if y_state == "present":
            return _inference(
                sample,
                InferredSex.XXY_LIKE,
                evidence,
                x_method,
                f"{x_reason} with {y_text}: an XXY-like pattern (or contamination)",
            )
        return _inference(sample, InferredSex.FEMALE, evidence, x_method, f"{x_reason}; {y_text}")
    if x_state in ("between", "contradictory"):
        if (
            x_state == "between" and y_state == "present"
        ):  # low but inconclusive X heterozygosity plus a called chrY
            return _inference(
                sample, InferredSex.MALE, evidence, Method.CHR_Y, f"{x_reason}; {y_text}"
            )
        return _inference(
            sample, InferredSex.AMBIGUOUS, evidence, x_method, f"{x_reason}; {y_text}"
        )
    if y_state == "present":
        return _inference(sample, InferredSex.MALE, evidence, Method.CHR_Y, f"{x_reason}; {y_text}")
    return _inference(
        sample, InferredSex.INSUFFICIENT, evidence, Method.NONE, f"{x_reason}; {y_text}"
    )


def _inference(
    sample: str,
    inferred: InferredSex,
    evidence: SexEvidence,
    method: Method | None,
    reason: str,
) -> SexInference:
    if method is not None and method is not evidence.method:
        from dataclasses import replace

        evidence = replace(evidence, method=method)
    return SexInference(sample, inferred, evidence, reason)


def _x_state(ev: SexEvidence, t: SexThresholds) -> tuple[str, str, Method]:
    """(state, reason, method) from X heterozygosity; state is "XY", "XX", "between",
    "contradictory" or "insufficient".

    F and het_fraction are judged separately; two conclusive ones must agree (else
    "contradictory"). A conclusive het_fraction wins over an F in between (F alone is noisy
    when few common sites are present or the cohort mixes populations: the Wahlund effect
    raises F in females); a conclusive F decides only when het_fraction has too few sites. A
    het_fraction in between its thresholds keeps the state "between" whatever F says: evidence
    between the male and female thresholds is never turned into a confident call.
    """
    f_state = f_text = None
    if ev.f is not None:
        f_text = f"F={ev.f:.2f} over {ev.f_sites} polymorphic non-PAR X sites"
        if ev.f > t.f_male_min:
            f_state, f_text = "XY", f"{f_text} (> {t.f_male_min})"
        elif ev.f < t.f_female_max:
            f_state, f_text = "XX", f"{f_text} (< {t.f_female_max})"
        else:
            f_state = "between"
            f_text = f"{f_text} (between {t.f_female_max} and {t.f_male_min})"
    nonref = ev.het + ev.hom_alt + ev.haploid_alt
    if nonref < t.min_informative_sites or ev.het_fraction is None:
        h_state = "insufficient"
        h_text = f"only {nonref} informative non-PAR X sites (need {t.min_informative_sites})"
    else:
        h_text = (
            f"{ev.het} of {nonref} non-reference non-PAR X calls heterozygous "
            f"({ev.het_fraction:.2f}"
        )
        if ev.het_fraction <= t.het_fraction_male_max:
            h_state, h_text = "XY", f"{h_text} <= {t.het_fraction_male_max})"
        elif ev.het_fraction >= t.het_fraction_female_min:
            h_state, h_text = "XX", f"{h_text} >= {t.het_fraction_female_min})"
        else:
            h_state = "between"
            h_text = f"{h_text}, between {t.het_fraction_male_max} and {t.het_fraction_female_min})"
    if f_state is None or f_text is None:
        method = Method.NONE if h_state == "insufficient" else Method.HET_FRACTION
        return h_state, h_text, method
    conclusive = ("XY", "XX")
    both = f"{f_text}; {h_text}"
    if f_state in conclusive and h_state in conclusive:
        if f_state == h_state:
            return f_state, both, Method.F_AND_HET
        return "contradictory", f"contradictory: {both}", Method.F_AND_HET
    if f_state in conclusive and h_state == "insufficient":
        return f_state, both, Method.F
    if h_state in conclusive:
        return h_state, both, Method.HET_FRACTION
    if f_state in conclusive:  # het_fraction in between: F alone does not make it confident
        return "between", (
            f"{h_text}; {f_text} alone does not settle a heterozygous fraction in between"
        ), Method.F_AND_HET
    return "between", both, Method.F_AND_HET


def _y_state(ev: SexEvidence, t: SexThresholds) -> str:
    rate = ev.y_call_rate
    if ev.y_sites < t.min_y_sites or rate is None:
        return "unknown"
    if rate >= t.y_call_rate_min:
        return "present"
    if rate <= t.y_call_rate_absent_max:
        return "absent"
    return "unclear"


def _y_text(ev: SexEvidence, state: str) -> str:
    if ev.y_sites == 0:
        return "no chrY records"
    if state == "unknown":
        return f"chrY not used (only {ev.y_sites} non-PAR chrY records)"
    return f"chrY called at {ev.y_called}/{ev.y_sites} non-PAR records ({state})"


def compare(
    inference: SexInference,
    declared: Sex = Sex.UNKNOWN,
    declared_source: str = "",
) -> SexCheckResult:
    """Compare declared with inferred sex and choose the sex used for interpretation.

    >>> from ipexcli.sex import SexEvidence, Method
    >>> ev = SexEvidence(0, 0, 0, 0, 0, 0, 0, 0, None, None, None, 0, 0, 0, Method.NONE)
    >>> inf = SexInference("s1", InferredSex.MALE, ev, "test")
    >>> r = compare(inf, Sex.FEMALE, "PED")
    >>> r.check.value, r.used.value, r.used_basis
    ('MISMATCH', 'female', 'declared')
    """
    inferred = inference.inferred
    warnings: list[str] = []
    if declared is Sex.UNKNOWN:
        check = SexCheck.UNDECLARED
        if inferred.as_sex is not None:
            used, basis = inferred.as_sex, "inferred"
            warnings.append(
                f"{inference.sample}: no declared sex; using inferred {inferred} "
                f"({inference.reason})"
            )
        else:
            used, basis = Sex.UNKNOWN, "unknown: both interpretations"
            warnings.append(
                f"{inference.sample}: sex unknown (not declared, inferred {inferred}: "
                f"{inference.reason}); interpretations are given for both male and female"
            )
    else:
        used, basis = declared, "declared"
        if inferred.as_sex is declared:
            check = SexCheck.AGREE
        elif inferred.as_sex is not None:
            check = SexCheck.MISMATCH
            warnings.append(
                f"SEX MISMATCH: {inference.sample} declared {declared} ({declared_source}) but "
                f"the data look {inferred} ({inference.reason}); the declared sex is used - "
                "check for a sample swap or a PED error"
            )
        elif inferred is InferredSex.XXY_LIKE:
            check = SexCheck.ATYPICAL
            warnings.append(
                f"{inference.sample}: declared {declared} but the data look XXY-like "
                f"({inference.reason}); heterozygous X calls are expected then"
            )
        else:
            check = SexCheck.UNCONFIRMED
            if inferred is InferredSex.AMBIGUOUS:  # issue 12: say why, never stay silent
                warnings.append(
                    f"{inference.sample}: declared {declared} ({declared_source}); the data are "
                    f"ambiguous ({inference.reason}); the declared sex is used, unconfirmed"
                )
    return SexCheckResult(
        sample=inference.sample,
        declared=declared,
        declared_source=declared_source if declared is not Sex.UNKNOWN else "",
        inference=inference,
        check=check,
        used=used,
        used_basis=basis,
        warnings=tuple(warnings),
    )


def merge_declared(
    *sources: tuple[str, Mapping[str, Sex]],
) -> tuple[dict[str, tuple[Sex, str]], list[str]]:
    """Merge declared sexes from several sources, later sources overriding earlier ones.

    Each source is ``(name, {sample: sex})``; ``unknown`` never overrides a known sex. Returns
    ``{sample: (sex, source name)}`` and a warning for every conflict.

    >>> merged, warnings = merge_declared(
    ...     ("PED", {"a": Sex.MALE, "b": Sex.FEMALE}), ("--sex", {"a": Sex.FEMALE}))
    >>> merged["a"], merged["b"]
    ((<Sex.FEMALE: 'female'>, '--sex'), (<Sex.FEMALE: 'female'>, 'PED'))
    >>> warnings
    ['a: declared male in PED but female in --sex; using --sex']
    """
    merged: dict[str, tuple[Sex, str]] = {}
    warnings: list[str] = []
    for name, mapping in sources:
        for sample, sex in mapping.items():
            previous = merged.get(sample)
            if sex is Sex.UNKNOWN and previous is not None:
                continue
            if previous is not None and previous[0] is not Sex.UNKNOWN and previous[0] is not sex:
                warnings.append(
                    f"{sample}: declared {previous[0]} in {previous[1]} but {sex} in {name}; "
                    f"using {name}"
                )
            merged[sample] = (sex, name)
    return merged, warnings


def check_samples(
    inferences: Mapping[str, SexInference],
    declared: Mapping[str, tuple[Sex, str]],
) -> list[SexCheckResult]:
    """:func:`compare` for every inferred sample; ``declared`` maps sample -> (sex, source)."""
    return [
        compare(inference, *declared.get(sample, (Sex.UNKNOWN, "")))
        for sample, inference in inferences.items()
    ]
