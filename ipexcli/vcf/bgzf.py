"""BGZF block access in pure Python (``zlib`` and ``struct`` only).

BGZF (the SAM/BAM specification, section 4.1) is a series of gzip members ("blocks") of at
most 64 KiB, each carrying its own compressed size in a ``BC`` extra subfield; a file ends with a
fixed 28-byte empty block (the EOF marker). That makes three things cheap without htslib:

* finding a block boundary from any byte offset (:meth:`BgzfFile.next_block`),
* reading from a *virtual offset* ``(compressed block offset << 16) | offset in block``
  (what ``.tbi``/``.csi`` indexes store),
* bisection over a coordinate-sorted file (:func:`bisect_blocks`).

Nothing here knows about VCF: callers pass a ``key`` function that turns a line into a sortable
key. The reader (:mod:`ipexcli.vcf`) is the only user; tabix/CSI indexes are read in
:mod:`ipexcli.vcf.index`. Offsets here are byte offsets in the compressed file (``offset``) or
in a block's decompressed data (``within``).
"""

from __future__ import annotations

import mmap
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

#: the empty block every BGZF file ends with
EOF_MARKER = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_MAGIC = b"\x1f\x8b\x08\x04"
_MAX_BLOCK = 1 << 16
_TRAILER = struct.Struct("<II")  #: a gzip member's CRC32 and ISIZE
_HEAD = struct.Struct("<4s8x2s2xH")  #: a block header's magic, "BC" subfield id and BSIZE - 1

#: a sort key: anything ordered (e.g. ``(contig rank, pos)``)
K = Any


class BgzfError(Exception):
    """The bytes are not valid BGZF (corrupt or truncated block)."""


class LineTooLong(BgzfError):
    """#15: a line longer than :attr:`BgzfFile.max_line` (the reader turns it into a data
    error)."""


def hint_for(exc: BgzfError) -> str | None:
    """What to do about ``exc`` (a :class:`LineTooLong` says it in its message)."""
    return None if isinstance(exc, LineTooLong) else "Re-compress with bgzip"


class UnsortedError(Exception):
    """Bisection met keys out of order: the file is not sorted as assumed."""


class NotBisectable(UnsortedError):
    """Bisection cannot look for a chromosome the header's contig lines do not name (the order
    of the file is not in doubt)."""


def is_bgzf(head: bytes) -> bool:
    """True when ``head`` (the first 18+ bytes of a file) starts a BGZF block.

    >>> is_bgzf(EOF_MARKER), is_bgzf(b"\\x1f\\x8b\\x08\\x00" + bytes(14))
    (True, False)
    """
    return (
        len(head) >= 18
        and head[:4] == _MAGIC
        and head[12:14] == b"BC"
        and struct.unpack_from("<H", head, 14)[0] == 2
    )


def has_eof_marker(handle: BinaryIO) -> bool:
    """True when the (seekable) file ends with the BGZF EOF block."""
    handle.seek(0, 2)
    size = handle.tell()
    if size < len(EOF_MARKER):
        return False
    handle.seek(size - len(EOF_MARKER))
    return handle.read(len(EOF_MARKER)) == EOF_MARKER


def block_chain(handle: BinaryIO, size: int) -> tuple[list[int], int]:
    """#15: the offset of every BGZF block, following each header's BSIZE from byte 0, and
    where the chain stops: ``size`` when it reaches the file's end exactly, else the offset of the
    first place that holds no block header (or the end a last block claims past the file).

    Only the 18-byte headers are read (through ``mmap``): ~2-4 ms for the 3,600 blocks of a
    36 MB WGS file (:func:`ipexcli.vcf.indexcheck.check_layout`).
    """
    starts: list[int] = []
    try:
        view: Any = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (AttributeError, OSError, ValueError):  # not a plain file: read the headers
        handle.seek(0)
        view = handle.read()
    try:
        unpack = _HEAD.unpack_from
        add = starts.append
        at = 0
        last = size - 18
        while at <= last:
            magic, bc, bsize = unpack(view, at)
            if magic != _MAGIC or bc != b"BC":
                break
            add(at)
            at += bsize + 1
        return starts, at
    finally:
        if isinstance(view, mmap.mmap):
            view.close()


def locate_from_end(handle: BinaryIO, size: int, n_bytes: int) -> tuple[int, int] | None:
    """#15: the virtual position ``(block offset, offset in its data)`` of the decompressed byte
    ``n_bytes`` before the end of the data (from the blocks' ISIZE fields, no inflating), or None
    when the block chain is broken."""
    chain, stop = block_chain(handle, size)
    if stop != size or not chain:
        return None
    ends = [*chain[1:], size]
    left = n_bytes
    for start, end in zip(reversed(chain), reversed(ends), strict=True):
        handle.seek(end - 4)
        isize = struct.unpack("<I", handle.read(4))[0]
        if left <= isize:
            return start, isize - left
        left -= isize
    return None


@dataclass(frozen=True, slots=True)
class Block:
    """One decompressed BGZF block; ``offset`` is its compressed file offset."""

    offset: int
    next_offset: int
    data: bytes


class BgzfFile:
    """Random access to the blocks of a seekable BGZF file."""

    def __init__(self, handle: BinaryIO, max_line: int = 100 << 20) -> None:
        self.handle = handle
        handle.seek(0, 2)
        self.size = handle.tell()
        #: #15: the last line :meth:`iter_lines` gave that had no newline (the data ends there:
        #: a record cut short when it is damaged); compared by identity
        self.cut_tail: bytes | None = None
        self._recent: dict[int, Block] = {}
        #: #15: the longest line :meth:`iter_lines` holds (bytes)
        self.max_line = max_line
        #: set by :func:`ipexcli.vcf.bgzf_text.check_order` once the record order was checked
        self.order_checked = False
        #: #14: the bisection probes of :mod:`ipexcli.vcf.bgzf_text` (see :func:`bisect_blocks`)
        self.probes: dict[int, tuple[int, Any]] = {}

    def read_block(self, offset: int) -> Block:
        """Decompress the block starting at compressed ``offset`` (the last few are kept:
        index checks and bisection read the same blocks again)."""
        block = self._recent.get(offset)
        if block is None:
            block = self._read_block(offset)
            if len(self._recent) >= 8:
                self._recent.pop(next(iter(self._recent)))
            self._recent[offset] = block
        return block

    def _read_block(self, offset: int) -> Block:
        handle = self.handle
        handle.seek(offset)
        head = handle.read(18)
        if not is_bgzf(head):
            raise BgzfError(f"no BGZF block at byte {offset}")
        xlen = struct.unpack_from("<H", head, 10)[0]
        bsize = struct.unpack_from("<H", head, 16)[0] + 1
        rest = handle.read(bsize - 18)
        if len(rest) != bsize - 18:
            raise BgzfError(f"BGZF block at byte {offset} is cut short (truncated file)")
        payload = rest[xlen - 6 : -8]
        try:
            data = zlib.decompress(payload, -15)
        except zlib.error as exc:
            raise BgzfError(f"BGZF block at byte {offset} is corrupt ({exc})") from exc
        # #15: the gzip trailer (CRC32 and ISIZE) is checked on every path, as gzip -t and
        # htslib do; zlib.crc32 runs at several GB/s, ~10 us for a full 64 KiB block
        crc, isize = _TRAILER.unpack_from(rest, len(rest) - 8)
        if isize != len(data) or crc != zlib.crc32(data):
            raise BgzfError(
                f"BGZF block at byte {offset} is corrupt (its CRC32 or size check fails)"
            )
        return Block(offset, offset + bsize, data)

    def next_block(self, offset: int) -> int:
        """Offset of the first block starting at or after ``offset`` (``self.size`` if none)."""
        handle = self.handle
        while offset < self.size:
            handle.seek(offset)
            window = handle.read(2 * _MAX_BLOCK + 18)
            start = 0
            while True:
                hit = window.find(_MAGIC, start)
                if hit < 0 or hit + 18 > len(window):
                    break
                if is_bgzf(window[hit : hit + 18]) and self._plausible(offset + hit):
                    return offset + hit
                start = hit + 1
            if len(window) < 2 * _MAX_BLOCK + 18:
                return self.size
            offset += 2 * _MAX_BLOCK
        return self.size

    def _plausible(self, offset: int) -> bool:
        """A block header whose successor is also a block header (or the file end)."""
        self.handle.seek(offset)
        head = self.handle.read(18)
        bsize = struct.unpack_from("<H", head, 16)[0] + 1
        following = offset + bsize
        if following == self.size:
            return True
        if following > self.size:
            return False
        self.handle.seek(following)
        return is_bgzf(self.handle.read(18))

    def iter_blocks(self, offset: int) -> Iterator[Block]:
        """Blocks from ``offset`` to the end of the file."""
        while offset < self.size:
            block = self.read_block(offset)
            yield block
            offset = block.next_offset

    def iter_lines(
        self, offset: int, within: int = 0, skip_partial: bool = False
    ) -> Iterator[bytes]:
        """Lines (without terminator) from virtual position (``offset``, ``within``) onwards.

        With ``skip_partial`` the text up to the first newline is dropped (a block found by
        :meth:`next_block` usually starts inside a line).
        """
        carry: list[bytes] = []  # the pieces of a line going on into the next block
        held = 0
        first = True
        for block in self.iter_blocks(offset):
            data = block.data[within:] if first else block.data
            if first and skip_partial:
                cut = data.find(b"\n")
                if cut < 0:
                    continue  # the partial line goes on into the next block
                data = data[cut + 1 :]
            first = False
            if not data:
                continue
            if b"\n" not in data:  # pieces are joined once (no quadratic copying)
                carry.append(data)
                held += len(data)
                if held > self.max_line:  # #15: a line is never held past the limit
                    raise LineTooLong(
                        f"a line in the BGZF block at byte {block.offset} is longer than "
                        f"{self.max_line / (1 << 20):g} MB (not a VCF line, or a damaged "
                        "file; --max-line-mb raises the limit)"
                    )
                continue
            lines = data.split(b"\n")
            if carry:
                carry.append(lines[0])
                lines[0] = b"".join(carry)
            tail = lines.pop()
            carry, held = ([tail], len(tail)) if tail else ([], 0)
            yield from lines
        if carry:
            self.cut_tail = b"".join(carry)
            yield self.cut_tail

    def first_line_key(self, offset: int, key: Callable[[bytes], K | None]) -> K | None:
        """Key of the first complete line starting after the first newline of block ``offset``.

        Lines for which ``key`` returns None (header lines) are passed over.
        """
        for line in self.iter_lines(offset, skip_partial=True):
            found = key(line)
            if found is not None:
                return found
        return None


def bisect_blocks(
    bgzf: BgzfFile,
    lo: int,
    target: K,
    key: Callable[[bytes], K | None],
    probes: dict[int, tuple[int, K | None]] | None = None,
) -> int:
    """The offset of the last block whose first complete record sorts before ``target``.

    ``lo`` is the block holding the first record (scanning from there is always safe). Every
    probed key must lie between the keys already seen on either side; otherwise the file is not
    sorted and :class:`UnsortedError` is raised (the caller then streams the whole file).
    ``probes`` (#14) keeps ``mid -> (block, key of its first record)`` across bisections of one
    file with one ``key``: the first probes of every bisection are the same blocks (the sex
    scan's windows bisect chrX some twenty times), each then inflated once.
    """
    hi = bgzf.size
    key_lo: K | None = None
    key_hi: K | None = None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        known = probes.get(mid) if probes is not None else None
        if known is not None:
            probe, found = known
        else:
            probe = bgzf.next_block(mid)
            found = bgzf.first_line_key(probe, key) if probe < hi else None
            if probes is not None and probe < hi:
                probes[mid] = (probe, found)
        if probe >= hi:
            hi = mid
            continue
        if found is None:  # no record after this point
            hi = probe
            continue
        if (key_lo is not None and found < key_lo) or (key_hi is not None and found > key_hi):
            raise UnsortedError(f"records out of order near byte {probe}")
        if found < target:
            lo, key_lo = probe, found
        else:
            hi, key_hi = probe, found
    return lo
