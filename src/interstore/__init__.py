"""interstore: quantitative interface-storage analysis for heterostructure cathodes.

The front door (``import interstore as ist``; every name loads on first use, so
``import interstore`` itself pulls in neither pandas, scipy nor matplotlib):

- ``ist.read(path)`` / ``ist.read_impedance(path)``: any supported instrument file →
  :class:`~interstore.echem.record.Measurement` / :class:`~interstore.echem.record.ImpedanceSpectrum`
- ``ist.analyze_cv``, ``ist.analyze_cycling``, ``ist.fit_eis``, ``ist.analyze_gitt``: result
  objects with ``to_frame()``, ``to_dict()``, ``as_dict()``/``from_dict()`` and ``plot(ax=None)``;
  ``ist.analyze_differential`` (dQ/dV of a cycling analysis)
- ``ist.theoretical_capacity`` and ``ist.limit_capacity``: Q = nF/(3.6M), and the atomistic limit
  capacity on every mass basis
- ``ist.ElectrodeMasses``: the active / composite / electrode mass bases
- ``ist.CellConfig.from_toml(path)`` and ``ist.simulate(config, "ragone")``: the electrode simulator
- ``ist.Study.from_toml(path).run()`` → ``ist.StudyResults``: the whole-study pipeline
- ``ist.literature.network(exports)``: keyword association networks

Subpackages (one concept each):

- ``echem``      instrument files -> kinetics, capacity, energy and power numbers
- ``transport``  space charge at alpha|beta, job-sharing D^delta, transient electrode simulator
- ``atomistic``  Zn binding at heterointerfaces, reversible limit, limit capacity
- ``evidence``   capacity ledger and the evidence-tiered verdict (article Table 1 as data)
- ``literature`` bibliographic exports -> keyword association network
- ``report``     self-contained HTML report of a whole study
"""

from importlib import import_module

from .errors import ConfigError, InputError, ManifestError, ReaderError, SimulationError

__version__ = "0.1.0"

# public name -> (module, attribute); imported on first access (PEP 562)
_LAZY = {
    "read": ("interstore.echem.readers", "read_measurement"),
    "read_impedance": ("interstore.echem.readers", "read_impedance"),
    "Measurement": ("interstore.echem.record", "Measurement"),
    "ImpedanceSpectrum": ("interstore.echem.record", "ImpedanceSpectrum"),
    "analyze_cv": ("interstore.echem.cv_analysis", "analyze_cv"),
    "analyze_cycling": ("interstore.echem.galvanostatic", "analyze_cycling"),
    "fit_eis": ("interstore.echem.eis", "fit_eis"),
    "analyze_gitt": ("interstore.echem.gitt", "analyze_gitt"),
    "analyze_differential": ("interstore.echem.differential", "analyze_differential"),
    "GittGeometry": ("interstore.echem.gitt", "GittGeometry"),
    "ElectrodeMasses": ("interstore.massbasis", "ElectrodeMasses"),
    "theoretical_capacity": ("interstore.theoretical", "theoretical_capacity"),
    "limit_capacity": ("interstore.atomistic.limit", "limit_capacity"),
    "CellConfig": ("interstore.transport.cellconfig", "CellConfig"),
    "simulate": ("interstore.transport.simulate", "simulate"),
    "Study": ("interstore.study", "Study"),
    "StudyResults": ("interstore.study", "StudyResults"),
}
_SUBPACKAGES = ("echem", "transport", "atomistic", "evidence", "literature", "report")

__all__ = sorted([*_LAZY, *_SUBPACKAGES, "InputError", "ReaderError", "ManifestError", "ConfigError",
                  "SimulationError", "__version__"])


def __getattr__(name: str):
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
    elif name in _SUBPACKAGES:
        value = import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'interstore' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return __all__
