"""JSON and TSV renderers on the renderer fixture reports (real example data)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import replace

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from report_fixtures import FIXTURES, REPO, both_report, trio_report

from ipexcli.report import json_out, tsv
from ipexcli.result import SCHEMA_VERSION, GenotypeResult, InputRecord, Report
from ipexcli.schema import report_schema


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_json_golden_and_valid(name: str, golden, validator) -> None:
    text = json_out.render(FIXTURES[name]())
    golden(f"{name}.json", text)
    errors = sorted(validator.iter_errors(json.loads(text)), key=str)
    assert not errors, errors[0].message


def test_json_of_two_inputs_is_valid(validator) -> None:
    doc = json.loads(json_out.render(both_report()))
    validator.validate(doc)
    assert [i["build"] for i in doc["inputs"]] == ["GRCh38", "GRCh37"]
    assert [s["id"] for s in doc["samples"]] == ["proband", "mother", "father", "patient2"]


def test_schema_version_matches_the_result_model() -> None:
    schema = report_schema()
    pattern = schema["properties"]["schema_version"]["pattern"]  # any minor of this major
    assert re.fullmatch(pattern, SCHEMA_VERSION) and pattern.startswith(
        "^" + SCHEMA_VERSION.split(".")[0] + "\\.")
    assert schema["x-schema-version"] == SCHEMA_VERSION
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_describes_every_field_of_the_result_model() -> None:
    """Every dataclass field is in the schema (and nothing else), each with a description."""
    doc = json.loads(json_out.render(trio_report()))
    schema = report_schema()

    def walk(value: object, node: dict, where: str) -> None:
        if not where.endswith("[]") or node.get("type") == "object":
            assert "description" in node, f"{where or 'root'} has no description"
        if isinstance(value, dict) and "properties" in node and node.get(
            "additionalProperties"
        ) is False:
            assert set(value) == set(node["properties"]), where
            for key, item in value.items():
                walk(item, node["properties"][key], f"{where}.{key}")
        elif isinstance(value, list) and "items" in node:
            for item in value:
                walk(item, node["items"], f"{where}[]")

    walk(doc, schema, "")


def test_json_keeps_hgvs_brackets_and_key_order() -> None:
    doc = json.loads(json_out.render(trio_report()))
    assert list(doc)[:5] == ["ipexcli_version", "refdata", "inputs", "variants", "samples"]
    first = doc["variants"][0]
    assert first["hgvs_p"] == "NP_054728.2:p.(Arg397Trp)"
    assert first["known"][0]["classification"] == "Pathogenic"
    assert first["known"][0]["source"] == "ClinVar VCV000011407.9 page copy"
    assert first["known"][0]["date_kind"] == "last_evaluated"  # #12
    proband = doc["samples"][0]
    assert proband["genotypes"][0]["raw_gt"] == "1"
    assert proband["verdicts"][0]["category"] == "consistent_with_ipex"


def test_schema_rejects_a_broken_document(validator) -> None:
    doc = json.loads(json_out.render(trio_report()))
    doc["variants"][0]["pos"] = "49251441"
    del doc["samples"][0]["sex"]["used"]
    messages = sorted(e.message for e in validator.iter_errors(doc))
    assert any("'49251441' is not of type 'integer'" in m for m in messages)
    assert any("'used' is a required property" in m for m in messages)


def test_skipped_reasons_are_sorted() -> None:
    report = trio_report()
    noisy = replace(
        report,
        inputs=(replace(report.inputs[0], skipped={"outside_locus": 4, "filtered": 1}),),
    )
    doc = json.loads(json_out.render(noisy))
    assert list(doc["inputs"][0]["skipped"].items()) == [("filtered", 1), ("outside_locus", 4)]


# -- TSV ---------------------------------------------------------------------------------------


def _parse(text: str) -> tuple[str, list[dict[str, str]]]:
    first, rest = text.split("\n", 1)
    return first, list(csv.DictReader(io.StringIO(rest), delimiter="\t"))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_tsv_golden(name: str, golden) -> None:
    golden(f"{name}.tsv", tsv.render(FIXTURES[name]()))


def test_tsv_header_and_one_row_per_sample_and_variant() -> None:
    report = trio_report()
    first, rows = _parse(tsv.render(report))
    assert first == (
        "#ipexcli_version=0.1.0 refdata_version=2026.12.05 schema_version=1.3 "
        "transcript=NM_014009.4 genotypes=all "
        # #12: the evidence column is automated evidence, not a classification
        "evidence=automated_ACMG/AMP_codes_(code:strength),_not_a_classification"
    )
    assert list(rows[0]) == list(tsv.COLUMNS)
    assert len(rows) == len(report.samples) * len(report.variants) == 9
    son = {r["hgvs_c"]: r for r in rows if r["sample"] == "proband"}
    assert son["NM_014009.4:c.1189C>T"]["gt"] == "1"
    assert son["NM_014009.4:c.1189C>T"]["genotype"] == "hemizygous_alt"
    assert son["NM_014009.4:c.1189C>T"]["known_classification"] == "Pathogenic"
    # #12: each code with its strength
    assert son["NM_014009.4:c.1189C>T"]["evidence"] == "PM5:moderate"
    assert son["NM_014009.4:c.1189C>T"]["related_known"] == (
        "KV02:same_residue:Pathogenic/Likely pathogenic"
    )
    mother = [r for r in rows if r["sample"] == "mother"]
    assert {r["verdict"] for r in mother} == {"carrier"}
    assert [r["gt"] for r in mother] == ["0/1", "1/1", "0/1"]
    # #13: each row carries its input record's key, as the VCF wrote it
    keys = [(r["input_id"], r["input_pos"], r["input_ref"], r["input_alt"], r["alt_index"],
             r["filter"], r["qual"]) for r in mother]
    with gzip.open(REPO / "examples/trio.GRCh38.vcf.gz", "rt") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    expected = [(c[2], c[1], c[3], c[4], "1", c[6], c[5])
                for c in (line.split("\t") for line in lines)]
    assert keys == expected
    assert {r["input_line"] for r in mother} == {""}  # read through the index: no line numbers


def test_tsv_sample_without_variants_still_gets_a_row() -> None:
    report = trio_report()
    lonely = replace(report.samples[2], genotypes=())
    _, rows = _parse(tsv.render(replace(report, samples=(lonely,))))
    assert len(rows) == 1
    assert rows[0]["sample"] == "father" and rows[0]["pos"] == "" and rows[0]["verdict"]


def test_tsv_cells_never_break_the_layout() -> None:
    report: Report = trio_report()
    odd = replace(report.variants[0], protein_feature="a\tb\nc")
    _, rows = _parse(tsv.render(replace(report, variants=(odd, *report.variants[1:]))))
    assert rows[0]["protein_feature"] == "a b c"
    assert all(len(r) == len(tsv.COLUMNS) for r in rows)


# -- schema evolution (#13) --------------------------------------------------------------------

PREVIOUS_EXAMPLES = sorted((REPO / "tests" / "data" / "schema").glob("report-1.*.trio.json"))


@pytest.mark.parametrize("path", PREVIOUS_EXAMPLES, ids=lambda p: p.name)
def test_the_schema_reads_the_previous_minor_versions_examples(validator, path) -> None:
    """Documents written under schema 1.1 and 1.2 (the trio report as each version wrote it,
    '' for missing strings) are valid under this version: a minor version only adds."""
    old = json.loads(path.read_text(encoding="utf-8"))
    assert old["schema_version"] == path.name.split("-")[1].removesuffix(".trio.json")
    errors = sorted(validator.iter_errors(old), key=str)
    assert not errors, errors[0].message


def test_both_previous_examples_are_there() -> None:
    assert [p.name for p in PREVIOUS_EXAMPLES] == ["report-1.1.trio.json", "report-1.2.trio.json"]


def test_no_object_forbids_what_a_later_minor_version_adds(validator) -> None:
    """A reader validating with this schema must accept a later minor version's new fields."""
    doc = json.loads(json_out.render(trio_report()))
    doc["a_field_from_1_3"] = 1
    doc["inputs"][0]["another"] = "x"
    doc["variants"][0]["known"][0]["more"] = None
    doc["samples"][0]["genotypes"][0]["extra"] = []
    doc["samples"][0]["sex"]["new"] = True
    validator.validate(doc)
    assert '"additionalProperties": false' not in json.dumps(report_schema())


# ------------------------------------------------------------- #14: genotype text from pieces

_TEXTS = st.sampled_from(["", "0/1", "1", "heterozygous", "GRCh38:X:49251441:G:A", "é",
                          "a\"b\\c\t", "\udc80raw", "1/."])
_NUMBERS = st.one_of(st.none(), st.integers(-5, 10**20), st.floats(allow_nan=True),
                     st.booleans())
_RECORDS = st.one_of(st.none(), st.builds(
    InputRecord, path=_TEXTS, line=st.one_of(st.none(), st.integers(1, 10**6)),
    id=st.one_of(st.none(), _TEXTS), pos=st.integers(1, 10**9), ref=_TEXTS, alt=_TEXTS,
    alt_index=st.integers(1, 3), n_alts=st.integers(1, 3),
    filter=st.one_of(st.none(), _TEXTS), qual=st.one_of(st.none(), st.floats()),
    variant_key=_TEXTS))
#: one cache for every example, as one report shares it between its genotypes
_PIECES: dict[object, object] = {}


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.builds(GenotypeResult, variant_key=_TEXTS, raw_gt=_TEXTS, label=_TEXTS,
                 label_text=_TEXTS, allele_balance=_NUMBERS, depth=_NUMBERS,
                 genotype_quality=_NUMBERS, flags=st.lists(_TEXTS, max_size=3).map(tuple),
                 split_gt=_TEXTS, record=_RECORDS))
def test_genotype_text_is_the_encoded_genotype_dict(genotype: GenotypeResult) -> None:
    """#14: a cohort's genotypes are written from cached pieces; the text must be the one the
    encoder writes for the whole object (NaN, infinities, booleans and big integers
    included, pieces cached across genotypes)."""
    expected = json_out._encode(json_out.genotype_dict(genotype))
    assert json_out.genotype_text(genotype, _PIECES) == expected
    assert json.loads(expected.replace("NaN", "null").replace("Infinity", "1e999"))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_tsv_lines_are_the_joined_rows(name: str) -> None:
    """#14: the writer joins cached parts; its lines must be the rows' cells joined, on
    reports with and without input records (genotypes shared between samples included)."""
    report = FIXTURES[name]()
    body = tsv.render(report).splitlines()[2:]
    assert body == ["\t".join(row) for row in tsv.rows(report)]
    bare = replace(report, samples=tuple(  # reports built by hand have no input records
        replace(s, genotypes=tuple(replace(g, record=None) for g in s.genotypes))
        for s in report.samples))
    assert tsv.render(bare).splitlines()[2:] == ["\t".join(row) for row in tsv.rows(bare)]
    assert any(s.genotypes for s in bare.samples)
