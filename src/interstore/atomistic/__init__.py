"""Zn at V-oxide heterointerfaces: E_b(n), voltage steps, interfacial bond "breathing",
reversible limit n_max, work of adhesion and the limit capacity on every mass basis.

Pure computations: :mod:`.binding`, :mod:`.reversible`, :mod:`.limit`, :mod:`.adhesion`,
:mod:`.bonds`, :mod:`.sites`; structures: :mod:`.structures`; energies: :mod:`.dft_io`
(DFT files) and :mod:`.calculator` (embedded CHGNet, imported lazily); workflow:
:mod:`.scan` with :mod:`.parallel`; edges: :mod:`.plots`, :mod:`.cli`.  See docs/atomistic.md.
"""
