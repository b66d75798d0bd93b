"""``ipex refdata update``: refresh the known-variant table from a ClinVar release VCF.

The only module that imports :mod:`requests`, and the only code in ipexcli that touches the
network; it runs only when the user asks for an update. A request carries nothing but the URL
(no sample data, no credentials: ``~/.netrc`` is deliberately not consulted).

Steps, each of which either succeeds or raises :class:`~ipexcli.errors.UpdateError` with the
active data left untouched:

1. **Download** the GRCh38 and GRCh37 ClinVar VCFs (``https://``, ``http://`` or ``file://``)
   into a staging directory beside the install: explicit connect/read timeouts, up to
   :attr:`DownloadPolicy.tries` attempts with exponential backoff on 5xx, connection errors,
   timeouts and bodies cut short, HTTPS certificates verified, size checked against
   ``Content-Length`` and :attr:`DownloadPolicy.max_bytes`, sha256 always computed and the
   ``.md5`` ClinVar publishes beside each file verified when it exists (404 = not published).
2. **Scan** each VCF (gzip, whose CRC catches corruption, or plain text): keep records with
   ``GENEINFO`` naming FOXP3 (``FOXP3:50943``) or lying in the bundled locus, and validate them:
   REF must equal the bundled sequence, ``CLNHGVS`` must describe the same change as the g.
   derived here (hook: :data:`GenomicHgvsFormatter`), a germline ``CLNSIG`` must be present.
   Rejected records are counted by :class:`RejectReason`.
3. **Join** the builds by ClinVar Variation ID (VCF ``ID``), so both coordinates come from
   ClinVar; a variation rejected in either build is rejected.
4. **Merge** with the bundled table (policy in :data:`MERGE_POLICY`) and write
   ``known_variants.tsv`` (the bundled column layout) and ``MANIFEST.json``.
5. **Install** the directory atomically (:mod:`ipexcli.atomic`): the previous install stays in
   place until the new one is complete.

Positions: ``pos`` is 1-based (VCF), ``start``/``end`` 0-based half-open.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ipexcli import atomic
from ipexcli.errors import OutOfLocusError, UpdateError
from ipexcli.model import Build, GenomicVariant

if TYPE_CHECKING:
    from ipexcli.refdata import Locus, RefData

#: where NCBI publishes the current ClinVar release VCFs (an ``.md5`` sits beside each)
DEFAULT_URLS: Mapping[Build, str] = MappingProxyType(
    {
        Build.GRCH38: "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz",
        Build.GRCH37: "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh37/clinvar.vcf.gz",
    }
)

#: NCBI Gene symbol:ID of FOXP3 as ClinVar writes it in INFO/GENEINFO
FOXP3_GENEINFO = "FOXP3:50943"

#: files an install directory may contain; anything else means it is not ours to replace
INSTALLED_FILES = frozenset({"known_variants.tsv", "MANIFEST.json"})

MANIFEST_FORMAT = "ipexcli-known-variants-update/1"

MERGE_POLICY = (
    "The installed table is the bundled table updated from the ClinVar release, never a "
    "replacement of it: a bundled row that ClinVar covers (same Variation ID, else the same "
    "GRCh38 or GRCh37 allele) takes ClinVar's classification, review status, stars, condition "
    "and coordinates, and keeps its literature fields (the former classification is kept in "
    "its note); FOXP3 variations not in the bundled table are added as rows CV<Variation ID>; "
    "bundled rows ClinVar does not cover stay exactly as bundled."
)

#: ClinVar review status (ClinVar vocabulary, lower case) -> review stars
REVIEW_STARS: Mapping[str, int] = MappingProxyType(
    {
        "practice guideline": 4,
        "reviewed by expert panel": 3,
        "criteria provided, multiple submitters, no conflicts": 2,
        "criteria provided, conflicting classifications": 1,
        "criteria provided, conflicting interpretations": 1,
        "criteria provided, single submitter": 1,
        "no assertion criteria provided": 0,
        "no classification provided": 0,
        "no assertion provided": 0,
        "no assertion for the individual variant": 0,
        "no classification for the single variant": 0,
        "no classification for the individual variant": 0,
    }
)


# -- download ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DownloadPolicy:
    """How hard to try: timeouts in seconds, attempts, backoff base (doubling) and size cap."""

    connect_timeout: float = 30.0
    read_timeout: float = 60.0
    tries: int = 3
    backoff: float = 1.0
    max_bytes: int = 4 << 30


@dataclass(frozen=True, slots=True)
class Download:
    """One downloaded file and what was checked about it."""

    url: str
    path: Path
    size: int
    sha256: str
    md5: str
    #: "verified" (matched the published .md5) or "not published" (no .md5 beside the file)
    md5_status: str


class _Retryable(Exception):
    """A transient failure: worth another attempt."""


def _no_auth(request: Any) -> Any:
    """A no-op auth hook: passing it stops requests from reading credentials from ~/.netrc."""
    return request


def _user_agent() -> str:
    from ipexcli import __version__

    return f"ipexcli/{__version__} (refdata update)"


def fetch(url: str, destination: Path, policy: DownloadPolicy, session: Any = None) -> Download:
    """Download ``url`` to ``destination`` (streamed), checking size and the published md5."""
    scheme = urlparse(url).scheme.lower()
    if scheme == "file":
        source = _local_path(url)
        size, sha256, md5 = _copy_stream(_open_local(source, url), destination, policy, url)
        expected = _local_md5(source)
    elif scheme in ("http", "https"):
        session = session or _session()
        size, sha256, md5 = _with_retries(
            url, policy, lambda: _http_to_file(session, url, destination, policy)
        )
        expected = _remote_md5(session, url + ".md5", policy)
    else:
        raise UpdateError(
            f"{url}: unsupported URL scheme {scheme or '(none)'!r}",
            "Give an https://, http:// or file:// URL",
        )
    status = "not published"
    if expected is not None:
        if expected != md5:
            raise UpdateError(
                f"{url}: checksum mismatch (md5 {md5}, published {expected}); the download is "
                "corrupt or the mirror is mid-update",
                "Try again later",
            )
        status = "verified"
    return Download(url, destination, size, sha256, md5, status)


def _session() -> Any:
    import requests

    session = requests.Session()
    session.headers.update({"User-Agent": _user_agent(), "Accept-Encoding": "identity"})
    return session


def _local_path(url: str) -> Path:
    parsed = urlparse(url)
    if parsed.netloc not in ("", "localhost"):
        raise UpdateError(f"{url}: file:// URLs must name a local file", "Use file:///path/to/file")
    return Path(unquote(parsed.path))


def _open_local(path: Path, url: str) -> io.BufferedReader:
    try:
        return path.open("rb")
    except OSError as exc:
        raise UpdateError(f"{url}: cannot read ({exc.strerror or exc})", "Check the path") from exc


def _local_md5(source: Path) -> str | None:
    sidecar = Path(str(source) + ".md5")
    if not sidecar.is_file():
        return None
    return _parse_md5(sidecar.read_bytes(), str(sidecar))


def _parse_md5(content: bytes, where: str) -> str:
    """The hex digest of an ``md5sum``-style file (``<hex>  <name>`` or ``MD5 (name) = <hex>``)."""
    text = content.decode("ascii", errors="replace")
    match = re.search(r"\b([0-9a-fA-F]{32})\b", text)
    if not match:
        raise UpdateError(f"{where}: not an md5 checksum file", "Check the URL")
    return match.group(1).lower()


def _copy_stream(
    source: io.BufferedReader, destination: Path, policy: DownloadPolicy, url: str
) -> tuple[int, str, str]:
    try:
        with source, destination.open("wb") as out:
            return _write_blocks(iter(lambda: source.read(1 << 20), b""), out, policy, url)
    except OSError as exc:
        raise UpdateError(f"{url}: copy failed ({exc})", "Check disk space") from exc


def _write_blocks(
    blocks: Iterable[bytes], out: IO[bytes], policy: DownloadPolicy, url: str
) -> tuple[int, str, str]:
    """Write ``blocks`` to ``out`` under the size limit; (size, sha256, md5) of what was written."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(), 0
    for block in blocks:
        size += len(block)
        if size > policy.max_bytes:
            raise UpdateError(
                f"{url}: larger than the {policy.max_bytes:,}-byte limit",
                "Check the URL points at a ClinVar VCF",
            )
        sha256.update(block)
        md5.update(block)
        out.write(block)
    return size, sha256.hexdigest(), md5.hexdigest()


def _with_retries(url: str, policy: DownloadPolicy, attempt: Callable[[], Any]) -> Any:
    last: _Retryable | None = None
    for number in range(1, max(1, policy.tries) + 1):
        try:
            return attempt()
        except _Retryable as exc:
            last = exc
            if number < policy.tries:
                time.sleep(policy.backoff * 2 ** (number - 1))
    tries = max(1, policy.tries)
    raise UpdateError(
        f"{url}: {last} (gave up after {tries} attempt{'s' if tries > 1 else ''})",
        "Check your connection or try again later; use --clinvar-url for a mirror",
    )


def _get(session: Any, url: str, policy: DownloadPolicy) -> Any:
    """A streamed GET with both timeouts, TLS verification on and no credentials sent."""
    return session.get(
        url,
        stream=True,
        timeout=(policy.connect_timeout, policy.read_timeout),
        verify=True,
        auth=_no_auth,
    )


def _http_to_file(
    session: Any, url: str, destination: Path, policy: DownloadPolicy
) -> tuple[int, str, str]:
    import requests

    try:
        with _get(session, url, policy) as response:
            _check_status(response, url)
            declared = response.headers.get("Content-Length")
            expected = int(declared) if declared and declared.isdigit() else None
            if expected is not None and expected > policy.max_bytes:
                raise UpdateError(
                    f"{url}: {expected:,} bytes exceeds the {policy.max_bytes:,}-byte limit",
                    "Check the URL points at a ClinVar VCF",
                )
            with destination.open("wb") as out:
                size, sha256, md5 = _write_blocks(
                    response.iter_content(chunk_size=1 << 20), out, policy, url
                )
            if expected is not None and size != expected:
                raise _Retryable(f"body ended after {size:,} of {expected:,} bytes")
    except requests.exceptions.SSLError as exc:
        raise UpdateError(
            f"{url}: secure (TLS) connection failed ({_short(exc)})",
            "Check the system clock and CA certificates; ipexcli never turns verification off",
        ) from exc
    except requests.exceptions.Timeout as exc:
        raise _Retryable(
            f"timed out (connect {policy.connect_timeout:g} s, read {policy.read_timeout:g} s)"
        ) from exc
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise _Retryable(f"connection failed or was cut ({_short(exc)})") from exc
    except requests.exceptions.ContentDecodingError as exc:
        raise UpdateError(f"{url}: the server sent an undecodable body ({_short(exc)})") from exc
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
        raise UpdateError(f"{url}: not a valid URL", "Check --clinvar-url") from exc
    except requests.exceptions.RequestException as exc:
        raise UpdateError(f"{url}: download failed ({_short(exc)})") from exc
    except OSError as exc:
        raise UpdateError(f"{url}: cannot write the download ({exc})", "Check disk space") from exc
    return size, sha256, md5


def _check_status(response: Any, url: str) -> None:
    code = response.status_code
    if code >= 500:
        raise _Retryable(f"server error HTTP {code} {response.reason or ''}".rstrip())
    if code >= 400:
        raise UpdateError(
            f"{url}: HTTP {code} {response.reason or ''}".rstrip(),
            "Check the URL (ClinVar moves old releases to an archive folder)",
        )


def _remote_md5(session: Any, url: str, policy: DownloadPolicy) -> str | None:
    """The published md5 at ``url``, or None when the server says there is none (404/410)."""
    import requests

    def attempt() -> str | None:
        try:
            with _get(session, url, policy) as response:
                if response.status_code in (404, 410):
                    return None
                _check_status(response, url)
                # an md5 file is one short line: read at most 4 kB of whatever is there
                content = next(response.iter_content(chunk_size=4096), b"")
        except requests.exceptions.SSLError as exc:
            raise UpdateError(f"{url}: secure (TLS) connection failed ({_short(exc)})") from exc
        except requests.exceptions.Timeout as exc:
            raise _Retryable("timed out fetching the checksum") from exc
        except requests.exceptions.RequestException as exc:
            raise _Retryable(f"checksum download failed ({_short(exc)})") from exc
        return _parse_md5(content, url)

    return _with_retries(url, policy, attempt)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# -- ClinVar VCF records ----------------------------------------------------------------------


class ClinVarRecordError(UpdateError):
    """One line of a ClinVar VCF cannot be parsed (counted and skipped, never fatal alone)."""


@dataclass(frozen=True, slots=True)
class ClinVarRecord:
    """One data line of a ClinVar VCF. ``pos`` is 1-based; ``info`` keeps raw INFO values."""

    chrom: str
    pos: int
    variation_id: str  #: ClinVar Variation ID (the VCF ID column)
    ref: str
    alt: str  #: "" when ClinVar wrote ALT as "." (no alternate allele)
    info: Mapping[str, str]
    line: int

    @property
    def genes(self) -> tuple[str, ...]:
        """``GENEINFO`` entries, e.g. ``("FOXP3:50943",)``."""
        value = self.info.get("GENEINFO", "")
        return tuple(part for part in value.split("|") if part)

    @property
    def significance(self) -> str:
        """CLNSIG in ClinVar vocabulary (``Likely_pathogenic`` -> ``Likely pathogenic``)."""
        return clinvar_words(self.info.get("CLNSIG", ""))

    @property
    def review_status(self) -> str:
        return clinvar_words(self.info.get("CLNREVSTAT", ""))

    @property
    def condition(self) -> str:
        return clinvar_words(self.info.get("CLNDN", ""))

    @property
    def hgvs_g(self) -> str:
        return self.info.get("CLNHGVS", "")

    @property
    def rsid(self) -> str:
        value = self.info.get("RS", "")
        return f"rs{value.split('|')[0]}" if value.split("|")[0].isdigit() else ""


def clinvar_words(value: str) -> str:
    """ClinVar VCF text -> ClinVar vocabulary: ``_`` is a space, ``|`` separates values.

    >>> clinvar_words("criteria_provided,_multiple_submitters,_no_conflicts")
    'criteria provided, multiple submitters, no conflicts'
    >>> clinvar_words("Pathogenic|risk_factor")
    'Pathogenic; risk factor'
    """
    return "; ".join(part.replace("_", " ").strip() for part in value.split("|") if part.strip())


def review_stars(review_status: str) -> int | None:
    """Stars of a ClinVar review status (field notes 4.11); None when the text is unknown.

    >>> review_stars("criteria provided, single submitter"), review_stars("practice guideline")
    (1, 4)
    """
    return REVIEW_STARS.get(review_status.strip().lower())


_BASES = re.compile(r"[ACGTN]+")


def parse_record(line: str, line_number: int) -> ClinVarRecord:
    """Parse one ClinVar VCF data line; raises :class:`ClinVarRecordError` when malformed.

    >>> line = "X\\t49251441\\t11407\\tG\\tA\\t.\\t.\\tCLNSIG=Pathogenic;GENEINFO=FOXP3:50943"
    >>> r = parse_record(line, 9)
    >>> r.pos, r.variation_id, r.ref, r.alt, r.significance, r.genes
    (49251441, '11407', 'G', 'A', 'Pathogenic', ('FOXP3:50943',))
    """
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) < 8:
        raise ClinVarRecordError(f"line {line_number}: {len(fields)} columns, expected 8")
    chrom, pos_text, variation_id, ref, alt = fields[:5]
    if not pos_text.isascii() or not pos_text.isdigit() or int(pos_text) < 1:
        raise ClinVarRecordError(f"line {line_number}: POS {pos_text[:20]!r} is not a position")
    if not variation_id.isascii() or not variation_id.isdigit():
        raise ClinVarRecordError(
            f"line {line_number}: ID {variation_id[:20]!r} is not a ClinVar Variation ID"
        )
    ref = ref.upper()
    if not _BASES.fullmatch(ref):
        raise ClinVarRecordError(f"line {line_number}: REF {ref[:20]!r} is not a base sequence")
    alt = alt.upper()
    if alt == ".":
        alt = ""
    elif not _BASES.fullmatch(alt):
        raise ClinVarRecordError(
            f"line {line_number}: ALT {alt[:20]!r} is not one base sequence "
            "(ClinVar writes one ALT per record)"
        )
    info: dict[str, str] = {}
    if fields[7] not in (".", ""):
        for item in fields[7].split(";"):
            if not item:
                continue
            key, _, value = item.partition("=")
            info[key] = value
    return ClinVarRecord(
        chrom, int(pos_text), str(int(variation_id)), ref, alt, MappingProxyType(info), line_number
    )


# -- genomic HGVS: derivation hook and comparison ---------------------------------------------

#: The hook the full HGVS engine replaces: ``(locus, pos, ref, alt) -> "NC_...:g...."``.
#: ``pos`` is 1-based with VCF REF/ALT (anchor base allowed); must apply the 3' rule.
GenomicHgvsFormatter = Callable[["Locus", int, str, str], str]


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop shared trailing then leading bases; ``pos`` (1-based) follows the first kept base."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def derive_genomic_hgvs(locus: Locus, pos: int, ref: str, alt: str) -> str:
    """The g. name our HGVS engine gives this allele (3'-shifted on the + strand).

    Raises :class:`~ipexcli.errors.OutOfLocusError` when the change (or its shift) leaves the
    bundled locus, and when REF and ALT are the same allele.
    """
    from ipexcli.hgvs import format_g
    from ipexcli.refdata import load_bundled as load  # the sequence only; no installed table

    trimmed_pos, trimmed_ref, trimmed_alt = _trim(pos, ref, alt)
    if not trimmed_ref and not trimmed_alt:
        raise OutOfLocusError(f"REF {ref!r} and ALT {alt!r} are the same allele")
    start = pos - 1
    if not locus.contains(start, start + len(ref)):
        locus.fetch(start, start + len(ref))  # raises OutOfLocusError with the locus named
    variant = GenomicVariant(locus.build, pos, ref, alt)
    if len(trimmed_ref) != len(trimmed_alt):
        from ipexcli.normalize import Shift, minimal

        shifted = minimal(variant, locus, Shift.RIGHT)
        if shifted.end >= locus.end:  # the base that ends the 3' shift is not bundled
            raise OutOfLocusError(
                f"chrX:{pos} {ref}>{alt or '-'}: its HGVS 3' shift reaches the end of the "
                f"bundled locus (chrX:{locus.pos_end})"
            )
    try:
        return format_g(variant, load())
    except (IndexError, ValueError) as exc:  # the 3' shift ran off the bundled slice
        raise OutOfLocusError(
            f"chrX:{trimmed_pos} {trimmed_ref or '-'}>{trimmed_alt or '-'}: the HGVS 3' shift "
            f"leaves the bundled locus ({exc})"
        ) from exc


def engine_names(variation: Variation) -> tuple[str, str]:
    """(c., p.) names our engine gives a ClinVar variation (GRCh38 allele preferred)."""
    from ipexcli.engine import annotate_variant

    build = Build.GRCH38 if Build.GRCH38 in variation.records else Build.GRCH37
    record = variation.records[build]
    if not record.ref or not record.alt:
        return "", ""
    annotation = annotate_variant(GenomicVariant(build, record.pos, record.ref, record.alt))
    c_name = (annotation.hgvs_c or "").split(":", 1)[-1]
    p_name = (annotation.hgvs_p or "").split(":", 1)[-1]
    return c_name, p_name


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}_{last}"


class HgvsCheck(str, Enum):
    SAME = "same"  #: CLNHGVS is the string we derive
    EQUIVALENT = "equivalent"  #: another notation (e.g. repeat ``[n]``) of the same change
    DIFFERENT = "different"  #: describes another change: the record is rejected
    NOT_COMPARED = "not compared"  #: CLNHGVS absent or in a form not understood here


_G_EDIT = re.compile(
    r"^(?P<acc>[A-Z]{2}_\d+\.\d+):g\.(?P<first>\d+)(?:_(?P<last>\d+))?"
    r"(?:(?P<sub_ref>[ACGT])>(?P<sub_alt>[ACGT])|(?P<kind>delins|del|dup|ins|inv)(?P<seq>[ACGTN]*)"
    r"|(?P<unit>[ACGTN]+)\[(?P<copies>\d+)\])$"
)


def apply_genomic_hgvs(locus: Locus, hgvs: str) -> tuple[int, int, str] | None:
    """The edit a simple g. description makes: ``(start, end, replacement)``, 0-based half-open.

    Understands substitution, del, dup, ins, delins, inv and repeat ``SEQ[n]``; None for any other
    form (or another accession). Raises :class:`~ipexcli.errors.OutOfLocusError` outside.
    """
    match = _G_EDIT.match(hgvs)
    if not match or match["acc"] != locus.accession:
        return None
    first = int(match["first"])
    last = int(match["last"]) if match["last"] else first
    if last < first:
        return None
    start, end = first - 1, last
    if match["sub_ref"]:
        if first != last or locus.fetch(start, end) != match["sub_ref"]:
            return None
        return start, end, match["sub_alt"]
    if match["unit"]:
        unit, copies = match["unit"], int(match["copies"])
        if first == last:  # ClinVar also writes g.POSUNIT[n] with POS the first repeat base
            end = start
            while locus.fetch(end, end + len(unit)) == unit:
                end += len(unit)
        tract = locus.fetch(start, end)
        if not tract or len(tract) % len(unit) or tract != unit * (len(tract) // len(unit)):
            return None
        return start, end, unit * copies
    kind, seq = match["kind"], match["seq"]
    reference = locus.fetch(start, end)
    if kind == "del":
        return (start, end, "") if not seq or seq == reference else None
    if kind == "dup":
        return (end, end, reference) if not seq or seq == reference else None
    if kind == "inv":
        from ipexcli.sequtils import reverse_complement

        return start, end, reverse_complement(reference)
    if kind == "ins":
        if last != first + 1 or not seq or "N" in seq:
            return None
        return start + 1, start + 1, seq
    if kind == "delins":
        return (start, end, seq) if seq and "N" not in seq else None
    return None  # pragma: no cover - the regex allows nothing else


def _applied(locus: Locus, start: int, end: int, replacement: str) -> str:
    """The locus sequence with ``[start, end)`` (0-based, chrX) replaced."""
    offset_start, offset_end = start - locus.start, end - locus.start
    return locus.sequence[:offset_start] + replacement + locus.sequence[offset_end:]


def compare_genomic_hgvs(
    locus: Locus, record: ClinVarRecord, derive: GenomicHgvsFormatter = derive_genomic_hgvs
) -> HgvsCheck:
    """Does ``CLNHGVS`` describe the change that the record's POS/REF/ALT makes?"""
    stated = record.hgvs_g
    if not stated:
        return HgvsCheck.NOT_COMPARED
    if derive(locus, record.pos, record.ref, record.alt) == stated:
        return HgvsCheck.SAME
    edit = apply_genomic_hgvs(locus, stated)
    if edit is None:
        return HgvsCheck.NOT_COMPARED
    ours = _applied(locus, record.pos - 1, record.pos - 1 + len(record.ref), record.alt)
    return HgvsCheck.EQUIVALENT if _applied(locus, *edit) == ours else HgvsCheck.DIFFERENT


# -- scanning a release -----------------------------------------------------------------------


class RejectReason(str, Enum):
    """Why a FOXP3 ClinVar record (or variation) was not taken into the table."""

    MALFORMED = "malformed record"
    NO_ALT = "no ALT allele"
    OUTSIDE_LOCUS = "outside the bundled locus"
    REF_MISMATCH = "REF contradicts the bundled sequence"
    HGVS_MISMATCH = "CLNHGVS describes another change"
    NOT_CLASSIFIED = "no germline classification (CLNSIG absent)"
    OTHER_BUILD = "rejected in the other build"


@dataclass(frozen=True, slots=True)
class BuildScan:
    """What one build's ClinVar VCF contributed."""

    build: Build
    file_date: str  #: the ``##fileDate`` of the release, ISO ``YYYY-MM-DD``
    records_read: int
    foxp3_records: int
    accepted: Mapping[str, ClinVarRecord]  #: Variation ID -> record
    rejected: Mapping[str, RejectReason]  #: Variation ID -> reason (malformed lines excluded)
    reject_counts: Mapping[str, int]  #: reason value -> records
    hgvs_checks: Mapping[str, int]  #: HgvsCheck value -> accepted records


#: longest line accepted (ClinVar's longest INFO fields are a few kB): garbage stays bounded
MAX_LINE_CHARS = 4 << 20


def _text_lines(path: Path, url: str) -> Iterator[str]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        for line in iter(lambda: handle.readline(MAX_LINE_CHARS), ""):
            if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
                raise UpdateError(
                    f"{url}: a line longer than {MAX_LINE_CHARS:,} characters",
                    "This is not a ClinVar VCF; check the URL",
                )
            yield line


def _is_foxp3(record: ClinVarRecord, locus: Locus) -> bool:
    if FOXP3_GENEINFO in record.genes:
        return True
    return locus.start < record.pos <= locus.end


def scan_release(
    path: Path,
    build: Build,
    data: RefData,
    url: str,
    derive: GenomicHgvsFormatter = derive_genomic_hgvs,
) -> BuildScan:
    """Read one ClinVar VCF and validate its FOXP3 records against the bundled ``build`` locus."""
    from ipexcli.refdata import canonical_chrom

    locus = data.locus(build)
    file_date = ""
    read = foxp3 = 0
    accepted: dict[str, ClinVarRecord] = {}
    rejected: dict[str, RejectReason] = {}
    reasons: Counter[str] = Counter()
    checks: Counter[str] = Counter()
    saw_header = False
    line_number = 0
    try:
        for line_number, line in enumerate(_text_lines(path, url), start=1):
            if line.startswith("#"):
                if line_number == 1:
                    saw_header = line.startswith("##fileformat=VCF")
                elif line.startswith("##fileDate="):
                    file_date = _iso_date(line.split("=", 1)[1].strip(), url)
                elif line.startswith("##reference="):
                    _check_reference(line.split("=", 1)[1].strip(), build, url)
                continue
            if not saw_header:
                break
            if not line.strip():
                continue
            read += 1
            chrom = line.split("\t", 1)[0]
            if chrom not in ("X", "chrX") and canonical_chrom(chrom) != "X":
                continue
            try:
                record = parse_record(line, line_number)
            except ClinVarRecordError:
                if "FOXP3" in line:
                    foxp3 += 1
                    reasons[RejectReason.MALFORMED.value] += 1
                continue
            if not _is_foxp3(record, locus):
                continue
            foxp3 += 1
            reason, check = _validate(record, locus, derive)
            if reason is not None:
                reasons[reason.value] += 1
                rejected[record.variation_id] = reason
                accepted.pop(record.variation_id, None)
            elif record.variation_id not in rejected:
                accepted[record.variation_id] = record
                checks[check.value] += 1
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise UpdateError(
            f"{url}: damaged gzip data after line {line_number} ({_short(exc)})",
            "The download is truncated or corrupt; try again",
        ) from exc
    except OSError as exc:
        raise UpdateError(f"{url}: cannot read the download ({exc})") from exc
    if not saw_header:
        raise UpdateError(
            f"{url}: not a VCF (no ##fileformat=VCF first line)",
            "Point the URL at a ClinVar clinvar.vcf.gz",
        )
    if not file_date:
        raise UpdateError(
            f"{url}: no ##fileDate header, so the release date is unknown",
            "Point the URL at an unmodified ClinVar release VCF",
        )
    return BuildScan(
        build=build,
        file_date=file_date,
        records_read=read,
        foxp3_records=foxp3,
        accepted=MappingProxyType(accepted),
        rejected=MappingProxyType(rejected),
        reject_counts=MappingProxyType(dict(reasons)),
        hgvs_checks=MappingProxyType(dict(checks)),
    )


def _validate(
    record: ClinVarRecord, locus: Locus, derive: GenomicHgvsFormatter
) -> tuple[RejectReason | None, HgvsCheck]:
    if not record.alt:
        return RejectReason.NO_ALT, HgvsCheck.NOT_COMPARED
    if not locus.contains(record.pos - 1, record.pos - 1 + len(record.ref)):
        return RejectReason.OUTSIDE_LOCUS, HgvsCheck.NOT_COMPARED
    if locus.fetch(record.pos - 1, record.pos - 1 + len(record.ref)) != record.ref:
        return RejectReason.REF_MISMATCH, HgvsCheck.NOT_COMPARED
    if record.ref == record.alt:
        return RejectReason.MALFORMED, HgvsCheck.NOT_COMPARED
    try:
        check = compare_genomic_hgvs(locus, record, derive)
    except OutOfLocusError:
        return RejectReason.OUTSIDE_LOCUS, HgvsCheck.NOT_COMPARED
    if check is HgvsCheck.DIFFERENT:
        return RejectReason.HGVS_MISMATCH, check
    if not record.significance:
        return RejectReason.NOT_CLASSIFIED, check
    return None, check


def _iso_date(text: str, url: str) -> str:
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise UpdateError(f"{url}: ##fileDate={text[:40]!r} is not a date", "Use a ClinVar release")


def _check_reference(text: str, build: Build, url: str) -> None:
    try:
        stated = Build.parse(text)
    except ValueError:
        return
    if stated is not build:
        raise UpdateError(
            f"{url}: is a {stated} ClinVar VCF but was given for {build}",
            "Swap --clinvar-url (GRCh38) and --clinvar-grch37-url (GRCh37)",
        )


# -- merging into the known-variant table -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variation:
    """One accepted ClinVar variation, joined across builds by Variation ID."""

    variation_id: str
    records: Mapping[Build, ClinVarRecord]

    @property
    def primary(self) -> ClinVarRecord:
        return self.records.get(Build.GRCH38) or self.records[Build.GRCH37]


def join_builds(scans: Mapping[Build, BuildScan]) -> tuple[list[Variation], Counter[str]]:
    """Accepted variations (sorted by GRCh38 then GRCh37 position) and variation-level rejects."""
    rejected: Counter[str] = Counter()
    ids = set()
    for scan in scans.values():
        ids |= set(scan.accepted) | set(scan.rejected)
    variations = []
    for variation_id in ids:
        reasons = [scan.rejected[variation_id] for scan in scans.values()
                   if variation_id in scan.rejected]
        if reasons:
            rejected[reasons[0].value] += 1
            continue
        records = {b: s.accepted[variation_id] for b, s in scans.items()
                   if variation_id in s.accepted}
        variations.append(Variation(variation_id, MappingProxyType(records)))
    variations.sort(key=lambda v: (v.primary.pos, v.primary.ref, v.primary.alt, v.variation_id))
    return variations, rejected


_VARIATION_ID = re.compile(r"(?:VCV0*|Variation ID )(\d+)")


def _bundled_variation_id(row: Mapping[str, str]) -> str | None:
    match = _VARIATION_ID.search(row.get("clinvar", ""))
    return match.group(1) if match else None


def _allele_key(row: Mapping[str, str], build: Build) -> tuple[str, str, str] | None:
    key = build.value.lower()
    if not row.get(f"{key}_pos"):
        return None
    return row[f"{key}_pos"], row[f"{key}_ref"], row[f"{key}_alt"]


@dataclass(frozen=True, slots=True)
class MergeResult:
    rows: tuple[dict[str, str], ...]
    updated: int  #: bundled rows that took a ClinVar classification
    added: int  #: new CV<Variation ID> rows
    kept: int  #: bundled rows ClinVar does not cover, unchanged
    one_build: int = 0  #: accepted variations ClinVar placed in one build only


def merge_tables(
    bundled: list[dict[str, str]],
    variations: Iterable[Variation],
    release_date: str,
    source_url: str,
) -> MergeResult:
    """Apply :data:`MERGE_POLICY`: bundled rows in order (updated where covered), then additions."""
    variations = list(variations)
    by_id: dict[str, int] = {}
    by_allele: dict[tuple[Build, tuple[str, str, str]], int] = {}
    for index, row in enumerate(bundled):
        if (variation_id := _bundled_variation_id(row)) is not None:
            by_id.setdefault(variation_id, index)
        for build in Build:
            if (key := _allele_key(row, build)) is not None:
                by_allele.setdefault((build, key), index)
    rows = [dict(row) for row in bundled]
    touched: set[int] = set()
    added = []
    label = f"ClinVar VCF release {release_date}"
    for variation in variations:
        target = by_id.get(variation.variation_id)
        if target is None:
            for build, record in variation.records.items():
                found = by_allele.get((build, (str(record.pos), record.ref, record.alt)))
                if found is not None:
                    target = found
                    break
        if target is not None and target not in touched:
            touched.add(target)
            _update_row(rows[target], variation, label, release_date)
        else:
            added.append(_new_row(variation, label, release_date, source_url))
    return MergeResult(
        rows=tuple(rows + added), updated=len(touched), added=len(added),
        kept=len(bundled) - len(touched),
        one_build=sum(1 for v in variations if len(v.records) < len(Build)),
    )


def _clinvar_fields(variation: Variation, label: str, release_date: str) -> dict[str, str]:
    record = variation.primary
    stars = review_stars(record.review_status)
    number = int(variation.variation_id)
    fields = {
        "clinvar": f"VCV{number:09d} (Variation ID {number})",
        # #12 (table v2): a ClinVar record is a germline classification, dated by its release
        "assertion_type": "clinvar_germline",
        "classification": record.significance,
        "classification_source": label,
        "classification_date": release_date,
        "classification_date_kind": "clinvar_release",
        "review_status": record.review_status,
        "review_stars": "" if stars is None else str(stars),
        "condition": record.condition,
    }
    for build, placed in variation.records.items():  # a build ClinVar lacks is left alone
        key = build.value.lower()
        fields[f"{key}_pos"], fields[f"{key}_ref"] = str(placed.pos), placed.ref
        fields[f"{key}_alt"] = placed.alt
    return fields


def _update_row(row: dict[str, str], variation: Variation, label: str, release_date: str) -> None:
    before = (row.get("classification", ""), row.get("classification_source", ""),
              row.get("classification_date", ""))
    fields = _clinvar_fields(variation, label, release_date)
    moved = [
        f"{build} {row.get(f'{build.value.lower()}_pos')} -> {placed.pos}"
        for build, placed in variation.records.items()
        if row.get(f"{build.value.lower()}_pos") != str(placed.pos)
    ]
    row.update(fields)
    if not row.get("rsid"):
        row["rsid"] = variation.primary.rsid
    notes = [row["note"]] if row.get("note") else []
    if before[0] and before[0] != fields["classification"]:
        notes.append(f"before {label}: {before[0]} ({before[1]}, {before[2]})")
    if moved:
        notes.append(f"position from {label} (bundled: {'; '.join(moved)})")
    row["note"] = "; ".join(notes)
    row["source"] = "; ".join(part for part in (row.get("source", ""), label) if part)


def _new_row(variation: Variation, label: str, release_date: str, url: str) -> dict[str, str]:
    record = variation.primary
    c_name, p_name = engine_names(variation)
    row = {
        **{f"{b.value.lower()}_{part}": "" for b in Build for part in ("pos", "ref", "alt")},
        "id": f"CV{variation.variation_id}",
        "hgvs_c": c_name,
        "hgvs_c_as_stated": "",
        "hgvs_p": p_name,
        "rsid": record.rsid,
        "evidence_tier": "",
        "computed_fields": "hgvs_c,hgvs_p" if c_name else "",
        "population": "",
        "note": "; ".join(
            f"{build} CLNHGVS {r.hgvs_g}" for build, r in variation.records.items() if r.hgvs_g
        ),
        "source": label,
        "source_url": url,
    }
    row.update(_clinvar_fields(variation, label, release_date))
    return row


# -- the whole update -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What an update did (returned after the new table is installed)."""

    destination: Path
    release_date: str
    downloads: tuple[Download, ...]
    scans: tuple[BuildScan, ...]
    accepted: int  #: variations taken into the table
    rejected: Mapping[str, int]  #: variation-level rejects by reason
    rows: int
    updated: int
    added: int
    kept: int
    manifest: Mapping[str, Any] = field(default_factory=dict)


def _read_bundled_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def check_install_dir(destination: Path) -> None:
    """Refuse to replace or remove a directory holding files ipexcli did not write there."""
    if destination.exists() and not destination.is_dir():
        raise UpdateError(
            f"{destination} exists and is not a directory",
            "Set IPEXCLI_DATA_DIR to a directory ipexcli may own",
        )
    if destination.is_dir():
        foreign = sorted(p.name for p in destination.iterdir() if p.name not in INSTALLED_FILES)
        if foreign:
            raise UpdateError(
                f"{destination} holds files ipexcli did not write ({', '.join(foreign[:3])})",
                "Set IPEXCLI_DATA_DIR to an empty or ipexcli-only directory",
            )


def run_update(
    urls: Mapping[Build, str] | None = None,
    policy: DownloadPolicy | None = None,
    destination: Path | None = None,
    derive: GenomicHgvsFormatter = derive_genomic_hgvs,
    progress: Callable[[str], None] = lambda message: None,
) -> UpdateResult:
    """Download, validate, merge and install; raises :class:`UpdateError` with nothing changed."""
    from ipexcli import __version__
    from ipexcli import refdata as refdata_module

    urls = dict(urls or DEFAULT_URLS)
    policy = policy or DownloadPolicy()
    destination = destination or refdata_module.user_data_dir()
    # the bundled data only: an update must be able to replace a damaged install
    data = refdata_module.load_bundled()
    bundled_path = refdata_module.data_root() / "known_variants.tsv"
    columns, bundled = _read_bundled_table(bundled_path)
    try:
        atomic.recover_dir(destination)
        check_install_dir(destination)
        with atomic.staging_dir(destination) as staging:
            downloads_dir = staging / "downloads"
            downloads_dir.mkdir()
            downloads, scans = [], {}
            for build in (Build.GRCH38, Build.GRCH37):
                url = urls[build]
                progress(f"downloading {build} ClinVar VCF from {url}")
                got = fetch(url, downloads_dir / f"clinvar.{build.value}.vcf", policy)
                downloads.append(got)
                progress(f"  {got.size:,} bytes, md5 {got.md5_status}; scanning")
                scans[build] = scan_release(got.path, build, data, url, derive)
            dates = {scan.file_date for scan in scans.values()}
            if len(dates) != 1:
                raise UpdateError(
                    "the GRCh38 and GRCh37 files are from different ClinVar releases ("
                    + ", ".join(f"{b} {s.file_date}" for b, s in scans.items()) + ")",
                    "Point both URLs at the same release",
                )
            release_date = dates.pop()
            variations, rejected = join_builds(scans)
            if not variations:
                raise UpdateError(
                    f"no valid FOXP3 records in the ClinVar release of {release_date} "
                    f"({sum(s.foxp3_records for s in scans.values())} FOXP3 records found)",
                    "Check the URLs point at complete ClinVar VCFs",
                )
            merged = merge_tables(bundled, variations, release_date, urls[Build.GRCH38])
            _check_rows(merged.rows, data)
            shutil.rmtree(downloads_dir)
            table = staging / "known_variants.tsv"
            _write_table(table, columns, merged.rows, release_date, __version__)
            manifest = _manifest(
                downloads, scans, rejected, merged, release_date, table, bundled_path, __version__
            )
            with atomic.atomic_write(staging / "MANIFEST.json") as handle:
                json.dump(manifest, handle, indent=2)
                handle.write("\n")
            atomic.install_dir(staging, destination)
    except OSError as exc:
        raise UpdateError(
            f"cannot write the update beside {destination} ({exc})",
            "Check permissions and free space, or set IPEXCLI_DATA_DIR",
        ) from exc
    return UpdateResult(
        destination=destination,
        release_date=release_date,
        downloads=tuple(downloads),
        scans=tuple(scans.values()),
        accepted=len(variations),
        rejected=MappingProxyType(dict(rejected)),
        rows=len(merged.rows),
        updated=merged.updated,
        added=merged.added,
        kept=merged.kept,
        manifest=MappingProxyType(manifest),
    )


def _check_rows(rows: Iterable[Mapping[str, str]], data: RefData) -> None:
    """Last line of defence: every allele of the table to be installed matches the sequence."""
    from ipexcli.refdata import parse_known_rows

    for variant in parse_known_rows([dict(row) for row in rows]):
        for build, allele in variant.alleles.items():
            locus = data.locus(build)
            if (
                not locus.contains(allele.start, allele.end)
                or locus.fetch(allele.start, allele.end) != allele.ref
            ):
                raise UpdateError(
                    f"internal check failed: {variant.id} {allele} does not match the bundled "
                    "sequence; nothing was installed",
                    "Please report this",
                )


def _write_table(
    path: Path, columns: list[str], rows: Iterable[Mapping[str, str]], date: str, version: str
) -> None:
    with atomic.atomic_write(path, newline="") as handle:
        handle.write(
            f"# FOXP3 known variants: the bundled table updated from the ClinVar VCF release "
            f"{date} by `ipex refdata update` (ipexcli {version}).\n"
            "# Positions: 1-based chrX + strand, VCF left-aligned with anchor base for indels.\n"
            f"# Merge policy: {MERGE_POLICY}\n"
        )
        writer = csv.DictWriter(
            handle, columns, delimiter="\t", lineterminator="\n", extrasaction="raise"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({column: _clean(row.get(column, "")) for column in columns})


def _clean(value: str | None) -> str:
    """No tab or newline may break the table's layout."""
    return re.sub(r"[\t\r\n]+", " ", value or "")


def _manifest(
    downloads: list[Download],
    scans: Mapping[Build, BuildScan],
    rejected: Mapping[str, int],
    merged: MergeResult,
    release_date: str,
    table: Path,
    bundled_table: Path,
    version: str,
) -> dict[str, Any]:
    from ipexcli.refdata import sha256_file

    return {
        "format": MANIFEST_FORMAT,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "ipexcli_version": version,
        "source": "ClinVar VCF",
        "release_date": release_date,
        "merge_policy": MERGE_POLICY,
        "downloads": [
            {
                "build": scan.build.value,
                "url": got.url,
                "file_date": scan.file_date,
                "bytes": got.size,
                "sha256": got.sha256,
                "md5": got.md5,
                "md5_check": got.md5_status,
            }
            for got, scan in zip(downloads, scans.values(), strict=True)
        ],
        "table": {
            "file": table.name, "sha256": sha256_file(table), "bytes": table.stat().st_size,
            "rows": len(merged.rows),
        },
        "bundled_table_sha256": sha256_file(bundled_table),
        "counts": {
            "records_read": {s.build.value: s.records_read for s in scans.values()},
            "foxp3_records": {s.build.value: s.foxp3_records for s in scans.values()},
            "records_rejected": {s.build.value: dict(s.reject_counts) for s in scans.values()},
            "hgvs_checks": {s.build.value: dict(s.hgvs_checks) for s in scans.values()},
            "variations_accepted": merged.updated + merged.added,
            "variations_in_one_build_only": merged.one_build,
            "variations_rejected": dict(rejected),
            "rows_updated": merged.updated,
            "rows_added": merged.added,
            "rows_kept_as_bundled": merged.kept,
        },
    }


def reset(destination: Path | None = None) -> Path | None:
    """Remove the installed table (one rename, then delete); returns what was removed, or None."""
    from ipexcli.refdata import user_data_dir

    destination = destination or user_data_dir()
    try:
        atomic.recover_dir(destination)
        if not destination.exists():
            return None
        check_install_dir(destination)
        atomic.remove_dir(destination)
    except OSError as exc:
        raise UpdateError(
            f"cannot remove {destination} ({exc.strerror or exc})", "Check its permissions"
        ) from exc
    return destination
