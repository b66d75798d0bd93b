"""Many VCF files through the annotate pipeline: one process pool, per-file outputs, one summary.

A batch is a list of :class:`BatchJob` (one per input file, from the command line or a
:mod:`manifest <ipexcli.manifest>`). :func:`run_batch` runs them on a pool of worker processes
(each loads the reference data once, in its initializer) in small chunks, so that a thousand tiny
files pay the Python start-up once per worker, not once per file. Each file is annotated with
:func:`ipexcli.annotate.annotate_files` and written under ``OUTDIR``:

``reports/NAME.tsv`` (``.json``, ``.vcf.gz``, ``.html``)
    the per-file reports, written atomically (:mod:`ipexcli.atomic`) but without an fsync each
    (which cost more than annotating a small file); the run ends with one ``os.sync()``;
``state/NAME.json``
    the completion marker, written last: status (ok/failed), the one-line error, the files
    written, the file's summary rows and a fingerprint of the input, the options, the PED's
    content and the reference data (:func:`batch_context`). ``--resume``
    skips a file whose marker says ok with the same fingerprint and whose reports all exist; a
    run killed mid-file leaves no marker for that file (and no partial report), so it is redone;
``summary.tsv``, ``summary.json``
    one row per sample x file (verdict, sex used, key findings) and the failed files with their
    errors. :func:`merge_states` rebuilds them from the markers alone, which is how the Snakemake
    workflow gathers its scattered jobs (``ipex batch --merge-only``).

``NAME`` is the file name without its VCF suffixes plus 8 hex digits of the SHA-1 of its absolute
path (:func:`output_name`), so ``a/s1.vcf.gz`` and ``b/s1.vcf.gz`` never collide and every run
(and the workflow) derives the same name for the same file.

Failures are isolated per file: an :class:`~ipexcli.errors.IpexError` becomes its one-line
message, anything else ``unexpected <Type>: <message>``; a worker process that dies (e.g. a
crash in a C library) is retried file by file so that only the culprit fails. The run goes on;
the caller decides the exit code from :attr:`BatchResult.failed`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipexcli.annotate import AnnotateOptions
from ipexcli.errors import IpexError, ManifestError, UsageError
from ipexcli.model import Build, Sex

if TYPE_CHECKING:
    from ipexcli.manifest import ManifestRow
    from ipexcli.result import Report, SampleResult, VariantResult

#: per-file report formats -> file suffix
FORMAT_SUFFIXES: dict[str, str] = {
    "tsv": ".tsv",
    "json": ".json",
    "vcf": ".vcf.gz",
    "html": ".html",
}
DEFAULT_FORMATS: tuple[str, ...] = ("tsv", "json")
REPORTS_DIR = "reports"
STATE_DIR = "state"
SUMMARY_TSV = "summary.tsv"
SUMMARY_JSON = "summary.json"
#: identifies the layout of summary.json and the state markers
SUMMARY_FORMAT = "ipexcli-batch-summary/1"
#: impacts whose variants count as key findings (as do variants with a known classification)
KEY_IMPACTS = frozenset({"HIGH", "MODERATE"})
#: most files per pool task: small enough for a live progress bar, big enough to amortise IPC
MAX_CHUNK = 16

_VCF_SUFFIXES = (".vcf.gz", ".vcf.bgz", ".vcf", ".bcf", ".gz", ".bgz")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Status(str, Enum):
    """What happened to one input file."""

    OK = "ok"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


#: summary.tsv columns, in order; findings are three parallel comma-separated lists
SUMMARY_COLUMNS: tuple[str, ...] = (
    "input",
    "report",
    "status",
    "sample",
    "sex_used",
    "sex_source",
    "verdict",
    "verdict_text",
    "alt_variants",
    "findings_hgvs_c",
    "findings_hgvs_p",
    "findings_classification",
    "error",
)


class BatchOutputError(IpexError):
    """An output of the batch (report, marker, summary, folder) cannot be written, or a marker
    cannot be read: names the file; stops the whole run (exit 1), since every other file would
    meet the same folder (read-only, disk full...)."""

    def __reduce__(self) -> tuple[Any, ...]:  # crosses the process pool intact (hint included)
        return (type(self), (self.message, self.hint))


def output_error(path: str | os.PathLike[str], exc: OSError, doing: str = "cannot write") -> (
    BatchOutputError
):
    """:class:`BatchOutputError` for ``path`` from an :class:`OSError` (disk full, read-only...)."""
    return BatchOutputError(
        f"{os.fspath(path)}: {doing} ({exc.strerror or exc})",
        "Check that the output folder is writable and the disk is not full, then rerun "
        "with --resume",
    )


# -- jobs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One input file of a batch, with what the manifest declares about it."""

    path: str  #: as given (manifest paths are made relative to the manifest's folder)
    name: str  #: collision-free output name, see :func:`output_name`
    build: Build | None = None  #: None: the batch-wide --build, else detected
    sexes: tuple[tuple[str, Sex], ...] = ()  #: (sample, declared sex)
    single_sample_sex: Sex | None = None  #: manifest sex without a sample: the file's only one


def output_name(path: str | os.PathLike[str]) -> str:
    """A safe, collision-free file-name stem for the outputs of ``path``.

    The base name without VCF suffixes (unsafe characters replaced by ``_``), a dash, and 8 hex
    digits of the SHA-1 of the absolute path: two ``s1.vcf.gz`` in different folders differ.

    >>> a, b = output_name("/data/run1/s1.vcf.gz"), output_name("/data/run2/s1.vcf.gz")
    >>> a.startswith("s1-") and b.startswith("s1-") and a != b and len(a) == 11
    True
    >>> output_name("/x/weird name;rm.vcf").split("-")[0]
    'weird_name_rm'
    """
    absolute = os.path.abspath(os.fspath(path))
    base = os.path.basename(absolute)
    for suffix in _VCF_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    stem = _UNSAFE.sub("_", base).strip("._") or "input"
    digest = hashlib.sha1(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{stem[:80]}-{digest}"


def _file_key(path: str) -> object:
    """Identity of a file: (device, inode) when it exists, else its real path."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def jobs_from_paths(paths: Iterable[str], notes: list[str] | None = None) -> list[BatchJob]:
    """One job per distinct file, in the order given: a file given twice (the same path, or a
    symbolic or hard link to it) is processed once, with a note in ``notes`` when the paths
    differ (#15: it used to list every sample twice)."""
    jobs: list[BatchJob] = []
    seen: dict[object, str] = {}
    for path in paths:
        if path == "-":
            raise UsageError("'-' (stdin) cannot be a batch input", "Give file paths")
        key = _file_key(path)
        if key in seen:
            if notes is not None and os.path.abspath(path) != os.path.abspath(seen[key]):
                notes.append(f"{path}: the same file as {seen[key]}, given twice; read once")
            continue
        seen[key] = path
        jobs.append(BatchJob(path, output_name(path)))
    return jobs


def jobs_from_manifest(rows: Sequence[ManifestRow]) -> list[BatchJob]:
    """Group manifest rows by file (first-appearance order): one job per file."""
    grouped: dict[str, list[ManifestRow]] = {}
    for row in rows:
        grouped.setdefault(os.path.abspath(row.path), []).append(row)
    jobs = []
    for group in grouped.values():
        first = group[0]
        build = next((r.build for r in group if r.build is not None), None)
        sexes = tuple((r.sample, r.sex) for r in group if r.sample and r.sex is not None)
        lone = first.sex if len(group) == 1 and not first.sample else None
        jobs.append(BatchJob(first.path, output_name(first.path), build, sexes, lone))
    return jobs


def chunk_of(jobs: Sequence[BatchJob], index: int, count: int) -> list[BatchJob]:
    """The ``index``-th (1-based) of ``count`` contiguous, near-equal parts of ``jobs``.

    >>> jobs = jobs_from_paths([f"f{i}.vcf" for i in range(5)])
    >>> [[j.path for j in chunk_of(jobs, i, 2)] for i in (1, 2)]
    [['f0.vcf', 'f1.vcf'], ['f2.vcf', 'f3.vcf', 'f4.vcf']]
    """
    if not 1 <= index <= count:
        raise UsageError(f"chunk {index}/{count} does not exist", "Use I/N with 1 <= I <= N")
    total = len(jobs)
    return list(jobs[(index - 1) * total // count : index * total // count])


# -- settings and outcomes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """What every file of the batch is run with."""

    outdir: str
    formats: tuple[str, ...] = DEFAULT_FORMATS
    annotate: AnnotateOptions = field(default_factory=AnnotateOptions)
    workers: int = 0  #: 0: one per CPU
    resume: bool = False
    #: :func:`batch_context`, computed once by :func:`run_batch` ("" = compute when needed)
    context: str = ""

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMAT_SUFFIXES]
        if unknown or not self.formats:
            raise UsageError(
                f"unknown report format {', '.join(unknown) or '(none)'}",
                f"Use a comma-separated list of {', '.join(FORMAT_SUFFIXES)}",
            )


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One input file's result: what was written and its summary rows, or why it failed."""

    input: str
    name: str
    status: Status
    error: str = ""  #: one line; "" when ok
    outputs: tuple[str, ...] = ()  #: report files, relative to the output folder
    rows: tuple[dict[str, Any], ...] = ()  #: one per sample (see :func:`summary_rows`)
    resumed: bool = False  #: taken from a previous run's marker (``--resume``)
    seconds: float = 0.0

    def state(self, fingerprint: str) -> dict[str, Any]:
        return {
            "format": SUMMARY_FORMAT,
            "fingerprint": fingerprint,
            "input": self.input,
            "name": self.name,
            "status": self.status.value,
            "error": self.error,
            "outputs": list(self.outputs),
            "rows": list(self.rows),
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> FileOutcome:
        return cls(
            input=data["input"],
            name=data["name"],
            status=Status(data["status"]),
            error=data.get("error", ""),
            outputs=tuple(data.get("outputs", ())),
            rows=tuple(data.get("rows", ())),
            resumed=True,
        )


@dataclass(frozen=True, slots=True)
class BatchResult:
    """All files of a batch, in input order."""

    outcomes: tuple[FileOutcome, ...]
    seconds: float = 0.0

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)

    @property
    def resumed(self) -> int:
        return sum(1 for o in self.outcomes if o.resumed)

    @property
    def processed(self) -> int:
        return sum(1 for o in self.outcomes if not o.resumed)


# -- summary rows (computed in the worker, from the report) -------------------------------------


@functools.lru_cache(maxsize=4096)  # few distinct GT strings; called per sample x variant
def _carries_alt(gt: str) -> bool:
    """True when a (split, per-ALT) GT carries allele 1: ``0/1``, ``1``, ``./1``, ``1|0``."""
    return "1" in re.split(r"[/|]", gt)


def _classification(variant: VariantResult) -> str:
    exact = next((k for k in variant.known if k.match == "exact"), None)
    return exact.classification if exact else ""


def _sex_source(sample: SampleResult) -> str:
    if sample.sex.declared_source:
        return sample.sex.declared_source
    if sample.sex.inferred in ("male", "female"):
        return "inferred"
    return ""


def _verdict_cells(sample: SampleResult) -> tuple[str, str]:
    verdicts = sample.verdicts
    if len(verdicts) == 1 and not verdicts[0].assumed_sex:
        return verdicts[0].category, verdicts[0].text
    category = ";".join(
        f"{v.assumed_sex}:{v.category}" if v.assumed_sex else v.category for v in verdicts
    )
    text = " / ".join(
        f"if {v.assumed_sex}: {v.text}" if v.assumed_sex else v.text for v in verdicts
    )
    return category, text


def summary_rows(report: Report, job: BatchJob) -> tuple[dict[str, Any], ...]:
    """One summary row per sample of the (single-file) report; one row for a sites-only file.

    ``findings`` lists the sample's genotypes that carry a variant of HIGH or MODERATE impact or
    with a classification in the known-variant table (HGVS c./p., classification, GT, label);
    ``alt_variants`` counts every variant the sample carries.
    """
    variants = {v.key: v for v in report.variants}
    rows: list[dict[str, Any]] = []
    for sample in report.samples:
        carried = 0
        findings = []
        for genotype in sample.genotypes:
            if not _carries_alt(genotype.split_gt or genotype.raw_gt):
                continue
            carried += 1
            variant = variants.get(genotype.variant_key)
            if variant is None:
                continue
            classification = _classification(variant)
            if variant.impact in KEY_IMPACTS or classification:
                findings.append({
                    "hgvs_c": variant.hgvs_c,
                    "hgvs_p": variant.hgvs_p,
                    "classification": classification,
                    "gt": genotype.raw_gt,
                    "genotype": genotype.label,
                })
        verdict, verdict_text = _verdict_cells(sample)
        rows.append({
            "input": job.path,
            "report": job.name,
            "sample": sample.id,
            "sex_used": sample.sex.used,
            "sex_source": _sex_source(sample),
            "verdict": verdict,
            "verdict_text": verdict_text,
            "alt_variants": carried,
            "findings": findings,
        })
    if not rows:
        rows.append({
            "input": job.path, "report": job.name, "sample": "", "sex_used": "",
            "sex_source": "", "verdict": "", "verdict_text": "no samples in this file",
            "alt_variants": 0, "findings": [],
        })
    return tuple(rows)


# -- one file ------------------------------------------------------------------------------------


def _file_sha256(path: str | None) -> str | None:
    if not path:
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    except OSError:
        return None  # unreadable: the run itself reports it
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """A JSON-able, order-independent form of an option value (enums, mappings, tuples)."""
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict) or hasattr(value, "items"):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def batch_context(settings: BatchSettings) -> str:
    """What every file's fingerprint shares (#15 case 6): the ipexcli version, the reference
    data (version and the sha256 of every file loaded, an installed ``refdata update`` table
    included), the sha256 of the PED file's content (not just its path), the report formats and
    every field of the annotate options (a new option is covered without editing this)."""

    from ipexcli import __version__, refdata

    options = settings.annotate
    payload = {
        "version": __version__,
        "refdata": refdata.load().fingerprint(),
        "ped_sha256": _file_sha256(options.ped),
        "formats": list(settings.formats),
        "options": {f.name: _plain(getattr(options, f.name)) for f in fields(options)},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _stat(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _fingerprint(job: BatchJob, settings: BatchSettings) -> str:
    """Changes when the input file (size, mtime, inode) or an index beside it, the file's
    manifest rows (build, declared sexes), or anything in :func:`batch_context` changes."""
    payload = {
        "context": settings.context or batch_context(settings),
        "job": [
            os.path.abspath(job.path), job.build.value if job.build else None,
            [(s, x.value) for s, x in job.sexes],
            job.single_sample_sex.value if job.single_sample_sex else None,
        ],
        "stat": [_stat(job.path), *(_stat(job.path + s) for s in (".tbi", ".csi"))],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _options_for(job: BatchJob, options: AnnotateOptions) -> AnnotateOptions:
    declared = dict(job.sexes)
    if job.single_sample_sex is not None:
        from ipexcli.vcf import open_vcf

        with open_vcf(job.path) as reader:
            samples = list(reader.samples)
        if len(samples) != 1:
            raise ManifestError(
                job.path, None,
                f"the manifest gives a sex without a sample, but the file has {len(samples)} "
                "samples", "Fill the manifest's sample column",
            )
        declared[samples[0]] = job.single_sample_sex
    return replace(options, build=job.build or options.build, manifest_sex=declared)


def _paths(settings: BatchSettings, job: BatchJob) -> tuple[Path, dict[str, Path]]:
    root = Path(settings.outdir)
    reports = {
        fmt: root / REPORTS_DIR / f"{job.name}{FORMAT_SUFFIXES[fmt]}" for fmt in settings.formats
    }
    return root / STATE_DIR / f"{job.name}.json", reports


def _remove_reports(job: BatchJob, settings: BatchSettings) -> None:
    root = Path(settings.outdir) / REPORTS_DIR
    for suffix in FORMAT_SUFFIXES.values():
        for path in (root / f"{job.name}{suffix}", root / f"{job.name}{suffix}.tbi"):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:  # a stale report must not look current
                raise output_error(path, exc, "cannot remove a stale report") from None


def process_job(job: BatchJob, settings: BatchSettings) -> FileOutcome:
    """Annotate one file, write its reports and then its marker; never raises for bad input."""
    from ipexcli.annotate import annotate_files

    started = time.perf_counter()
    state_path, reports = _paths(settings, job)
    fingerprint = _fingerprint(job, settings)
    try:
        report = annotate_files([job.path], _options_for(job, settings.annotate))
        outcome = FileOutcome(
            job.path, job.name, Status.OK,
            outputs=tuple(f"{REPORTS_DIR}/{p.name}" for p in reports.values()),
            rows=summary_rows(report, job),
        )
        _write_reports(report, job, reports, (state_path, outcome.state(fingerprint)))
        return replace(outcome, seconds=time.perf_counter() - started)
    except BatchOutputError:
        _remove_reports(job, settings)
        raise
    except IpexError as exc:
        outcome = FileOutcome(job.path, job.name, Status.FAILED, error=_one_line(str(exc)))
    except OSError as exc:  # reading the input (I/O error, vanished...): this file fails
        where = exc.filename or job.path
        message = _one_line(f"{where}: cannot read ({exc.strerror or exc})")
        outcome = FileOutcome(job.path, job.name, Status.FAILED, error=message)
    except Exception as exc:
        detail = f": {exc}" if str(exc) else ""
        message = _one_line(f"unexpected {type(exc).__name__}{detail}")
        outcome = FileOutcome(job.path, job.name, Status.FAILED, error=message)
    if outcome.status is Status.FAILED:
        _remove_reports(job, settings)
    write_marker(state_path, outcome, fingerprint)
    return replace(outcome, seconds=time.perf_counter() - started)


def _write_reports(
    report: Report, job: BatchJob, reports: dict[str, Path],
    marker: tuple[Path, dict[str, Any]],
) -> None:
    """Every report of one input and then its completion marker, made in one hidden folder
    beside the reports (#14 item 5: one temporary entry per input, where each report and the
    marker used to get a temporary file each and a ``.vcf.gz`` a folder of its own), then
    renamed into place in that order (:func:`ipexcli.atomic.publish`: each file appears whole or
    not at all, a ``.vcf.gz`` index before its data, the marker, the commit point, last). Not
    fsync'ed: the run syncs once at the end (:func:`run_batch`). The folder of a killed run is
    swept by the next (:func:`sweep_temporary_files`)."""
    from ipexcli import atomic
    from ipexcli.report import render_text

    state_path, state = marker
    first = next(iter(reports.values()), state_path)
    target = first
    try:
        with _report_folder(first.parent, job.name) as folder:
            pairs: list[tuple[Path, Path]] = []
            for fmt, target in reports.items():
                text = render_text(report, fmt)
                made = folder / f"out{FORMAT_SUFFIXES[fmt]}"
                if fmt == "vcf":  # bgzipped and indexed: the index goes first
                    from ipexcli.vcf.htslib import bgzip_indexed_in  # pysam's home module

                    bgzip_indexed_in(text, made, shown=target)
                    pairs.append((Path(f"{made}.tbi"), target.with_name(target.name + ".tbi")))
                else:
                    fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
                        handle.write(text)  # as atomic_write writes (#15: name bytes kept)
                pairs.append((made, target))
            target = state_path
            made = folder / "marker.json"
            with made.open("w", encoding="utf-8") as handle:
                json.dump(state, handle, indent=1)
                handle.write("\n")
            pairs.append((made, state_path))
            target = first
            atomic.publish(pairs, durable=False)
    except OSError as exc:
        raise output_error(target, exc) from None


@contextlib.contextmanager
def _report_folder(parent: Path, name: str) -> Iterator[Path]:
    """The temporary folder in ``parent`` for one input's files: the chunk's shared folder
    (:func:`_shared_folder`; what this input leaves in it on an error is removed), else a
    folder of its own (``.NAME.<owner>-XXXX.d``, :func:`ipexcli.atomic.temp_folder`)."""
    from ipexcli import atomic

    shared = _FOLDER[0]
    if shared is None:
        with atomic.temp_folder(parent / name, sweep=False) as folder:
            yield folder
        return
    stack, made = shared
    if made is None or made[0] != parent:
        folder = stack.enter_context(atomic.temp_folder(parent / name, sweep=False))
        made = (parent, folder)
        _FOLDER[0] = (stack, made)
    folder = made[1]
    try:
        yield folder
    except BaseException:  # this input's leftovers go (the folder is empty after a publish)
        for entry in os.scandir(folder):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
        raise


def write_marker(path: Path, outcome: FileOutcome, fingerprint: str, durable: bool = False) -> (
    None
):
    """The completion marker of one file (written last); an I/O error names it."""
    from ipexcli.atomic import atomic_write

    try:
        with atomic_write(path, durable=durable) as handle:
            json.dump(outcome.state(fingerprint), handle, indent=1)
            handle.write("\n")
    except OSError as exc:
        raise output_error(path, exc) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def resumable(job: BatchJob, settings: BatchSettings) -> FileOutcome | None:
    """The previous outcome of ``job`` when its marker says ok for the same input and options
    and all its reports exist; else None (the file must be processed)."""
    state_path, reports = _paths(settings, job)
    try:
        data = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("status") != Status.OK.value or data.get("fingerprint") != _fingerprint(
        job, settings
    ):
        return None
    for path in reports.values():  # present and not emptied by a crash before the final sync
        try:
            if path.stat().st_size == 0:
                return None
        except OSError:
            return None
    return replace(FileOutcome.from_state(data), input=job.path)


# -- the pool ------------------------------------------------------------------------------------


#: set in a worker process while it works on a file (see :func:`_init_worker`)
_IN_JOB = [False]
#: the signal that asked this worker to stop (0: none); it exits once the file has unwound
_STOPPING = [0]
#: #14: the folder shared by the inputs of a chunk (:func:`_shared_folder`): the exit stack
#: that removes it and, once made, ``(its parent, the folder)``; None outside a chunk
_FOLDER: list[tuple[contextlib.ExitStack, tuple[Path, Path] | None] | None] = [None]
#: Linux prctl(2) option: a signal for this process when its parent dies
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int, signum: int) -> None:
    """Ask the kernel to send ``signum`` to this worker when the batch process dies (#15 case
    8: orphaned workers otherwise wait for work forever, e.g. after ``kill -9`` of the parent).
    Linux only (``prctl``); elsewhere a daemon thread polls the parent once a second."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        armed = False
    if os.getppid() != parent:  # it died before the request took effect
        os.kill(os.getpid(), signum)
        return
    if not armed:  # pragma: no cover - not Linux
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os.kill(os.getpid(), signum)

        threading.Thread(target=watch, name="ipex-parent-watch", daemon=True).start()


def _init_worker(parent: int | None = None) -> None:
    """Per worker process: load the reference data and the pipeline modules once.

    SIGTERM and SIGINT (the parent stopping the pool; Ctrl-C reaches the whole process group;
    the death of the parent, see :func:`_die_with_parent`) unwind a file in progress like
    Ctrl-C, so that atomic writers remove their temporary files, and the worker then exits; an
    idle worker just exits, quietly.
    """
    import signal

    from ipexcli import refdata

    def interrupt(signum: int, frame: object) -> None:
        _STOPPING[0] = signum
        if _IN_JOB[0]:
            raise KeyboardInterrupt
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    if parent is not None:
        _die_with_parent(parent, signal.SIGTERM)
    refdata.load()
    for module in ("ipexcli.annotate", "ipexcli.report.output", "ipexcli.atomic"):
        importlib.import_module(module)


@contextlib.contextmanager
def _shared_folder() -> Iterator[contextlib.ExitStack]:
    """#14 item 5: while this is open, the inputs processed here write their reports in one
    temporary folder made on first use and removed on exit (:func:`_write_reports`), where
    each input made and removed a folder of its own (~0.8 ms of file-system work per input,
    ~15% of a small file's time)."""
    with contextlib.ExitStack() as stack:
        _FOLDER[0] = (stack, None)
        try:
            yield stack
        finally:
            _FOLDER[0] = None


def _process_chunk(chunk: list[tuple[int, BatchJob]], settings: BatchSettings) -> list[
    tuple[int, FileOutcome]
]:
    done = []
    with _shared_folder() as stack:
        for index, job in chunk:
            _IN_JOB[0] = True
            try:
                done.append((index, process_job(job, settings)))
            except KeyboardInterrupt:
                if _STOPPING[0]:  # asked to stop: the file has unwound, nothing else to do
                    stack.close()  # the shared folder goes too
                    os._exit(128 + _STOPPING[0])
                raise
            finally:
                _IN_JOB[0] = False
    return done


def _chunk_size(files: int, workers: int) -> int:
    """Files per task: about four tasks per worker, at most :data:`MAX_CHUNK`.

    >>> _chunk_size(1000, 2), _chunk_size(10, 2), _chunk_size(1, 4)
    (16, 2, 1)
    """
    return max(1, min(MAX_CHUNK, -(-files // (workers * 4))))


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _pool(workers: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the parent's imported modules (start-up in milliseconds); the pool is created
    # before any thread (the progress bar) exists
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )


def _stop_workers(pool: Any) -> None:
    """Cancel what has not started and ask running workers to stop (they unwind cleanly)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=10)


def _run_pool(
    pending: list[tuple[int, BatchJob]],
    settings: BatchSettings,
    workers: int,
    done: Callable[[int, FileOutcome], None],
    progress_factory: Callable[[], contextlib.AbstractContextManager[Any]],
) -> list[tuple[int, BatchJob]]:
    """Run ``pending`` on a pool; returns the jobs lost to a dead worker (not run)."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    size = _chunk_size(len(pending), workers)
    chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
    pool = _pool(workers)
    lost: list[tuple[int, BatchJob]] = []
    try:
        futures = {pool.submit(_process_chunk, chunk, settings): chunk for chunk in chunks}
        with progress_factory() as bar:
            for future in as_completed(futures):
                try:
                    results = future.result()
                except BrokenProcessPool:
                    lost.extend(futures[future])
                    continue
                for index, outcome in results:
                    done(index, outcome)
                bar.advance(len(results))
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return lost


def _run_isolated(job: BatchJob, settings: BatchSettings) -> FileOutcome:
    """Run one file in its own worker; a crash of that worker fails this file only."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1)
    try:
        return pool.submit(process_job, job, settings).result()
    except BrokenProcessPool:
        outcome = FileOutcome(
            job.path, job.name, Status.FAILED,
            error="unexpected crash: the worker process died while reading this file",
        )
        state_path, _ = _paths(settings, job)
        write_marker(state_path, outcome, _fingerprint(job, settings), durable=True)
        return outcome
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)


def run_batch(
    jobs: Sequence[BatchJob],
    settings: BatchSettings,
    progress: Callable[[int], contextlib.AbstractContextManager[Any]] | None = None,
) -> BatchResult:
    """Run every job; returns the outcomes in job order (summaries are not written here).

    ``progress(total)`` must return a context manager yielding an object with ``advance(n)``
    (e.g. :func:`ipexcli.report.console.batch_progress`); it is entered after the worker
    processes have started. One worker (or one file) runs in this process, without a pool.
    """
    started = time.perf_counter()
    _check_names(jobs)
    # once per run, in this process: loads (and verifies) the reference data before any worker
    # starts, so damaged data is one error, not a failure per file
    settings = replace(settings, context=settings.context or batch_context(settings))
    root = Path(settings.outdir)
    for sub in (REPORTS_DIR, STATE_DIR):
        try:
            (root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(root / sub, exc, "cannot create the output folder") from None
    outcomes: list[FileOutcome | None] = [None] * len(jobs)
    pending: list[tuple[int, BatchJob]] = []
    for index, job in enumerate(jobs):
        previous = resumable(job, settings) if settings.resume else None
        if previous is not None:
            outcomes[index] = previous
        else:
            pending.append((index, job))

    def done(index: int, outcome: FileOutcome) -> None:
        outcomes[index] = outcome

    def bar() -> contextlib.AbstractContextManager[Any]:
        return progress(len(pending)) if progress else contextlib.nullcontext(_NoProgress())

    names = {job.name for _, job in pending}
    sweep_temporary_files(settings.outdir, names)  # left by a run killed with SIGKILL
    workers = min(settings.workers or default_workers(), len(pending))
    try:
        if workers <= 1:
            with bar() as sink, _shared_folder():
                for index, job in pending:
                    done(index, process_job(job, settings))
                    sink.advance(1)
        else:
            for index, job in _run_pool(pending, settings, workers, done, bar):
                done(index, _run_isolated(job, settings))
    except BaseException:
        # an interruption landing between a temporary file's creation and its `with` block
        # leaves it behind; the workers are stopped, so this run's files can go
        sweep_temporary_files(settings.outdir, names, mine_too=True)
        raise
    if pending:
        os.sync()  # reports and markers are written without fsync each (see process_job)
    final = tuple(o for o in outcomes if o is not None)
    return BatchResult(final, time.perf_counter() - started)


def sweep_temporary_files(outdir: str, names: set[str], mine_too: bool = False) -> int:
    """Remove the stale temporary files and pair folders (see :func:`ipexcli.atomic.sweep_stale`:
    their writer is gone) of the outputs of ``names`` in ``outdir``; returns how many. Other
    jobs' files, and files a live process is writing, are left alone, so concurrent runs on
    other inputs (workflow chunks) are safe. ``mine_too``: this process's own count as gone."""
    from ipexcli.atomic import sweep_stale

    suffixes = ("", *FORMAT_SUFFIXES.values(), ".vcf.gz.tbi")  # "": an input's report folder
    reports = [f"{name}{suffix}" for name in names for suffix in suffixes]
    markers = [f"{name}.json" for name in names]
    root = Path(outdir)
    return sweep_stale(root / REPORTS_DIR, reports, mine_too) + sweep_stale(
        root / STATE_DIR, markers, mine_too
    )


def batch_outputs(jobs: Sequence[BatchJob], outdir: str, formats: Iterable[str],
                  summary: bool = True) -> list[str]:
    """Every file a batch of ``jobs`` may write under ``outdir`` (reports, their ``.tbi``,
    markers, summaries), for :func:`check_not_inputs`."""
    root = Path(outdir)
    suffixes = [FORMAT_SUFFIXES[f] for f in formats]
    if ".vcf.gz" in suffixes:
        suffixes.append(".vcf.gz.tbi")
    out = [os.fspath(root / SUMMARY_TSV), os.fspath(root / SUMMARY_JSON)] if summary else []
    for job in jobs:
        out.extend(os.fspath(root / REPORTS_DIR / f"{job.name}{s}") for s in suffixes)
        out.append(os.fspath(root / STATE_DIR / f"{job.name}.json"))
    return out


def check_not_inputs(
    jobs: Sequence[BatchJob], outputs: Sequence[str], others: Iterable[str | None]
) -> None:
    """#15: refuse (exit 2, before any work) a batch whose outputs include one of its inputs, the
    index beside an input, or the manifest/PED (``--outdir .`` with ``-m summary.tsv``...).

    Outputs that do not exist are compared by real path from their folder's real path (one
    ``realpath`` per folder, not per file: a thousand-file batch stays cheap); existing ones
    (possibly symbolic links, which the writer would follow) by real path and inode."""
    from ipexcli.clobber import check_outputs, protected_paths

    protected = protected_paths([job.path for job in jobs], others)
    folders: dict[str, str] = {}
    resolved: list[str] = []
    existing: list[str] = []
    for output in outputs:
        if os.path.lexists(output):
            existing.append(output)
            continue
        folder, name = os.path.split(output)
        if folder not in folders:
            folders[folder] = os.path.realpath(folder)
        resolved.append(os.path.join(folders[folder], name))
    label, hint = "the batch output", "Choose another --outdir; inputs are never modified"
    check_outputs(existing, protected, label, hint)
    real_inputs = {os.path.realpath(p): p for p in protected}
    for output in resolved:
        if output in real_inputs:
            check_outputs([output], [real_inputs[output]], label, hint)


class _NoProgress:
    def advance(self, steps: int = 1) -> None:
        pass


def _check_names(jobs: Sequence[BatchJob]) -> None:
    seen: dict[str, str] = {}
    for job in jobs:
        if job.name in seen:  # only possible for equal absolute paths, which jobs_* merge
            raise UsageError(f"{job.path} and {seen[job.name]} would share output {job.name}")
        seen[job.name] = job.path


# -- merge: summaries from the markers ----------------------------------------------------------


def merge_states(jobs: Sequence[BatchJob] | None, outdir: str) -> BatchResult:
    """The batch result recorded in ``outdir/state``: for ``jobs`` (in that order; a job without
    a marker counts as failed, "not processed"), or for every marker there (sorted by name)."""
    state_dir = Path(outdir) / STATE_DIR
    if jobs is None:
        if not state_dir.is_dir():
            raise UsageError(f"{state_dir} does not exist", "Run ipex batch with --outdir first")
        try:
            markers = sorted(state_dir.glob("*.json"))
        except OSError as exc:
            raise output_error(state_dir, exc, "cannot list the markers") from None
        return BatchResult(tuple(read_marker(path) for path in markers))
    result = []
    for job in jobs:
        path = state_dir / f"{job.name}.json"
        if not path.exists():
            result.append(
                FileOutcome(job.path, job.name, Status.FAILED, error="not processed (no marker)")
            )
            continue
        result.append(replace(read_marker(path, job.name), input=job.path))
    return BatchResult(tuple(result))


#: what every summary row of a marker must hold (see :func:`summary_rows`)
_ROW_KEYS = frozenset({"input", "report", "sample", "sex_used", "sex_source", "verdict",
                       "verdict_text", "alt_variants", "findings"})
_FINDING_KEYS = frozenset({"hgvs_c", "hgvs_p", "classification"})


def read_marker(path: Path, name: str | None = None) -> FileOutcome:
    """One completion marker; a marker that cannot be read or is not one (truncated, edited,
    another program's file) is a failed outcome naming it, so the merge goes on and exits 1."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != SUMMARY_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, not {SUMMARY_FORMAT}")
        outcome = FileOutcome.from_state(data)
        for row in outcome.rows:
            missing = _ROW_KEYS - set(row) if isinstance(row, dict) else _ROW_KEYS
            if missing or not all(
                isinstance(f, dict) and set(f) >= _FINDING_KEYS for f in row["findings"]
            ):
                raise ValueError(f"a summary row lacks {', '.join(sorted(missing)) or 'findings'}")
        return outcome
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        if isinstance(exc, KeyError):
            detail = f"no {exc}"
        stem = name or path.stem
        return FileOutcome(
            str(path), stem, Status.FAILED,
            error=_one_line(f"{path}: unreadable completion marker ({detail}); rerun this file "
                            "(ipex batch ... --resume) to rewrite it"),
        )


# -- summary files -------------------------------------------------------------------------------


def summary_data(result: BatchResult) -> dict[str, Any]:
    """summary.json: counts, one entry per sample x file, and the failed files."""
    from ipexcli import __version__

    samples = [row for o in result.outcomes if o.status is Status.OK for row in o.rows]
    failures = [
        {"input": o.input, "report": o.name, "error": o.error}
        for o in result.outcomes
        if o.status is Status.FAILED
    ]
    return {
        "format": SUMMARY_FORMAT,
        "ipexcli_version": __version__,
        "counts": {
            "files": len(result.outcomes),
            "ok": len(result.outcomes) - len(failures),
            "failed": len(failures),
            "samples": sum(1 for row in samples if row["sample"]),
        },
        "samples": samples,
        "failures": failures,
    }


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _joined(findings: list[dict[str, Any]], key: str) -> str:
    return ",".join(f[key] or "." for f in findings)


def summary_tsv(result: BatchResult) -> str:
    """summary.tsv: :data:`SUMMARY_COLUMNS`; a failed file is one row with status and error."""
    lines = ["\t".join(SUMMARY_COLUMNS)]
    for outcome in result.outcomes:
        if outcome.status is Status.FAILED:
            cells: list[object] = [outcome.input, outcome.name, outcome.status.value]
            cells += [""] * (len(SUMMARY_COLUMNS) - 4) + [outcome.error]
            lines.append("\t".join(_cell(c) for c in cells))
            continue
        for row in outcome.rows:
            findings = row["findings"]
            cells = [
                row["input"], row["report"], outcome.status.value, row["sample"],
                row["sex_used"], row["sex_source"], row["verdict"], row["verdict_text"],
                row["alt_variants"], _joined(findings, "hgvs_c"), _joined(findings, "hgvs_p"),
                _joined(findings, "classification"), "",
            ]
            lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


def write_summary(result: BatchResult, outdir: str) -> tuple[Path, Path]:
    """Write summary.tsv and summary.json atomically; returns their paths."""
    from ipexcli.atomic import atomic_write

    root = Path(outdir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(root, exc, "cannot create the output folder") from None
    tsv, js = root / SUMMARY_TSV, root / SUMMARY_JSON
    for path in (tsv, js):
        try:
            with atomic_write(path) as handle:
                if path is tsv:
                    handle.write(summary_tsv(result))
                else:
                    json.dump(summary_data(result), handle, indent=1)
                    handle.write("\n")
        except OSError as exc:
            raise output_error(path, exc) from None
    return tsv, js
