"""Readers for PED pedigree files and sample sheets (strict; errors name the line).

**PED** (plink/peddy "fam" layout): six columns separated by tabs or spaces::

    #family  individual  father  mother  sex  phenotype
    fam1     kid         dad     mom      1    2
    fam1     dad         0       0        1    1
    fam1     mom         0       0        2    1

``father``/``mother`` ``0`` = not in the file; ``sex`` 1 = male, 2 = female, 0 = unknown;
``phenotype`` 1 = unaffected, 2 = affected, 0 or -9 = missing. Lines starting with ``#`` and
blank lines are skipped. Individual IDs must be unique in the file (they are matched to VCF
sample names); a father must not be declared female nor a mother male.

**Sample sheet** (for batches): tab-separated, with a header line naming the columns. Required:
``sample`` and ``sex`` (``male``/``female``/``unknown`` or PED codes 1/2/0); optional ``build``
(GRCh38/GRCh37 or hg38/hg19) and ``file`` (a VCF path, relative to the sheet's folder). Other
columns are kept but not used. Lines starting with ``#`` before the header and blank lines are
skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ipexcli.errors import PedFormatError
from ipexcli.model import Build, Sex


class Phenotype(str, Enum):
    """PED column 6."""

    UNAFFECTED = "unaffected"
    AFFECTED = "affected"
    MISSING = "missing"

    def __str__(self) -> str:
        return self.value


_PED_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN}
_PED_PHENOTYPE = {
    "1": Phenotype.UNAFFECTED,
    "2": Phenotype.AFFECTED,
    "0": Phenotype.MISSING,
    "-9": Phenotype.MISSING,
}


@dataclass(frozen=True, slots=True)
class Individual:
    """One PED row. ``father``/``mother`` are None when the file says ``0``."""

    family: str
    id: str
    father: str | None
    mother: str | None
    sex: Sex
    phenotype: Phenotype
    line: int  #: 1-based line number in the PED file


@dataclass(frozen=True, slots=True)
class Pedigree:
    """All individuals of a PED file, by ID (file order kept)."""

    source: str
    individuals: Mapping[str, Individual]

    def __contains__(self, sample: object) -> bool:
        return sample in self.individuals

    def __iter__(self) -> Iterator[Individual]:
        return iter(self.individuals.values())

    def get(self, sample: str) -> Individual | None:
        return self.individuals.get(sample)

    def children_of(self, parent: str) -> tuple[Individual, ...]:
        return tuple(i for i in self if parent in (i.father, i.mother))

    def sexes(self) -> dict[str, Sex]:
        return {i.id: i.sex for i in self}


def parse_ped(text: str, source: str = "<ped>") -> Pedigree:
    """Parse PED text; raise :class:`PedFormatError` naming the line of any problem.

    >>> ped = parse_ped("f1 kid dad mom 1 2\\nf1 dad 0 0 1 1\\nf1 mom 0 0 2 1\\n")
    >>> ped.get("kid").mother, ped.get("kid").sex.value, ped.get("kid").phenotype.value
    ('mom', 'male', 'affected')
    >>> parse_ped("f1 kid dad mom 3 2\\n", "x.ped")
    Traceback (most recent call last):
    ...
    ipexcli.errors.PedFormatError: x.ped: line 1: sex '3' is not 1 (male), 2 (female) or 0 \
(unknown). Fix the PED file (columns: family, individual, father, mother, sex, phenotype)
    """
    individuals: dict[str, Individual] = {}
    hint = "Fix the PED file (columns: family, individual, father, mother, sex, phenotype)"

    def fail(line: int, message: str) -> PedFormatError:
        return PedFormatError(source, f"line {line}: {message}", hint)

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        if len(fields) != 6:
            raise fail(number, f"expected 6 columns, found {len(fields)}")
        family, individual, father, mother, sex_code, phenotype_code = fields
        if individual == "0":
            raise fail(number, "individual ID '0' is reserved for 'no parent'")
        if sex_code not in _PED_SEX:
            raise fail(number, f"sex {sex_code!r} is not 1 (male), 2 (female) or 0 (unknown)")
        if phenotype_code not in _PED_PHENOTYPE:
            raise fail(
                number,
                f"phenotype {phenotype_code!r} is not 1 (unaffected), 2 (affected) or 0/-9 "
                "(missing)",
            )
        if individual in individuals:
            first = individuals[individual].line
            raise fail(number, f"individual {individual!r} already defined on line {first}")
        if individual in (father, mother):
            raise fail(number, f"individual {individual!r} is listed as its own parent")
        if father != "0" and father == mother:
            raise fail(number, f"father and mother are the same individual {father!r}")
        individuals[individual] = Individual(
            family=family,
            id=individual,
            father=None if father == "0" else father,
            mother=None if mother == "0" else mother,
            sex=_PED_SEX[sex_code],
            phenotype=_PED_PHENOTYPE[phenotype_code],
            line=number,
        )
    if not individuals:
        raise PedFormatError(source, "no individuals (only comments or blank lines)", hint)
    for person in individuals.values():
        for role, parent_id, wrong in (
            ("father", person.father, Sex.FEMALE),
            ("mother", person.mother, Sex.MALE),
        ):
            parent = individuals.get(parent_id) if parent_id else None
            if parent is not None and parent.sex is wrong:
                raise fail(
                    parent.line,
                    f"{parent.id!r} is the {role} of {person.id!r} (line {person.line}) but is "
                    f"declared {wrong}",
                )
    cycle = _ancestry_cycle(individuals)
    if cycle:
        start = individuals[cycle[0]]
        raise fail(
            start.line,
            f"pedigree cycle: {' -> '.join(cycle)} (each is listed as a parent of the next, so "
            "an individual would be its own ancestor)",
        )
    return Pedigree(source, individuals)


def _ancestry_cycle(individuals: Mapping[str, Individual]) -> list[str]:
    """A parent chain that returns to its start (``[a, b, a]``: a is a parent of b, b of a), or
    ``[]``. Iterative depth-first search over the parent links inside the file."""
    children: dict[str, list[str]] = {}
    for person in individuals.values():
        for parent in (person.father, person.mother):
            if parent is not None and parent in individuals:
                children.setdefault(parent, []).append(person.id)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in individuals:
        if state.get(root):
            continue
        path = [root]
        stack = [iter(children.get(root, ()))]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                return [*path[path.index(child):], child]
            if not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(children.get(child, ())))
    return []


def read_ped(path: str | Path) -> Pedigree:
    """Read a PED file (see :func:`parse_ped`)."""
    return parse_ped(_read_text(path), str(path))


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One sample-sheet row. ``file`` is resolved relative to the sheet's folder."""

    sample: str
    sex: Sex
    build: Build | None
    file: str | None
    line: int  #: 1-based line number in the sheet


_SHEET_REQUIRED = ("sample", "sex")
_SHEET_OPTIONAL = ("build", "file")


def parse_sample_sheet(
    text: str, source: str = "<sample sheet>", base: Path | None = None
) -> tuple[SheetRow, ...]:
    """Parse a tab-separated sample sheet with a header (see the module docstring).

    >>> rows = parse_sample_sheet("sample\\tsex\\tbuild\\nNA1\\tF\\thg38\\nNA2\\t1\\t\\n")
    >>> [(r.sample, r.sex.value, r.build and r.build.value) for r in rows]
    [('NA1', 'female', 'GRCh38'), ('NA2', 'male', None)]
    """
    hint = "Fix the sample sheet (tab-separated; header with columns sample, sex[, build, file])"

    def fail(line: int, message: str) -> PedFormatError:
        return PedFormatError(source, f"line {line}: {message}", hint)

    header: list[str] | None = None
    header_line = 0
    rows: list[SheetRow] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if header is None:
            if raw.startswith("#") and not raw.lstrip("#").strip().lower().startswith("sample"):
                continue
            header = [h.strip().lower() for h in raw.lstrip("#").rstrip("\r\n").split("\t")]
            header_line = number
            missing = [c for c in _SHEET_REQUIRED if c not in header]
            if missing:
                raise fail(
                    number,
                    f"header lacks column(s) {', '.join(missing)} (found: {', '.join(header)}; "
                    "columns must be separated by tabs)",
                )
            duplicated = sorted({h for h in header if header.count(h) > 1})
            if duplicated:
                raise fail(number, f"duplicated column(s) {', '.join(duplicated)}")
            continue
        if raw.startswith("#"):
            continue
        fields = [f.strip() for f in raw.rstrip("\r\n").split("\t")]
        if len(fields) != len(header):
            raise fail(number, f"{len(fields)} tab-separated fields, header has {len(header)}")
        row = dict(zip(header, fields, strict=True))
        sample = row["sample"]
        if not sample:
            raise fail(number, "empty sample name")
        if sample in seen:
            raise fail(number, f"sample {sample!r} already listed on line {seen[sample]}")
        seen[sample] = number
        try:
            sex = Sex.parse(row["sex"])
        except ValueError as exc:
            raise fail(number, str(exc)) from None
        build = None
        if row.get("build"):
            try:
                build = Build.parse(row["build"])
            except ValueError as exc:
                raise fail(number, str(exc)) from None
        file = row.get("file") or None
        if file is not None and base is not None and not Path(file).is_absolute():
            file = str(base / file)
        rows.append(SheetRow(sample, sex, build, file, number))
    if header is None:
        raise PedFormatError(source, "empty sample sheet (no header line)", hint)
    if not rows:
        raise fail(header_line, "header but no sample rows")
    return tuple(rows)


def read_sample_sheet(path: str | Path) -> tuple[SheetRow, ...]:
    """Read a sample sheet file (see :func:`parse_sample_sheet`)."""
    return parse_sample_sheet(_read_text(path), str(path), Path(path).parent)


def _read_text(path: str | Path) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise PedFormatError(str(path), "file not found", "Check the path") from None
    except UnicodeDecodeError:
        raise PedFormatError(
            str(path), "not a text file (UTF-8 expected)", "Give a plain-text PED/TSV file"
        ) from None
    except OSError as exc:
        raise PedFormatError(str(path), f"cannot read: {exc.strerror}") from None
