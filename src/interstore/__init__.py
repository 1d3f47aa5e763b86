"""interstore: quantitative interface-storage analysis for heterostructure cathodes.

Subpackages (one concept each):

- ``echem``      instrument files -> kinetics, capacity, energy and power numbers
- ``transport``  space charge at alpha|beta, job-sharing D^delta, transient electrode simulator
- ``atomistic``  Zn binding at heterointerfaces, reversible limit, limit capacity
- ``evidence``   capacity ledger and the evidence-tiered verdict (article Table 1 as data)
- ``literature`` bibliographic exports -> keyword association network
- ``report``     self-contained HTML report of a whole study
"""

__version__ = "0.1.0"
