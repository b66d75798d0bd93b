"""Issue 15, acceptance 2: fault injection over a multi-block BGZF file built from the trio.

200 seeded single-byte corruptions and 50 seeded block deletions of :func:`padded_trio`
(bgzipped, no index: the reader checks the order, bisects the FOXP3 windows and reads the whole
chrX for sex inference). Every run, in-process through ``ipex annotate --fail-on pathogenic``,
must reproduce the clean run's report exactly (exit 3), or exit 1 with one error line naming the
file. The one exception is a deletion whose seam is invisible in the bytes (the blocks on either
side join into well-formed records: BGZF numbers no blocks, so neither this reader nor htslib
can tell): the report must then be exactly what the same bytes read as plain text give, with no
damage in the FOXP3 locus (:func:`test_issue15_reader.seam_is_invisible`). The counts are
printed (``-s``) and kept in CHANGES.md.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

from issue15_files import TRIO_PED, bgzip, blocks, padded_trio
from test_issue15_reader import seam_is_invisible

N_CORRUPTIONS = 200
N_DELETIONS = 50


def _run(ipex: Any, path: Path) -> tuple[int, str, str]:
    result = ipex("annotate", str(path), "--ped", str(TRIO_PED), "--format", "json",
                  "--fail-on", "pathogenic")
    return result.exit_code, result.stdout, result.stderr


def test_corruptions_and_deletions_reproduce_the_report_or_exit_1(
    ipex: Any, tmp_path: Path
) -> None:
    import json

    plain = tmp_path / "padded.vcf"
    plain.write_text(padded_trio(n_locus=200, n_far=1000, n_extra=20), encoding="utf-8")
    clean = bgzip(plain).read_bytes()
    spans = blocks(clean)
    assert len(spans) >= 8
    target = tmp_path / "damaged.vcf.gz"
    target.write_bytes(clean)
    code, expected, err = _run(ipex, target)
    assert code == 3, err  # the proband's pathogenic variant: the gate fires
    rng = random.Random(20261206)
    outcomes: dict[str, Counter[str]] = {"corruption": Counter(), "deletion": Counter()}
    cases: list[tuple[str, bytes]] = []
    for _ in range(N_CORRUPTIONS):
        data = bytearray(clean)
        at = rng.randrange(len(data))
        data[at] = (data[at] + rng.randrange(1, 256)) % 256  # always a different byte
        cases.append(("corruption", bytes(data)))
    data_blocks = spans[:-1]  # the header block included, the EOF marker not
    for _ in range(N_DELETIONS):
        at, size = rng.choice(data_blocks)
        cases.append(("deletion", clean[:at] + clean[at + size :]))
    for kind, data in cases:
        target.write_bytes(data)
        code, out, err = _run(ipex, target)
        assert "Traceback" not in err and "unexpected" not in err, err
        if code == 1:
            errors = [line for line in err.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and str(target) in errors[0], err
            outcomes[kind]["exit 1"] += 1
        elif code == 3 and out == expected:
            outcomes[kind]["same report"] += 1
        else:
            assert kind == "deletion", (code, err)
            report = json.loads(out)
            assert seam_is_invisible(ipex, target, data, report), err
            outcomes[kind]["invisible seam"] += 1
    print(f"\nBGZF fault injection: {dict(outcomes['corruption'])} over {N_CORRUPTIONS} "
          f"corruptions, {dict(outcomes['deletion'])} over {N_DELETIONS} deletions")
    assert sum(outcomes["corruption"].values()) == N_CORRUPTIONS
    assert outcomes["corruption"]["exit 1"] > 50  # most bytes are deflate data: the CRC catches
    assert outcomes["deletion"]["exit 1"] > 0
