"""Errors shown to users as one line, without a traceback (unless ``--debug``).

Every error says what went wrong and, where there is one, how to fix it. The CLI edge
(:mod:`ipexcli.cli`) turns an :class:`IpexError` into ``error: <message>`` on stderr and
exit code :attr:`IpexError.exit_code` (1 for data errors, 2 for usage errors).
"""

from __future__ import annotations


class IpexError(Exception):
    """Base for errors shown to users without a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}. {self.hint}"
        return self.message


class UsageError(IpexError):
    """The command line itself is wrong (exit code 2)."""

    exit_code = 2


class RefDataError(IpexError):
    """The bundled or installed reference data is missing, corrupt or inconsistent."""


class InputFileError(IpexError):
    """An input file cannot be read at all (missing, not a VCF, truncated, ...)."""

    def __init__(self, path: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}", hint)
        self.path = path


class VcfFormatError(InputFileError):
    """A VCF file (or one of its records) breaks the format."""

    def __init__(
        self, path: str, line: int | None, message: str, hint: str | None = None
    ) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(path, where + message, hint)
        self.line = line


class BuildMismatchError(IpexError):
    """The genome build of an input contradicts the evidence (or cannot be decided)."""


class ReferenceMismatchError(IpexError):
    """A REF allele disagrees with the bundled sequence (most often a genome-build mix-up)."""


class OutOfLocusError(IpexError):
    """A position lies outside the bundled FOXP3 locus sequence."""


class HgvsParseError(UsageError):
    """A HGVS or variant query string cannot be parsed."""


class PedFormatError(InputFileError):
    """A PED or sample sheet file is malformed."""


class UpdateError(IpexError):
    """``ipex refdata update`` failed (download, checksum, format, validation); nothing changed."""


class ManifestError(InputFileError):
    """A batch manifest (TSV: path, sample, sex, build) is malformed; names the line."""

    def __init__(self, path: str, line: int | None, message: str, hint: str | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(path, where + message, hint)
        self.line = line
