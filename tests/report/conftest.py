"""Fixtures: a minimal study without instrument files, and the demo study's report (built once)."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo_study" / "study.toml"

MINIMAL = """
[study]
name = "{name}"
description = "{description}"

[material]
active_formula = "V8O16"
electrons_per_formula = 8
substrate = "rGO"
substrate_mass_fraction = 0.2
bonding = "{bonding}"

[electrode]
mass_mg = 1.5625
composite_fraction = 0.8

[geometry]
morphology = "cluster"
size_nm = 1.0
interface_coverage = 0.9

[atomistic]
binding_energies_eV = [-1.10, -2.05, -2.90, -3.62, -4.25, -4.80, -5.25, -5.05]

[[evidence.characterisation]]
technique = "Raman"
mode = "ex situ"
finding = "{finding}"
bond_change = true
"""


@pytest.fixture()
def minimal_study(tmp_path):
    """Write a minimal manifest; keyword arguments replace its user strings."""
    def _make(name="minimal", description="no data", bonding="V–O–C", finding="band shift", extra=""):
        p = tmp_path / "study.toml"
        p.write_text(MINIMAL.format(name=name, description=description, bonding=bonding, finding=finding) + extra,
                     encoding="utf-8")
        return p
    return _make


@pytest.fixture(scope="session")
def demo_results():
    """The demo study's :class:`~interstore.study.StudyResults`, analysed once per session."""
    from interstore.study import analyse_study

    return analyse_study(DEMO)


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory, demo_results):
    """The demo study's report folder (report.html, report.json, PNGs), written once per session."""
    from interstore.report.build import write_report

    out = tmp_path_factory.mktemp("demo-report")
    write_report(demo_results, out)
    return out
