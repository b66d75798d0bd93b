"""Issue 15: what the reader could not read, kept so that no verdict rests on it silently.

:class:`DamageLog` notes every damaged record read in the FOXP3 windows (a record that could
not be read at all: :data:`~ipexcli.vcf.stats.DAMAGE`), so that those inside the decided build's
locus can be warned about one by one and fail ``--fail-on`` (unless ``--allow-skipped``); and it
knows the input's last line when that line has no newline: a damaged last line means the file
ends inside a record (cut short), a data error (exit 1). Positions: ``pos`` is the 1-based VCF
POS; ``start``/``end`` of a locus are 0-based half-open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ipexcli.errors import InputFileError
from ipexcli.vcf.bgzf import locate_from_end
from ipexcli.vcf.records import BadRecord, RawRecord, record_pos
from ipexcli.vcf.stats import DAMAGE, IngestStats, SkippedRecord, SkipReason

if TYPE_CHECKING:
    from ipexcli.model import VariantRecord
    from ipexcli.vcf.bgzf import BgzfFile
    from ipexcli.vcf.stream import LineSpool

CountSkip = Callable[[SkipReason, str, int | None, str], None]


class DamageLog:
    """Damaged records of one file, and its unterminated last line (see the module)."""

    def __init__(self, path: str, spool: LineSpool) -> None:
        self.path = path
        self.spool = spool
        self.bgzf: BgzfFile | None = None  #: set when the file is read by BGZF blocks
        #: (POS or None, reason, line number or None, detail)
        self.records: list[tuple[int | None, SkipReason, int | None, str]] = []
        self.cut_raw: RawRecord | None = None  #: the last record, when it had no newline
        self.cut_len: int | None = None  #: the length (bytes) of that unterminated last line

    def note(self, pos: int | None, reason: SkipReason, line: int | None, detail: str) -> None:
        if reason in DAMAGE:
            self.records.append((pos, reason, line, detail))

    def counter(self, stats: IngestStats, pos: int) -> CountSkip:
        """``stats.count`` that also notes damage (e.g. an unreadable ALT) of a record at
        ``pos``."""

        def count(reason: SkipReason, source: str, line: int | None, detail: str) -> None:
            stats.count(reason, source, line, detail)
            self.note(pos, reason, line, detail)

        return count

    def in_locus(self, start: int, end: int) -> list[str]:
        """The damaged records whose POS lies in 0-based ``[start, end)`` (or is unreadable),
        each as "FILE: line N: reason: detail"."""
        return [
            str(SkippedRecord(self.path, line, reason, detail))
            for pos, reason, line, detail in self.records
            if pos is None or start < pos <= end
        ]

    def is_last_unterminated(self, line_no: int | None, line: bytes) -> bool:
        """True for the input's last line when it has no newline (the data ends inside it);
        its length is kept (:meth:`cut_short` says where it starts)."""
        if line_no is not None:
            cut = line_no == self.spool.cut_line
        else:
            cut = self.bgzf is not None and line is self.bgzf.cut_tail
        if cut:
            self.cut_len = len(line)
        return cut

    def bad_record(
        self, stats: IngestStats, bad: BadRecord, line_no: int | None, line: bytes, text: str
    ) -> None:
        """A record that cannot be read: counted and noted, or (when it is the unterminated
        last line) the error saying that the file ends inside it."""
        detail = bad.detail
        if line_no is None:  # index, bisection, BCF: say which record instead
            detail += f" (record {text[:40]!r}...)"
        if self.is_last_unterminated(line_no, line):
            raise self.cut_short(line_no, detail)
        stats.count(bad.reason, self.path, line_no, detail)
        self.note(record_pos(text), bad.reason, line_no, detail)

    def seen(self, raw: RawRecord, line_no: int | None, line: bytes) -> None:
        """Note ``raw`` when it is the unterminated last line (its calls are checked later)."""
        if self.is_last_unterminated(line_no, line):
            self.cut_raw = raw

    def checked(
        self, raw: RawRecord, records: Iterable[VariantRecord]
    ) -> list[VariantRecord]:
        """``records`` (the expansion of ``raw``); an unreadable call in the unterminated last
        line means the file was cut inside it."""
        out = list(records)
        if raw is self.cut_raw and any(call.invalid for r in out for call in r.calls):
            raise self.cut_short(raw.line, "a sample column is cut")
        return out

    def cut_short(self, line_no: int | None, detail: str) -> InputFileError:
        """The error for a damaged last line without newline: the file ends inside a record,
        which starts at the offset named (:meth:`cut_offset`)."""
        where = f"line {line_no}" if line_no is not None else "its last record"
        return InputFileError(
            self.path,
            f"the file ends inside a record ({where}, {self.cut_offset()}: {detail})",
            "The file was cut short (incomplete download or copy?); fetch it again",
        )

    def cut_offset(self) -> str:
        """#15: where the unterminated last record starts: the BGZF block holding its start
        (compressed byte offset, and where in that block's data), the byte offset in a plain
        text file, else how many bytes of decompressed text it has."""
        length = self.cut_len
        if length is None:
            return "at the end of the data"
        if self.bgzf is not None:
            found = locate_from_end(self.bgzf.handle, self.bgzf.size, length)
            if found is not None:
                return (f"starting in the BGZF block at compressed byte offset {found[0]:,}, "
                        f"byte {found[1]:,} of its data")
        elif self.path != "-" and os.path.isfile(self.path):
            with open(self.path, "rb") as handle:
                plain = handle.read(2) != b"\x1f\x8b"
            if plain:
                return (f"starting at byte offset {os.path.getsize(self.path) - length:,} of the "
                        "file")
        return f"the last {length:,} bytes of the decompressed text"
