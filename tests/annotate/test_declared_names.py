"""#15 (smaller items): names the user gives must mean something, and a file given twice is read
once.

``--sex``/PED names that match no sample, a sample declared twice with different sexes, a PED
with a cycle and the same file given twice were all accepted silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


SINGLE = str(EXAMPLES / "single.GRCh37.vcf")  # one sample: patient2
TRIO = str(EXAMPLES / "trio.GRCh38.vcf.gz")  # proband, mother, father
PED = str(EXAMPLES / "trio.ped")


def _samples(result) -> list[str]:
    return [s["id"] for s in json.loads(result.stdout)["samples"]]


def test_sex_for_a_sample_in_no_input_is_a_usage_error_listing_the_samples(ipex) -> None:
    result = ipex("annotate", TRIO, "--sex", "Proband=male", "--format", "json")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: --sex 'Proband': no such sample in the input (samples: proband, mother, father)."
        " Use the sample names of the VCF header (bcftools query -l FILE)"
    ]
    assert result.stdout == ""


def test_a_sample_declared_twice_with_different_sexes_is_a_usage_error(ipex) -> None:
    result = ipex("annotate", SINGLE, "--sex", "patient2=male", "--sex", "patient2=female")
    assert result.exit_code == 2
    assert "--sex patient2 is given twice, as male and female" in result.stderr
    same = ipex("annotate", SINGLE, "--sex", "patient2=male", "--sex", "patient2=male",
                "--format", "json")
    assert same.exit_code == 0 and _samples(same) == ["patient2"]


def test_a_ped_naming_no_sample_of_the_input_is_a_data_error(ipex) -> None:
    result = ipex("annotate", SINGLE, "--ped", PED, "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(
        f"error: {PED}: none of its individuals (proband, father, mother) is a sample of the "
        "input (samples: patient2)"
    )


def test_ped_individuals_missing_from_the_input_are_named_in_a_warning(ipex, tmp_path) -> None:
    """A family PED with only the proband sequenced is legitimate: a warning, not an error."""
    proband = tmp_path / "proband.vcf"
    subprocess.run(["bcftools", "view", "-s", "proband", "-o", str(proband), TRIO], check=True)
    result = ipex("annotate", str(proband), "--ped", PED, "--format", "json")
    assert result.exit_code == 0, result.stderr
    warning = (f"PED {PED}: father, mother not in the input (samples: proband); their genotypes "
               "are unknown")
    assert f"warning: {warning}" in result.stderr
    assert warning in json.loads(result.stdout)["warnings"]


def test_a_ped_with_a_cycle_is_a_data_error(ipex, tmp_path) -> None:
    ped = tmp_path / "cycle.ped"
    ped.write_text(
        "FAM1\tproband\tfather\tmother\t1\t2\n"
        "FAM1\tfather\tproband\t0\t1\t1\n"  # the proband is his own grandfather
        "FAM1\tmother\t0\t0\t2\t1\n"
    )
    result = ipex("annotate", TRIO, "--ped", str(ped), "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"error: {ped}: line ")
    assert "pedigree cycle: " in result.stderr and "Traceback" not in result.stderr
    assert "proband -> father -> proband" in result.stderr or (
        "father -> proband -> father" in result.stderr
    )


@pytest.mark.parametrize("how", ["same_path", "symlink", "hard_link"])
def test_annotate_reads_a_file_given_twice_once(ipex, tmp_path, how) -> None:
    first = tmp_path / "s.vcf"
    shutil.copy(SINGLE, first)
    second = first
    if how == "symlink":
        second = tmp_path / "link.vcf"
        second.symlink_to(first)
    elif how == "hard_link":
        second = tmp_path / "hard.vcf"
        os.link(first, second)
    result = ipex("annotate", str(first), str(second), "--sex", "patient2=male",
                  "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert _samples(result) == ["patient2"]
    assert f"warning: {second}: the same file as {first}, given twice; read once" in result.stderr


def test_batch_reads_a_file_given_twice_once(ipex, tmp_path: Path) -> None:
    first = tmp_path / "s.vcf"
    shutil.copy(SINGLE, first)
    link = tmp_path / "link.vcf"
    link.symlink_to(first)
    out = tmp_path / "out"
    result = ipex("batch", str(first), str(link), "-d", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert f"note: {link}: the same file as {first}, given twice; read once" in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["files"] == 1
    assert [row["sample"] for row in summary["samples"]] == ["patient2"]


def test_a_wrong_sex_name_is_found_before_any_record_is_read(ipex, tmp_path, monkeypatch) -> None:
    """From the header alone: a file whose records are broken still gets the usage error."""
    broken = tmp_path / "broken.vcf"
    header = [line for line in Path(SINGLE).read_text().splitlines() if line.startswith("#")]
    broken.write_text("\n".join([*header, "X\tnot-a-position\t.\tG\tA\t.\tPASS\t.\tGT\t1"]) + "\n")
    result = ipex("annotate", str(broken), "--sex", "patient3=male")
    assert result.exit_code == 2, result.stderr
    assert "--sex 'patient3': no such sample in the input (samples: patient2)" in result.stderr
    # standard input cannot be read twice: checked once the report is made
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(Path(SINGLE).read_bytes())))
    piped = ipex("annotate", "-", "--sex", "patient3=male")
    assert piped.exit_code == 2, piped.stderr
    assert "--sex 'patient3': no such sample in the input (samples: patient2)" in piped.stderr
