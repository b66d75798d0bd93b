"""Fuzzing the variant-name parser (:func:`ipexcli.hgvs.parse`) and :func:`ipexcli.lookup.lookup`.

Inputs: arbitrary text, and real names (every c./p. name and rsID of the bundled known-variant
table, g. and chrX:pos:ref:alt names built from bundled bases) mutated character by character
and with extreme numbers. Property: a parsed result or an IpexError; nothing else.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipexcli import hgvs, refdata
from ipexcli.errors import IpexError
from ipexcli.lookup import lookup
from ipexcli.model import Build

from .conftest import assert_clean_error, record_case

DATA = refdata.load()
LOCUS38 = DATA.locus(Build.GRCH38)
POS = 49251441  # c.1189 on GRCh38 (NM_014009.4), within the bundled locus
REF38 = LOCUS38.base(POS)


def _real_names() -> list[str]:
    """Names that ``ipex lookup`` resolves: the seeds of the mutations."""
    names = [f"NC_000023.11:g.{POS}{REF38}>A", f"chrX:{POS}:{REF38}:T", f"X-{POS}-{REF38}-C",
             "c.751_753del", "c.816+2T>A", "p.R397W", "p.Arg397Trp"]
    for row in DATA.known:
        names += [row.hgvs_c, row.hgvs_p, row.rsid]
        if row.hgvs_c:
            names.append(f"NM_014009.4:{row.hgvs_c}")
    return [name for name in sorted({n for n in names if n}) if _resolves(name)]


def _resolves(name: str) -> bool:
    try:
        return bool(lookup(name).hits)
    except IpexError:
        return False


REAL = _real_names()
EXTREMES = ["0", "-1", "99999999999999999999", "1e9", "+999999", "-999999", "*99999", "?",
            "_", "(", ")", "del", "ins", "dup", "delins", ">", ":", "\x00", "\u0301", "Ⅻ", "٣"]


@st.composite
def mutated_names(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(REAL))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "number", "duplicate"]))
        at = draw(st.integers(0, len(name)))
        if op == "insert":
            name = name[:at] + draw(st.sampled_from(EXTREMES + list("ACGTN*+-_>:.()"))) + name[at:]
        elif op == "delete":
            name = name[:at] + name[at + draw(st.integers(1, 4)):]
        elif op == "replace":
            name = name[:at] + draw(st.characters()) + name[at + 1:]
        elif op == "number":  # swap one number for an extreme one
            numbers = list(re.finditer(r"\d+", name))
            if numbers:
                m = draw(st.sampled_from(numbers))
                name = name[: m.start()] + draw(st.sampled_from(EXTREMES)) + name[m.end():]
        else:
            name = name + name[at:]
    return name


NAMES = st.one_of(st.text(max_size=40), mutated_names(), st.sampled_from(REAL))
FUZZ = settings(max_examples=400, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(NAMES, st.sampled_from([None, Build.GRCH38, Build.GRCH37]))
def test_hgvs_parse_returns_or_raises_a_named_error(text: str, build: Build | None):
    try:
        parsed = hgvs.parse(text, DATA, build)
    except IpexError as exc:
        assert "\n" not in str(exc), str(exc)
        record_case("hgvs.parse", type(exc).__name__)
        return
    assert parsed.kind in ("c", "g", "p", "vcf")
    alleles = [*parsed.alleles.values()]
    alleles += [a for c in parsed.candidates for a in c.alleles.values()]
    for allele in alleles:
        assert allele.ref != allele.alt, (text, allele)
    record_case("hgvs.parse", f"parsed {parsed.kind}")


@settings(FUZZ, max_examples=250)
@given(NAMES, st.sampled_from([None, Build.GRCH38, Build.GRCH37]))
def test_lookup_returns_or_raises_a_named_error(text: str, build: Build | None):
    try:
        result = lookup(text, build)
    except IpexError as exc:
        assert "\n" not in str(exc), str(exc)
        record_case("lookup.lookup", type(exc).__name__)
        return
    assert result.query == text.strip()
    record_case("lookup.lookup", "hits" if result.hits else "no hits")


@settings(FUZZ, max_examples=40)
@given(st.one_of(st.sampled_from(REAL), mutated_names(), st.text(min_size=1, max_size=20)),
       st.sampled_from(["json", "table"]))
def test_lookup_cli_exits_cleanly(run_cli, text: str, fmt: str):
    if text.startswith("-") or "\x00" in text:
        text = "x" + text.replace("\x00", "")  # an option, not a query / not passable in argv
    code, out, err = run_cli("lookup", text, "--format", fmt)
    if code == 0:
        assert out.startswith("{") if fmt == "json" else out.strip()
    else:
        assert_clean_error(code, err)
    record_case("cli lookup", f"exit {code}")


def test_the_seed_names_cover_the_known_table():
    """Every rsID and c. name of the known-variant table is a seed, except a c. name written on
    GRCh37 whose intronic offset differs on GRCh38 (c. names are placed on GRCh38)."""
    from ipexcli.engine import annotate_variant

    assert len(REAL) > 60
    for row in DATA.known:
        assert row.rsid in REAL or not row.rsid, row.id
        if row.hgvs_c and row.hgvs_c not in REAL:
            on_grch38 = annotate_variant(row.alleles[Build.GRCH38]).hgvs_c
            assert on_grch38.split(":")[-1] != row.hgvs_c, row.id


def test_a_name_without_change_is_refused(run_cli):
    """Found by the fuzzing: ``chrX:49251441:G:G`` used to be 'annotated' as X:49251440 C>C
    (the empty allele normalised onto the neighbouring base), exit 0."""
    ref = REF38
    for name in ("c.1189C>C", f"chrX:{POS}:{ref}:{ref}", "c.1189delinsC",
                 f"NC_000023.11:g.{POS}delins{ref}"):
        code, out, err = run_cli("lookup", name)
        assert_clean_error(code, err, name)
        assert "describes no change" in err and out == ""
