"""Chemical diffusion of a neutral component M (Zn) in a mixed conductor and in a
job-sharing heterostructure (ions in phase α, electrons in phase β).

Wagner / Maier (homogeneous mixed conductor)::

    σ_amb = σ_ion·σ_eon / (σ_ion + σ_eon)                       (S m⁻¹)
    D^δ   = (σ_amb / z²F²)·∂μ_M/∂c_M = σ_amb / c^δ               (m² s⁻¹)
    ∂μ_M/∂c_M = ∂μ_ion/∂c + z·∂μ_eon/∂c                         (J m³ mol⁻²)
    c^δ   = z²F² / (∂μ_M/∂c_M)                                   (F m⁻³)

with μ_M = μ_ion + z·μ_eon (z = 2 for Zn²⁺: one Zn brings two electrons).

Heterostructure (the focus article's bracket, Maier's job sharing): M stored with its ions in α
and its electrons in β charges, in series, the ionic and electronic chemical terms and the
electrostatic term of the interface::

    ∂μ_M/∂c|_js = ∂μ_ion^α/∂c + z·∂μ_eon^β/∂c + zF·∂(φ^α − φ^β)/∂c,   zF·∂Δφ/∂c = z²F²/(a_v·C_int)

This job-sharing path stores in parallel with the bulk path (ions and electrons in the same
phase), so the chemical capacitances add::

    c^δ_js = z²F² / (∂μ_M/∂c|_js),   D^δ = σ_amb / (c^δ_bulk + c^δ_js)

With C_int the full space-charge capacitance of :mod:`interstore.transport.spacecharge` (which
already holds the chemical part of the space-charge defects, semi-infinite regime) the first two
terms are left out and c^δ_js = a_v·C_int, the notes' D^δ ≈ σ_amb/(a_v·C_int + c^δ_bulk).  Give
``carrier_chemical_capacitance`` to add them (mesoscopic particles, geometric C_int).  Either way
the interfacial contribution vanishes as a_v → 0 and the Wagner form is recovered.  a_v (m⁻¹) is
the interface area per composite volume; all c^δ are per composite volume.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE, Z_ZINC
from ..errors import InputError, require_positive

GEOMETRIES = ("cluster", "sheet")


def _require_z(z: int) -> int:
    if isinstance(z, bool) or not float(z).is_integer() or int(z) < 1:
        raise InputError("parameter 'z'", f"got {z!r}", expected="a positive integer charge number (2 for Zn2+)")
    return int(z)


def interface_area_per_volume(geometry: str, *, radius_m: float | None = None,
                              thickness_m: float | None = None, coverage: float = 1.0,
                              volume_fraction: float = 1.0) -> float:
    """Interface area per composite volume a_v (m⁻¹).

    - ``cluster``: spheres of radius r (m) of phase α, a fraction ``coverage`` of
      their surface touching β:  a_v = φ_α · f · 3/r.
    - ``sheet``: 2D/2D stacking, α sheets of thickness d (m) with β on both faces,
      a fraction ``coverage`` of each face in contact:  a_v = φ_α · 2f/d
      (one-sided contact: use coverage = 0.5, i.e. f/d).

    ``volume_fraction`` φ_α is the volume fraction of α in the composite.
    """
    if geometry not in GEOMETRIES:
        raise InputError("parameter 'geometry'", f"unknown geometry {geometry!r}",
                         expected=" or ".join(GEOMETRIES))
    f = require_positive("coverage", coverage, allow_zero=True)
    phi = require_positive("volume_fraction", volume_fraction, allow_zero=True)
    if f > 1 or phi > 1:
        raise InputError("parameter 'coverage'/'volume_fraction'", f"got coverage={coverage}, "
                         f"volume_fraction={volume_fraction}", expected="values between 0 and 1")
    if geometry == "cluster":
        if radius_m is None:
            raise InputError("parameter 'radius_m'", "missing for geometry 'cluster'", expected="a radius in m > 0")
        return phi * f * 3.0 / require_positive("radius_m", radius_m)
    if thickness_m is None:
        raise InputError("parameter 'thickness_m'", "missing for geometry 'sheet'",
                         expected="a sheet thickness in m > 0")
    return phi * f * 2.0 / require_positive("thickness_m", thickness_m)


@dataclass(frozen=True)
class ChemicalCapacitance:
    """Bulk chemical capacitance split into its ionic and electronic parts (F m⁻³).

    c^δ_ion = z²F²/(∂μ_ion/∂c), c^δ_eon = z²F²/(z·∂μ_eon/∂c); they act in series.
    """

    ion_F_m3: float
    eon_F_m3: float
    z: int = Z_ZINC

    def __post_init__(self) -> None:
        require_positive("ion chemical capacitance (F m-3)", self.ion_F_m3)
        require_positive("electronic chemical capacitance (F m-3)", self.eon_F_m3)
        _require_z(self.z)

    @property
    def total_F_m3(self) -> float:
        """c^δ = 1/(1/c^δ_ion + 1/c^δ_eon)  (F m⁻³)."""
        return 1.0 / (1.0 / self.ion_F_m3 + 1.0 / self.eon_F_m3)


def ideal_chemical_capacitance(c_ion_mol_m3: float, c_eon_mol_m3: float, *, z: int = Z_ZINC,
                               temperature_K: float = ROOM_TEMPERATURE) -> ChemicalCapacitance:
    """Dilute (ideal) mixed conductor: ∂μ_ion/∂c = RT/c_ion, z·∂μ_eon/∂c = z²RT/c_eon.

    c^δ_ion = z²F²c_ion/RT and c^δ_eon = F²c_eon/RT (F m⁻³); for z = 1 the total is
    (F²/RT)·c_ion·c_eon/(c_ion + c_eon).
    """
    z = _require_z(z)
    c_ion = require_positive("c_ion_mol_m3", c_ion_mol_m3)
    c_eon = require_positive("c_eon_mol_m3", c_eon_mol_m3)
    rt = GAS_CONSTANT * require_positive("temperature_K", temperature_K)
    return ChemicalCapacitance(z * z * FARADAY**2 * c_ion / rt, FARADAY**2 * c_eon / rt, z)


@dataclass(frozen=True)
class JobSharingDiffusivity:
    """D^δ and the terms of ∂μ_M/∂c_M (J m³ mol⁻²) that set it.

    ``dmu_ion_dc_J_m3_mol2``, ``dmu_eon_dc_J_m3_mol2`` and ``electrostatic_term_J_m3_mol2`` are the
    three bracket terms of the job-sharing path (their sum ``interface_path_term_J_m3_mol2``); the
    ``bulk_*`` terms those of the bulk path.  A term is ``None`` when not given separately (chemical
    terms included in C_int, or a bulk c^δ given as one number) and ``math.inf`` when that path
    stores nothing.  The path with the *smaller* term stores more and dominates D^δ;
    ``interfacial_storage_fraction`` says by how much.
    """

    D_m2_s: float
    sigma_ambipolar_S_m: float
    z: int
    dmu_ion_dc_J_m3_mol2: float | None
    dmu_eon_dc_J_m3_mol2: float | None
    electrostatic_term_J_m3_mol2: float
    interface_path_term_J_m3_mol2: float
    bulk_dmu_ion_dc_J_m3_mol2: float | None
    bulk_dmu_eon_dc_J_m3_mol2: float | None
    bulk_term_J_m3_mol2: float
    dmu_dc_effective_J_m3_mol2: float
    bulk_chemical_capacitance_F_m3: float
    interfacial_capacitance_F_m3: float
    total_chemical_capacitance_F_m3: float
    interfacial_storage_fraction: float


def _inverse(capacitance_F_m3: float, z: int) -> float:
    """z²F²/c^δ (J m³ mol⁻²) and back; infinite for 0."""
    return z * z * FARADAY**2 / capacitance_F_m3 if capacitance_F_m3 > 0 else math.inf


def _split(cap: float | ChemicalCapacitance, name: str, z: int) -> tuple[float, float | None, float | None]:
    """(total c^δ F m⁻³, ion term, eon term) of a capacitance given as a number or split."""
    if isinstance(cap, ChemicalCapacitance):
        if cap.z != z:
            raise InputError(f"parameter '{name}'", f"built for z={cap.z} but z={z}", expected="the same charge number")
        return cap.total_F_m3, _inverse(cap.ion_F_m3, z), _inverse(cap.eon_F_m3, z)
    return require_positive(name, cap, allow_zero=True), None, None


def job_sharing_diffusivity(sigma_ion_S_m: float, sigma_eon_S_m: float, *, z: int = Z_ZINC,
                            bulk_chemical_capacitance_F_m3: float | ChemicalCapacitance,
                            a_v_m_inv: float = 0.0, interface_capacitance_F_m2: float = 0.0,
                            carrier_chemical_capacitance: ChemicalCapacitance | None = None
                            ) -> JobSharingDiffusivity:
    """D^δ = σ_amb / (c^δ_bulk + c^δ_js)  (m² s⁻¹), σ_amb = σ_ionσ_eon/(σ_ion + σ_eon).

    σ in S m⁻¹; c^δ_bulk in F m⁻³ (a number, or a :class:`ChemicalCapacitance` to see its ionic and
    electronic terms); a_v in m⁻¹; C_int in F m⁻² (interface area).  c^δ_js = a_v·C_int, or, with
    ``carrier_chemical_capacitance`` (ions in α, electrons in β, F m⁻³), the series combination
    1/c^δ_js = 1/c^δ_ion + 1/c^δ_eon + 1/(a_v·C_int).
    """
    z = _require_z(z)
    s_ion = require_positive("sigma_ion_S_m", sigma_ion_S_m)
    s_eon = require_positive("sigma_eon_S_m", sigma_eon_S_m)
    a_v = require_positive("a_v_m_inv", a_v_m_inv, allow_zero=True)
    c_int = require_positive("interface_capacitance_F_m2", interface_capacitance_F_m2, allow_zero=True)
    c_bulk, bulk_ion, bulk_eon = _split(bulk_chemical_capacitance_F_m3, "bulk_chemical_capacitance_F_m3", z)
    electrostatic = _inverse(a_v * c_int, z)
    js_ion = js_eon = None
    if carrier_chemical_capacitance is not None:
        _, js_ion, js_eon = _split(carrier_chemical_capacitance, "carrier_chemical_capacitance", z)
    js_term = electrostatic + (js_ion or 0.0) + (js_eon or 0.0)
    c_js = _inverse(js_term, z)
    c_total = c_bulk + c_js
    if c_total <= 0:
        raise InputError("job-sharing diffusivity", "no storage: bulk chemical capacitance and a_v*C_int are both 0",
                         expected="bulk_chemical_capacitance_F_m3 > 0 or a_v_m_inv*interface_capacitance_F_m2 > 0")
    sigma_amb = s_ion * s_eon / (s_ion + s_eon)
    return JobSharingDiffusivity(
        D_m2_s=sigma_amb / c_total,
        sigma_ambipolar_S_m=sigma_amb,
        z=z,
        dmu_ion_dc_J_m3_mol2=js_ion,
        dmu_eon_dc_J_m3_mol2=js_eon,
        electrostatic_term_J_m3_mol2=electrostatic,
        interface_path_term_J_m3_mol2=js_term,
        bulk_dmu_ion_dc_J_m3_mol2=bulk_ion,
        bulk_dmu_eon_dc_J_m3_mol2=bulk_eon,
        bulk_term_J_m3_mol2=_inverse(c_bulk, z),
        dmu_dc_effective_J_m3_mol2=_inverse(c_total, z),
        bulk_chemical_capacitance_F_m3=c_bulk,
        interfacial_capacitance_F_m3=c_js,
        total_chemical_capacitance_F_m3=c_total,
        interfacial_storage_fraction=c_js / c_total,
    )
