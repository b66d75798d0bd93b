"""Does an index belong to this BGZF file, and do the file's blocks still match it (#15)?

:func:`belongs_to` trusts an index only when its offsets land on records of the sequences it
names (a newer index of another file is ignored, with a warning); :func:`check_layout` compares
the data's BGZF block layout with the index: BGZF numbers no blocks, so a lost block whose
neighbours join into well-formed lines is invisible in the bytes, but an index remembers where
the blocks of its records began (a lost or added block is a data error naming the compressed
offset where the two stop agreeing). Offsets are BGZF virtual offsets (compressed block offset
``<< 16`` | offset in the block's data) or compressed byte offsets (``block``); positions are
0-based half-open ``[start, end)`` as in the binning scheme. The index itself is parsed in
:mod:`ipexcli.vcf.index`, which calls these checks before it yields a line.
"""

from __future__ import annotations

import array
import os
import struct
import sys
from typing import TYPE_CHECKING

from ipexcli.vcf.bgzf import EOF_MARKER, BgzfError, BgzfFile, block_chain, is_bgzf

if TYPE_CHECKING:
    from ipexcli.vcf.index import TabixIndex

_BSIZE = struct.Struct("<H")
_ISIZE = struct.Struct("<I")


def referenced_blocks(index: TabixIndex, every_bin: bool = False) -> list[int]:
    """#15: the compressed offsets of the blocks ``index`` points into, sorted: each
    sequence's first and end offsets (pseudo-bin, else its chunks' extremes) and (tabix) every
    entry of its linear index (one per 16 kb window). A linear index is non-decreasing
    (htslib fills empty windows), so its distinct blocks are found by bisection in C: ~4 ms on
    a 4M-record WGS index where a Python loop over its ~200,000 entries takes 30+ ms. The
    chunks of every bin are not read (~170 ms on that index); those the queries decode are
    covered by the linear index. ``every_bin`` adds them (and CSI's per-bin offsets), to
    name where a damaged file stops matching (the error path: the cost does not matter)."""
    from bisect import bisect_left

    found: set[int] = set()
    if every_bin:  # the pseudo-bin's second pair holds record counts, not offsets
        pseudo = ((1 << (3 * index.depth + 3)) - 1) // 7 + 1
        for ref in range(len(index.starts)):
            bins, loffsets, _ = index._bins(ref)
            found.update(v >> 16 for bin_id, chunks in bins.items() if bin_id != pseudo
                         for c in chunks for v in c)
            found.update(v >> 16 for v in loffsets.values() if v)
    for _name, first, last in index.spans():
        found.add(first >> 16)
        found.add(last >> 16)
    for at, count in index.linear_at:
        if count <= 0:
            continue
        entries = array.array("Q")
        entries.frombytes(index.data[at : at + 8 * count])
        if sys.byteorder != "little":  # pragma: no cover - indexes are little-endian
            entries.byteswap()
        i = 0
        while i < count:
            block = entries[i] >> 16
            found.add(block)
            j = bisect_left(entries, (block + 1) << 16, i)
            if j <= i or entries[j - 1] >> 16 != block:  # not sorted: read every entry
                found.update(v >> 16 for v in entries)
                break
            i = j
    return sorted(found)


def _first_record(bgzf: BgzfFile, voff: int) -> bytes | None:
    """The first record line (not a header line) read from virtual offset ``voff``."""
    if voff >> 16 >= bgzf.size:
        return None
    for line in bgzf.iter_lines(voff >> 16, voff & 0xFFFF):
        if line and not line.startswith(b"#"):
            return line
    return None


def belongs_to(bgzf: BgzfFile, index: TabixIndex, names: list[str]) -> str:
    """#15: why ``index`` is not this file's index, or "" when it is (checked once per
    sequence; the result is kept on ``index``).

    An index is trusted only when the offset of the first record of each queried sequence in
    ``names`` (and of the first and the last sequence of the file) lands on a record of that
    sequence, the earliest of them on the file's first record, and nothing but the end of the
    data follows the latest ``last`` offset: a newer index of another file (which the age check
    beside the file cannot catch) fails one of these. A few blocks are read.
    """
    if index.belongs is None:
        index.span_of = {name: (first, last) for name, first, last in index.spans()}
        index.belongs = _layout(bgzf, index)[0] or _belongs(bgzf, index)
    if index.belongs:
        return index.belongs
    for name in names:
        if name in index.checked:
            continue
        index.checked.add(name)
        problem = _lands_on(bgzf, index, name)
        if problem:
            index.belongs = problem
            return problem
    return ""


def layout_damage(bgzf: BgzfFile, index: TabixIndex) -> str:
    """#15: why the data's BGZF blocks do not match ``index`` although its first record does
    ("" when they match, or when the index looks like another file's): checked once."""
    return _layout(bgzf, index)[1]


def _layout(bgzf: BgzfFile, index: TabixIndex) -> tuple[str, str]:
    """:func:`check_layout`'s ``(foreign, damage)``, computed once and kept on ``index``."""
    if index.layout is None:
        index.layout = check_layout(bgzf, index)
    return index.layout


def _lands_on(bgzf: BgzfFile, index: TabixIndex, name: str) -> str:
    span = index.span_of.get(name)
    if span is None:
        return ""  # no records of ``name`` in a file whose index was otherwise checked
    try:
        line = _first_record(bgzf, span[0])
    except BgzfError as exc:
        return f"its offset for {name} does not fit the file: {exc}"
    if line is None or line.partition(b"\t")[0] != name.encode():
        return f"its offset for {name} does not land on a {name} record"
    return ""


def _belongs(bgzf: BgzfFile, index: TabixIndex) -> str:
    spans = index.span_of
    if not spans:
        return "it indexes no records"
    by_first = sorted(spans, key=lambda n: spans[n][0])
    for name in {by_first[0], by_first[-1]}:
        index.checked.add(name)
        problem = _lands_on(bgzf, index, name)
        if problem:
            return problem
    earliest = spans[by_first[0]][0]
    latest = max(last for _, last in spans.values())
    try:
        if _first_record(bgzf, 0) != _first_record(bgzf, earliest):
            return "the file's first record is not where the index starts"
        if latest >> 16 > bgzf.size or _first_record(bgzf, latest) is not None:
            return "the file has records after the index's last one"
    except BgzfError as exc:
        return f"its offsets do not fit the file: {exc}"
    return ""


def _first_record_voff(bgzf: BgzfFile) -> int | None:
    """The virtual offset of the data's first record (the first line not starting with "#")."""
    at_start = True
    for block in bgzf.iter_blocks(0):
        data = block.data
        pos = 0
        if not at_start:
            cut = data.find(b"\n")
            if cut < 0:
                continue
            pos = cut + 1
        while pos < len(data):
            if data[pos : pos + 1] != b"#":
                return block.offset << 16 | pos
            cut = data.find(b"\n", pos)
            if cut < 0:
                break
            pos = cut + 1
        at_start = pos >= len(data)
    return None


def _bin_range(bin_id: int, min_shift: int, depth: int) -> tuple[int, int]:
    """The 0-based half-open ``[start, end)`` a bin covers (the SAM specification's scheme)."""
    first = 0
    for level in range(depth + 1):
        if bin_id < first + (1 << (3 * level)):
            shift = min_shift + 3 * (depth - level)
            return (bin_id - first) << shift, (bin_id - first + 1) << shift
        first += 1 << (3 * level)
    return 0, 0


def _first_record_fits(bgzf: BgzfFile, index: TabixIndex, first_voff: int) -> bool:
    """True when the data's record at ``first_voff`` is on the sequence the index starts with
    and inside a bin whose chunk starts there (decodes that sequence's bins: the error path)."""
    names = [name for name, first, _ in index.spans() if first == first_voff]
    try:
        line = _first_record(bgzf, first_voff)
    except BgzfError:
        return False
    if not names or line is None:
        return False
    fields = line.split(b"\t", 2)
    if fields[0] != names[0].encode() or len(fields) < 2 or not fields[1].isdigit():
        return False
    start = int(fields[1]) - 1
    bins, _, _ = index._bins(index.names.index(names[0]))
    for bin_id, chunks in bins.items():
        if any(beg == first_voff for beg, _ in chunks):
            lo, hi = _bin_range(bin_id, index.min_shift, index.depth)
            if lo <= start < hi:
                return True
    return False


def _ends_fit(bgzf: BgzfFile, spans: list[tuple[str, int, int]]) -> bool:
    """True when each sequence's first and end offsets fall on BGZF block headers and the
    index's last end offset is where the data ends: the end-of-file block (htslib's end offset
    after a block's last byte is the next block), or the end of the last data block. A lost or
    added block anywhere before the last record moves the end of the data off it (a few reads)."""
    handle, eof = bgzf.handle, bgzf.size - len(EOF_MARKER)

    def header(at: int) -> bytes:
        handle.seek(at)
        return handle.read(18)

    for _name, first, last in spans:
        for voff in (first, last):
            block = voff >> 16
            if block > eof or (block == eof and voff & 0xFFFF):
                return False
            if block < eof and not is_bgzf(header(block)):
                return False
    end = max(last for _, _, last in spans)
    block, within = end >> 16, end & 0xFFFF
    if block == eof:
        return within == 0
    following = block + _BSIZE.unpack_from(header(block), 16)[0] + 1
    if following != eof:
        return False
    handle.seek(following - 4)
    return _ISIZE.unpack(handle.read(4))[0] == within


def check_layout(bgzf: BgzfFile, index: TabixIndex) -> tuple[str, str]:
    """#15: ``(foreign, damage)``: does the data's BGZF block layout match ``index``? BGZF numbers
    no blocks, so a lost block whose neighbours join into well-formed lines is invisible in the
    bytes; an index remembers where the blocks of the records it lists began.

    * ``foreign`` (not ""): the index disagrees with the data from its very first record: it
      looks like another file's index (the caller ignores it, with a warning);
    * ``damage`` (not ""): the index agrees with the data's first record but not from some byte
      on, or fits the data shifted by a constant (bytes lost or added in the header): the data
      changed after indexing, or lost or gained a block (a data error); also when the block
      chain does not run to the BGZF end-of-file block at the file's end.

    Every run checks the first record's offset and the ends (:func:`_ends_fit`, a few reads):
    a lost or added block anywhere before the last record moves the end of the data away from
    the index's last end offset, so no lost block is missed. Only when they disagree is the
    block chain walked (:func:`~ipexcli.vcf.bgzf.block_chain`: 2-4 ms on a 36 MB WGS file,
    10-13 ms on 110 MB, too slow for every run) and every block the index points into (each
    sequence's ends, linear index, every bin's chunks) compared with it, to name where the two
    stop agreeing.
    """
    spans = index.spans()
    if not spans:
        return "it indexes no records", ""
    first_voff = min(first for _, first, _ in spans)
    data_first = _first_record_voff(bgzf)
    if data_first is None:
        return "the file has no records", ""
    if first_voff == data_first and _ends_fit(bgzf, spans):
        return "", ""
    chain, stop = block_chain(bgzf.handle, bgzf.size)
    starts = set(chain)
    if first_voff != data_first:
        ends = {voff >> 16 for _, first, last in spans for voff in (first, last)}
        delta = (data_first >> 16) - (first_voff >> 16)
        if (delta and (first_voff & 0xFFFF) == (data_first & 0xFFFF)
                and all(b + delta in starts for b in ends)):
            lost = f"{-delta:,} bytes were lost" if delta < 0 else f"{delta:,} bytes were added"
            return "", (f"its BGZF blocks match its index only shifted by {delta:+,} bytes: "
                        f"{lost} before the first record (in the header) since indexing")
        return "its first record offset does not fit the file", ""
    complete = stop == bgzf.size and chain[-1] == bgzf.size - len(EOF_MARKER)
    agreed, n_agreed = 0, 0
    for block in referenced_blocks(index, every_bin=True):
        if block in starts:
            agreed, n_agreed = block, n_agreed + 1
            continue
        if n_agreed < 2 and not _first_record_fits(bgzf, index, first_voff):
            # only the first record's block agrees (two files with the same header put their
            # first record at the same offset): is that record where this index says?
            return "its offsets do not fit the file beyond its first record", ""
        where = ("past the file's end" if block >= bgzf.size
                 else "where no block starts" if block < stop
                 else "after the block chain broke")
        return "", (f"its BGZF blocks stop matching its index after compressed byte offset "
                    f"{agreed:,} (the index expects a block at byte {block:,}, {where}): a "
                    "block was lost or added, or the data changed after indexing")
    if complete:  # every block it points into is there: its end offset is one htslib does not
        return "", ""  # write; the chain confirms the layout
    return "", (f"its BGZF block chain does not reach the end-of-file block: it breaks at "
                f"compressed byte offset {stop:,} (after every block its index knows)")


def check_index_offset(bgzf: BgzfFile, index_path: str, name: str, voff: int) -> None:
    """Raise BgzfError when the index's offset for ``name`` does not land on a ``name``
    record: an index of another file (newer than this one, so not caught by its age)."""
    try:
        for line in bgzf.iter_lines(voff >> 16, voff & 0xFFFF):
            if line.startswith(b"#") or not line:
                continue
            if line.partition(b"\t")[0] == name.encode():
                return
            break
    except BgzfError:
        pass
    raise BgzfError(
        f"{os.path.basename(index_path)} does not belong to this file (its offset "
        f"for {name} does not land on a {name} record; re-index: tabix -f -p vcf FILE)"
    )
