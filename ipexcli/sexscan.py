"""Sex inference straight from a VCF: GT classes counted per sample from the bytes, sampled first.

:func:`ipexcli.sex.infer_sexes` takes records; this module feeds the same counters from the
genotype-only scan of :mod:`ipexcli.vcf.gtscan` without record objects, then decides with the
same :func:`ipexcli.sex.decide`.

**Counting.** Each non-PAR site becomes one *row*: one byte per sample, the sample's counter slot
(hom REF, het, hom ALT, haploid REF/ALT, missing, pseudo-haploid REF/ALT, other; the slots of
:func:`ipexcli.sex._classify`). Rows are appended to a buffer; a sample's counts are the counts of
its byte in the buffer's column ``buffer[j::n]`` (a C-speed slice and ``bytes.count``), so no
Python step runs per sample per site. A row is made from the GT text through a cache keyed by
GT text and ALT count (the same GT always gives the same slot); a GT-only cohort line whose
columns are all ``a/b`` with single-character alleles is classified as two big integers (one
digit per sample), which needs no split at all. Plink-style F needs each site's expected
homozygosity (from the cohort's allele counts, the row's byte counts): a sample's sum is the
sites' total minus the sites where it has no call. Counts equal those of
:func:`~ipexcli.sex.infer_sexes` on the same records (tests/sex/test_sex_scan.py).

For cohorts of :data:`VECTOR_MIN_SAMPLES` or more, once numpy is installed and worth its import
(:data:`VECTOR_AFTER_BYTES`), a line's row is made from its bytes by lookup tables
(:mod:`ipexcli.gtvector`: ~45 µs instead of ~135 µs at 2,500 samples) and the buffered rows
are counted per sample by numpy; a line with a GT the tables do not hold takes the paths above.
Both give the same rows and the same sums, to the last bit (tests/sex/test_sex_vector.py).

**Sampled first** (:func:`infer_from_reader`). Windows spread over non-PAR chrX are read first
(through the index, by bisecting a BGZF file, or from the position index of a streamed file's
chrX spool: :meth:`ipexcli.vcf.stream.LineSpool.lines`), a batch at a time
(:data:`BATCHES`), and a sample is *settled* when every statistic that its decision depends on
is on the same side of each threshold over the whole confidence interval:

* het_fraction: the Wilson score interval at ``z`` (:data:`Z`) of het / non-reference calls;
* F (cohorts): ``F +- z * sqrt(sum e(1-e)) / (N - E)``, the normal approximation of the
  observed homozygous count under Hardy-Weinberg with independent sites;
* haploid coding: the Wilson interval of the haploid fraction, and at least
  ``min_haploid_calls`` haploid calls already seen (or an interval wholly below the fraction);
* at least ``min_informative_sites`` informative sites for each statistic used, so that none
  that is missing in the sample would appear in the whole chromosome.

Counts only grow with more sites, so a settled sample keeps every threshold comparison of the
whole scan unless the whole chromosome differs from the windows by more than ``z`` standard
errors. chrY is sampled the same way (windows over its non-PAR span; settled when the Wilson
interval of each sample's call rate is clear of both chrY thresholds over at least
``min_y_sites`` records), and read whole when its windows do not settle every sample (a file
with few or no chrY records). Samples left unsettled after the last chrX window (and every
sample of a BCF without index) get the whole-chrX scan. The evidence says which: ``scan`` is
``"sampled (N sites)"`` (N: chrX sites counted) or ``"whole chrX"``.

Windows: the bundled data hold no coordinates for the X-transposed region or the ampliconic
regions of chrX, so none are excluded by coordinate. Instead the windows are many
(:data:`N_WINDOWS`) and spread evenly over the whole non-PAR span, so that no single region makes
up more than a small share of the sites, and any sample they do not settle is scanned whole (the
conservative rule).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from ipexcli.genotypes import SampleCalls, SampleColumns, invalid_call, parse_gt
from ipexcli.model import Call
from ipexcli.sex import (
    _ALLELES,
    _HAP_ALT,
    _HAP_REF,
    _HET,
    _HOM_ALT,
    _HOM_REF,
    _MISSING,
    _OTHER,
    _PART_ALT,
    _PART_REF,
    DEFAULT_THRESHOLDS,
    SexInference,
    SexThresholds,
    _classify,
    _freeze,
    _Tally,
    decide,
)

if TYPE_CHECKING:
    from ipexcli.gtvector import RowMaker
    from ipexcli.vcf.gtscan import Site
    from ipexcli.vcf.reader import VcfReader

#: z of every confidence interval of the stopping rule (one-sided tail ~3e-5)
Z = 4.0
#: windows over non-PAR chrX, and their width in bases
N_WINDOWS = 128
WINDOW_BASES = 200_000
#: windows read between two checks of the stopping rule: few first (a clear sample settles on a
#: few hundred sites), then doubling, so that an unclear one soon reads many
BATCHES = (4, 4, 8, 16, 32, 64)
#: rows buffered before the per-sample counts are taken (bytes)
_FLUSH_BYTES = 1 << 23

_NO_CALL = (_MISSING, _OTHER)  #: slots that add nothing to F
_ALLELE_CODE = bytes.maketrans(b"01.", b"\x00\x01\x02")
_CODE_SLOT = bytes(
    _classify(Call((a, b))) for a in (0, 1, None) for b in (0, 1, None)
)  #: slot of the code 3 * a + b (a, b: 0 = REF, 1 = ALT, 2 = missing)
_NOT_ALLELE = bytes(range(3, 256))
#: a column start (the TAB before it) whose GT is not exactly ``0``, ``0/0`` or ``0|0``; the text
#: searched is TAB + sample columns + ``:`` (as :data:`ipexcli.genotypes._NOT_PLAIN_REF`)
_NOT_PLAIN_REF = re.compile(rb"\t(?!0[:\t]|0[/|]0[:\t])")
#: every byte but TAB and the ``/ | :`` separators: deleted, the sample text becomes its ploidy
#: pattern (:meth:`ipexcli.genotypes.SampleColumns.ploidy_pattern`)
_NOT_PLOIDY = bytes(b for b in range(256) if b not in b"\t/|:")
_SPARSE_MIN_SAMPLES = 16  #: fewer samples: the split is as cheap
#: from this many samples on, rows are made with numpy (:mod:`ipexcli.gtvector`, when it is
#: installed). Measured per line (GT:AD:DP columns, mostly plain REF): pure Python 23 / 55 /
#: 134 µs at 400 / 1,000 / 2,500 samples, numpy 21 / 29 / 47 µs; lines with many columns that
#: are not plain REF (a female's ``.`` on chrY) ~500 µs in pure Python at 2,500 samples
VECTOR_MIN_SAMPLES = 500
#: numpy's import costs ~0.06 s: it is loaded once a tally's pure Python rows have read this
#: much sample text (~30 lines of 2,500 samples, 4-15 ms of work), so a file with fewer such
#: lines never pays it; once loaded, every later tally uses it from its first row
VECTOR_AFTER_BYTES = 1 << 20
_SPARSE_FRACTION = 0.125  #: more columns than this share not plain REF: the split is cheaper
_PLAIN_CACHE = 64  #: ploidy patterns kept (a cohort has a handful)
_DENSE = object()  #: :meth:`GtTally._row_sparse`: use the split
_TALLY_FIELDS = tuple(f.name for f in fields(_Tally))


class GtTally:
    """Per-sample GT class counts over chrX/chrY rows (see the module)."""

    def __init__(
        self, n_samples: int, use_f: bool, on_malformed: Callable[[str], None] | None = None
    ) -> None:
        self.n = n_samples
        self.use_f = use_f
        self.on_malformed = on_malformed
        self.x_sites = 0
        self.y_sites = 0
        self._x = bytearray()
        self._y = bytearray()
        self._f = bytearray()
        self._f_e: list[float] = []
        self._f_v: list[float] = []
        self._gt_slots: dict[tuple[int, int], dict[str, int]] = {}
        self._fast: dict[bytes, int] = {}
        self._plain: dict[bytes, bytes] = {}  #: ploidy pattern -> its plain-REF row
        self._vector: RowMaker | None = None
        #: sample text still to read in pure Python before numpy is loaded; -1: never (few
        #: samples, or loaded)
        self._vector_in = -1
        if n_samples >= VECTOR_MIN_SAMPLES:
            from ipexcli import gtvector

            self._vector_in = 0 if gtvector.imported() else VECTOR_AFTER_BYTES
        self.slot_counts = [[0] * 9 for _ in range(n_samples)]
        self.f_n = [0] * n_samples
        self.f_obs = [0] * n_samples
        self.f_exp = [0.0] * n_samples
        self.f_var = [0.0] * n_samples
        self.y_called = [0] * n_samples

    # -- rows ------------------------------------------------------------------------------------

    def add_sites(self, sites: Iterable[Site]) -> None:
        for chrom, fmt, samples, record in sites:
            if record is None:
                row = self._row_fast(fmt, samples)
                if row is None:
                    continue
            elif isinstance(record, SampleColumns):
                row = self._row_columns(record, samples)
                if row is None:
                    continue
            else:
                row = self._row_record(record)
            self._add(chrom, row)

    def _add(self, chrom: str, row: bytes) -> None:
        if chrom == "Y":
            self.y_sites += 1
            self._y += row
        else:
            self.x_sites += 1
            self._x += row
            if self.use_f:
                self._add_f(row)
        if len(self._x) + len(self._f) + len(self._y) > _FLUSH_BYTES:
            self.flush()

    def _add_f(self, row: bytes) -> None:
        alt = total = 0
        if self._vector is not None:
            counts = gtvector_slot_counts(row)
            for slot, (alts, alleles) in _ALLELES.items():
                alt += alts * counts[slot]
                total += alleles * counts[slot]
        else:
            for slot, (alts, alleles) in _ALLELES.items():
                count = row.count(slot)
                alt += alts * count
                total += alleles * count
        if total == 0 or alt == 0 or alt == total:
            return
        p = alt / total
        e = 1.0 - 2.0 * p * (1.0 - p)
        self._f += row
        self._f_e.append(e)
        self._f_v.append(e * (1.0 - e))

    @property
    def tab_counter(self) -> Callable[[bytes], int] | None:
        """:meth:`count_tabs` when this tally may make its rows with numpy, else None (the
        scan's own count: no call per line)."""
        return self.count_tabs if self._vector is not None or self._vector_in >= 0 else None

    def count_tabs(self, samples: bytes) -> int:
        """The TABs of a line's sample text (:func:`ipexcli.vcf.gtscan.scan` checks that there
        is one column per sample): with numpy, found once for the column count and the row."""
        vector = self._vector
        return samples.count(b"\t") if vector is None else vector.count_tabs(samples)

    def _row_fast(self, fmt: bytes, samples: bytes) -> bytes | None:
        """The row of a fast-path SNV line (one ALT); None when a GT is malformed (the line is
        then skipped as the reader skips it: ``on_malformed``)."""
        n = self.n
        if fmt == b"GT" and n >= 8 and len(samples) == 4 * n - 1:
            row = _uniform_row(samples, n)
            if row is not None:
                return row
        vector = self._vector
        if vector is None and self._vector_in >= 0:
            if self._vector_in == 0:
                from ipexcli import gtvector

                self._vector_in = -1
                vector = self._vector = gtvector.load(self._simple_slot)
            else:
                self._vector_in = max(0, self._vector_in - len(samples))
        if vector is not None:
            row = vector.row(samples, n)
            if row is not None:
                return row
        if n >= _SPARSE_MIN_SAMPLES:
            sparse = self._row_sparse(samples)
            if sparse is not _DENSE:
                return sparse  # type: ignore[return-value]
        columns = samples.split(b"\t")
        gts = columns if fmt == b"GT" else [c.partition(b":")[0] for c in columns]
        cache = self._fast
        try:
            return bytes(map(cache.__getitem__, gts))
        except KeyError:
            pass
        slots = self._slots(1, 1)
        for gt in gts:
            if gt not in cache:
                text = gt.decode("utf-8", "replace")
                try:
                    cache[gt] = slots[text] if text in slots else self._slot(text, 1, 1)
                except ValueError as exc:
                    if self.on_malformed is not None:
                        self.on_malformed(str(exc))
                    return None
        return bytes(map(cache.__getitem__, gts))

    def _row_sparse(self, samples: bytes) -> bytes | object | None:
        """The row of a line whose columns are mostly plain REF (``0``, ``0/0``, ``0|0``): the
        plain-REF row of the line's ploidy pattern (cached), patched at the columns a regular
        expression finds not plain REF (the only ones decoded); :data:`_DENSE` when more than
        :data:`_SPARSE_FRACTION` of the columns are not plain REF (the split is then cheaper).
        A column the expression passes starts with ``0:``/``0/0:``/``0|0:`` (or ends there),
        so its GT is exactly ``0``, ``0/0`` or ``0|0``, which its ploidy pattern tells apart."""
        text = b"\t" + samples + b":"
        limit = int(self.n * _SPARSE_FRACTION)
        found = []
        for match in _NOT_PLAIN_REF.finditer(text):
            found.append(match.start())
            if len(found) > limit:
                return _DENSE
        pattern = samples.translate(None, _NOT_PLOIDY)
        base = self._plain.get(pattern)
        if base is None:
            base = self._plain_row(pattern)
            if base is None:
                return _DENSE
        if not found:
            return base
        row = bytearray(base)
        cache = self._fast
        last = len(text) - 1  # the ':' sentinel is not part of the last column
        index = counted = 0
        for start in found:
            index += text.count(b"\t", counted, start)
            counted = start
            end = text.find(b"\t", start + 1)
            gt = text[start + 1 : end if end >= 0 else last].partition(b":")[0]
            slot = cache.get(gt)
            if slot is None:
                slot = self._fast_slot(gt)
                if slot is None:
                    return None
            row[index] = slot
        return bytes(row)

    def _row_columns(self, columns: SampleColumns, samples: bytes) -> bytes | None:
        """:meth:`_row_sparse` for a fast-path line whose columns the locus read already
        searched (#14 item 3): the same plain-REF row, patched at ``columns.notable()``."""
        pattern = samples.translate(None, _NOT_PLOIDY)
        base = self._plain.get(pattern)
        if base is None:
            base = self._plain_row(pattern)
            if base is None:
                return self._row_fast(b"", samples)  # pragma: no cover - counted columns
        notable = columns.notable()
        if not notable:
            return base
        row = bytearray(base)
        slots = self._slots(1, 1)
        for index, text in notable:
            gt = text.partition(":")[0]
            slot = slots.get(gt)
            if slot is None:
                slot = self._fast_slot(gt.encode())
                if slot is None:
                    return None
            row[index] = slot
        return bytes(row)

    def _plain_row(self, pattern: bytes) -> bytes | None:
        """The row of a line whose every column is plain REF, from its ploidy pattern (each
        column's GT part is ``""``, ``"/"`` or ``"|"``: GT ``0``, ``0/0``, ``0|0``); None when
        the pattern does not have one column per sample."""
        columns = pattern.split(b"\t")
        if len(columns) != self.n:
            return None
        slots = {}
        for sep, gt in ((b"", b"0"), (b"/", b"0/0"), (b"|", b"0|0")):
            slot = self._fast_slot(gt)
            assert slot is not None  # plain REF GTs are never malformed
            slots[sep] = slot
        # a column of another shape is always found by the expression: any value serves
        row = bytes(slots.get(c.partition(b":")[0], _OTHER) for c in columns)
        if len(self._plain) >= _PLAIN_CACHE:
            self._plain.clear()
        self._plain[pattern] = row
        return row

    def _fast_slot(self, gt: bytes) -> int | None:
        """The slot of a single-ALT GT (bytes), cached; None (``on_malformed`` told) when the
        GT cannot be read."""
        text = gt.decode("utf-8", "replace")
        slots = self._slots(1, 1)
        try:
            slot = self._fast[gt] = slots[text] if text in slots else self._slot(text, 1, 1)
        except ValueError as exc:
            if self.on_malformed is not None:
                self.on_malformed(str(exc))
            return None
        return slot

    def _simple_slot(self, gt: bytes) -> int:
        """The slot of a simple single-ALT GT (``0``, ``1``, ``.``, ``a/b``, ``a|b``): never
        malformed."""
        slot = self._fast_slot(gt)
        assert slot is not None, gt
        return slot

    def _slots(self, alt_index: int, n_alts: int) -> dict[str, int]:
        return self._gt_slots.setdefault((alt_index, n_alts), {})

    def _slot(self, gt: str, alt_index: int, n_alts: int) -> int:
        """The counter slot of one GT text (a malformed GT is a no call)."""
        try:
            alleles, phased, other = parse_gt(gt, alt_index, n_alts) if gt else ((), False, False)
            call = Call(alleles, phased, gt, None, None, None, other)
        except ValueError as exc:  # #15: a bad GT costs this sample's call (a no call), as the
            call = invalid_call(gt, str(exc))  # reader's record path counts it, not the record
        slot = _classify(call)
        self._slots(alt_index, n_alts)[gt] = slot
        return slot

    def _row_record(self, record: object) -> bytes:
        """The row of one record of the exact path (every GT already validated)."""
        from ipexcli.model import VariantRecord

        assert isinstance(record, VariantRecord)
        calls = record.calls
        if len(calls) != self.n:
            raise ValueError(
                f"{record.source}: record at {record.chrom}:{record.pos} has {len(calls)} calls "
                f"for {self.n} samples"
            )
        if isinstance(calls, SampleCalls) and calls.columns.gt_first:
            slots = self._slots(record.alt_index, record.n_alts)
            out = bytearray()
            for column in calls.columns.all_columns():
                gt = column.partition(":")[0]
                slot = slots.get(gt)
                if slot is None:
                    slot = self._slot(gt, record.alt_index, record.n_alts)
                out.append(slot)
            return bytes(out)
        return bytes(_classify(call) for call in calls)

    # -- counts ----------------------------------------------------------------------------------

    def flush(self) -> None:
        """Move the buffered rows into the per-sample counts."""
        n = self.n
        x, f, y = bytes(self._x), bytes(self._f), bytes(self._y)
        present = [slot for slot in range(9) if slot in x]
        f_e, f_v = self._f_e, self._f_v
        e_total, v_total, f_rows = math.fsum(f_e), math.fsum(f_v), len(f_e)
        if self._vector is not None:
            self._flush_columns(x, f, y, present, e_total, v_total)
            return
        for j in range(n):
            counts = self.slot_counts[j]
            column = x[j::n]
            for slot in present:
                counts[slot] += column.count(slot)
            if f_rows:
                fcol = f[j::n]
                no_call = [i for i, s in enumerate(fcol) if s in _NO_CALL] if (
                    fcol.count(_MISSING) or fcol.count(_OTHER)
                ) else []
                used = f_rows - len(no_call)
                self.f_n[j] += used
                self.f_obs[j] += used - fcol.count(_HET)
                self.f_exp[j] += e_total - math.fsum(f_e[i] for i in no_call)
                self.f_var[j] += v_total - math.fsum(f_v[i] for i in no_call)
            if y:
                self.y_called[j] += len(y) // n - y[j::n].count(_MISSING)
        self._x.clear()
        self._f.clear()
        self._y.clear()
        self._f_e = []
        self._f_v = []

    def _flush_columns(
        self, x: bytes, f: bytes, y: bytes, present: list[int], e_total: float, v_total: float
    ) -> None:
        """:meth:`flush` with each sample's column counted by numpy (:mod:`ipexcli.gtvector`):
        the same integers, and F's sums made of the same terms in the same way (``math.fsum``
        over the same rows), so the figures are equal to the last bit."""
        from ipexcli.gtvector import columns

        n = self.n
        if x:
            rows = columns(x, n)
            for slot in present:
                for counts, k in zip(self.slot_counts, rows.count(slot), strict=True):
                    counts[slot] += k
        f_e, f_v = self._f_e, self._f_v
        f_rows = len(f_e)
        if f_rows:
            rows = columns(f, n)
            used = [f_rows] * n
            e_add = [e_total] * n  # e_total - math.fsum(()) is e_total, to the bit
            v_add = [v_total] * n
            for j, skipped in rows.where(_NO_CALL).items():
                used[j] -= len(skipped)
                e_add[j] = e_total - math.fsum(f_e[i] for i in skipped)
                v_add[j] = v_total - math.fsum(f_v[i] for i in skipped)
            het = rows.count(_HET)
            self.f_n[:] = [a + b for a, b in zip(self.f_n, used, strict=True)]
            self.f_obs[:] = [a + b - h for a, b, h in zip(self.f_obs, used, het, strict=True)]
            self.f_exp[:] = [a + b for a, b in zip(self.f_exp, e_add, strict=True)]
            self.f_var[:] = [a + b for a, b in zip(self.f_var, v_add, strict=True)]
        if y:
            y_rows = len(y) // n
            missing = columns(y, n).count(_MISSING)
            self.y_called[:] = [a + y_rows - m for a, m in zip(self.y_called, missing, strict=True)]
        self._x.clear()
        self._f.clear()
        self._y.clear()
        self._f_e = []
        self._f_v = []

    def tallies(self) -> list[_Tally]:
        self.flush()
        out = []
        for j, c in enumerate(self.slot_counts):
            out.append(
                _Tally(
                    hom_ref=c[_HOM_REF],
                    het=c[_HET],
                    hom_alt=c[_HOM_ALT],
                    hap_ref=c[_HAP_REF] + c[_PART_REF],
                    hap_alt=c[_HAP_ALT] + c[_PART_ALT],
                    missing=c[_MISSING],
                    partial=c[_PART_REF] + c[_PART_ALT],
                    other_ploidy=c[_OTHER],
                    f_n=self.f_n[j],
                    f_obs_hom=self.f_obs[j],
                    f_exp_hom=self.f_exp[j],
                    y_called=self.y_called[j],
                )
            )
        return out

    def infer(
        self, samples: Sequence[str], thresholds: SexThresholds, scan: str
    ) -> dict[str, SexInference]:
        """The decision for every sample, its evidence labelled with ``scan``."""
        out = {}
        for sample, tally in zip(samples, self.tallies(), strict=True):
            evidence = _freeze(tally, self.y_sites, self.use_f, thresholds, scan)
            out[sample] = decide(sample, evidence, thresholds)
        return out


def gtvector_slot_counts(row: bytes) -> list[int]:
    """:func:`ipexcli.gtvector.slot_counts` (numpy loaded)."""
    from ipexcli.gtvector import slot_counts

    return slot_counts(row)


def _uniform_row(samples: bytes, n: int) -> bytes | None:
    """The row of a GT-only line whose every column is ``a/b`` or ``a|b`` with ``a``, ``b`` in
    ``0 1 .``, or None: the alleles are read as two base-256 integers, one digit per sample, and
    ``3a + b`` (never above 8, so no digit carries) names the slot."""
    text = samples + b"\t"
    if text[1::4].translate(None, b"/|") or text[3::4].translate(None, b"\t"):
        return None
    first = text[0::4].translate(_ALLELE_CODE)
    second = text[2::4].translate(_ALLELE_CODE)
    if first.translate(None, b"\x00\x01\x02") or second.translate(None, b"\x00\x01\x02"):
        return None
    code = int.from_bytes(first, "big") * 3 + int.from_bytes(second, "big")
    return code.to_bytes(n, "big").translate(_TABLE)


_TABLE = _CODE_SLOT + bytes(256 - len(_CODE_SLOT))


def full_scan(
    reader: VcfReader,
    thresholds: SexThresholds = DEFAULT_THRESHOLDS,
    y_tally: GtTally | None = None,
) -> dict[str, SexInference]:
    """Infer every sample's sex from the whole non-PAR chrX and chrY of ``reader`` (chrY's
    counts taken from ``y_tally`` when it already holds the whole chrY)."""
    from ipexcli.vcf import gtscan

    tally = _new_tally(reader, thresholds)
    tally.add_sites(gtscan.scan(reader, "X", count_tabs=tally.tab_counter))
    if y_tally is None:
        tally.add_sites(gtscan.scan(reader, "Y", count_tabs=tally.tab_counter))
    else:
        y_tally.flush()
        tally.y_sites, tally.y_called = y_tally.y_sites, y_tally.y_called
    return tally.infer(reader.samples, thresholds, "whole chrX")


def _new_tally(reader: VcfReader, thresholds: SexThresholds) -> GtTally:
    from ipexcli.vcf.stats import SkipReason

    def malformed(detail: str) -> None:
        reader.count_chrom_skip(SkipReason.MALFORMED_GENOTYPE, reader.path, None, detail)

    n = len(reader.samples)
    return GtTally(n, n >= thresholds.min_samples_for_f, malformed)


def infer_from_reader(
    reader: VcfReader, thresholds: SexThresholds = DEFAULT_THRESHOLDS
) -> dict[str, SexInference]:
    """Every sample's sex from ``reader``: sampled windows first when the file is indexed, the
    whole chrX for samples they do not settle (see the module); the whole chrX from the records
    already read when the FOXP3 windows' read holds every chrX record (#14 item 3)."""
    from ipexcli.vcf import gtscan

    region = gtscan.region_sites(reader)
    if region is not None:
        tally = _new_tally(reader, thresholds)
        tally.add_sites(region)
        tally.add_sites(gtscan.scan(reader, "Y", count_tabs=tally.tab_counter))
        return tally.infer(reader.samples, thresholds, "whole chrX")
    x_windows = sample_windows(reader, "X")
    if not x_windows:
        return full_scan(reader, thresholds)
    y_tally = _sampled(reader, "Y", sample_windows(reader, "Y"), thresholds)
    y_whole = y_tally is None
    if y_tally is None:  # chrY not settled by its windows (or absent): read it whole
        y_tally = _new_tally(reader, thresholds)
        _add_chrom(reader, y_tally, "Y", None)
    x_tally = _sampled(reader, "X", x_windows, thresholds, partial=True)
    assert x_tally is not None
    samples = reader.samples
    y_tally.flush()
    x_tally.y_sites = y_tally.y_sites
    x_tally.y_called = y_tally.y_called
    result = x_tally.infer(samples, thresholds, f"sampled ({x_tally.x_sites} sites)")
    unsettled = [j for j, ok in enumerate(_settled_x(x_tally, thresholds)) if not ok]
    if unsettled:  # chrY already read whole is not read again
        whole = full_scan(reader, thresholds, y_tally if y_whole else None)
        for j in unsettled:
            result[samples[j]] = whole[samples[j]]
    return result


def _add_chrom(
    reader: VcfReader, tally: GtTally, chrom: str, windows: Sequence[tuple[int, int]] | None
) -> None:
    from ipexcli.vcf import gtscan

    tally.add_sites(gtscan.scan(reader, chrom, windows, tally.tab_counter))


def _sampled(
    reader: VcfReader,
    chrom: str,
    windows: Sequence[tuple[int, int]],
    thresholds: SexThresholds,
    partial: bool = False,
) -> GtTally | None:
    """``chrom``'s windows read in :data:`BATCHES` until every sample is settled; the
    tally, or None when some sample is not settled after the last window (with ``partial``,
    the tally all the same)."""
    tally = _new_tally(reader, thresholds)
    settled_all = False
    first = 0
    for size in BATCHES:
        if first >= len(windows):
            break
        _add_chrom(reader, tally, chrom, windows[first : first + size])
        first += size
        flags = _settled_x(tally, thresholds) if chrom == "X" else _settled_y(tally, thresholds)
        if all(flags):
            settled_all = True
            break
        if first < len(windows) and (
            _hopeless(tally, flags, len(windows) / first, thresholds) if chrom == "X"
            else tally.y_sites * len(windows) / first < thresholds.min_y_sites
        ):
            break  # the whole scan will be needed anyway: more windows would be wasted
    return tally if settled_all or partial else None


def _hopeless(
    tally: GtTally, flags: Sequence[bool], scale: float, th: SexThresholds
) -> bool:
    """True when at least half of the samples (one of a single sample) would stay unsettled
    even after every window: their counts so far, multiplied by ``scale`` (windows in all /
    windows read), still fail the stopping rule. Those samples will get the whole-chrX scan,
    so reading the other windows would mostly be wasted (#14: on a cohort of rare variants the
    windows settled 5 of 2,500 samples after reading all 128, then the whole chrX was read).
    Only the time spent depends on this guess: a sample not settled is always scanned whole,
    and one settled keeps its sampled evidence (:func:`infer_from_reader`)."""
    tallies = tally.tallies()
    needed = max(1, tally.n // 2)
    hopeless = 0
    for j, ok in enumerate(flags):
        if ok:
            continue
        t = tallies[j]
        projected = _Tally(
            *(getattr(t, name) * scale for name in _TALLY_FIELDS)  # type: ignore[arg-type]
        )
        if not settled(projected, tally.f_var[j] * scale, tally.use_f, th):
            hopeless += 1
            if hopeless >= needed:
                return True
    return False


def _settled_x(tally: GtTally, thresholds: SexThresholds) -> list[bool]:
    return [
        settled(t, tally.f_var[j], tally.use_f, thresholds)
        for j, t in enumerate(tally.tallies())
    ]


def _settled_y(tally: GtTally, th: SexThresholds) -> list[bool]:
    """chrY call rate clear of both of its thresholds, over at least ``min_y_sites`` sites."""
    tally.flush()
    sites = tally.y_sites
    if sites < th.min_y_sites:
        return [False] * tally.n
    cuts = (th.y_call_rate_absent_max, th.y_call_rate_min)
    return [_clear(*_wilson(called, sites), cuts) for called in tally.y_called]


def sample_windows(reader: VcfReader, chrom: str = "X") -> list[tuple[int, int]]:
    """The windows of the sampled scan of ``chrom`` (0-based half-open), in reading order; none
    for a BCF without index (htslib would read the file once per window) or without a known
    build (decided, given or from the header). :data:`N_WINDOWS` windows of
    :data:`WINDOW_BASES` are centred on equal divisions of the longest non-PAR span and read in
    bit-reversed order, so that every batch is spread over the whole span."""
    canonical, build, _ = reader.chrom_context(chrom)
    if build is None or (reader.file_format == "bcf" and reader.stats.region_method != "index"):
        return []
    spans = reader.assembly(build).non_par(canonical)
    if not spans:
        return []
    span = max(spans, key=lambda s: s.end - s.start)
    step = (span.end - span.start) / N_WINDOWS
    half = WINDOW_BASES // 2
    bits = max(1, (N_WINDOWS - 1).bit_length())
    order = sorted(range(N_WINDOWS), key=lambda i: int(f"{i:0{bits}b}"[::-1], 2))
    windows = []
    for i in order:
        centre = int(span.start + (i + 0.5) * step)
        windows.append((max(span.start, centre - half), min(span.end, centre + half)))
    return windows


def _wilson(k: int, m: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion k / m."""
    p = k / m
    z2 = z * z
    centre = (p + z2 / (2 * m)) / (1 + z2 / m)
    half = z * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m)) / (1 + z2 / m)
    return centre - half, centre + half


def _clear(low: float, high: float, cuts: Iterable[float]) -> bool:
    """True when ``[low, high]`` lies strictly on one side of every cut."""
    return all(high < cut or low > cut for cut in cuts)


def settled(t: _Tally, f_var: float, use_f: bool, th: SexThresholds) -> bool:
    """True when the whole-chrX decision cannot differ from this one within the confidence
    intervals of the module's stopping rule."""
    nonref = t.het + t.hom_alt + t.hap_alt
    if nonref < th.min_informative_sites:
        return False
    if not _clear(*_wilson(t.het, nonref), (th.het_fraction_male_max, th.het_fraction_female_min)):
        return False
    if use_f:
        denominator = t.f_n - t.f_exp_hom
        if t.f_n < th.min_informative_sites or denominator <= 0:
            return False
        f = (t.f_obs_hom - t.f_exp_hom) / denominator
        margin = Z * math.sqrt(f_var) / denominator
        if not _clear(f - margin, f + margin, (th.f_female_max, th.f_male_min)):
            return False
    haploid = t.hap_ref + t.hap_alt
    called = t.hom_ref + t.het + t.hom_alt + haploid
    low, high = _wilson(haploid, called)
    if not _clear(low, high, (th.haploid_fraction_min,)):
        return False
    return high < th.haploid_fraction_min or haploid >= th.min_haploid_calls
