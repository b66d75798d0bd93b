"""Opening a VCF/BCF: its format sniffed from the bytes, its header read, its byte sources noted.

:class:`OpenedFile` is what :class:`~ipexcli.vcf.reader.VcfReader` reads from: the format
(``vcf``, ``bgzf``, ``gzip``, ``bcf``; never guessed from the name), the parsed header, and
the sources a window can come from (``region_method``: ``index`` when a usable ``.tbi``/``.csi``
is beside a BGZF file or a BCF, ``bgzf-bisection`` for a BGZF file without one, ``stream``
otherwise). Standard input and named pipes are read once: what follows their header is kept in
``stdin_rest`` for the one pass; a BCF from a pipe is copied to a temporary file that pysam can
read. Nothing past the header is read here. Errors are one line with a hint
(:class:`~ipexcli.errors.InputFileError`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from ipexcli.errors import InputFileError
from ipexcli.vcf import bgzf as bgzf_mod
from ipexcli.vcf import htslib, index, stream
from ipexcli.vcf.bgzf_text import read_header_blocks
from ipexcli.vcf.header import VcfHeader, parse_header, read_header


class OpenedFile:
    """A VCF/BCF opened for reading (see the module); :meth:`close` is idempotent and also
    runs when opening fails."""

    header: VcfHeader
    bgzf: bgzf_mod.BgzfFile

    def __init__(self, path: str, max_line: int, notes: list[str]) -> None:
        self.path = path  #: as given, ``"-"`` for standard input
        self.max_line = max_line
        self.notes = notes  #: where a passed-over index is noted (the reader's stats.notes)
        self.file_format = ""
        self.region_method = ""
        self.handle: BinaryIO | None = None
        self.variant_file: Any = None  #: pysam.VariantFile for BCF
        self.index_path: str | None = None
        self.data_start: tuple[int, int] = (0, 0)  #: BGZF virtual position of the first record
        self.stdin_rest: tuple[bytes, Iterator[bytes]] | None = None
        self.tempfiles: list[str] = []
        self._closed = False
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        """Sniff the bytes and read the header (see the module)."""
        path = self.path
        if path == "-":
            self._open_pipe(sys.stdin.buffer)
            return
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed in close()
        except FileNotFoundError:
            raise InputFileError(path, "no such file", "Check the path") from None
        except IsADirectoryError:
            raise InputFileError(path, "is a directory", "Give a VCF file") from None
        except OSError as exc:
            raise InputFileError(path, f"cannot open ({exc.strerror})") from None
        self.handle = handle
        if not handle.seekable():  # a named pipe or process substitution: like stdin
            self._open_pipe(handle)
            return
        head = handle.read(64)
        if not head:
            raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
        kind = stream.sniff(head)
        if kind == "bgzf":
            if not bgzf_mod.has_eof_marker(handle):
                raise InputFileError(
                    path,
                    "the BGZF file is truncated (no end-of-file marker)",
                    "The file was cut short (incomplete download or copy?); fetch it again "
                    "or re-compress with bgzip",
                )
            try:
                first = bgzf_mod.BgzfFile(handle).read_block(0).data
            except bgzf_mod.BgzfError as exc:
                raise InputFileError(path, str(exc), "Re-compress the file with bgzip") from None
            if first.startswith(b"BCF"):
                self._open_bcf(path)
                return
            self.file_format = "bgzf"
            try:
                self._open_bgzf_text()
            except bgzf_mod.BgzfError as exc:
                raise InputFileError(path, str(exc), "Re-compress the file with bgzip") from None
        elif kind == "gzip":
            self.file_format = "gzip"
            handle.seek(0)
            lines, _ = read_header(stream.decompressed_chunks(handle, path), path, self.max_line)
            self.header = parse_header(lines, path)
            self.region_method = "stream"
        elif kind == "bcf-raw":
            self._open_bcf(path)
        elif kind == "text":
            self.file_format = "vcf"
            handle.seek(0)
            lines, _ = read_header(stream.plain_chunks(handle), path, self.max_line)
            self.header = parse_header(lines, path)
            self.region_method = "stream"
        else:
            raise InputFileError(
                path,
                f"{kind}-compressed, which VCF readers do not support",
                f"Decompress it and compress with bgzip: {kind} -dc FILE | bgzip > FILE.vcf.gz",
            )

    def _open_pipe(self, raw: BinaryIO) -> None:
        """Standard input or another stream that cannot seek: read once, front to back."""
        shown = self.path
        head = raw.read(64)
        while len(head) < 64:
            more = raw.read(64 - len(head))
            if not more:
                break
            head += more
        if not head:
            raise InputFileError(shown, "the input is empty", "Give a VCF with records")
        source = stream.Prefixed(head, raw)
        kind = stream.sniff(head)
        if kind in ("bgzf", "gzip"):
            if kind == "bgzf":
                block_size = int.from_bytes(head[16:18], "little") + 1
                while len(head) < block_size:
                    more = raw.read(block_size - len(head))
                    if not more:
                        break
                    head += more
                source = stream.Prefixed(head, raw)
                first = zlib.decompressobj(31).decompress(head[:block_size])
                if first.startswith(b"BCF"):
                    self._spool_stdin_bcf(source)
                    return
            self.file_format = kind
            chunks = stream.decompressed_chunks(source, shown)
        elif kind == "text":
            self.file_format = "vcf"
            chunks = stream.plain_chunks(source)
        elif kind == "bcf-raw":
            self._spool_stdin_bcf(source)
            return
        else:
            raise InputFileError(
                shown, f"{kind}-compressed input", f"Decompress first: {kind} -dc FILE | ipex ..."
            )
        lines, rest = read_header(chunks, shown, self.max_line)
        self.header = parse_header(lines, shown)
        self.stdin_rest = (rest, chunks)
        self.region_method = "stream"

    def _spool_stdin_bcf(self, source: stream.Prefixed) -> None:
        """BCF from a stream: copied to a temporary file, which pysam can read."""
        name = stream.copy_to_tempfile(source, ".bcf")
        self.tempfiles.append(name)
        self._open_bcf(name, shown_as=self.path)

    def _open_bcf(self, real_path: str, shown_as: str | None = None) -> None:
        shown = shown_as or real_path
        self.file_format = "bcf"
        self.variant_file, lines = htslib.open_bcf(real_path, shown)
        self.header = parse_header(lines, shown)
        has_index = index.usable_index(real_path, self.notes) is not None
        self.region_method = "index" if has_index else "stream"

    def _open_bgzf_text(self) -> None:
        assert self.handle is not None
        self.bgzf = bgzf_mod.BgzfFile(self.handle, self.max_line)
        lines, self.data_start = read_header_blocks(self.bgzf, self.path, self.max_line)
        self.header = parse_header(lines, self.path)
        stale = len(self.notes)
        self.index_path = index.usable_index(self.path, self.notes)
        self.region_method = "index" if self.index_path else "bgzf-bisection"
        if not self.index_path and len(self.notes) == stale:  # #15: none beside it
            self.notes.append(index.no_index_note(self.path))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for resource in (self.handle, self.variant_file):
            if resource is not None:
                with contextlib.suppress(OSError, ValueError):
                    resource.close()
        for name in self.tempfiles:
            with contextlib.suppress(OSError):
                os.unlink(name)
