"""Annotated VCF: the user's input VCF, record for record, with ipexcli's annotations added.

As with SnpEff or VEP, the output is the input plus annotations (#13):

* every input record of the output scope is written once, in input order, with CHROM, POS, ID,
  REF, ALT, QUAL, FILTER, every INFO field and every FORMAT value exactly as read; multi-allelic
  records stay one record; ``*`` and ``.`` ALTs and symbolic/structural records are kept;
* ipexcli only adds INFO keys (``IPEX_ANN``, one entry per ALT keyed by its Allele field, and
  ``IPEX_NORM``, the normalised allele where it differs from the input's) and the FORMAT key
  ``IPEX_GL`` (the X-linked genotype label, one per ALT); a sample column shorter than its
  FORMAT (trailing fields dropped, as VCF allows) gets ``.`` for each dropped field first;
* the header keeps every input line and adds the IPEX lines, ``##ipexcliVersion``,
  ``##ipexcliCommand`` (the full command line) and one ``##ipexcliSample`` line per sample with
  the sex used and its source;
* scope ``locus`` (default) writes the records overlapping the FOXP3 locus of the decided build;
  ``all`` passes every other record through untouched (streamed in chunks: lines on other
  contigs are never split), so that the file can replace the input in a pipeline.

The writer reads the input file again (text, gzip, BGZF; BCF through pysam, in
:func:`ipexcli.vcf.htslib.bcf_text_lines`); standard input is spooled to a file by the CLI for
this. An input record is matched to the report by its line number when the reader knew it, else
by its POS, REF and ALT in input order.

``INFO/IPEX_ANN`` uses the 16-field ``ANN`` layout of the VCF annotation format v1.0. Its header
Description serves two kinds of readers: ANN parsers take the quoted SnpEff-style field list, and
``bcftools +split-vep -a IPEX_ANN`` takes the list after ``Format: ``; split-vep requires a field
named ``Consequence`` (the ANN ``Annotation`` field) and tag-safe names, so that second list uses
the names split-vep itself derives from the ANN names (``cDNA.pos_cDNA.length``...). It is
declared ``Number=A`` (ANN holds one entry per ALT and transcript; ipexcli has one transcript),
so ``bcftools norm -m-`` gives each split record its own entry.

Values are escaped as VCF 4.3 asks (``%``, ``,``, ``;``, ``=``, ``|`` percent-encoded, e.g.
``p.(Arg397=)`` -> ``p.(Arg397%3D)``, whitespace to ``_``), so the output declares
``##fileformat=VCFv4.3`` (or the input's version when it is newer).
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ipexcli.errors import UsageError
from ipexcli.result import (
    InputRecord,
    InputResult,
    Report,
    SampleResult,
    VariantResult,
    bare_hgvs,
)

if TYPE_CHECKING:
    from ipexcli.refdata import RefData

#: ``--scope`` values
SCOPES = ("locus", "all")

#: the 16 ANN fields, as named by the VCF annotation format v1.0
ANN_FIELDS: tuple[str, ...] = (
    "Allele",
    "Annotation",
    "Annotation_Impact",
    "Gene_Name",
    "Gene_ID",
    "Feature_Type",
    "Feature_ID",
    "Transcript_BioType",
    "Rank",
    "HGVS.c",
    "HGVS.p",
    "cDNA.pos / cDNA.length",
    "CDS.pos / CDS.length",
    "AA.pos / AA.length",
    "Distance",
    "ERRORS / WARNINGS / INFO",
)

#: the same fields as ``bcftools +split-vep -l`` lists them (``-f '%Consequence'`` etc.)
SPLIT_VEP_FIELDS: tuple[str, ...] = tuple(
    "Consequence" if name == "Annotation" else re.sub(r"[^A-Za-z0-9_.]+", "_", name)
    for name in ANN_FIELDS
)

ANN_DESCRIPTION = (
    "Functional annotations on NM_014009.4 in the ANN layout, one per ALT allele: '"
    + " | ".join(ANN_FIELDS)
    + "'. Format: "
    + "|".join(SPLIT_VEP_FIELDS)
)

#: the VCF version whose escaping the writer uses (percent-encoding: VCF 4.3 section 1.2)
VCF_VERSION = (4, 3)

_ESCAPES = {"%": "%25", ",": "%2C", ";": "%3B", "=": "%3D", "|": "%7C"}
_ESCAPE_RE = re.compile(r"[%,;=|]")
_SPACE_RE = re.compile(r"\s+")


def escape(value: object) -> str:
    """One INFO/ANN sub-field value: ``%,;=|`` percent-encoded, whitespace runs to ``_``.

    >>> escape("p.(Arg397=)")
    'p.(Arg397%3D)'
    >>> escape("criteria provided, multiple submitters")
    'criteria_provided%2C_multiple_submitters'
    """
    text = "" if value is None else str(value)
    text = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)
    return _SPACE_RE.sub("_", text)


_bare = bare_hgvs  # the accession is in Feature_ID


def ann_value(variant: VariantResult, gene: str, gene_id: str, transcript: str,
              biotype: str, allele: str | None = None) -> str:
    """The IPEX_ANN entry of ``variant`` on the one transcript (16 ``|``-separated fields);
    ``allele`` is the Allele field (the input's ALT as written; default the normalised ALT)."""
    fields = (
        variant.alt if allele is None else allele,
        "&".join(variant.consequences),
        variant.impact,
        gene,
        gene_id,
        "transcript",
        transcript,
        biotype,
        variant.exon or variant.intron,
        _bare(variant.hgvs_c),
        _bare(variant.hgvs_p),
        variant.cdna_pos,
        variant.cds_pos,
        variant.aa_pos,
        "" if variant.distance is None else str(variant.distance),
        "&".join(variant.flags),
    )
    return "|".join(escape(f) for f in fields)


def _unannotated(allele: str, why: str) -> str:
    """The IPEX_ANN entry of an ALT ipexcli did not annotate: the Allele and the reason (in the
    ERRORS / WARNINGS / INFO field), every other field empty."""
    return "|".join([escape(allele), *([""] * (len(ANN_FIELDS) - 2)), escape(why)])


#: the reason given for a structural record that reaches into the locus from before it and
#: that the reader did not return (#13: every read path looks for them, so this is a safety
#: net: e.g. a record placed by an SVLEN that its header does not declare, read through an
#: index, which places it by POS)
BEFORE_WINDOW = "structural_record_starting_before_the_FOXP3_window_not_read"


def _why_not_annotated(alt: str, before_window: bool) -> str:
    """Why an ALT has no annotation (the reader's skip reasons, named as on stderr)."""
    if alt in ("<NON_REF>", "<*>"):
        return "NOT_ANNOTATED:non_ref_allele"
    if alt == "*":
        return "NOT_ANNOTATED:spanning_deletion_allele"
    structural = alt.startswith("<") or "[" in alt or "]" in alt
    if structural and before_window:
        return f"NOT_ANNOTATED:{BEFORE_WINDOW}"
    if alt.startswith("<"):
        return "NOT_ANNOTATED:symbolic_allele"
    if "[" in alt or "]" in alt or alt.startswith(".") or alt.endswith("."):
        return "NOT_ANNOTATED:breakend_allele"
    return "NOT_ANNOTATED:skipped_record(see_the_skip_summary_on_stderr)"


_HEADER_INFO = (
    ("IPEX_ANN", "A", "String", ANN_DESCRIPTION),
    ("IPEX_NORM", "A", "String",
     "The ALT allele left-aligned and trimmed as ipexcli annotated it, POS:REF:ALT "
     "(REF or ALT empty for an indel without anchor base); '.' when equal to the input's"),
    ("IPEX_CLNSIG", "A", "String",
     "Classification of the exact match in the bundled known-variant table, per ALT "
     "(ClinVar/UniProt wording; '.' when not in the table or not classified)"),
    ("IPEX_KNOWN", ".", "String",
     "Known-variant table rows related to an ALT allele. "
     "Format: Allele|ID|Match|Classification|Review_status|Review_stars|Source|Date|rsID"),
    ("IPEX_EVIDENCE", ".", "String",
     "Automated ACMG/AMP evidence codes of an ALT allele (computed, not a classification). "
     "Format: Allele|Code|Strength"),
    ("IPEX_OTHER_BUILD", "A", "String",
     "The same allele in the other genome build, BUILD:CHROM:POS:REF:ALT ('.' when it does "
     "not lift through the transcript)"),
)

_HEADER_FORMAT = (
    '##FORMAT=<ID=IPEX_GL,Number=A,Type=String,Description="X-linked genotype label per ALT '
    'allele, from the sex used (##ipexcliSample), e.g. hemizygous_alt, heterozygous">'
)

_OUR_INFO = frozenset(key for key, *_ in _HEADER_INFO) | {"IPEX_FLAGS"}


def _input(report: Report, input_path: str | None) -> InputResult:
    if input_path is None:
        if len(report.inputs) != 1:
            raise UsageError(
                f"VCF output takes one input file at a time, this run has {len(report.inputs)}",
                "Run ipex annotate once per VCF with --format vcf",
            )
        return report.inputs[0]
    for item in report.inputs:
        if item.path == input_path:
            return item
    raise KeyError(input_path)


def _known_entries(allele: str, variant: VariantResult) -> list[str]:
    return [
        "|".join(
            escape(v)
            for v in (
                allele, k.id, k.match, k.classification, k.review_status,
                "" if k.review_stars is None else k.review_stars, k.source, k.date, k.rsid,
            )
        )
        for k in variant.known
    ]


# -- matching input records to the report ---------------------------------------------------------


@dataclass(slots=True)
class _Annotations:
    """What the writer adds, looked up per input record ALT."""

    variants: dict[str, VariantResult]
    by_line: dict[tuple[int, int], InputRecord]
    by_allele: dict[tuple[int, str, int, str], deque[InputRecord]]
    labels: dict[int, list[str]]  #: id(InputRecord) -> label per sample column
    n_samples: int
    window_start: int = 0  #: 0-based start of the locus window the reader reads
    #: in-scope records ipexcli could not read (structural, starting before the window)
    not_read: list[str] = field(default_factory=list)
    found: int = 0  #: annotated record ALTs matched to an input line

    def record(self, line: int, pos: int, ref: str, index: int, alt: str) -> InputRecord | None:
        hit = self._record(line, pos, ref, index, alt)
        if hit is not None:
            self.found += 1
        return hit

    def _record(self, line: int, pos: int, ref: str, index: int, alt: str) -> InputRecord | None:
        found = self.by_line.get((line, index))
        if found is not None:
            return found
        queue = self.by_allele.get((pos, ref.upper(), index, alt.upper()))
        return queue.popleft() if queue else None


def _annotations(report: Report, item: InputResult, samples: list[SampleResult]) -> _Annotations:
    by_line: dict[tuple[int, int], InputRecord] = {}
    by_allele: dict[tuple[int, str, int, str], deque[InputRecord]] = {}
    for record in item.records:
        if record.line is not None:
            by_line[(record.line, record.alt_index)] = record
        else:
            key = (record.pos, record.ref.upper(), record.alt_index, record.alt.upper())
            by_allele.setdefault(key, deque()).append(record)
    labels: dict[int, list[str]] = {}
    n_samples = len(samples)
    for column, sample in enumerate(samples):
        for genotype in sample.genotypes:
            if genotype.record is None:
                continue
            row = labels.get(id(genotype.record))
            if row is None:
                row = labels[id(genotype.record)] = ["."] * n_samples
            row[column] = escape(genotype.label) if genotype.label else "."
    return _Annotations({v.key: v for v in report.variants}, by_line, by_allele, labels,
                        n_samples)


# -- reading the input again ---------------------------------------------------------------------


_CHUNK = 1 << 20


def _open_chunks(path: str) -> Iterator[bytes]:
    """The decompressed bytes of a text VCF (plain, gzip or BGZF), in chunks."""
    with open(path, "rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            import gzip

            with gzip.GzipFile(fileobj=raw) as stream:
                head = stream.read(_CHUNK)
                if head[:3] == b"BCF":
                    yield b""  # marker: the caller reads it as BCF
                    return
                while head:
                    yield head
                    head = stream.read(_CHUNK)
            return
        while chunk := raw.read(_CHUNK):
            yield chunk


def _chunks(path: str) -> Iterator[bytes]:
    chunks = _open_chunks(path)
    first = next(chunks, None)
    if first == b"":
        from ipexcli.vcf.htslib import bcf_text_lines  # pysam's home module

        yield from bcf_text_lines(path)
        return
    if first is not None:
        yield first
        yield from chunks


# -- writing -------------------------------------------------------------------------------------


def _version(lines: list[bytes]) -> str:
    """The ``##fileformat`` the output declares: VCFv4.3, or the input's when newer."""
    for line in lines:
        if line.startswith(b"##fileformat=VCFv"):
            found = re.match(rb"##fileformat=VCFv(\d+)\.(\d+)", line)
            if found and (int(found.group(1)), int(found.group(2))) > VCF_VERSION:
                return line.decode("utf-8", "surrogateescape").rstrip("\r\n")
    return "##fileformat=VCFv{}.{}".format(*VCF_VERSION)


def _is_ours(line: bytes) -> bool:
    """A header line an earlier ipexcli run added (replaced, not doubled)."""
    if line.startswith(b"##ipexcli"):
        return True
    found = re.match(rb"##(INFO|FORMAT)=<ID=([^,>]+)", line)
    return bool(found) and (
        found.group(2).decode() in _OUR_INFO or found.group(2) == b"IPEX_GL"  # type: ignore[union-attr]
    )


def _header(report: Report, item: InputResult, samples: list[SampleResult],
            input_lines: list[bytes]) -> list[str]:
    ours = [
        f"##ipexcliVersion={report.ipexcli_version}",
        f"##ipexcliRefdata={escape(report.refdata.get('version', ''))}",
        f"##ipexcliCommand={report.command}" if report.command else "",
        f"##ipexcliBuild=<Build={item.build},Method=\"{_quote(item.build_method)}\">",
        *(
            f"##ipexcliSample=<ID={s.id},Sex={s.sex.used},"
            f"Source=\"{_quote(_sex_source(s))}\">"
            for s in samples
        ),
        *(
            f'##INFO=<ID={key},Number={number},Type={kind},Description="{_quote(text)}">'
            for key, number, kind, text in _HEADER_INFO
        ),
        _HEADER_FORMAT if samples else "",
    ]
    out = [_version(input_lines)]
    for line in input_lines[:-1]:
        if line.startswith(b"##fileformat") or _is_ours(line):
            continue
        out.append(line.decode("utf-8", "surrogateescape").rstrip("\r\n"))
    out.extend(line for line in ours if line)
    out.append(input_lines[-1].decode("utf-8", "surrogateescape").rstrip("\r\n"))
    return out


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _sex_source(sample: SampleResult) -> str:
    sex = sample.sex
    if sex.declared_source:
        extra = f"; inferred {sex.inferred}" if sex.inferred != "not_run" else ""
        return f"declared ({sex.declared_source}){extra}"
    if sex.inferred == "not_run":
        return "not declared, not inferred"
    return f"inferred from chrX/chrY genotypes ({sex.inferred})"


class _Scope:
    """Which records get annotations: chrX (the input's name for it) in the locus window."""

    def __init__(self, contig: str, start: int, end: int) -> None:
        self.prefix = contig.encode() + b"\t"
        self.start = start  #: 0-based half-open window of the decided build's FOXP3 locus
        self.end = end

    def overlaps(self, cols: list[bytes]) -> bool:
        try:
            pos = int(cols[1])
        except ValueError:
            return False
        start = pos - 1
        end = start + max(len(cols[3]), 1)
        alts = cols[4]
        if b"<" in alts or b"[" in alts or b"]" in alts:  # structural: END or SVLEN (#13)
            from ipexcli.vcf.records import reach

            end = max(end, reach(pos, cols[3].decode("utf-8", "replace"),
                                 alts.decode("utf-8", "replace").split(","),
                                 cols[7].rstrip(b"\r\n").decode("utf-8", "replace")))
        return start < self.end and self.start < end


def _annotate_line(line: bytes, notes: _Annotations, number: int, tx: object) -> bytes:
    text = line.decode("utf-8", "replace").rstrip("\r\n")
    cols = text.split("\t")
    if len(cols) < 8:
        return line  # malformed: the reader counted it; written as read
    alts = cols[4].split(",")
    info_parts: list[str] = []
    if cols[4] not in (".", ""):
        pos = int(cols[1]) if cols[1].isdigit() else 0
        anns, norms, clnsigs, others = [], [], [], []
        known: list[str] = []
        evidence: list[str] = []
        labels: list[list[str]] = []
        for index, alt in enumerate(alts, start=1):
            found = notes.record(number, pos, cols[3], index, alt)
            variant = notes.variants.get(found.variant_key) if found is not None else None
            if found is None or variant is None:
                before = pos - 1 < notes.window_start
                anns.append(_unannotated(alt, _why_not_annotated(alt, before)))
                if before and BEFORE_WINDOW in anns[-1]:
                    notes.not_read.append(f"line {number}: {cols[0]}:{pos} {alt}")
                norms.append(".")
                clnsigs.append(".")
                others.append(".")
                labels.append(["."] * notes.n_samples)
                continue
            anns.append(ann_value(variant, tx.gene, tx.gene_id, tx.id,  # type: ignore[attr-defined]
                                  tx.biotype, allele=alt))  # type: ignore[attr-defined]
            same = (variant.pos, variant.ref, variant.alt) == (pos, cols[3].upper(), alt.upper())
            norms.append("." if same else f"{variant.pos}:{variant.ref}:{variant.alt}")
            exact = next((k for k in variant.known if k.match == "exact"), None)
            clnsigs.append(escape(exact.classification) if exact and exact.classification
                           else ".")
            others.append(escape(variant.other_build) if variant.other_build else ".")
            known.extend(_known_entries(alt, variant))
            evidence.extend(
                f"{escape(alt)}|{escape(e.code)}|{escape(e.strength)}" for e in variant.evidence
            )
            labels.append(notes.labels.get(id(found), ["."] * notes.n_samples))
        info_parts.append("IPEX_ANN=" + ",".join(anns))
        if any(n != "." for n in norms):
            info_parts.append("IPEX_NORM=" + ",".join(norms))
        if any(c != "." for c in clnsigs):
            info_parts.append("IPEX_CLNSIG=" + ",".join(clnsigs))
        if known:
            info_parts.append("IPEX_KNOWN=" + ",".join(known))
        if evidence:
            info_parts.append("IPEX_EVIDENCE=" + ",".join(evidence))
        if any(o != "." for o in others):
            info_parts.append("IPEX_OTHER_BUILD=" + ",".join(others))
    else:
        labels = []
    if not info_parts:
        return line
    info = cols[7]
    cols[7] = ";".join(info_parts) if info in (".", "") else info + ";" + ";".join(info_parts)
    if len(cols) > 9 and labels:
        n_keys = cols[8].count(":") + 1
        cols[8] += ":IPEX_GL"
        for column in range(9, len(cols)):
            value = cols[column]
            missing = n_keys - (value.count(":") + 1)
            if missing > 0:
                value += ":." * missing
            sample = column - 9
            per_alt = [row[sample] if sample < len(row) else "." for row in labels]
            cols[column] = value + ":" + ",".join(per_alt)
    return ("\t".join(cols) + "\n").encode("utf-8", "surrogateescape")


@dataclass(slots=True)
class Prepared:
    """What writing one input's annotated VCF needs (:func:`prepare`); shared by :func:`write`
    and the block-copying BGZF writer (:mod:`ipexcli.report.vcf_blocks`)."""

    report: Report
    item: InputResult
    samples: list[SampleResult]
    notes: _Annotations
    scope: _Scope
    tx: object
    everything: bool

    def header(self, input_lines: list[bytes]) -> bytes:
        """The output header (input lines ending in ``#CHROM``, each with its newline)."""
        return ("\n".join(_header(self.report, self.item, self.samples, input_lines)) + "\n"
                ).encode("utf-8", "surrogateescape")

    def body(self, body: bytes, number: int, out: IO[bytes]) -> int:
        """Write the complete lines of ``body`` (see :func:`_write_body`)."""
        return _write_body(body, number, out, self.scope, self.notes, self.tx, self.everything)

    def warnings(self) -> list[str]:
        """What the user is told once the records were written (see :func:`write`)."""
        notes, item = self.notes, self.item
        out = []
        if notes.not_read:
            out.append(
                f"{item.path}: {len(notes.not_read)} structural record(s) reach into the FOXP3 "
                f"locus from before the window ipexcli reads (first: {notes.not_read[0]}): "
                f"written unannotated ({BEFORE_WINDOW}); review them"
            )
        if notes.found < len(item.records):  # a safety net: nothing annotated may go missing
            out.append(
                f"{item.path}: {len(item.records) - notes.found} annotated record ALT(s) of the "
                "report were not found again in the input, so the VCF report lacks them (the "
                "input changed, or its records name chrX differently from its header); the TSV "
                "and JSON reports have them"
            )
        return out


def prepare(report: Report, input_path: str | None = None, *, scope: str = "locus",
            data: RefData | None = None) -> Prepared:
    """Check the scope and the build and gather the annotations of one input (the only one
    unless ``input_path`` names it)."""
    from ipexcli import refdata
    from ipexcli.model import Build

    if scope not in SCOPES:
        raise UsageError(f"unknown scope {scope!r}", f"Use one of {', '.join(SCOPES)}")
    item = _input(report, input_path)
    if not item.build:  # no header hint and no record to place: nothing to say which build
        from ipexcli.errors import BuildMismatchError

        raise BuildMismatchError(
            f"{item.path}: cannot write an annotated VCF: the genome build is unknown (the "
            "header names none and no record lies in a FOXP3 window)",
            "Give --build GRCh38 or --build GRCh37",
        )
    build = Build.parse(item.build)
    data = data or refdata.load()
    locus = data.locus(build)
    by_id = {s.id: s for s in report.samples if s.input == item.path}
    samples: list[SampleResult] = [by_id[name] for name in item.samples if name in by_id]
    notes = _annotations(report, item, samples)
    notes.window_start = locus.start
    return Prepared(report, item, samples, notes,
                    _Scope(item.contig or "chrX", locus.start, locus.end),
                    data.transcript(build), scope == "all")


def write(report: Report, out: IO[bytes], input_path: str | None = None, *,
          scope: str = "locus", source: str | None = None, data: RefData | None = None
          ) -> list[str]:
    """Write the annotated VCF of one input (the only one unless ``input_path`` names it) to
    ``out``; ``source`` is the file to read the records from when it is not the input's path
    (standard input spooled to a file). Returns warnings for the user: structural records that
    reach into the locus from before the window the reader reads (written, not annotated)."""
    prepared = prepare(report, input_path, scope=scope, data=data)
    item, samples, notes = prepared.item, prepared.samples, prepared.notes
    scope_of, tx, everything = prepared.scope, prepared.tx, prepared.everything

    header: list[bytes] = []
    carry = b""
    number = 0  # 1-based line number of the last complete line seen
    in_header = True
    for chunk in _chunks(source or item.path):
        data_bytes = carry + chunk
        cut = data_bytes.rfind(b"\n") + 1
        if cut == 0:
            carry = data_bytes
            continue
        body, carry = data_bytes[:cut], data_bytes[cut:]
        if in_header:
            start = 0
            while in_header and start < len(body):
                end = body.index(b"\n", start) + 1
                line = body[start:end]
                number += 1
                header.append(line)
                start = end
                if line.startswith(b"#CHROM") or not line.startswith(b"#"):
                    in_header = False
                    if not line.startswith(b"#CHROM"):
                        header.pop()
                        number -= 1
                        start -= len(line)
                        header.append(b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
                    out.write(("\n".join(_header(report, item, samples, header)) + "\n")
                              .encode("utf-8", "surrogateescape"))
            body = body[start:]
            if not body:
                continue
        number = _write_body(body, number, out, scope_of, notes, tx, everything)
    if carry:
        if in_header:
            header.append(carry)
            out.write(("\n".join(_header(report, item, samples, header)) + "\n")
                      .encode("utf-8", "surrogateescape"))
        else:
            _write_body(carry + b"\n", number, out, scope_of, notes, tx, everything)
    elif in_header:
        header.append(b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        out.write(("\n".join(_header(report, item, samples, header)) + "\n")
                      .encode("utf-8", "surrogateescape"))
    return prepared.warnings()


def _write_body(body: bytes, number: int, out: IO[bytes], scope: _Scope, notes: _Annotations,
                tx: object, everything: bool) -> int:
    """Write the complete lines of ``body`` (line ``number + 1`` first); returns the number of
    the last one. A chunk without a record on the locus contig is written (scope ``all``) or
    dropped (``locus``) whole, without splitting its lines."""
    prefix = scope.prefix
    if not body.startswith(prefix) and b"\n" + prefix not in body:
        if everything:
            out.write(body)
        return number + body.count(b"\n")
    for line in body.splitlines(keepends=True):
        number += 1
        if line.startswith(prefix):
            cols = line.split(b"\t", 8)
            if len(cols) >= 8 and scope.overlaps(cols):
                out.write(_annotate_line(line, notes, number, tx))
                continue
        if everything:
            out.write(line)
    return number


def render(report: Report, input_path: str | None = None, *, scope: str = "locus",
           source: str | None = None) -> str:
    """The annotated VCF of one input as text (see :func:`write`)."""
    buffer = io.BytesIO()
    write(report, buffer, input_path, scope=scope, source=source)
    return buffer.getvalue().decode("utf-8", "surrogateescape")
