"""`ipex refdata update | reset | info` through the real CLI entry point (errors as one line)."""

from __future__ import annotations

import json

import pytest

from ipexcli import refdata
from ipexcli.cli import main

from .update_helpers import FACTS, Reply, clinvar_vcf, md5_file, tree_digest

P38, P37 = "/GRCh38/clinvar.vcf.gz", "/GRCh37/clinvar.vcf.gz"


@pytest.fixture(autouse=True)
def _fresh_refdata_cache():
    refdata.load.cache_clear()  # each CLI run is a new process in real life
    yield
    refdata.load.cache_clear()


def run(capsys, *args: str) -> tuple[int, str, str]:
    refdata.load.cache_clear()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _serve(server) -> list[str]:
    for path, build in ((P38, "GRCh38"), (P37, "GRCh37")):
        body = clinvar_vcf(build, FACTS)
        server.script.set(path, Reply(body=body))
        server.script.set(path + ".md5", Reply(body=md5_file(body)))
    return ["--clinvar-url", server.url(P38), "--clinvar-grch37-url", server.url(P37)]


def test_update_info_reset_cycle(http_server, data_dir, loopback_only, capsys):
    code, out, _ = run(capsys, "refdata", "info", "--format", "json")
    assert code == 0
    assert json.loads(out)["known_variants"]["active_table"] == "bundled"

    code, out, err = run(capsys, "refdata", "update", *_serve(http_server), "--timeout", "2")
    assert code == 0, err
    assert "GRCh38: 5 records read, 5 FOXP3, rejected: none" in out
    assert "ClinVar release 2024-02-14: 5 FOXP3 variations accepted" in out
    summary = "installed 30 rows (5 bundled rows updated, 0 added, 25 kept as bundled)"
    assert f"{summary} in {data_dir}" in out
    assert "md5 verified" in err

    code, out, _ = run(capsys, "refdata", "info", "--format", "json")
    known = json.loads(out)["known_variants"]
    assert known["active_table"] == str(data_dir / "known_variants.tsv")
    assert (known["source"], known["date"]) == ("ClinVar VCF release 2024-02-14", "2024-02-14")
    assert known["urls"] == [http_server.url(P38), http_server.url(P37)]
    code, out, _ = run(capsys, "refdata", "info")
    assert "active known-variant table: ClinVar VCF release 2024-02-14, 30 rows" in out

    code, out, _ = run(capsys, "refdata", "reset")
    assert code == 0
    assert out.strip() == (
        f"removed the installed update {data_dir}; the bundled table is active again"
    )
    assert not data_dir.exists()
    assert [p.name for p in data_dir.parent.iterdir()] == []
    code, out, _ = run(capsys, "refdata", "reset")
    assert out.startswith("no installed update")
    code, out, _ = run(capsys, "refdata", "info", "--format", "json")
    assert json.loads(out)["known_variants"]["active_table"] == "bundled"


def test_update_failure_is_one_line_and_exit_1(http_server, data_dir, loopback_only, capsys):
    urls = _serve(http_server)
    run(capsys, "refdata", "update", *urls)
    before = tree_digest(data_dir, refdata.data_root())
    http_server.script.set(P37, Reply(status=404))
    code, _, err = run(capsys, "refdata", "update", *urls)
    assert code == 1
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert error_lines == [
        f"error: {http_server.url(P37)}: HTTP 404 Not Found. Check the URL (ClinVar moves old "
        "releases to an archive folder)"
    ]
    assert "Traceback" not in err
    assert tree_digest(data_dir, refdata.data_root()) == before


def test_stale_install_is_reported(http_server, data_dir, loopback_only, capsys):
    run(capsys, "refdata", "update", *_serve(http_server))
    manifest = data_dir / "MANIFEST.json"
    payload = json.loads(manifest.read_text())
    payload["bundled_table_sha256"] = "0" * 64  # as if ipexcli had been upgraded since
    manifest.write_text(json.dumps(payload))
    code, out, _ = run(capsys, "refdata", "info")
    assert code == 0
    assert "installed table was merged with an older bundled table" in out


def test_timeout_must_be_positive(capsys):
    code, _, err = run(capsys, "refdata", "update", "--timeout", "0")
    assert code == 2
    assert "--timeout" in err


def test_reset_refuses_foreign_directory(data_dir, capsys):
    data_dir.mkdir()
    (data_dir / "notes.txt").write_text("mine")
    code, _, err = run(capsys, "refdata", "reset")
    assert code == 1
    assert "holds files ipexcli did not write (notes.txt)" in err
    assert (data_dir / "notes.txt").read_text() == "mine"
