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


def test_position_index_equals_a_read_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """#14: a stretch on one contig is indexed at C speed, any other line by line; both must
    answer every window as a read through the spool does (line numbers, order, CR ends, a
    POS that is not a number, a stretch that is not sorted)."""
    from ipexcli.vcf import stream

    clean = [f"chrX\t{pos}\t.\tA\tC\t.\t.\t." for pos in range(100, 3000, 7)]
    clean[5], clean[6] = clean[6], clean[5]  # not sorted inside the stretch
    odd = [f"chrX\t{pos}\t.\tA\tC\t.\t.\t." for pos in range(3000, 3400, 7)]
    odd[4] = "chrX\tnan\t.\tA\tC\t.\t.\t."
    odd[8] += "\r"
    odd += ["chrY\t200\t.\tA\tC\t.\t.\t.", "chr9\t1\t.\tA\tC\t.\t.\t.",
            "chrY\t100\t.\tA\tC\t.\t.\t."]
    chunks = [("\n".join(clean) + "\n").encode(), ("\n".join(odd) + "\n").encode()]

    def body() -> tuple[bytes, Iterator[bytes], int]:
        return chunks[0], iter(chunks[1:]), HEADER_LINES

    fast: list[bool] = []
    real = stream._index_one_contig

    def spy(*args: object) -> bool:
        fast.append(real(*args))  # type: ignore[arg-type]
        return fast[-1]

    monkeypatch.setattr(stream, "_index_one_contig", spy)
    spool = LineSpool()
    spool.fill(body, [b"chrX\t", b"chrY\t"], None)
    try:
        for names in ({b"chrX"}, {b"chrY"}, {b"chrX", b"chrY"}):
            for lo, end in [(0, 10_000), (100, 135), (130, 135), (2000, 3100), (150, 150)]:
                assert list(spool._indexed(names, lo, end, False)) == list(
                    spool._through(names, lo, end, False)), (names, lo, end)
    finally:
        spool.close()
    assert True in fast and False in fast  # both ways were taken
