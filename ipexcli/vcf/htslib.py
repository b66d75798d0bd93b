"""The package's one home for pysam (htslib): BCF input, and the bgzipped + indexed VCF output
(also the BCF output with its ``.csi`` and the BCF re-read of the annotated VCF writer, #13).

pysam is imported inside the functions, so a run that reads no BCF and writes no ``.vcf.gz``
never pays for the import (tabix/CSI indexes of text VCFs are read in pure Python:
:mod:`ipexcli.vcf.index` says why). BCF records are turned back into VCF text lines so that the
rest of the reader parses one format. Coordinates: ``lo``/``end`` filter the 1-based VCF
``POS`` (``lo < POS <= end``); pysam's ``fetch`` takes them as 0-based half-open ``[lo, end)``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ipexcli.errors import InputFileError
from ipexcli.vcf.records import reaches_past
from ipexcli.vcf.stats import IngestStats


def _reaching(records: Iterable[Any], lo: int) -> Iterator[tuple[int | None, bytes]]:
    """``(None, line)`` for the BCF records with ``POS <= lo`` that reach past ``lo`` (#13):
    through htslib's end (END or REF), or through SVLEN for a symbolic or breakend ALT."""
    for rec in records:
        if rec.pos > lo:
            continue
        if rec.stop > lo:
            yield None, str(rec).encode()
        elif any("<" in a or "[" in a or "]" in a for a in rec.alts or ()):
            line = str(rec).encode()
            if reaches_past(line, lo):
                yield None, line


def open_bcf(real_path: str, shown: str) -> tuple[Any, list[str]]:
    """``(pysam.VariantFile, header lines)`` of a BCF file; ``shown`` is the name for messages."""
    import pysam

    pysam.set_verbosity(0)
    try:
        variant_file = pysam.VariantFile(real_path)
    except (ValueError, OSError) as exc:
        raise InputFileError(
            shown, f"cannot read the BCF ({exc})", "Check it with: bcftools view -h FILE"
        ) from None
    text = str(variant_file.header).rstrip("\n").split("\n")
    return variant_file, [line.rstrip("\r") for line in text]


def bcf_lines(
    variant_file: Any,
    names: list[str],
    wanted: set[str],
    lo: int,
    end: int,
    stats: IngestStats,
    path: str,
    reach: bool = False,
) -> Iterator[tuple[int | None, bytes]]:
    """``(None, line)`` for the BCF records with ``lo < POS <= end``: on ``names`` through the
    index when ``stats.region_method`` is ``"index"``, else (or when the index fails) on
    ``wanted`` by reading the whole file (``stats`` then says ``"stream"``). The index returns
    every record overlapping the window (htslib places a record by its END); with ``reach``
    (#13) so does the whole-file read (``rec.stop``: the END, SVLEN or REF end)."""
    try:
        if stats.region_method == "index":
            contigs = set(variant_file.header.contigs)
            try:
                fetched = [variant_file.fetch(name, lo, end) for name in names if name in contigs]
            except ValueError as exc:  # a contig the header declares: the index is bad
                stats.notes.append(f"index unusable ({exc}); reading the whole BCF")
                stats.region_method = "stream"
            else:
                if reach and ("SVLEN" in variant_file.header.info or any(
                        a not in ("NON_REF", "*") for a in variant_file.header.alts)):
                    # #13: htslib places a record by END or REF, not SVLEN: a file that
                    # declares SVLEN or symbolic ALTs has its records before the window
                    # tested one by one
                    for name in names:
                        if name in contigs:
                            yield from _reaching(variant_file.fetch(name, 0, lo), lo)
                    fetched = [(r for r in records if r.pos > lo) for records in fetched]
                for records in fetched:
                    for rec in records:
                        yield None, str(rec).encode()
                return
        variant_file.reset()
        for rec in variant_file:
            if rec.pos > end or rec.chrom not in wanted:
                continue
            if lo < rec.pos:
                yield None, str(rec).encode()
            elif reach:
                yield from _reaching((rec,), lo)
    except (OSError, ValueError) as exc:
        raise InputFileError(
            path, f"cannot read the BCF records ({exc})", "Check: bcftools view FILE"
        ) from None


def write_bgzf_indexed(text: str, path: str | os.PathLike[str]) -> None:
    """Write VCF ``text`` to ``path`` bgzipped, with a tabix index beside it (``path.tbi``).

    Both files are built in a hidden temporary directory next to ``path`` and renamed into
    place, so an interrupted run leaves neither a partial file nor a stale pair.
    """
    import shutil
    import tempfile

    dest = Path(path)
    with tempfile.TemporaryDirectory(dir=dest.parent or ".", prefix=".ipex-") as tmp:
        compressed = Path(tmp) / "out.vcf.gz"
        bgzip_indexed_in(text, compressed, shown=dest)
        os.replace(compressed, dest)
        os.replace(Path(str(compressed) + ".tbi"), Path(str(dest) + ".tbi"))
        shutil.rmtree(tmp, ignore_errors=True)


def bgzip_indexed_in(text: str, compressed: Path, shown: Path | None = None) -> None:
    """``compressed`` (a ``.vcf.gz`` in a folder private to the caller) and ``compressed.tbi``
    from VCF ``text``, through ``out.vcf`` beside it (removed); no folder of its own (#14: a
    batch makes an input's reports in one folder, :func:`ipexcli.batch._write_reports`)."""
    import pysam

    plain = compressed.with_name("out.vcf")
    plain.write_bytes(text.encode("utf-8", "surrogateescape"))  # #15: names as read
    try:
        pysam.tabix_compress(str(plain), str(compressed), force=True)
        pysam.tabix_index(str(compressed), preset="vcf", force=True)
    except (OSError, ValueError) as exc:
        raise InputFileError(
            str(shown or compressed), f"cannot bgzip/index the output ({exc})"
        ) from exc
    finally:
        plain.unlink(missing_ok=True)


# -- the annotated VCF writer (#13): re-reading a BCF input, writing BGZF/BCF -------------------


def bcf_text_lines(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """A whole BCF file as VCF text lines (header first), each ending in a newline."""
    import pysam

    pysam.set_verbosity(0)
    with pysam.VariantFile(str(path)) as source:
        yield from (line.encode() for line in str(source.header).splitlines(keepends=True))
        for rec in source:
            yield str(rec).encode()


def bgzf_writer(path: str | os.PathLike[str]) -> Any:
    """A binary handle writing BGZF (htslib's bgzip) to ``path``; a context manager."""
    import pysam

    return pysam.BGZFile(str(path), "wb")  # type: ignore[call-arg]


def index_vcf_gz(path: str | os.PathLike[str]) -> bool:
    """Write ``path.tbi`` beside a bgzipped VCF; False when htslib refuses (unsorted records)."""
    import pysam

    try:
        pysam.tabix_index(str(path), preset="vcf", force=True, keep_original=True)
    except (OSError, ValueError):
        return False
    return True


def index_bcf(path: str | os.PathLike[str]) -> bool:
    """Write ``path.csi`` beside a BCF (``bcftools index``, run by pysam); False when htslib
    refuses (unsorted records)."""
    import pysam.bcftools
    import pysam.utils

    try:
        pysam.bcftools.index("-f", str(path))
    except (pysam.utils.SamtoolsError, OSError, ValueError):
        return False
    return os.path.exists(f"{path}.csi")


def vcf_to_bcf(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
    """Convert a VCF file to BCF (not indexed)."""
    import pysam

    with pysam.VariantFile(str(source)) as reader, pysam.VariantFile(
        str(destination), "wb", header=reader.header
    ) as writer:
        for record in reader:
            writer.write(record)
