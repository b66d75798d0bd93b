"""Deciding a VCF's genome build (GRCh37 or GRCh38): pure logic, no I/O.

Two kinds of evidence are weighed:

1. **Header hints** (:func:`header_hint`): the chrX/chrY lengths in ``##contig`` lines (compared
   with the bundled assembly facts), RefSeq accessions used as contig names (``NC_000023.11`` is
   GRCh38, ``NC_000023.10`` GRCh37), ``assembly=`` attributes of ``##contig`` lines and the
   ``##reference``/``##assembly`` lines (file names such as ``hs37d5.fa`` or
   ``Homo_sapiens_assembly38.fasta``).
2. **REF agreement** (:class:`RefTally`): the REF alleles of records inside the bundled FOXP3
   window of each build, compared with that build's bundled sequence. The two windows are about
   143 kb apart on chrX, so a record can only be in one of them.

:func:`decide` combines them (see its docstring for the rules). A header that names one build
while the REF alleles agree with the other is a *mismatch*: such a file is not annotated unless
the user overrides the build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ipexcli.model import Build

#: matched REF bases needed before REF agreement alone may name a build (a single SNV REF
#: matches the wrong build by chance about one time in four; three bases about 1 in 60)
MIN_MATCHED_BASES = 3
#: largest share of mismatching REF alleles still called "agreement"
MAX_MISMATCH_SHARE = 0.1

_BUILD_WORDS = {
    Build.GRCH38: re.compile(
        r"grch38|hg38|hs38|b38|assembly38|gca_000001405\.(1[5-9]|2\d)|gcf_000001405\.(2[6-9]|[34]\d)"
    ),
    Build.GRCH37: re.compile(
        r"grch37|hg19|hs37|b37|g1k_v37|1kg_v37|assembly19|gca_000001405\.([1-9]|1[0-4])\b"
        r"|gcf_000001405\.(1[3-9]|2[0-5])\b"
    ),
}
#: builds we do not support, recognised so that the message can say so
_OTHER_WORDS = re.compile(r"ncbi36|hg18|b36|chm13|t2t|hs1\b")
#: chrX lengths of unsupported builds (NCBI36/hg18 and T2T-CHM13v2.0)
_OTHER_X_LENGTHS = {154913754: "NCBI36/hg18", 154259566: "T2T-CHM13"}


def build_in_text(text: str) -> tuple[Build | None, str | None]:
    """The build a free-text reference/assembly name points to, and any unsupported build named.

    >>> build_in_text("file:///ref/hs37d5.fa.gz")
    (<Build.GRCH37: 'GRCh37'>, None)
    >>> build_in_text("Homo_sapiens_assembly38.fasta")
    (<Build.GRCH38: 'GRCh38'>, None)
    >>> build_in_text("hg18.fa")
    (None, 'hg18')
    """
    low = text.lower()
    found = [b for b, pattern in _BUILD_WORDS.items() if pattern.search(low)]
    other = _OTHER_WORDS.search(low)
    if len(found) == 1:
        return found[0], None
    return None, other.group(0) if other else None


@dataclass(frozen=True, slots=True)
class HeaderHint:
    """What the header says about the build.

    ``build`` is None when the header says nothing usable or contradicts itself
    (``conflict``); ``evidence`` lists each clue in words.
    """

    build: Build | None
    evidence: tuple[str, ...] = ()
    conflict: bool = False


def header_hint(
    contigs: Sequence[tuple[str, int | None, str | None]],
    lengths: Mapping[Build, Mapping[str, int]],
    accessions: Mapping[Build, Mapping[str, str]],
    aliases: Mapping[str, str],
    reference: Sequence[str] = (),
    assembly: Sequence[str] = (),
) -> HeaderHint:
    """Weigh the build clues of a VCF header.

    ``contigs`` are ``(ID, length or None, assembly attribute or None)`` of the ``##contig``
    lines (or of contig names seen in records, without length); ``lengths``/``accessions`` are the
    bundled chrX/chrY facts per build and ``aliases`` maps contig names to "X"/"Y".
    ``reference``/``assembly`` are the values of ``##reference`` and ``##assembly`` lines.
    """
    votes: dict[Build, list[str]] = {Build.GRCH37: [], Build.GRCH38: []}
    notes: list[str] = []
    for name, length, contig_assembly in contigs:
        chrom = aliases.get(name) or aliases.get(name.lower())
        if chrom is None:
            continue
        for build in Build:
            if accessions[build].get(chrom) == name:
                votes[build].append(f"contig name {name} is the {build} accession")
        if length is not None:
            matched = [b for b in Build if lengths[b].get(chrom) == length]
            for build in matched:
                votes[build].append(f"##contig {name} length {length:,} is chr{chrom} of {build}")
            if not matched:
                other = _OTHER_X_LENGTHS.get(length) if chrom == "X" else None
                what = f" ({other}, not supported)" if other else ""
                notes.append(f"##contig {name} length {length:,} matches neither build{what}")
        if contig_assembly:
            named, other = build_in_text(contig_assembly)
            if named is not None:
                votes[named].append(f"##contig {name} assembly={contig_assembly}")
            elif other:
                notes.append(f"##contig {name} assembly={contig_assembly} ({other}, not supported)")
    for kind, values in (("##reference", reference), ("##assembly", assembly)):
        for value in values:
            named, other = build_in_text(value)
            if named is not None:
                votes[named].append(f"{kind}={value}")
            elif other:
                notes.append(f"{kind}={value} names {other} (not supported)")
    voted = [b for b in Build if votes[b]]
    evidence = tuple(votes[Build.GRCH38] + votes[Build.GRCH37] + notes)
    if len(voted) == 1:
        return HeaderHint(voted[0], evidence)
    return HeaderHint(None, evidence, conflict=len(voted) == 2)


@dataclass(frozen=True, slots=True)
class WindowTally:
    """REF agreement of the records inside one build's bundled window."""

    matched: int = 0  #: records whose REF equals the bundled sequence
    mismatched: int = 0
    matched_bases: int = 0  #: total length of the matching REF alleles

    @property
    def total(self) -> int:
        return self.matched + self.mismatched

    @property
    def agrees(self) -> bool:
        """Enough matching bases and few mismatches to say "this build"."""
        return (
            self.matched_bases >= MIN_MATCHED_BASES
            and self.mismatched <= MAX_MISMATCH_SHARE * self.total
        )

    @property
    def disagrees(self) -> bool:
        """More mismatches than sequencing/normalisation noise explains."""
        return self.mismatched > 0 and self.mismatched > MAX_MISMATCH_SHARE * self.total

    def describe(self, build: Build) -> str:
        return (
            f"{self.matched} of {self.total} REF allele(s) in the {build} FOXP3 window "
            f"match the bundled {build} sequence"
        )


@dataclass(frozen=True, slots=True)
class RefTally:
    """Per-build REF agreement (see :class:`WindowTally`)."""

    grch38: WindowTally = WindowTally()
    grch37: WindowTally = WindowTally()

    def of(self, build: Build) -> WindowTally:
        return self.grch38 if build is Build.GRCH38 else self.grch37


@dataclass(frozen=True, slots=True)
class BuildDecision:
    """The build used for a file, and why.

    ``build`` is None when it cannot be decided (then ``message`` says what to do).
    ``mismatch`` is True when the header (or the user) names one build while the REF alleles
    agree with the other or clearly disagree with the named one.
    """

    build: Build | None
    method: str  #: "user", "header", "header+ref", "ref" or "undecided"
    evidence: tuple[str, ...] = ()
    mismatch: bool = False
    message: str = ""
    #: a doubt too weak for a mismatch, shown as a warning (e.g. records only in the other
    #: build's window, too few to decide)
    warning: str = ""


def decide(hint: HeaderHint, tally: RefTally, override: Build | None = None) -> BuildDecision:
    """Combine header hints, REF agreement and a user override.

    Rules, in order:

    * ``override`` wins; ``mismatch`` is still reported when the REF alleles contradict it.
    * Header names build H: if H's window disagrees with the bundled sequence, or H's window does
      not agree while the other build's window does, it is a **mismatch** (``build`` None).
      Otherwise H (method ``header+ref`` when H's window agrees, else ``header``).
    * No usable header: the build whose window agrees while the other does not (method ``ref``);
      anything else is undecided.

    >>> from ipexcli.model import Build
    >>> said38 = HeaderHint(Build.GRCH38, ("##reference=hg38.fa",))
    >>> is37 = RefTally(grch37=WindowTally(matched=3, matched_bases=4))
    >>> d = decide(said38, is37)
    >>> d.build, d.mismatch
    (None, True)
    >>> decide(HeaderHint(None), is37).build
    <Build.GRCH37: 'GRCh37'>
    """
    evidence = list(hint.evidence)
    for build in (Build.GRCH38, Build.GRCH37):
        if tally.of(build).total:
            evidence.append(tally.of(build).describe(build))
    evidence_t = tuple(evidence)

    def contradicted(build: Build) -> bool:
        own, other = tally.of(build), tally.of(build.other)
        return own.disagrees or (not own.agrees and other.agrees)

    if override is not None:
        if contradicted(override):
            return BuildDecision(
                override,
                "user",
                evidence_t,
                mismatch=True,
                message=(
                    f"using {override} as requested, but the REF alleles do not fit it "
                    f"({_ref_summary(tally)}); expect REF_MISMATCH flags"
                ),
            )
        return BuildDecision(override, "user", evidence_t, message=f"{override} (as requested)")
    if hint.build is not None:
        named = hint.build
        if contradicted(named):
            fits = tally.of(named.other).agrees
            why = (
                f"the REF alleles match {named.other} instead"
                if fits
                else f"the REF alleles disagree with the {named} sequence"
            )
            return BuildDecision(
                None,
                "undecided",
                evidence_t,
                mismatch=True,
                message=(
                    f"build mismatch: the header says {named} but {why} ({_ref_summary(tally)}); "
                    f"the positions are probably {named.other if fits else 'from another build'} "
                    f"coordinates labelled {named}. Check the file's origin, or pass "
                    f"--build {named.other if fits else named} to force a build"
                ),
            )
        method = "header+ref" if tally.of(named).agrees else "header"
        own, other = tally.of(named), tally.of(named.other)
        warning = ""
        if own.total == 0 and other.total and not other.mismatched:
            warning = (
                f"no record in the {named} FOXP3 window, but {other.matched} record(s) in the "
                f"{named.other} window match the {named.other} sequence (too few to call a "
                f"build mismatch): are these {named.other} coordinates? Try --build "
                f"{named.other}"
            )
        return BuildDecision(
            named, method, evidence_t, message=f"{named} (from the header)", warning=warning
        )
    fitting = [b for b in Build if tally.of(b).agrees and not tally.of(b.other).agrees]
    if len(fitting) == 1 and not tally.of(fitting[0]).disagrees:
        build = fitting[0]
        return BuildDecision(
            build, "ref", evidence_t, message=f"{build} (from REF agreement; no header clue)"
        )
    why = "the header contradicts itself" if hint.conflict else "the header names no build"
    unsupported = [e for e in hint.evidence if "not supported" in e]
    if unsupported:
        why += f" ({'; '.join(unsupported)})"
    seen = _ref_summary(tally) if tally.grch37.total or tally.grch38.total else "no REF evidence"
    return BuildDecision(
        None,
        "undecided",
        evidence_t,
        message=(
            f"cannot tell the genome build: {why} and the REF alleles are not conclusive "
            f"({seen}). Pass --build GRCh38 or --build GRCh37"
        ),
    )


def _ref_summary(tally: RefTally) -> str:
    parts = []
    for build in (Build.GRCH38, Build.GRCH37):
        window = tally.of(build)
        parts.append(f"{build} window: {window.matched}/{window.total} REF match")
    return ", ".join(parts)
