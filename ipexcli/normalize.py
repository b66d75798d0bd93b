"""Variant normalisation: trim shared bases, then shift an indel left or right through repeats.

Pure functions on :class:`~ipexcli.model.GenomicVariant` and a reference :class:`Locus`.
One flag, :class:`Shift`, chooses the direction on the chrX + strand:

* ``Shift.LEFT``  - VCF convention (left-aligned, then re-anchored with the preceding base);
* ``Shift.RIGHT`` - HGVS 3' rule on the genome (``g.``), and on a + strand transcript.

FOXP3 lies on the minus strand, so the HGVS 3' rule *along the transcript* (``c.``) moves an indel
LEFT on chrX: :func:`shift` takes the direction explicitly and the caller (:mod:`ipexcli.engine`)
picks it from the transcript strand.

A *trimmed* (minimal) variant has no shared first/last base: ``ref`` or ``alt`` may be empty.
A deletion keeps ``pos`` on its first deleted base; an insertion has ``ref == ""`` and ``pos`` on
the base *after* the insertion point (so its 0-based half-open span ``[start, end)`` is empty).

Examples on a toy reference ``ACAGCAGCAGT`` placed at chrX 1..11:

>>> from ipexcli.model import Build, GenomicVariant
>>> from ipexcli.refdata import Locus
>>> toy = Locus(Build.GRCH38, "toy", 0, "ACAGCAGCAGT")
>>> v = GenomicVariant(Build.GRCH38, 7, "GCA", "")    # delete the 2nd/3rd CAG unit (trimmed form)
>>> shift(v, toy, Shift.LEFT)
GenomicVariant(build=<Build.GRCH38: 'GRCh38'>, pos=2, ref='CAG', alt='', chrom='X')
>>> shift(v, toy, Shift.RIGHT)
GenomicVariant(build=<Build.GRCH38: 'GRCh38'>, pos=8, ref='CAG', alt='', chrom='X')
>>> normalize_vcf(GenomicVariant(Build.GRCH38, 7, "GCAG", "G"), toy)
GenomicVariant(build=<Build.GRCH38: 'GRCh38'>, pos=1, ref='ACAG', alt='A', chrom='X')
>>> trim(GenomicVariant(Build.GRCH38, 5, "CAG", "CTG"))
GenomicVariant(build=<Build.GRCH38: 'GRCh38'>, pos=6, ref='A', alt='T', chrom='X')
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

from ipexcli.model import GenomicVariant
from ipexcli.refdata import Locus


class Shift(Enum):
    """Direction to move an indel through a repeat, on the chrX + strand."""

    LEFT = -1  #: VCF left-alignment
    RIGHT = 1  #: HGVS 3' rule on the + strand (g.)


def trim(variant: GenomicVariant) -> GenomicVariant:
    """Remove bases shared by ``ref`` and ``alt``: first the common suffix, then the prefix.

    Suffix first gives the VCF-style leftmost placement for ambiguous cases such as
    ``CAG>CAGAG`` (trimmed to an insertion of ``AG`` after the ``C``).
    """
    ref, alt, pos = variant.ref, variant.alt, variant.pos
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    if (ref, alt, pos) == (variant.ref, variant.alt, variant.pos):
        return variant
    return replace(variant, pos=pos, ref=ref, alt=alt)


def shift(
    variant: GenomicVariant,
    locus: Locus,
    direction: Shift,
    bounds: tuple[int, int] | None = None,
) -> GenomicVariant:
    """Move a trimmed insertion or deletion as far as it goes in ``direction``.

    Substitutions and deletion-insertions (both alleles non-empty) are returned unchanged.
    ``bounds`` (0-based half-open chrX ``[lo, hi)``, default the whole locus) limits the bases the
    variant may touch while moving; the engine uses it to keep an HGVS ``c.`` shift inside one exon
    or intron. The variant must already be trimmed (see :func:`trim`).
    """
    ref, alt = variant.ref, variant.alt
    if ref and alt:
        return variant
    if not ref and not alt:
        return variant
    lo, hi = bounds if bounds is not None else (locus.start, locus.end)
    lo, hi = max(lo, locus.start), min(hi, locus.end)
    seq, off = locus.sequence, locus.start
    start = variant.start
    if ref:  # deletion [start, end)
        allele, end = ref, variant.end
        if direction is Shift.LEFT:
            while start - 1 >= lo and seq[start - 1 - off] == seq[end - 1 - off]:
                start, end = start - 1, end - 1
            allele = seq[start - off : end - off]
        else:
            while end < hi and seq[end - off] == seq[start - off]:
                start, end = start + 1, end + 1
            allele = seq[start - off : end - off]
        if start == variant.start:
            return variant
        return replace(variant, pos=start + 1, ref=allele, alt="")
    # insertion before 0-based ``start`` (between start-1 and start)
    allele = alt
    if direction is Shift.LEFT:
        while start - 1 >= lo and seq[start - 1 - off] == allele[-1]:
            allele = allele[-1] + allele[:-1]
            start -= 1
    else:
        while start < hi and seq[start - off] == allele[0]:
            allele = allele[1:] + allele[0]
            start += 1
    if start == variant.start:
        return variant
    return replace(variant, pos=start + 1, ref="", alt=allele)


def anchor(variant: GenomicVariant, locus: Locus) -> GenomicVariant:
    """Give an empty allele the VCF anchor base (the base before the event)."""
    if variant.ref and variant.alt:
        return variant
    base = locus.fetch(variant.start - 1, variant.start)
    return replace(variant, pos=variant.pos - 1, ref=base + variant.ref, alt=base + variant.alt)


def normalize_vcf(variant: GenomicVariant, locus: Locus) -> GenomicVariant:
    """VCF normal form: trimmed, left-aligned against ``locus``, anchored (``bcftools norm``)."""
    return anchor(shift(trim(variant), locus, Shift.LEFT), locus)


def minimal(variant: GenomicVariant, locus: Locus, direction: Shift) -> GenomicVariant:
    """Trimmed and shifted in ``direction``, without an anchor base (HGVS-style allele)."""
    return shift(trim(variant), locus, direction)


def alt_haplotype(variant: GenomicVariant, locus: Locus) -> str:
    """The whole locus sequence with ``variant`` applied (for checking equivalent forms)."""
    seq = locus.sequence
    a, b = variant.start - locus.start, variant.end - locus.start
    return seq[:a] + variant.alt + seq[b:]
