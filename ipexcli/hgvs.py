"""HGVS names: format and parse ``g.``, ``c.`` and ``p.`` descriptions of FOXP3 variants.

Formatting follows the HGVS recommendations: the 3' rule (the caller passes alleles already
shifted 3' on the sequence being described: chrX + strand for ``g.``, the transcript for ``c.``),
``del``/``dup``/``ins``/``delins`` without redundant bases, three-letter amino acids, predicted
protein changes in parentheses, and ``Ter`` for a stop everywhere in the three-letter form,
including the new stop of a frameshift or extension (``p.(Arg397GlyfsTer12)``,
``p.(Ter432GlnextTer?)``, as VEP and ClinVar write them; ``*`` belongs to the one-letter form).

Parsing accepts ``NC_000023.11:g.49251441G>A``, ``NM_014009.4:c.1189C>T``, ``c.816+2T>A``,
legacy ``c.750_752delGGA`` / ``c.1117_1118delTTinsGC``, ``chrX:49251441:G:A``, ``X-49251441-G-A``,
``p.R397W``, ``p.Arg397Trp``, ``p.(Arg397Trp)``; a ``c.``/``g.`` name is mapped to VCF-normalised
alleles in both builds, a ``p.`` name to every ``c.`` SNV that produces it.

>>> from ipexcli.refdata import load
>>> data = load()
>>> parsed = parse("NM_014009.4:c.1189C>T", data)
>>> {str(b): (v.pos, v.ref, v.alt) for b, v in sorted(parsed.alleles.items())}
{'GRCh37': (49107902, 'G', 'A'), 'GRCh38': (49251441, 'G', 'A')}
>>> [str(c) for c in parse("p.R397W", data).candidates]
['c.1189C>T']
>>> parse("c.750_752delGGA", data).c_name
'c.751_753del'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from ipexcli.consequence import CodingChange
from ipexcli.errors import HgvsParseError, OutOfLocusError
from ipexcli.model import Build, GenomicVariant
from ipexcli.normalize import Shift, minimal, normalize_vcf, trim
from ipexcli.refdata import Locus, RefData
from ipexcli.sequtils import AA1, AA3, CODON_TABLE, reverse_complement, three_letter
from ipexcli.transcript import CdsPosition, TranscriptMap, lift, lift_variant, transcript_map

#: RefSeq chrX accessions per build
CHROM_ACCESSION = {Build.GRCH38: "NC_000023.11", Build.GRCH37: "NC_000023.10"}


def build_dependent_introns(data: RefData) -> frozenset[int]:
    """Numbers of the transcript's introns whose length differs between GRCh37 and GRCh38
    (introns 1 and 6 of NM_014009.4 in the bundled data): an intronic ``c.`` offset there names
    a different base in each build."""
    lengths = []
    for build in (Build.GRCH37, Build.GRCH38):
        exons = sorted(data.transcript(build).exons, key=lambda e: e.number)
        lengths.append({
            first.number: max(second.start - first.end, first.start - second.end)
            for first, second in itertools.pairwise(exons)
        })
    return frozenset(n for n, length in lengths[0].items() if lengths[1].get(n) != length)


_C_SPAN = re.compile(r"c\.(?P<a>[*-]?\d+[+-]?\d*)(?:_(?P<b>[*-]?\d+[+-]?\d*))?")


def c_reference(data: RefData, build: Build, c_text: str, intron: str | None) -> str:
    """The reference part of a ``c.`` name: ``NM_014009.4``, or with its genomic reference,
    ``NC_000023.11(NM_014009.4)``, when the name depends on the build: an intronic offset in an
    intron whose length differs between the builds (:func:`build_dependent_introns`) that names
    another base in the other build than this base lifted there (or no base at all).

    >>> from ipexcli.refdata import load
    >>> data = load()
    >>> c_reference(data, Build.GRCH38, "c.-23+2877C>A", "1/11")  # rs3761548
    'NC_000023.11(NM_014009.4)'
    >>> c_reference(data, Build.GRCH38, "c.-22-902A>G", "1/11")  # rs2232365: same in both
    'NM_014009.4'
    >>> c_reference(data, Build.GRCH38, "c.1189C>T", None)
    'NM_014009.4'
    """
    tx = data.transcript(build).id
    if not intron:
        return tx
    span = intron.split("/", 1)[0]
    low, _, high = span.partition("-")
    if not set(range(int(low), int(high or low) + 1)) & build_dependent_introns(data):
        return tx
    found = _C_SPAN.match(c_text)
    if found is None:
        return tx
    here, there = transcript_map(data, build), transcript_map(data, build.other)
    for text in filter(None, (found["a"], found["b"])):
        position = CdsPosition.parse(text)
        if not position.offset:
            continue
        try:
            elsewhere: int | None = there.genomic_pos(position)
        except OutOfLocusError:
            elsewhere = None
        if elsewhere is None or lift(data, build, here.genomic_pos(position),
                                     build.other) != elsewhere:
            return f"{CHROM_ACCESSION[build]}({tx})"
    return tx
    span = intron.split("/", 1)[0]
    low, _, high = span.partition("-")
    numbers = set(range(int(low), int(high or low) + 1))
    if numbers & build_dependent_introns(data):
        return f"{CHROM_ACCESSION[build]}({tx})"
    return tx


# -- nucleotide descriptions ------------------------------------------------------------------


def describe_edit(
    seq: str, start: int, end: int, ref: str, alt: str, name: Callable[[int], str]
) -> str:
    """The edit part of a nucleotide description (``1189C>T``, ``751_753del``, ``-5dup``...).

    Works in any oriented coordinate space: ``seq`` is the sequence, ``[start, end)`` the
    0-based half-open span of ``ref`` (empty for an insertion before ``start``) and ``name(i)``
    the HGVS position string of 0-based index ``i``. Alleles must be trimmed and 3'-shifted.

    >>> describe_edit("AACAGT", 4, 4, "", "CA", lambda i: str(i + 1))
    '3_4dup'
    >>> describe_edit("AACAGT", 2, 3, "C", "T", lambda i: str(i + 1))
    '3C>T'
    """
    if ref and alt:
        if len(ref) == len(alt) == 1:
            return f"{name(start)}{ref}>{alt}"
        return f"{_span(start, end - 1, name)}delins{alt}"
    if ref:
        return f"{_span(start, end - 1, name)}del"
    n = len(alt)
    if start - n >= 0 and seq[start - n : start] == alt:
        return f"{_span(start - n, start - 1, name)}dup"
    return f"{name(start - 1)}_{name(start)}ins{alt}"


def _span(first: int, last: int, name: Callable[[int], str]) -> str:
    return name(first) if first == last else f"{name(first)}_{name(last)}"


def format_g(variant: GenomicVariant, data: RefData) -> str:
    """``NC_000023.x:g.`` name; the variant is trimmed and shifted 3' on the + strand here."""
    locus = data.locus(variant.build)
    v = minimal(variant, locus, Shift.RIGHT)
    edit = describe_edit(
        locus.sequence, v.start - locus.start, v.end - locus.start, v.ref, v.alt,
        lambda i: str(i + locus.start + 1),
    )
    return f"{CHROM_ACCESSION[variant.build]}:g.{edit}"


def hgvs_shift_view(
    tmap: TranscriptMap, locus: Locus, variant: GenomicVariant
) -> tuple[int, int, str]:
    """Trim ``variant`` and shift it 3' along the transcript; return its view span and alt.

    The shift follows the genomic sequence in the transcript's 5'->3' direction and may cross an
    exon/intron boundary (as VEP's ``--shift_hgvs`` does); on the minus strand it is the same as
    VCF left-alignment on chrX.
    """
    v = minimal(variant, locus, Shift.LEFT if tmap.minus else Shift.RIGHT)
    vs, ve = tmap.to_view_span(v.start, v.end)
    alt = reverse_complement(v.alt) if tmap.minus else v.alt
    return vs, ve, alt


def format_c(tmap: TranscriptMap, view_start: int, view_end: int, alt: str) -> str:
    """``c.`` edit (without accession) of a trimmed, 3'-shifted change in view coordinates."""
    ref = tmap.view_seq[view_start:view_end]
    return "c." + describe_edit(
        tmap.view_seq, view_start, view_end, ref, alt, lambda i: tmap.view_c_position(i).text()
    )


# -- protein descriptions ---------------------------------------------------------------------


def _aa(residue: str, position: int) -> str:
    return f"{AA3[residue]}{position}"


def format_p(change: CodingChange) -> str:
    """The predicted protein change ``p.(...)`` of a coding :class:`CodingChange`.

    Substitution, nonsense (``Ter``), synonymous (``=``), deletion, duplication, insertion,
    deletion-insertion, frameshift (``fsTerN``/``fsTer?``), extension (``extTerN``/``extTer?``)
    and start loss (``p.(Met1?)``). ``N`` counts as HGVS does: for a frameshift the first
    changed residue is 1 and the new stop is N; for an extension the residue replacing the stop
    is 0.
    """
    ref, alt, i = change.ref_protein, change.alt_protein, change.prefix
    if not change.start_intact:
        return "p.(Met1?)"
    if ref == alt:
        k = change.first_residue
        return f"p.({_aa(ref[k - 1], k)}=)"
    stop_at = alt.find("*")
    if change.frameshift:
        if alt[i] == "*":
            return f"p.({_aa(ref[i], i + 1)}Ter)"
        if ref[i] == "*":
            length = "?" if stop_at < 0 else str(stop_at - i)
            return f"p.({_aa('*', i + 1)}{AA3[alt[i]]}extTer{length})"
        length = "?" if stop_at < 0 else str(stop_at - i + 1)
        return f"p.({_aa(ref[i], i + 1)}{AA3[alt[i]]}fsTer{length})"
    if ref[i] == "*" and change.stop_lost:  # in-frame change of the stop codon
        length = "?" if stop_at < 0 else str(stop_at - i)
        return f"p.({_aa('*', i + 1)}{AA3[alt[i]]}extTer{length})"
    if change.premature_stop and alt[i] == "*":
        return f"p.({_aa(ref[i], i + 1)}Ter)"
    rp, ap = change.ref_peptide, change.alt_peptide
    first = _aa(ref[i], i + 1)
    if change.premature_stop:  # a stop gained inside a deletion-insertion
        last = max(change.last_residue, i + 1)
        span = first if last == i + 1 else f"{first}_{_aa(ref[last - 1], last)}"
        return f"p.({span}delins{three_letter(alt[i : stop_at + 1])})"
    if change.stop_lost:
        # the stop is lost by an in-frame change starting before it: the residues replacing
        # the changed stretch up to the old stop, then the extension to the new stop
        end = len(ref)
        length = "?" if stop_at < 0 else str(stop_at - (end - 1))
        return f"p.({first}_{_aa('*', end)}delins{three_letter(alt[i:end])}extTer{length})"
    if not rp:  # insertion; 3'-most because the shared prefix is maximal
        n = len(ap)
        if i >= n and ref[i - n : i] == ap:
            lo, hi = i - n + 1, i
            span = _aa(ref[lo - 1], lo)
            if hi != lo:
                span += "_" + _aa(ref[hi - 1], hi)
            return f"p.({span}dup)"
        return f"p.({_aa(ref[i - 1], i)}_{_aa(ref[i], i + 1)}ins{three_letter(ap)})"
    last_index = i + len(rp)
    span = first if len(rp) == 1 else f"{first}_{_aa(ref[last_index - 1], last_index)}"
    if not ap:
        return f"p.({span}del)"
    if len(rp) == len(ap) == 1:
        return f"p.({first}{AA3[ap]})"
    return f"p.({span}delins{three_letter(ap)})"


# -- parsing ----------------------------------------------------------------------------------

_C_POS = r"[*-]?\d+(?:[+-]\d+)?"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The parsing regexes ``(nucleotide edit, prefix, VCF-like, protein)``, compiled on first
    use (about 3 ms: only :func:`parse` needs them, not the formatting the engine does)."""
    nuc = re.compile(
        rf"(?P<start>{_C_POS})(?:_(?P<end>{_C_POS}))?"
        r"(?:(?P<sref>[ACGTN])>(?P<salt>[ACGTN])"
        r"|delins(?P<delins>[ACGTN]+)"
        r"|del(?P<dseq>[ACGTN]*)(?:ins(?P<dins>[ACGTN]+))?"
        r"|dup(?P<dupseq>[ACGTN]*)"
        r"|ins(?P<ins>[ACGTN]+))"
    )
    prefix = re.compile(
        r"(?:(?P<acc>[A-Za-z]{2}_\d+(?:\.\d+)?)(?:\((?P<inner>[^)]*)\))?:)?"
        r"(?P<kind>[gcpGCP])\.(?P<body>.+)"
    )
    vcflike = re.compile(
        r"(?:chr)?(?P<chrom>X|23)[:\-](?P<pos>\d+)[:\-](?P<ref>[ACGTN]+)[:\-](?P<alt>[ACGTN]+)",
        re.IGNORECASE,
    )
    aa3 = "|".join(sorted((a for a in AA1 if a != "Xaa"), key=len, reverse=True))
    prot = re.compile(
        rf"\(?(?P<ref>{aa3}|[A-Z*])(?P<pos>\d+)"
        rf"(?:_(?P<ref2>{aa3}|[A-Z*])(?P<pos2>\d+))?"
        rf"(?P<alt>{aa3}|[A-Z*]|=|\?|fs(?:\*\d+|\*\?|Ter\d+|Ter\?)?"
        rf"|ext(?:\*\d+|\*\?|Ter\d+|Ter\?)?|(?:{aa3}|[A-Z])(?:fs|ext)[^)\s]*"
        r"|del|dup|(?:delins|ins)[A-Za-z*]+)?\)?"
    )
    return nuc, prefix, vcflike, prot


_ACC_BUILD = {"NC_000023.11": Build.GRCH38, "NC_000023.10": Build.GRCH37}


@dataclass(frozen=True, slots=True)
class ProteinQuery:
    """A parsed ``p.`` name: reference residue, 1-based position, alternate (one-letter).

    ``alt`` is a one-letter amino acid, ``*`` for a stop, ``=`` for synonymous, ``fs`` for a
    frameshift, ``?`` for unknown, or the edit text of a length change (``del``, ``dup``,
    ``insGly``, ``extTer?``...), for which no SNV candidates exist.
    """

    ref: str
    position: int
    alt: str
    end_ref: str | None = None  #: last residue of a range (``Lys206_Glu208del``)
    end_position: int | None = None

    def __str__(self) -> str:
        tail = AA3.get(self.alt, self.alt)
        span = f"{AA3[self.ref]}{self.position}"
        if self.end_ref is not None:
            span += f"_{AA3[self.end_ref]}{self.end_position}"
        return f"p.({span}{tail})"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ``c.`` SNV producing a queried protein change, with its alleles in both builds."""

    c_name: str
    alleles: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __str__(self) -> str:
        return self.c_name


@dataclass(frozen=True, slots=True)
class ParsedVariant:
    """The result of :func:`parse`.

    ``alleles`` maps each build where the variant can be placed to its VCF-normalised allele;
    ``c_name`` is the current-form ``c.`` name (HGVS 3'-shifted, no redundant bases) when the
    input was ``c.``/``g.``/VCF-like; for a ``p.`` query ``protein`` is set and ``candidates``
    lists every ``c.`` SNV that produces it.
    """

    text: str
    kind: str  #: "g", "c", "p" or "vcf"
    alleles: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    c_name: str | None = None
    protein: ProteinQuery | None = None
    candidates: tuple[Candidate, ...] = ()


def parse(text: str, data: RefData, build: Build | None = None) -> ParsedVariant:
    """Parse a variant name (see the module docstring); raises :class:`HgvsParseError`.

    ``build`` is needed only for a bare ``g.`` name or a VCF-like string whose REF matches both
    builds; otherwise it is taken from the accession or from which build's reference matches.
    A ``c.`` name is placed on GRCh38 (NC_000023.11, the MANE mapping) and lifted to GRCh37 through
    the alignment of the two locus sequences; intronic offsets in introns 1 and 6 differ between
    the builds, so the GRCh37 allele of such a name may carry a different ``c.`` offset there.
    """
    raw = text
    text = re.sub(r"\s+", "", text)
    m = _patterns()[2].fullmatch(text)
    if m:
        return _parse_vcflike(raw, m, data, build)
    m = _patterns()[1].fullmatch(text)
    if not m:
        raise HgvsParseError(
            f"cannot parse {raw!r}",
            "Use e.g. NM_014009.4:c.1189C>T, NC_000023.11:g.49251441G>A, p.Arg397Trp "
            "or chrX:49251441:G:A",
        )
    kind, body, acc = m["kind"].lower(), m["body"], m["acc"]
    if kind == "p":
        return _parse_protein(raw, body, data)
    pinned = False  # a c. name given with its genomic reference names its build (#13)
    if kind == "c" and acc and acc in _ACC_BUILD:
        inner = m["inner"] or ""
        if not inner.upper().startswith("NM_014009"):
            raise HgvsParseError(
                f"{raw!r}: a c. name on {acc} needs the transcript in parentheses",
                f"Use {acc}(NM_014009.4):c....",
            )
        build, pinned = _ACC_BUILD[acc], True
    elif kind == "c" and acc and not acc.upper().startswith("NM_014009"):
        raise HgvsParseError(f"{raw!r}: transcript {acc} is not NM_014009", "Use NM_014009.4")
    if kind == "g":
        if acc:
            if acc not in _ACC_BUILD:
                raise HgvsParseError(
                    f"{raw!r}: {acc} is not a chrX accession",
                    "Use NC_000023.11 (GRCh38) or NC_000023.10 (GRCh37)",
                )
            build = _ACC_BUILD[acc]
        if build is None:
            raise HgvsParseError(
                f"{raw!r}: a g. name needs a build", "Prefix NC_000023.11: or NC_000023.10:"
            )
    n = _patterns()[0].fullmatch(
        re.sub("(?i)(delins|del|dup|ins)", lambda k: k.group(1).lower(), body.upper())
    )
    if not n:
        raise HgvsParseError(
            f"cannot parse the edit in {raw!r}", "Use e.g. c.1189C>T, c.751_753del"
        )
    if kind == "c":
        start_pos = CdsPosition.parse(n["start"])
        end_pos = CdsPosition.parse(n["end"]) if n["end"] else start_pos
        # placed on GRCh38 (the MANE mapping) first; an intronic offset can differ between the
        # builds (introns 1 and 6 differ in length), so a name whose stated bases fit only the
        # GRCh37 intron (e.g. a GRCh37-numbered c.-23+2882A>C) is placed on GRCh37 instead
        intronic = bool(start_pos.offset or end_pos.offset)
        origins = [Build.GRCH37, Build.GRCH38] if build is Build.GRCH37 else [
            Build.GRCH38, Build.GRCH37
        ]
        if pinned:
            origins = origins[:1]
        failure: HgvsParseError | None = None
        for origin in origins if intronic else origins[:1]:
            tmap = transcript_map(data, origin)
            vs, ve = tmap.view_of_c(start_pos), tmap.view_of_c(end_pos)
            if ve < vs:
                raise HgvsParseError(
                    f"{raw!r}: positions are in the wrong order", "Write 5' first"
                )
            try:
                variant = _variant_from_view(tmap, vs, ve, n, raw)
                break
            except HgvsParseError as exc:
                failure = failure or exc
        else:
            assert failure is not None
            raise failure
    else:
        assert build is not None
        origin = build
        locus = data.locus(build)
        s, e = int(n["start"]), int(n["end"] or n["start"])
        if e < s or not (locus.start < s and e <= locus.end):
            raise HgvsParseError(
                f"{raw!r}: chrX:{s}-{e} is outside the bundled FOXP3 locus ({build})",
                f"The locus is chrX:{locus.pos_start}-{locus.pos_end}",
            )
        variant = _variant_from_plus(data, build, s - 1, e, n, raw)
    _require_change(variant, raw)
    alleles = _both_builds(variant, data)
    c_name = _c_name(variant, data)
    return ParsedVariant(raw, kind, MappingProxyType(alleles), c_name)


def _edit_alleles(n: re.Match, ref_span: str, raw: str) -> tuple[str, str, int | None]:
    """(ref, alt, tail) on the described strand; checks stated bases.

    ``tail`` is None for a replacement of ``ref_span``; for an insertion it is the number of
    bases of the span that lie after the insertion point (0 for ``dup``, 1 for ``ins``).
    """
    if n["sref"]:
        if len(ref_span) != 1:
            raise HgvsParseError(f"{raw!r}: a substitution covers one base", "Write c.NX>Y")
        stated, alt = n["sref"], n["salt"]
        _check(stated, ref_span, raw)
        return ref_span, _known_bases(alt, raw), None
    if n["delins"]:
        return ref_span, _known_bases(n["delins"], raw), None
    if n["dseq"] is not None:
        if n["dseq"]:
            _check(n["dseq"], ref_span, raw)
        return ref_span, _known_bases(n["dins"] or "", raw), None
    if n["dupseq"] is not None:
        if n["dupseq"]:
            _check(n["dupseq"], ref_span, raw)
        return "", ref_span, 0
    if n["ins"]:
        if len(ref_span) != 2:
            raise HgvsParseError(
                f"{raw!r}: an insertion is written between two adjacent bases", "e.g. c.10_11insA"
            )
        return "", _known_bases(n["ins"], raw), 1
    raise HgvsParseError(f"cannot parse the edit in {raw!r}", "Use e.g. c.1189C>T")


def _known_bases(alt: str, raw: str) -> str:
    """``alt`` when it names every base; an N (unknown base) cannot be annotated: its codon,
    frame or splice effect is unknown (the VCF reader skips N alleles for the same reason)."""
    if "N" in alt:
        raise HgvsParseError(
            f"{raw!r}: the new sequence holds N (an unknown base), which cannot be annotated",
            "Give the bases (A, C, G or T)",
        )
    return alt


def _check(stated: str, actual: str, raw: str) -> None:
    if stated != actual:
        raise HgvsParseError(
            f"{raw!r}: the name says {stated} but the reference has {actual}",
            "Check the transcript version and position (or a genome-build mix-up)",
        )


def _variant_from_view(
    tmap: TranscriptMap, vs: int, ve: int, n: re.Match, raw: str
) -> GenomicVariant:
    ref_span = tmap.view_seq[vs : ve + 1]
    ref, alt, tail = _edit_alleles(n, ref_span, raw)
    if tail is not None:  # dup: insert after the span; ins: between the two bases
        point = ve + 1 - tail
        gs, _ = tmap.from_view_span(point, point)
        plus_alt = reverse_complement(alt) if tmap.minus else alt
        return GenomicVariant(tmap.build, gs + 1, "", plus_alt)
    gs, _ge = tmap.from_view_span(vs, ve + 1)
    conv = reverse_complement if tmap.minus else (lambda s: s)
    return GenomicVariant(tmap.build, gs + 1, conv(ref), conv(alt))


def _variant_from_plus(
    data: RefData, build: Build, start: int, end: int, n: re.Match, raw: str
) -> GenomicVariant:
    locus = data.locus(build)
    ref_span = locus.fetch(start, end)
    ref, alt, tail = _edit_alleles(n, ref_span, raw)
    if tail is not None:
        return GenomicVariant(build, end + 1 - tail, "", alt)
    return GenomicVariant(build, start + 1, ref, alt)


def _require_change(variant: GenomicVariant, raw: str) -> None:
    """Refuse a name whose alleles are equal (``c.1189C>C``, ``chrX:49251441:G:G``): there is
    nothing to annotate, and normalising an empty allele would name a neighbouring base."""
    v = trim(variant)
    if not v.ref and not v.alt:
        raise HgvsParseError(
            f"{raw!r} describes no change (the new bases equal the reference)",
            "Give the changed base(s), e.g. c.1189C>T",
        )


def _both_builds(variant: GenomicVariant, data: RefData) -> dict[Build, GenomicVariant]:
    out = {variant.build: normalize_vcf(variant, data.locus(variant.build))}
    other = lift_variant(variant, data, variant.build.other)
    if other is not None:
        out[other.build] = other
    return out


def _c_name(variant: GenomicVariant, data: RefData) -> str | None:
    tmap = transcript_map(data, variant.build)
    locus = data.locus(variant.build)
    v = trim(variant)
    if not v.ref and not v.alt:
        return None
    vs, ve, alt = hgvs_shift_view(tmap, locus, v)
    return format_c(tmap, vs, ve, alt)


def _parse_vcflike(raw: str, m: re.Match, data: RefData, build: Build | None) -> ParsedVariant:
    pos, ref, alt = int(m["pos"]), m["ref"].upper(), _known_bases(m["alt"].upper(), raw)
    builds = [build] if build else list(Build)
    matching = []
    for b in builds:
        locus = data.locus(b)
        if locus.contains(pos - 1, pos - 1 + len(ref)) and locus.fetch(
            pos - 1, pos - 1 + len(ref)
        ) == ref:
            matching.append(b)
    if not matching:
        where = str(build) if build else "either build"
        raise HgvsParseError(
            f"{raw!r}: REF {ref} does not match the FOXP3 reference at chrX:{pos} in {where}",
            "Check the position, the alleles and the genome build",
        )
    if len(matching) > 1:
        raise HgvsParseError(
            f"{raw!r}: REF matches both GRCh37 and GRCh38 at chrX:{pos}",
            "Say which build (e.g. --build GRCh38)",
        )
    variant = GenomicVariant(matching[0], pos, ref, alt)
    _require_change(variant, raw)
    alleles = _both_builds(variant, data)
    return ParsedVariant(raw, "vcf", MappingProxyType(alleles), _c_name(variant, data))


def _one_letter(code: str) -> str:
    if code in AA1:
        return AA1[code]
    if code == "*" or (len(code) == 1 and code in AA3):
        return code
    raise HgvsParseError(f"unknown amino acid {code!r}", "Use one- or three-letter codes")


def _parse_protein(raw: str, body: str, data: RefData) -> ParsedVariant:
    m = _patterns()[3].fullmatch(body)
    if not m:
        raise HgvsParseError(
            f"cannot parse {raw!r}", "Use e.g. p.Arg397Trp, p.(Arg397Trp), p.R397W"
        )
    ref = _one_letter(m["ref"])
    pos = int(m["pos"])
    alt_text = m["alt"] or "?"
    if alt_text in ("=", "?"):
        alt = alt_text
    elif "fs" in alt_text:
        alt = "fs"
    elif m["ref2"] or alt_text.startswith(("del", "dup", "ins", "ext")) or "ext" in alt_text:
        alt = alt_text  # a length change: no SNV produces it
    else:
        alt = _one_letter(alt_text)
    tx = data.transcript(Build.GRCH38)
    protein = tx.protein + "*"
    if not 1 <= pos <= len(protein) or protein[pos - 1] != ref:
        actual = protein[pos - 1] if 1 <= pos <= len(protein) else "nothing"
        raise HgvsParseError(
            f"{raw!r}: residue {pos} of {tx.protein_id} is {AA3.get(actual, actual)}, "
            f"not {AA3[ref]}",
            "Check the residue number (NP_054728.2, 431 aa)",
        )
    end_ref = _one_letter(m["ref2"]) if m["ref2"] else None
    end_pos = int(m["pos2"]) if m["pos2"] else None
    if end_pos is not None and (end_pos > len(protein) or protein[end_pos - 1] != end_ref):
        raise HgvsParseError(
            f"{raw!r}: residue {end_pos} of {tx.protein_id} is not {AA3[end_ref or 'X']}",
            "Check the residue numbers (NP_054728.2, 431 aa)",
        )
    query = ProteinQuery(ref, pos, alt, end_ref, end_pos)
    return ParsedVariant(raw, "p", protein=query, candidates=tuple(snvs_for(query, data)))


def snvs_for(query: ProteinQuery, data: RefData) -> list[Candidate]:
    """Every ``c.`` SNV in the codon of ``query`` that produces its amino-acid change."""
    if query.alt != "=" and query.alt not in AA3:
        return []
    tx = data.transcript(Build.GRCH38)
    cds0 = tx.cds_tx_start - 1
    codon_start = cds0 + 3 * (query.position - 1)
    codon = tx.cdna[codon_start : codon_start + 3]
    want = query.ref if query.alt == "=" else query.alt
    out = []
    for k in range(3):
        for base in "ACGT":
            if base == codon[k]:
                continue
            mutated = codon[:k] + base + codon[k + 1 :]
            if CODON_TABLE[mutated] != want:
                continue
            c_pos = 3 * (query.position - 1) + k + 1
            name = f"c.{c_pos}{codon[k]}>{base}"
            alleles = parse(name, data).alleles
            out.append(Candidate(name, alleles))
    return out
