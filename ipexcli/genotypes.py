"""The sample columns of a VCF record: genotypes parsed on demand, the non-REF ones found fast.

A joint-called cohort writes thousands of sample columns per record, and nearly all of them are
plain REF: ``0/0``, ``0|0`` or a haploid ``0``. Turning every column into a :class:`Call` costs
one Python step per sample per record, which is what made a 2,500-sample cohort slow. Here:

* :class:`SampleColumns` keeps one record line's FORMAT and sample text as read, and finds the
  columns whose GT is *not* plain REF with one regular-expression pass over the whole text (the
  loop over samples runs in C; Python only sees the few matches);
* :class:`SampleCalls` is one ALT's view of those columns (multi-allelic records are split): a
  ``Sequence[Call]``, so code that wants every genotype indexes or iterates it as before (each
  column is parsed the first time it is asked for), plus :meth:`SampleCalls.notable`, the
  columns that are not plain REF, already parsed.

The non-REF columns of a record are parsed when the record is read. A column that cannot be
read (a GT naming an allele the record does not have, an AD without one depth per allele, a
DP/GQ that is not a number, more values than FORMAT keys) becomes an *invalid* call
(:attr:`Call.invalid` says why, every allele missing): it costs that sample's call at that
record, never the other samples' calls (issue 15). A plain-REF GT cannot be malformed; its other
values are checked when the column is parsed (``--genotypes all``, or a PAR/female haploid REF).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import overload

from ipexcli.model import Call

#: GT texts that are "plain REF": every allele REF, haploid or diploid, phased or not
PLAIN_REF_GTS = frozenset({"0", "0/0", "0|0"})

#: a column start (the TAB before it) whose GT is not exactly ``0``, ``0/0`` or ``0|0``; the text
#: searched is TAB + sample columns + ``:``, so the last column ends like the others
_NOT_PLAIN_REF = re.compile(r"\t(?!0[:\t]|0[/|]0[:\t])")
#: the same, capturing the column's text (#14: no find and slice per column in Python)
_NOT_PLAIN_REF_COLUMN = re.compile(r"\t(?!0[:\t]|0[/|]0[:\t])([^\t]*)")

_GT_SPLIT = re.compile(r"[/|]")

#: how much of a record's sample text :meth:`SampleColumns.notable` looks at to choose between
#: the regex scan (few non-REF columns) and a pass over every column (many)
_SAMPLE_CHARS = 4096
_DENSE_FRACTION = 0.2

#: str.translate table deleting every ASCII character but TAB and the GT/FORMAT separators: what
#: remains of a record's sample text says which columns are haploid, and is the same text for
#: every record with the same ploidy pattern (a cohort has a handful)
_PLOIDY_ONLY = {code: None for code in range(128) if chr(code) not in "\t/|:"}


@lru_cache(maxsize=4096)
def parse_gt(gt: str, alt_index: int, n_alts: int) -> tuple[tuple[int | None, ...], bool, bool]:
    """Alleles of a GT relative to ALT number ``alt_index`` (1-based) of ``n_alts``.

    Returns ``(alleles, phased, other_alt)``; raises ValueError for a malformed GT.

    >>> parse_gt("1/2", 1, 2), parse_gt("1/2", 2, 2)
    (((1, None), False, True), ((None, 1), False, True))
    >>> parse_gt("0|1", 1, 1), parse_gt("1", 1, 1)
    (((0, 1), True, False), ((1,), False, False))
    >>> parse_gt("./1", 1, 1), parse_gt(".", 1, 1)
    (((None, 1), False, False), ((None,), False, False))
    """
    text = gt
    if text[:1] in ("/", "|"):  # VCF 4.4 explicit phasing of the first allele
        text = text[1:]
    phased = "|" in text
    alleles: list[int | None] = []
    other = False
    for token in _GT_SPLIT.split(text):
        if token == ".":
            alleles.append(None)
            continue
        if not (token.isascii() and token.isdigit()):  # isdigit alone takes any Unicode digit
            raise ValueError(f"GT {gt!r}")
        index = int(token)
        if index > n_alts:
            raise ValueError(f"GT {gt!r} names allele {index} but there are {n_alts} ALT(s)")
        if index == 0:
            alleles.append(0)
        elif index == alt_index:
            alleles.append(1)
        else:
            alleles.append(None)
            other = True
    return tuple(alleles), phased, other


#: a FORMAT number as VCF writes it (ASCII decimal; Python's int()/float() also take "1_0",
#: " 12" or other scripts' digits)
_VCF_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def int_or_none(text: str) -> int | None:
    """A FORMAT integer (DP, GQ, AD item); ``.``, empty or unreadable -> None; ``12.0`` -> 12.

    >>> int_or_none("12"), int_or_none("12.0"), int_or_none("."), int_or_none("1_0")
    (12, 12, None, None)
    """
    if text.isascii() and text.isdigit():
        return int(text)
    if text in ("", ".") or not _VCF_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return int(value) if abs(value) != float("inf") else None


class SampleColumns:
    """FORMAT and sample columns of one record line, kept as text (shared by its ALTs).

    ``samples_text`` is everything after the FORMAT column (``n`` TAB-separated columns, the line
    end removed).
    """

    __slots__ = ("_at", "_notable", "_split", "_text", "gt_first", "n", "n_keys")

    def __init__(self, format_text: str, samples_text: str, n: int) -> None:
        self.n = n
        keys = format_text.split(":")
        self.n_keys = len(keys)
        where = {key: i for i, key in enumerate(keys)}
        #: positions of GT, AD, DP, GQ, PS in each column (None when the FORMAT lacks them)
        self._at = tuple(where.get(key) for key in ("GT", "AD", "DP", "GQ", "PS"))
        #: GT is the first FORMAT key (as the VCF specification requires when GT is present)
        self.gt_first = keys[0] == "GT"
        self._text = samples_text
        self._split: list[str] | None = None
        self._notable: tuple[tuple[int, str], ...] | None = None

    @property
    def layout(self) -> tuple[object, ...]:
        """What :meth:`parse` depends on besides the column and the ALT: where GT, AD, DP, GQ
        and PS are, and how many FORMAT keys there are."""
        return (*self._at, self.n_keys)

    @property
    def text(self) -> str:
        """The sample columns as given (the very string object: the sex scan finds a record's
        columns by it, :func:`ipexcli.vcf.gtscan.region_sites`)."""
        return self._text

    def column(self, index: int) -> str:
        """The text of sample column ``index`` (0-based, header order)."""
        return self.all_columns()[index]

    def all_columns(self) -> list[str]:
        """Every sample column's text, in header order (split once, when first asked for)."""
        if self._split is None:
            self._split = self._text.split("\t")
        return self._split

    def notable(self) -> tuple[tuple[int, str], ...]:
        """``(index, column text)`` of every column whose GT is not plain REF (0, 0/0, 0|0),
        in sample order. Without GT as the first FORMAT key every column is returned (the
        caller parses and filters them)."""
        if self._notable is None:
            if not self.gt_first:
                self._notable = tuple(enumerate(self.all_columns()))
            elif self._mostly_notable():
                self._notable = tuple(
                    (i, column)
                    for i, column in enumerate(self.all_columns())
                    if column.partition(":")[0] not in PLAIN_REF_GTS
                )
            else:
                self._notable = tuple(self._scan())
        return self._notable

    def _mostly_notable(self) -> bool:
        """True when the first columns say that many are not plain REF (common variants, as
        in a 1000 Genomes-style file): one pass over the split columns is then cheaper than a
        regex match per column. Either way gives the same columns."""
        head = self._text[:_SAMPLE_CHARS]
        n_head = head.count("\t")
        if n_head < 16:
            return False
        return len(_NOT_PLAIN_REF.findall("\t" + head)) > n_head * _DENSE_FRACTION

    def _scan(self) -> Iterator[tuple[int, str]]:
        text = "\t" + self._text + ":"
        last = len(text) - 1  # the ':' sentinel is not part of the last column
        count = text.count
        index = 0
        counted_to = 0
        for match in _NOT_PLAIN_REF_COLUMN.finditer(text):
            start = match.start()
            index += count("\t", counted_to, start)
            counted_to = start
            column = match.group(1)
            yield index, column[:-1] if match.end() > last else column

    def haploid_ref(self, indexes: Collection[int]) -> list[int]:
        """The ``indexes`` whose GT is exactly ``0`` (a haploid REF call), in order (a
        frozenset of indexes is used as it is, so a caller asking for every record can
        build it once)."""
        if self.gt_first:
            # haploid columns from the ploidy pattern (shared by most records), minus the
            # non-plain-REF ones: what is left is exactly the GT "0"; set operations run in C
            haploid = _haploid_of(self._text)
            wanted = indexes if isinstance(indexes, frozenset) else frozenset(indexes)
            found = haploid & wanted
            if not found:
                return []
            found = found - {i for i, _ in self.notable()}
            return sorted(found)
        columns = self.all_columns()
        gt_at = self._at[0]
        if gt_at is None:
            return []
        return [i for i in sorted(indexes) if _field(columns[i], gt_at) == "0"]

    def ploidy_pattern(self) -> str:
        """The sample text reduced to TABs and the ``/ | :`` separators (one C pass): equal for
        records whose columns have the same ploidy and number of FORMAT fields. Meaningful when
        GT is the first FORMAT key; see :func:`haploid_columns`."""
        return self._text.translate(_PLOIDY_ONLY)

    def parse(self, column: str, alt_index: int, n_alts: int) -> Call:
        """One column as a :class:`Call` for ALT ``alt_index`` of ``n_alts``; a column that
        cannot be read gives an invalid call (:func:`invalid_call`), never an exception."""
        values = column.split(":")
        n_values = len(values)
        gt_at, ad_at, dp_at, gq_at, ps_at = self._at
        raw_gt = values[gt_at] if gt_at is not None and gt_at < n_values else ""
        if n_values > self.n_keys:
            return invalid_call(raw_gt, f"{n_values} values for {self.n_keys} FORMAT keys")
        if raw_gt:
            try:
                alleles, phased, other = parse_gt(raw_gt, alt_index, n_alts)
            except ValueError as exc:
                return invalid_call(raw_gt, str(exc))
        else:
            alleles, phased, other = (), False, False
        ad = None
        ad_total = None
        if ad_at is not None and ad_at < n_values and values[ad_at] not in ("", "."):
            depths = values[ad_at].split(",")
            if len(depths) != n_alts + 1 or not all(_depth_ok(d) for d in depths):
                return invalid_call(
                    raw_gt, f"AD {values[ad_at][:30]!r} is not {n_alts + 1} depths (Number=R)"
                )
            ad = (int_or_none(depths[0]), int_or_none(depths[alt_index]))
            if n_alts > 1:  # the balance is over every allele's depth (#13)
                counts = [int_or_none(d) for d in depths]
                ad_total = None if None in counts else sum(counts)  # type: ignore[arg-type]
        dp = gq = None
        for name, at in (("DP", dp_at), ("GQ", gq_at)):
            if at is not None and at < n_values and values[at] not in ("", "."):
                value = int_or_none(values[at])
                if value is None:
                    return invalid_call(raw_gt, f"{name} {values[at][:20]!r} is not a number")
                if name == "DP":
                    dp = value
                else:
                    gq = value
        ps = None
        if ps_at is not None and ps_at < n_values and values[ps_at] not in ("", "."):
            ps = values[ps_at]
        return Call(alleles, phased, raw_gt, ad, dp, gq, other, ps, ad_total)


def _depth_ok(text: str) -> bool:
    return text == "." or int_or_none(text) is not None


def invalid_call(raw_gt: str, why: str) -> Call:
    """The call of a sample column that cannot be read: every allele missing (as many as the
    GT text shows, one without a GT), ``raw_gt`` kept as written, ``invalid`` saying why."""
    ploidy = 1 + len(_GT_SPLIT.findall(raw_gt.lstrip("/|"))) if raw_gt else 1
    return Call((None,) * ploidy, "|" in raw_gt, raw_gt, invalid=why)


@lru_cache(maxsize=64)
def haploid_columns(pattern: str) -> frozenset[int]:
    """Indexes of the columns of a :meth:`SampleColumns.ploidy_pattern` whose GT (the text
    before the first ``:``) has no allele separator: a haploid GT, or an empty one. Computed once
    per distinct pattern."""
    return frozenset(
        i for i, column in enumerate(pattern.split("\t")) if not _has_separator(column)
    )


#: #14: the bytes :meth:`SampleColumns.ploidy_pattern` deletes, for ``bytes.translate``
_NOT_PLOIDY = bytes(code for code in range(128) if chr(code) not in "\t/|:")


def _haploid_of(text: str) -> frozenset[int]:
    """:func:`haploid_columns` of the ploidy pattern of ``text`` (sample columns). An ASCII
    text (every VCF column in practice) is reduced as bytes, a C pass a few times cheaper than
    ``str.translate``; it deletes the same characters, so the pattern is the same."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return haploid_columns(text.translate(_PLOIDY_ONLY))
    return _haploid_columns_ascii(raw.translate(None, _NOT_PLOIDY))


@lru_cache(maxsize=64)
def _haploid_columns_ascii(pattern: bytes) -> frozenset[int]:
    """:func:`haploid_columns` of an ASCII pattern given as bytes."""
    return frozenset(
        i for i, column in enumerate(pattern.split(b"\t"))
        if b"/" not in (gt := column.partition(b":")[0]) and b"|" not in gt
    )


def _has_separator(column: str) -> bool:
    gt = column.partition(":")[0]
    return "/" in gt or "|" in gt


def _field(column: str, at: int) -> str:
    values = column.split(":")
    return values[at] if at < len(values) else ""


#: #14: most distinct column texts per shared table before a new table is started
_SHARED_CALLS_MAX = 4_096
_SHARED_CALLS: dict[tuple[object, ...], dict[str, Call]] = {}


def _shared_calls(
    layout: tuple[object, ...], alt_index: int, n_alts: int, fresh: bool = False
) -> dict[str, Call]:
    """The table of parsed calls (column text -> :class:`Call`) shared by every record whose
    FORMAT layout, ALT number and ALT count are these (#14). A call depends on nothing else
    (:meth:`SampleColumns.parse`), and a cohort repeats the same few columns (``0/1:12,10:22:99``)
    at record after record: each distinct text is parsed once per run, not once per record.
    ``fresh`` replaces a full table (the calls already handed out stay valid: they are
    values)."""
    key = (layout, alt_index, n_alts)
    table = None if fresh else _SHARED_CALLS.get(key)
    if table is None:
        if len(_SHARED_CALLS) >= 16:
            _SHARED_CALLS.clear()
        table = _SHARED_CALLS[key] = {}
    return table


class SampleCalls(Sequence[Call]):
    """The genotypes of one (split, single-ALT) record, one per sample, parsed on demand.

    Equal column texts share one :class:`Call` object, across records too (#14: a table per
    FORMAT layout and ALT, :func:`_shared_calls`). Compares equal to any sequence of the
    same calls (a tuple included).
    """

    __slots__ = ("_alt_index", "_columns", "_n_alts", "_notable", "_parsed")

    def __init__(self, columns: SampleColumns, alt_index: int = 1, n_alts: int = 1) -> None:
        self._columns = columns
        self._alt_index = alt_index
        self._n_alts = n_alts
        self._parsed = _shared_calls(columns.layout, alt_index, n_alts)
        # parse the non-plain-REF columns now (an unreadable one gives an invalid call)
        get, parse = self._parsed.get, self._call  # a column seen before: one look-up
        notable = [(i, get(text) or parse(text)) for i, text in columns.notable()]
        if not columns.gt_first:
            notable = [(i, call) for i, call in notable if call.raw_gt not in PLAIN_REF_GTS]
        self._notable = tuple(notable)

    def _call(self, text: str) -> Call:
        call = self._parsed.get(text)
        if call is None:
            parsed = self._parsed
            if len(parsed) >= _SHARED_CALLS_MAX:  # bounded: a new table, the old one dropped
                parsed = self._parsed = _shared_calls(
                    self._columns.layout, self._alt_index, self._n_alts, fresh=True)
            call = parsed[text] = self._columns.parse(text, self._alt_index, self._n_alts)
        return call

    def notable(self) -> tuple[tuple[int, Call], ...]:
        """``(sample index, call)`` for every sample whose GT is not plain REF (0, 0/0, 0|0)."""
        return self._notable

    def haploid_ref(self, indexes: Collection[int]) -> list[int]:
        """The sample ``indexes`` whose GT is exactly ``0`` (haploid REF), in order."""
        return self._columns.haploid_ref(indexes)

    @property
    def columns(self) -> SampleColumns:
        """The record's sample columns as read (shared by the ALTs of a multi-allelic record)."""
        return self._columns

    def __len__(self) -> int:
        return self._columns.n

    @overload
    def __getitem__(self, index: int) -> Call: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Call, ...]: ...

    def __getitem__(self, index: int | slice) -> Call | tuple[Call, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._columns.n
        if not 0 <= index < self._columns.n:
            raise IndexError("sample index out of range")
        return self._call(self._columns.column(index))

    def __iter__(self) -> Iterator[Call]:
        call = self._call
        return (call(text) for text in self._columns.all_columns())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"SampleCalls({tuple(self)!r})"


def notable_calls(calls: Sequence[Call]) -> Sequence[tuple[int, Call]]:
    """``(sample index, call)`` for every call whose GT is not plain REF (0, 0/0, 0|0)."""
    if isinstance(calls, SampleCalls):
        return calls.notable()
    return [(i, call) for i, call in enumerate(calls) if call.raw_gt not in PLAIN_REF_GTS]


def haploid_ref_samples(calls: Sequence[Call], indexes: Collection[int]) -> list[int]:
    """The sample ``indexes`` whose GT is exactly ``0`` (haploid REF), in order."""
    if isinstance(calls, SampleCalls):
        return calls.haploid_ref(indexes)
    return [i for i in sorted(indexes) if calls[i].raw_gt == "0"]
