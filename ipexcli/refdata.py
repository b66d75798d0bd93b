"""The bundled FOXP3 reference data: one typed, immutable in-memory model for everything else.

The data files live in ``refdata/`` of the source tree and are shipped inside the wheel as
``ipexcli/_refdata`` (see ``pyproject.toml``); :func:`data_root` finds either, so a source checkout
and an installed wheel behave the same. ``refdata/MANIFEST.json`` names every file's source,
version and sha256; :func:`verify` checks them and the internal consistency of the data.

Coordinates: fields named ``pos``/``pos_*`` are 1-based (VCF style); ``start``/``end`` are
0-based half-open. Whether a position is on X or Y and whether it falls in a PAR is decided
here and nowhere else (:meth:`AssemblyFacts.in_par`, :func:`canonical_chrom`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ipexcli.errors import OutOfLocusError, RefDataError
from ipexcli.model import Build, GenomicVariant
from ipexcli.reference import read_single_fasta
from ipexcli.sequtils import translate

_LOCUS_FILES = {
    Build.GRCH38: "FOXP3_GRCh38_chrX_49248436-49269825.fa",
    Build.GRCH37: "FOXP3_GRCh37_chrX_49104897-49126288.fa",
}


# -- model ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """A named genomic interval; ``start``/``end`` 0-based half-open."""

    name: str
    start: int
    end: int

    def contains(self, pos: int) -> bool:
        """True when the 1-based ``pos`` lies inside."""
        return self.start < pos <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        """True when 0-based half-open ``[start, end)`` overlaps (an empty range touches)."""
        if start == end:  # insertion point between start-1 and start
            return self.start < start < self.end
        return start < self.end and self.start < end


@dataclass(frozen=True, slots=True)
class Locus:
    """The bundled slice of chrX for one build, addressed in chrX coordinates."""

    build: Build
    accession: str  #: RefSeq accession of chrX in this build (NC_000023.x)
    start: int  #: 0-based chrX position of the first base of ``sequence``
    sequence: str  #: + strand, upper case

    @property
    def end(self) -> int:
        """0-based half-open end of the slice on chrX."""
        return self.start + len(self.sequence)

    @property
    def pos_start(self) -> int:
        """1-based chrX position of the first bundled base."""
        return self.start + 1

    @property
    def pos_end(self) -> int:
        """1-based chrX position of the last bundled base."""
        return self.end

    def contains(self, start: int, end: int) -> bool:
        """True when 0-based half-open ``[start, end)`` lies inside the slice."""
        return self.start <= start <= end <= self.end

    def fetch(self, start: int, end: int) -> str:
        """Bases of chrX ``[start, end)`` (0-based half-open); raises outside the slice."""
        if not self.contains(start, end):
            raise OutOfLocusError(
                f"chrX:{start + 1}-{end} ({self.build}) is outside the bundled FOXP3 locus "
                f"chrX:{self.pos_start}-{self.pos_end}"
            )
        return self.sequence[start - self.start : end - self.start]

    def base(self, pos: int) -> str:
        """The base at 1-based ``pos``."""
        return self.fetch(pos - 1, pos)


@dataclass(frozen=True, slots=True)
class Exon:
    """One exon of the transcript in one build.

    ``start``/``end`` are 0-based half-open chrX coordinates; ``tx_start``/``tx_end`` are 1-based
    positions in the cDNA (``n.``), so on the minus strand ``tx_start`` is at genomic ``end - 1``.
    ``cds_start``/``cds_end`` bound the coding part (0-based half-open, stop codon included), or are
    None for a non-coding exon.
    """

    number: int
    start: int
    end: int
    tx_start: int
    tx_end: int
    cds_start: int | None
    cds_end: int | None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class ProteinFeature:
    """A protein feature; ``aa_start``/``aa_end`` are 1-based inclusive residue numbers."""

    name: str
    kind: str
    aa_start: int
    aa_end: int
    source: str

    def contains(self, residue: int) -> bool:
        return self.aa_start <= residue <= self.aa_end


@dataclass(frozen=True, slots=True)
class Transcript:
    """NM_014009.4 in one build. ``start``/``end``/``cds_*`` are 0-based half-open on chrX.

    ``exons`` are in transcript order (5' to 3'), which on the minus strand is descending
    genomic order. ``cds_start``..``cds_end`` include the stop codon.
    """

    id: str
    protein_id: str
    gene: str
    build: Build
    accession: str
    strand: int
    start: int
    end: int
    cds_start: int
    cds_end: int
    cds_tx_start: int  #: 1-based cDNA position of the A of ATG (c.1)
    cds_tx_end: int  #: 1-based cDNA position of the last base of the stop codon
    exons: tuple[Exon, ...]
    cdna: str
    protein: str
    features: tuple[ProteinFeature, ...]
    #: other annotated features in the locus (CCDC22 last exon), in this build
    overlapping: tuple[Interval, ...]
    #: the polyA signal AATAAA, 1-based cDNA positions (tx_start, tx_end)
    polya_signal: tuple[int, int]
    ensembl_id: str = ""
    biotype: str = "protein_coding"
    gene_id: str = ""
    #: other RefSeq transcripts of the gene: (accession, exon numbers of this transcript that
    #: they lack), e.g. isoform b NM_001114377 without exon 3 (LRG_62 annotation)
    alternative_transcripts: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def cds_length(self) -> int:
        return self.cds_tx_end - self.cds_tx_start + 1

    def spliced_sequence(self, locus: Locus) -> str:
        """The transcript sequence spliced from ``locus`` (sense strand)."""
        from ipexcli.sequtils import reverse_complement

        plus = [locus.fetch(e.start, e.end) for e in self.exons]
        if self.strand == -1:
            return "".join(reverse_complement(s) for s in plus)
        return "".join(plus)


@dataclass(frozen=True, slots=True)
class AssemblyFacts:
    """chrX/chrY lengths and pseudoautosomal regions of one build."""

    build: Build
    lengths: Mapping[str, int]  #: canonical chrom ("X", "Y") -> length
    accessions: Mapping[str, str]  #: canonical chrom -> RefSeq accession
    par: Mapping[str, tuple[Interval, ...]]  #: canonical chrom -> PAR1, PAR2

    def in_par(self, chrom: str, pos: int) -> bool:
        """True when 1-based ``pos`` on canonical ``chrom`` ("X"/"Y") lies in PAR1 or PAR2."""
        return any(region.contains(pos) for region in self.par.get(chrom, ()))

    def non_par(self, chrom: str) -> tuple[Interval, ...]:
        """The non-PAR intervals of ``chrom`` (0-based half-open)."""
        regions = sorted(self.par.get(chrom, ()), key=lambda r: r.start)
        out, cursor = [], 0
        for region in regions:
            if region.start > cursor:
                out.append(Interval(f"{chrom}-nonPAR", cursor, region.start))
            cursor = region.end
        if cursor < self.lengths[chrom]:
            out.append(Interval(f"{chrom}-nonPAR", cursor, self.lengths[chrom]))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class KnownVariant:
    """One row of the known-variant table.

    Positions are 1-based chrX (+ strand), VCF left-aligned with an anchor base for indels.
    ``assertion_type`` says what the row asserts (:data:`ASSERTION_TYPES`): only
    ``clinvar_germline`` rows carry a ``classification`` (ClinVar's vocabulary); literature and
    UniProt humsavar rows are reports in IPEX patients, association rows context only. When a
    classification is present, ``classification_source`` and ``classification_date`` say where
    and when it was read, and ``classification_date_kind`` what the date is (``last_evaluated``,
    ``clinvar_release``, ``retrieved`` or ``database_release``).
    """

    id: str
    hgvs_c: str
    hgvs_c_as_stated: str
    hgvs_p: str
    alleles: Mapping[Build, GenomicVariant]
    rsid: str
    clinvar: str
    classification: str
    classification_source: str
    classification_date: str
    review_status: str
    review_stars: int | None
    condition: str
    evidence_tier: str
    computed_fields: str
    population: str
    note: str
    source: str
    source_url: str
    assertion_type: str = "clinvar_germline"
    classification_date_kind: str = ""
    humsavar_category: str = ""
    review_note: str = ""
    #: where the two builds' references carry different alleles at the site (rs3761548)
    allele_note: str = ""
    #: the GRCh38 allele's own c. name when it differs from ``hgvs_c`` (see ``allele_note``)
    hgvs_c_grch38: str = ""

    @property
    def is_classification(self) -> bool:
        """True for a ClinVar germline classification (the only rows a verdict may use)."""
        return self.assertion_type == "clinvar_germline" and bool(self.classification)

    @property
    def is_literature(self) -> bool:
        """Reported in IPEX patients (case report or UniProt humsavar), not a classification."""
        return self.assertion_type in ("literature_case_report", "uniprot_humsavar")

    def allele(self, build: Build) -> GenomicVariant | None:
        """The VCF-style allele in ``build``, or None when the row cannot be placed."""
        return self.alleles.get(build)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    file: str
    made: str
    origin: str
    source: str
    version: str
    sha256: str


@dataclass(frozen=True, slots=True)
class RefData:
    """Everything bundled, loaded once."""

    version: str
    root: str  #: directory the data was read from
    loci: Mapping[Build, Locus]
    transcripts: Mapping[Build, Transcript]
    assemblies: Mapping[Build, AssemblyFacts]
    contig_aliases: Mapping[str, str]  #: any accepted contig name -> canonical "X"/"Y"
    known: tuple[KnownVariant, ...]
    known_origin: str  #: "bundled" or the path of an installed update
    manifest: tuple[ManifestEntry, ...] = field(default=())
    #: sha256 of every file loaded, as verified at load ("installed known_variants.tsv" for an
    #: installed update): what a batch ``--resume`` fingerprint covers
    checksums: Mapping[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """The version and every loaded file's sha256, as one string (changes with the data)."""
        return ";".join([self.version, *(f"{k}={v}" for k, v in sorted(self.checksums.items()))])

    def locus(self, build: Build) -> Locus:
        return self.loci[build]

    def transcript(self, build: Build) -> Transcript:
        return self.transcripts[build]


# -- loading ----------------------------------------------------------------------------------


def data_root() -> Path:
    """Directory holding the bundled data (installed wheel or source checkout)."""
    here = Path(__file__).resolve().parent
    if (here / "_refdata").is_dir():  # an installed wheel (the package is a directory)
        return here / "_refdata"
    source_tree = here.parent / "refdata"
    if (source_tree / "MANIFEST.json").is_file():
        return source_tree
    from importlib import resources  # lazy (~15 ms): only a zip-imported package needs it

    try:
        packaged = resources.files("ipexcli").joinpath("_refdata")
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, NotADirectoryError):  # pragma: no cover - zipapp edge
        pass
    raise RefDataError(
        "the bundled reference data was not found",
        "Reinstall ipexcli (pip install --force-reinstall ipexcli)",
    )


def user_data_dir() -> Path:
    """Where ``ipex refdata update`` installs a refreshed known-variant table.

    ``IPEXCLI_DATA_DIR`` overrides the platform default (``$XDG_DATA_HOME/ipexcli`` or
    ``~/.local/share/ipexcli``).
    """
    override = os.environ.get("IPEXCLI_DATA_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ipexcli"


#: what to do when installed data does not match its manifest
RESET_HINT = (
    "Run `ipex refdata reset` to go back to the bundled table (then `ipex refdata update` to "
    "reinstall an update); `ipex refdata verify` lists every check"
)


def active_known_table(root: Path) -> tuple[Path, str]:
    """The known-variant table in use: an installed update if present, else the bundled one.

    An install with only one of its two files (``known_variants.tsv``, ``MANIFEST.json``) is
    damaged, not absent: :class:`RefDataError` (#15: it used to fall back to the bundled table
    silently).
    """
    directory = user_data_dir()
    installed, manifest = directory / "known_variants.tsv", directory / "MANIFEST.json"
    has_table, has_manifest = installed.is_file(), manifest.is_file()
    if has_table and has_manifest:
        return installed, str(installed)
    if has_table or has_manifest:
        missing = manifest if has_table else installed
        raise RefDataError(f"{missing}: missing from the installed reference data", RESET_HINT)
    return root / "known_variants.tsv", "bundled"


def check_installed_table(path: Path) -> str:
    """Check an installed known-variant table against its ``MANIFEST.json`` (size when the
    manifest records it, then sha256); returns its sha256 or raises :class:`RefDataError`
    naming the file. Cheap (one small file hashed), so it runs at every load (#15 case 5)."""
    manifest_path = path.parent / "MANIFEST.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entry = manifest["table"]
        expected_sha, expected_size = entry["sha256"], entry.get("bytes")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        detail = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise RefDataError(
            f"{manifest_path}: not a readable manifest of an installed table ({detail})",
            RESET_HINT,
        ) from None
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise RefDataError(f"{path}: cannot read ({exc.strerror or exc})", RESET_HINT) from None
    if expected_size is not None and len(blob) != expected_size:
        raise RefDataError(
            f"{path}: {len(blob)} bytes, its manifest {manifest_path.name} says {expected_size}: "
            "the installed known-variant table was changed or damaged",
            RESET_HINT,
        )
    import hashlib  # lazy: ~1 ms of import, only when an update is installed

    actual = hashlib.sha256(blob).hexdigest()
    if actual != expected_sha:
        raise RefDataError(
            f"{path}: sha256 {actual[:12]}... differs from its manifest {manifest_path.name} "
            f"({str(expected_sha)[:12]}...): the installed known-variant table was changed or "
            "damaged",
            RESET_HINT,
        )
    return actual


def check_bundled_files(root: Path, manifest: Mapping[str, object], names: list[str]) -> dict[
    str, str
]:
    """sha256 of each bundled file in ``names``, checked against ``MANIFEST.json``; raises
    :class:`RefDataError` naming the first file that differs (#15 case 5). ~80 KB hashed."""
    import hashlib

    expected = {
        str(e["file"]): str(e["sha256"])
        for e in manifest.get("files", [])  # type: ignore[attr-defined]
    }
    out = {}
    for name in names:
        path = root / name
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise RefDataError(
                f"{path}: cannot read ({exc.strerror or exc})", "Reinstall ipexcli"
            ) from None
        if expected.get(name) != actual:
            raise RefDataError(
                f"{path}: sha256 differs from the bundled manifest (the file was changed or "
                "damaged)",
                "Reinstall ipexcli (pip install --force-reinstall ipexcli); "
                "`ipex refdata verify` lists every check",
            )
        out[name] = actual
    return out


@dataclass(frozen=True, slots=True)
class KnownTableStatus:
    """Which known-variant table is active, and where its classifications come from."""

    origin: str  #: "bundled", or the path of the installed table (as in ``RefData.known_origin``)
    path: Path
    source: str  #: e.g. "bundled with ipexcli" or "ClinVar VCF release 2024-02-14"
    date: str  #: release date of the installed table, or the bundled refdata version
    rows: int
    urls: tuple[str, ...] = ()
    #: True when the installed table was merged with a bundled table other than the current one
    stale: bool = False


def known_table_status(root: Path | None = None) -> KnownTableStatus:
    """Describe the active known-variant table (reads small files only; no network)."""
    root = root or data_root()
    path, origin = active_known_table(root)
    rows = len(_read_tsv(path))
    if origin == "bundled":
        manifest = _read_json(root / "MANIFEST.json")
        snapshot = manifest.get("known_variants", {}).get("snapshot", "")
        detail = snapshot.removeprefix("bundled").strip()
        source = "bundled table" + (f" {detail}" if detail else "")
        return KnownTableStatus(origin, path, source, manifest.get("refdata_version", ""), rows)
    installed = _read_json(path.parent / "MANIFEST.json")
    bundled_sha = sha256_file(root / "known_variants.tsv")
    date = str(installed.get("release_date", ""))
    return KnownTableStatus(
        origin=origin,
        path=path,
        source=f"{installed.get('source', 'unknown source')} release {date}",
        date=date,
        rows=rows,
        urls=tuple(str(d.get("url", "")) for d in installed.get("downloads", [])),
        stale=installed.get("bundled_table_sha256") not in (None, bundled_sha),
    )


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RefDataError(f"{path}: cannot read ({exc})", "Run: ipex refdata verify") from exc


def _read_tsv(path: Path) -> list[dict[str, str]]:
    import csv  # lazy: only the known-variant table needs it

    try:
        lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    except OSError as exc:
        raise RefDataError(f"{path}: cannot read ({exc})", "Run: ipex refdata verify") from exc
    return list(csv.DictReader(lines, delimiter="\t"))


def _exon_from_json(entry: dict) -> Exon:
    cds_lo, cds_hi = entry["cds_pos_start"], entry["cds_pos_end"]
    return Exon(
        number=entry["number"],
        start=entry["pos_start"] - 1,
        end=entry["pos_end"],
        tx_start=entry["tx_start"],
        tx_end=entry["tx_end"],
        cds_start=None if cds_lo is None else cds_lo - 1,
        cds_end=None if cds_hi is None else cds_hi,
    )


def _load_transcripts(root: Path, cdna: str, protein: str) -> dict[Build, Transcript]:
    model = _read_json(root / "transcript.json")
    features = tuple(
        ProteinFeature(f["name"], f["kind"], f["aa_start"], f["aa_end"], f["source"])
        for f in model["protein_features"]
    )
    polya = (model["polya_signal"]["tx_start"], model["polya_signal"]["tx_end"])
    alternatives = tuple(
        (item["transcript"], tuple(item["lacks_exons"]))
        for item in model.get("alternative_transcripts", ())
    )
    out = {}
    for build in Build:
        entry = model["builds"][build.value]
        overlapping = tuple(
            Interval(item["name"], item[build.value][0] - 1, item[build.value][1])
            for item in model["overlapping_features"]
        )
        out[build] = Transcript(
            id=model["transcript"],
            protein_id=model["protein"],
            gene=model["gene"],
            build=build,
            accession=entry["accession"],
            strand=entry["strand"],
            start=entry["tx_pos_start"] - 1,
            end=entry["tx_pos_end"],
            cds_start=entry["cds_pos_start"] - 1,
            cds_end=entry["cds_pos_end"],
            cds_tx_start=model["cds_tx_start"],
            cds_tx_end=model["cds_tx_end"],
            exons=tuple(_exon_from_json(e) for e in entry["exons"]),
            cdna=cdna,
            protein=protein,
            features=features,
            overlapping=overlapping,
            polya_signal=polya,
            ensembl_id=model["ensembl_transcript"],
            biotype=model["biotype"],
            gene_id=model["hgnc_id"],
            alternative_transcripts=alternatives,
        )
    return out


def _load_assemblies(root: Path) -> tuple[dict[Build, AssemblyFacts], dict[str, str]]:
    data = _read_json(root / "assembly.json")
    facts = {}
    aliases: dict[str, str] = {}
    for build in Build:
        entry = data["builds"][build.value]
        par = {
            chrom: tuple(
                Interval(r["name"], r["pos_start"] - 1, r["pos_end"]) for r in regions
            )
            for chrom, regions in entry["par"].items()
        }
        facts[build] = AssemblyFacts(
            build=build,
            lengths=MappingProxyType(dict(entry["lengths"])),
            accessions=MappingProxyType(dict(entry["accessions"])),
            par=MappingProxyType(par),
        )
        for chrom, names in data["contig_aliases"][build.value].items():
            for name in names:
                aliases[name] = chrom
                aliases[name.lower()] = chrom
    return facts, aliases


def parse_known_rows(rows: list[dict[str, str]]) -> tuple[KnownVariant, ...]:
    """Turn known-variant table rows (``known_variants.tsv`` layout) into model objects."""
    known = []
    for row in rows:
        alleles = {}
        for build in Build:
            key = build.value.lower()
            if row.get(f"{key}_pos"):
                alleles[build] = GenomicVariant(
                    build, int(row[f"{key}_pos"]), row[f"{key}_ref"], row[f"{key}_alt"]
                )
        stars = row.get("review_stars", "")
        known.append(
            KnownVariant(
                id=row["id"],
                hgvs_c=row["hgvs_c"],
                hgvs_c_as_stated=row["hgvs_c_as_stated"],
                hgvs_p=row["hgvs_p"],
                alleles=MappingProxyType(alleles),
                rsid=row["rsid"],
                clinvar=row["clinvar"],
                classification=row["classification"],
                classification_source=row["classification_source"],
                classification_date=row["classification_date"],
                review_status=row["review_status"],
                review_stars=int(stars) if stars else None,
                condition=row["condition"],
                evidence_tier=row["evidence_tier"],
                computed_fields=row["computed_fields"],
                population=row["population"],
                note=row["note"],
                source=row["source"],
                source_url=row["source_url"],
                assertion_type=row.get("assertion_type") or _assertion_type_v1(row),
                classification_date_kind=row.get("classification_date_kind", ""),
                humsavar_category=row.get("humsavar_category", ""),
                review_note=row.get("review_note", ""),
                allele_note=row.get("allele_note", ""),
                hgvs_c_grch38=row.get("hgvs_c_grch38", ""),
            )
        )
    return tuple(known)


#: what a known-variant row may assert (NOTES.md, "Known-variant table, version 2")
ASSERTION_TYPES = (
    "clinvar_germline", "literature_case_report", "uniprot_humsavar", "association_study",
)


def _assertion_type_v1(row: dict[str, str]) -> str:
    """The assertion type of a row of a version-1 table (no such column), from its source: a
    ClinVar snapshot is a classification, a UniProt humsavar category is not, and a row without
    a classification is a literature report."""
    source = row.get("classification_source", "")
    if source.startswith("ClinVar"):
        return "clinvar_germline"
    if "humsavar" in source:
        return "uniprot_humsavar"
    return "literature_case_report"


def load_from(root: Path, installed: bool = True) -> RefData:
    """Load the reference data from directory ``root`` (no caching; see :func:`load`).

    Every file read is first checked against its manifest (sha256; #15 case 5): the bundled
    files against ``root/MANIFEST.json``, an installed known-variant table (``ipex refdata
    update``) against its own. A mismatch is a :class:`RefDataError` naming the file.
    ``installed=False`` ignores any installed table (``ipex refdata update`` itself, which must
    work over a damaged install).
    """
    manifest = _read_json(root / "MANIFEST.json")
    known_path, origin = active_known_table(root) if installed else (
        root / "known_variants.tsv", "bundled"
    )
    checked = [*_LOCUS_FILES.values(), "NM_014009.4.cdna.fa", "NP_054728.2.prot.fa",
               "transcript.json", "assembly.json"]
    if origin == "bundled":
        checked.append("known_variants.tsv")
    checksums = check_bundled_files(root, manifest, checked)
    if origin != "bundled":
        checksums[f"installed {known_path.name}"] = check_installed_table(known_path)
    loci = {}
    for build, name in _LOCUS_FILES.items():
        header, sequence = read_single_fasta(root / name)
        # header is "chrX:START-END": START is the 1-based position of the first base
        span = header.split(":", 1)[1]
        pos_start, pos_end = (int(x) for x in span.split("-"))
        if pos_end - pos_start + 1 != len(sequence):
            raise RefDataError(f"{root / name}: header span {span} disagrees with its length")
        accession = "NC_000023.11" if build is Build.GRCH38 else "NC_000023.10"
        loci[build] = Locus(build, accession, pos_start - 1, sequence)
    _, cdna = read_single_fasta(root / "NM_014009.4.cdna.fa")
    _, protein = read_single_fasta(root / "NP_054728.2.prot.fa")
    transcripts = _load_transcripts(root, cdna, protein)
    assemblies, aliases = _load_assemblies(root)
    known = parse_known_rows(_read_tsv(known_path))
    entries = tuple(
        ManifestEntry(
            e["file"], e["made"], e["from"], e["source"], e["version"], e["sha256"]
        )
        for e in manifest["files"]
    )
    return RefData(
        version=manifest["refdata_version"],
        root=str(root),
        loci=MappingProxyType(loci),
        transcripts=MappingProxyType(transcripts),
        assemblies=MappingProxyType(assemblies),
        contig_aliases=MappingProxyType(aliases),
        known=known,
        known_origin=origin,
        manifest=entries,
        checksums=MappingProxyType(checksums),
    )


@lru_cache(maxsize=1)
def load() -> RefData:
    """The bundled reference data (loaded once per process)."""
    return load_from(data_root())


@lru_cache(maxsize=1)
def load_bundled() -> RefData:
    """The bundled data without any installed table: what ``ipex refdata update`` builds on
    (it must be able to replace a damaged install)."""
    return load_from(data_root(), installed=False)


def canonical_chrom(contig: str) -> str | None:
    """``"X"``/``"Y"`` for any accepted alias of chrX/chrY in either build, else None.

    >>> canonical_chrom("chrX"), canonical_chrom("NC_000023.10"), canonical_chrom("23")
    ('X', 'X', 'X')
    >>> canonical_chrom("chr7") is None
    True
    """
    return _aliases().get(contig) or _aliases().get(contig.lower())


@lru_cache(maxsize=1)
def _aliases() -> Mapping[str, str]:
    # read assembly.json only (cheap): contig names are needed before any sequence is
    _, aliases = _load_assemblies(data_root())
    return MappingProxyType(aliases)


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One verification result."""

    name: str
    ok: bool
    detail: str


def sha256_file(path: Path) -> str:
    import hashlib  # lazy: only verification and the update status hash files

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(root: Path | None = None) -> list[Check]:
    """Check every bundled file's sha256 against the manifest, then the data's consistency.

    Consistency: the exons splice to the NM_014009.4 cDNA and the CDS translates to the 431-aa
    NP_054728.2 protein in both builds; the exon sequences are identical in GRCh37 and GRCh38; every
    known variant's REF matches the bundled sequence of each build it is placed in.
    """
    root = root or data_root()
    checks: list[Check] = []
    manifest = _read_json(root / "MANIFEST.json")
    corrupt = False
    for entry in manifest["files"]:
        path = root / entry["file"]
        if not path.is_file():
            checks.append(Check(f"sha256 {entry['file']}", False, f"{path} is missing"))
            corrupt = True
            continue
        actual = sha256_file(path)
        ok = actual == entry["sha256"]
        corrupt |= not ok
        detail = "ok" if ok else f"{path}: sha256 {actual} != manifest {entry['sha256']}"
        checks.append(Check(f"sha256 {entry['file']}", ok, detail))
    if corrupt:
        return checks  # do not interpret data that failed its checksum
    installed = installed_table_checks(root)
    checks.extend(installed)
    if not all(check.ok for check in installed):
        return checks
    try:
        data = load_from(root)
    except RefDataError as exc:
        return [*checks, Check("load", False, str(exc))]
    checks.extend(consistency_checks(data))
    return checks


def installed_table_checks(root: Path) -> list[Check]:
    """The installed known-variant table (``ipex refdata update``) against its own manifest."""
    try:
        path, origin = active_known_table(root)
    except RefDataError as exc:
        return [Check("installed known-variant table", False, str(exc))]
    if origin == "bundled":
        return []
    try:
        check_installed_table(path)
    except RefDataError as exc:
        return [Check(f"sha256 installed {path.name}", False, str(exc))]
    return [Check(f"sha256 installed {path.name}", True, "ok")]


def consistency_checks(data: RefData) -> list[Check]:
    """The internal-consistency part of :func:`verify`, on loaded data."""
    checks = []
    exon_seqs = {}
    for build in Build:
        tx, locus = data.transcript(build), data.locus(build)
        spliced = tx.spliced_sequence(locus)
        exon_seqs[build] = spliced
        checks.append(
            Check(
                f"exons splice to {tx.id} ({build})",
                spliced == tx.cdna,
                f"{len(spliced)} nt spliced vs {len(tx.cdna)} nt cDNA",
            )
        )
        cds = spliced[tx.cds_tx_start - 1 : tx.cds_tx_end]
        protein = translate(cds)
        ok = protein == tx.protein + "*" and "*" not in protein[:-1] and cds.startswith("ATG")
        checks.append(
            Check(
                f"CDS translates to {tx.protein_id} ({build})",
                ok,
                f"{len(cds)} nt -> {len(protein) - 1} aa + stop (expected {len(tx.protein)} aa)",
            )
        )
    checks.append(
        Check(
            "GRCh37 and GRCh38 exons agree",
            exon_seqs[Build.GRCH37] == exon_seqs[Build.GRCH38]
            and [e.length for e in data.transcript(Build.GRCH37).exons]
            == [e.length for e in data.transcript(Build.GRCH38).exons],
            f"{len(data.transcript(Build.GRCH38).exons)} exons, identical sequence and lengths",
        )
    )
    bad = []
    placed = 0
    for variant in data.known:
        for build, allele in variant.alleles.items():
            placed += 1
            locus = data.locus(build)
            if not locus.contains(allele.start, allele.end):
                bad.append(f"{variant.id} {build}: outside locus")
            elif (found := locus.fetch(allele.start, allele.end)) != allele.ref:
                bad.append(f"{variant.id} {build}: REF {allele.ref} != bundled {found}")
    checks.append(
        Check(
            "known-variant REF alleles match the bundled sequence",
            not bad,
            "; ".join(bad) if bad else f"{placed} alleles in {len(data.known)} rows checked",
        )
    )
    return checks
