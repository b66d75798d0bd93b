"""Value objects shared by every module: builds, sexes, variants, calls and records.

Coordinate conventions (used everywhere in ipexcli):

* ``pos`` is **1-based**, as in VCF ``POS`` (the first base of ``ref``).
* ``start``/``end`` are **0-based half-open**, as in pysam and BED.

Value objects do no I/O. They are frozen and slotted so that they can be shared freely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum


class Build(str, Enum):
    """Reference genome build."""

    GRCH37 = "GRCh37"
    GRCH38 = "GRCh38"

    @classmethod
    def parse(cls, text: str) -> Build:
        """Accept the usual spellings of a build name.

        >>> Build.parse("hg19"), Build.parse("GRCh38"), Build.parse("b37")
        (<Build.GRCH37: 'GRCh37'>, <Build.GRCH38: 'GRCh38'>, <Build.GRCH37: 'GRCh37'>)
        """
        key = text.strip().lower().replace("_", "").replace("-", "")
        if key in _BUILD_NAMES:
            return _BUILD_NAMES[key]
        raise ValueError(f"unknown genome build {text!r}: use GRCh38 (hg38) or GRCh37 (hg19)")

    @property
    def other(self) -> Build:
        return Build.GRCH37 if self is Build.GRCH38 else Build.GRCH38

    def __str__(self) -> str:
        return self.value


_BUILD_NAMES = {
    **{k: Build.GRCH37 for k in ("grch37", "hg19", "b37", "hs37d5", "grch37p13", "37", "ncbi37")},
    **{k: Build.GRCH38 for k in ("grch38", "hg38", "b38", "grch38p14", "grch38p12", "38")},
}


class Sex(str, Enum):
    """A sample's sex as used for X-linked interpretation (chromosomal sex, XX or XY)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, text: str) -> Sex:
        """Accept words and PED codes.

        >>> Sex.parse("M"), Sex.parse("2"), Sex.parse("0")
        (<Sex.MALE: 'male'>, <Sex.FEMALE: 'female'>, <Sex.UNKNOWN: 'unknown'>)
        """
        key = text.strip().lower()
        if key in ("male", "m", "1", "xy"):
            return cls.MALE
        if key in ("female", "f", "2", "xx"):
            return cls.FEMALE
        if key in ("unknown", "u", "0", "-9", "other", ".", ""):
            return cls.UNKNOWN
        raise ValueError(f"unknown sex {text!r}: use male, female or unknown (PED: 1, 2, 0)")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class GenomicVariant:
    """One alternate allele at a chrX (or chrY) position of one build.

    ``pos`` is 1-based (VCF ``POS``); ``ref`` and ``alt`` are upper-case bases on the + strand.
    Indels may carry a shared anchor base as in VCF, or none once trimmed (then ``ref`` or
    ``alt`` is empty and ``pos`` is the first deleted base, or the base after an insertion).
    """

    build: Build
    pos: int  #: 1-based position of the first base of ``ref``
    ref: str
    alt: str
    chrom: str = "X"  #: canonical chromosome name: "X" or "Y"

    @property
    def start(self) -> int:
        """0-based start of ``ref`` (half-open)."""
        return self.pos - 1

    @property
    def end(self) -> int:
        """0-based half-open end of ``ref``."""
        return self.pos - 1 + len(self.ref)

    def __str__(self) -> str:
        return f"{self.chrom}-{self.pos}-{self.ref or '-'}-{self.alt or '-'} ({self.build})"


@dataclass(frozen=True, slots=True)
class Call:
    """One sample's genotype at one (split, single-ALT) record. Never rewritten.

    ``alleles`` holds allele indexes relative to the split record: 0 = REF, 1 = this record's ALT,
    ``None`` = missing or an allele that belongs to another ALT of a multi-allelic record (so
    ``1/2`` becomes ``(1, None)`` for the first ALT and ``(None, 1)`` for the second, never
    ``1/0``). ``raw_gt`` keeps the genotype exactly as the file wrote it.
    """

    alleles: tuple[int | None, ...]
    phased: bool = False
    raw_gt: str = "."
    #: allele depths (REF, this ALT) after splitting; None where the file has no AD
    ad: tuple[int | None, int | None] | None = None
    dp: int | None = None
    gq: int | None = None
    #: True when one of the missing alleles is another ALT of a multi-allelic record
    other_alt: bool = False
    #: FORMAT/PS (phase set) as written; None when absent or ``.``. Phased genotypes of one
    #: sample with equal PS, or all without PS, are in one phase set (:mod:`ipexcli.phase`)
    ps: str | None = None

    @property
    def ploidy(self) -> int:
        return len(self.alleles)

    @property
    def is_missing(self) -> bool:
        return all(a is None for a in self.alleles)

    @property
    def alt_count(self) -> int:
        """Number of copies of this record's ALT in the genotype."""
        return sum(1 for a in self.alleles if a == 1)

    @property
    def allele_balance(self) -> float | None:
        """ALT depth / (REF + ALT depth), or None without usable AD."""
        if self.ad is None or self.ad[0] is None or self.ad[1] is None:
            return None
        total = self.ad[0] + self.ad[1]
        return None if total == 0 else self.ad[1] / total


@dataclass(frozen=True, slots=True)
class VariantRecord:
    """One VCF record for one ALT allele (multi-allelic records are split), as read.

    ``pos`` is 1-based (VCF ``POS``); ``contig`` is the name the file used and ``chrom`` its
    canonical name ("X" or "Y"). ``calls`` are in the order of the file's samples.
    """

    source: str  #: path of the file (or "-" for stdin)
    line: int | None  #: 1-based line number in the (decompressed) file, when known
    contig: str
    chrom: str
    pos: int
    ref: str
    alt: str
    alt_index: int = 1  #: 1-based index of ``alt`` in the original record's ALT list
    n_alts: int = 1
    id: str | None = None
    qual: float | None = None
    filters: tuple[str, ...] = ()  #: () when FILTER is '.', ("PASS",) when it passed
    info: tuple[tuple[str, str], ...] = ()  #: selected INFO fields as (key, raw value text)
    #: one per sample: a tuple, or the reader's :class:`ipexcli.genotypes.SampleCalls`
    calls: Sequence[Call] = ()
    flags: tuple[str, ...] = field(default=())  #: ingestion flags, e.g. "REF_MISMATCH"

    @property
    def start(self) -> int:
        """0-based start of ``ref`` (half-open)."""
        return self.pos - 1

    def info_value(self, key: str) -> str | None:
        for name, value in self.info:
            if name == key:
                return value
        return None


class Significance(str, Enum):
    """A clinical classification, in ClinVar/ACMG vocabulary (germline).

    ``Pathogenic/Likely pathogenic`` (ClinVar's aggregate) has its own member; use
    :attr:`is_pathogenic` when P, LP and P/LP are to be treated alike.
    """

    PATHOGENIC = "Pathogenic"
    PATHOGENIC_LIKELY_PATHOGENIC = "Pathogenic/Likely pathogenic"
    LIKELY_PATHOGENIC = "Likely pathogenic"
    UNCERTAIN = "Uncertain significance"
    CONFLICTING = "Conflicting classifications of pathogenicity"
    LIKELY_BENIGN = "Likely benign"
    BENIGN_LIKELY_BENIGN = "Benign/Likely benign"
    BENIGN = "Benign"
    OTHER = "other"
    NOT_CLASSIFIED = "not classified"

    @classmethod
    def parse(cls, text: str) -> Significance:
        """Map ClinVar/UniProt wording (spaces or underscores, any case) to a member.

        >>> Significance.parse("Pathogenic/Likely_pathogenic").name
        'PATHOGENIC_LIKELY_PATHOGENIC'
        >>> Significance.parse("Likely pathogenic/Pathogenic").name
        'PATHOGENIC_LIKELY_PATHOGENIC'
        >>> Significance.parse("Conflicting interpretations of pathogenicity").name
        'CONFLICTING'
        >>> Significance.parse("").name
        'NOT_CLASSIFIED'
        """
        key = text.strip().replace("_", " ").lower()
        if not key or key in ("not provided", "no classification provided", "-"):
            return cls.NOT_CLASSIFIED
        if key.startswith("conflicting"):
            return cls.CONFLICTING
        parts = {p.strip() for p in key.split("/")}
        if parts == {"pathogenic", "likely pathogenic"}:
            return cls.PATHOGENIC_LIKELY_PATHOGENIC
        if parts == {"benign", "likely benign"}:
            return cls.BENIGN_LIKELY_BENIGN
        for member in cls:
            if member.value.lower() == key:
                return member
        if key in ("vus", "uncertain", "uncertain significance"):
            return cls.UNCERTAIN
        return cls.OTHER

    @property
    def is_pathogenic(self) -> bool:
        """Pathogenic, Likely pathogenic or the P/LP aggregate."""
        return self in (
            Significance.PATHOGENIC,
            Significance.PATHOGENIC_LIKELY_PATHOGENIC,
            Significance.LIKELY_PATHOGENIC,
        )

    @property
    def is_benign(self) -> bool:
        return self in (
            Significance.BENIGN,
            Significance.BENIGN_LIKELY_BENIGN,
            Significance.LIKELY_BENIGN,
        )

    def __str__(self) -> str:
        return self.value
