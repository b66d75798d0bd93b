"""The batch manifest: a TSV sample sheet naming the VCF files of a batch.

Format (strict; every error names the line):

* the first line is the header (a leading ``#`` is allowed); ``path`` is required, ``sample``,
  ``sex`` and ``build`` are optional, in any order; any other column name is an error;
* one row per file, or one row per sample of a multi-sample file (the same ``path`` on several
  rows): rows with the same path form one batch job;
* ``path``: the VCF/BCF; a relative path is relative to the manifest's own folder;
* ``sample``: a sample ID in that VCF, the one ``sex`` is declared for; may be empty when the file
  has a single sample;
* ``sex``: male/female/unknown (or PED codes 1/2/0); empty = not declared (inferred later);
* ``build``: GRCh38/hg38 or GRCh37/hg19; empty = detected; all rows of one path must agree;
* blank lines and lines starting with ``#`` after the header are ignored.

Missing input files are *not* an error here: a batch reports them as failed files and goes on.

>>> import tempfile, pathlib
>>> sheet = pathlib.Path(tempfile.mkdtemp()) / "batch.tsv"
>>> _ = sheet.write_text("path\\tsample\\tsex\\nkid.vcf.gz\\tKID\\tmale\\n")
>>> [(r.line, pathlib.Path(r.path).name, r.sample, r.sex) for r in read_manifest(sheet)]
[(2, 'kid.vcf.gz', 'KID', <Sex.MALE: 'male'>)]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ipexcli.errors import ManifestError
from ipexcli.model import Build, Sex

#: the columns a manifest may have; ``path`` is required
COLUMNS: tuple[str, ...] = ("path", "sample", "sex", "build")


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One manifest row, validated."""

    path: str  #: as written, made relative to the working directory's view of the manifest
    line: int  #: 1-based line number in the manifest
    sample: str = ""  #: "" when not given
    sex: Sex | None = None  #: None when not given
    build: Build | None = None  #: None when not given (detected)


def read_manifest(path: str | os.PathLike[str]) -> list[ManifestRow]:
    """Read and validate a manifest; raises :class:`ManifestError` (one line, with the line number).

    Checks: header columns known and not repeated, ``path`` present; every row has as many
    fields as the header, a non-empty path, a valid sex and build; no (path, sample) twice; rows of
    one path agree on the build; a row without sample is the only row of its path.
    """
    where = os.fspath(path)
    try:
        text = Path(where).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(where, None, "no such file", "Check the --manifest path") from None
    except UnicodeDecodeError:
        raise ManifestError(where, None, "not a UTF-8 text file", "Give a TSV manifest") from None
    except OSError as exc:
        raise ManifestError(where, None, f"cannot read ({exc.strerror})") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ManifestError(
            where, 1, "no header", "The first line must name the columns, e.g. path<TAB>sex"
        )
    columns = [c.strip() for c in lines[0].lstrip("#").split("\t")]
    for column in columns:
        if column not in COLUMNS:
            raise ManifestError(
                where, 1, f"unknown column {column!r}",
                f"Columns are {', '.join(COLUMNS)} (tab-separated; path is required)",
            )
    if len(set(columns)) != len(columns):
        raise ManifestError(where, 1, "a column is named twice")
    if "path" not in columns:
        raise ManifestError(where, 1, "no 'path' column", "Name the VCF column 'path'")
    base = Path(where).parent
    rows: list[ManifestRow] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise ManifestError(
                where, number, f"{len(fields)} fields, the header has {len(columns)}",
                "Separate columns with one tab; leave a field empty rather than out",
            )
        values = dict(zip(columns, (f.strip() for f in fields), strict=True))
        rows.append(_row(where, number, values, base))
    if not rows:
        raise ManifestError(where, None, "no files listed", "Add one row per VCF under the header")
    _check_consistency(where, rows)
    return rows


def _row(where: str, number: int, values: dict[str, str], base: Path) -> ManifestRow:
    raw_path = values["path"]
    if not raw_path:
        raise ManifestError(where, number, "empty path")
    vcf = raw_path if raw_path == "-" or os.path.isabs(raw_path) else os.fspath(base / raw_path)
    if vcf == "-":
        raise ManifestError(where, number, "'-' (stdin) cannot be a batch input")
    sex = None
    if values.get("sex"):
        try:
            sex = Sex.parse(values["sex"])
        except ValueError as exc:
            raise ManifestError(where, number, str(exc)) from None
    build = None
    if values.get("build"):
        try:
            build = Build.parse(values["build"])
        except ValueError as exc:
            raise ManifestError(where, number, str(exc)) from None
    return ManifestRow(vcf, number, values.get("sample", ""), sex, build)


def _check_consistency(where: str, rows: list[ManifestRow]) -> None:
    seen: dict[tuple[str, str], int] = {}
    by_path: dict[str, list[ManifestRow]] = {}
    for row in rows:
        key = (os.path.normpath(row.path), row.sample)
        if key in seen:
            what = f"sample {row.sample!r} of {row.path}" if row.sample else row.path
            raise ManifestError(where, row.line, f"{what} is listed twice (line {seen[key]})")
        seen[key] = row.line
        by_path.setdefault(key[0], []).append(row)
    for group in by_path.values():
        builds = {r.build for r in group if r.build is not None}
        if len(builds) > 1:
            raise ManifestError(
                where, group[-1].line, f"rows of {group[0].path} name different builds",
                "Give one build per file",
            )
        if len(group) > 1:
            for row in group:
                if not row.sample:
                    raise ManifestError(
                        where, row.line, f"{row.path} has several rows; this one names no sample",
                        "Fill the sample column on every row of a multi-sample file",
                    )
