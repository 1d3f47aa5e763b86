"""Spectra in, quantified bond tracking out.

:mod:`.readers` (two-column text, VAMAS, CasaXPS text exports, Athena projects, Renishaw
WDF) → :class:`.record.Spectrum`; :mod:`.series` links an operando series to the
electrochemistry of the same run; :mod:`.vibrational` (Raman / FT-IR band fits and their
reversibility), :mod:`.xps` (Shirley background, constrained V 2p3/2 and O 1s components),
:mod:`.xas` (normalisation, edge, pre-edge, LCF, valence calibration) and :mod:`.mcr`
(MCR-ALS of a series) analyse them; :mod:`.evidence` turns the results into the
:class:`~interstore.evidence.measured.TrackingRecord` the verdict reads.
"""
