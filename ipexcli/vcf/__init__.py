"""Reading VCF/BCF files: the FOXP3 region (and whole chrX/chrY) fast, any real-world file.

**Formats** are detected from the bytes, never the file name: ``vcf`` (plain text), ``bgzf``
(block-gzipped, what ``bgzip`` writes), ``gzip`` (plain gzip, which htslib cannot seek) and
``bcf``. ``-`` reads standard input. Text VCF is read with :mod:`zlib` and pure Python, which
keeps start-up fast; pysam is imported only for BCF input and ``.vcf.gz`` output.

**Region access**, fastest first; :attr:`IngestStats.region_method` says which was used:

1. ``index``: a ``.tbi``/``.csi`` index beside a BGZF file (read in pure Python), or a
   ``.csi`` beside a BCF (pysam);
2. ``bgzf-bisection``: a BGZF file without index is bisected over its blocks using the order of
   the header's ``##contig`` lines; every probe is checked against the ones before it, and the
   file is streamed instead when it proves unsorted or a contig is missing from the header;
3. ``stream``: everything else. Decompressed chunks are searched at C speed for lines starting
   with a chrX/chrY contig name; only those lines are split, and they are kept in a temporary
   spool so that a second request (chrX for sex inference after the FOXP3 region) does not read
   the file again. Standard input is therefore read once.

**Records** become :class:`ipexcli.model.VariantRecord` objects, one per ALT allele; records and
ALT alleles that cannot be used are skipped with a named :class:`SkipReason` and counted in
:class:`IngestStats`. **Build**: see :mod:`ipexcli.buildcheck`; :meth:`VcfReader.locus_records`
yields the records of the decided build's FOXP3 window, every REF checked against the bundled
sequence (``REF_MISMATCH`` flag).

Modules (one concern each; pysam lives only in :mod:`~ipexcli.vcf.htslib`):

* :mod:`~ipexcli.vcf.reader`: :func:`open_vcf`, :class:`VcfReader` (the facade: picks the
  source, falls back, decides the build);
* :mod:`~ipexcli.vcf.opening`: a file's format sniffed from its bytes, its header read, which
  byte sources it offers (index, bisection, stream; stdin and pipes read once);
* :mod:`~ipexcli.vcf.header`: :class:`VcfHeader`, header reading and checks;
* :mod:`~ipexcli.vcf.stream`: format sniffing, gzip/plain chunks, stdin, the chrX/chrY spool;
* :mod:`~ipexcli.vcf.bgzf`: BGZF blocks and bisection (nothing VCF-specific);
* :mod:`~ipexcli.vcf.bgzf_text`: a BGZF VCF's header position and bisection by contig order;
* :mod:`~ipexcli.vcf.index`: tabix/CSI indexes (and why not htslib for them);
* :mod:`~ipexcli.vcf.indexcheck`: whether an index belongs to the file and its BGZF blocks
  still match it (#15);
* :mod:`~ipexcli.vcf.htslib`: BCF input and the bgzipped + indexed VCF output (pysam);
* :mod:`~ipexcli.vcf.records`: a record line -> one VariantRecord per ALT;
* :mod:`~ipexcli.vcf.stats`: :class:`SkipReason`, :class:`IngestStats`.

This ``__init__`` imports nothing heavy: the names below are loaded from their module on first
use. Positions: ``pos`` is 1-based (VCF); ``start``/``end`` are 0-based half-open.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipexcli.buildcheck import BuildDecision
    from ipexcli.vcf.header import ContigLine, VcfHeader, parse_header, parse_structured
    from ipexcli.vcf.htslib import write_bgzf_indexed
    from ipexcli.vcf.reader import VcfReader, open_vcf
    from ipexcli.vcf.records import (
        FLAG_MULTIALLELIC,
        FLAG_REF_MISMATCH,
        FLAG_REF_UNCHECKED,
        WINDOW_MARGIN,
    )
    from ipexcli.vcf.stats import MAX_EXAMPLES, IngestStats, SkippedRecord, SkipReason

__all__ = [
    "FLAG_MULTIALLELIC",
    "FLAG_REF_MISMATCH",
    "FLAG_REF_UNCHECKED",
    "MAX_EXAMPLES",
    "WINDOW_MARGIN",
    "BuildDecision",
    "ContigLine",
    "IngestStats",
    "SkipReason",
    "SkippedRecord",
    "VcfHeader",
    "VcfReader",
    "open_vcf",
    "parse_header",
    "parse_structured",
    "write_bgzf_indexed",
]

#: public name -> the module that defines it
_HOMES = {
    "FLAG_MULTIALLELIC": "ipexcli.vcf.records",
    "FLAG_REF_MISMATCH": "ipexcli.vcf.records",
    "FLAG_REF_UNCHECKED": "ipexcli.vcf.records",
    "MAX_EXAMPLES": "ipexcli.vcf.stats",
    "WINDOW_MARGIN": "ipexcli.vcf.records",
    "BuildDecision": "ipexcli.buildcheck",
    "ContigLine": "ipexcli.vcf.header",
    "IngestStats": "ipexcli.vcf.stats",
    "SkipReason": "ipexcli.vcf.stats",
    "SkippedRecord": "ipexcli.vcf.stats",
    "VcfHeader": "ipexcli.vcf.header",
    "VcfReader": "ipexcli.vcf.reader",
    "open_vcf": "ipexcli.vcf.reader",
    "parse_header": "ipexcli.vcf.header",
    "parse_structured": "ipexcli.vcf.header",
    "write_bgzf_indexed": "ipexcli.vcf.htslib",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
