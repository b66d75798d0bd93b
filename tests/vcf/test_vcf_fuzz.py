"""Issue 4: damaged files (bytes flipped, cut, deleted) give records or one IpexError line."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipexcli.errors import IpexError
from ipexcli.vcf import open_vcf

DATA = Path(__file__).resolve().parents[1] / "data" / "vcf"
SOURCES = [
    "grch38_genotypes.vcf",
    "grch38_genotypes.plain.vcf.gz",
    "grch38_genotypes.noindex.vcf.gz",
    "grch38_genotypes.tbi.vcf.gz",
    "grch38_genotypes.csi.vcf.gz",
    "grch38_genotypes.bcf",
    "multiallelic.vcf",
    "sample.g.vcf",
]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SOURCES))
    data = bytearray((DATA / name).read_bytes())
    kind = draw(st.sampled_from(["flip", "cut", "delete"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        data[at] = draw(st.integers(0, 255))
    elif kind == "cut":
        del data[at:]
    else:
        del data[at : at + draw(st.integers(1, 64))]
    return name, bytes(data)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(damaged())
def test_damaged_files_never_raise_anything_else(case: tuple[str, bytes]) -> None:
    name, data = case
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / name
        path.write_bytes(data)
        for ext in (".tbi", ".csi"):
            if (DATA / (name + ext)).exists():
                shutil.copy(DATA / (name + ext), folder / (name + ext))
        try:
            with open_vcf(path) as reader:
                list(reader.locus_records())
                list(reader.chrom_records("X"))
                list(reader.chrom_records("Y"))
        except IpexError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)
    finally:
        shutil.rmtree(folder)
