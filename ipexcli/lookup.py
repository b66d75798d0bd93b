"""``ipex lookup``: name one variant (c., g., p., chrX:pos:ref:alt or rsID) and annotate it.

Accepted queries (any build): ``NM_014009.4:c.1189C>T``, ``c.1189C>T``, ``p.Arg397Trp``,
``p.R397W`` (every c. SNV producing the change, plus known-table rows with that protein change),
``NC_000023.11:g.49251441G>A``, ``chrX:49251441:G:A``, ``X-49251441-G-A`` and an rsID that is in
the known-variant table. Each hit is annotated in both builds.
"""

from __future__ import annotations

import re

from ipexcli import __version__
from ipexcli.errors import HgvsParseError
from ipexcli.model import Build, GenomicVariant
from ipexcli.result import LookupHit, LookupResult, VariantResult

ACCEPTED_FORMS = (
    "NM_014009.4:c.1189C>T, c.1189C>T, c.816+2T>A, c.751_753del, p.Arg397Trp, p.R397W, "
    "NC_000023.11:g.49251441G>A, chrX:49251441:G:A, X-49251441-G-A, rs28935477"
)
_RSID = re.compile(r"rs\d+", re.IGNORECASE)


def _annotate_both(alleles: dict[Build, GenomicVariant]) -> tuple[VariantResult, ...]:
    from ipexcli.engine import annotate_variant
    from ipexcli.interpret import variant_result

    return tuple(
        variant_result(annotate_variant(alleles[build]))
        for build in (Build.GRCH38, Build.GRCH37)
        if build in alleles
    )


def _known_alleles(row: object) -> dict[Build, GenomicVariant]:
    return dict(row.alleles)  # type: ignore[attr-defined]


def _strip_parens(name: str) -> str:
    return name.replace("(", "").replace(")", "")


_FRAMESHIFT = re.compile(r"p\.([A-Z][a-z]{2}\d+)(?:[A-Z][a-z]{2})?fs.*")


def _protein_key(name: str) -> str:
    """A p. name without parentheses; a frameshift reduced to its first residue
    (``p.Glu243SerfsTer11`` and ``p.(Glu243fs)`` are the same query)."""
    bare = _strip_parens(name)
    match = _FRAMESHIFT.fullmatch(bare)
    return f"p.{match.group(1)}fs" if match else bare


def lookup(query: str, build: Build | None = None) -> LookupResult:
    """Parse ``query`` and annotate every variant it names; raises HgvsParseError."""
    from ipexcli import hgvs, refdata

    data = refdata.load()
    text = query.strip()
    if not text:
        raise HgvsParseError("empty query", f"Accepted forms: {ACCEPTED_FORMS}")
    notes: list[str] = []
    hits: list[LookupHit] = []
    if _RSID.fullmatch(text):
        rows = [row for row in data.known if row.rsid.lower() == text.lower()]
        if not rows:
            raise HgvsParseError(
                f"{text} is not in the bundled known-variant table",
                "Look it up by its c., p. or genomic name instead",
            )
        for row in rows:
            hits.append(LookupHit(row.hgvs_c, _annotate_both(_known_alleles(row)),
                                  f"known-variant table row {row.id}"))
        return _result(text, "rsid", hits, notes)
    try:
        parsed = hgvs.parse(text, data, build)
    except HgvsParseError as exc:
        raise HgvsParseError(
            exc.message, f"{exc.hint + '. ' if exc.hint else ''}Accepted forms: {ACCEPTED_FORMS}"
        ) from exc
    if parsed.kind != "p":
        hits.append(LookupHit(parsed.c_name or "", _annotate_both(dict(parsed.alleles))))
        return _result(text, parsed.kind, hits, notes)
    protein = parsed.protein
    assert protein is not None
    seen = set()
    for candidate in parsed.candidates:
        seen.add(candidate.c_name)
        hits.append(LookupHit(candidate.c_name, _annotate_both(dict(candidate.alleles))))
    if len(parsed.candidates) > 1:
        notes.append(
            f"{len(parsed.candidates)} single-nucleotide changes produce {protein}; "
            "each is shown"
        )
    wanted = _protein_key(str(protein))
    for row in data.known:
        if row.hgvs_p and _protein_key(row.hgvs_p) == wanted and row.hgvs_c not in seen:
            seen.add(row.hgvs_c)
            hits.append(LookupHit(row.hgvs_c, _annotate_both(_known_alleles(row)),
                                  f"known-variant table row {row.id}"))
    if not hits:
        notes.append(
            f"no single-nucleotide change produces {protein} and no known-variant row names "
            "it; give the c. change to annotate it"
        )
    return _result(text, "p", hits, notes)


def _result(query: str, kind: str, hits: list[LookupHit], notes: list[str]) -> LookupResult:
    from ipexcli import refdata

    return LookupResult(
        query=query,
        kind=kind,
        hits=tuple(hits),
        notes=tuple(notes),
        ipexcli_version=__version__,
        refdata_version=refdata.load().version,
    )
