"""What reading a VCF skipped, and how: :class:`SkipReason`, :class:`IngestStats`.

Every record (or ALT allele) the reader does not turn into a
:class:`~ipexcli.model.VariantRecord` is counted here under a named reason, so that nothing is
dropped silently. Line numbers are 1-based lines of the file (header lines included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ipexcli.model import Build

#: how many skipped records are kept as examples
MAX_EXAMPLES = 20


class SkipReason(str, Enum):
    """Why a record (or one ALT allele of it) was not turned into a VariantRecord."""

    MALFORMED_COLUMNS = "malformed_columns"  #: wrong number of TAB-separated columns
    MALFORMED_POS = "malformed_pos"
    MALFORMED_REF = "malformed_ref"
    MALFORMED_ALT = "malformed_alt"
    MALFORMED_QUAL = "malformed_qual"
    MALFORMED_GENOTYPE = "malformed_genotype"  #: GT not parseable or allele index > ALT count
    NO_ALT = "no_alt"  #: ALT is '.': a reference-only site
    GVCF_REFERENCE_BLOCK = "gvcf_reference_block"  #: the only ALT is <NON_REF> or <*>
    NON_REF_ALLELE = "non_ref_allele"  #: a <NON_REF>/<*> ALT beside real ones (dropped)
    SPANNING_DELETION = "spanning_deletion_allele"  #: ALT '*' (dropped)
    SYMBOLIC_ALLELE = "symbolic_allele"  #: <DEL>, <DUP>, <INS:ME>, ... (dropped)
    BREAKEND = "breakend_allele"  #: N[chr:pos[ style ALT (dropped)
    REF_NOT_ACGT = "ref_not_acgt"  #: REF holds N or another IUPAC code
    ALT_NOT_ACGT = "alt_not_acgt"  #: ALT holds N or another IUPAC code (dropped)
    NOT_PASS = "filtered_not_pass"  #: FILTER is not PASS and pass_only was asked for

    def __str__(self) -> str:
        return self.value


#: #15: the reasons that mean a record could not be *read* (damage), as opposed to a record read
#: and deliberately not annotated (a reference block, a symbolic ALT, FILTER with --pass-only);
#: damage inside the FOXP3 locus is warned about and fails ``--fail-on`` (``--allow-skipped``)
DAMAGE = frozenset({
    SkipReason.MALFORMED_COLUMNS,
    SkipReason.MALFORMED_POS,
    SkipReason.MALFORMED_REF,
    SkipReason.MALFORMED_ALT,
    SkipReason.MALFORMED_QUAL,
    SkipReason.MALFORMED_GENOTYPE,
})

#: SkipReason -> its value (``.value`` is slow in a hot loop)
REASON_NAMES = {reason: reason.value for reason in SkipReason}


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """One example of a skipped record; ``line`` is 1-based, None when not known."""

    source: str
    line: int | None
    reason: SkipReason
    detail: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "record"
        return f"{self.source}: {where}: {self.reason.value}: {self.detail}"


@dataclass(slots=True)
class IngestStats:
    """What happened while reading the FOXP3 region (``chrom_*`` fields: chrX/chrY requests).

    ``records_read`` counts the records parsed (lines on chrX near FOXP3, both builds' windows);
    lines elsewhere are not parsed at all. ``skipped`` counts per :class:`SkipReason` value; an
    ALT-level reason counts once per dropped ALT.
    """

    records_read: int = 0
    records_in_region: int = 0  #: records overlapping the decided build's FOXP3 window
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_examples: list[SkippedRecord] = field(default_factory=list)
    ref_mismatches: int = 0
    region_method: str = ""  #: "index", "bgzf-bisection" or "stream"
    contig_name: str | None = None  #: the file's name for chrX ("chrX", "X", "NC_000023.11"...)
    header_build_hint: Build | None = None
    notes: list[str] = field(default_factory=list)  #: e.g. why a faster method was not used
    chrom_records_read: int = 0
    chrom_skipped: dict[str, int] = field(default_factory=dict)
    #: #15: damaged records (:data:`DAMAGE`) inside the decided build's FOXP3 locus, each
    #: "FILE: line N: reason: detail" (every one, not only the first examples)
    locus_damaged: list[str] = field(default_factory=list)
    #: #15: the method that read the FOXP3 locus (``region_method`` may change afterwards, when
    #: the whole chrX/chrY is read for sex inference)
    locus_method: str = ""
    #: #15: every record line of the file, when a pass over the whole file counted them
    records_total: int | None = None

    def count(self, reason: SkipReason, source: str, line: int | None, detail: str) -> None:
        name = REASON_NAMES[reason]
        self.skipped[name] = self.skipped.get(name, 0) + 1
        if len(self.skipped_examples) < MAX_EXAMPLES:
            self.skipped_examples.append(SkippedRecord(source, line, reason, detail))

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def not_validated(self, path: str) -> str:
        """#15: the one line saying that the file was not validated as a whole ("" when every
        record was read)."""
        how = f"`bcftools view {path} > /dev/null` validates every record"
        if self.records_total is None:
            return (f"{path}: not validated as a whole: records outside the FOXP3 windows were "
                    f"not read (read through {self.locus_method or self.region_method}); {how}")
        unchecked = max(0, self.records_total - self.records_read)
        if not unchecked:
            return ""
        return (f"{path}: not validated as a whole: {unchecked} record(s) outside the FOXP3 "
                f"windows were not checked (chrX/chrY genotypes only as sex inference needs); "
                f"{how}")
