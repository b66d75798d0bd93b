"""Issue 15: bounded memory. No line of an input is held in memory past a stated size.

A VCF line longer than :data:`MAX_LINE_BYTES` (``--max-line-mb`` raises it) is refused with a
data error as soon as that much of it has been read, before it is split or decoded: a damaged
or hostile file (a 600 MB line once took 3.5 GB) cannot exhaust the memory. A header is read
line by line under the same limit.
"""

from __future__ import annotations

from ipexcli.errors import InputFileError

#: the default longest line, in bytes (a 2,500-sample cohort line is ~40 KB; a 1000 Genomes
#: chrX line with 2,504 samples and full INFO is under 100 KB)
MAX_LINE_BYTES = 100 << 20


def line_too_long(path: str, where: str, limit: int) -> InputFileError:
    """The error for a line longer than ``limit`` bytes (``where``: "line 12", "the header"...)."""
    return InputFileError(
        path,
        f"{where} is longer than {limit / (1 << 20):g} MB (not a VCF line, or a damaged file)",
        "If the file really has such lines, raise the limit with --max-line-mb",
    )
