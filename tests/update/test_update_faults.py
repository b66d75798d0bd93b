"""`ipex refdata update` against a real HTTP server on 127.0.0.1: success and every failure mode.

After every failure the active data (installed table, its directory's surroundings and the
bundled data) must be byte-identical to before.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.errors import UpdateError
from ipexcli.model import Build
from ipexcli.update import DownloadPolicy, run_update

from .update_helpers import BAD_REF, FACTS, Reply, clinvar_vcf, md5_file, tree_digest

P38, P37 = "/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz", "/pub/clinvar/vcf_GRCh37/clinvar.vcf.gz"
FAST = DownloadPolicy(connect_timeout=0.5, read_timeout=0.5, tries=3, backoff=0.01)
RELEASE = "2024-02-14"


def _serve(server, facts=FACTS, date=RELEASE, md5=True) -> tuple[bytes, bytes]:
    body38, body37 = clinvar_vcf("GRCh38", facts, date), clinvar_vcf("GRCh37", facts, date)
    server.script.set(P38, Reply(body=body38))
    server.script.set(P37, Reply(body=body37))
    for path, body in ((P38, body38), (P37, body37)):
        server.script.set(path + ".md5", Reply(body=md5_file(body)) if md5 else Reply(status=404))
    return body38, body37


def _urls(server) -> dict[Build, str]:
    return {Build.GRCH38: server.url(P38), Build.GRCH37: server.url(P37)}


def _table(path: Path) -> dict[str, dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return {row["id"]: row for row in csv.DictReader(lines, delimiter="\t")}


def _known_columns() -> list[str]:
    spec = importlib.util.spec_from_file_location(
        "refdata_build", refdata.data_root() / "build.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KNOWN_COLUMNS


@pytest.fixture
def installed(http_server, data_dir, loopback_only):
    """A first successful update, so failures can be shown to keep it intact."""
    _serve(http_server)
    run_update(_urls(http_server), FAST, data_dir)
    http_server.script.log.clear()
    return data_dir


def test_success_installs_clinvar_classifications(http_server, data_dir, loopback_only):
    _serve(http_server)
    result = run_update(_urls(http_server), FAST, data_dir)

    assert result.release_date == RELEASE
    assert result.accepted == len(FACTS) == 5
    assert (result.updated, result.added, result.kept, result.rows) == (5, 0, 25, 30)
    assert [d.md5_status for d in result.downloads] == ["verified", "verified"]
    table = data_dir / "known_variants.tsv"
    header = next(line for line in table.read_text().splitlines() if not line.startswith("#"))
    assert header.split("\t") == _known_columns()

    rows = _table(table)
    kv01 = rows["KV01"]
    assert kv01["classification"] == "Pathogenic"
    assert kv01["classification_source"] == f"ClinVar VCF release {RELEASE}"
    assert kv01["classification_date"] == RELEASE
    assert kv01["review_status"] == "criteria provided, multiple submitters, no conflicts"
    assert kv01["review_stars"] == "2"
    # #12: the installed table has the v2 shape: what the row asserts, what its date is
    assert (kv01["assertion_type"], kv01["classification_date_kind"]) == (
        "clinvar_germline", "clinvar_release"
    )
    assert kv01["clinvar"] == "VCV000011407 (Variation ID 11407)"
    assert (kv01["grch38_pos"], kv01["grch37_pos"]) == ("49251441", "49107902")
    assert kv01["hgvs_c"] == "c.1189C>T"  # literature fields kept
    kv05 = rows["KV05"]  # Variation ID 11413: stars 0, ClinVar's trait name
    assert (kv05["review_stars"], kv05["review_status"]) == ("0", "no assertion criteria provided")
    assert kv05["condition"] == IPEX_TRAIT_WORDS
    kv13 = rows["KV13"]
    assert (kv13["classification"], kv13["review_stars"]) == ("Likely benign", "1")
    assert kv13["condition"] == "not specified; AllHighlyPenetrant"
    kv02 = rows["KV02"]  # same classification as bundled: source/date now the release
    assert kv02["classification"] == "Pathogenic/Likely pathogenic"
    assert kv02["classification_date"] == RELEASE
    bundled = _table(refdata.data_root() / "known_variants.tsv")
    assert rows["KV07"] == bundled["KV07"]  # no ClinVar record: exactly as bundled
    assert rows["KV24"] == bundled["KV24"]
    assert rows["KV24"]["assertion_type"] == "uniprot_humsavar"  # no ClinVar record: kept

    manifest = json.loads((data_dir / "MANIFEST.json").read_text())
    assert manifest["release_date"] == RELEASE
    assert manifest["table"]["sha256"] == refdata.sha256_file(table)
    assert manifest["counts"]["records_read"] == {"GRCh38": 5, "GRCh37": 6}
    assert manifest["counts"]["foxp3_records"] == {"GRCh38": 5, "GRCh37": 5}
    assert manifest["counts"]["variations_accepted"] == 5
    assert manifest["counts"]["hgvs_checks"]["GRCh38"] == {"same": 5}
    assert [d["url"] for d in manifest["downloads"]] == [http_server.url(P38), http_server.url(P37)]
    assert sorted(p.name for p in data_dir.iterdir()) == ["MANIFEST.json", "known_variants.tsv"]
    assert sorted(p.name for p in data_dir.parent.iterdir()) == ["ipexcli"]  # no leftovers

    # the loader now uses the installed table, and it passes the bundled consistency checks
    data = refdata.load_from(refdata.data_root())
    assert data.known_origin == str(table)
    assert all(check.ok for check in refdata.consistency_checks(data))
    status = refdata.known_table_status()
    assert (status.source, status.date, status.stale) == (
        f"ClinVar VCF release {RELEASE}", RELEASE, False
    )

    # the requests carried nothing but the URL: GETs of the four paths, no credentials
    assert [path for path, _ in http_server.script.log] == [P38, P38 + ".md5", P37, P37 + ".md5"]
    for _, headers in http_server.script.log:
        assert "authorization" not in headers.lower() and "cookie" not in headers.lower()


IPEX_TRAIT_WORDS = "Insulin-dependent diabetes mellitus secretory diarrhea syndrome"


def _fails(server, data_dir, match: str, policy: DownloadPolicy = FAST) -> UpdateError:
    before = tree_digest(data_dir, refdata.data_root())
    with pytest.raises(UpdateError, match=match) as caught:
        run_update(_urls(server), policy, data_dir)
    assert tree_digest(data_dir, refdata.data_root()) == before
    assert "\n" not in str(caught.value)  # one line
    return caught.value


def test_404_fails_at_once_and_keeps_the_install(http_server, installed):
    http_server.script.set(P38, Reply(status=404, body=b"gone"))
    _fails(http_server, installed, "HTTP 404")
    assert http_server.script.hits(P38) == 1  # a 4xx is not retried


def test_404_with_nothing_installed_leaves_nothing(http_server, data_dir, loopback_only):
    http_server.script.set(P38, Reply(status=404))
    _fails(http_server, data_dir, "HTTP 404")
    assert not data_dir.exists()


def test_500_then_success_is_retried(http_server, data_dir, loopback_only):
    body38, _ = _serve(http_server)
    http_server.script.set(P38, Reply(status=500), Reply(body=body38))
    result = run_update(_urls(http_server), FAST, data_dir)
    assert http_server.script.hits(P38) == 2
    assert result.accepted == 5


def test_500_every_time_gives_up_after_three_tries(http_server, installed):
    http_server.script.set(P38, Reply(status=503))
    error = _fails(http_server, installed, r"HTTP 503.*gave up after 3 attempts")
    assert http_server.script.hits(P38) == 3
    assert "mirror" in str(error)


def test_connection_reset_mid_body(http_server, installed):
    body38, _ = _serve(http_server)
    http_server.script.set(P38, Reply(body=body38, cut_at=len(body38) // 2))
    _fails(http_server, installed, r"connection failed or was cut|body ended")
    assert http_server.script.hits(P38) == 3


def test_connection_reset_once_then_success(http_server, data_dir, loopback_only):
    body38, _ = _serve(http_server)
    http_server.script.set(P38, Reply(body=body38, cut_at=100), Reply(body=body38))
    assert run_update(_urls(http_server), FAST, data_dir).accepted == 5


def test_truncated_gzip_without_published_md5(http_server, installed):
    body38, _ = _serve(http_server, md5=False)
    http_server.script.set(P38, Reply(body=body38[: len(body38) - 40]))  # whole (short) file
    _fails(http_server, installed, "damaged gzip data")


def test_corrupt_gzip_without_published_md5(http_server, installed):
    body38, _ = _serve(http_server, md5=False)
    middle = len(body38) // 2
    corrupt = body38[:middle] + bytes(b ^ 0xFF for b in body38[middle : middle + 8])
    http_server.script.set(P38, Reply(body=corrupt + body38[middle + 8 :]))
    _fails(http_server, installed, "damaged gzip data")


def test_wrong_checksum(http_server, installed):
    _serve(http_server)
    http_server.script.set(P37 + ".md5", Reply(body=md5_file(b"another file")))
    _fails(http_server, installed, "checksum mismatch")


def test_slow_server_past_the_timeout(http_server, installed):
    body38, _ = _serve(http_server)
    http_server.script.set(P38, Reply(body=body38, delay=1.0))
    policy = DownloadPolicy(connect_timeout=0.5, read_timeout=0.3, tries=2, backoff=0.01)
    _fails(http_server, installed, r"timed out .*read 0.3 s.*gave up after 2 attempts", policy)


def test_server_body_is_not_a_vcf(http_server, installed):
    _serve(http_server, md5=False)
    http_server.script.set(P38, Reply(body=b"<html>maintenance</html>"))
    _fails(http_server, installed, "not a VCF")


def test_records_contradicting_the_reference_are_rejected_and_counted(
    http_server, data_dir, loopback_only
):
    _serve(http_server, facts=(*FACTS, BAD_REF))
    result = run_update(_urls(http_server), FAST, data_dir)
    reason = "REF contradicts the bundled sequence"
    assert result.accepted == 5
    assert dict(result.rejected) == {reason: 1}
    assert [dict(s.reject_counts) for s in result.scans] == [{reason: 1}, {reason: 1}]
    rows = _table(data_dir / "known_variants.tsv")
    bundled = _table(refdata.data_root() / "known_variants.tsv")
    assert rows["KV03"] == bundled["KV03"]  # Variation 11410 not taken from the bad record
    counts = json.loads((data_dir / "MANIFEST.json").read_text())["counts"]
    assert counts["variations_rejected"] == {reason: 1}
    assert counts["records_rejected"]["GRCh37"] == {reason: 1}


def test_a_release_with_only_bad_records_changes_nothing(http_server, installed):
    _serve(http_server, facts=(BAD_REF,))
    _fails(http_server, installed, "no valid FOXP3 records")


def test_builds_from_different_releases_are_refused(http_server, installed):
    _serve(http_server)
    other = clinvar_vcf("GRCh37", FACTS, "2024-02-20")
    http_server.script.set(P37, Reply(body=other))
    http_server.script.set(P37 + ".md5", Reply(body=md5_file(other)))
    _fails(http_server, installed, "different ClinVar releases")


def test_swapped_build_urls_are_refused(http_server, installed):
    _serve(http_server)
    urls = {Build.GRCH38: http_server.url(P37), Build.GRCH37: http_server.url(P38)}
    before = tree_digest(installed, refdata.data_root())
    with pytest.raises(UpdateError, match="is a GRCh37 ClinVar VCF but was given for GRCh38"):
        run_update(urls, FAST, installed)
    assert tree_digest(installed, refdata.data_root()) == before


def test_interrupt_during_update_leaves_no_staging(http_server, installed):
    _serve(http_server)
    before = tree_digest(installed, refdata.data_root())

    def interrupt(message: str) -> None:
        if "scanning" in message:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_update(_urls(http_server), FAST, installed, progress=interrupt)
    assert tree_digest(installed, refdata.data_root()) == before


def test_file_url_mirror_with_md5(tmp_path, data_dir, no_sockets):
    for build in ("GRCh38", "GRCh37"):
        folder = tmp_path / "mirror" / build
        folder.mkdir(parents=True)
        body = clinvar_vcf(build)
        (folder / "clinvar.vcf.gz").write_bytes(body)
        (folder / "clinvar.vcf.gz.md5").write_bytes(md5_file(body))
    urls = {
        b: (tmp_path / "mirror" / b.value / "clinvar.vcf.gz").as_uri() for b in Build
    }
    result = run_update(urls, FAST, data_dir)
    assert result.accepted == 5
    assert [d.md5_status for d in result.downloads] == ["verified", "verified"]


def test_file_url_plain_vcf_without_md5(tmp_path, data_dir, no_sockets):
    urls = {}
    for build in Build:
        path = tmp_path / f"clinvar.{build.value}.vcf"
        path.write_bytes(gzip.decompress(clinvar_vcf(build.value)))
        urls[build] = path.as_uri()
    result = run_update(urls, FAST, data_dir)
    assert [d.md5_status for d in result.downloads] == ["not published", "not published"]


def test_missing_file_url(tmp_path, installed):
    urls = {b: (tmp_path / "absent.vcf.gz").as_uri() for b in Build}
    before = tree_digest(installed, refdata.data_root())
    with pytest.raises(UpdateError, match="cannot read"):
        run_update(urls, FAST, installed)
    assert tree_digest(installed, refdata.data_root()) == before


def test_unsupported_scheme(data_dir):
    urls = {b: "ftp://ftp.ncbi.nlm.nih.gov/pub/clinvar/clinvar.vcf.gz" for b in Build}
    with pytest.raises(UpdateError, match="unsupported URL scheme 'ftp'"):
        run_update(urls, FAST, data_dir)


def test_refuses_a_data_dir_with_foreign_files(http_server, data_dir, loopback_only):
    data_dir.mkdir()
    (data_dir / "thesis.docx").write_text("not ours")
    _serve(http_server)
    with pytest.raises(UpdateError, match="holds files ipexcli did not write"):
        run_update(_urls(http_server), FAST, data_dir)
    assert (data_dir / "thesis.docx").read_text() == "not ours"
    assert http_server.script.log == []  # refused before any download


def test_connection_refused_is_retried_then_reported(data_dir, loopback_only):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    urls = {b: f"http://127.0.0.1:{port}/clinvar.vcf.gz" for b in Build}
    before = tree_digest(data_dir, refdata.data_root())
    with pytest.raises(UpdateError, match=r"connection failed.*gave up after 3 attempts"):
        run_update(urls, FAST, data_dir)
    assert tree_digest(data_dir, refdata.data_root()) == before


def test_tls_failure_is_not_retried_and_says_so(http_server, installed):
    _serve(http_server)
    https = {b: u.replace("http://", "https://") for b, u in _urls(http_server).items()}
    before = tree_digest(installed, refdata.data_root())
    with pytest.raises(UpdateError, match=r"secure \(TLS\) connection failed"):
        run_update(https, FAST, installed)  # the loopback server speaks plain HTTP
    assert tree_digest(installed, refdata.data_root()) == before


def test_verify_checks_the_installed_table(installed):
    checks = {c.name: c for c in refdata.verify()}
    assert checks["sha256 installed known_variants.tsv"].ok
    assert checks["known-variant REF alleles match the bundled sequence"].ok
    table = installed / "known_variants.tsv"
    table.write_text(table.read_text().replace("Likely benign", "Benign"))
    assert not {c.name: c for c in refdata.verify()}["sha256 installed known_variants.tsv"].ok


def test_sigint_during_a_real_update_process(http_server, data_dir, tmp_path):
    """Ctrl-C while `ipex refdata update` downloads: exit 130, the install untouched."""
    body38, _ = _serve(http_server)
    run_update(_urls(http_server), FAST, data_dir)  # something to protect
    before = tree_digest(data_dir, refdata.data_root())
    http_server.script.set(P38, Reply(body=body38, trickle=0.1))
    http_server.script.set(P37, Reply(status=503, delay=8))  # never done before the signal
    http_server.script.log.clear()
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "ipexcli", "refdata", "update",
         "--clinvar-url", http_server.url(P38), "--clinvar-grch37-url", http_server.url(P37)],
        env=dict(os.environ, PYTHONPATH=str(root), IPEXCLI_DATA_DIR=str(data_dir)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not http_server.script.log and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # a few pieces of the body are in
        assert any(p.name.startswith(".ipexcli.new-") for p in data_dir.parent.iterdir())
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, err
    assert err.strip().endswith("interrupted")
    assert tree_digest(data_dir, refdata.data_root()) == before


def test_checksum_file_forbidden_is_an_error_not_a_retry(http_server, installed):
    _serve(http_server)
    http_server.script.set(P38 + ".md5", Reply(status=403))
    _fails(http_server, installed, r"clinvar.vcf.gz.md5: HTTP 403")
    assert http_server.script.hits(P38 + ".md5") == 1


def test_checksum_file_server_error_is_retried(http_server, data_dir, loopback_only):
    body38, _ = _serve(http_server)
    http_server.script.set(P38 + ".md5", Reply(status=502), Reply(body=md5_file(body38)))
    assert run_update(_urls(http_server), FAST, data_dir).accepted == 5
    assert http_server.script.hits(P38 + ".md5") == 2
