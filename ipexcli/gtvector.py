"""numpy's home (#14): the GT counter slots of a many-sample line's columns, in a few array steps.

:class:`~ipexcli.sexscan.GtTally` turns each fast-path chrX line (one ALT, FORMAT starting with
``GT``; :mod:`ipexcli.vcf.gtscan`) into a *row*, one counter slot per sample. In pure Python
that costs ~135 µs for a 2,500-sample GT:AD:DP:GQ line that is mostly plain REF (a regular
expression finds the columns that are not, tab counting places them, each is decoded; ~500 µs
when half the columns are not): most of the whole-chrX scan of a cohort. Here the line is one
``uint8`` array: the column starts are the positions after its TABs, the four bytes at each
start are gathered, and two lookup tables on byte pairs give each column's slot (~45 µs a
line, whatever the GTs). :class:`Columns` then counts buffered rows per sample.

**Exactness.** Only the *simple* GTs have a table entry: ``a`` (haploid) or ``a/b``, ``a|b``
with ``a``, ``b`` each ``0``, ``1`` or ``.``, followed by ``:`` or TAB (or the end of the line).
Their slots come from the caller's own classifier (the same function that classifies the pure
Python path's GTs), so a simple column gets the same slot on both paths. A line with any other
column (``2`` on a one-ALT line, ``0/0/0``, an empty column, ``00``, a space, ...) or without
one column per sample gives None, and the caller takes its exact path for the whole line.

numpy is imported only here and only when :func:`load` is called (by
:class:`~ipexcli.sexscan.GtTally` for a cohort of at least
:data:`ipexcli.sexscan.VECTOR_MIN_SAMPLES` samples, once its rows have read
:data:`ipexcli.sexscan.VECTOR_AFTER_BYTES`): ~0.06 s of import that a single-sample run never
pays. Without numpy installed :func:`load` returns None and the pure Python path runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_ALLELES = b"01."  #: the allele characters of a simple GT
_SEPARATORS = b"/|"
_ENDS = b":\t"  #: what may follow a GT in its column
_PAD = b"\t\t\t\t"  #: after the last column: the gathers never read past the buffer
_ODD = 255  #: the table value of a column that is not simple
#: P (first two bytes): 1 + a for a haploid ``a``; 4 + 2a + s for a diploid's ``a`` and separator
#: s; 0 otherwise. Q (third and fourth bytes): 1 + b for ``b`` followed by an end; 0 otherwise.
_P_HAPLOID, _P_DIPLOID, _P_VALUES, _Q_VALUES = 1, 4, 10, 4


def imported() -> bool:
    """True when numpy is already imported (a :class:`RowMaker` then costs nothing to make)."""
    return sys.modules.get("numpy") is not None


def load(slot: Callable[[bytes], int]) -> RowMaker | None:
    """A :class:`RowMaker` whose simple GTs have the slots ``slot`` gives, or None when numpy
    is not installed."""
    try:
        import numpy
    except ImportError:
        return None
    return RowMaker(numpy, slot)


class RowMaker:
    """Rows of GT counter slots from sample columns (see the module)."""

    def __init__(self, numpy: Any, slot: Callable[[bytes], int]) -> None:
        np = numpy
        self._np = np
        pairs = np.zeros(1 << 16, np.uint8)  # index: first byte << 8 | second byte
        tails = np.zeros(1 << 16, np.uint8)
        final = np.full(_P_VALUES * _Q_VALUES, _ODD, np.uint8)
        for a, allele in enumerate(_ALLELES):
            haploid = _P_HAPLOID + a
            for end in _ENDS:
                pairs[allele << 8 | end] = haploid
                tails[allele << 8 | end] = 1 + a
            final[haploid * _Q_VALUES : (haploid + 1) * _Q_VALUES] = slot(bytes([allele]))
            for s, sep in enumerate(_SEPARATORS):
                diploid = _P_DIPLOID + 2 * a + s
                pairs[allele << 8 | sep] = diploid
                for b, second in enumerate(_ALLELES):
                    final[diploid * _Q_VALUES + 1 + b] = slot(bytes([allele, sep, second]))
        self._pairs = pairs
        self._tails = tails
        self._final = final
        #: the last text :meth:`count_tabs` read, its array and TAB positions (for :meth:`row`)
        self._counted: tuple[bytes, Any, Any] | None = None

    def count_tabs(self, samples: bytes) -> int:
        """The TABs of ``samples``; their positions are kept for :meth:`row` of the same text."""
        np = self._np
        buffer = np.frombuffer(samples + _PAD, np.uint8)
        tabs = np.flatnonzero(buffer == 9)
        self._counted = (samples, buffer, tabs)
        return len(tabs) - len(_PAD)

    def row(self, samples: bytes, n: int) -> bytes | None:
        """The row of one line's sample columns (TAB-separated, no line end), or None when a
        column is not simple or the line does not have ``n`` columns."""
        np = self._np
        counted = self._counted
        self._counted = None
        if counted is not None and counted[0] is samples:
            _, buffer, tabs = counted
        else:
            buffer = np.frombuffer(samples + _PAD, np.uint8)
            tabs = np.flatnonzero(buffer == 9)
        if len(tabs) != n - 1 + len(_PAD):
            return None
        starts = np.empty(n, np.intp)
        starts[0] = 0
        np.add(tabs[: n - 1], 1, out=starts[1:])
        first = _pair(np, buffer, starts)
        starts += 2
        second = _pair(np, buffer, starts)
        head = self._pairs.take(first)
        head *= _Q_VALUES
        head += self._tails.take(second)
        row = self._final.take(head)
        if row.max() == _ODD:
            return None
        return bytes(row.data)


def _pair(np: Any, buffer: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``buffer[i] << 8 | buffer[i + 1]`` at each start ``i`` (``starts`` is left as it was)."""
    high = buffer.take(starts).astype(np.intp)
    high <<= 8
    starts += 1
    high |= buffer.take(starts)
    starts -= 1
    return high


class Columns:
    """Per-sample counts over rows buffered one after another (``n`` bytes each), for
    :meth:`ipexcli.sexscan.GtTally.flush`: the same integers that slicing each sample's column
    out of the buffer and counting its bytes gives."""

    def __init__(self, numpy: Any, rows: bytes, n: int) -> None:
        self._np = numpy
        self._rows = numpy.frombuffer(rows, numpy.uint8).reshape(-1, n)

    def count(self, slot: int) -> list[int]:
        """How many rows have ``slot`` in each sample's column."""
        return self._np.count_nonzero(self._rows == slot, axis=0).tolist()  # type: ignore[no-any-return]

    def where(self, slots: tuple[int, ...]) -> dict[int, list[int]]:
        """For each sample with one of ``slots`` in some row, those rows' indices (ascending)."""
        np = self._np
        rows = self._rows
        hit = rows == slots[0]
        for slot in slots[1:]:
            hit |= rows == slot
        samples, indices = np.nonzero(hit.T)
        out: dict[int, list[int]] = {}
        if not len(samples):
            return out
        cuts = (np.flatnonzero(np.diff(samples)) + 1).tolist()
        indices_list = indices.tolist()
        starts = [0, *cuts]
        ends = [*cuts, len(indices_list)]
        for sample, start, end in zip(samples[starts].tolist(), starts, ends, strict=True):
            out[sample] = indices_list[start:end]
        return out


def columns(rows: bytes, n: int) -> Columns:
    """:class:`Columns` of ``rows`` (numpy already imported: :func:`load` returned a maker)."""
    import numpy

    return Columns(numpy, rows, n)


def slot_counts(row: bytes) -> list[int]:
    """How many samples of one row have each slot 0-8 (numpy already imported)."""
    import numpy

    return numpy.bincount(numpy.frombuffer(row, numpy.uint8), minlength=9).tolist()  # type: ignore[no-any-return]
