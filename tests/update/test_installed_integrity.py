"""#15 case 5: installed reference data is checked against its manifest at every load.

A damaged installed known-variant table used to be read as is: emptied, the trio's proband
(hemizygous for pathogenic c.1189C>T) became "uncertain" with exit 0; a hand-edited
classification was used silently. Now either is exit 1 naming the file and suggesting
``ipex refdata reset``; ``refdata update`` still installs over a damaged install.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ipexcli import refdata
from ipexcli.model import Build
from ipexcli.update import DownloadPolicy, run_update

from .update_helpers import clinvar_vcf

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


FAST = DownloadPolicy(connect_timeout=0.5, read_timeout=0.5, tries=1, backoff=0.01)
TRIO = (str(EXAMPLES / "trio.GRCh38.vcf.gz"), "--ped", str(EXAMPLES / "trio.ped"),
        "--format", "json")


def _install(tmp_path: Path, data_dir: Path) -> Path:
    """A real ``refdata update`` from file:// copies of a ClinVar-layout release."""
    urls = {}
    for build in Build:
        path = tmp_path / f"clinvar.{build.value}.vcf"
        path.write_bytes(gzip.decompress(clinvar_vcf(build.value)))
        urls[build] = path.as_uri()
    run_update(urls, FAST, data_dir)
    refdata.load.cache_clear()
    return data_dir / "known_variants.tsv"


def _proband(ipex) -> tuple[int, str, list[str]]:
    refdata.load.cache_clear()
    result = ipex("annotate", *TRIO)
    if result.exit_code:
        return result.exit_code, result.stderr, []
    report = json.loads(result.stdout)
    sample = next(s for s in report["samples"] if s["id"] == "proband")
    return 0, result.stderr, [v["category"] for v in sample["verdicts"]]


@pytest.fixture(autouse=True)
def _fresh_cache():
    refdata.load.cache_clear()
    yield
    refdata.load.cache_clear()


def test_an_intact_install_is_used(ipex, tmp_path, data_dir, no_sockets) -> None:
    table = _install(tmp_path, data_dir)
    assert json.loads((data_dir / "MANIFEST.json").read_text())["table"]["bytes"] == (
        table.stat().st_size
    )
    code, err, verdicts = _proband(ipex)
    assert (code, verdicts) == (0, ["consistent_with_ipex"]), err
    assert refdata.load().known_origin == str(table)


@pytest.mark.parametrize("damage", ["emptied", "hand_edited", "manifest_gone", "table_gone"])
def test_a_damaged_install_is_exit_1_naming_the_file(
    ipex, tmp_path, data_dir, no_sockets, damage
) -> None:
    table = _install(tmp_path, data_dir)
    text = table.read_text()
    if damage == "emptied":  # header only: 0 rows
        table.write_text("".join(line + "\n" for line in text.splitlines() if "\tc." not in line))
        named = table
    elif damage == "hand_edited":  # KV01 (c.1189C>T) Pathogenic -> Benign, same length class
        lines = text.splitlines(keepends=True)
        index = next(i for i, line in enumerate(lines) if line.startswith("KV01\t"))
        assert "\tPathogenic\t" in lines[index]
        lines[index] = lines[index].replace("\tPathogenic\t", "\tBenign\t", 1)
        table.write_text("".join(lines))
        named = table
    elif damage == "manifest_gone":
        (data_dir / "MANIFEST.json").unlink()
        named = data_dir / "MANIFEST.json"
    else:
        table.unlink()
        named = table
    code, err, verdicts = _proband(ipex)
    assert code == 1, (err, verdicts)
    assert err.startswith(f"error: {named}: ")
    assert "ipex refdata reset" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_reset_then_update_recover_from_damage(ipex, tmp_path, data_dir, no_sockets) -> None:
    table = _install(tmp_path, data_dir)
    table.write_text(table.read_text().replace("Pathogenic", "Benign"))
    assert _proband(ipex)[0] == 1
    # `refdata verify` names the check instead of failing to load
    result = ipex("refdata", "verify")
    assert result.exit_code == 1 and "FAIL sha256 installed known_variants.tsv" in result.stdout
    # an update installs over the damaged table (it loads only the bundled data)
    _install(tmp_path, data_dir)
    assert _proband(ipex)[:3:2] == (0, ["consistent_with_ipex"])
    table.write_text(table.read_text().replace("Pathogenic", "Benign"))
    assert ipex("refdata", "reset").exit_code == 0
    code, err, verdicts = _proband(ipex)
    assert (code, verdicts) == (0, ["consistent_with_ipex"]), err
    assert refdata.load().known_origin == "bundled"


def test_a_damaged_bundled_file_is_exit_1(ipex, tmp_path, monkeypatch) -> None:
    """The bundled files read at load are checked too (a damaged wheel)."""
    import shutil

    copy = tmp_path / "refdata"
    shutil.copytree(refdata.data_root(), copy)
    known = copy / "known_variants.tsv"
    known.write_text(known.read_text().replace("\tPathogenic\t", "\tBenign\t", 1))
    monkeypatch.setattr(refdata, "data_root", lambda: copy)
    code, err, _ = _proband(ipex)
    assert code == 1
    assert err.startswith(f"error: {known}: sha256 differs from the bundled manifest")
