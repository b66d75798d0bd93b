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
from collections.abc import Callable, Iterator

from ipexcli.errors import InputFileError
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf.header import read_header
from ipexcli.vcf.limits import MAX_LINE_BYTES
from ipexcli.vcf.records import may_reach, reaches_past


def read_header_blocks(
    reader: bgzf_mod.BgzfFile, path: str, max_line: int = MAX_LINE_BYTES
) -> tuple[list[str], tuple[int, int]]:
    """The header lines (decoded, without newline) and the virtual position of the first
    record: the blocks' data go through the one header reader of all formats
    (:func:`~ipexcli.vcf.header.read_header`), whose undecoded rest is the tail of the block
    where the header ended. Raises :class:`~ipexcli.vcf.bgzf.BgzfError` on a damaged block."""
    last: list[bgzf_mod.Block] = []

    def chunks() -> Iterator[bytes]:
        for block in reader.iter_blocks(0):
            last[:] = [block]
            yield block.data

    lines, rest = read_header(chunks(), path, max_line)
    if not last:
        return lines, (0, 0)
    block = last[0]
    # the header ends inside the block last read, so ``rest`` is that block's tail
    return lines, (block.offset, len(block.data) - len(rest))


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
        # the first block once (next_block(first_block) is first_block itself: read twice,
        # its records seemed to go back and every large file was streamed instead, #13)
        offsets = dict.fromkeys(
            [first_block, *(reader.next_block(first_block + i * step)
                            for i in range(SAMPLED_BLOCKS))]
        )
        blocks = (reader.read_block(o) for o in offsets if o < end)
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
        pairs = _KEY.findall(data)
        if not pairs:
            continue
        # #14: a block on one contig is checked at C speed (the set of names, the positions
        # sorted); anything else, or a block that fails, goes through the line loop below,
        # which names the first record out of order
        contigs, positions = zip(*pairs, strict=True)
        if len(set(contigs)) == 1 and (rank := ranks.get(contigs[0])) is not None:
            numbers = list(map(int, positions))
            if (rank, numbers[0]) >= previous and numbers == sorted(numbers):
                previous = (rank, numbers[-1])
                continue
        for contig, pos_text in pairs:
            rank = ranks.get(contig)
            if rank is None:
                name = contig[:40].decode("utf-8", "replace")
                raise bgzf_mod.UnsortedError(f"contig {name!r} is not in the header")
            key = (rank, int(pos_text))
            if key < previous:
                name = contig[:40].decode("utf-8", "replace")
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
    limit: int | None = None,
) -> list[tuple[int | None, bytes]]:
    """:func:`bisect_lines` after :func:`check_order` (#15: the order is checked, once per
    file, before it is trusted)."""
    if not reader.order_checked:
        check_order(reader, data_start, contig_ranks, path)
        reader.order_checked = True
    return bisect_lines(reader, data_start, contig_ranks, names, lo, end, path, limit)


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
    limit: int | None = None,
) -> list[tuple[int | None, bytes]]:
    """``(None, line)`` for the records on ``names`` with ``lo < POS <= end``, found by
    bisection; ``contig_ranks`` is the header's contig order. Raises UnsortedError to fall
    back (before anything is returned). With ``limit`` (#14) at most that many lines are
    found and reading stops there (every line read is still checked for order): a look for
    whether a range holds any record does not read a third of chrX."""
    if not names:
        raise bgzf_mod.NotBisectable("the header's ##contig lines do not name this chromosome")
    key = _sort_key(contig_ranks)
    found: list[tuple[int | None, bytes]] = []
    data_block, data_within = data_start
    try:
        for name in names:
            rank = contig_ranks[name]
            offset = bgzf_mod.bisect_blocks(reader, data_block, (rank, lo), key, reader.probes)
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
                    if limit is not None and len(found) >= limit:
                        return found
    except bgzf_mod.BgzfError as exc:
        raise InputFileError(path, str(exc), bgzf_mod.hint_for(exc)) from None
    return found


def _sort_key(contig_ranks: dict[str, int]) -> Callable[[bytes], tuple[int, int] | None]:
    """A record line's ``(contig rank, POS)``, None for a header line or a POS that is not a
    number; a contig the header does not name raises UnsortedError."""
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

    return key


def reaching_lines(
    reader: bgzf_mod.BgzfFile,
    starts: dict[str, tuple[int, int]],
    lo: int,
    path: str,
    ranks: dict[str, int] | None = None,
) -> list[tuple[int | None, bytes]]:
    """#13: ``(None, line)`` for the records with ``POS <= lo`` that reach past ``lo``
    (1-based; a whole-gene ``<DEL>`` starting upstream, :func:`~ipexcli.vcf.records.reach`) on
    each contig of ``starts``, read from its virtual position (at or before the contig's first
    record) up to ``lo``: each block is searched once at C speed
    (:func:`~ipexcli.vcf.records.may_reach`) and only the lines of a block with a hit are
    parsed. Bisection for ``lo`` cannot find such records, nor an index for one placed by
    ``SVLEN`` alone (htslib bins it by POS and REF). On the 4M-record WGS file of
    ``bench/speed_bench.py`` this reads 51 blocks (3.3 MB of chrX before FOXP3). With
    ``ranks`` (the header's contig order) the scan also stops at a later contig, so a contig
    without records is not looked for to the end of the file."""
    found: list[tuple[int | None, bytes]] = []
    by_name = {n.encode(): r for n, r in (ranks or {}).items()}
    try:
        for name, (first, within) in starts.items():
            prefix = name.encode() + b"\t"
            carry = b""
            seen = False
            for block in reader.iter_blocks(first):
                data = block.data[within:] if block.offset == first else block.data
                buf = carry + data if carry else data
                cut = buf.rfind(b"\n") + 1
                whole, carry = buf[:cut], buf[cut:]
                if len(carry) > reader.max_line:
                    raise bgzf_mod.LineTooLong(
                        f"a line in the BGZF block at byte {block.offset} is longer than "
                        f"{reader.max_line / (1 << 20):g} MB (--max-line-mb raises the limit)"
                    )
                if not whole:
                    continue
                if may_reach(whole):
                    found += [(None, line) for line in whole.split(b"\n")
                              if line.startswith(prefix) and reaches_past(line, lo)]
                last = whole[whole.rfind(b"\n", 0, len(whole) - 1) + 1 : -1]
                if last.startswith(prefix):
                    seen = True
                    pos = last[len(prefix):].split(b"\t", 1)[0]
                    if pos.isdigit() and int(pos) > lo:
                        break
                elif (seen or by_name.get(last.split(b"\t", 1)[0], -1) > by_name.get(
                        prefix[:-1], 1 << 30)) and not last.startswith(b"#"):
                    break  # the next contig
    except bgzf_mod.BgzfError as exc:
        raise InputFileError(path, str(exc), bgzf_mod.hint_for(exc)) from None
    return found


def contig_starts(
    reader: bgzf_mod.BgzfFile,
    data_start: tuple[int, int],
    contig_ranks: dict[str, int],
    names: list[str],
) -> dict[str, tuple[int, int]]:
    """#13: a virtual position at or before the first record of each of ``names``, found by
    bisection (for :func:`reaching_lines`). Raises UnsortedError like :func:`bisect_lines`."""
    key = _sort_key(contig_ranks)
    out = {}
    for name in names:
        block = bgzf_mod.bisect_blocks(reader, data_start[0], (contig_ranks[name], 0), key,
                                       reader.probes)
        out[name] = data_start if block == data_start[0] else (block, 0)
    return out
