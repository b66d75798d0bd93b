"""Tabix (``.tbi``) and CSI (``.csi``) indexes of a BGZF VCF, read in pure Python.

:class:`TabixIndex` parses the index (the SAM/tabix specifications' binning scheme);
:func:`usable_index` finds the index beside a file and refuses a stale one;
:func:`index_lines` yields the record lines of a window, after checking that the index belongs
to the file and that the data's BGZF block layout still matches it (#15, in
:mod:`ipexcli.vcf.indexcheck`: a block lost or added since indexing is a data error naming the
compressed offset where the two stop agreeing). Coordinates: windows are 0-based half-open
``[start, end)`` for the index query; ``lo``/``end`` filters apply to the 1-based VCF ``POS``
(``lo < POS <= end``).

**Why not htslib (``pysam.TabixFile.fetch``)?** Measured on 2 shared cores, pysam 0.24.1: one
fresh process per run (import, open the index, fetch, lines as bytes), the two ways alternating,
medians of 7; the WGS file is 4M records over chr1-22/X/Y (random bases and positions, one
sample, ``bgzip`` + ``tabix -p vcf`` or ``tabix -C``); "FOXP3 windows" is the span the reader
asks for (both builds' windows and the deletion margin):

============================================  ===========  ===========
                                              pure Python  pysam
============================================  ===========  ===========
``import pysam`` after the reader's imports              -  +17 ms
trio.GRCh38.vcf.gz, FOXP3 windows, wall          37 ms       48 ms
4M-record WGS, FOXP3 windows (.tbi), wall        86 ms       84 ms
  of which index load + fetch                    47 ms       35 ms
4M-record WGS, FOXP3 windows (.csi), wall        91 ms       85 ms
4M-record WGS, whole chrX 167k lines (.tbi)     226 ms      168 ms
4M-record WGS, whole chrX 167k lines (.csi)     235 ms      173 ms
============================================  ===========  ===========

Decision: **pure Python is kept**. Every run reads the FOXP3 region; on the small files of
the clinical case the ``pysam`` import costs more than htslib saves (+11 ms wall; the import
alone is +17 ms, 11 % of the 157 ms of a whole ``ipex annotate`` on the trio), and on a WGS
file the two tie. htslib is ~60 ms faster over a whole chrX of a WGS file (sex inference): to
be measured again when the genotype-only chrX scan (issue 14, items 1-2) makes the rest of
that path fast, and used there if it then pays (:mod:`ipexcli.vcf.htslib` would be its home).
BCF input always goes through htslib (:mod:`ipexcli.vcf.htslib`).
"""

from __future__ import annotations

import array
import os
import struct
import sys
from collections.abc import Callable, Iterator

from ipexcli.errors import InputFileError
from ipexcli.vcf.bgzf import BgzfError, BgzfFile, hint_for
from ipexcli.vcf.indexcheck import belongs_to, check_index_offset, layout_damage


def reg2bins(start: int, end: int, min_shift: int, depth: int) -> list[int]:
    """Bins overlapping 0-based half-open ``[start, end)`` (the SAM specification's scheme).

    >>> reg2bins(0, 1, 14, 5)
    [0, 1, 9, 73, 585, 4681]
    """
    bins: list[int] = []
    end -= 1
    shift = min_shift + depth * 3
    first = 0
    for level in range(depth + 1):
        bins.extend(range(first + (start >> shift), first + (end >> shift) + 1))
        shift -= 3
        first += 1 << (level * 3)
    return bins


def _bins_within(bins: dict[int, list[tuple[int, int]]], start: int, end: int, min_shift: int,
                 depth: int) -> list[int]:
    """The bins of ``bins`` that :func:`reg2bins` lists for ``[start, end)``, found by testing
    each (#14: a query over a whole chromosome of a small file tests a few bins instead of
    looking up the ~11,000 it spans)."""
    levels = []
    end -= 1
    shift = min_shift + depth * 3
    first = 0
    for level in range(depth + 1):
        levels.append((first, first + (start >> shift), first + (end >> shift)))
        shift -= 3
        first += 1 << (level * 3)
    return [b for b in bins if any(lo <= b <= hi for _, lo, hi in levels)]


_I32 = struct.Struct("<i")


class TabixIndex:
    """A ``.tbi`` or ``.csi`` index, read once: sequence names and where each one's bins are.

    Only the bins of a queried sequence are decoded; the others are skipped with a tight loop
    (a whole-genome index holds a few hundred thousand bins).
    """

    def __init__(self, data: bytes, header_names: tuple[str, ...] = ()) -> None:
        self.data = data
        magic = data[:4]
        if magic == b"TBI\x01":
            self.csi = False
            n_ref = _I32.unpack_from(data, 4)[0]
            l_nm = _I32.unpack_from(data, 32)[0]
            self.names = tuple(n.decode() for n in data[36 : 36 + l_nm].split(b"\x00") if n)
            cursor = 36 + l_nm
            self.min_shift, self.depth = 14, 5
        elif magic == b"CSI\x01":
            self.csi = True
            self.min_shift, self.depth, l_aux = struct.unpack_from("<iii", data, 4)
            aux = data[16 : 16 + l_aux]
            if l_aux >= 28:
                l_nm = _I32.unpack_from(aux, 24)[0]
                self.names = tuple(n.decode() for n in aux[28 : 28 + l_nm].split(b"\x00") if n)
            else:  # BCF-style CSI: the sequences are the header's contigs, in order
                self.names = header_names
            cursor = 16 + l_aux
            n_ref = _I32.unpack_from(data, cursor)[0]
            cursor += 4
        else:
            raise BgzfError("not a tabix or CSI index")
        #: #15: per sequence, the byte offset of its pseudo-bin's chunks (-1: none) and (tabix)
        #: of its linear index with the number of entries; found by :meth:`_ref_starts`
        self.pseudo_at: list[int] = []
        self.linear_at: list[tuple[int, int]] = []
        self.starts = self._ref_starts(data, cursor, n_ref)
        #: #15: "" once checked to be this file's index, else why not (None: not checked yet);
        #: the sequences whose first offset was checked; each sequence's (first, last) offsets
        self.belongs: str | None = None
        self.checked: set[str] = set()
        self.span_of: dict[str, tuple[int, int]] = {}
        #: #15: :func:`check_layout`'s ``(foreign, damage)`` once checked
        self.layout: tuple[str, str] | None = None
        self._decoded: dict[
            int, tuple[dict[int, list[tuple[int, int]]], dict[int, int], tuple[int, ...]]
        ] = {}

    def _ref_starts(self, data: bytes, cursor: int, n_ref: int) -> list[int]:
        """Byte offset of each sequence's bins. Every field after the names is a multiple of
        4 bytes long, so the rest of the index is read as an array of int32 (fast to index)."""
        base = cursor % 4
        words = array.array("i")
        words.frombytes(data[base : base + (len(data) - base) // 4 * 4])
        if sys.byteorder != "little":  # pragma: no cover - indexes are little-endian
            words.byteswap()
        at = (cursor - base) // 4
        bin_words, count_at = (4, 3) if self.csi else (2, 1)
        # the pseudo-bin (htslib writes it: a sequence's first and end offsets) as the signed
        # int32 its id is read as; noted in passing (a test per bin, ~10 % of this loop)
        pseudo = ((1 << (3 * self.depth + 3)) - 1) // 7 + 1
        pseudo = pseudo - (1 << 32) if pseudo >= 1 << 31 else pseudo
        starts = []
        pseudo_at, linear_at = self.pseudo_at, self.linear_at
        try:
            for _ in range(n_ref):
                starts.append(at * 4 + base)
                n_bin = words[at]
                at += 1
                found = -1
                for _ in range(n_bin):
                    if words[at] == pseudo and words[at + count_at] == 2:
                        found = at
                    at += bin_words + 4 * words[at + count_at]
                pseudo_at.append(-1 if found < 0 else (found + bin_words) * 4 + base)
                if not self.csi:
                    linear_at.append(((at + 1) * 4 + base, words[at]))
                    at += 1 + 2 * words[at]
        except IndexError:
            raise BgzfError("index is truncated") from None
        return starts

    def _bins(
        self, ref: int
    ) -> tuple[dict[int, list[tuple[int, int]]], dict[int, int], tuple[int, ...]]:
        """Sequence ``ref``'s bins (bin -> chunks), CSI loffsets and tabix linear index,
        decoded on its first query and kept: the sampled sex scan queries chrX many times."""
        cached = self._decoded.get(ref)
        if cached is not None:
            return cached
        data, cursor = self.data, self.starts[ref]
        n_bin = _I32.unpack_from(data, cursor)[0]
        cursor += 4
        bins: dict[int, list[tuple[int, int]]] = {}
        loffsets: dict[int, int] = {}
        for _ in range(n_bin):
            if self.csi:
                bin_id, loffset, n_chunk = struct.unpack_from("<IQi", data, cursor)
                cursor += 16
                loffsets[bin_id] = loffset
            else:
                bin_id, n_chunk = struct.unpack_from("<Ii", data, cursor)
                cursor += 8
            if n_chunk:
                values = struct.unpack_from(f"<{2 * n_chunk}Q", data, cursor)
                bins[bin_id] = list(zip(values[0::2], values[1::2], strict=True))
            cursor += 16 * n_chunk
        intervals: tuple[int, ...] = ()
        if not self.csi:
            n_intv = _I32.unpack_from(data, cursor)[0]
            intervals = struct.unpack_from(f"<{n_intv}Q", data, cursor + 4)
        self._decoded[ref] = (bins, loffsets, intervals)
        return self._decoded[ref]

    def start_offset(self, name: str, start: int, end: int) -> int | None:
        """The virtual offset to read from for records overlapping ``[start, end)`` on
        ``name`` (0-based half-open), or None when the index has nothing there."""
        if name not in self.names:
            return None
        ref = self.names.index(name)
        if ref >= len(self.starts):
            return None
        bins, loffsets, intervals = self._bins(ref)
        if (end - start) >> self.min_shift > len(bins):  # #14: a wide range, few bins
            chunks = [chunk for b in _bins_within(bins, start, end, self.min_shift, self.depth)
                      for chunk in bins[b]]
        else:
            wanted = reg2bins(start, end, self.min_shift, self.depth)
            chunks = [chunk for b in wanted for chunk in bins.get(b, ())]
        min_off = 0
        if self.csi:
            # the loffset of the smallest existing bin holding ``start``
            level_first = ((1 << (3 * self.depth)) - 1) // 7
            bin_id = level_first + (start >> self.min_shift)
            while bin_id > 0 and bin_id not in loffsets:
                bin_id = (bin_id - 1) >> 3
            min_off = loffsets.get(bin_id, 0)
        elif intervals:
            min_off = intervals[min(start >> 14, len(intervals) - 1)]
        kept = [beg for beg, stop in chunks if stop > min_off]
        if not kept:
            return None
        return max(min(kept), min_off)

    def spans(self) -> list[tuple[str, int, int]]:
        """``(name, first, last)`` virtual offsets of each sequence's records: from its
        pseudo-bin (which htslib writes: the offsets of its first record and just past its last),
        else the smallest chunk start and largest chunk end of its bins."""
        data = self.data
        pseudo = ((1 << (3 * self.depth + 3)) - 1) // 7 + 1
        out = []
        for ref, (name, cursor) in enumerate(zip(self.names, self.starts, strict=False)):
            if self.pseudo_at[ref] >= 0:  # #15: found while parsing (the loop below took
                # 200 ms over every bin of a WGS index)
                first, last = struct.unpack_from("<QQ", data, self.pseudo_at[ref])
                if first <= last:
                    out.append((name, first, last))
                    continue
            n_bin = _I32.unpack_from(data, cursor)[0]
            cursor += 4
            first, last, exact = None, None, False
            for _ in range(n_bin):
                if self.csi:
                    bin_id, _loffset, n_chunk = struct.unpack_from("<IQi", data, cursor)
                    cursor += 16
                else:
                    bin_id, n_chunk = struct.unpack_from("<Ii", data, cursor)
                    cursor += 8
                values = struct.unpack_from(f"<{2 * n_chunk}Q", data, cursor)
                cursor += 16 * n_chunk
                if bin_id == pseudo and n_chunk == 2:
                    first, last, exact = values[0], values[1], True
                elif not exact and n_chunk:
                    low, high = min(values[0::2]), max(values[1::2])
                    first = low if first is None else min(first, low)
                    last = high if last is None else max(last, high)
            if first is not None and last is not None:
                out.append((name, first, last))
        return out


def read_index(path: str, header_names: tuple[str, ...] = ()) -> TabixIndex:
    """Read and decompress a ``.tbi``/``.csi`` index (both are BGZF-compressed)."""
    with open(path, "rb") as handle:
        reader = BgzfFile(handle)
        data = b"".join(block.data for block in reader.iter_blocks(0))
    return TabixIndex(data, header_names)


def usable_index(data_path: str, notes: list[str]) -> str | None:
    """``data_path`` + ``.tbi``/``.csi`` when present and not older than the data file.

    A stale index is passed over with a note appended to ``notes``.
    """
    for ext in (".tbi", ".csi"):
        index = data_path + ext
        if os.path.exists(index):
            if os.path.getmtime(index) + 1 < os.path.getmtime(data_path):
                notes.append(
                    f"{os.path.basename(index)} is older than the file and was not used "
                    f"(re-index: tabix -f -p vcf FILE, or bcftools index -f FILE)"
                )
                continue
            return index
    return None


def no_index_note(data_path: str) -> str:
    """#15: the note for a BGZF file read without an index: a lost block can go unseen, and
    bisection checks the order only of the blocks it reads (64 sampled, and those around the
    windows); ``tabix`` refuses an unsorted file, so an index vouches for both."""
    return (
        "no index: a BGZF block missing from the file cannot be detected without one (when the "
        "lines on either side of it join into well-formed records), and the sort order is "
        "checked only in the blocks read; index it to have both checked: "
        f"tabix -p vcf {data_path}"
    )


def index_lines(
    bgzf: BgzfFile,
    index: TabixIndex,
    index_path: str,
    names: list[str],
    lo: int,
    end: int,
    path: str,
    early: Callable[[bytes], bool] | None = None,
) -> Iterator[tuple[int | None, bytes]]:
    """``(None, line)`` for the records on ``names`` with ``lo < POS <= end`` (1-based POS),
    through the index (queried for 0-based ``[lo, end)``), and (#13) those with ``POS <= lo``
    for which ``early(line)`` holds: the index places a record by its END, so one starting
    earlier that reaches into the window is among the lines read.

    Raises :class:`BgzfError` before yielding anything when the index does not fit the file
    (the caller then bisects), :class:`InputFileError` when the data's BGZF blocks stop
    matching the index after its first record (:func:`check_layout`: the data lost or gained a
    block, or changed after indexing); a damaged data block later raises
    :class:`InputFileError`.
    """
    damage = layout_damage(bgzf, index)  # #15: a block lost or added since indexing
    if damage:
        raise InputFileError(
            path, damage,
            f"Re-create the file and its index (bgzip, then tabix -p vcf), or remove "
            f"{os.path.basename(index_path)} to read the bytes as they are",
        )
    problem = belongs_to(bgzf, index, names)  # #15: before the index is trusted
    if problem:
        raise BgzfError(
            f"{os.path.basename(index_path)} does not belong to this file ({problem}); "
            "it was ignored (re-index: tabix -f -p vcf FILE, or bcftools index -f FILE)"
        )
    starts = [(name, index.start_offset(name, lo, end)) for name in names]
    for name, voff in starts:  # before yielding anything: the caller may fall back
        if voff is not None:
            check_index_offset(bgzf, index_path, name, voff)
    for name, voff in starts:
        if voff is None:
            continue
        target = name.encode()
        try:
            for line in bgzf.iter_lines(voff >> 16, voff & 0xFFFF):
                contig, _, rest = line.partition(b"\t")
                if contig != target:
                    if contig.startswith(b"#") or not contig:
                        continue
                    break
                pos_text = rest.split(b"\t", 1)[0]
                pos = int(pos_text) if pos_text.isdigit() else None
                if pos is not None and pos > end:
                    break
                if pos is None or pos > lo or (early is not None and early(line)):
                    yield None, line
        except BgzfError as exc:
            raise InputFileError(path, str(exc), hint_for(exc)) from None
