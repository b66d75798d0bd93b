"""Helpers for the update tests: a scripted HTTP server for 127.0.0.1 and ClinVar VCFs built from
facts of the bundled known-variant table (no internet is ever used)."""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# -- the loopback HTTP server -----------------------------------------------------------------


@dataclass
class Reply:
    """One scripted answer. ``cut_at``: send that many body bytes then reset the connection;
    ``delay``: seconds to wait before answering (for timeouts)."""

    status: int = 200
    body: bytes = b""
    cut_at: int | None = None
    delay: float = 0.0
    content_length: bool = True
    trickle: float = 0.0  #: seconds between 256-byte pieces of the body (a slow download)


@dataclass
class Script:
    """path -> replies, consumed in order (the last one repeats); requests are logged."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)  # (path, headers text)

    def set(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def next(self, path: str) -> Reply:
        replies = self.routes.get(path)
        if not replies:
            return Reply(status=404, body=b"not found")
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        return sum(1 for logged, _ in self.log if logged == path)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        script: Script = self.server.script  # type: ignore[attr-defined]
        script.log.append((self.path, str(self.headers)))
        reply = script.next(self.path)
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        if reply.content_length:
            self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Content-Type", "application/octet-stream")
        if not reply.content_length:
            self.send_header("Connection", "close")
        self.end_headers()
        if reply.cut_at is not None:
            self.wfile.write(reply.body[: reply.cut_at])
            self.wfile.flush()
            # RST instead of FIN: the client sees "connection reset" mid-body
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.close_connection = True
            return
        if reply.trickle:
            for offset in range(0, len(reply.body), 256):
                self.wfile.write(reply.body[offset : offset + 256])
                self.wfile.flush()
                time.sleep(reply.trickle)
        else:
            self.wfile.write(reply.body)
        if not reply.content_length:
            self.close_connection = True


class QuietServer(ThreadingHTTPServer):
    """Clients hanging up mid-reply is what these tests provoke: not worth a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Server:
    script: Script
    base: str

    def url(self, path: str) -> str:
        return self.base + path


# -- ClinVar VCF fixtures built from the bundled table ----------------------------------------

HEADER = (
    "##fileformat=VCFv4.1\n"
    "##fileDate={date}\n"
    "##source=ClinVar\n"
    "##reference={build}\n"
    '##ID=<Description="ClinVar Variation ID">\n'
    '##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar\'s preferred disease name">\n'
    '##INFO=<ID=CLNHGVS,Number=.,Type=String,Description="Top-level (primary assembly, alt, '
    'or patch) HGVS expression.">\n'
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status">\n'
    '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Aggregate germline classification">\n'
    '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant">\n'
    '##INFO=<ID=RS,Number=.,Type=String,Description="dbSNP ID (i.e. rs number)">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)

IPEX_TRAIT = "Insulin-dependent_diabetes_mellitus_secretory_diarrhea_syndrome"


@dataclass(frozen=True)
class Fact:
    """One ClinVar variation as the bundled table records it (KV row) in both builds.

    ``hgvs_g`` are the 3'-shifted g. descriptions, read by hand off the bundled sequence.
    """

    kv: str
    variation_id: int
    grch38: tuple[int, str, str]
    grch37: tuple[int, str, str]
    hgvs_g: tuple[str, str]
    clnsig: str
    revstat: str
    clndn: str
    rs: str = ""


FACTS = (
    # KV01 c.1189C>T p.Arg397Trp, VCV000011407 (2 stars, P)
    Fact("KV01", 11407, (49251441, "G", "A"), (49107902, "G", "A"),
         ("NC_000023.11:g.49251441G>A", "NC_000023.10:g.49107902G>A"), "Pathogenic",
         "criteria_provided,_multiple_submitters,_no_conflicts", IPEX_TRAIT, "28935477"),
    # KV02 c.1190G>A p.Arg397Gln, VCV000379222 (P/LP, 2 stars)
    Fact("KV02", 379222, (49251440, "C", "T"), (49107901, "C", "T"),
         ("NC_000023.11:g.49251440C>T", "NC_000023.10:g.49107901C>T"),
         "Pathogenic/Likely_pathogenic", "criteria_provided,_multiple_submitters,_no_conflicts",
         IPEX_TRAIT, "1057520529"),
    # KV05 c.751_753del p.Glu251del, Variation 11413: VCF TCTC>T left-aligned; the sequence is
    # ...CAGCT T[CTC]CTTCTCC... so the 3'-most deleted CTC -> CCT is g.49255494_49255496
    Fact("KV05", 11413, (49255491, "TCTC", "T"), (49111952, "TCTC", "T"),
         ("NC_000023.11:g.49255494_49255496del", "NC_000023.10:g.49111955_49111957del"),
         "Pathogenic", "no_assertion_criteria_provided", IPEX_TRAIT),
    # KV06 c.1117_1118delinsGC p.Phe373Ala, Variation 11415
    Fact("KV06", 11415, (49251692, "AA", "GC"), (49108153, "AA", "GC"),
         ("NC_000023.11:g.49251692_49251693delinsGC", "NC_000023.10:g.49108153_49108154delinsGC"),
         "Pathogenic", "no_assertion_criteria_provided", IPEX_TRAIT, "122467172"),
    # KV13 c.543C>T p.Ser181=, Variation 129111 (Likely benign, 1 star)
    Fact("KV13", 129111, (49256855, "G", "A"), (49113312, "G", "A"),
         ("NC_000023.11:g.49256855G>A", "NC_000023.10:g.49113312G>A"), "Likely_benign",
         "criteria_provided,_single_submitter", "not_specified|AllHighlyPenetrant"),
)

#: KV03 c.1150G>A, Variation 11410: real position, REF written as the ALT base (contradiction)
BAD_REF = Fact("KV03", 11410, (49251480, "T", "C"), (49107941, "T", "C"),
               ("NC_000023.11:g.49251480T>C", "NC_000023.10:g.49107941T>C"),
               "Pathogenic/Likely_pathogenic",
               "criteria_provided,_multiple_submitters,_no_conflicts", IPEX_TRAIT, "122467170")

#: a real non-FOXP3 ClinVar GRCh37 line (MUTYH), to count records read outside chrX
OTHER_GENE_GRCH37 = (
    "1\t45794974\t479982\tG\tC\t.\t.\tCLNDN=Hereditary_cancer-predisposing_syndrome|not_provided;"
    "CLNHGVS=NC_000001.10:g.45794974G>C;CLNREVSTAT=criteria_provided,_multiple_submitters,"
    "_no_conflicts;CLNSIG=Uncertain_significance;GENEINFO=MUTYH:4595;RS=758118037\n"
)


def record_line(fact: Fact, build: str) -> str:
    pos, ref, alt = fact.grch38 if build == "GRCh38" else fact.grch37
    hgvs = fact.hgvs_g[0] if build == "GRCh38" else fact.hgvs_g[1]
    info = [f"CLNDN={fact.clndn}", f"CLNHGVS={hgvs}", f"CLNREVSTAT={fact.revstat}",
            f"CLNSIG={fact.clnsig}", "GENEINFO=FOXP3:50943"]
    if fact.rs:
        info.append(f"RS={fact.rs}")
    return f"X\t{pos}\t{fact.variation_id}\t{ref}\t{alt}\t.\t.\t{';'.join(info)}\n"


def clinvar_vcf(build: str, facts=FACTS, date: str = "2024-02-14", extra: str = "") -> bytes:
    """A gzipped ClinVar-layout VCF with ``facts`` in ``build`` (sorted by position)."""
    key = (lambda f: f.grch38[0]) if build == "GRCh38" else (lambda f: f.grch37[0])
    lines = [HEADER.format(date=date, build=build)]
    if build == "GRCh37":
        lines.append(OTHER_GENE_GRCH37)
    lines.extend(record_line(f, build) for f in sorted(facts, key=key))
    lines.append(extra)
    return gzip.compress("".join(lines).encode(), mtime=0)


def md5_file(body: bytes, name: str = "clinvar.vcf.gz") -> bytes:
    return f"{hashlib.md5(body).hexdigest()}  {name}\n".encode()


def tree_digest(data_dir: Path, *roots: Path) -> dict[str, str]:
    """sha256 of every file under ``data_dir`` and ``roots``, plus the names beside ``data_dir``
    (so a stray staging or backup directory is noticed)."""
    out: dict[str, str] = {}
    if data_dir.parent.is_dir():
        for entry in sorted(data_dir.parent.iterdir()):
            out[f"listing:{entry.name}"] = "dir" if entry.is_dir() else "file"
    for root in (data_dir, *roots):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


