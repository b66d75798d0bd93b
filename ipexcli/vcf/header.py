"""The VCF header: :class:`VcfHeader` (contigs, INFO Numbers, samples) and the checks on it.

:func:`read_header` takes the header lines off the front of a stream of decompressed chunks and
refuses, with one line saying how to fix it, what is not a VCF (binary data, records without a
header, a meta line broken over two lines, no ``#CHROM`` line). :func:`parse_header` then reads
the lines this project uses. Line numbers in errors are 1-based lines of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ipexcli.errors import InputFileError, VcfFormatError
from ipexcli.vcf.limits import MAX_LINE_BYTES, line_too_long


@dataclass(frozen=True, slots=True)
class ContigLine:
    name: str
    length: int | None
    assembly: str | None


@dataclass(frozen=True, slots=True)
class VcfHeader:
    """The parts of a VCF header the reader uses."""

    file_format: str  #: e.g. "VCFv4.2"; "" when the file has no ##fileformat line
    contigs: tuple[ContigLine, ...]
    info_number: dict[str, str]  #: INFO ID -> Number ("A", "R", "1", ".", ...)
    reference: tuple[str, ...]
    assembly: tuple[str, ...]
    samples: tuple[str, ...]
    n_lines: int  #: number of header lines (the first record is on line n_lines + 1)
    #: #13: the symbolic ALTs its ##ALT lines declare (DEL, DUP:TANDEM, ...; not NON_REF or *):
    #: a file that may hold structural records
    symbolic_alts: tuple[str, ...] = ()


BOM = b"\xef\xbb\xbf"  #: a UTF-8 byte-order mark some Windows editors put first


def parse_structured(value: str) -> dict[str, str]:
    """Parse ``<ID=X,length=1,Description="a, b">`` into a dict (quotes removed).

    >>> parse_structured('<ID=chrX,length=156040895,assembly="GRCh38">')
    {'ID': 'chrX', 'length': '156040895', 'assembly': 'GRCh38'}
    """
    body = value.strip()
    if body.startswith("<") and body.endswith(">"):
        body = body[1:-1]
    out: dict[str, str] = {}
    key, buf, in_quotes, escaped = "", [], False, False
    reading_key = True
    for char in body:
        if escaped:
            buf.append(char)
            escaped = False
        elif char == "\\" and in_quotes:
            escaped = True
        elif char == '"':
            in_quotes = not in_quotes
        elif char == "=" and reading_key and not in_quotes:
            key, buf, reading_key = "".join(buf).strip(), [], False
        elif char == "," and not in_quotes:
            if key:
                out[key] = "".join(buf).strip()
            key, buf, reading_key = "", [], True
        else:
            buf.append(char)
    if key:
        out[key] = "".join(buf).strip()
    return out


_REQUIRED = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")


def parse_header(lines: Sequence[str], path: str) -> VcfHeader:
    """Parse header lines (``##...`` then ``#CHROM``); raises :class:`VcfFormatError`."""
    if not lines:
        raise VcfFormatError(path, None, "no VCF header", "A VCF starts with ##fileformat=VCFv4.x")
    file_format = ""
    first = lines[0]
    if first.startswith("##fileformat="):
        file_format = first.split("=", 1)[1].strip()
        if not re.fullmatch(r"VCFv4\.\d", file_format):
            raise VcfFormatError(
                path,
                1,
                f"unsupported format {file_format!r}",
                "ipexcli reads VCF 4.x (4.1-4.3 tested); convert with bcftools view",
            )
    elif not first.startswith("#CHROM"):
        raise VcfFormatError(
            path, 1, "the first line is not ##fileformat=VCFv4.x", "Is this really a VCF?"
        )
    contigs, info_number, reference, assembly = [], {}, [], []
    symbolic: list[str] = []
    for line in lines[:-1]:
        if line.startswith("##contig="):
            attrs = parse_structured(line[9:])
            if attrs.get("ID"):
                length = attrs.get("length", "")
                contigs.append(
                    ContigLine(
                        attrs["ID"],
                        int(length) if length.isascii() and length.isdigit() else None,
                        attrs.get("assembly"),
                    )
                )
        elif line.startswith("##INFO="):
            attrs = parse_structured(line[7:])
            if attrs.get("ID"):
                info_number[attrs["ID"]] = attrs.get("Number", ".")
        elif line.startswith("##ALT="):
            alt_id = parse_structured(line[6:]).get("ID", "")
            if alt_id and alt_id not in ("NON_REF", "*"):
                symbolic.append(alt_id)
        elif line.startswith("##reference="):
            reference.append(line[12:].strip())
        elif line.startswith("##assembly="):
            assembly.append(line[11:].strip())
    columns_line = lines[-1]
    if not columns_line.startswith("#CHROM"):
        raise VcfFormatError(
            path,
            len(lines),
            "the header has no #CHROM line",
            "The file is truncated or not a VCF",
        )
    columns = columns_line.rstrip("\r\n").split("\t")
    if len(columns) < 8 or tuple(c.upper() for c in columns[:8]) != _REQUIRED:
        if len(columns_line.split()) >= 8 and len(columns) < 8:
            problem = "the #CHROM line is not TAB-separated"
        else:
            problem = "the #CHROM line does not list CHROM POS ID REF ALT QUAL FILTER INFO"
        raise VcfFormatError(path, len(lines), problem, "Fix the header line (columns need TABs)")
    samples = tuple(columns[9:])
    if len(columns) > 8 and columns[8] != "FORMAT":
        raise VcfFormatError(
            path, len(lines), "the 9th header column is not FORMAT", "Fix the #CHROM line"
        )
    if "" in samples:  # #15: bcftools cannot read such an output either
        raise VcfFormatError(
            path,
            len(lines),
            f"sample column {samples.index('') + 10} of the #CHROM line has an empty name "
            "(a TAB at the end of the line?)",
            "Remove the extra TAB or name the sample (bcftools reheader -s)",
        )
    if len(set(samples)) != len(samples):
        dupes = sorted({s for s in samples if samples.count(s) > 1})
        raise VcfFormatError(
            path,
            len(lines),
            f"duplicate sample name(s) {', '.join(dupes[:3])}",
            "Rename the samples (bcftools reheader -s)",
        )
    return VcfHeader(
        file_format,
        tuple(contigs),
        info_number,
        tuple(reference),
        tuple(assembly),
        samples,
        len(lines),
        tuple(symbolic),
    )


def read_header(
    chunks: Iterator[bytes], path: str, max_line: int = MAX_LINE_BYTES
) -> tuple[list[str], bytes]:
    """Header lines (decoded, without newline) and the undecoded rest of the first chunks; a
    header line longer than ``max_line`` bytes is a data error (#15)."""
    buf = b""
    lines: list[str] = []
    pos = 0
    pieces: list[bytes] = []  # chunks inside one long line, joined once
    for chunk in chunks:
        if buf and b"\n" not in chunk:
            pieces.append(chunk)
            if len(buf) - pos + sum(map(len, pieces)) > max_line:  # #15
                raise line_too_long(path, f"header line {len(lines) + 1}", max_line)
            continue
        if pieces:
            chunk, pieces = b"".join([*pieces, chunk]), []
        if not lines and not buf and chunk:
            if chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
            check_text_start(chunk, path)
        buf = buf[pos:] + chunk
        pos = 0
        while True:
            if pos < len(buf) and buf[pos : pos + 1] != b"#":
                if not lines:
                    check_text_start(buf[pos:], path)
                if not lines[-1].startswith("#CHROM"):
                    raise VcfFormatError(
                        path,
                        len(lines) + 1,
                        "broken header: a line without '#' comes before the #CHROM line",
                        "Fix the header (a meta line broken over two lines?)",
                    )
                return lines, buf[pos:]
            nl = buf.find(b"\n", pos)
            if nl < 0:
                break
            lines.append(decode_header_line(buf[pos:nl].rstrip(b"\r")))
            pos = nl + 1
            if lines[-1].startswith("#CHROM"):
                return lines, buf[pos:]
    buf += b"".join(pieces)
    if pos < len(buf):
        lines.append(decode_header_line(buf[pos:].rstrip(b"\r")))
    if not lines:
        raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
    check_header_end(lines, path)
    return lines, b""


def decode_header_line(line: bytes) -> str:
    """A header line as text. #15: the ``#CHROM`` line (the sample names) is decoded with
    ``surrogateescape``, so that names that are not UTF-8 stay distinct and are written back as
    the same bytes (the report writers encode with ``surrogateescape``); other lines with
    replacement characters.

    >>> decode_header_line(b"#CHROM\\tPOS\\xff").encode("utf-8", "surrogateescape")[-1]
    255
    """
    return line.decode("utf-8", "surrogateescape" if line.startswith(b"#CHROM") else "replace")


def check_text_start(data: bytes, path: str) -> None:
    if not data.strip():
        raise InputFileError(path, "the file is empty", "Give a VCF with a header and records")
    if b"\x00" in data[:4096]:
        raise InputFileError(path, "not a VCF (binary data)", "Give a VCF, VCF.gz or BCF file")
    if data.lstrip()[:1] != b"#":
        first = data.split(b"\n", 1)[0][:60].decode("utf-8", "replace")
        if len(first.split("\t")) >= 8:
            raise VcfFormatError(
                path,
                1,
                "the file has no VCF header (it starts with a record)",
                "Add the header: bcftools view needs ##fileformat and #CHROM lines",
            )
        raise InputFileError(
            path, f"not a VCF (it starts with {first!r})", "Give a VCF, VCF.gz or BCF file"
        )


def check_header_end(lines: list[str], path: str) -> None:
    if not lines or not lines[-1].startswith("#CHROM"):
        raise VcfFormatError(
            path,
            len(lines) or None,
            "the header has no #CHROM line",
            "The file is truncated or its header is broken",
        )
