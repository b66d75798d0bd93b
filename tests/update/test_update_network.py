"""The real thing: update from NCBI's current ClinVar release. Needs internet and ~300 MB, so it
runs only when asked: IPEXCLI_NETWORK_TESTS=1 pytest -m network tests/update"""

from __future__ import annotations

import json
import os

import pytest

from ipexcli import refdata
from ipexcli.update import DownloadPolicy, run_update

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(
        os.environ.get("IPEXCLI_NETWORK_TESTS") != "1",
        reason="needs internet: set IPEXCLI_NETWORK_TESTS=1",
    ),
]


def test_update_from_the_current_ncbi_release(data_dir):
    result = run_update(policy=DownloadPolicy(read_timeout=120), destination=data_dir)
    assert [d.md5_status for d in result.downloads] == ["verified", "verified"]
    assert result.accepted >= 9  # at least the ClinVar variations the bundled table names
    rows = refdata.parse_known_rows(refdata._read_tsv(data_dir / "known_variants.tsv"))
    kv01 = next(row for row in rows if row.id == "KV01")
    assert kv01.classification_source.startswith("ClinVar VCF release ")
    counts = json.loads((data_dir / "MANIFEST.json").read_text())["counts"]
    print("\nreal ClinVar update:", json.dumps(counts, indent=1))
