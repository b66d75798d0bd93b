"""FASTA access for the bundled reference data.

The bundled FASTA files are small (about 21 kb each): they are read whole, as text, and checked
against the ``.fai`` index shipped beside them (written by ``refdata/build.py``; never written
here, as the installed data may be read-only). pyfaidx did this before; its import cost ~40 ms,
most of a cold start, for files this small, so it is no longer a dependency.
"""

from __future__ import annotations

from pathlib import Path

from ipexcli.errors import RefDataError


def read_single_fasta(path: Path) -> tuple[str, str]:
    """``(name, sequence)`` of a one-record FASTA file, sequence upper case.

    The record name comes from the shipped ``.fai``, which must be present and list exactly one
    record whose length matches the sequence read; checksums are checked by
    :func:`ipexcli.refdata.verify`.
    """
    index = Path(str(path) + ".fai")
    if not index.is_file():
        raise RefDataError(
            f"{path}: FASTA index {index.name} is missing",
            "Reinstall ipexcli or run: ipex refdata verify",
        )
    try:
        entries = [line.split("\t") for line in index.read_text().splitlines() if line]
        if len(entries) != 1:
            raise RefDataError(f"{path}: expected one FASTA record, found {len(entries)}")
        name, length = entries[0][0], int(entries[0][1])
        lines = path.read_text().splitlines()
    except (OSError, ValueError, IndexError) as exc:
        raise RefDataError(
            f"{path}: cannot read FASTA ({exc})", "Run: ipex refdata verify"
        ) from exc
    headers = [i for i, line in enumerate(lines) if line.startswith(">")]
    if len(headers) != 1 or headers[0] != 0 or lines[0][1:].split(maxsplit=1)[:1] != [name]:
        raise RefDataError(
            f"{path}: cannot read FASTA (records do not match its index {index.name})",
            "Run: ipex refdata verify",
        )
    sequence = "".join(line.strip() for line in lines[1:]).upper()
    if len(sequence) != length:
        raise RefDataError(
            f"{path}: cannot read FASTA ({len(sequence)} bases, index says {length})",
            "Run: ipex refdata verify",
        )
    return name, sequence
