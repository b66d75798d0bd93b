"""Byte sources read front to back: format sniffing, gzip/plain chunks, and the chrX/chrY spool.

Plain text, plain gzip (which cannot be seeked), standard input and named pipes, and any BGZF
file that can be neither queried through an index nor bisected are read here in one pass.
Decompressed chunks are searched at C speed for lines starting with a chrX/chrY contig name;
only those stretches are kept, in a temporary spool (:class:`LineSpool`), so that a second
request (chrX for sex inference after the FOXP3 region) does not read the input again and
standard input is read once. Line numbers are 1-based lines of the file (header included);
``lo``/``end`` filter the 1-based VCF ``POS`` (``lo < POS <= end``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator
from itertools import accumulate
from operator import itemgetter
from typing import IO, BinaryIO

from ipexcli.errors import InputFileError
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf.header import read_header
from ipexcli.vcf.limits import MAX_LINE_BYTES, line_too_long
from ipexcli.vcf.records import WINDOW_MARGIN, line_reach, may_reach, reaches_past

_CHUNK = 1 << 20  #: bytes read at a time
_OUT_MAX = 4 << 20  #: largest decompressed chunk
#: longest POS range looked up in the spool's position index (:meth:`LineSpool.lines`)
_WINDOW_MAX = 10_000_000
_SPOOL_MEMORY = 8 << 20  #: #14: chrX/chrY lines kept in memory up to this, then in a file
#: #14: the second column (POS) of each line of a text ending in a newline, one match per line
_POS = re.compile(rb"[^\t\n]*\t([^\t\n]*)[^\n]*\n")


def sniff(head: bytes) -> str:
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


class Prefixed:
    """A read-only stream: ``prefix`` bytes, then the rest of ``raw``."""

    def __init__(self, prefix: bytes, raw: IO[bytes]) -> None:
        self.prefix = prefix
        self.raw = raw

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
            return out
        return self.raw.read(size)


def decompressed_chunks(stream: Prefixed | BinaryIO, path: str) -> Iterator[bytes]:
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


def plain_chunks(stream: Prefixed | BinaryIO) -> Iterator[bytes]:
    """The bytes of ``stream`` in chunks of 1 MiB."""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return
        yield chunk


def chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def body_chunks(
    handle: BinaryIO, compressed: bool, path: str, max_line: int = MAX_LINE_BYTES
) -> tuple[bytes, Iterator[bytes], int]:
    """Read a seekable file again from its start: ``(rest of the first chunks after the header,
    the further chunks, number of header lines)``."""
    handle.seek(0)
    chunks = decompressed_chunks(handle, path) if compressed else plain_chunks(handle)
    lines, rest = read_header(chunks, path, max_line)
    return rest, prefetched(chunks) if compressed else chunks, len(lines)


def prefetched(chunks: Iterator[bytes], depth: int = 2) -> Iterator[bytes]:
    """The items of ``chunks``, produced ``depth`` ahead by a helper thread: zlib releases the
    GIL while it inflates, so decompressing the next chunk overlaps the search of this one
    (measured: a plain-gzip genome's full pass 0.3 s shorter on 2 cores). An exception in the
    producer is raised here; closing this generator stops the thread after its current chunk."""
    import queue
    import threading

    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=produce, name="ipex-inflate", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        stop.set()
        thread.join()


def copy_to_tempfile(stream: Prefixed, suffix: str) -> str:
    """Copy what is left of ``stream`` into a named temporary file (the caller deletes it)."""
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        for chunk in plain_chunks(stream):
            handle.write(chunk)
    return handle.name


#: a contig's lines in a spool: POS-sorted positions, (spool offset, size, line number) of each,
#: the lines whose POS is not a number, and (#13) ``(POS, reach, offset, size, line number)`` of
#: the lines that may reach past their POS (:func:`~ipexcli.vcf.records.may_reach`)
_ContigIndex = tuple[
    list[int],
    list[tuple[int, int, int]],
    list[tuple[int, bytes]],
    list[tuple[int, int, int, int, int]],
]


class LineSpool:
    """The chrX/chrY lines of one pass over the input, kept in a temporary file.

    The spool holds blocks ``"<first line number> <bytes>\\n"`` then the bytes: the stretch of a
    chunk from its first to its last line on a wanted contig. Other lines inside a stretch
    (unsorted files) are filtered by :meth:`lines`. A failed pass is remembered and raised again.
    """

    def __init__(self) -> None:
        self.file: IO[bytes] | None = None
        self.error: InputFileError | None = None
        #: #15: the number of the input's last line when it has no newline (the data ends
        #: inside it: a record cut short when it is damaged), else None
        self.cut_line: int | None = None
        self.max_line = MAX_LINE_BYTES  #: #15: the longest line held (the reader sets it)
        self.path = ""  #: the input, for messages
        self.n_lines = 0  #: #15: the lines of the input (header included), once filled
        self._index: dict[bytes, _ContigIndex] | None = None

    def fill(
        self,
        body: Callable[[], tuple[bytes, Iterator[bytes], int]],
        patterns: list[bytes],
        on_progress: Callable[[int], None] | None,
    ) -> None:
        """One pass over ``body()`` (rest, chunks, lines before them) keeping the lines that
        start with one of ``patterns`` (``b"chrX\\t"``...)."""
        if self.error is not None:
            raise self.error
        import tempfile

        # #14 item 5: held in memory up to _SPOOL_MEMORY (a small input creates no file)
        spool = tempfile.SpooledTemporaryFile(_SPOOL_MEMORY)  # noqa: SIM115 - closed in close()
        try:
            self.cut_line = self._fill(spool, body, patterns, on_progress, self.max_line,
                                       self.path)
        except InputFileError as exc:
            spool.close()
            self.error = exc
            raise
        spool.flush()
        spool.seek(0)
        self.file = spool

    def _fill(
        self,
        spool: IO[bytes],
        body: Callable[[], tuple[bytes, Iterator[bytes], int]],
        patterns: list[bytes],
        on_progress: Callable[[int], None] | None,
        max_line: int,
        path: str,
    ) -> int | None:
        """Copy the stretches of the input holding wanted lines into ``spool``; returns the
        number of the last line when it has no newline.

        Each decompressed chunk is read once: one regular-expression search (at C speed) for a
        line starting with any of ``patterns`` says whether the chunk holds a wanted line; only
        then is its last one looked for. Chunks are not copied: the line cut at a chunk's end
        is joined to the start of the next one as a small piece of its own.
        """
        rest, chunks, line_no = body()
        finder = re.compile(b"\n(?:" + b"|".join(re.escape(p) for p in patterns) + b")")
        scan = _Scan(spool, patterns, finder)
        tail = b""
        pieces: list[bytes] = []  # #15: chunks inside one long line, joined once
        held = 0
        for chunk in chain(rest, chunks):
            if on_progress is not None:
                on_progress(len(chunk))
            cut = chunk.rfind(b"\n")
            if cut < 0:
                # #15: a line is refused once ``max_line`` of it is held (a line ending in
                # a chunk may pass the limit by at most one chunk, 4 MiB)
                pieces.append(chunk)
                held += len(chunk)
                if len(tail) + held > max_line:
                    raise line_too_long(path, f"line {line_no + 1}", max_line)
                continue
            if pieces:
                tail = b"".join([tail, *pieces])
                pieces, held = [], 0
            first = chunk.find(b"\n")
            line_no = scan.block(tail + chunk[: first + 1], 0, None, line_no)
            if first < cut:
                line_no = scan.block(chunk, first + 1, cut + 1, line_no)
            tail = chunk[cut + 1 :]
        tail += b"".join(pieces)
        self.n_lines = line_no + (1 if tail else 0)
        if tail:
            scan.block(tail + b"\n", 0, None, line_no)
            return line_no + 1  # the last line, which has no newline
        return None

    def lines(
        self, names: set[bytes], lo: int, end: int, reach: bool = False
    ) -> Iterator[tuple[int | None, bytes]]:
        """``(line number, line)`` for the spooled records on ``names`` with ``lo < POS <= end``
        (a record whose POS is not a number is kept: the parser reports it); with ``reach``
        (#13) also those starting at or before ``lo`` that reach past it
        (:func:`~ipexcli.vcf.records.reach`).

        A short range (at most :data:`_WINDOW_MAX` bases: the FOXP3 windows, the sampled sex
        scan's windows) is looked up in a position index of the spool, built on the first such
        request; a longer one reads the spool through. Either way lines come in file order."""
        if end - lo <= _WINDOW_MAX:
            yield from self._indexed(names, lo, end, reach)
        else:
            yield from self._through(names, lo, end, reach)

    def _indexed(
        self, names: set[bytes], lo: int, end: int, reach: bool
    ) -> Iterator[tuple[int | None, bytes]]:
        import bisect

        if self._index is None:
            self._index = self._build_index()
        spool = self.file
        assert spool is not None
        picked: list[tuple[int, int, int | bytes]] = []
        for name in names:
            found = self._index.get(name)
            if found is None:
                continue
            positions, where, unnumbered, reaching = found
            first = bisect.bisect_right(positions, lo)
            stop = bisect.bisect_right(positions, end, lo=first)
            picked += [(number, offset, size) for offset, size, number in where[first:stop]]
            picked += [(number, -1, line) for number, line in unnumbered]
            if reach:
                picked += [(number, offset, size) for pos, last, offset, size, number
                           in reaching if pos <= lo < last]
        # in file order, as :meth:`_through` gives them
        for number, offset, size in sorted(picked, key=lambda item: item[0]):
            if isinstance(size, bytes):
                yield number, size
            else:
                spool.seek(offset)
                yield number, spool.read(size).rstrip(b"\r")

    def _build_index(self) -> dict[bytes, _ContigIndex]:
        """Per contig of the spool: POS-sorted positions and ``(spool offset, size, line
        number)`` of its lines, the lines whose POS is not a number (kept in every answer),
        and the lines that reach past their POS (#13: a block is searched once at C speed,
        :func:`~ipexcli.vcf.records.may_reach`; only a block with a hit tests its lines). One
        pass over the spool, for every contig at once."""
        spool = self.file
        assert spool is not None
        spool.seek(0)
        entries: dict[bytes, list[tuple[int, int, int, int]]] = {}
        unnumbered: dict[bytes, list[tuple[int, bytes]]] = {}
        reaching: dict[bytes, list[tuple[int, int, int, int, int]]] = {}
        while True:
            head = spool.readline()
            if not head:
                break
            first_line, size = (int(x) for x in head.split())
            offset = spool.tell()
            block = spool.read(size)
            contig_entries: list[tuple[int, int, int, int]] = []
            last_contig = None
            hint = may_reach(block)
            lines = block.split(b"\n")
            if not hint and _index_one_contig(block, lines, offset, first_line, entries):
                continue
            for number, line in enumerate(lines, start=first_line):
                contig, _, rest = line.partition(b"\t")
                if contig != last_contig:
                    contig_entries = entries.setdefault(contig, [])
                    last_contig = contig
                pos_text = rest.split(b"\t", 1)[0]
                if pos_text.isdigit():
                    contig_entries.append((int(pos_text), offset, len(line), number))
                    if hint and may_reach(line):
                        found = line_reach(line)
                        if found is not None and found[1] - found[0] >= WINDOW_MARGIN:
                            reaching.setdefault(contig, []).append(
                                (*found, offset, len(line.rstrip(b"\r")), number))
                else:
                    unnumbered.setdefault(contig, []).append((number, line.rstrip(b"\r")))
                offset += len(line) + 1
        index: dict[bytes, _ContigIndex] = {}
        for contig in entries.keys() | unnumbered.keys():
            rows = sorted(entries.get(contig, ()))
            index[contig] = (  # the columns taken at C speed (#14)
                list(map(itemgetter(0), rows)),
                list(map(itemgetter(1, 2, 3), rows)),
                unnumbered.get(contig, []),
                reaching.get(contig, []),
            )
        return index

    def _through(
        self, names: set[bytes], lo: int, end: int, reach: bool
    ) -> Iterator[tuple[int | None, bytes]]:
        spool = self.file
        assert spool is not None
        spool.seek(0)
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
                if (pos_text.isdigit() and not lo < int(pos_text) <= end
                        and not (reach and int(pos_text) <= lo and reaches_past(line, lo))):
                    continue
                yield number, line.rstrip(b"\r")

    def first_contig(self, wanted: Callable[[str], bool]) -> str | None:
        """The contig of the first spooled line for which ``wanted(contig)`` holds."""
        spool = self.file
        assert spool is not None
        head = spool.readline()
        while head:
            _, size = (int(x) for x in head.split())
            for line in spool.read(size).split(b"\n"):
                contig = line.split(b"\t", 1)[0].decode("utf-8", "replace")
                if wanted(contig):
                    return contig
            head = spool.readline()
        return None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _index_one_contig(
    block: bytes,
    lines: list[bytes],
    offset: int,
    first_line: int,
    entries: dict[bytes, list[tuple[int, int, int, int]]],
) -> bool:
    """#14: index a spooled stretch whose lines are all on one contig with a number for POS
    (the usual case) at C speed: POS of every line by one regular expression (one match per
    line), offsets by a running sum; False (nothing added) for any other stretch, which
    :meth:`LineSpool._build_index` then indexes line by line."""
    contig = block[: max(0, block.find(b"\t"))]
    if not contig or b"\n" in contig or block.count(b"\n" + contig + b"\t") != len(lines) - 1:
        return False
    pos_texts = _POS.findall(block + b"\n")
    if (len(pos_texts) != len(lines) or not min(map(len, pos_texts))
            or not b"".join(pos_texts).isdigit()):
        return False
    sizes = list(map(len, lines))
    starts = accumulate(map((1).__add__, sizes[:-1]), initial=offset)
    numbers = range(first_line, first_line + len(lines))
    entries.setdefault(contig, []).extend(
        zip(map(int, pos_texts), starts, sizes, numbers, strict=True)
    )
    return True


class _Scan:
    """Finds and spools the wanted stretch of a buffer (see :meth:`LineSpool._fill`)."""

    def __init__(self, spool: IO[bytes], patterns: list[bytes], finder: re.Pattern[bytes]) -> None:
        self.spool = spool
        self.patterns = patterns
        self.needles = [b"\n" + pattern for pattern in patterns]
        self.finder = finder

    def block(self, buf: bytes, start: int, stop: int | None, line_no: int) -> int:
        """Spool the stretch of ``buf[start:stop]`` (whole lines, ``start`` a line start) from
        its first to its last wanted line; returns the line count after it."""
        if stop is None:
            stop = len(buf)
        n_lines = buf.count(b"\n", start, stop)
        if start == 0:
            at_start = any(buf.startswith(p) for p in self.patterns)
            match = None if at_start else self.finder.search(buf, 0, stop)
        else:
            at_start = False
            match = self.finder.search(buf, start - 1, stop)
        if not at_start and match is None:
            return line_no + n_lines
        first = start if at_start else match.start() + 1  # type: ignore[union-attr]
        last = first
        for needle in self.needles:
            final = buf.rfind(needle, max(0, start - 1), stop)
            if final >= 0:
                last = max(last, final + 1)
        end = buf.find(b"\n", last, stop)
        self.spool.write(
            b"%d %d\n" % (line_no + 1 + buf.count(b"\n", start, first), end - first)
        )
        self.spool.write(memoryview(buf)[first:end])
        return line_no + n_lines
