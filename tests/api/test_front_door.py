"""``import interstore as ist``: cheap to import, every front-door name resolves, errors speak
in library terms from Python and in option names from the CLI."""

import json
import subprocess
import sys

from pathlib import Path

import pytest

import interstore as ist
from interstore.errors import ConfigError, InputError, ManifestError, ReaderError, SimulationError

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo_study" / "data"


def test_import_pulls_in_no_heavy_library():
    code = ("import sys, interstore; heavy = [m for m in ('pandas', 'scipy', 'matplotlib', 'torch', 'numpy') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(set(ist.__all__) - {"__version__"}))
def test_every_public_name_resolves(name):
    assert getattr(ist, name) is not None


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ist.nope  # noqa: B018


def test_literature_network_is_callable_and_keeps_its_functions():
    assert callable(ist.literature.network)
    assert callable(ist.literature.network.keyword_map)


@pytest.mark.parametrize("cls", [ReaderError, ManifestError, ConfigError, SimulationError])
def test_error_kinds_are_input_errors(cls):
    assert issubclass(cls, InputError) and issubclass(cls, ValueError)


def test_bad_cell_config_raises_config_error(tmp_path):
    path = tmp_path / "cell.toml"
    path.write_text("[host]\nsize_m = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="host.size_m"):
        ist.CellConfig.from_toml(path)


def test_python_names_the_parameter_and_cli_names_the_option(run_cli, tmp_path):
    demo = str(DEMO) + "/"
    ms = [ist.read(demo + f, instrument="csv") for f in ("cv_1mV_s.csv", "cv_2mV_s.csv")]
    with pytest.raises(InputError, match=r"^parameter 'scan_rates_mV_s': 3 scan rate\(s\) for 2 measurement"):
        ist.analyze_cv(ms, [1.0, 2.0, 5.0])
    code, _, err = run_cli("cv", "analyze", demo + "cv_1mV_s.csv", demo + "cv_2mV_s.csv", "--instrument", "csv",
                           "--scan-rates", "1,2,5")
    assert code == 2
    assert err.startswith("error: option --scan-rates:") and "Traceback" not in err


def test_simulate_rejects_an_unknown_experiment_by_parameter_name():
    with pytest.raises(InputError, match="parameter 'experiment'"):
        ist.simulate(ist.CellConfig(), "nope")


def test_result_survives_a_json_round_trip():
    demo = str(DEMO) + "/"
    ms = [ist.read(demo + f"cv_{r}mV_s.csv", instrument="csv") for r in ("0.5", "1", "2", "5", "10")]
    cv = ist.analyze_cv(ms, [0.5, 1, 2, 5, 10], mass_g=1e-3)
    again = type(cv).from_dict(json.loads(json.dumps(cv.as_dict())))
    assert again.to_dict() == cv.to_dict()
    assert repr(again) == repr(cv) and len(repr(cv)) < 400  # a headline, not an array dump


def test_on_every_basis_divides_by_each_basis_mass():
    # 1 g active, 0.25 g rGO, 0.3125 g binder: composite 1.25 g, electrode 1.5625 g
    masses = ist.ElectrodeMasses(1.0, 0.25, 0.3125)
    q = masses.on_every_basis(400.0)
    assert q == {"active": 400.0, "composite": pytest.approx(320.0), "electrode": pytest.approx(256.0)}
    import numpy as np

    curve = masses.on_every_basis(np.array([100.0, 200.0]))
    assert curve["electrode"] == pytest.approx([64.0, 128.0])


def test_bad_manifest_raises_manifest_error(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text("[study]\nname = 'x'\n[material]\nactive_formula = 'V8O16'\nelectrons_per_formula = -1\n",
                    encoding="utf-8")
    with pytest.raises(ManifestError, match="line"):
        ist.Study.from_toml(path)
    with pytest.raises(ManifestError, match="manifest not found"):
        ist.Study.from_toml(tmp_path / "missing.toml")


def test_batch_pattern_error_names_the_parameter_in_python_and_the_option_in_the_cli(run_cli, tmp_path):
    from interstore.echem.batch import Grouping

    with pytest.raises(InputError, match=r"^parameter 'pattern': unknown group name\(s\) colour"):
        Grouping.from_options("(?P<colour>x)", None)
    code, _, err = run_cli("batch", tmp_path, "--pattern", "(?P<colour>x)", "--out", tmp_path / "out")
    assert code == 2 and err.startswith("error: option --pattern: unknown group name(s) colour")


@pytest.mark.parametrize("payload", [
    {"@module": "interstore.report.build", "@class": "build_report", "path": "x", "out_dir": "y"},
    {"@module": "os", "@class": "system", "command": "true"},
])
def test_from_dict_never_calls_anything_but_a_result_class(payload):
    from interstore.echem.cv_analysis import CVAnalysis

    with pytest.raises(ValueError, match="refusing to rebuild"):
        CVAnalysis.from_dict(payload)


def test_cell_config_errors_name_the_key_and_its_line(tmp_path):
    path = tmp_path / "cell.toml"
    path.write_text("[cell]\nactive_mass_g = 0.001\n\n[host]\nformula = \"V8O16\"\nsize_m = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'host.size_m' \(line 6\)"):
        ist.CellConfig.from_toml(path)
