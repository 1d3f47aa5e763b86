"""Study manifest validation: every problem is one line naming file, key and expectation."""

from pathlib import Path

import pytest

from interstore.errors import InputError
from interstore.evidence.manifest import load_study

VALID = """
[study]
name = "test study"

[material]
active_formula = "V8O16"
electrons_per_formula = 14
substrate = "rGO"
substrate_mass_fraction = 0.2
bonding = "V–O–C"

[electrode]
mass_mg = 1.25
composite_fraction = 0.8

[geometry]
morphology = "sheet"
size_nm = 5.0
interface_coverage = 0.5
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "study.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_manifest_and_masses(tmp_path):
    s = load_study(_write(tmp_path, VALID))
    assert s.masses.electrode_g == pytest.approx(1.25e-3)
    assert s.masses.composite_g == pytest.approx(1.0e-3)
    assert s.masses.active_g == pytest.approx(0.8e-3)
    assert s.manifest.geometry.interface_layer_nm == 0.5  # default


@pytest.mark.parametrize("edit, fragments", [
    (lambda t: t.replace("mass_mg = 1.25", "mass_mg = -1.25"), ["electrode.mass_mg", "line 13", "greater than 0"]),
    (lambda t: t + "colour = 'red'\n", ["geometry.colour", "unknown key"]),
    (lambda t: t.replace('morphology = "sheet"', 'morphology = "blob"'), ["geometry.morphology", "'cluster'"]),
    (lambda t: t.replace("size_nm = 5.0", 'size_nm = "five"'), ["geometry.size_nm", "number"]),
    (lambda t: t.replace('[study]\nname = "test study"\n', ""), ["'study'", "missing"]),
    (lambda t: t + '[[data.cv]]\npath = "missing.csv"\n', ["data.cv[0].path", "file not found", "missing.csv"]),
    (lambda t: t.replace("[geometry]", "[geometry"), ["not valid TOML"]),
    (lambda t: "", ["empty"]),
    (lambda t: t.replace("size_nm = 5.0", "size_nm = inf"), ["geometry.size_nm", "finite"]),
    (lambda t: t.replace("interface_coverage = 0.5", "interface_coverage = nan"), ["geometry.interface_coverage"]),
    (lambda t: t + "[[evidence.characterisation]]\ntechnique = 'Raman'\nmode = 'sideways'\n",
     ["evidence.characterisation[0].mode", "'in situ'"]),
    # an unparsable formula used to fail later without naming the manifest or the key
    (lambda t: t.replace('active_formula = "V8O16"', 'active_formula = "Qq9"'),
     ["material.active_formula", "not a chemical formula", "Qq9"]),
    (lambda t: t + "[atomistic]\nformula = 'V8O16x'\nn_max = 7\n", ["atomistic.formula", "V8O16x"]),
])
def test_bad_manifest_is_one_clear_line(tmp_path, edit, fragments):
    p = _write(tmp_path, edit(VALID))
    with pytest.raises(InputError) as err:
        load_study(p)
    msg = str(err.value)
    assert "\n" not in msg and str(p) in msg
    for f in fragments:
        assert f in msg


def test_missing_manifest(tmp_path):
    with pytest.raises(InputError, match="manifest not found"):
        load_study(tmp_path / "nope.toml")
