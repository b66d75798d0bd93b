"""JSON and TSV renderers on the renderer fixture reports (real example data)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import jsonschema
import pytest
from report_fixtures import FIXTURES, both_report, trio_report

from ipexcli.report import json_out, tsv
from ipexcli.result import SCHEMA_VERSION, Report
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
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
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
        "#ipexcli_version=0.1.0 refdata_version=2026.12.05 schema_version=1.2 "
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
