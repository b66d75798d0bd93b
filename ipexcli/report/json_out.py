"""JSON rendering: the report as plain dicts, encoded by :mod:`json`'s C encoder, streamed.

Keys appear in the order of the result dataclasses (which is the order of the shipped schema
``ipexcli/schema/report.schema.json``); only free-form mappings (``refdata``, ``sex.evidence``,
``skipped``) keep the order the pipeline wrote them in, and ``skipped`` is sorted by reason.

Every missing value is ``null`` (an empty string of the result model, e.g. no HGVS p. name or
no declared-sex source, becomes ``null``; empty lists stay ``[]``). Each genotype carries the key
of the input record it was read from (``input_id``, ``input_pos``, ``input_ref``, ``input_alt``,
``alt_index``, ``filter``, ``qual``, ``input_line``), so rows join back to the VCF.

Layout: the top-level keys one per line, and each input, variant and sample on one line of its
own (``json.dumps`` without indent uses the C encoder; an indented dump runs in pure Python).
Samples are encoded and written one at a time, so a cohort's document is never held whole in
memory; a genotype object shared by many samples is encoded once.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import IO, Any

from ipexcli.result import GenotypeResult, InputRecord, Report, SampleResult, SexResult, Verdict


def _plain_encoder() -> Callable[[Any], str]:
    """``json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode``, minus its cost
    per call (#14: a cohort's report is tens of thousands of small calls): the C encoder is
    made once and called directly, without the circular-reference check (a report is a tree).
    The text is the same; without the C encoder (another Python) the standard one is used."""
    standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C encoder
        return standard.encode
    encode = make(None, standard.default, json.encoder.encode_basestring, None, ":", ",",
                  False, False, True)

    def plain_encode(value: Any) -> str:
        if type(value) is str:  # the C encoder's one-shot path returns a string, not chunks
            return json.encoder.encode_basestring(value)
        return "".join(encode(value, 0))

    return plain_encode


_encode_plain = _plain_encoder()

#: #15: a byte of a sample name that is not UTF-8 (decoded with ``surrogateescape``)
_RAW_BYTE = re.compile("[\udc80-\udcff]")


def _encode(value: Any) -> str:
    """Compact JSON text; a sample-name byte that is not UTF-8 is written as its ``\\udcXX``
    escape (valid JSON: Python's json reads it back as the same ``surrogateescape`` text)."""
    text = _encode_plain(value)
    if text.isascii() or _RAW_BYTE.search(text) is None:  # isascii: O(1), the common case
        return text
    return _RAW_BYTE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

#: the fields :func:`_sample_text` writes without the generic walk, in the model's order
_SAMPLE_FIELDS = ("id", "input", "sex", "genotypes", "verdicts", "family")

#: dataclass type -> its field names (``dataclasses.fields`` is slow in a loop)
_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A result object as plain JSON data: dataclasses to dicts (field order), tuples to
    lists, ``""`` to ``None``."""
    kind = type(value)  # #14: exact built-in types and known result classes first
    if kind is str:
        return value if value else None
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is tuple or kind is list:
        return [plain(item) for item in value]
    if kind is not GenotypeResult:
        names = _FIELDS.get(kind)
        if names is not None:
            return {name: plain(getattr(value, name)) for name in names}
    return _plain_any(value)


def _plain_any(value: Any) -> Any:
    """:func:`plain` for any value (subclasses, a dataclass seen the first time...)."""
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, (int, float)) or value is None:
        return value
    if isinstance(value, GenotypeResult):
        return genotype_dict(value)
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _or_none(text: str) -> str | None:
    return text if text else None


def genotype_dict(genotype: GenotypeResult) -> dict[str, Any]:
    """One genotype row, with its input record's key flattened in."""
    record: InputRecord | None = genotype.record
    return {
        "variant_key": genotype.variant_key,
        "raw_gt": _or_none(genotype.raw_gt),
        "label": genotype.label,
        "label_text": genotype.label_text,
        "allele_balance": genotype.allele_balance,
        "depth": genotype.depth,
        "genotype_quality": genotype.genotype_quality,
        "flags": list(genotype.flags),
        "split_gt": _or_none(genotype.split_gt),
        "input_line": record.line if record else None,
        "input_id": record.id if record else None,
        "input_pos": record.pos if record else None,
        "input_ref": record.ref if record else None,
        "input_alt": record.alt if record else None,
        "alt_index": record.alt_index if record else None,
        "filter": record.filter if record else None,
        "qual": record.qual if record else None,
    }


#: #14: the keys around a genotype's numbers, as :func:`genotype_dict` orders them
_AB_KEY = ',"allele_balance":'
_FLAGS_KEY = ',"flags":'


def _number(value: Any) -> str | None:
    """JSON text of an int, a finite float or None as the encoder writes it; None (not
    "null") for anything else."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if value - value == 0 else None  # NaN/inf: the encoder
    return "null" if value is None else None


def genotype_text(genotype: GenotypeResult, pieces: dict[object, tuple[str, object]]) -> str:
    """``_encode(genotype_dict(genotype))``, built from cached pieces (#14): the part before
    the allele balance (variant key, GT, label) and the part after the quality (flags, split
    GT, input record) repeat across a cohort's genotypes, the three numbers between them are
    written as the encoder writes them. ``pieces`` is the cache (one per report)."""
    numbers = (_number(genotype.allele_balance), _number(genotype.depth),
               _number(genotype.genotype_quality))
    if None in numbers:
        return _encode(genotype_dict(genotype))
    head_key = (genotype.variant_key, genotype.raw_gt, genotype.label, genotype.label_text)
    tail_key = (genotype.flags, genotype.split_gt, id(genotype.record))
    head = pieces.get(head_key)
    tail = pieces.get(tail_key)
    if head is None or tail is None:
        text = _encode(genotype_dict(genotype))
        # values are escaped JSON strings: the key texts cannot occur inside them
        at_ab = text.index(_AB_KEY) + len(_AB_KEY)
        head = pieces[head_key] = (text[:at_ab], None)
        tail = pieces[tail_key] = (text[text.index(_FLAGS_KEY, at_ab):], genotype.record)
    return (f'{head[0]}{numbers[0]},"depth":{numbers[1]},"genotype_quality":{numbers[2]}'
            f"{tail[0]}")


#: #14: evidence values the encoder writes as they are (an empty string still becomes null)
_FLAT = frozenset({str, int, float, bool, type(None)})


def _sex_dict(sex: SexResult) -> dict[str, Any]:
    """:func:`plain` of a sample's sex, without the generic walk (#14: once per sample)."""
    evidence = sex.evidence
    values = evidence.values()
    if "" in values or not _FLAT.issuperset(map(type, values)):
        evidence = {  # flat: numbers, text, None (plain() for anything else)
            key: (value or None) if isinstance(value, str)
            else value if value is None or isinstance(value, (int, float)) else plain(value)
            for key, value in evidence.items()
        }
    return {
        "declared": sex.declared or None,
        "declared_source": sex.declared_source or None,
        "inferred": sex.inferred or None,
        "used": sex.used or None,
        "evidence": evidence,  # the result's own dict when nothing in it changes
        "mismatch": sex.mismatch,
    }


def _verdict_list(verdicts: tuple[Verdict, ...]) -> list[dict[str, Any]]:
    """:func:`plain` of a sample's verdicts."""
    return [
        {
            "category": v.category or None,
            "text": v.text or None,
            "reasons": [r or None for r in v.reasons],
            "assumed_sex": v.assumed_sex or None,
        }
        for v in verdicts
    ]


def _sample_text(
    sample: SampleResult, encoded: dict[int, tuple[Any, Any]], pieces: dict[object, Any]
) -> str:
    names = _FIELDS.get(SampleResult)
    if names is None:
        names = _FIELDS[SampleResult] = tuple(f.name for f in fields(SampleResult))
    parts = []
    for genotype in sample.genotypes:
        hit = encoded.get(id(genotype))
        if hit is None:  # the object is kept with its text so that its id is not reused
            hit = encoded[id(genotype)] = (genotype_text(genotype, pieces), genotype)
        parts.append(hit[0])
    if names != _SAMPLE_FIELDS or type(sample.sex) is not SexResult:  # pragma: no cover
        return _any_sample_text(sample, names, parts)  # a result model changed, not this writer
    # the verdicts of samples alike are one shared tuple (interpret): encoded once
    shared = encoded.get(id(sample.verdicts))
    if shared is None:
        shared = encoded[id(sample.verdicts)] = (
            _encode(_verdict_list(sample.verdicts)), sample.verdicts)
    # #14: the object written piece by piece, in _SAMPLE_FIELDS order, as _encode of the whole
    # dict writes it (each piece encoded alone; the separators are the encoder's)
    where = pieces.get(("input", sample.input))  # one input for a file's samples
    if where is None:
        where = pieces[("input", sample.input)] = _encode(sample.input or None)
    return "".join((
        '{"id":', _encode(sample.id or None),
        ',"input":', where,
        ',"sex":', _encode(_sex_dict(sample.sex)),
        ',"genotypes":[', ",".join(parts),
        '],"verdicts":', shared[0],
        ',"family":', _encode([f or None for f in sample.family]) if sample.family else "[]",
        "}",
    ))


def _any_sample_text(
    sample: SampleResult, names: tuple[str, ...], parts: list[str]
) -> str:  # pragma: no cover - the generic walk, for a result model this writer does not know
    head = {name: [] if name == "genotypes" else plain(getattr(sample, name)) for name in names}
    text = _encode(head)
    marker = '"genotypes":[]'
    at = text.index(marker) + len(marker) - 1
    return text[:at] + ",".join(parts) + text[at:]


def _top(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in (f.name for f in fields(report)):
        if name == "command":  # the VCF header's provenance line; not part of the schema
            continue
        if name in ("inputs", "variants", "samples"):
            data[name] = None  # streamed
        else:
            data[name] = plain(getattr(report, name))
    return data


def _input_dict(report: Report, index: int) -> dict[str, Any]:
    data = plain(report.inputs[index])
    data["skipped"] = dict(sorted(data["skipped"].items()))
    return data


def write(report: Report, out: IO[str]) -> None:
    """Stream the JSON document to a text handle (UTF-8 text, trailing newline)."""
    top = _top(report)
    names = list(top)
    out.write("{\n")
    for at, name in enumerate(names):
        comma = "," if at < len(names) - 1 else ""
        if name in ("inputs", "variants", "samples"):
            out.write(f'  "{name}": [')
            if name == "inputs":
                items = (_encode(_input_dict(report, i)) for i in range(len(report.inputs)))
            elif name == "variants":
                items = (_encode(plain(v)) for v in report.variants)
            else:
                cache: dict[int, tuple[Any, Any]] = {}
                pieces: dict[object, Any] = {}
                items = (_sample_text(s, cache, pieces) for s in report.samples)
            first = True
            for text in items:
                out.write("\n    " if first else ",\n    ")
                out.write(text)
                first = False
            out.write("\n  ]" if not first else "]")
            out.write(comma + "\n")
        else:
            out.write(f'  "{name}": {_encode(top[name])}{comma}\n')
    out.write("}\n")


def render(report: Report) -> str:
    """The report as a JSON document (see :func:`write`)."""
    buffer = io.StringIO()
    write(report, buffer)
    return buffer.getvalue()
