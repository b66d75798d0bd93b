"""The annotated VCF of a BGZF input, written as BGZF with the input's unchanged blocks copied.

With ``--scope all -o x.vcf.gz`` every record outside the FOXP3 locus is written as read, and
compressing them again was most of the run (measured on the 4M-record WGS file of
``bench/speed_bench.py``: 5.2 s of 7.6 s, against 8.9 s for ``bcftools view -Oz`` + ``tabix``).
BGZF blocks are independent gzip members, so a block none of whose bytes belong to an annotated
line (or to the header) is copied as it is, compressed bytes and all; the blocks that do are
decompressed, annotated by :mod:`ipexcli.report.vcf_out` and compressed again, from block
boundary to block boundary. The bytes of the output are those :func:`vcf_out.write` gives
(tests/report/test_vcf_blocks.py compares them); only the block layout differs. Every input
block read is checked (CRC32 and size, :mod:`ipexcli.vcf.bgzf`) before it is copied.

It applies when the input is a seekable BGZF text VCF and the report knows its records by
POS/REF/ALT (read through an index or by bisection: no line numbers); otherwise
:func:`write` returns None and the caller compresses the whole stream.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ipexcli.errors import InputFileError
from ipexcli.vcf.bgzf import BgzfFile, Block

if TYPE_CHECKING:
    from ipexcli.report.vcf_out import Prepared
    from ipexcli.result import Report

#: uncompressed bytes per written block (htslib's BGZF_BLOCK_SIZE)
_BLOCK_INPUT = 0xFF00
_LEVEL = 6  #: zlib's default, as htslib's bgzf writes


def _block(data: bytes) -> bytes:
    """One BGZF block holding ``data`` (at most 64 KiB compressed)."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    payload = packer.compress(data) + packer.flush()
    size = 18 + len(payload) + 8
    return (
        b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
        + struct.pack("<H", size - 1)
        + payload
        + struct.pack("<II", zlib.crc32(data), len(data))
    )


def _compress(data: bytes) -> bytes:
    return b"".join(_block(data[i : i + _BLOCK_INPUT])
                    for i in range(0, len(data), _BLOCK_INPUT))


def write(report: Report, out_path: Path, *, scope: str, source: str | None = None
          ) -> list[str] | None:
    """Write the annotated VCF of the report's one input to ``out_path`` (BGZF, with the EOF
    block) copying unchanged blocks; returns the warnings of :func:`vcf_out.write`, or None
    (nothing written) when this way does not apply (see the module)."""
    from ipexcli.report import vcf_out
    from ipexcli.vcf import bgzf as bgzf_mod

    if scope != "all" or len(report.inputs) != 1:
        return None
    item = report.inputs[0]
    if any(record.line is not None for record in item.records):
        return None
    try:
        handle = open(source or item.path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return None
    with handle:
        if not handle.seekable() or not bgzf_mod.is_bgzf(handle.read(18)):
            return None
        reader = bgzf_mod.BgzfFile(handle)
        try:
            blocks = reader.iter_blocks(0)
            text = b""
            for block in blocks:
                text += block.data
                if text.startswith(b"BCF"):
                    return None
                end = _header_end(text)
                if end is not None:
                    break
            else:
                return None
            header = text[:end].splitlines(keepends=True)
            if not header or not header[-1].startswith(b"#CHROM"):
                return None  # no #CHROM line: the general writer says what it makes of it
            prepared = vcf_out.prepare(report, scope=scope)
            with open(out_path, "wb") as out:
                dirty = _Dirty(prepared, out)
                dirty.add(prepared.header(header), True)
                rest = Block(-1, -1, text[end:])  # the records in the header's last block
                _copy(reader, chain([rest], blocks), prepared, dirty)
                out.write(bgzf_mod.EOF_MARKER)
        except bgzf_mod.BgzfError as exc:
            raise InputFileError(item.path, str(exc), bgzf_mod.hint_for(exc)) from None
    return prepared.warnings()


def _copy(reader: BgzfFile, blocks: Iterable[Block], prepared: Prepared, dirty: _Dirty
          ) -> None:
    """Write the record blocks: a block is final once the line going on past it is complete;
    then it is copied, unless a line touching it is annotated (it joins ``dirty``)."""
    prefix = prepared.scope.prefix
    pending: list[list[Any]] = []  # [block, rewritten?] read, not yet written
    carry = b""  # the start of the line going on into the next block
    carry_at = 0  # the index in ``pending`` of the block where that line starts
    for block in blocks:
        data = block.data
        if not data:
            continue  # an empty block (the EOF marker is written at the end)
        # the header's last block (offset -1) is rewritten: it follows the new header
        pending.append([block, block.offset < 0])
        if not carry:
            carry_at = len(pending) - 1
        cut = data.rfind(b"\n")
        if cut < 0:
            carry += data
            continue
        lines = carry + data[: cut + 1]
        if (lines.startswith(prefix) or b"\n" + prefix in lines) and _in_scope(prepared, lines):
            for entry in pending[carry_at:]:
                entry[1] = True
        carry = data[cut + 1 :]
        done = len(pending) - 1  # the blocks before this one are final
        _emit(reader, pending[:done], dirty)
        del pending[:done]
        carry_at = 0
    if carry:  # the last line has no newline: written with one, as vcf_out.write does
        for entry in pending[carry_at:]:
            entry[1] = True
    _emit(reader, pending, dirty)
    if carry:
        dirty.add(b"\n")
    dirty.flush()


def _emit(reader: BgzfFile, entries: list[list[Any]], dirty: _Dirty) -> None:
    for block, rewritten in entries:
        if rewritten:
            dirty.add(block.data)
        else:
            dirty.flush()
            reader.handle.seek(block.offset)
            dirty.out.write(reader.handle.read(block.next_offset - block.offset))
            dirty.line_start = block.data.endswith(b"\n")


def _header_end(text: bytes) -> int | None:
    """The offset just past the ``#CHROM`` line (or of the first record) in ``text``, or None
    when the header goes on."""
    pos = 0
    while pos < len(text):
        if text[pos : pos + 1] != b"#":
            return pos
        nl = text.find(b"\n", pos)
        if nl < 0:
            return None
        if text.startswith(b"#CHROM", pos):
            return nl + 1
        pos = nl + 1
    return None


def _in_scope(prepared: Prepared, lines: bytes) -> bool:
    """Whether one of the complete ``lines`` is annotated (on the scope's contig, in the
    locus by its reach), as :func:`vcf_out._write_body` decides."""
    prefix = prepared.scope.prefix
    hit = 0 if lines.startswith(prefix) else lines.find(b"\n" + prefix) + 1
    while hit > 0 or (hit == 0 and lines.startswith(prefix)):
        stop = lines.find(b"\n", hit)
        cols = lines[hit : stop + 1 if stop >= 0 else len(lines)].split(b"\t", 8)
        if len(cols) >= 8 and prepared.scope.overlaps(cols):
            return True
        if stop < 0:
            return False
        hit = lines.find(b"\n" + prefix, stop) + 1
        if hit == 0:
            return False
    return False


class _Dirty:
    """Consecutive rewritten bytes: annotated and compressed when a copied block follows."""

    def __init__(self, prepared: Prepared, out: IO[bytes]) -> None:
        self.prepared = prepared
        self.out = out
        self.parts: list[bytes] = []
        self.at_line_start = True  #: the buffered bytes start at a line's start
        #: whether a line starts with the next byte written (the last copied block ended one)
        self.line_start = True

    def add(self, data: bytes, at_line_start: bool = False) -> None:
        """Buffer ``data`` (``at_line_start``: a line starts with it, when it comes first)."""
        if not self.parts:
            self.at_line_start = at_line_start or self.line_start
        self.parts.append(data)

    def flush(self) -> None:
        if not self.parts:
            return
        data = b"".join(self.parts)
        self.parts = []
        head = b""
        if not self.at_line_start:  # the end of a line that a copied block began
            cut = data.find(b"\n") + 1
            head, data = data[:cut], data[cut:]
        cut = data.rfind(b"\n") + 1
        body, tail = data[:cut], data[cut:]
        buffer = io.BytesIO()
        buffer.write(head)
        self.prepared.body(body, 0, buffer)
        buffer.write(tail)  # the start of a line that a copied block ends
        self.out.write(_compress(buffer.getvalue()))
