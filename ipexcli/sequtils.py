"""Small sequence helpers: reverse complement, the standard genetic code, amino-acid names.

>>> reverse_complement("ATGC")
'GCAT'
>>> translate("ATGTGA")
'M*'
>>> three_letter("R"), three_letter("*")
('Arg', 'Ter')
"""

from __future__ import annotations

from itertools import product

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")

_BASES = "TCAG"
_AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
#: standard genetic code (NCBI table 1), codon -> one-letter amino acid, "*" for stop
CODON_TABLE: dict[str, str] = {
    "".join(codon): _AMINO_ACIDS[i] for i, codon in enumerate(product(_BASES, repeat=3))
}

#: one-letter -> three-letter amino-acid code (HGVS uses "Ter" for the stop codon)
AA3: dict[str, str] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "U": "Sec", "X": "Xaa",
}
#: three-letter -> one-letter code
AA1: dict[str, str] = {v: k for k, v in AA3.items()}


def reverse_complement(seq: str) -> str:
    """Reverse complement of a DNA string (N stays N)."""
    return seq.translate(_COMPLEMENT)[::-1]


def translate(cds: str) -> str:
    """Translate complete codons; an incomplete trailing codon is ignored, N gives 'X'."""
    return "".join(
        CODON_TABLE.get(cds[i : i + 3].upper(), "X") for i in range(0, len(cds) - 2, 3)
    )


def three_letter(aa: str) -> str:
    """Three-letter code of a one-letter amino acid (a string of them is joined)."""
    return "".join(AA3[a] for a in aa)


def translate_to_stop(seq: str) -> str:
    """Translate ``seq`` codon by codon up to and including the first stop ('*').

    Without a stop the whole translation of the complete codons is returned (no trailing '*').

    >>> translate_to_stop("ATGTAAGGG"), translate_to_stop("ATGGG")
    ('M*', 'M')
    """
    out = []
    table = CODON_TABLE
    for i in range(0, len(seq) - 2, 3):
        aa = table.get(seq[i : i + 3], "X")
        out.append(aa)
        if aa == "*":
            break
    return "".join(out)
