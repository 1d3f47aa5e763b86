"""Study manifest: one TOML file that describes a whole interface-storage study.

The manifest is validated with pydantic (unknown keys are rejected); every
problem becomes a one-line :class:`~interstore.errors.InputError` naming the
file, the key path, the line (when it can be found) and the expected type.
Relative paths are resolved against the manifest's folder and must exist.
See ``docs/study-manifest.md`` for every key and its unit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, Optional

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from ..bounds import require_distinct, require_distinct_files
from ..errors import InputError, ManifestError
from ..inputs import MAX_CONFIG_BYTES, read_text_input
from ..outputs import note_input
from ..massbasis import ElectrodeMasses
from ..tomlconfig import validation_error

Mode = Literal["in situ", "operando", "ex situ", "computational", "unknown"]
Alternative = Literal["proton", "pseudocapacitance", "parasitic"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StudyInfo(_Model):
    name: str
    description: str = ""
    simulated: bool = False


def _parsable_formula(value: str | None) -> str | None:
    """A formula pymatgen can weigh, checked at load time so the error names the manifest key."""
    from ..theoretical import molar_mass_g_mol

    if value is not None:
        try:
            molar_mass_g_mol(value)
        except InputError:
            raise ValueError("not a chemical formula (e.g. V8O16 or Zn0.25V2O5)") from None
    return value


class Material(_Model):
    active_formula: str
    electrons_per_formula: float = Field(gt=0)
    substrate: str
    substrate_mass_fraction: float = Field(ge=0, lt=1)
    bonding: Optional[str] = None

    _formula = field_validator("active_formula")(_parsable_formula)


class Electrode(_Model):
    mass_mg: float = Field(gt=0)
    composite_fraction: float = Field(default=1.0, gt=0, le=1)
    area_cm2: Optional[float] = Field(default=None, gt=0)  # geometric area: areal capacity, current, energy
    active_loading_mg_cm2: Optional[float] = Field(default=None, gt=0)  # active-oxide loading (or with area)


class Geometry(_Model):
    morphology: Literal["cluster", "sheet", "particle"]
    size_nm: float = Field(gt=0)
    interface_coverage: float = Field(ge=0, le=1)
    architecture: Literal["2D/2D", "0D/2D", "1D/2D", "core-shell", "mixed", "unknown"] = "unknown"
    interface_layer_nm: float = Field(default=0.5, gt=0)
    density_g_cm3: Optional[float] = Field(default=None, gt=0)


class CVFile(_Model):
    path: Path
    scan_rate_mV_s: Optional[float] = Field(default=None, gt=0)


class GCDFile(_Model):
    path: Path


class Data(_Model):
    instrument: Optional[str] = None
    r_s_ohm: Optional[float] = Field(default=None, ge=0)
    eis_circuit: Literal["randles", "randles-fl", "randles-cpe", "randles-fl-cpe"] = "randles"
    cv: list[CVFile] = []
    gcd: list[GCDFile] = []
    eis: Optional[Path] = None
    gitt: Optional[Path] = None


class Atomistic(_Model):
    n_max: Optional[int] = Field(default=None, ge=1)
    formula: Optional[str] = None
    binding_energies_eV: Optional[list[float]] = None
    scan_json: Optional[Path] = None
    work_of_adhesion_J_m2: Optional[float] = None  # W_adh of the interface (atomistic.adhesion); condition (iii)

    _formula = field_validator("formula")(_parsable_formula)


DEFAULT_FIT_FREE = {"host.diffusivity_m2_s": (1e-20, 1e-14), "interface.sites_per_nm2": (0.05, 30.0)}


class RateFit(_Model):
    """``[simulation.fit]``: fit both transport models to the study's rate test (when it has one).

    ``free`` maps config keys to [lower, upper] bounds (config units, fitted in log10 space);
    by default the host diffusivity (1e-20–1e-14 m² s⁻¹) and the interface site density
    (0.05–30 nm⁻²)."""

    enabled: bool = True
    free: dict[str, tuple[float, float]] = Field(default_factory=lambda: dict(DEFAULT_FIT_FREE))
    starts: int = Field(default=1, ge=1, le=20)
    start: Literal["config", "centre"] = "config"   # first start: the config's values, or the box centre
    seed: int = 0
    curves: bool = False                            # also fit the discharge curves V(Q) of the rate test
    sigma_V: float = Field(default=0.005, gt=0, lt=1)  # potential noise of the curve points, V

    @field_validator("free")
    @classmethod
    def _bounds(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        if not value:
            raise ValueError("give at least one free parameter, e.g. {\"host.diffusivity_m2_s\" = [1e-20, 1e-14]}")
        for key, (lo, hi) in value.items():
            if "." not in key or not 0 < lo < hi:
                raise ValueError(f"{key!r}: expected a section.key with bounds [lower, upper], 0 < lower < upper")
        return value


class Simulation(_Model):
    config: Path
    rates_A_g: list[float] = Field(default=[0.1, 0.5, 1.0, 5.0, 10.0, 50.0, 100.0], min_length=2)
    fit: RateFit = RateFit()

    @model_validator(mode="after")
    def _positive_rates(self) -> "Simulation":
        if any(r <= 0 for r in self.rates_A_g):
            raise ValueError("rates_A_g must all be > 0 A g-1")
        return self


class LedgerEstimates(_Model):
    proton_fraction: float = Field(default=0.0, ge=0, le=1)
    proton_fraction_sigma: float = Field(default=0.0, ge=0, le=1)
    parasitic_fraction: Optional[float] = Field(default=None, ge=0, le=1)
    parasitic_fraction_sigma: float = Field(default=0.02, ge=0, le=1)
    capacitive_fraction_sigma: float = Field(default=0.1, ge=0, le=1)
    capacity_relative_sigma: float = Field(default=0.03, ge=0, le=1)
    interface_charge_C_m2: Optional[float] = Field(default=None, ge=0)
    interface_limit_relative_sigma: float = Field(default=0.25, ge=0, le=1)


class Characterisation(_Model):
    technique: str
    mode: Mode = "unknown"
    finding: str = ""
    bond_change: Optional[bool] = None
    reversible_bond_change: Optional[bool] = None
    zn_interface_enrichment: Optional[bool] = None

    @field_validator("reversible_bond_change")
    @classmethod
    def _consistent_flags(cls, value: Optional[bool], info: ValidationInfo) -> Optional[bool]:
        """A bond cannot re-form reversibly without changing: contradictory flags are an input error."""
        if value is True and info.data.get("bond_change") is False:
            raise ValueError("reversible_bond_change = true contradicts bond_change = false "
                             "(a bond that re-forms must first change)")
        return value


class EvidenceRecord(_Model):
    mass_normalisation_stated: Optional[bool] = None
    alternatives_discussed: list[Alternative] = []
    bond_strength: Literal["weak", "moderate", "strong", "unknown"] = "unknown"
    paths_connected: Optional[bool] = None
    characterisation: list[Characterisation] = []


ElectrodeRole = Literal["heterostructure", "oxide", "substrate", "mixture", "proton-only"]
ROLE_BASIS = {"heterostructure": "composite", "oxide": "oxide", "substrate": "substrate", "mixture": "composite",
              "proton-only": "composite"}  # the mass each role's capacity is divided by


class ReplicateCell(_Model):
    """One cell (one galvanostatic file, optional CVs at several scan rates) with its own masses (mg)."""

    gcd: Path
    cv: list[CVFile] = []
    oxide_mg: float = Field(default=0.0, ge=0)
    substrate_mg: float = Field(default=0.0, ge=0)
    other_mg: float = Field(default=0.0, ge=0)
    label: str = ""


class ControlElectrode(_Model):
    """An electrode of the study (heterostructure or a control) and its replicate cells."""

    name: str
    role: ElectrodeRole
    electrolyte: str = ""
    cells: list[ReplicateCell] = Field(min_length=1)

    @model_validator(mode="after")
    def _masses_fit_role(self) -> "ControlElectrode":
        need = {"oxide": ("oxide_mg",), "substrate": ("substrate_mg",)}.get(self.role, ("oxide_mg", "substrate_mg"))
        for i, c in enumerate(self.cells):
            for key in need:
                if getattr(c, key) <= 0:
                    raise ValueError(f"cells[{i}].{key} must be > 0 mg for a {self.role} electrode")
        return self


class Controls(_Model):
    """The heterostructure and its control electrodes (see docs/study-manifest.md, [controls])."""

    electrodes: list[ControlElectrode] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_per_role(self) -> "Controls":
        roles = [e.role for e in self.electrodes]
        twice = sorted({r for r in roles if roles.count(r) > 1})
        if twice:
            raise ValueError(f"more than one electrode with role {', '.join(twice)}")
        if "heterostructure" not in roles:
            raise ValueError("no electrode with role 'heterostructure'")
        return self

    def electrode(self, role: str) -> ControlElectrode | None:
        return next((e for e in self.electrodes if e.role == role), None)


class OperandoSpectra(_Model):
    """An operando / in situ Raman or FT-IR series and the electrochemistry of the same run."""

    technique: Literal["Raman", "FT-IR"]
    mode: Literal["operando", "in situ"] = "operando"
    series: Path
    echem: Path
    instrument: Optional[str] = None
    feature: str = "interfacial band"
    band_cm1: float = Field(gt=0)
    window_cm1: Optional[list[float]] = Field(default=None, min_length=2, max_length=2)
    shape: Literal["lorentzian", "voigt"] = "lorentzian"
    baseline: Literal["arpls", "modpoly", "asls", "none"] = "arpls"
    n_average: int = Field(default=5, ge=3)
    mcr_components: int = Field(default=2, ge=0, le=9)  # MCR-ALS of the whole series in the report; 0: none


class _ElectrodeStates(_Model):
    """Spectra of one electrode in two or three states: discharged and pristine and/or charged."""

    mode: Literal["ex situ", "in situ", "operando"] = "ex situ"

    @model_validator(mode="after")
    def _reference_state(self) -> "_ElectrodeStates":
        if self.pristine is None and self.charged is None:
            raise ValueError("give 'pristine' or 'charged' beside 'discharged' (a change needs two states)")
        return self


class XpsStates(_ElectrodeStates):
    """XPS of the same electrode in two or three states (pristine optional, discharged, charged optional)."""

    region: Literal["V2p3/2", "O1s"] = "V2p3/2"
    pristine: Optional[Path] = None
    discharged: Path
    charged: Optional[Path] = None
    block: Optional[str] = None


class _CalibratedStates(_ElectrodeStates):
    """States as ``PATH`` or ``PATH@BLOCK``, with reference spectra of known valence for feature ``valence``."""

    pristine: Optional[str] = None
    discharged: str
    charged: Optional[str] = None
    references: list[str] = []
    valences: list[float] = []

    @model_validator(mode="after")
    def _calibration(self) -> "_CalibratedStates":
        if self.feature == "valence" and (len(self.references) < 2 or len(self.valences) != len(self.references)):
            raise ValueError("feature 'valence' needs two or more 'references' and one 'valences' entry each")
        return self


class XasStates(_CalibratedStates):
    """V K-edge XANES of the same electrode in two or three states; ``PATH`` or ``PATH@BLOCK`` each."""

    feature: Literal["pre-edge intensity", "valence"] = "pre-edge intensity"


class EelsStates(_CalibratedStates):
    """EELS V L2,3 of the same electrode in two or three states; ``PATH`` or ``PATH@BLOCK`` each.
    The feature is the L3/L2 white-line ratio, or the mean valence from the L3 peak through
    reference spectra of known valence on the same energy scale."""

    feature: Literal["L3/L2 ratio", "valence"] = "L3/L2 ratio"


class SpectraSection(_Model):
    operando: list[OperandoSpectra] = []
    xps: list[XpsStates] = []
    xas: list[XasStates] = []
    eels: list[EelsStates] = []


class StudyManifest(_Model):
    study: StudyInfo
    material: Material
    electrode: Electrode
    geometry: Geometry
    data: Data = Data()
    atomistic: Optional[Atomistic] = None
    simulation: Optional[Simulation] = None
    ledger: LedgerEstimates = LedgerEstimates()
    evidence: EvidenceRecord = EvidenceRecord()
    controls: Optional[Controls] = None
    spectra: SpectraSection = SpectraSection()


@dataclass(frozen=True)
class Study:
    """A validated manifest together with the file it came from."""

    manifest: StudyManifest
    path: Path

    def resolve(self, relative: Path) -> Path:
        """A manifest path made absolute (relative paths are relative to the manifest's folder)."""
        return relative if relative.is_absolute() else (self.path.parent / relative)

    @cached_property
    def masses(self) -> ElectrodeMasses:
        """Active / substrate / other masses (g) from the electrode mass and the two fractions."""
        m, e = self.manifest.material, self.manifest.electrode
        composite_g = e.mass_mg * 1e-3 * e.composite_fraction
        substrate_g = composite_g * m.substrate_mass_fraction
        return ElectrodeMasses(composite_g - substrate_g, substrate_g, e.mass_mg * 1e-3 - composite_g,
                               active_label=m.active_formula, substrate_label=m.substrate).with_area(
            e.area_cm2, e.active_loading_mg_cm2)

    @property
    def name(self) -> str:
        return self.manifest.study.name


def _path_fields(m: StudyManifest):
    """(key path, relative path) for every file named in the manifest."""
    for i, f in enumerate(m.data.cv):
        yield f"data.cv[{i}].path", f.path
    for i, f in enumerate(m.data.gcd):
        yield f"data.gcd[{i}].path", f.path
    for key in ("eis", "gitt"):
        if getattr(m.data, key) is not None:
            yield f"data.{key}", getattr(m.data, key)
    if m.atomistic is not None and m.atomistic.scan_json is not None:
        yield "atomistic.scan_json", m.atomistic.scan_json
    if m.simulation is not None:
        yield "simulation.config", m.simulation.config
    for i, e in enumerate(m.controls.electrodes if m.controls is not None else ()):
        for j, c in enumerate(e.cells):
            yield f"controls.electrodes[{i}].cells[{j}].gcd", c.gcd
            for k, f in enumerate(c.cv):
                yield f"controls.electrodes[{i}].cells[{j}].cv[{k}].path", f.path
    for i, o in enumerate(m.spectra.operando):
        yield f"spectra.operando[{i}].series", o.series
        yield f"spectra.operando[{i}].echem", o.echem
    for i, x in enumerate(m.spectra.xps):
        for key in ("pristine", "discharged", "charged"):
            if getattr(x, key) is not None:
                yield f"spectra.xps[{i}].{key}", getattr(x, key)
    for name in ("xas", "eels"):
        for i, x in enumerate(getattr(m.spectra, name)):
            for key in ("pristine", "discharged", "charged"):
                if getattr(x, key) is not None:
                    yield f"spectra.{name}[{i}].{key}", Path(getattr(x, key).partition("@")[0])
            for k, ref in enumerate(x.references):
                yield f"spectra.{name}[{i}].references[{k}]", Path(ref.partition("@")[0])


def load_study(path: str | Path) -> Study:
    """Read and validate a study manifest; every named file must exist."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(path, "manifest not found", expected="an existing study TOML file")
    text = read_text_input(path, limit_bytes=MAX_CONFIG_BYTES, what="a study TOML file")
    if not text.strip():
        raise ManifestError(path, "manifest is empty", expected="a study TOML file (see docs/study-manifest.md)")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, f"not valid TOML: {exc}", expected="TOML syntax") from None
    try:
        manifest = StudyManifest.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, path, text, error=ManifestError,
                               keys_documented_in="docs/study-manifest.md") from None
    study = Study(manifest, path)
    note_input(path)
    for key, rel in _path_fields(manifest):
        note_input(study.resolve(rel))
        if not study.resolve(rel).is_file():
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if str(rel) in ln), None)
            raise ManifestError(path, f"file not found: {study.resolve(rel)}",
                             where=f"key '{key}'" + (f" (line {line})" if line else ""),
                             expected="a path to an existing file, relative to the manifest")
    try:  # area and loading given together must agree with the active mass
        study.masses
    except InputError as exc:
        raise InputError(path, exc.problem, where="keys 'electrode.area_cm2', 'electrode.active_loading_mg_cm2'",
                         expected=exc.expected) from None
    cvs = manifest.data.cv  # one CV per scan rate: the same file or rate twice skews every fit
    require_distinct_files(f"{path}: key 'data.cv'", [study.resolve(f.path) for f in cvs])
    given = [(k, f.scan_rate_mV_s) for k, f in enumerate(cvs) if f.scan_rate_mV_s is not None]
    require_distinct(f"{path}: key 'data.cv'", [r for _, r in given], "scan_rate_mV_s",
                     labels=[f"data.cv[{k}]" for k, _ in given])
    return study
