"""A BGZF-compressed VCF read by blocks: its header, and a window found by bisection.

:func:`read_header_blocks` reads the header block by block and notes the virtual position
``(block offset, offset within its data)`` of the first record. :func:`bisect_lines` finds a
window in a coordinate-sorted file without an index, bisecting over the blocks with the order
of the header's ``##contig`` lines as sort key; every probe and every line read is checked
against the order, and :class:`~ipexcli.vcf.bgzf.UnsortedError` makes the caller stream instead.
Coordinates: ``lo``/``end`` filter the 1-based VCF ``POS`` (``lo < POS <= end``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ipexcli.errors import InputFileError
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf.header import BOM, check_header_end, check_text_start, decode_header_line
from ipexcli.vcf.limits import MAX_LINE_BYTES, line_too_long


def read_header_blocks(
    reader: bgzf_mod.BgzfFile, path: str, max_line: int = MAX_LINE_BYTES
) -> tuple[list[str], tuple[int, int]]:
    """The header lines (decoded, without newline) and the virtual position of the first
    record (``(0, 0)`` when the header ended in an earlier block than the record: read from the
    start then). Raises :class:`~ipexcli.vcf.bgzf.BgzfError` on a damaged block."""
    lines: list[str] = []
    data_start = (0, 0)
    carry = b""
    pieces: list[bytes] = []  # blocks inside one long header line, joined once
    for block in reader.iter_blocks(0):
        if carry and b"\n" not in block.data:
            pieces.append(block.data)
            if len(carry) + sum(map(len, pieces)) > max_line:  # #15
                raise line_too_long(path, f"header line {len(lines) + 1}", max_line)
            continue
        if pieces:
            carry, pieces = carry + b"".join(pieces), []
        data = carry + block.data
        base = len(carry)
        if block.offset == 0 and data.startswith(BOM):
            data, base = data[len(BOM) :], base - len(BOM)
        pos = 0
        done = False
        while pos < len(data):
            if data[pos : pos + 1] != b"#":
                done = True
                break
            nl = data.find(b"\n", pos)
            if nl < 0:
                break
            lines.append(decode_header_line(data[pos:nl].rstrip(b"\r")))
            pos = nl + 1
            if lines[-1].startswith("#CHROM"):
                done = True
                break
        if done:
            if not lines:
                check_text_start(data, path)
            within = pos - base
            # within < 0: the header ended in an earlier block; rare: start from that block
            data_start = (block.offset, within) if within >= 0 else (0, 0)
            break
        carry = data[pos:]
        if len(carry) > max_line:  # #15
            raise line_too_long(path, f"header line {len(lines) + 1}", max_line)
    else:
        carry += b"".join(pieces)
        if carry:
            lines.append(decode_header_line(carry.rstrip(b"\r")))
    if not lines:
        raise InputFileError(path, "the file is empty", "Give a VCF with records")
    check_header_end(lines, path)
    return lines, data_start


#: #15: files of up to this many compressed bytes (~50 blocks, ~3 MB of text) have the order of
#: every record checked before they are bisected; larger ones have :data:`SAMPLED_BLOCKS` evenly
#: spaced blocks checked, and the order between them
FULL_CHECK_BYTES = 1 << 20
SAMPLED_BLOCKS = 64

#: how much of a line's start :func:`check_order` keeps across blocks (CHROM and POS fit)
_KEY_SPAN = 4096

#: a record line's CHROM and POS (header lines, starting with '#', are not matched)
_KEY = re.compile(rb"^([^\t\n#][^\t\n]*)\t(\d+)\t", re.MULTILINE)


def check_order(
    reader: bgzf_mod.BgzfFile,
    data_start: tuple[int, int],
    contig_ranks: dict[str, int],
    path: str,
) -> None:
    """#15: raise UnsortedError unless the records are in the header's contig order and by
    POS within a contig, as far as a cheap look can tell: every record of a small file (up to
    :data:`FULL_CHECK_BYTES`), else every record of :data:`SAMPLED_BLOCKS` evenly spaced blocks
    and the order between them. A contig split in two runs, or one far record placed before the
    others, is then caught before bisection trusts the order; what bisection reads later is
    checked too (:func:`bisect_lines`)."""
    try:
        _check_order(reader, data_start, {n.encode(): r for n, r in contig_ranks.items()})
    except bgzf_mod.BgzfError as exc:
        raise InputFileError(path, str(exc), bgzf_mod.hint_for(exc)) from None


def _check_order(
    reader: bgzf_mod.BgzfFile, data_start: tuple[int, int], ranks: dict[bytes, int]
) -> None:
    first_block, first_within = data_start
    end = reader.size - len(bgzf_mod.EOF_MARKER)
    blocks: Iterator[bgzf_mod.Block]
    if end - first_block <= FULL_CHECK_BYTES:
        blocks = reader.iter_blocks(first_block)
    else:
        step = (end - first_block) // SAMPLED_BLOCKS
        offsets = dict.fromkeys(
            reader.next_block(first_block + i * step) for i in range(SAMPLED_BLOCKS)
        )
        # #14: the first sampled offset is the first block itself: read once (read twice, its
        # first record came "after" its last and a sorted file was streamed, unbisected)
        blocks = (reader.read_block(o) for o in dict.fromkeys([first_block, *offsets])
                  if o < end)
    previous: tuple[int, int] = (-1, -1)
    carry = b""
    held = 0  # the length of the line going on into the next block
    follows = -1  # the offset of the block right after the last one read
    for block in blocks:
        if block.offset == first_block:
            data = block.data[first_within:]
        elif block.offset == follows:
            data = carry + block.data  # the line across the two blocks is checked whole
            held += len(block.data)
            if held > reader.max_line:  # #15: refused as the line reader would
                raise bgzf_mod.LineTooLong(
                    f"a line in the BGZF block at byte {block.offset} is longer than "
                    f"{reader.max_line / (1 << 20):g} MB (not a VCF line, or a damaged file; "
                    "--max-line-mb raises the limit)"
                )
        else:
            cut = block.data.find(b"\n")
            if cut < 0:
                continue  # inside one long line: nothing starts here
            data = block.data[cut + 1 :]  # from the first whole line
        follows = block.next_offset
        cut = data.rfind(b"\n")
        # only the start of a line going on into the next block matters (its CHROM and POS)
        if cut >= 0:
            held = len(data) - cut - 1
        data, carry = data[: cut + 1], data[cut + 1 : cut + 1 + _KEY_SPAN]
        for contig, pos_text in _KEY.findall(data):
            rank = ranks.get(contig)
            name = contig[:40].decode("utf-8", "replace")
            if rank is None:
                raise bgzf_mod.UnsortedError(f"contig {name!r} is not in the header")
            key = (rank, int(pos_text))
            if key < previous:
                raise bgzf_mod.UnsortedError(
                    f"records out of order: {name}:{key[1]} comes after a record that should "
                    f"follow it (BGZF block at byte {block.offset})"
                )
            previous = key


def bisect_checked(
    reader: bgzf_mod.BgzfFile,
    data_start: tuple[int, int],
    contig_ranks: dict[str, int],
    names: list[str],
    lo: int,
    end: int,
    path: str,
) -> list[tuple[int | None, bytes]]:
    """:func:`bisect_lines` after :func:`check_order` (#15: the order is checked, once per
    file, before it is trusted)."""
    if not reader.order_checked:
        check_order(reader, data_start, contig_ranks, path)
        reader.order_checked = True
    return bisect_lines(reader, data_start, contig_ranks, names, lo, end, path)


def unsorted_error(path: str, exc: bgzf_mod.UnsortedError) -> None:
    """Raise the error for a file found unsorted after its FOXP3 locus was read by bisection
    (too late to stream instead: the answer would rest on an order that does not hold); a
    chromosome bisection cannot look for (:class:`~ipexcli.vcf.bgzf.NotBisectable`) is not
    one."""
    if not isinstance(exc, bgzf_mod.NotBisectable):
        raise InputFileError(
            path,
            f"the records are not sorted ({exc})",
            "Sort and index it: bcftools sort -Oz -W -o sorted.vcf.gz FILE",
        ) from None


def bisect_lines(
    reader: bgzf_mod.BgzfFile,
    data_start: tuple[int, int],
    contig_ranks: dict[str, int],
    names: list[str],
    lo: int,
    end: int,
    path: str,
) -> list[tuple[int | None, bytes]]:
    """``(None, line)`` for the records on ``names`` with ``lo < POS <= end``, found by
    bisection; ``contig_ranks`` is the header's contig order. Raises UnsortedError to fall
    back (before anything is returned)."""
    if not names:
        raise bgzf_mod.NotBisectable("the header's ##contig lines do not name this chromosome")
    ranks = {n.encode(): r for n, r in contig_ranks.items()}

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

    found: list[tuple[int | None, bytes]] = []
    data_block, data_within = data_start
    try:
        for name in names:
            rank = contig_ranks[name]
            offset = bgzf_mod.bisect_blocks(reader, data_block, (rank, lo), key)
            if offset == data_block:
                lines = reader.iter_lines(data_block, data_within)
            else:
                lines = reader.iter_lines(offset, skip_partial=True)
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
        raise InputFileError(path, str(exc), bgzf_mod.hint_for(exc)) from None
    return found
