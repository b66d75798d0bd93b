"""Issue 15, acceptance 2: fault injection over a multi-block BGZF file built from the trio.

200 seeded single-byte corruptions and 50 seeded block deletions of :func:`padded_trio`
(bgzipped), run twice, in-process through ``ipex annotate --fail-on pathogenic``:

* **with its index** (``tabix -p vcf`` of the clean file, kept unchanged beside the damaged
  file and newer than it): every run must reproduce the clean run's report exactly (exit 3) or
  exit 1 with one error line naming the file. Nothing else: the index remembers where the
  blocks began, so a lost block is seen even when its neighbours join into well-formed records
  (:func:`ipexcli.vcf.indexcheck.check_layout`).
* **without an index** (the reader checks the order, bisects the FOXP3 windows and reads the
  whole chrX for sex inference): the same, with one exception, a deletion whose seam is
  invisible in the bytes (the blocks on either side join into well-formed records: BGZF numbers
  no blocks, so neither this reader nor htslib can tell; a warning says so): the report must then
  be exactly what the same bytes read as plain text give, with no damage in the FOXP3 locus
  (:func:`test_issue15_reader.seam_is_invisible`).

The counts are printed (``-s``) and kept in CHANGES.md.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from issue15_files import TRIO_PED, bgzip, blocks, padded_trio
from test_issue15_reader import seam_is_invisible

N_CORRUPTIONS = 200
N_DELETIONS = 50


def _run(ipex: Any, path: Path) -> tuple[int, str, str]:
    result = ipex("annotate", str(path), "--ped", str(TRIO_PED), "--format", "json",
                  "--fail-on", "pathogenic")
    return result.exit_code, result.stdout, result.stderr


def _cases(clean: bytes) -> list[tuple[str, bytes]]:
    """The seeded corruptions and deletions (the same for both variants)."""
    rng = random.Random(20261206)
    cases: list[tuple[str, bytes]] = []
    for _ in range(N_CORRUPTIONS):
        data = bytearray(clean)
        at = rng.randrange(len(data))
        data[at] = (data[at] + rng.randrange(1, 256)) % 256  # always a different byte
        cases.append(("corruption", bytes(data)))
    data_blocks = blocks(clean)[:-1]  # the header block included, the EOF marker not
    for _ in range(N_DELETIONS):
        at, size = rng.choice(data_blocks)
        cases.append(("deletion", clean[:at] + clean[at + size :]))
    return cases


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "unindexed"])
def test_corruptions_and_deletions_reproduce_the_report_or_exit_1(
    ipex: Any, tmp_path: Path, indexed: bool
) -> None:
    plain = tmp_path / "padded.vcf"
    plain.write_text(padded_trio(n_locus=200, n_far=1000, n_extra=20), encoding="utf-8")
    source = bgzip(plain)
    clean = source.read_bytes()
    assert len(blocks(clean)) >= 8
    target = tmp_path / "damaged.vcf.gz"
    index_bytes = b""
    if indexed:
        subprocess.run(["tabix", "-p", "vcf", str(source)], check=True)
        index_bytes = Path(f"{source}.tbi").read_bytes()
    index = Path(f"{target}.tbi")

    def place(data: bytes) -> None:
        target.write_bytes(data)
        if indexed:  # the clean file's index, unchanged, newer than the data (age check)
            index.write_bytes(index_bytes)
            later = os.stat(target).st_mtime + 10
            os.utime(index, (later, later))

    place(clean)
    code, expected, err = _run(ipex, target)
    assert code == 3, err  # the proband's pathogenic variant: the gate fires
    method = json.loads(expected)["inputs"][0]["region_method"]
    assert method == ("index" if indexed else "bgzf-bisection")
    outcomes: dict[str, Counter[str]] = {"corruption": Counter(), "deletion": Counter()}
    for kind, data in _cases(clean):
        place(data)
        code, out, err = _run(ipex, target)
        assert "Traceback" not in err and "unexpected" not in err, err
        if code == 1:
            errors = [line for line in err.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and str(target) in errors[0], err
            outcomes[kind]["exit 1"] += 1
        elif code == 3 and out == expected:
            outcomes[kind]["same report"] += 1
        else:
            assert not indexed and kind == "deletion", (kind, code, err)
            assert seam_is_invisible(ipex, target, data, json.loads(out)), err
            outcomes[kind]["invisible seam"] += 1
    variant = "indexed" if indexed else "unindexed"
    print(f"\nBGZF fault injection ({variant}): {dict(outcomes['corruption'])} over "
          f"{N_CORRUPTIONS} corruptions, {dict(outcomes['deletion'])} over {N_DELETIONS} "
          "deletions")
    assert sum(outcomes["corruption"].values()) == N_CORRUPTIONS
    assert sum(outcomes["deletion"].values()) == N_DELETIONS
    assert outcomes["corruption"]["exit 1"] > 50  # most bytes are deflate data: the CRC catches
    assert outcomes["deletion"]["exit 1"] > 0
