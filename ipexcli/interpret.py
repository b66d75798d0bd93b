"""One input file through the whole pipeline: read, annotate, infer sex, interpret.

This is glue between the feature modules; each step's logic lives in its own module
(:mod:`ipexcli.vcf`, :mod:`ipexcli.engine`, :mod:`ipexcli.sex`, :mod:`ipexcli.inheritance`).
The output is made of :mod:`ipexcli.result` objects, ready for any renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ipexcli.model import Build, Call, GenomicVariant, Sex, VariantRecord
from ipexcli.result import (
    EvidenceCode,
    GenotypeResult,
    InputRecord,
    InputResult,
    KnownMatch,
    SampleResult,
    SexResult,
    VariantResult,
    Verdict,
)

if TYPE_CHECKING:
    from ipexcli.annotate import AnnotateOptions
    from ipexcli.engine import VariantAnnotation
    from ipexcli.inheritance import (
        Coverage,
        ParentCalls,
        SampleVerdict,
        VariantFinding,
        VariantInterpretation,
    )
    from ipexcli.known import KnownHit
    from ipexcli.ped import Pedigree
    from ipexcli.refdata import RefData
    from ipexcli.sex import SexCheckResult


#: ``progress(path)`` -> a context manager giving a byte-count callback (or None), e.g.
#: :func:`ipexcli.report.console.scan_progress`
ProgressFactory = Callable[[str], AbstractContextManager[Callable[[int], None] | None]]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    input: InputResult
    variants: tuple[VariantResult, ...]
    samples: tuple[SampleResult, ...]
    warnings: tuple[str, ...]


def variant_key(variant: GenomicVariant) -> str:
    """Stable identifier of a normalised allele: ``GRCh38:X:49251441:G:A``."""
    return f"{variant.build.value}:{variant.chrom}:{variant.pos}:{variant.ref}:{variant.alt}"


def _known_match(hit: KnownHit, match: str, build: Build | None = None) -> KnownMatch:
    """The report's view of one known-variant row. A row whose two builds carry opposite
    alleles (rs3761548, ``allele_note``) is named by the c. change of the build matched."""
    row = hit.row
    hgvs_c = row.hgvs_c
    if build is Build.GRCH38 and row.hgvs_c_grch38:
        hgvs_c = f"{row.hgvs_c_grch38} (GRCh38 allele; {row.hgvs_c} in GRCh37)"
    return KnownMatch(
        id=row.id,
        match=match,
        hgvs_c=hgvs_c,
        hgvs_p=row.hgvs_p,
        classification=row.classification,
        review_status=row.review_status,
        review_stars=row.review_stars,
        condition=row.condition,
        source=row.classification_source,
        date=row.classification_date,
        evidence_tier=row.evidence_tier,
        rsid=row.rsid,
        clinvar=row.clinvar,
        assertion_type=row.assertion_type,
        date_kind=row.classification_date_kind,
    )


def _with_length(position: str | None, length: int) -> str:
    """``"1261"`` -> ``"1261/2264"`` (the ANN ``pos / length`` form); '' stays ''."""
    return f"{position}/{length}" if position else ""


def variant_result(
    annotation: VariantAnnotation, record: VariantRecord | None = None
) -> VariantResult:
    """Turn the engine's annotation of one allele into the report's variant entry."""
    from ipexcli import refdata
    from ipexcli.classify import classify

    transcript = refdata.load().transcript(annotation.variant.build)
    shown = annotation.normalized or annotation.variant
    known = annotation.known
    build = shown.build
    matches = (
        *(_known_match(h, "exact", build) for h in known.exact),
        *(_known_match(h, "same_amino_acid_change", build) for h in known.same_protein_change),
        *(_known_match(h, "same_residue", build) for h in known.same_residue_missense),
    )
    annotated = annotation.hgvs_c is not None
    used = classify(annotation.evidence, known, annotation.evidence_notes) if annotated else None
    other = annotation.other_build
    return VariantResult(
        key=variant_key(shown),
        build=shown.build.value,
        chrom=record.contig if record else shown.chrom,
        pos=shown.pos,
        ref=shown.ref,
        alt=shown.alt,
        hgvs_g=annotation.hgvs_g or "",
        hgvs_c=annotation.hgvs_c or "",
        hgvs_p=annotation.hgvs_p or "",
        consequences=tuple(c.term for c in annotation.consequences),
        impact=annotation.impact.value if annotation.impact else "",
        exon=annotation.exon or "",
        intron=annotation.intron or "",
        protein_feature="; ".join(annotation.protein_features),
        # "pos/length" as in ANN: lengths of the bundled cDNA, CDS (stop included), protein
        cdna_pos=_with_length(annotation.cdna_pos, len(transcript.cdna)),
        cds_pos=_with_length(annotation.cds_pos, transcript.cds_length),
        aa_pos=_with_length(annotation.aa_pos, len(transcript.protein)),
        distance=annotation.distance,
        known=matches,
        evidence=tuple(
            EvidenceCode(e.code, e.strength.value.replace(" ", "_").replace("-", "_"), e.reason)
            for e in annotation.evidence
        ),
        flags=tuple(
            dict.fromkeys((*(str(f) for f in annotation.flags), *(record.flags if record else ())))
        ),
        filters=record.filters if record else (),
        other_build=variant_key(other) if other else "",
        inputs=(record.source,) if record else (),
        acmg_class=used.computed.acmg_class.value if used else "",
        acmg_points=used.computed.points if used else None,
        class_used=used.significance.value if used else "",
        class_source=used.source if used else "",
        class_basis=used.basis if used else "",
    )


#: a VCF Float written in ASCII decimal (Python's float() also takes "inf", "1_0", "٣"...)
_VCF_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def allele_frequency(record: VariantRecord, af_field: str | None) -> float | None:
    """The population allele frequency the user pointed at with ``--af-field``, if usable:
    a decimal number from 0 to 1 (anything else, e.g. ``inf``, ``5`` or ``-0.5``, is None, so
    that no frequency evidence code is derived from it; see :func:`unusable_frequency`).

    >>> from ipexcli.model import VariantRecord
    >>> rec = lambda af: VariantRecord("x.vcf", 9, "chrX", "X", 1, "A", "G", info=(("AF", af),))
    >>> [allele_frequency(rec(v), "AF") for v in ("0.25", "1e-5", "inf", "5", "1_0", ".")]
    [0.25, 1e-05, None, None, None, None]
    """
    text = _frequency_text(record, af_field)
    if text is None or not _VCF_FLOAT.fullmatch(text):
        return None
    value = float(text)
    return value if 0.0 <= value <= 1.0 else None


def unusable_frequency(record: VariantRecord, af_field: str | None) -> str | None:
    """The ``--af-field`` value of ``record`` when it is present but not a frequency."""
    text = _frequency_text(record, af_field)
    if text is None or allele_frequency(record, af_field) is not None:
        return None
    return text


def _frequency_text(record: VariantRecord, af_field: str | None) -> str | None:
    if not af_field:
        return None
    value = record.info_value(af_field)
    if value in (None, "", "."):
        return None
    return value.split(",")[0].strip()  # type: ignore[union-attr]


def genomic_variant(record: VariantRecord, build: Build) -> GenomicVariant:
    return GenomicVariant(build, record.pos, record.ref.upper(), record.alt.upper(), record.chrom)


_VERDICT_CATEGORY = {
    "consistent with IPEX": "consistent_with_ipex",
    "carrier": "carrier",
    "uncertain": "uncertain",
    "not assessable": "not_assessed",
    "not reportable": "no_reportable_variant",
    "not carried": "no_reportable_variant",
    "no reportable variant": "no_reportable_variant",
}


def _finding(
    annotation: VariantAnnotation, result: VariantResult, in_par: bool
) -> VariantFinding:
    """The inheritance module's view of one annotated variant."""
    from ipexcli.classify import rarity_only
    from ipexcli.inheritance import VariantFinding
    from ipexcli.model import Significance

    significance = (
        Significance.parse(result.class_used) if result.class_used
        else Significance.NOT_CLASSIFIED
    )
    if result.class_source == "computed" and rarity_only(annotation.evidence):
        significance = Significance.NOT_CLASSIFIED  # low impact decides (ipexcli.classify)
    null = any(e.code.startswith("PVS1") for e in annotation.evidence)
    # reported in IPEX patients: never quietly "not reportable", whatever its predicted impact
    literature = any(h.is_literature for h in annotation.known.exact)
    low_impact = (
        result.impact == "MODIFIER"
        or (result.impact == "LOW" and not any("splice" in t for t in result.consequences))
    ) and "polyA_signal" not in result.flags and not literature
    name = result.hgvs_c.split(":", 1)[-1] or result.key
    if result.hgvs_p:
        name += f" {result.hgvs_p.split(':', 1)[-1]}"
    return VariantFinding(
        result.key, name, significance, null_variant=null, in_par=in_par, low_impact=low_impact,
        filters=result.filters,
        basis=result.class_basis,
    )


#: the display name of a structural finding (which never reaches the verdict rules)
_STRUCTURAL = "structural variant (not interpreted)"


def _structural_finding(result: VariantResult) -> VariantFinding:
    from ipexcli.inheritance import VariantFinding
    from ipexcli.model import Significance

    return VariantFinding(result.key, _STRUCTURAL, Significance.NOT_CLASSIFIED, low_impact=True)


def _sex_result(
    check: SexCheckResult | None, declared: tuple[Sex, str] | None
) -> SexResult:
    if check is None:  # inference not run
        sex, source = declared or (Sex.UNKNOWN, "")
        return SexResult(sex.value, source, "not_run", sex.value, {}, False)
    inferred = check.inferred.value.lower().replace(" ", "_").replace("-", "_")
    return SexResult(
        declared=check.declared.value,
        declared_source=check.declared_source,
        inferred=inferred,
        used=check.used.value,
        # the reason quotes the deciding figures and both thresholds of each (issue 12)
        evidence={**check.inference.evidence.as_dict(), "reason": check.inference.reason},
        mismatch=check.check.value == "MISMATCH",
    )


def _label(call: Call, sex: Sex, in_par: bool) -> tuple[str, str, tuple[str, ...]]:
    """The genotype's label code, its words and its flags (both readings for unknown sex)."""
    from ipexcli.inheritance import label_genotype

    if sex is Sex.UNKNOWN:
        male = label_genotype(call, Sex.MALE, in_par)
        female = label_genotype(call, Sex.FEMALE, in_par)
        return "sex_unknown", f"if male: {male.value}; if female: {female.value}", ()
    found = label_genotype(call, sex, in_par)
    return found.code.lower(), found.value, (found.code,) if found.needs_attention else ()


def input_record(record: VariantRecord, key: str = "") -> InputRecord:
    """The join key of one record ALT, as the file wrote it (``filter``/``qual`` None for ".")."""
    return InputRecord(
        path=record.source,
        line=record.line,
        id=record.id,
        pos=record.pos,
        ref=record.ref,
        alt=record.alt,
        alt_index=record.alt_index,
        n_alts=record.n_alts,
        filter=";".join(record.filters) if record.filters else None,
        qual=record.qual,
        variant_key=key,
    )


def _genotype_result(
    key: str, call: Call, label: tuple[str, str, tuple[str, ...]], split_gt: str,
    record: InputRecord | None = None,
) -> GenotypeResult:
    # positional (#14: one per distinct call of a cohort's record), in the field order:
    # variant_key, raw_gt, label, label_text, allele_balance, depth, genotype_quality, flags,
    # split_gt, record
    return GenotypeResult(key, call.raw_gt, label[0], label[1], call.allele_balance, call.dp,
                          call.gq, label[2], split_gt, record)


def _with_quality_flags(
    genotypes: list[GenotypeResult], verdicts: Sequence[SampleVerdict],
    rows: Sequence[int] | None = None,
) -> list[GenotypeResult]:
    """Add the call-quality flags the interpretations raised (issue 12) to the genotype rows
    they belong to (the renderers show genotype flags; a flagged sample is never "quiet"). The
    interpretations are in the order of the genotypes, or of ``rows`` (the genotype index of
    each interpreted call, when some were left out: #13 duplicates and structural variants);
    with sex unknown both readings count."""
    from ipexcli.callquality import QUALITY_CODES

    out = genotypes
    for verdict in verdicts:
        for index, item in enumerate(verdict.variants):
            extra = [f for f in item.flags if f in QUALITY_CODES]
            if not extra:
                continue
            if out is genotypes:
                out = list(genotypes)
            row = out[index if rows is None else rows[index]]
            out[index if rows is None else rows[index]] = replace(
                row, flags=tuple(dict.fromkeys((*row.flags, *extra))))
    return out


def _split_gt(call: Call) -> str:
    alleles = ["." if a is None else str(a) for a in call.alleles]
    return ("|" if call.phased else "/").join(alleles)


def _verdicts(sample_verdicts: Sequence[SampleVerdict]) -> tuple[Verdict, ...]:
    out = []
    for verdict in sample_verdicts:
        kind = verdict.kind.value
        category = _VERDICT_CATEGORY[kind]
        if category == "consistent_with_ipex" and verdict.sex is Sex.FEMALE:
            category = "consistent_with_disease_female"
        assumed = verdict.sex.value if verdict.sex_basis.startswith("assumed") else ""
        out.append(
            Verdict(
                category=category,
                text=verdict.summary,
                reasons=tuple(verdict.reasons),
                assumed_sex=assumed,
            )
        )
    return tuple(out)


def interpret_file(
    path: str,
    options: AnnotateOptions,
    declared: Mapping[str, tuple[Sex, str]],
    pedigree: Pedigree | None,
    data: RefData | None = None,
    progress: ProgressFactory | None = None,
) -> FileOutcome:
    """Read one VCF, annotate its FOXP3 variants and interpret every sample in it."""
    from ipexcli import refdata
    from ipexcli.engine import annotate_variant_cached  # #14 item 5: once per allele
    from ipexcli.inheritance import Coverage, segregate
    from ipexcli.vcf import open_vcf

    data = data or refdata.load()
    warnings: list[str] = []
    info_fields = (options.af_field,) if options.af_field else ()
    with open_vcf(
        path, build=options.build, pass_only=options.pass_only, info_fields=info_fields,
        max_line=options.max_line_mb << 20,
    ) as reader, (progress(path) if progress else nullcontext(None)) as tick:
        reader.on_progress = tick
        records = list(reader.locus_records())
        decision = reader.build_decision
        build = decision.build
        samples = tuple(reader.samples)
        checks: dict[str, SexCheckResult] = {}
        if options.infer_sex and samples:
            from ipexcli import sex as sexlib
            from ipexcli.sexscan import infer_from_reader

            inferences = infer_from_reader(reader)
            for sample, inference in inferences.items():
                sex, source = declared.get(sample, (Sex.UNKNOWN, ""))
                check = sexlib.compare(inference, sex, source)
                checks[sample] = check
                warnings.extend(f"{path}: {w}" for w in check.warnings)
        stats = reader.stats
        if decision.mismatch and decision.message:
            warnings.append(f"{path}: {decision.message}")
        if decision.warning:
            warnings.append(f"{path}: {decision.warning}")
        warnings.extend(f"{path}: {note}" for note in stats.notes)
        unchecked = stats.not_validated(path)  # #15: say what was not checked (shown first)
        if unchecked:
            warnings.insert(0, unchecked)
        file_format = reader.file_format
    locus = data.locus(build) if build else None
    region = (
        f"the FOXP3 locus ({build} chrX:{locus.pos_start:,}-{locus.pos_end:,})"
        if build and locus
        else "the FOXP3 locus"
    )
    coverage = Coverage(stats.skipped.get("gvcf_reference_block", 0) > 0, region)
    # annotate each distinct allele once
    results: dict[str, VariantResult] = {}
    findings: dict[str, VariantFinding] = {}
    per_record: list[tuple[VariantRecord, str]] = []
    bad_frequencies: list[str] = []
    assembly = data.assemblies[build] if build else None
    structural: dict[str, VariantResult] = {}  # #13: symbolic/breakend ALTs, not interpreted
    for record in records:
        assert build is not None
        if record.alt[:1] == "<" or "[" in record.alt or "]" in record.alt:
            from ipexcli.structural import structural_result

            sv = structural_result(record, build, data)
            if sv is not None:
                structural.setdefault(sv.key, sv)
                results.setdefault(sv.key, sv)
                findings.setdefault(sv.key, _structural_finding(sv))
                per_record.append((record, sv.key))
            continue
        variant = genomic_variant(record, build)
        annotation = annotate_variant_cached(
            variant, data, allele_frequency(record, options.af_field), options.thresholds
        )
        bad_frequency = unusable_frequency(record, options.af_field)
        if bad_frequency is not None:
            bad_frequencies.append(f"{record.pos} {bad_frequency[:20]!r}")
        result = variant_result(annotation, record)
        in_par = bool(assembly and assembly.in_par(record.chrom, record.pos))
        if result.key not in results:
            results[result.key] = result
            findings[result.key] = _finding(annotation, result, in_par)
        elif not set(result.filters) <= set(results[result.key].filters):  # #13: a duplicate
            seen = results[result.key]
            results[result.key] = replace(
                seen, filters=tuple(dict.fromkeys((*seen.filters, *result.filters))))
        per_record.append((record, result.key))
    if bad_frequencies:
        warnings.append(
            f"{path}: {options.af_field} is not a frequency from 0 to 1 in "
            f"{len(bad_frequencies)} record(s) (first: pos {bad_frequencies[0]}); no frequency "
            "evidence code was derived from those values"
        )
    sparse = genotype_mode(options.genotypes, len(samples)) == "non_ref"
    record_keys = tuple(input_record(r, key) for r, key in per_record)
    keys = [key for _, key in per_record]
    groups: dict[str, list[int]] = {}
    if len(set(keys)) < len(keys):  # #13: records of one allele (the module only then)
        from ipexcli.duplicates import duplicate_groups

        groups = duplicate_groups(keys)
    unread = list(stats.locus_damaged)  # #15: records, then calls, that could not be read
    file_genotypes = _FileGenotypes(
        path, samples, per_record, record_keys, findings, checks, declared, coverage, unread,
        parents=_sequenced_parents(samples, pedigree), groups=groups,
    )
    sample_results, used_sexes = (_sparse_samples if sparse else _dense_samples)(file_genotypes)
    warnings.extend(file_genotypes.notes)
    warnings.extend(f"not read in the FOXP3 locus: {item}" for item in unread)
    if structural:  # #13: carriers of a structural ALT: stated, never "no reportable variant"
        from ipexcli.structural import mark_carriers

        sample_results = mark_carriers(sample_results, structural)
    if pedigree is not None and samples:
        notes: dict[str, list[str]] = {}
        from ipexcli.inheritance import EvidenceClass, evidence_class

        quiet = (EvidenceClass.BENIGN, EvidenceClass.LOW_IMPACT_UNCLASSIFIED)
        # only the pedigree's members can be looked at, each call parsed when segregate asks
        in_pedigree = {person.id for person in pedigree}
        members = {sample: i for i, sample in enumerate(samples) if sample in in_pedigree}
        for record, key in per_record:
            finding = findings[key]
            if evidence_class(finding) in quiet:
                continue  # segregation of a benign/low-impact allele is not reported
            calls = _CallsByName(record.calls, members)
            for note in segregate(finding, calls, pedigree, used_sexes):
                prefix = "FLAG: " if note.event.is_flag else ""
                notes.setdefault(note.individual, []).append(f"{prefix}{note.text}")
        sample_results = [
            replace(s, family=tuple(notes.get(s.id, ()))) if s.id in notes else s
            for s in sample_results
        ]
    input_result = InputResult(
        path=path,
        file_format=file_format,
        build=build.value if build else "",
        build_method=decision.message or decision.method,
        contig=stats.contig_name or "",
        region_method=stats.locus_method or stats.region_method,  # #15: what read FOXP3
        records_read=stats.records_read,
        records_in_region=stats.records_in_region,
        skipped=dict(stats.skipped),
        skipped_examples=tuple(str(example) for example in stats.skipped_examples),
        ref_mismatches=stats.ref_mismatches,
        samples=samples,
        genotypes="non_ref" if sparse else "all",
        coverage_note=coverage.meaning(),
        warnings=tuple(warnings),
        records=record_keys,
        sex_records_read=stats.chrom_records_read,
        unread=tuple(unread),
    )
    return FileOutcome(input_result, tuple(results.values()), tuple(sample_results),
                       tuple(warnings))


class _CallsByName(Mapping[str, Call]):
    """One record's calls by sample name (of ``index``), each parsed when first asked for."""

    def __init__(self, calls: Sequence[Call], index: Mapping[str, int]) -> None:
        self._calls = calls
        self._index = index

    def __getitem__(self, sample: str) -> Call:
        return self._calls[self._index[sample]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


#: #15: the genotype flag of a sample column that could not be read (treated as a no call)
INVALID_CALL = "INVALID_CALL"


def _name_invalid(
    sample: str,
    verdicts: tuple[Verdict, ...],
    calls: Iterable[tuple[VariantRecord, VariantFinding, Call]],
    unread: list[str],
) -> tuple[Verdict, ...]:
    """#15: the verdicts with a first reason naming each of the sample's unreadable calls (and
    those calls added to ``unread``, "FILE: line N: call of S: why")."""
    found = []
    for record, finding, call in calls:
        if call.invalid:
            where = f"line {record.line}" if record.line is not None else f"pos {record.pos}"
            unread.append(f"{record.source}: {where}: call of {sample}: {call.invalid}")
            found.append(f"{finding.hgvs} ({call.invalid})")
    if not found:
        return verdicts
    reason = (
        f"unreadable genotype at {'; '.join(found[:5])}"
        + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        + ": counted as a no call; check the file (bcftools view)"
    )
    return tuple(replace(v, reasons=(reason, *v.reasons)) for v in verdicts)


#: ``--genotypes auto`` lists every genotype of a file with up to this many samples, and only
#: the genotypes that are not plain REF above it (a cohort)
AUTO_ALL_GENOTYPES_MAX_SAMPLES = 50


def genotype_mode(requested: str, n_samples: int) -> str:
    """``"all"`` or ``"non_ref"`` for ``--genotypes`` ``all``, ``non_ref`` or ``auto``.

    >>> genotype_mode("auto", 3), genotype_mode("auto", 2500), genotype_mode("all", 2500)
    ('all', 'non_ref', 'all')
    """
    if requested == "auto":
        return "all" if n_samples <= AUTO_ALL_GENOTYPES_MAX_SAMPLES else "non_ref"
    return requested


def _interpreter() -> tuple[
    Callable[[VariantFinding, Call, Sex], VariantInterpretation],
    Callable[[str, Call, Sex, bool, InputRecord | None], GenotypeResult],
    Callable[[str, Call, Sex, bool, InputRecord | None], GenotypeResult],
]:
    """Memoised genotype interpretation and labelling for one file.

    A cohort repeats the same few genotypes per record thousands of times: the interpretation
    is shared between calls alike in everything it depends on
    (:class:`ipexcli.inheritance.MemoInterpreter`), and the label between calls with the same
    alleles. A genotype result keeps its own call's depths, so it is shared only between equal
    calls (the reader gives equal sample columns one Call object). The third function makes
    a genotype row without the memo (for a caller that memoises the rows itself).
    """
    from ipexcli.inheritance import MemoInterpreter

    labels: dict[tuple[object, ...], tuple[str, str, tuple[str, ...], str]] = {}
    results: dict[tuple[str, int, int, Sex], tuple[GenotypeResult, Call]] = {}

    def row(
        key: str, call: Call, sex: Sex, in_par: bool, record: InputRecord | None = None
    ) -> GenotypeResult:
        label_key = (call.alleles, call.other_alt, call.phased, sex, in_par)
        label = labels.get(label_key)
        if label is None:
            label = labels[label_key] = (*_label(call, sex, in_par), _split_gt(call))
        shown = label[:3]
        if call.invalid:  # #15: an unreadable sample column, counted as a no call
            shown = (shown[0], f"{shown[1]} (unreadable: {call.invalid})",
                     (*shown[2], INVALID_CALL))
        return _genotype_result(key, call, shown, label[3], record)

    def genotype(
        key: str, call: Call, sex: Sex, in_par: bool, record: InputRecord | None = None
    ) -> GenotypeResult:
        memo_key = (key, id(call), id(record), sex)
        hit = results.get(memo_key)
        if hit is None:
            # the call is kept in the value so that its id is not reused while cached
            hit = results[memo_key] = (row(key, call, sex, in_par, record), call)
        return hit[0]

    return MemoInterpreter(), genotype, row


def _checked_genotype(
    interpret: Callable[[VariantFinding, Call, Sex], VariantInterpretation],
    make_row: Callable[[str, Call, Sex, bool, InputRecord | None], GenotypeResult],
) -> Callable[[VariantFinding, str, Call, Sex, InputRecord], GenotypeResult]:
    """#14: a sample's genotype row with the call-quality flags its interpretation raises
    already added, shared between equal calls of one record (as :func:`_with_quality_flags`
    would add them one sample at a time: the label's flags, then the quality flags of the
    interpretation under the sex used, of both readings when it is unknown, each once). For a
    sample whose every call is interpreted (no structural ALT, no duplicate record)."""
    from ipexcli.callquality import QUALITY_CODES

    done: dict[tuple[str, int, int, Sex], tuple[GenotypeResult, Call]] = {}
    readings = {Sex.UNKNOWN: (Sex.MALE, Sex.FEMALE)}

    def checked(
        finding: VariantFinding, key: str, call: Call, sex: Sex, record: InputRecord
    ) -> GenotypeResult:
        memo_key = (key, id(call), id(record), sex)
        hit = done.get(memo_key)
        if hit is None:
            row = make_row(key, call, sex, finding.in_par, record)
            extra = [flag for reading in readings.get(sex, (sex,))
                     for flag in interpret(finding, call, reading).flags
                     if flag in QUALITY_CODES]
            if extra:
                row = replace(row, flags=tuple(dict.fromkeys((*row.flags, *extra))))
            hit = done[memo_key] = (row, call)  # the call kept: its id is not reused
        return hit[0]

    return checked


def _sample_sex(
    sample: str,
    checks: Mapping[str, SexCheckResult],
    declared: Mapping[str, tuple[Sex, str]],
) -> tuple[SexResult, Sex, str]:
    """The sample's sex result, the sex the interpretation uses and its basis."""
    sex_result = _sex_result(checks.get(sample), declared.get(sample))
    basis = "declared" if sex_result.declared_source else "inferred"
    return sex_result, Sex(sex_result.used), basis


@dataclass(frozen=True, slots=True)
class _FileGenotypes:
    """What the per-sample step needs of one file: its samples, the records with the key of
    their annotated allele, the findings by key, the sex checks and declarations, the coverage."""

    path: str
    samples: Sequence[str]
    per_record: Sequence[tuple[VariantRecord, str]]
    #: the join key of each record of ``per_record`` (same order)
    keys: Sequence[InputRecord]
    findings: Mapping[str, VariantFinding]
    checks: Mapping[str, SexCheckResult]
    declared: Mapping[str, tuple[Sex, str]]
    coverage: Coverage
    #: #15: filled with the unreadable calls met ("FILE: line N: call of S: why")
    unread: list[str]
    #: sample -> (mother's, father's) column index in this file, for samples whose PED names
    #: a sequenced parent (phase from the parents, :mod:`ipexcli.phase`)
    parents: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    #: (#13) variant key -> positions in ``per_record`` of its records, for keys seen twice or
    #: more, and the flags of samples whose calls there disagree (filled by the sample step)
    groups: Mapping[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def parent_calls(self, sample: str) -> ParentCalls | None:
        """``variant key -> (mother's call, father's call)`` for ``sample``, or None when the
        PED names no sequenced parent of hers. Looked up only when a phase is needed."""
        found = self.parents.get(sample)
        if found is None:
            return None
        mother, father = found
        records: dict[str, VariantRecord] = {}

        def lookup(key: str) -> tuple[Call | None, Call | None]:
            if not records:
                for row, row_key in self.per_record:
                    records.setdefault(row_key, row)
            record = records.get(key)
            if record is None:
                return None, None
            calls = record.calls
            return (
                calls[mother] if mother is not None else None,
                calls[father] if father is not None else None,
            )

        return lookup


def _sequenced_parents(
    samples: Sequence[str], pedigree: Pedigree | None
) -> dict[str, tuple[int | None, int | None]]:
    """sample -> (mother's, father's) index in ``samples`` for every sample with a sequenced
    parent in the PED (none without a PED)."""
    if pedigree is None:
        return {}
    index = {sample: i for i, sample in enumerate(samples)}
    out: dict[str, tuple[int | None, int | None]] = {}
    for sample in samples:
        person = pedigree.get(sample)
        if person is None:
            continue
        mother = index.get(person.mother) if person.mother else None
        father = index.get(person.father) if person.father else None
        if mother is not None or father is not None:
            out[sample] = (mother, father)
    return out


def _resolve_duplicates(
    file: _FileGenotypes, sample: str, column: int
) -> tuple[frozenset[int], frozenset[int]]:
    """(record positions whose call the verdict leaves out, positions to flag) for one sample;
    each disagreement's note is added to ``file.notes`` (:mod:`ipexcli.duplicates`)."""
    from ipexcli.duplicates import disagreements

    found = disagreements(sample, column, file.groups, file.per_record, file.keys,
                          {key: finding.hgvs for key, finding in file.findings.items()})
    if not found:
        return frozenset(), frozenset()
    file.notes.extend(f"{file.path}: {d.note}" for d in found)
    dropped = frozenset().union(*(d.dropped for d in found))
    return dropped, frozenset().union(*(d.dropped | {d.chosen} for d in found))


def _flag_duplicates(genotype: GenotypeResult) -> GenotypeResult:
    from ipexcli.duplicates import FLAG

    return replace(genotype, flags=(*genotype.flags, FLAG))


def _dense_samples(file: _FileGenotypes) -> tuple[list[SampleResult], dict[str, Sex]]:
    """Every sample with its genotype at every record (``--genotypes all``)."""
    from ipexcli.inheritance import interpret_sample

    samples, per_record, findings = file.samples, file.per_record, file.findings
    interpret, genotype, _ = _interpreter()
    columns = [tuple(record.calls) for record, _ in per_record]
    structural_keys = {key for key, f in findings.items() if f.hgvs == _STRUCTURAL}
    results = []
    used_sexes: dict[str, Sex] = {}
    for index, sample in enumerate(samples):
        sex_result, used, basis = _sample_sex(sample, file.checks, file.declared)
        used_sexes[sample] = used
        genotypes = []
        pairs = []
        for (_, key), calls, where in zip(per_record, columns, file.keys, strict=True):
            call = calls[index]
            finding = findings[key]
            genotypes.append(genotype(key, call, used, finding.in_par, where))
            pairs.append((finding, call))
        used_pairs = list(range(len(pairs)))  # pair index -> genotype index
        if structural_keys:  # #13: reported, not interpreted (see mark_carriers)
            used_pairs = [i for i in used_pairs if pairs[i][0].variant_id not in structural_keys]
        if file.groups:  # #13: duplicate records whose calls disagree
            dropped, flagged = _resolve_duplicates(file, sample, index)
            if flagged:
                used_pairs = [i for i in used_pairs if i not in dropped]
                genotypes = [_flag_duplicates(g) if at in flagged else g
                             for at, g in enumerate(genotypes)]
        every_pair = pairs
        pairs = [pairs[i] for i in used_pairs]
        sample_verdicts = interpret_sample(
            sample, used, pairs, file.coverage, basis, interpret, file.parent_calls(sample)
        )
        genotypes = _with_quality_flags(genotypes, sample_verdicts, used_pairs)
        verdicts = _name_invalid(
            sample,
            _verdicts(sample_verdicts),
            ((per_record[i][0], *every_pair[i]) for i in used_pairs),
            file.unread,
        )
        results.append(SampleResult(sample, file.path, sex_result, tuple(genotypes), verdicts))
    return results, used_sexes


def _sparse_samples(file: _FileGenotypes) -> tuple[list[SampleResult], dict[str, Sex]]:
    """Every sample with only the genotypes that can matter (``--genotypes non_ref``).

    Left out: plain REF genotypes that change neither the verdict nor a flag
    (:func:`ipexcli.inheritance.plain_ref_is_silent`): ``0/0`` and ``0|0`` always, a haploid
    ``0`` except in a female or in a PAR. The work per record is one scan of its sample text
    (:meth:`ipexcli.genotypes.SampleCalls.notable`), not a step per sample.
    """
    from ipexcli.genotypes import haploid_ref_samples, notable_calls
    from ipexcli.inheritance import interpret_sample, plain_ref_is_silent

    samples, findings, path, coverage = file.samples, file.findings, file.path, file.coverage
    interpret, genotype, make_row = _interpreter()
    checked = _checked_genotype(interpret, make_row)
    sexes = [_sample_sex(sample, file.checks, file.declared) for sample in samples]
    used_sexes = {sample: used for sample, (_, used, _) in zip(samples, sexes, strict=True)}
    # haploid REF ("0") is silent for males and unknown sex outside the PARs: only these
    # samples need their "0" calls looked up
    haploid_matters = frozenset(i for i, (_, used, _) in enumerate(sexes)
                                if not plain_ref_is_silent("0", used, in_par=False))
    everyone = frozenset(range(len(samples)))
    position = {id(where): at for at, where in enumerate(file.keys)}
    kept: list[list[tuple[str, Call, InputRecord]]] = [[] for _ in samples]
    lines: dict[int, VariantRecord] = {}  # #15: where an invalid call was read (by record)
    for (record, key), where in zip(file.per_record, file.keys, strict=True):
        calls = record.calls
        for index, call in notable_calls(calls):
            kept[index].append((key, call, where))
            if call.invalid:
                lines[id(where)] = record
        wanted = everyone if findings[key].in_par else haploid_matters
        if wanted:
            for index in haploid_ref_samples(calls, wanted):
                call = calls[index]  # parsed now: its DP/GQ/AD may be unreadable (#15)
                kept[index].append((key, call, where))
                if call.invalid:
                    lines[id(where)] = record
    results = []
    structural = any(finding.hgvs == _STRUCTURAL for finding in findings.values())  # #13
    no_genotype: dict[tuple[Sex, str], tuple[Verdict, ...]] = {}
    for column, (sample, (sex_result, used, basis), mine) in enumerate(
        zip(samples, sexes, kept, strict=True)
    ):
        if not mine:  # nothing but silent REF calls: the same verdict for every such sample
            verdicts = no_genotype.get((used, basis))
            if verdicts is None:
                verdicts = no_genotype[(used, basis)] = _verdicts(
                    interpret_sample(sample, used, (), coverage, basis, interpret)
                )
            results.append(SampleResult(sample, path, sex_result, (), verdicts))
            continue
        pairs = [(findings[key], call) for key, call, _ in mine]
        duplicated = bool(file.groups) and any(key in file.groups for key, _, _ in mine)
        if not (duplicated or structural):  # #14: every call interpreted, the common case
            genotypes = [
                checked(finding, key, call, used, where)
                for (key, call, where), (finding, _) in zip(mine, pairs, strict=True)
            ]
            sample_verdicts = interpret_sample(
                sample, used, pairs, coverage, basis, interpret, file.parent_calls(sample)
            )
            verdicts = _verdicts(sample_verdicts)
            if lines:  # an unreadable call in the file: is it one of hers?
                verdicts = _name_invalid(
                    sample, verdicts,
                    ((lines[id(where)], findings[key], call)
                     for key, call, where in mine if call.invalid),
                    file.unread)
            results.append(SampleResult(sample, path, sex_result, tuple(genotypes), verdicts))
            continue
        genotypes = [
            genotype(key, call, used, finding.in_par, where)
            for (key, call, where), (finding, _) in zip(mine, pairs, strict=True)
        ]
        used_pairs = [i for i, p in enumerate(pairs) if p[0].hgvs != _STRUCTURAL]  # #13
        if duplicated:  # #13: duplicates
            dropped, flagged = _resolve_duplicates(file, sample, column)
            if flagged:
                at = [position[id(where)] for _, _, where in mine]
                used_pairs = [i for i in used_pairs if at[i] not in dropped]
                genotypes = [_flag_duplicates(g) if a in flagged else g
                             for g, a in zip(genotypes, at, strict=True)]
        pairs = [pairs[i] for i in used_pairs]
        sample_verdicts = interpret_sample(
            sample, used, pairs, coverage, basis, interpret, file.parent_calls(sample)
        )
        genotypes = _with_quality_flags(genotypes, sample_verdicts, used_pairs)
        verdicts = _name_invalid(
            sample,
            _verdicts(sample_verdicts),
            (
                (lines[id(where)], findings[key], call)
                for key, call, where in mine
                if call.invalid
            ),
            file.unread,
        )
        results.append(SampleResult(sample, path, sex_result, tuple(genotypes), verdicts))
    return results, used_sexes
