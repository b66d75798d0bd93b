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

import zlib
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from ipexcli.errors import InputFileError
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf.header import read_header
from ipexcli.vcf.limits import MAX_LINE_BYTES, line_too_long

_CHUNK = 1 << 20  #: bytes read at a time
_OUT_MAX = 4 << 20  #: largest decompressed chunk


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
    return rest, chunks, len(lines)


def copy_to_tempfile(stream: Prefixed, suffix: str) -> str:
    """Copy what is left of ``stream`` into a named temporary file (the caller deletes it)."""
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        for chunk in plain_chunks(stream):
            handle.write(chunk)
    return handle.name


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

        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed here or in close()
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

        Each decompressed chunk is searched (at C speed) for the first and the last line that
        starts with one of ``patterns``; that stretch is written as one block.
        """
        rest, chunks, line_no = body()
        needles = [b"\n" + pattern for pattern in patterns]
        buffer = b""
        pieces: list[bytes] = []  # chunks inside one long line, joined once
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
                if len(buffer) + held > max_line:
                    raise line_too_long(path, f"line {line_no + 1}", max_line)
                continue
            data = b"".join([buffer, *pieces, chunk[: cut + 1]])
            buffer, pieces, held = chunk[cut + 1 :], [], 0
            line_no = _spool_block(spool, data, line_no, patterns, needles)
        buffer += b"".join(pieces)
        self.n_lines = line_no + (1 if buffer else 0)
        if buffer:
            _spool_block(spool, buffer + b"\n", line_no, patterns, needles)
            return line_no + 1  # the last line, which has no newline
        return None

    def lines(self, names: set[bytes], lo: int, end: int) -> Iterator[tuple[int | None, bytes]]:
        """``(line number, line)`` for the spooled records on ``names`` with ``lo < POS <= end``
        (a record whose POS is not a number is kept: the parser reports it)."""
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
                if pos_text.isdigit() and not lo < int(pos_text) <= end:
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


def _spool_block(
    spool: IO[bytes], body: bytes, line_no: int, patterns: list[bytes], needles: list[bytes]
) -> int:
    """Spool the wanted stretch of ``body`` (whole lines); returns the new line count."""
    first, last = -1, -1
    for pattern, needle in zip(patterns, needles, strict=True):
        if body.startswith(pattern):
            at = 0
        else:
            at = body.find(needle)
            if at < 0:
                continue
            at += 1
        first = at if first < 0 else min(first, at)
        final = body.rfind(needle)
        last = max(last, final + 1 if final >= 0 else at)
    if first >= 0:
        stop = body.find(b"\n", last)
        block = body[first:stop]
        spool.write(b"%d %d\n" % (line_no + 1 + body.count(b"\n", 0, first), len(block)))
        spool.write(block)
    return line_no + body.count(b"\n")
