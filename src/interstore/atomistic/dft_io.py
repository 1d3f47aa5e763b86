"""Total energies from DFT output files (VASP vasprun.xml / OUTCAR, Quantum ESPRESSO, CP2K).

VASP and Quantum ESPRESSO are read with ASE (``ase.io.read(..., index=-1)``):
the energy is that of the last ionic step, for VASP the energy extrapolated
to σ → 0 (``e_0_energy`` / ``energy(sigma->0)``).  CP2K output logs are read
with pymatgen's ``Cp2kOutput`` (final total energy, converted to eV by pymatgen).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class DftEnergy:
    """Final total energy (eV) of one DFT run with its composition and final structure (ASE Atoms)."""

    source: str
    energy_eV: float
    formula: str
    counts: dict[str, int]
    reader: str
    atoms: object = None

    @property
    def n_atoms(self) -> int:
        return sum(self.counts.values())


def _is_cp2k(path: Path) -> bool:
    with path.open("r", errors="replace") as fh:
        head = fh.read(20000)
    return "CP2K|" in head or "PROGRAM STARTED AT" in head and "CP2K" in head


def read_dft_energy(path: str | Path) -> DftEnergy:
    """Final energy and composition of a VASP, Quantum ESPRESSO or CP2K output file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", expected="a DFT output (vasprun.xml, OUTCAR, QE .out, CP2K .out)")
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty", expected="a DFT output with a final energy")
    if _is_cp2k(path):
        energy, atoms, reader = _read_cp2k(path)
    else:
        energy, atoms, reader = _read_ase(path)
    if energy is None or not math.isfinite(energy):
        raise InputError(path, f"no finite final energy (got {energy!r})", expected="a completed DFT run")
    counts: dict[str, int] = {}
    for s in atoms.get_chemical_symbols():
        counts[s] = counts.get(s, 0) + 1
    formula = "".join(f"{el}{n}" for el, n in sorted(counts.items()))
    return DftEnergy(str(path), float(energy), formula, counts, reader, atoms)


def _read_ase(path: Path):
    from ase.io import read

    try:
        atoms = read(path, index=-1)
        energy = atoms.get_potential_energy()
    except Exception as exc:  # ASE raises many types for truncated / unknown files
        raise InputError(path, f"could not read a final energy ({type(exc).__name__}: {exc})",
                         expected="vasprun.xml, OUTCAR or Quantum ESPRESSO output of a finished run") from None
    atoms.calc = None
    return energy, atoms, "ase"


def _read_cp2k(path: Path):
    from pymatgen.io.ase import AseAtomsAdaptor
    from pymatgen.io.cp2k.outputs import Cp2kOutput

    try:
        out = Cp2kOutput(str(path), auto_load=True)
        energy = out.final_energy
        atoms = AseAtomsAdaptor.get_atoms(out.final_structure)
    except Exception as exc:  # pymatgen raises many types for truncated logs
        raise InputError(path, f"could not read a CP2K final energy ({type(exc).__name__}: {exc})",
                         expected="the main output log of a finished CP2K run") from None
    return energy, atoms, "pymatgen Cp2kOutput"


def zn_energy_per_atom(path: str | Path) -> float:
    """Per-atom energy (eV) of a Zn-only reference calculation (bulk hcp Zn or an isolated atom)."""
    ref = read_dft_energy(path)
    if set(ref.counts) != {"Zn"}:
        raise InputError(path, f"reference cell is {ref.formula}", expected="a Zn-only cell (bulk hcp Zn or one atom)")
    return ref.energy_eV / ref.n_atoms


def check_loaded_composition(substrate: DftEnergy, loaded: DftEnergy, n_zn: int) -> None:
    """Raise unless ``loaded`` has exactly the substrate's atoms plus ``n_zn`` Zn."""
    expected = dict(substrate.counts)
    if n_zn:
        expected["Zn"] = expected.get("Zn", 0) + n_zn
    got = dict(loaded.counts)
    if got != expected:
        want = "".join(f"{el}{n}" for el, n in sorted(expected.items()))
        raise InputError(loaded.source, f"composition {loaded.formula} is not the substrate + {n_zn} Zn",
                         expected=want)
