"""Study manifest: one TOML file that describes a whole interface-storage study.

The manifest is validated with pydantic (unknown keys are rejected); every
problem becomes a one-line :class:`~interstore.errors.InputError` naming the
file, the key path, the line (when it can be found) and the expected type.
Relative paths are resolved against the manifest's folder and must exist.
See ``docs/study-manifest.md`` for every key and its unit.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..bounds import require_distinct, require_distinct_files
from ..errors import InputError
from ..inputs import MAX_CONFIG_BYTES, read_text_input
from ..outputs import note_input
from ..massbasis import ElectrodeMasses

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

    _formula = field_validator("formula")(_parsable_formula)


class Simulation(_Model):
    config: Path
    rates_A_g: list[float] = Field(default=[0.1, 0.5, 1.0, 5.0, 10.0, 50.0, 100.0], min_length=2)

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


class EvidenceRecord(_Model):
    mass_normalisation_stated: Optional[bool] = None
    alternatives_discussed: list[Alternative] = []
    bond_strength: Literal["weak", "moderate", "strong", "unknown"] = "unknown"
    paths_connected: Optional[bool] = None
    characterisation: list[Characterisation] = []


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
                               active_label=m.active_formula, substrate_label=m.substrate)

    @property
    def name(self) -> str:
        return self.manifest.study.name


_EXPECTED = {
    "missing": "this key to be present",
    "extra_forbidden": "only the keys listed in docs/study-manifest.md",
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "an integer",
    "int_type": "an integer", "int_from_float": "an integer", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "a string", "list_type": "a list",
    "model_type": "a table", "literal_error": None, "path_type": "a file path (string)",
}


def _key_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(text: str, loc: tuple) -> int | None:
    """1-based line where the last named key of ``loc`` is written (best effort)."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return None
    pattern = re.compile(rf"^\s*(\[+\s*)?([\w.]*\.)?\"?{re.escape(names[-1])}\"?\s*(=|\])")
    for i, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return i
    return None


def _first_error(err: ValidationError, source: Path, text: str) -> InputError:
    e = err.errors()[0]
    loc = tuple(e["loc"])
    kind = e["type"]
    key = _key_path(loc)
    line = _line_of(text, loc)
    where = f"key '{key}'" + (f" (line {line})" if line else "")
    if kind == "extra_forbidden":
        problem = "unknown key"
    elif kind == "missing":
        problem = "required key is missing"
    else:
        problem = f"{e['msg']}, got {e.get('input')!r}"
    expected = _EXPECTED.get(kind, None)
    if kind == "literal_error":
        expected = e["msg"].removeprefix("Input should be ")
        problem = f"got {e.get('input')!r}"
    return InputError(source, problem, where=where, expected=expected)


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


def load_study(path: str | Path) -> Study:
    """Read and validate a study manifest; every named file must exist."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "manifest not found", expected="an existing study TOML file")
    text = read_text_input(path, limit_bytes=MAX_CONFIG_BYTES, what="a study TOML file")
    if not text.strip():
        raise InputError(path, "manifest is empty", expected="a study TOML file (see docs/study-manifest.md)")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}", expected="TOML syntax") from None
    try:
        manifest = StudyManifest.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(exc, path, text) from None
    study = Study(manifest, path)
    note_input(path)
    for key, rel in _path_fields(manifest):
        note_input(study.resolve(rel))
        if not study.resolve(rel).is_file():
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if str(rel) in ln), None)
            raise InputError(path, f"file not found: {study.resolve(rel)}",
                             where=f"key '{key}'" + (f" (line {line})" if line else ""),
                             expected="a path to an existing file, relative to the manifest")
    cvs = manifest.data.cv  # one CV per scan rate: the same file or rate twice skews every fit
    require_distinct_files(f"{path}: key 'data.cv'", [study.resolve(f.path) for f in cvs])
    given = [(k, f.scan_rate_mV_s) for k, f in enumerate(cvs) if f.scan_rate_mV_s is not None]
    require_distinct(f"{path}: key 'data.cv'", [r for _, r in given], "scan_rate_mV_s",
                     labels=[f"data.cv[{k}]" for k, _ in given])
    return study
