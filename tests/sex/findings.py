"""Test helper: VariantFindings for real rows of the bundled known-variant table."""

from __future__ import annotations

from ipexcli import refdata
from ipexcli.inheritance import VariantFinding
from ipexcli.model import Build, Significance


def known(
    hgvs_c: str, *, null_variant: bool = False, build: Build = Build.GRCH38
) -> VariantFinding:
    """The finding for the bundled known variant ``hgvs_c`` with its bundled classification."""
    data = refdata.load()
    row = next(k for k in data.known if k.hgvs_c == hgvs_c)
    allele = row.alleles[build]
    return VariantFinding(
        variant_id=f"X-{allele.pos}-{allele.ref}-{allele.alt}",
        hgvs=f"NM_014009.4:{row.hgvs_c}" + (f" {row.hgvs_p}" if row.hgvs_p else ""),
        significance=Significance.parse(row.classification),
        null_variant=null_variant,
        in_par=data.assemblies[build].in_par("X", allele.pos),
    )


#: Pathogenic (ClinVar, 2 stars): NM_014009.4:c.1189C>T p.Arg397Trp
PATHOGENIC = "c.1189C>T"
#: Pathogenic/Likely pathogenic (ClinVar): c.1190G>A p.Arg397Gln
P_LP = "c.1190G>A"
#: Uncertain significance (ClinVar 2016-09): c.157G>A p.Gly53Arg
VUS = "c.157G>A"
#: Likely benign (ClinVar 2016-09): c.543C>T p.Ser181=
LIKELY_BENIGN = "c.543C>T"
#: canonical donor +2 splice variant without a classification in the table: c.816+2T>A
SPLICE_NULL = "c.816+2T>A"
#: missense without a classification in the table: c.1015C>T p.Pro339Ser
UNCLASSIFIED = "c.1015C>T"
