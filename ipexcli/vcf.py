"""Reading VCF/BCF files: the FOXP3 region (and whole chrX/chrY) fast, any real-world file.

This is the only module that imports pysam, and it does so only for BCF input; text VCF (plain,
gzip, BGZF, stdin) is read with :mod:`zlib` and :mod:`ipexcli.bgzf`, which keeps start-up fast.

**Formats** are detected from the bytes, never the file name: ``vcf`` (plain text), ``bgzf``
(block-gzipped, what ``bgzip`` writes), ``gzip`` (plain gzip, which htslib cannot seek) and
``bcf``. ``-`` reads standard input.

**Region access**, fastest first; :attr:`IngestStats.region_method` says which was used:

1. ``index``: a ``.tbi``/``.csi`` index beside a BGZF file (read here in pure Python), or a
   ``.csi`` beside a BCF (pysam);
2. ``bgzf-bisection``: a BGZF file without index is bisected over its blocks using the order of
   the header's ``##contig`` lines; every probe is checked against the ones before it, and the
   file is streamed instead when it proves unsorted or a contig is missing from the header;
3. ``stream``: everything else. Decompressed chunks are searched at C speed for lines starting
   with a chrX/chrY contig name; only those lines are split, and they are kept in a temporary
   spool so that a second request (chrX for sex inference after the FOXP3 region) does not read
   the file again. Standard input is therefore read once.

**Records** become :class:`ipexcli.model.VariantRecord` objects, one per ALT allele, with
genotypes remapped per ALT (``1/2`` -> ``(1, None)`` and ``(None, 1)``, ``other_alt``), AD split
(Number=R), and the INFO keys asked for split by their declared Number (A or R). Records that
cannot be used are skipped with a named :class:`SkipReason` and counted in :class:`IngestStats`;
ALT alleles that cannot be used (``<NON_REF>``, ``*``, symbolic, breakends) are dropped one by
one, also counted. Genotypes are never rewritten: ``Call.raw_gt`` is the text of the file.

**Build**: see :mod:`ipexcli.buildcheck`. The records of both builds' FOXP3 windows are read
together (one pass, the windows are 143 kb apart), the header hints and REF agreement decide the
build, and :meth:`VcfReader.locus_records` yields the records of that build's window with
every REF checked against the bundled sequence (``REF_MISMATCH`` flag).

Positions: ``pos`` is 1-based (VCF); ``start``/``end`` are 0-based half-open.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Any, BinaryIO

from ipexcli import bgzf as bgzf_mod
from ipexcli import buildcheck
from ipexcli.buildcheck import BuildDecision, HeaderHint, RefTally, WindowTally
from ipexcli.errors import BuildMismatchError, InputFileError, UsageError, VcfFormatError
from ipexcli.genotypes import SampleCalls, SampleColumns
from ipexcli.model import Build, Call, VariantRecord

__all__ = [
    "FLAG_MULTIALLELIC",
    "FLAG_REF_MISMATCH",
    "FLAG_REF_UNCHECKED",
    "BuildDecision",
    "IngestStats",
    "SkipReason",
    "SkippedRecord",
    "VcfHeader",
    "VcfReader",
    "open_vcf",
]

#: records starting up to this many bases before a window are read so that a deletion
#: reaching into the window is seen (its overlap is then computed exactly from REF)
WINDOW_MARGIN = 1000
#: how many skipped records are kept as examples
MAX_EXAMPLES = 20
_CHUNK = 1 << 20  #: bytes read at a time
_OUT_MAX = 4 << 20  #: largest decompressed chunk

FLAG_REF_MISMATCH = "REF_MISMATCH"  #: REF differs from the bundled sequence
FLAG_REF_UNCHECKED = "REF_UNCHECKED"  #: REF reaches outside the bundled sequence
FLAG_MULTIALLELIC = "MULTIALLELIC_SPLIT"  #: one ALT of a multi-allelic record


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


_REASON_NAMES = {reason: reason.value for reason in SkipReason}  # .value is slow in a hot loop


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

    def count(self, reason: SkipReason, source: str, line: int | None, detail: str) -> None:
        name = _REASON_NAMES[reason]
        self.skipped[name] = self.skipped.get(name, 0) + 1
        if len(self.skipped_examples) < MAX_EXAMPLES:
            self.skipped_examples.append(SkippedRecord(source, line, reason, detail))

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


# -- header ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContigLine:
    name: str
    length: int | None
    assembly: str | None


@dataclass(frozen=True, slots=True)
class VcfHeader:
    """The parts of a VCF header this module uses."""

    file_format: str  #: e.g. "VCFv4.2"; "" when the file has no ##fileformat line
    contigs: tuple[ContigLine, ...]
    info_number: dict[str, str]  #: INFO ID -> Number ("A", "R", "1", ".", ...)
    reference: tuple[str, ...]
    assembly: tuple[str, ...]
    samples: tuple[str, ...]
    n_lines: int  #: number of header lines (the first record is on line n_lines + 1)


_BOM = b"\xef\xbb\xbf"  #: a UTF-8 byte-order mark some Windows editors put first


def parse_structured(value: str) -> dict[str, str]:
    """Parse ``<ID=X,length=1,Description="a, b">`` into a dict (quotes removed).

    >>> parse_structured('<ID=chrX,length=156040895,assembly="GRCh38">')
    {'ID': 'chrX', 'length': '156040895', 'assembly': 'GRCh38'}
    """
    body = value.strip()
    if body.startswith("<") and body.endswith(">"):
        body = body[1:-1]
    out: dict[str, str] = {}
    key, buf, in_quotes, escaped = "", [], False, False
    reading_key = True
    for char in body:
        if escaped:
            buf.append(char)
            escaped = False
        elif char == "\\" and in_quotes:
            escaped = True
        elif char == '"':
            in_quotes = not in_quotes
        elif char == "=" and reading_key and not in_quotes:
            key, buf, reading_key = "".join(buf).strip(), [], False
        elif char == "," and not in_quotes:
            if key:
                out[key] = "".join(buf).strip()
            key, buf, reading_key = "", [], True
        else:
            buf.append(char)
    if key:
        out[key] = "".join(buf).strip()
    return out


_REQUIRED = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")


def parse_header(lines: Sequence[str], path: str) -> VcfHeader:
    """Parse header lines (``##...`` then ``#CHROM``); raises :class:`VcfFormatError`."""
    if not lines:
        raise VcfFormatError(path, None, "no VCF header", "A VCF starts with ##fileformat=VCFv4.x")
    file_format = ""
    first = lines[0]
    if first.startswith("##fileformat="):
        file_format = first.split("=", 1)[1].strip()
        if not re.fullmatch(r"VCFv4\.\d", file_format):
            raise VcfFormatError(
                path,
                1,
                f"unsupported format {file_format!r}",
                "ipexcli reads VCF 4.x (4.1-4.3 tested); convert with bcftools view",
            )
    elif not first.startswith("#CHROM"):
        raise VcfFormatError(
            path, 1, "the first line is not ##fileformat=VCFv4.x", "Is this really a VCF?"
        )
    contigs, info_number, reference, assembly = [], {}, [], []
    for line in lines[:-1]:
        if line.startswith("##contig="):
            attrs = parse_structured(line[9:])
            if attrs.get("ID"):
                length = attrs.get("length", "")
                contigs.append(
                    ContigLine(
                        attrs["ID"],
                        int(length) if length.isascii() and length.isdigit() else None,
                        attrs.get("assembly"),
                    )
                )
        elif line.startswith("##INFO="):
            attrs = parse_structured(line[7:])
            if attrs.get("ID"):
                info_number[attrs["ID"]] = attrs.get("Number", ".")
        elif line.startswith("##reference="):
            reference.append(line[12:].strip())
        elif line.startswith("##assembly="):
            assembly.append(line[11:].strip())
    columns_line = lines[-1]
    if not columns_line.startswith("#CHROM"):
        raise VcfFormatError(
            path,
            len(lines),
            "the header has no #CHROM line",
            "The file is truncated or not a VCF",
        )
    columns = columns_line.rstrip("\r\n").split("\t")
    if len(columns) < 8 or tuple(c.upper() for c in columns[:8]) != _REQUIRED:
        if len(columns_line.split()) >= 8 and len(columns) < 8:
            problem = "the #CHROM line is not TAB-separated"
        else:
            problem = "the #CHROM line does not list CHROM POS ID REF ALT QUAL FILTER INFO"
        raise VcfFormatError(path, len(lines), problem, "Fix the header line (columns need TABs)")
    samples = tuple(columns[9:])
    if len(columns) > 8 and columns[8] != "FORMAT":
        raise VcfFormatError(
            path, len(lines), "the 9th header column is not FORMAT", "Fix the #CHROM line"
        )
    if len(set(samples)) != len(samples):
        dupes = sorted({s for s in samples if samples.count(s) > 1})
        raise VcfFormatError(
            path,
            len(lines),
            f"duplicate sample name(s) {', '.join(dupes[:3])}",
            "Rename the samples (bcftools reheader -s)",
        )
    return VcfHeader(
        file_format,
        tuple(contigs),
        info_number,
        tuple(reference),
        tuple(assembly),
        samples,
        len(lines),
    )


# -- byte sources ----------------------------------------------------------------------------------


def _sniff(head: bytes) -> str:
    """``bgzf``, ``gzip``, ``text``, ``bcf-raw`` or the name of an unsupported compression."""
    if head[:2] == b"\x1f\x8b":
        return "bgzf" if bgzf_mod.is_bgzf(head) else "gzip"
    if head[:3] == b"BCF":
        return "bcf-raw"
    for magic, name in (
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ", "xz"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"PK\x03\x04", "zip"),
    ):
        if head.startswith(magic):
            return name
    return "text"


class _Prefixed:
    """A read-only stream: ``prefix`` bytes, then the rest of ``raw``."""

    def __init__(self, prefix: bytes, raw: IO[bytes]) -> None:
        self.prefix = prefix
        self.raw = raw

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
            return out
        return self.raw.read(size)


def _decompressed_chunks(stream: _Prefixed | BinaryIO, path: str) -> Iterator[bytes]:
    """Decompress a (multi-member) gzip or BGZF stream in chunks of at most 4 MiB."""
    decoder = zlib.decompressobj(31)
    pending = False  # inside a member

    def corrupt(exc: zlib.error) -> InputFileError:
        return InputFileError(
            path, f"corrupt gzip data ({exc})", "Re-download or re-compress the file"
        )

    while True:
        raw = stream.read(_CHUNK)
        if not raw:
            break
        while raw:
            try:
                out = decoder.decompress(raw, _OUT_MAX)
            except zlib.error as exc:
                raise corrupt(exc) from None
            pending = True
            if out:
                yield out
            if decoder.eof:
                raw = decoder.unused_data
                decoder = zlib.decompressobj(31)
                pending = False
                if raw and raw[:2] != b"\x1f\x8b":
                    if raw.strip(b"\x00"):
                        raise InputFileError(
                            path, "trailing garbage after the gzip data", "Re-compress the file"
                        )
                    raw = b""
            else:
                raw = decoder.unconsumed_tail
    while pending and not decoder.eof:  # output zlib still holds after the last input
        try:
            out = decoder.decompress(b"", _OUT_MAX)
        except zlib.error as exc:
            raise corrupt(exc) from None
        if not out:
            break
        yield out
    if pending and not decoder.eof:
        raise InputFileError(
            path,
            "the gzip data is truncated (no end-of-stream marker)",
            "The file was cut short (incomplete download or copy?); fetch it again",
        )


def _plain_chunks(stream: _Prefixed | BinaryIO) -> Iterator[bytes]:
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return
        yield chunk


def _read_header(chunks: Iterator[bytes], path: str) -> tuple[list[str], bytes]:
    """Header lines (decoded, without newline) and the undecoded rest of the first chunks."""
    buf = b""
    lines: list[str] = []
    pos = 0
    for chunk in chunks:
        if not lines and not buf and chunk:
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
            _check_text_start(chunk, path)
        buf = buf[pos:] + chunk
        pos = 0
        while True:
            if pos < len(buf) and buf[pos : pos + 1] != b"#":
                if not lines:
                    _check_text_start(buf[pos:], path)
                if not lines[-1].startswith("#CHROM"):
                    raise VcfFormatError(
                        path,
                        len(lines) + 1,
                        "broken header: a line without '#' comes before the #CHROM line",
                        "Fix the header (a meta line broken over two lines?)",
                    )
                return lines, buf[pos:]
            nl = buf.find(b"\n", pos)
            if nl < 0:
                break
            lines.append(buf[pos:nl].rstrip(b"\r").decode("utf-8", "replace"))
            pos = nl + 1
            if lines[-1].startswith("#CHROM"):
                return lines, buf[pos:]
    if pos < len(buf):
        lines.append(buf[pos:].rstrip(b"\r").decode("utf-8", "replace"))
    if not lines:
        raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
    _check_header_end(lines, path)
    return lines, b""


def _check_text_start(data: bytes, path: str) -> None:
    if not data.strip():
        raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
    if b"\x00" in data[:4096]:
        raise InputFileError(path, "not a VCF (binary data)", "Give a VCF, VCF.gz or BCF file")
    if data.lstrip()[:1] != b"#":
        first = data.split(b"\n", 1)[0][:60].decode("utf-8", "replace")
        if len(first.split("\t")) >= 8:
            raise VcfFormatError(
                path,
                1,
                "the file has no VCF header (it starts with a record)",
                "Add the header: bcftools view needs ##fileformat and #CHROM lines",
            )
        raise InputFileError(
            path, f"not a VCF (it starts with {first!r})", "Give a VCF, VCF.gz or BCF file"
        )


def _check_header_end(lines: list[str], path: str) -> None:
    if not lines or not lines[-1].startswith("#CHROM"):
        raise VcfFormatError(
            path,
            len(lines) or None,
            "the header has no #CHROM line",
            "The file is truncated or its header is broken",
        )


# -- record parsing ------------------------------------------------------------------------------

_BASES = re.compile(r"[ACGTNacgtn]+")
_IUPAC = re.compile(r"[ACGTRYSWKMBDHVNacgtrykmswbdhvn]+")
_ACGT = frozenset("ACGT")


@dataclass(slots=True)
class _Raw:
    """A record split into columns, POS/REF/ALT validated (nothing else yet)."""

    line: int | None
    contig: str
    pos: int
    id: str
    ref: str
    alts: list[str]
    qual: str
    filter: str
    info: str
    format: str | None  #: the FORMAT column, None when the line has none
    samples: str  #: the sample columns as read (TAB-separated), "" without samples

    @property
    def start(self) -> int:
        return self.pos - 1

    @property
    def end(self) -> int:
        return self.pos - 1 + len(self.ref)


class _Bad(Exception):
    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _parse_raw(text: str, line: int | None, n_samples: int) -> _Raw:
    # the sample columns stay one string: a cohort's thousands of columns are only split (or
    # scanned, :mod:`ipexcli.genotypes`) when asked for
    cols = text.rstrip("\r\n").split("\t", 9)
    n_cols = len(cols) if len(cols) < 10 else 10 + cols[9].count("\t")
    expected = 8 if n_samples == 0 else 9 + n_samples
    if n_cols < 8 or (n_samples and n_cols != expected):
        raise _Bad(
            SkipReason.MALFORMED_COLUMNS,
            f"{n_cols} TAB-separated columns, expected {expected}",
        )
    pos_text = cols[1]
    if not (pos_text.isascii() and pos_text.isdigit()):
        raise _Bad(SkipReason.MALFORMED_POS, f"POS {pos_text[:20]!r} is not a number")
    ref = cols[3]
    if not _IUPAC.fullmatch(ref):
        raise _Bad(SkipReason.MALFORMED_REF, f"REF {ref[:20]!r} is not a DNA sequence")
    qual = cols[5]
    if qual != ".":
        try:
            float(qual)
        except ValueError:
            raise _Bad(SkipReason.MALFORMED_QUAL, f"QUAL {qual[:20]!r} is not a number") from None
    return _Raw(
        line,
        cols[0],
        int(pos_text),
        cols[2],
        ref.upper(),
        cols[4].split(","),
        qual,
        cols[6],
        cols[7],
        cols[8] if len(cols) > 8 else None,
        cols[9] if len(cols) > 9 else "",
    )


def _alt_problem(alt: str) -> tuple[SkipReason, str] | None:
    """Why an ALT cannot be used as a sequence change, or None when it can."""
    if alt in ("<NON_REF>", "<*>"):
        return SkipReason.NON_REF_ALLELE, f"ALT {alt}"
    if alt == "*":
        return SkipReason.SPANNING_DELETION, "ALT * (allele deleted by an upstream deletion)"
    if re.fullmatch(r"<[^<>,\s]+>", alt):
        return SkipReason.SYMBOLIC_ALLELE, f"symbolic ALT {alt[:40]}"
    if "[" in alt or "]" in alt or alt.startswith(".") or alt.endswith("."):
        return SkipReason.BREAKEND, f"breakend ALT {alt[:40]}"
    if _BASES.fullmatch(alt):
        if "N" in alt.upper():
            return SkipReason.ALT_NOT_ACGT, f"ALT {alt[:40]} holds N"
        return None
    if _IUPAC.fullmatch(alt):
        return SkipReason.ALT_NOT_ACGT, f"ALT {alt[:40]} holds IUPAC codes"
    return SkipReason.MALFORMED_ALT, f"ALT {alt[:40]!r} is not a DNA sequence"


# -- the reader ------------------------------------------------------------------------------------


def open_vcf(
    path: str | os.PathLike[str],
    *,
    build: Build | None = None,
    pass_only: bool = False,
    info_fields: Sequence[str] = (),
) -> VcfReader:
    """Open a VCF/BCF (``"-"`` = standard input); the format is detected from the bytes.

    Raises :class:`InputFileError`/:class:`VcfFormatError` (one line, with a hint) for a file
    that is missing, empty, not a VCF, truncated or has a broken header.
    """
    return VcfReader(os.fspath(path), build=build, pass_only=pass_only, info_fields=info_fields)


class VcfReader:
    """An open VCF/BCF. Use as a context manager; :meth:`close` is idempotent.

    Attributes: ``path`` (as given, ``"-"`` for stdin), ``samples`` (header order),
    ``file_format`` (``"vcf"``, ``"bgzf"``, ``"gzip"`` or ``"bcf"``), ``header``
    (:class:`VcfHeader`), ``stats`` (:class:`IngestStats`, filled as records are read) and
    :attr:`build_decision`. Nothing past the header is read until records or the build
    decision are asked for.
    """

    path: str
    samples: tuple[str, ...]
    file_format: str
    header: VcfHeader

    def __init__(
        self,
        path: str,
        *,
        build: Build | None = None,
        pass_only: bool = False,
        info_fields: Sequence[str] = (),
    ) -> None:
        from ipexcli import refdata

        self.path = path
        self.file_format = ""
        self.pass_only = pass_only
        self.info_fields = tuple(info_fields)
        self._override = build
        self._ref = refdata.load()
        self._aliases = self._ref.contig_aliases
        self.stats = IngestStats()
        self._handle: BinaryIO | None = None
        self._spool: IO[bytes] | None = None
        self._tempfiles: list[str] = []
        self._variant_file: Any = None  # pysam.VariantFile for BCF
        self._index_path: str | None = None
        self._tabix: bgzf_mod.TabixIndex | None = None
        self._data_start: tuple[int, int] = (0, 0)  # BGZF virtual position of the first record
        self._stdin_rest: tuple[bytes, Iterator[bytes]] | None = None
        self._decision: BuildDecision | None = None
        self._region: list[_Raw] | None = None
        self._locus: list[VariantRecord] | None = None
        self._spool_error: InputFileError | None = None
        #: called with the number of decompressed bytes each time a full pass over the file
        #: (streaming: plain, plain-gzip, stdin, unsorted) reads a chunk; for progress display
        self.on_progress: Callable[[int], None] | None = None
        self._closed = False
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        self.samples = self.header.samples
        self._ranks = {c.name: i for i, c in enumerate(self.header.contigs)}
        self._x_names = self._names_for("X")
        self.stats.contig_name = self._x_names[0] if self._x_names else None
        self._hint = self._header_hint(self._x_names + self._names_for("Y"))
        self.stats.header_build_hint = self._hint.build

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> None:
        path = self.path
        if path == "-":
            self._open_pipe(sys.stdin.buffer)
            return
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed in close()
        except FileNotFoundError:
            raise InputFileError(path, "no such file", "Check the path") from None
        except IsADirectoryError:
            raise InputFileError(path, "is a directory", "Give a VCF file") from None
        except OSError as exc:
            raise InputFileError(path, f"cannot open ({exc.strerror})") from None
        self._handle = handle
        if not handle.seekable():  # a named pipe or process substitution: like stdin
            self._open_pipe(handle)
            return
        head = handle.read(64)
        if not head:
            raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
        kind = _sniff(head)
        if kind == "bgzf":
            if not bgzf_mod.has_eof_marker(handle):
                raise InputFileError(
                    path,
                    "the BGZF file is truncated (no end-of-file marker)",
                    "The file was cut short (incomplete download or copy?); fetch it again "
                    "or re-compress with bgzip",
                )
            try:
                first = bgzf_mod.BgzfFile(handle).read_block(0).data
            except bgzf_mod.BgzfError as exc:
                raise InputFileError(path, str(exc), "Re-compress the file with bgzip") from None
            if first.startswith(b"BCF"):
                self._open_bcf(path)
                return
            self.file_format = "bgzf"
            try:
                self._open_bgzf_text()
            except bgzf_mod.BgzfError as exc:
                raise InputFileError(path, str(exc), "Re-compress the file with bgzip") from None
        elif kind == "gzip":
            self.file_format = "gzip"
            handle.seek(0)
            lines, _ = _read_header(_decompressed_chunks(handle, path), path)
            self.header = parse_header(lines, path)
            self.stats.region_method = "stream"
        elif kind == "bcf-raw":
            self._open_bcf(path)
        elif kind == "text":
            self.file_format = "vcf"
            handle.seek(0)
            lines, _ = _read_header(_plain_chunks(handle), path)
            self.header = parse_header(lines, path)
            self.stats.region_method = "stream"
        else:
            raise InputFileError(
                path,
                f"{kind}-compressed, which VCF readers do not support",
                f"Decompress it and compress with bgzip: {kind} -dc FILE | bgzip > FILE.vcf.gz",
            )

    def _open_pipe(self, raw: BinaryIO) -> None:
        """Standard input or another stream that cannot seek: read once, front to back."""
        shown = self.path
        head = raw.read(64)
        while len(head) < 64:
            more = raw.read(64 - len(head))
            if not more:
                break
            head += more
        if not head:
            raise InputFileError(shown, "the input is empty", "Give a VCF with records")
        stream = _Prefixed(head, raw)
        kind = _sniff(head)
        if kind in ("bgzf", "gzip"):
            if kind == "bgzf":
                block_size = int.from_bytes(head[16:18], "little") + 1
                while len(head) < block_size:
                    more = raw.read(block_size - len(head))
                    if not more:
                        break
                    head += more
                stream = _Prefixed(head, raw)
                first = zlib.decompressobj(31).decompress(head[:block_size])
                if first.startswith(b"BCF"):
                    self._spool_stdin_bcf(stream)
                    return
            self.file_format = kind
            chunks = _decompressed_chunks(stream, shown)
        elif kind == "text":
            self.file_format = "vcf"
            chunks = _plain_chunks(stream)
        elif kind == "bcf-raw":
            self._spool_stdin_bcf(stream)
            return
        else:
            raise InputFileError(
                shown, f"{kind}-compressed input", f"Decompress first: {kind} -dc FILE | ipex ..."
            )
        lines, rest = _read_header(chunks, shown)
        self.header = parse_header(lines, shown)
        self._stdin_rest = (rest, chunks)
        self.stats.region_method = "stream"

    def _spool_stdin_bcf(self, stream: _Prefixed) -> None:
        """BCF from a stream: copied to a temporary file, which pysam can read."""
        import tempfile

        handle = tempfile.NamedTemporaryFile(suffix=".bcf", delete=False)  # noqa: SIM115
        with handle:
            for chunk in _plain_chunks(stream):
                handle.write(chunk)
        self._tempfiles.append(handle.name)
        self._open_bcf(handle.name, shown_as=self.path)

    def _open_bcf(self, real_path: str, shown_as: str | None = None) -> None:
        import pysam  # the one pysam import; BCF only

        pysam.set_verbosity(0)
        shown = shown_as or real_path
        self.file_format = "bcf"
        try:
            variant_file = pysam.VariantFile(real_path)
        except (ValueError, OSError) as exc:
            raise InputFileError(
                shown, f"cannot read the BCF ({exc})", "Check it with: bcftools view -h FILE"
            ) from None
        self._variant_file = variant_file
        text = str(variant_file.header).rstrip("\n").split("\n")
        self.header = parse_header([line.rstrip("\r") for line in text], shown)
        has_index = self._usable_index(real_path) is not None
        self.stats.region_method = "index" if has_index else "stream"

    def _open_bgzf_text(self) -> None:
        assert self._handle is not None
        reader = bgzf_mod.BgzfFile(self._handle)
        self._bgzf = reader
        lines: list[str] = []
        carry = b""
        for block in reader.iter_blocks(0):
            data = carry + block.data
            base = len(carry)
            if block.offset == 0 and data.startswith(_BOM):
                data, base = data[len(_BOM) :], base - len(_BOM)
            pos = 0
            done = False
            while pos < len(data):
                if data[pos : pos + 1] != b"#":
                    done = True
                    break
                nl = data.find(b"\n", pos)
                if nl < 0:
                    break
                lines.append(data[pos:nl].rstrip(b"\r").decode("utf-8", "replace"))
                pos = nl + 1
                if lines[-1].startswith("#CHROM"):
                    done = True
                    break
            if done:
                if not lines:
                    _check_text_start(data, self.path)
                within = pos - base
                if within >= 0:
                    self._data_start = (block.offset, within)
                else:  # the header ended in an earlier block; rare: start from that block
                    self._data_start = (0, 0)
                break
            carry = data[pos:]
        else:
            if carry:
                lines.append(carry.rstrip(b"\r").decode("utf-8", "replace"))
        if not lines:
            raise InputFileError(self.path, "the file is empty", "Give a VCF with records")
        _check_header_end(lines, self.path)
        self.header = parse_header(lines, self.path)
        self._index_path = self._usable_index(self.path)
        self.stats.region_method = "index" if self._index_path else "bgzf-bisection"

    def _usable_index(self, data_path: str) -> str | None:
        """``data_path`` + ``.tbi``/``.csi`` when present and not older than the data file."""
        for ext in (".tbi", ".csi"):
            index = data_path + ext
            if os.path.exists(index):
                if os.path.getmtime(index) + 1 < os.path.getmtime(data_path):
                    self.stats.notes.append(
                        f"{os.path.basename(index)} is older than the file and was not used "
                        f"(re-index: tabix -f -p vcf FILE, or bcftools index -f FILE)"
                    )
                    continue
                return index
        return None

    # -- contig names and build ------------------------------------------------------------------

    def _names_for(self, chrom: str) -> list[str]:
        """The file's contig names for canonical ``chrom``, from the header (or index)."""
        names = [c.name for c in self.header.contigs if self._canonical(c.name) == chrom]
        if not names and self._index_path:
            try:
                index_names = self._index().names
            except bgzf_mod.BgzfError:
                index_names = ()
            names = [n for n in index_names if self._canonical(n) == chrom]
        return names

    def _canonical(self, name: str) -> str | None:
        return self._aliases.get(name) or self._aliases.get(name.lower())

    def _header_hint(self, names: list[str]) -> HeaderHint:
        header = self.header
        contigs = [(c.name, c.length, c.assembly) for c in header.contigs]
        known = {c.name for c in header.contigs}
        contigs += [(n, None, None) for n in names if n not in known]
        return buildcheck.header_hint(
            contigs,
            {b: self._ref.assemblies[b].lengths for b in Build},
            {b: self._ref.assemblies[b].accessions for b in Build},
            self._aliases,
            header.reference,
            header.assembly,
        )

    @property
    def build_decision(self) -> BuildDecision:
        """The build used and why (reads the FOXP3 windows of both builds on first use)."""
        if self._decision is None:
            self._load_region()
            assert self._decision is not None
        return self._decision

    # -- line access -------------------------------------------------------------------------------

    def _lines(self, chrom: str, start: int, end: int) -> Iterator[tuple[int | None, bytes]]:
        """``(line number or None, line)`` for records on ``chrom`` ("X"/"Y") whose POS lies
        in ``[start + 1 - WINDOW_MARGIN, end]`` (0-based half-open ``[start, end)``)."""
        names = self._x_names if chrom == "X" else self._names_for("Y")
        method = self.stats.region_method
        if self.file_format == "bcf":
            yield from self._bcf_lines(chrom, names, start, end)
            return
        if method == "index":
            try:
                yield from self._index_lines(names, start, end)
                return
            except bgzf_mod.BgzfError as exc:
                self.stats.notes.append(f"index unusable ({exc}); bisecting the BGZF file")
                method = self.stats.region_method = "bgzf-bisection"
        if method == "bgzf-bisection":
            try:
                lines = self._bisect_lines(names, start, end)
            except bgzf_mod.UnsortedError as exc:
                self.stats.notes.append(f"bisection not possible ({exc}); streaming the file")
                self.stats.region_method = "stream"
            else:
                yield from lines
                return
        yield from self._stream_lines(chrom, start, end)

    def _index_lines(
        self, names: list[str], start: int, end: int
    ) -> Iterator[tuple[int | None, bytes]]:
        index = self._index()
        lo = max(0, start - WINDOW_MARGIN)
        starts = [(name, index.start_offset(name, lo, end)) for name in names]
        for name, voff in starts:  # before yielding anything: the caller may fall back
            if voff is not None:
                self._check_index_offset(name, voff)
        for name, voff in starts:
            if voff is None:
                continue
            target = name.encode()
            try:
                for line in self._bgzf.iter_lines(voff >> 16, voff & 0xFFFF):
                    contig, _, rest = line.partition(b"\t")
                    if contig != target:
                        if contig.startswith(b"#") or not contig:
                            continue
                        break
                    pos_text = rest.split(b"\t", 1)[0]
                    pos = int(pos_text) if pos_text.isdigit() else None
                    if pos is not None and pos > end:
                        break
                    if pos is None or pos > lo:
                        yield None, line
            except bgzf_mod.BgzfError as exc:
                raise InputFileError(self.path, str(exc), "Re-compress with bgzip") from None

    def _check_index_offset(self, name: str, voff: int) -> None:
        """Raise BgzfError when the index's offset for ``name`` does not land on a ``name``
        record: an index of another file (newer than this one, so not caught by its age)."""
        try:
            for line in self._bgzf.iter_lines(voff >> 16, voff & 0xFFFF):
                if line.startswith(b"#") or not line:
                    continue
                if line.partition(b"\t")[0] == name.encode():
                    return
                break
        except bgzf_mod.BgzfError:
            pass
        assert self._index_path is not None
        raise bgzf_mod.BgzfError(
            f"{os.path.basename(self._index_path)} does not belong to this file (its offset "
            f"for {name} does not land on a {name} record; re-index: tabix -f -p vcf FILE)"
        )

    def _index(self) -> bgzf_mod.TabixIndex:
        """The parsed index (read once)."""
        if self._tabix is None:
            assert self._index_path is not None
            header_names = tuple(c.name for c in self.header.contigs)
            self._tabix = bgzf_mod.read_index(self._index_path, header_names)
        return self._tabix

    def _bisect_lines(
        self, names: list[str], start: int, end: int
    ) -> list[tuple[int | None, bytes]]:
        """Lines in the window found by bisection; raises UnsortedError to fall back."""
        if not names:
            raise bgzf_mod.UnsortedError("the header's ##contig lines do not name this chromosome")
        ranks = {n.encode(): r for n, r in self._ranks.items()}

        def key(line: bytes) -> tuple[int, int] | None:
            if not line or line[:1] == b"#":
                return None
            parts = line.split(b"\t", 2)
            rank = ranks.get(parts[0])
            if rank is None:
                raise bgzf_mod.UnsortedError(
                    f"contig {parts[0][:40].decode('utf-8', 'replace')!r} is not in the header"
                )
            if len(parts) < 2 or not parts[1].isdigit():
                return None
            return rank, int(parts[1])

        lo = max(0, start - WINDOW_MARGIN)
        found: list[tuple[int | None, bytes]] = []
        data_block, data_within = self._data_start
        try:
            for name in names:
                rank = self._ranks[name]
                offset = bgzf_mod.bisect_blocks(self._bgzf, data_block, (rank, lo), key)
                if offset == data_block:
                    lines = self._bgzf.iter_lines(data_block, data_within)
                else:
                    lines = self._bgzf.iter_lines(offset, skip_partial=True)
                previous: tuple[int, int] | None = None
                for line in lines:
                    here = key(line)
                    if here is None:
                        continue
                    if previous is not None and here < previous:
                        raise bgzf_mod.UnsortedError("records out of order")
                    previous = here
                    if here[0] > rank or (here[0] == rank and here[1] > end):
                        break
                    if here[0] == rank and here[1] > lo:
                        found.append((None, line))
        except bgzf_mod.BgzfError as exc:
            raise InputFileError(self.path, str(exc), "Re-compress with bgzip") from None
        return found

    def _bcf_lines(
        self, chrom: str, names: list[str], start: int, end: int
    ) -> Iterator[tuple[int | None, bytes]]:
        variant_file = self._variant_file
        assert variant_file is not None
        lo = max(0, start - WINDOW_MARGIN)
        try:
            if self.stats.region_method == "index":
                contigs = set(variant_file.header.contigs)
                try:
                    fetched = [
                        variant_file.fetch(name, lo, end) for name in names if name in contigs
                    ]
                except ValueError as exc:  # a contig the header declares: the index is bad
                    self.stats.notes.append(f"index unusable ({exc}); reading the whole BCF")
                    self.stats.region_method = "stream"
                else:
                    for records in fetched:
                        for rec in records:
                            yield None, str(rec).encode()
                    return
            variant_file.reset()
            wanted = set(names) or {n for n, c in self._aliases.items() if c == chrom}
            for rec in variant_file:
                if rec.chrom in wanted and lo < rec.pos <= end:
                    yield None, str(rec).encode()
        except (OSError, ValueError) as exc:
            raise InputFileError(
                self.path, f"cannot read the BCF records ({exc})", "Check: bcftools view FILE"
            ) from None

    def _stream_lines(self, chrom: str, start: int, end: int) -> Iterator[tuple[int | None, bytes]]:
        """Lines from the chrX/chrY spool (filled on first use by one pass over the file)."""
        if self._spool is None:
            self._fill_spool()
        spool = self._spool
        assert spool is not None
        spool.seek(0)
        lo = max(0, start - WINDOW_MARGIN)
        names = {n.encode() for n, c in self._aliases.items() if c == chrom}
        while True:
            head = spool.readline()
            if not head:
                return
            first_line, size = (int(x) for x in head.split())
            block = spool.read(size)
            for number, line in enumerate(block.split(b"\n"), start=first_line):
                contig, _, rest = line.partition(b"\t")
                if contig not in names:
                    continue
                pos_text = rest.split(b"\t", 1)[0]
                if pos_text.isdigit() and not lo < int(pos_text) <= end:
                    continue
                yield number, line.rstrip(b"\r")

    def _fill_spool(self) -> None:
        """One pass over the whole file keeping the lines on chrX/chrY (any alias)."""
        # the header's names plus the common spellings (records may use a name the header
        # does not declare; htslib accepts that too); every alias when the header has none.
        # Each name absent from the file costs one scan of the data.
        declared = set(self._x_names + self._names_for("Y"))
        common = {"chrX", "chrY", "X", "Y"}
        if not declared:
            common |= {n for n, c in self._aliases.items() if c in ("X", "Y") and n.lower() != n}
            common |= {n for n in self._aliases if n.isdigit()}
        names = sorted(declared | common)
        patterns = [name.encode() + b"\t" for name in names]
        if self._spool_error is not None:
            raise self._spool_error
        import tempfile

        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed here or in close()
        try:
            self._fill(spool, patterns)
        except InputFileError as exc:
            spool.close()
            self._spool_error = exc
            raise
        self._spool = spool

    def _fill(self, spool: IO[bytes], patterns: list[bytes]) -> None:
        """Copy the stretches of the file holding chrX/chrY lines into ``spool``.

        Each decompressed chunk is searched (at C speed) for the first and the last line that
        starts with one of ``patterns``; that stretch is written as one block
        (``"<first line number> <bytes>\\n"`` then the bytes). Other lines inside a stretch
        (unsorted files) are filtered when the spool is read.
        """
        if self._stdin_rest is not None:  # a stream: its first pass is the only one
            rest, chunks = self._stdin_rest
            line_no = self.header.n_lines
        else:
            rest, chunks, line_no = self._reopen_body()
        needles = [b"\n" + pattern for pattern in patterns]
        buffer = b""
        on_progress = self.on_progress
        for chunk in _chain(rest, chunks):
            if on_progress is not None:
                on_progress(len(chunk))
            buffer += chunk
            cut = buffer.rfind(b"\n")
            if cut < 0:
                continue
            body, buffer = buffer[: cut + 1], buffer[cut + 1 :]
            line_no = self._spool_block(spool, body, line_no, patterns, needles)
        if buffer:
            self._spool_block(spool, buffer + b"\n", line_no, patterns, needles)
        spool.flush()
        spool.seek(0)
        if self.stats.contig_name is None:
            seen = self._first_x_contig(spool)
            if seen:
                self.stats.contig_name = seen
                self._hint = self._header_hint([seen])
                self.stats.header_build_hint = self._hint.build

    @staticmethod
    def _spool_block(
        spool: IO[bytes], body: bytes, line_no: int, patterns: list[bytes], needles: list[bytes]
    ) -> int:
        """Spool the chrX/chrY stretch of ``body`` (whole lines); returns the new line count."""
        first, last = -1, -1
        for pattern, needle in zip(patterns, needles, strict=True):
            if body.startswith(pattern):
                at = 0
            else:
                at = body.find(needle)
                if at < 0:
                    continue
                at += 1
            first = at if first < 0 else min(first, at)
            final = body.rfind(needle)
            last = max(last, final + 1 if final >= 0 else at)
        if first >= 0:
            stop = body.find(b"\n", last)
            block = body[first:stop]
            spool.write(b"%d %d\n" % (line_no + 1 + body.count(b"\n", 0, first), len(block)))
            spool.write(block)
        return line_no + body.count(b"\n")

    def _first_x_contig(self, spool: IO[bytes]) -> str | None:
        head = spool.readline()
        while head:
            _, size = (int(x) for x in head.split())
            for line in spool.read(size).split(b"\n"):
                contig = line.split(b"\t", 1)[0].decode("utf-8", "replace")
                if self._canonical(contig) == "X":
                    return contig
            head = spool.readline()
        return None

    def _reopen_body(self) -> tuple[bytes, Iterator[bytes], int]:
        assert self._handle is not None
        self._handle.seek(0)
        if self.file_format in ("gzip", "bgzf"):
            chunks = _decompressed_chunks(self._handle, self.path)
        else:
            chunks = _plain_chunks(self._handle)
        lines, rest = _read_header(chunks, self.path)
        return rest, chunks, len(lines)

    # -- records ---------------------------------------------------------------------------------

    def _load_region(self) -> None:
        """Read both builds' FOXP3 windows once, tally REF agreement and decide the build."""
        loci = self._ref.loci
        start = min(locus.start for locus in loci.values())
        end = max(locus.end for locus in loci.values())
        raws: list[_Raw] = []
        n_samples = len(self.samples)
        tallies = {b: [0, 0, 0] for b in Build}
        for line_no, line in self._lines("X", start, end):
            self.stats.records_read += 1
            text = line.decode("utf-8", "replace")
            try:
                raw = _parse_raw(text, line_no, n_samples)
            except _Bad as bad:
                detail = bad.detail
                if line_no is None:  # index, bisection, BCF: say which record instead
                    detail += f" (record {text[:40]!r}...)"
                self.stats.count(bad.reason, self.path, line_no, detail)
                continue
            raws.append(raw)
            if not set(raw.ref) <= _ACGT:
                continue
            for build, locus in loci.items():
                if locus.contains(raw.start, raw.end):
                    tally = tallies[build]
                    if locus.fetch(raw.start, raw.end) == raw.ref:
                        tally[0] += 1
                        tally[2] += len(raw.ref)
                    else:
                        tally[1] += 1
        self._region = raws
        ref_tally = RefTally(
            grch38=WindowTally(*tallies[Build.GRCH38]),
            grch37=WindowTally(*tallies[Build.GRCH37]),
        )
        self._decision = buildcheck.decide(self._hint, ref_tally, self._override)

    def locus_records(self) -> Iterator[VariantRecord]:
        """Records overlapping the bundled FOXP3 locus of the decided build, one per ALT.

        Raises :class:`BuildMismatchError` when the build is contradicted (header vs REF) or
        cannot be decided while there are records to place; pass ``build=`` to override.
        """
        decision = self.build_decision
        assert self._region is not None
        build = decision.build
        if build is None:
            if decision.mismatch or self._region:
                raise BuildMismatchError(f"{self.path}: {decision.message}")
            return
        if self._locus is None:  # expanded (and counted) once; the region is small
            locus = self._ref.locus(build)
            found: list[VariantRecord] = []
            for raw in self._region:
                if raw.start < locus.end and locus.start < max(raw.end, raw.start + 1):
                    self.stats.records_in_region += 1
                    found.extend(self._expand(raw, build, self.stats.count, check_ref=True))
            self._locus = found
        yield from self._locus

    def chrom_records(self, chrom: str = "X", *, non_par: bool = True) -> Iterator[VariantRecord]:
        """Every record on chrX or chrY (any alias), split per ALT; PAR records left out when
        ``non_par``. REF is checked where the bundled locus covers it. Records read and skips
        add up over calls in ``stats.chrom_records_read`` and ``stats.chrom_skipped``.
        """
        canonical = self._canonical(chrom)
        if canonical not in ("X", "Y"):
            raise UsageError(f"chrom_records reads chrX or chrY, not {chrom!r}")
        # the decision reads the FOXP3 windows: cheap with an index or bisection, and a stream
        # fills the chrX/chrY spool that this request reads anyway
        build = self.build_decision.build or self._override or self._hint.build
        pars = (
            [self._ref.assemblies[build]]
            if build is not None
            else [self._ref.assemblies[b] for b in Build]
        )
        length = max(self._ref.assemblies[b].lengths[canonical] for b in Build)
        stats = self.stats

        def count(reason: SkipReason, source: str, line: int | None, detail: str) -> None:
            name = _REASON_NAMES[reason]
            stats.chrom_skipped[name] = stats.chrom_skipped.get(name, 0) + 1

        n_samples = len(self.samples)
        for line_no, line in self._lines(canonical, 0, length):
            stats.chrom_records_read += 1
            try:
                raw = _parse_raw(line.decode("utf-8", "replace"), line_no, n_samples)
            except _Bad as bad:
                count(bad.reason, self.path, line_no, bad.detail)
                continue
            if non_par and any(a.in_par(canonical, raw.pos) for a in pars):
                continue
            yield from self._expand(raw, build, count, check_ref=canonical == "X")

    def _expand(
        self,
        raw: _Raw,
        build: Build | None,
        count: Callable[[SkipReason, str, int | None, str], None],
        check_ref: bool,
    ) -> Iterator[VariantRecord]:
        source = self.path
        if raw.alts == ["."]:
            count(SkipReason.NO_ALT, source, raw.line, "ALT is '.' (reference-only site)")
            return
        if not set(raw.ref) <= _ACGT:
            count(SkipReason.REF_NOT_ACGT, source, raw.line, f"REF {raw.ref[:40]} is not ACGT")
            return
        filters = () if raw.filter in (".", "") else tuple(raw.filter.split(";"))
        if self.pass_only and filters not in ((), ("PASS",)):
            count(SkipReason.NOT_PASS, source, raw.line, f"FILTER {raw.filter}")
            return
        n_alts = len(raw.alts)
        usable: list[tuple[int, str]] = []
        for index, alt in enumerate(raw.alts, start=1):
            problem = _alt_problem(alt)
            if problem is not None and problem[0] is SkipReason.MALFORMED_ALT:
                count(problem[0], source, raw.line, problem[1])
                return
            if problem is None:
                usable.append((index, alt.upper()))
            elif problem[0] is SkipReason.NON_REF_ALLELE and n_alts == 1:
                count(SkipReason.GVCF_REFERENCE_BLOCK, source, raw.line, "ALT is only " + alt)
            else:
                count(problem[0], source, raw.line, problem[1])
        if not usable:
            return
        flags: list[str] = []
        if check_ref and build is not None:
            locus = self._ref.locus(build)
            if locus.contains(raw.start, raw.end):
                if locus.fetch(raw.start, raw.end) != raw.ref:
                    flags.append(FLAG_REF_MISMATCH)
                    if count == self.stats.count:
                        self.stats.ref_mismatches += 1
            elif raw.start < locus.end and locus.start < raw.end:
                flags.append(FLAG_REF_UNCHECKED)
        if n_alts > 1:
            flags.append(FLAG_MULTIALLELIC)
        info = self._info_items(raw.info)
        qual = None if raw.qual == "." else float(raw.qual)
        try:
            columns = (
                SampleColumns(raw.format, raw.samples, len(self.samples))
                if raw.format is not None and self.samples
                else None
            )
            calls_per_alt: list[Sequence[Call]] = [
                () if columns is None else SampleCalls(columns, index, n_alts)
                for index, _ in usable
            ]
        except ValueError as exc:
            count(SkipReason.MALFORMED_GENOTYPE, source, raw.line, str(exc))
            return
        canonical = self._canonical(raw.contig) or raw.contig
        for (index, alt), calls in zip(usable, calls_per_alt, strict=True):
            yield VariantRecord(
                source=source,
                line=raw.line,
                contig=raw.contig,
                chrom=canonical,
                pos=raw.pos,
                ref=raw.ref,
                alt=alt,
                alt_index=index,
                n_alts=n_alts,
                id=None if raw.id == "." else raw.id,
                qual=qual,
                filters=filters,
                info=tuple(self._split_info(info, index, n_alts)),
                calls=calls,
                flags=tuple(flags),
            )

    def _info_items(self, text: str) -> dict[str, str]:
        if not self.info_fields or text in (".", ""):
            return {}
        wanted = set(self.info_fields)
        out = {}
        for item in text.split(";"):
            key, sep, value = item.partition("=")
            if key in wanted:
                out[key] = value if sep else ""
        return out

    def _split_info(
        self, info: dict[str, str], index: int, n_alts: int
    ) -> Iterator[tuple[str, str]]:
        for key in self.info_fields:
            if key not in info:
                continue
            value = info[key]
            number = self.header.info_number.get(key)
            parts = value.split(",")
            if number == "A" and len(parts) == n_alts:
                value = parts[index - 1]
            elif number == "R" and len(parts) == n_alts + 1:
                value = f"{parts[0]},{parts[index]}"
            yield key, value

    # -- lifetime --------------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for resource in (self._handle, self._spool, self._variant_file):
            if resource is not None:
                with contextlib.suppress(OSError, ValueError):
                    resource.close()
        for name in self._tempfiles:
            with contextlib.suppress(OSError):
                os.unlink(name)

    def __enter__(self) -> VcfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - safety net
        with contextlib.suppress(Exception):
            self.close()


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def write_bgzf_indexed(text: str, path: str | os.PathLike[str]) -> None:
    """Write VCF ``text`` to ``path`` bgzipped, with a tabix index beside it (``path.tbi``).

    Both files are built in a hidden temporary directory next to ``path`` and renamed into
    place, so an interrupted run leaves neither a partial file nor a stale pair.
    """
    import shutil
    import tempfile

    import pysam

    dest = Path(path)
    with tempfile.TemporaryDirectory(dir=dest.parent or ".", prefix=".ipex-") as tmp:
        plain = Path(tmp) / "out.vcf"
        plain.write_text(text)
        compressed = Path(tmp) / "out.vcf.gz"
        try:
            pysam.tabix_compress(str(plain), str(compressed), force=True)
            pysam.tabix_index(str(compressed), preset="vcf", force=True)
        except (OSError, ValueError) as exc:
            raise InputFileError(str(dest), f"cannot bgzip/index the output ({exc})") from exc
        os.replace(compressed, dest)
        os.replace(Path(str(compressed) + ".tbi"), Path(str(dest) + ".tbi"))
        shutil.rmtree(tmp, ignore_errors=True)
