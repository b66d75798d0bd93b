"""Terminal rendering: the only module that imports rich.

Styles have semantic names (``impact.high``, ``verdict.consistent``) defined once in
:data:`THEME_STYLES`; data is always passed as :class:`rich.text.Text` or escaped, because HGVS
strings contain brackets that rich would otherwise read as markup.

:func:`render_report` prints a :class:`~ipexcli.result.Report`: header (inputs, build and how it
was decided, region method, samples and sex with its source), one verdict panel per sample, the
variant table (cards below 80 columns), diagnostics and the disclaimer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

    from ipexcli.refdata import RefData
    from ipexcli.result import (
        GenotypeResult,
        InputResult,
        LookupResult,
        Report,
        SampleResult,
        VariantResult,
    )
    from ipexcli.sex import SexCheckResult

THEME_STYLES = {
    "impact.high": "bold red",
    "impact.moderate": "yellow",
    "impact.low": "green",
    "impact.modifier": "dim",
    "verdict.consistent": "bold red",
    "verdict.carrier": "bold yellow",
    "verdict.uncertain": "yellow",
    "verdict.none": "green",
    "verdict.not_assessed": "dim",
    "known.pathogenic": "bold red",
    "known.uncertain": "yellow",
    "known.benign": "green",
    "known.none": "dim",
    "evidence": "cyan",
    "flag": "magenta",
    "ok": "green",
    "fail": "bold red",
    "muted": "dim",
    "title": "bold",
    "section": "bold underline",
}

#: verdict category -> theme style
VERDICT_STYLES = {
    "consistent_with_ipex": "verdict.consistent",
    "consistent_with_disease_female": "verdict.consistent",
    "carrier": "verdict.carrier",
    "uncertain": "verdict.uncertain",
    "no_reportable_variant": "verdict.none",
    "not_assessed": "verdict.not_assessed",
}

#: below this width the variant table becomes one card per variant
TABLE_MIN_WIDTH = 100
#: above this many samples in one input, genotypes are listed in one column
MAX_SAMPLE_COLUMNS = 4
#: from this width, each sample of an input gets its own genotype column
WIDE_TABLE_WIDTH = 140


def make_console(
    file: IO[str] | None = None, width: int | None = None, stderr: bool = False
) -> Console:
    """A console with the ipexcli theme; colour only on a terminal (rich decides)."""
    from rich.console import Console
    from rich.theme import Theme

    return Console(
        file=file, width=width, stderr=stderr, theme=Theme(THEME_STYLES), highlight=False
    )


def render_refdata_info(data: RefData, console: Console | None = None) -> None:
    """Print the bundled files, their sources and checksums."""
    from rich.text import Text

    console = console or make_console()
    console.print(
        Text(
            f"ipexcli reference data {data.version}  ({data.root})\n"
            f"known-variant table: {len(data.known)} rows, active: {data.known_origin}"
        )
    )
    for entry in data.manifest:
        line = Text(entry.file, style="bold")
        line.append(f"  [{entry.made}]  sha256 {entry.sha256}", style="muted")
        console.print(line)
        console.print(Text(f"    source:  {entry.source}"))
        console.print(Text(f"    from:    {entry.origin}   version: {entry.version}"))


# -- annotate report ---------------------------------------------------------------------------


def printable(value: T) -> T:
    """``value`` with every control character in its strings shown as ``\\xNN``.

    Text from input files (sample names, FILTER, paths, INFO) reaches the terminal; an ESC byte
    there could clear or re-colour the user's screen. Works on strings and recursively on
    (frozen) dataclasses, tuples, lists and dicts; enums and numbers pass through.

    >>> printable("a\\x1b[2Jb"), printable(("ok", 3))
    ('a\\\\x1b[2Jb', ('ok', 3))
    """
    if isinstance(value, str) and type(value) is str:  # not a str-valued enum
        if _CONTROL.search(value) is None:
            return value
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)  # type: ignore[return-value]
    # containers and dataclasses are rebuilt only when something inside changed (a cohort
    # report holds ~100,000 objects, nearly always clean)
    if isinstance(value, tuple):
        items = tuple(printable(v) for v in value)
        same = all(a is b for a, b in zip(items, value, strict=True))
        return value if same else items  # type: ignore[return-value]
    if isinstance(value, list):
        return [printable(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name in _init_fields(type(value)):
            old = getattr(value, name)
            new = printable(old)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
    return value


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


#: C0 controls except TAB and LF, DEL and the C1 controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
T = TypeVar("T")


def render_report(report: Report, console: Console | None = None) -> None:
    """Print ``report`` for a person at a terminal (width-aware; colour only on a TTY)."""
    from rich.theme import Theme

    report = printable(report)
    console = console or make_console()
    console.push_theme(Theme(THEME_STYLES))
    try:
        for block in _report_blocks(report, console.width):
            console.print(block)
    finally:
        console.pop_theme()


def _report_blocks(report: Report, width: int) -> list[RenderableType]:
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    def section(title: str) -> RenderableType:
        return Group(Text(""), Rule(Text(title, style="section"), align="left", style="muted"))

    from ipexcli.result import split_quiet

    blocks: list[RenderableType] = [_header(report), section("Samples")]
    for item in report.inputs:
        samples = [s for s in report.samples if s.input == item.path]
        shown, quiet = split_quiet(samples, item.genotypes)
        if item.genotypes == "non_ref" and len(shown) > MAX_PANELS:
            blocks.append(_sample_lines(shown))
        else:
            blocks.extend(_verdict_panel(report, sample) for sample in shown)
        if quiet:
            blocks.append(_quiet_line(quiet))
    for item in report.inputs:
        variants = _variants_of(report, item)
        samples = [s for s in report.samples if s.input == item.path]
        blocks.append(section(f"Variants: {item.path} ({item.build}, NM_014009.4)"))
        view = _GenotypeView(samples, item.genotypes)
        if not variants:
            blocks.append(Text("No variant in the FOXP3 locus.", style="muted"))
        elif width >= TABLE_MIN_WIDTH:
            per_sample = width >= WIDE_TABLE_WIDTH and len(samples) <= MAX_SAMPLE_COLUMNS
            blocks.append(_variant_table(variants, view, per_sample))
        else:
            blocks.extend(_variant_card(v, view) for v in variants)
    blocks.append(section("Diagnostics"))
    blocks.append(_diagnostics(report))
    blocks.append(Text(report.disclaimer, style="muted"))
    return blocks


def _variants_of(report: Report, item: InputResult) -> list[VariantResult]:
    return [
        v
        for v in report.variants
        if item.path in v.inputs or (not v.inputs and v.build == item.build)
    ]


def _grid() -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="muted", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _header(report: Report) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    refdata = report.refdata
    known = refdata.get("known_variants", {})
    title = Text(f"ipexcli {report.ipexcli_version}", style="title")
    title.append(f"  FOXP3 {refdata.get('transcript', '')}", style="bold")
    grid = _grid()
    table_words = f"reference data {refdata.get('version', '?')}"
    if isinstance(known, dict) and known:
        table_words += f"; known-variant table {known.get('rows', '?')} rows"
        if known.get("snapshot"):
            table_words += f", {known['snapshot']}"
        if known.get("active_table", "bundled") != "bundled":
            table_words += f"; installed update {known['active_table']}"
    grid.add_row("data", Text(table_words))
    for item in report.inputs:
        grid.add_row("input", Text(f"{item.path} ({item.file_format})", style="bold"))
        build = Text(item.build, style="bold")
        build.append(f"  {item.build_method}")
        grid.add_row("  build", build)
        grid.add_row(
            "  region",
            Text(
                f"{item.region_method}; contig {item.contig}; {item.records_read} records read, "
                f"{item.records_in_region} in the FOXP3 locus"
            ),
        )
        if item.genotypes != "all":
            from ipexcli.result import genotypes_note

            grid.add_row("  genotypes", Text(genotypes_note(item.genotypes)))
        samples = [s for s in report.samples if s.input == item.path]
        if item.genotypes == "non_ref":  # a cohort: how many samples got each sex, not a line each
            counts: dict[str, int] = {}
            for sample in samples:
                sex_words = _sex_words(sample)
                counts[sex_words] = counts.get(sex_words, 0) + 1
            for sex_words, count in counts.items():
                grid.add_row("  samples", Text(f"{count}  {sex_words}"))
            continue
        for sample in samples:
            words = Text(sample.id, style="bold")
            words.append(f"  {_sex_words(sample)}")
            grid.add_row("  sample", words)
    return Group(title, grid)


def _sex_words(sample: SampleResult) -> str:
    sex = sample.sex
    if sex.declared_source:
        source = f"declared {sex.declared} ({sex.declared_source})"
    else:
        source = "not declared"
    words = f"sex {sex.used}: {source}, inferred {sex.inferred.replace('_', ' ')}"
    if sex.mismatch:
        words += " - MISMATCH"
    return words


def _verdict_panel(report: Report, sample: SampleResult) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    parts: list[RenderableType] = []
    style = "verdict.not_assessed"
    for verdict in sample.verdicts:
        style = VERDICT_STYLES.get(verdict.category, "verdict.uncertain")
        line = Text()
        if verdict.assumed_sex:
            line.append(f"if {verdict.assumed_sex}: ", style="muted")
        line.append(verdict.text, style=style)
        line.append(f"  [{verdict.category}]", style="muted")
        parts.append(line)
        if verdict.reasons:
            reasons = _grid()
            for reason in verdict.reasons:
                reasons.add_row("  -", Text(reason))
            parts.append(reasons)
    notes = _grid()
    for note in sample.family:
        notes.add_row("  family", Text(note))
    if len(report.inputs) > 1:
        notes.add_row("  input", Text(sample.input))
    if notes.row_count:
        parts.append(notes)
    title = Text(f"{sample.id}", style="bold")
    title.append(f" ({sample.sex.used})", style="muted")
    if sample.sex.mismatch:
        title.append(" sex mismatch", style="flag")
    return Panel(Group(*parts), title=title, title_align="left", border_style=style)


def _impact_text(variant: VariantResult) -> Text:
    from rich.text import Text

    return Text(variant.impact, style=f"impact.{variant.impact.lower()}")


def _bare(hgvs: str) -> str:
    """``NM_014009.4:c.1189C>T`` -> ``c.1189C>T`` (the table header names the accession)."""
    from ipexcli.result import bare_hgvs

    return bare_hgvs(hgvs)


def _known_style(classification: str) -> str:
    from ipexcli.result import classification_group

    return f"known.{classification_group(classification)}"


def _known_text(variant: VariantResult) -> Text:
    from rich.text import Text

    from ipexcli.result import known_label, known_source, review_text

    text = Text()
    if not variant.known:
        text.append("not in the known table", style="known.none")
        return text
    for index, match in enumerate(variant.known):
        if index:
            text.append("\n")
        if match.match != "exact":
            text.append(
                f"{match.match.replace('_', ' ')}: {match.hgvs_p or match.hgvs_c} ", style="muted"
            )
        label = known_label(match)  # #12: literature rows are not classifications
        text.append(label, style=_known_style(match.classification if label ==
                                              match.classification else ""))
        if match.match != "exact":
            continue
        if match.review_status:
            text.append(f"\nreview: {review_text(match)}", style="muted")
        source = known_source(match)
        if source:
            text.append(f"\n{source}", style="muted")
        text.append(f"\n{match.id} {match.rsid}".rstrip(), style="muted")
    return text


def _change_text(variant: VariantResult) -> Text:
    from rich.text import Text

    text = Text(_bare(variant.hgvs_c), style="bold")
    if variant.hgvs_p:
        text.append("\n" + _bare(variant.hgvs_p))
    text.append(f"\n{variant.chrom}:{variant.pos} {variant.ref}>{variant.alt}", style="muted")
    return text


def _consequence_text(variant: VariantResult) -> Text:
    from rich.text import Text

    text = Text(", ".join(variant.consequences))
    text.append("\n")
    text.append_text(_impact_text(variant))
    if variant.exon:
        text.append(f"\nexon {variant.exon}")
    if variant.intron:
        text.append(f"\nintron {variant.intron}")
    if variant.protein_feature:
        text.append(f"\n{variant.protein_feature}")
    return text


#: in a report that leaves plain REF genotypes out (a cohort), the samples of the input are
#: named one by one only up to this many; the others are counted
MAX_QUIET_NAMES = 20
#: ... samples with a finding get a panel each up to this many, else one line each
MAX_PANELS = 20
#: ... and a variant's genotype list names at most this many samples
MAX_LISTED = 8


def _sample_lines(samples: list[SampleResult]) -> RenderableType:
    """One line per sample (sex, verdict per reading, flags) instead of a panel each: a
    cohort's hundreds of samples with a finding. Reasons are in --format tsv/json/html."""
    from rich.text import Text

    text = Text()
    width = max(len(s.id) for s in samples)
    for sample in samples:
        text.append(f"{sample.id:<{width}}", style="bold")
        text.append(f"  {sample.sex.used:<7}", style="muted")
        for verdict in sample.verdicts:
            prefix = f"if {verdict.assumed_sex}: " if verdict.assumed_sex else ""
            text.append(f"  {prefix}", style="muted")
            text.append(verdict.text, style=VERDICT_STYLES.get(verdict.category,
                                                                "verdict.uncertain"))
        flags = sorted({f for g in sample.genotypes for f in g.flags})
        if sample.sex.mismatch:
            flags.append("SEX_MISMATCH")
        if flags:
            text.append(f"  {' '.join(flags)}", style="flag")
        if sample.family:
            text.append(f"  family: {'; '.join(sample.family)}", style="muted")
        text.append("\n")
    text.append(f"{len(samples)} sample(s) with a finding, one line each (reasons: --format "
                "html, tsv or json)", style="muted")
    return text


def _quiet_line(quiet: list[SampleResult]) -> RenderableType:
    from rich.text import Text

    names = ", ".join(s.id for s in quiet[:MAX_QUIET_NAMES])
    more = f" and {len(quiet) - MAX_QUIET_NAMES} more" if len(quiet) > MAX_QUIET_NAMES else ""
    line = Text(f"{len(quiet)} sample(s) with no reportable FOXP3 variant", style="verdict.none")
    line.append(f" (each has its verdict in --format tsv/json): {names}{more}", style="muted")
    return line


class _GenotypeView:
    """Each sample's listed genotypes by variant key (looked up once, not per cell), and the
    words for a genotype the report does not list."""

    def __init__(self, samples: list[SampleResult], genotypes_mode: str) -> None:
        from ipexcli.result import unlisted_genotype_words

        self.samples = samples
        self.sparse = genotypes_mode == "non_ref"
        self.unlisted = unlisted_genotype_words(genotypes_mode)
        self._by_sample = {id(s): {g.variant_key: g for g in s.genotypes} for s in samples}

    def get(self, sample: SampleResult, variant: VariantResult) -> GenotypeResult | None:
        return self._by_sample[id(sample)].get(variant.key)

    def cells(self, variant: VariantResult, sample: SampleResult) -> tuple[Text, Text]:
        """(raw GT, label with flags) of ``sample`` at ``variant``."""
        from rich.text import Text

        genotype = self.get(sample, variant)
        if genotype is None:
            return Text("-" if self.sparse else "."), Text(self.unlisted, style="muted")
        label = Text(genotype.label_text)
        for flag in genotype.flags:
            label.append(f"\n{flag}", style="flag")
        return Text(genotype.raw_gt, style="muted"), label

    def others_line(self, count: int) -> str:
        """The line counting the samples a ``non_ref`` report does not list at a variant."""
        return f"{count} others: {self.unlisted}"

    def grid(self, variant: VariantResult) -> RenderableType:
        """Every sample's genotype. In a ``non_ref`` report (a cohort) only the listed ones,
        at most :data:`MAX_LISTED`, as plain lines; the other samples are counted."""
        from rich.table import Table
        from rich.text import Text

        if self.sparse:
            listed = [(s, g) for s in self.samples if (g := self.get(s, variant)) is not None]
            text = Text()
            for sample, genotype in listed[:MAX_LISTED]:
                text.append(sample.id, style="bold")
                text.append(f" {genotype.raw_gt} ", style="muted")
                text.append(genotype.label_text)
                if genotype.flags:
                    text.append(f" {' '.join(genotype.flags)}", style="flag")
                text.append("\n")
            if len(listed) > MAX_LISTED:
                text.append(f"+{len(listed) - MAX_LISTED} more listed (--format tsv)\n",
                            style="muted")
            text.append(self.others_line(len(self.samples) - len(listed)), style="muted")
            return text
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for sample in self.samples:
            grid.add_row(Text(sample.id), *self.cells(variant, sample))
        return grid


def _evidence_text(variant: VariantResult) -> Text:
    from rich.text import Text

    text = Text("evidence: ", style="muted")
    for code in variant.evidence:
        text.append(code.code + " ", style="evidence")
    if not variant.evidence:
        text.append("none ", style="muted")
    flags = (*variant.flags, *(f"FILTER={f}" for f in variant.filters if f != "PASS"))
    if flags:
        text.append("\nflags: ", style="muted")
        text.append(" ".join(flags), style="flag")
    text.rstrip()
    return text


def _variant_table(
    variants: list[VariantResult], view: _GenotypeView, per_sample: bool
) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def fit(texts: list[str], low: int, high: int) -> int:
        return max(low, min(high, max((len(t) for t in texts), default=low)))

    variant_width = fit(
        [_bare(v.hgvs_c) for v in variants]
        + [_bare(v.hgvs_p) for v in variants]
        + [f"{v.chrom}:{v.pos} {v.ref}>{v.alt}" for v in variants],
        17,
        26,
    )
    consequence_width = fit(
        [", ".join(v.consequences) for v in variants] + [v.protein_feature for v in variants],
        16,
        24,
    )
    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=True, pad_edge=False)
    table.add_column("Variant (c. / p. / genomic)", width=variant_width, overflow="fold")
    table.add_column("Consequence", width=consequence_width, overflow="fold")
    samples = view.samples
    if per_sample:
        for sample in samples:
            table.add_column(sample.id, min_width=10, ratio=1, overflow="fold")
    else:
        id_width = max((len(s.id) for s in samples), default=0)
        gt_width = max((len(g.raw_gt) for s in samples for g in s.genotypes), default=1)
        labels = [t for s in samples for g in s.genotypes for t in (g.label_text, *g.flags)]
        genotype_width = fit(
            [" " * (id_width + gt_width + 3) + label for label in labels]
            + ([view.others_line(len(samples))] if view.sparse else []),
            20,
            36,
        )
        table.add_column("Genotypes (GT, X-linked label)", width=genotype_width)
    table.add_column("Known classification / evidence", ratio=2, overflow="fold")
    for variant in variants:
        genotypes: list[RenderableType]
        if per_sample:
            genotypes = []
            for sample in samples:
                gt, label = view.cells(variant, sample)
                genotypes.append(Text.assemble(label, " (", gt, ")"))
        else:
            genotypes = [view.grid(variant)]
        known = _known_text(variant)
        known.append("\n")
        known.append_text(_evidence_text(variant))
        table.add_row(_change_text(variant), _consequence_text(variant), *genotypes, known)
    return table


def _variant_card(variant: VariantResult, view: _GenotypeView) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    grid = _grid()
    grid.add_row("p.", Text(_bare(variant.hgvs_p) or "-"))
    grid.add_row("genomic", Text(f"{variant.chrom}:{variant.pos} {variant.ref}>{variant.alt}"))
    grid.add_row("effect", _consequence_text(variant))
    grid.add_row("genotypes", view.grid(variant))
    grid.add_row("known", _known_text(variant))
    grid.add_row("", _evidence_text(variant))
    return Panel(grid, title=Text(_bare(variant.hgvs_c), style="bold"), title_align="left")


def _diagnostics(report: Report) -> RenderableType:
    from rich.text import Text

    grid = _grid()
    for item in report.inputs:
        grid.add_row("input", Text(item.path, style="bold"))
        skipped = Text(str(sum(item.skipped.values())))
        for reason, count in sorted(item.skipped.items()):
            skipped.append(f"\n{reason}: {count}", style="flag")
        for example in item.skipped_examples[:5]:
            skipped.append(f"\n  e.g. {example}", style="muted")
        grid.add_row("  skipped records", skipped)
        grid.add_row(
            "  REF mismatches",
            Text(str(item.ref_mismatches), style="fail" if item.ref_mismatches else ""),
        )
        if item.coverage_note:
            grid.add_row("  coverage", Text(item.coverage_note))
        for warning in item.warnings:
            grid.add_row("  warning", Text(warning, style="flag"))
    mismatched = [s for s in report.samples if s.sex.mismatch]
    words = Text(str(len(mismatched)))
    for sample in mismatched:
        words.append(
            f"\n{sample.id}: declared {sample.sex.declared} ({sample.sex.declared_source}), "
            f"inferred {sample.sex.inferred}; used {sample.sex.used}",
            style="flag",
        )
    grid.add_row("sex mismatches", words)
    for warning in report.warnings:
        grid.add_row("warning", Text(warning, style="flag"))
    return grid


def render_lookup(result: LookupResult, console: Console | None = None) -> None:
    """Print a lookup: for each hit, its names, both builds, consequence, known and evidence."""
    from rich.panel import Panel
    from rich.text import Text

    result = printable(result)
    console = console or make_console()
    console.print(Text(f"ipex lookup {result.query}", style="bold"))
    for note in result.notes:
        console.print(Text(note, style="muted"))
    for hit in result.hits:
        if not hit.variants:
            continue
        first = hit.variants[0]
        body = _grid()
        body.add_row(Text("variant", style="muted"), _change_text(first))
        for variant in hit.variants:
            body.add_row(
                Text(variant.build, style="muted"),
                Text(f"{variant.hgvs_g}\nchrX:{variant.pos} {variant.ref}>{variant.alt} (VCF)"),
            )
        body.add_row(Text("consequence", style="muted"), _consequence_text(first))
        body.add_row(Text("known", style="muted"), _known_text(first))
        body.add_row(Text("", style="muted"), _evidence_text(first))
        if first.evidence:
            reasons = "\n".join(f"{code.code}: {code.reason}" for code in first.evidence)
            body.add_row(Text("", style="muted"), Text(reasons, style="muted"))
        if first.class_used:  # #12: the class a verdict would use, and why
            body.add_row(Text("class used", style="muted"),
                         Text(f"{first.class_used}\n{first.class_basis}"))
        title = Text(_bare(first.hgvs_c) or hit.c_name)
        subtitle = Text(hit.note, style="muted") if hit.note else None
        console.print(Panel(body, title=title, subtitle=subtitle, title_align="left"))
    console.print(
        Text(
            "Evidence codes are automated, not a classification. "
            f"ipexcli {result.ipexcli_version}, refdata {result.refdata_version}.",
            style="muted",
        )
    )
def render_sex_table(
    results: Sequence[tuple[str, SexCheckResult]], console: Console | None = None
) -> None:
    """One row per (file, sample): declared, inferred, check, sex used and the evidence."""
    from rich.table import Table
    from rich.text import Text

    results = printable(list(results))

    if console is None:
        console = make_console()
        if not console.is_terminal and console.width < 160:
            console.width = 160  # piped: no terminal to wrap for; keep one line per sample
    table = Table(
        title="Sex check (non-PAR chrX / chrY)",
        title_justify="left",
        caption=(
            "used: the declared sex wins; the inferred one only when none is declared; "
            "'unknown' = both interpretations given"
        ),
        caption_justify="left",
    )
    table.add_column("sample", no_wrap=True)
    for name in ("declared", "inferred", "check", "used", "by"):
        table.add_column(name, no_wrap=True)
    for name in ("sites", "F", "het frac", "haploid", "chrY"):
        table.add_column(name, justify="right", no_wrap=True)
    show_file = len({path for path, _ in results}) > 1
    if show_file:
        table.add_column("file", overflow="fold")
    for path, result in results:
        ev = result.inference.evidence
        check = result.check.value
        style = {"MISMATCH": "fail", "ok": "ok", "atypical": "flag"}.get(check, "muted")
        row = [
            Text(result.sample),
            Text(result.declared.value),
            Text(result.inferred.value),
            Text(check, style=style),
            Text(result.used.value + ("*" if result.used_basis == "inferred" else "")),
            Text(ev.method.value),
            Text(str(ev.informative_sites)),
            Text("." if ev.f is None else f"{ev.f:.2f}"),
            Text("." if ev.het_fraction is None else f"{ev.het_fraction:.2f}"),
            Text(str(ev.haploid)),
            Text(f"{ev.y_called}/{ev.y_sites}"),
        ]
        if show_file:
            row.append(Text(path))
        table.add_row(*row)
    console.print(table)
    if any(r.used_basis == "inferred" for _, r in results):
        console.print(Text("* inferred from the data (no declared sex)", style="muted"))


class ProgressSink:
    """Advance with :meth:`advance`; prints nothing. What :func:`batch_progress` gives off a TTY."""

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more items done."""


@contextmanager
def batch_progress(total: int, description: str = "files") -> Iterator[ProgressSink]:
    """A progress bar on stderr while the block runs, only when stderr is a terminal.

    Off a terminal (pipes, log files, clusters) nothing is printed and the sink ignores calls.
    """
    import sys

    if not sys.stderr.isatty() or total <= 0:
        yield ProgressSink()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=make_console(stderr=True),
        transient=False,
    )
    task = progress.add_task(description, total=total)

    class _Bar(ProgressSink):
        def advance(self, steps: int = 1) -> None:
            progress.advance(task, steps)

    with progress:
        yield _Bar()


@contextmanager
def scan_progress(label: str) -> Iterator[Callable[[int], None] | None]:
    """A byte counter on stderr while a whole file is read (streamed), only on a terminal.

    Yields the callback to give :attr:`ipexcli.vcf.VcfReader.on_progress`, or None when stderr
    is not a terminal (pipelines stay quiet). Transient: it disappears when the block ends.
    """
    import sys

    if not sys.stderr.isatty():
        yield None
        return
    from rich.filesize import decimal
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[read]} read"),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    task = progress.add_task(f"scanning {printable(label)}", total=None, read="0 bytes")
    seen = [0]

    def tick(size: int) -> None:
        seen[0] += size
        progress.update(task, read=decimal(seen[0]))

    with progress:
        yield tick
