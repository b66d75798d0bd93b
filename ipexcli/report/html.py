"""HTML rendering: one self-contained file (inline CSS and SVG; no script, font or network).

Same content as the terminal report (header, one verdict card per sample, the variant table,
diagnostics, disclaimer) plus, for each sample, a lollipop plot of the variants it carries on the
FOXP3 protein: domains from the bundled transcript model, and the bundled known pathogenic
variants drawn faintly underneath for context. Every piece of data goes through
:func:`html.escape`. ``@media print`` keeps cards and plots whole and colours printable.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from ipexcli.model import Significance
from ipexcli.result import (
    bare_hgvs,
    classification_group,
    genotypes_note,
    known_label,
    known_source,
    review_text,
    split_quiet,
    unlisted_genotype_words,
)

if TYPE_CHECKING:
    from ipexcli.refdata import ProteinFeature
    from ipexcli.result import (
        GenotypeResult,
        InputResult,
        KnownMatch,
        Report,
        SampleResult,
        VariantResult,
    )

VERDICT_CLASSES = {
    "consistent_with_ipex": "v-consistent",
    "consistent_with_disease_female": "v-consistent",
    "carrier": "v-carrier",
    "uncertain": "v-uncertain",
    "no_reportable_variant": "v-none",
    "not_assessed": "v-muted",
}

_CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --path:#b42318; --vus:#b54708;
  --benign:#027a48; --none:#52606d; --zf:#7c3aed; --fh:#2563eb; --pro:#0f766e; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; } h3.input { margin: 14px 0 4px; }
.muted { color: var(--muted); } .mono { font-family: ui-monospace, Menlo, Consolas, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid
  var(--line); } td .mono, td.mono { overflow-wrap: anywhere; }
table.variants td:first-child { min-width: 12em; } th { background: #f5f7fa; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--none); border-radius: 6px;
  padding: 12px 16px; margin: 0 0 14px; }
.card.v-consistent { border-left-color: var(--path); } .card.v-carrier { border-left-color:
  var(--vus); } .card.v-uncertain { border-left-color: #d97706; }
.card.v-none { border-left-color: var(--benign); } .card.v-muted { border-left-color: #9aa5b1; }
.verdict { font-weight: 600; } .v-consistent .verdict { color: var(--path); }
.v-carrier .verdict { color: var(--vus); } .v-none .verdict { color: var(--benign); }
.tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 10px;
  background: #eef2f7; color: var(--muted); margin-left: 6px; }
.cls-path { color: var(--path); font-weight: 600; } .cls-vus { color: var(--vus); }
.cls-benign { color: var(--benign); } .cls-none { color: var(--muted); }
.impact-HIGH { color: var(--path); font-weight: 600; } .impact-MODERATE { color: var(--vus); }
.impact-LOW { color: var(--benign); } .impact-MODIFIER { color: var(--muted); }
.flag { color: #9d174d; } .evidence { color: #0e7490; font-weight: 600; }
svg.lollipop { width: 100%; height: auto; display: block; margin: 8px 0 4px; }
.legend { font-size: 12px; color: var(--muted); }
.disclaimer { margin-top: 28px; font-size: 12px; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; } th, td { padding: 3px 4px; }
  .card, svg.lollipop, tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_RESIDUE = re.compile(r"p\.\(?[A-Z][a-z]{2}(\d+)")


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


_bare = bare_hgvs

#: classification group -> CSS class
_CLS_CLASS = {
    "pathogenic": "cls-path", "benign": "cls-benign", "uncertain": "cls-vus", "none": "cls-none",
}


def _cls_class(classification: str) -> str:
    return _CLS_CLASS[classification_group(classification)]


def _exact(variant: VariantResult) -> KnownMatch | None:
    return next((k for k in variant.known if k.match == "exact"), None)


def _variants_of(report: Report, item: InputResult) -> list[VariantResult]:
    return [
        v
        for v in report.variants
        if item.path in v.inputs or (not v.inputs and v.build == item.build)
    ]


def _carries_alt(genotype: GenotypeResult) -> bool:
    alleles = re.split(r"[/|]", genotype.split_gt or genotype.raw_gt)
    return any(a not in ("0", ".", "") for a in alleles)


# -- sections ----------------------------------------------------------------------------------


def _header(report: Report) -> str:
    refdata = report.refdata
    known = refdata.get("known_variants", {})
    facts = [("Reference data", f"{refdata.get('version', '?')} (transcript "
              f"{refdata.get('transcript', '')}, protein {refdata.get('protein', '')})")]
    if isinstance(known, dict) and known:
        words = f"{known.get('rows', '?')} rows, {known.get('snapshot', '')}"
        if known.get("active_table", "bundled") != "bundled":
            words += f"; installed update {known['active_table']}"
        facts.append(("Known-variant table", words))
    parts = [
        f"<h1>ipexcli report: FOXP3 {_e(refdata.get('transcript', ''))}</h1>",
        f'<p class="muted">ipexcli {_e(report.ipexcli_version)} &middot; schema '
        f"{_e(report.schema_version)}</p>",
        _facts(facts),
    ]
    for item in report.inputs:
        samples = [s for s in report.samples if s.input == item.path]
        rows = [
            ("Build", f"{item.build}: {item.build_method}"),
            ("Region", f"{item.region_method}; contig {item.contig}; {item.records_read} "
                       f"records read, {item.records_in_region} in the FOXP3 locus"),
        ]
        if genotypes_note(item.genotypes):
            rows.append(("Genotypes", genotypes_note(item.genotypes)))
        rows += [(f"Sample {s.id}", _sex_words(s)) for s in samples]
        parts.append(f'<h3 class="input mono">{_e(item.path)} <span class="tag">'
                     f"{_e(item.file_format)}</span></h3>")
        parts.append(_facts(rows))
    return "\n".join(parts)


def _facts(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f'<dl class="facts">{body}</dl>'


def _sex_words(sample: SampleResult) -> str:
    sex = sample.sex
    declared = (
        f"declared {sex.declared} ({sex.declared_source})" if sex.declared_source
        else "not declared"
    )
    words = f"sex used: {sex.used}; {declared}; inferred: {sex.inferred.replace('_', ' ')}"
    return words + ("; MISMATCH" if sex.mismatch else "")


def _verdict_card(report: Report, sample: SampleResult, plot: str) -> str:
    first = sample.verdicts[0].category if sample.verdicts else "not_assessed"
    css = VERDICT_CLASSES.get(first, "v-uncertain")
    parts = [f'<section class="card {css}" data-sample="{_e(sample.id)}">']
    title = f"<h3>{_e(sample.id)} <span class=\"tag\">{_e(sample.sex.used)}</span>"
    if sample.sex.mismatch:
        title += ' <span class="tag flag">sex mismatch</span>'
    parts.append(title + "</h3>")
    for verdict in sample.verdicts:
        prefix = f"If {_e(verdict.assumed_sex)}: " if verdict.assumed_sex else ""
        parts.append(
            f'<p class="verdict-line">{prefix}<span class="verdict">{_e(verdict.text)}</span>'
            f'<span class="tag">{_e(verdict.category)}</span></p>'
        )
        if verdict.reasons:
            items = "".join(f"<li>{_e(r)}</li>" for r in verdict.reasons)
            parts.append(f"<ul>{items}</ul>")
    for note in sample.family:
        parts.append(f'<p><span class="muted">Family:</span> {_e(note)}</p>')
    if len(report.inputs) > 1:
        parts.append(f'<p class="muted">Input: <span class="mono">{_e(sample.input)}</span></p>')
    parts.append(plot)
    parts.append("</section>")
    return "\n".join(parts)


def _known_cell(variant: VariantResult) -> str:
    if not variant.known:
        return '<span class="cls-none">not in the known table</span>'
    lines = []
    for match in variant.known:
        label = known_label(match)  # #12: literature rows are not classifications
        group = match.classification if label == match.classification else ""
        text = f'<span class="{_cls_class(group)}">{_e(label)}</span>'
        if match.match != "exact":
            what = f"{match.match.replace('_', ' ')}: {match.hgvs_p or match.hgvs_c}"
            lines.append(f'<span class="muted">{_e(what)}</span> {text}')
            continue
        lines.append(text)
        if match.review_status:
            lines.append(f'<span class="muted">review: {_e(review_text(match))}</span>')
        source = known_source(match)
        if source:
            lines.append(f'<span class="muted">{_e(source)}</span>')
        lines.append(f'<span class="muted">{_e(f"{match.id} {match.rsid}".strip())}</span>')
    return "<br>".join(lines)


def _evidence_cell(variant: VariantResult) -> str:
    codes = [
        f'<span class="evidence" title="{_e(e.strength)}: {_e(e.reason)}">{_e(e.code)}</span>'
        for e in variant.evidence
    ]
    flags = [f'<span class="flag">{_e(f)}</span>' for f in variant.flags]
    flags += [f'<span class="flag">FILTER={_e(f)}</span>' for f in variant.filters if f != "PASS"]
    return " ".join(codes + flags) or '<span class="muted">none</span>'


#: up to this many samples the variant table has a column per sample; above, one column lists
#: the samples whose genotype the report lists (a cohort's carriers)
MAX_SAMPLE_COLUMNS = 12


def _quiet_list(quiet: list[SampleResult]) -> str:
    """The samples of a cohort report with no reportable variant, by name (no card each)."""
    names = ", ".join(_e(s.id) for s in quiet)
    return (
        f'<details class="card v-none"><summary>{len(quiet)} sample(s) with no reportable '
        "FOXP3 variant (verdict and sex of each in --format tsv/json)</summary>"
        f'<p class="mono">{names}</p></details>'
    )


def _genotype_html(genotype: GenotypeResult) -> str:
    flags = "".join(f'<br><span class="flag">{_e(f)}</span>' for f in genotype.flags)
    return (
        f'{_e(genotype.label_text)} <span class="muted mono">({_e(genotype.raw_gt)})'
        f"</span>{flags}"
    )


def _variant_table(
    variants: list[VariantResult], samples: list[SampleResult], genotypes_mode: str = "all"
) -> str:
    unlisted = unlisted_genotype_words(genotypes_mode)
    by_sample = [(s, {g.variant_key: g for g in s.genotypes}) for s in samples]
    per_sample = len(samples) <= MAX_SAMPLE_COLUMNS
    sample_heads = [s.id for s in samples] if per_sample else ["Genotypes listed"]
    head = ["Variant", "Consequence", *sample_heads, "Known classification",
            "Evidence / flags"]
    rows = ["<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for variant in variants:
        change = f'<span class="mono"><b>{_e(_bare(variant.hgvs_c))}</b>'
        if variant.hgvs_p:
            change += f"<br>{_e(_bare(variant.hgvs_p))}"
        change += (f'<br><span class="muted">{_e(variant.hgvs_g)}</span>'
                   f'<br><span class="muted">{_e(variant.chrom)}:{variant.pos} '
                   f"{_e(variant.ref)}&gt;{_e(variant.alt)}</span></span>")
        where = (f"exon {variant.exon}" if variant.exon else
                 f"intron {variant.intron}" if variant.intron else "")
        consequence = (
            f"{_e(', '.join(variant.consequences))}<br>"
            f'<span class="impact-{_e(variant.impact)}">{_e(variant.impact)}</span>'
            + (f"<br>{_e(where)}" if where else "")
            + (f"<br>{_e(variant.protein_feature)}" if variant.protein_feature else "")
        )
        cells = [change, consequence]
        listed = [(sample, mine.get(variant.key)) for sample, mine in by_sample]
        if per_sample:
            cells += [
                _genotype_html(genotype) if genotype else f'<span class="muted">{unlisted}</span>'
                for _, genotype in listed
            ]
        else:
            lines = [f"<b>{_e(sample.id)}</b> {_genotype_html(genotype)}"
                     for sample, genotype in listed if genotype is not None]
            others = len(samples) - len(lines)
            if others:
                lines.append(f'<span class="muted">{others} other sample(s): {unlisted}</span>')
            cells.append("<br>".join(lines))
        cells += [_known_cell(variant), _evidence_cell(variant)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table class="variants">{"".join(rows)}</table>'


def _diagnostics(report: Report) -> str:
    rows = []
    for item in report.inputs:
        skipped = sum(item.skipped.values())
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(item.skipped.items()))
        rows.append(
            "<tr>"
            f'<td class="mono">{_e(item.path)}</td><td>{skipped}'
            f"{' (' + _e(reasons) + ')' if reasons else ''}"
            + "".join(f'<br><span class="muted">e.g. {_e(x)}</span>'
                      for x in item.skipped_examples[:5])
            + "</td>"
            f"<td>{item.ref_mismatches}</td><td>{_e(item.coverage_note)}</td>"
            f"<td>{'<br>'.join(_e(w) for w in item.warnings) or '-'}</td></tr>"
        )
    head = ("<tr><th>Input</th><th>Skipped records</th><th>REF mismatches</th>"
            "<th>Coverage</th><th>Warnings</th></tr>")
    mismatched = [s for s in report.samples if s.sex.mismatch]
    sex = "".join(
        f"<li>{_e(s.id)}: declared {_e(s.sex.declared)} ({_e(s.sex.declared_source)}), "
        f"inferred {_e(s.sex.inferred)}; used {_e(s.sex.used)}</li>"
        for s in mismatched
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    return (
        f"<table>{head}{''.join(rows)}</table>"
        f"<p>Sex mismatches: {len(mismatched)}</p>"
        + (f"<ul>{sex}</ul>" if sex else "")
        + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else "")
    )


# -- lollipop plot -----------------------------------------------------------------------------

_PLOT_W, _LEFT, _RIGHT = 960, 40, 40
_BAR_Y, _BAR_H = 150, 18
_FEATURE_COLOURS = {"zinc_finger": "var(--zf)", "forkhead_domain": "var(--fh)",
                    "propeptide": "var(--pro)"}


def _x(residue: int, length: int) -> float:
    return round(_LEFT + (residue - 1) / max(length - 1, 1) * (_PLOT_W - _LEFT - _RIGHT), 1)


def _residue(aa_pos: str) -> int | None:
    head = aa_pos.split("/", 1)[0]
    return int(head) if head.isdigit() else None


def _context_variants() -> list[tuple[int, str, str]]:
    """(residue, p., classification) of bundled known pathogenic protein variants."""
    from ipexcli import refdata

    out = []
    for row in refdata.load().known:
        match = _RESIDUE.search(row.hgvs_p)
        if match and row.is_classification and Significance.parse(
            row.classification
        ).is_pathogenic:
            out.append((int(match.group(1)), row.hgvs_p, row.classification))
    return out


def lollipop_svg(
    sample: SampleResult,
    variants: list[VariantResult],
    features: tuple[ProteinFeature, ...],
    length: int,
    context: list[tuple[int, str, str]],
) -> str:
    """An inline SVG: protein bar, domains, faint known pathogenic context, sample lollipops."""
    by_key = {v.key: v for v in variants}
    carried = [
        by_key[g.variant_key] for g in sample.genotypes
        if g.variant_key in by_key and _carries_alt(g)
    ]
    on_protein = [(v, r) for v in carried if (r := _residue(v.aa_pos)) is not None]
    off_protein = [v for v in carried if _residue(v.aa_pos) is None]
    label = f"FOXP3 protein ({length} aa): variants carried by {sample.id}"
    out = [
        f'<svg class="lollipop" viewBox="0 24 {_PLOT_W} 226" role="img" '
        f'aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(label)}</title>",
    ]
    # faint context: known pathogenic variants of the bundled table, short stems below labels
    for residue, hgvs_p, classification in sorted(context):
        x = _x(residue, length)
        out.append(
            f'<g class="known-context" opacity="0.35"><line x1="{x}" y1="{_BAR_Y}" x2="{x}" '
            f'y2="{_BAR_Y - 22}" stroke="#9aa5b1" stroke-width="1"/>'
            f'<circle class="lollipop known" cx="{x}" cy="{_BAR_Y - 25}" r="3.5" fill="#9aa5b1">'
            f"<title>{_e(f'{hgvs_p} ({classification}, bundled table)')}</title></circle></g>"
        )
    # protein bar and domains
    x0, x1 = _x(1, length), _x(length, length)
    out.append(
        f'<rect class="protein" x="{x0}" y="{_BAR_Y}" width="{round(x1 - x0, 1)}" '
        f'height="{_BAR_H}" rx="4" fill="#e4e7eb"/>'
    )
    for index, feature in enumerate(features):
        fx0, fx1 = _x(feature.aa_start, length), _x(feature.aa_end, length)
        thin = feature.kind == "propeptide"
        y = _BAR_Y + (_BAR_H / 2 if thin else 0)
        height = _BAR_H / 2 if thin else _BAR_H
        colour = _FEATURE_COLOURS.get(feature.kind, "#616e7c")
        out.append(
            f'<rect class="domain" data-kind="{_e(feature.kind)}" x="{fx0}" y="{y}" '
            f'width="{max(round(fx1 - fx0, 1), 2)}" height="{height}" rx="3" fill="{colour}" '
            f'opacity="0.85"><title>{_e(feature.name)} {feature.aa_start}-{feature.aa_end}'
            f"</title></rect>"
        )
        label_y = _BAR_Y + _BAR_H + 16 + 14 * (index % 2)
        anchor = "end" if thin else "middle"
        label_x = fx1 if thin else round((fx0 + fx1) / 2, 1)
        out.append(
            f'<text x="{label_x}" y="{label_y}" font-size="12" text-anchor="{anchor}" '
            f'fill="{colour}">{_e(feature.name)} ({feature.aa_start}-{feature.aa_end})</text>'
        )
    # axis ticks
    ticks = [1, *range(100, length, 100), length]
    for tick in ticks:
        x = _x(tick, length)
        out.append(
            f'<text x="{x}" y="{_BAR_Y + _BAR_H + 56}" font-size="11" text-anchor="middle" '
            f'fill="#616e7c">{tick}</text>'
        )
    # the sample's variants: stems staggered when residues are close
    ordered = sorted(on_protein, key=lambda item: item[1])
    xs = [_x(residue, length) for _, residue in ordered]
    for index, (variant, _residue_number) in enumerate(ordered):
        x = xs[index]
        level = sum(1 for other in xs[:index] if abs(other - x) < 70)
        top = 110 - 30 * (level % 3)
        crowded_right = index + 1 < len(xs) and xs[index + 1] - x < 70
        exact = _exact(variant)
        classification = exact.classification if exact else ""
        colour = {"cls-path": "var(--path)", "cls-vus": "var(--vus)",
                  "cls-benign": "var(--benign)"}.get(_cls_class(classification), "#3e4c59")
        name = _bare(variant.hgvs_p)
        tip = f"{_bare(variant.hgvs_c)} {name} {classification or 'not classified'}"
        if crowded_right:  # label to the left so that it does not cross the next stem
            text_at = f'x="{x - 12}" y="{top + 4}" text-anchor="end"'
        else:
            text_at = f'x="{x}" y="{top - 13}" text-anchor="middle"'
        out.append(
            f'<g class="sample-variant"><line x1="{x}" y1="{_BAR_Y}" x2="{x}" y2="{top}" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<circle class="lollipop sample" cx="{x}" cy="{top}" r="8" fill="{colour}">'
            f"<title>{_e(tip)}</title></circle>"
            f'<text {text_at} font-size="13" font-weight="600" fill="{colour}">{_e(name)}</text>'
            "</g>"
        )
    if not on_protein:
        out.append(
            f'<text x="{_PLOT_W / 2}" y="90" font-size="13" text-anchor="middle" '
            f'fill="#616e7c">no variant of {_e(sample.id)} changes the protein</text>'
        )
    out.append("</svg>")
    legend = (
        '<p class="legend">Large dots: variants this sample carries (colour = known '
        "classification). Small grey dots: known pathogenic variants of the bundled table, "
        "for context.</p>"
    )
    if off_protein:
        items = ", ".join(
            f"{_bare(v.hgvs_c)} ({', '.join(v.consequences)})" for v in off_protein
        )
        legend += f'<p class="legend">Not on the protein: {_e(items)}</p>'
    return "\n".join(out) + "\n" + legend


# -- document ----------------------------------------------------------------------------------


def render(report: Report) -> str:
    """The whole HTML document (self-contained)."""
    from ipexcli import refdata
    from ipexcli.model import Build

    data = refdata.load()
    context = _context_variants()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ipexcli report: {_e(', '.join(i.path for i in report.inputs))}</title>",
        f"<style>{_CSS}</style></head><body>",
        _header(report),
        "<h2>Samples</h2>",
    ]
    for item in report.inputs:
        samples = [s for s in report.samples if s.input == item.path]
        # the plot needs only the protein (same in both builds); the build may be unknown
        build = Build.parse(item.build) if item.build else Build.GRCH38
        tx = data.transcript(build)
        variants = _variants_of(report, item)
        shown, quiet = split_quiet(samples, item.genotypes)
        for sample in shown:
            plot = lollipop_svg(sample, variants, tx.features, len(tx.protein), context)
            parts.append(_verdict_card(report, sample, plot))
        if quiet:
            parts.append(_quiet_list(quiet))
    for item in report.inputs:
        variants = _variants_of(report, item)
        samples = [s for s in report.samples if s.input == item.path]
        parts.append(
            f'<h2>Variants: <span class="mono">{_e(item.path)}</span> '
            f"({_e(item.build)}, NM_014009.4)</h2>"
        )
        parts.append(_variant_table(variants, samples, item.genotypes) if variants
                     else '<p class="muted">No variant in the FOXP3 locus.</p>')
    parts += [
        "<h2>Diagnostics</h2>",
        _diagnostics(report),
        f'<p class="disclaimer">{_e(report.disclaimer)}</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
