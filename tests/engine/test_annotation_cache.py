"""#14 item 5: a worker annotates each allele once (the engine's per-process cache)."""

from __future__ import annotations

from ipexcli import engine, refdata
from ipexcli.model import Build, GenomicVariant

C1189 = GenomicVariant(Build.GRCH38, 49251441, "G", "A")  # KV01, c.1189C>T p.(Arg397Trp)


def test_the_cache_returns_the_engine_answer_once_per_allele_and_frequency() -> None:
    data = refdata.load()
    first = engine.annotate_variant_cached(C1189, data)
    assert first == engine.annotate_variant(C1189, data)
    assert engine.annotate_variant_cached(C1189, data) is first  # not recomputed
    rare = engine.annotate_variant_cached(C1189, data, 0.00001)
    common = engine.annotate_variant_cached(C1189, data, 0.2)
    assert rare == engine.annotate_variant(C1189, data, 0.00001)
    assert {e.code for e in rare.evidence} != {e.code for e in common.evidence}  # BA1 at 20%
    assert rare.hgvs_p == common.hgvs_p == "NP_054728.2:p.(Arg397Trp)"


def test_other_reference_data_empties_the_cache() -> None:
    data = refdata.load()
    first = engine.annotate_variant_cached(C1189, data)
    other = refdata.load_from(refdata.data_root())  # an equal but distinct RefData object
    again = engine.annotate_variant_cached(C1189, other)
    assert again == first and again is not first
    assert engine.annotate_variant_cached(C1189, data) is not first  # owner changed back
