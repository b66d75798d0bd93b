"""Issue 14 item 3: the chrX/chrY spool of a streamed file is filled in one pass per chunk, with
no copy of the chunk; lines cut at chunk ends, a first line on a wanted contig and unsorted
stretches still come out exactly once, with their line numbers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipexcli.vcf.stream import LineSpool

BODY = b"".join(
    [
        b"chrX\t5\t.\tA\tC\t.\t.\t.\n",  # the very first line is wanted
        b"chr1\t10\t.\tA\tC\t.\t.\t.\n",
        b"chr2\t20\t.\tA\tC\t.\t.\t.\n",
        b"chrX\t30\t.\tA\tC\t.\t.\t.\n",
        b"chr3\t40\t.\tA\tC\t.\t.\t.\n",  # inside a stretch: filtered by lines()
        b"chrY\t50\t.\tA\tC\t.\t.\t.\n",
        b"chr4\t60\t.\tA\tC\t.\t.\t.\n",
        b"chrX\t70\t.\tA\tC\t.\t.\t.\n",  # unsorted: chrX again after chrY and chr4
        b"chr5\t80\t.\tA\tC\t.\t.\t.",  # no final newline
    ]
)
HEADER_LINES = 3


def _spooled(size: int) -> list[tuple[int | None, bytes]]:
    def body() -> tuple[bytes, Iterator[bytes], int]:
        pieces = [BODY[i : i + size] for i in range(0, len(BODY), size)]
        return pieces[0], iter(pieces[1:]), HEADER_LINES

    spool = LineSpool()
    spool.fill(body, [b"chrX\t", b"chrY\t", b"X\t", b"Y\t"], None)
    try:
        return list(spool.lines({b"chrX", b"chrY"}, 0, 1000))
    finally:
        spool.close()


@pytest.mark.parametrize("size", [1, 2, 7, 25, 26, 27, 64, len(BODY)])
def test_every_chunking_gives_the_same_lines(size: int) -> None:
    assert _spooled(size) == [
        (4, b"chrX\t5\t.\tA\tC\t.\t.\t."),
        (7, b"chrX\t30\t.\tA\tC\t.\t.\t."),
        (9, b"chrY\t50\t.\tA\tC\t.\t.\t."),
        (11, b"chrX\t70\t.\tA\tC\t.\t.\t."),
    ]
