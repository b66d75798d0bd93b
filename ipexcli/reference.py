"""FASTA access: the only module that imports pyfaidx.

The bundled FASTA files are small (about 21 kb each), so they are read whole into memory once;
pyfaidx is used with the shipped ``.fai`` and never asked to write one (the installed data may
be read-only).
"""

from __future__ import annotations

from pathlib import Path

from ipexcli.errors import RefDataError


def read_single_fasta(path: Path) -> tuple[str, str]:
    """Return ``(name, sequence)`` of a one-record FASTA file, sequence upper-case."""
    import pyfaidx  # lazy: keeps `ipex --help` fast

    index = Path(str(path) + ".fai")
    if not index.is_file():
        raise RefDataError(
            f"{path}: FASTA index {index.name} is missing",
            "Reinstall ipexcli or run: ipex refdata verify",
        )
    try:
        fasta = pyfaidx.Fasta(
            str(path), rebuild=False, build_index=False, as_raw=True, sequence_always_upper=True
        )
        try:
            names = list(fasta.keys())
            if len(names) != 1:
                raise RefDataError(f"{path}: expected one FASTA record, found {len(names)}")
            return names[0], str(fasta[names[0]][:])
        finally:
            fasta.close()
    except (pyfaidx.FastaIndexingError, pyfaidx.FetchError, OSError, ValueError) as exc:
        raise RefDataError(
            f"{path}: cannot read FASTA ({exc})", "Run: ipex refdata verify"
        ) from exc
