"""Foundation: one-line input errors, atomic outputs, CLI exit codes."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from interstore.echem.record import from_arrays
from interstore.errors import InputError, require_positive
from interstore.outputs import write_json


def test_input_error_is_one_line_and_names_source_and_expectation():
    err = InputError("cell.csv", "non-numeric value\nin 'current'", where="line 12", expected="a number")
    text = str(err)
    assert "\n" not in text
    assert text.startswith("cell.csv: line 12:")
    assert "expected a number" in text


@pytest.mark.parametrize("bad", [-1.0, 0.0, float("nan"), float("inf"), "abc"])
def test_require_positive_rejects_nonsense(bad):
    with pytest.raises(InputError, match="parameter 'mass'"):
        require_positive("mass", bad)


def test_write_json_is_atomic_and_maps_nan_to_null(tmp_path):
    target = tmp_path / "sub" / "r.json"
    write_json(target, {"x_V": np.float64(1.5), "bad": math.nan, "arr": np.arange(3)})
    assert json.loads(target.read_text()) == {"x_V": 1.5, "bad": None, "arr": [0, 1, 2]}
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]  # no temp files left
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0600


def test_measurement_rejects_nan_and_backward_time():
    with pytest.raises(InputError, match="row 2"):
        from_arrays([0, 1, 2], [0.1, np.nan, 0.3], [0, 0, 0])
    with pytest.raises(InputError, match="time goes backwards"):
        from_arrays([0, 2, 1], [0.1, 0.2, 0.3], [0, 0, 0])


def test_cli_help_and_unknown_command_exit_codes(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0 and "interstore" in out
    code, _, err = run_cli("no-such-command")
    assert code == 2 and "Traceback" not in err
    code, out, err = run_cli("literature")  # a group without a command prints its help only
    assert code == 0 and "network" in out and err == ""


def test_output_paths_that_are_folders_or_files_give_one_line_errors(run_cli, tmp_path):
    data = os.path.join(os.path.dirname(__file__), "echem", "data", "chi_cv_5mVs.txt")
    a_file = tmp_path / "taken.json"
    a_file.write_text("{}")
    code, _, err = run_cli("read", data, "--out", a_file)  # --out names a file
    assert code == 2 and "internal error" not in err
    assert str(a_file) in err and "not a folder" in err
    code, _, err = run_cli("read", data, "--json", tmp_path)  # --json names a folder
    assert code == 2 and str(tmp_path) in err and "folder" in err and ".tmp" not in err
    assert a_file.read_text() == "{}"


def test_error_lines_keep_square_brackets(run_cli, tmp_path):
    # "[host]" in a message used to be swallowed as rich markup ("at least a  section")
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    code, _, err = run_cli("simulate", "discharge", empty)
    assert code == 2 and "[host]" in err


def test_narrow_tables_never_break_a_word_or_a_number():
    from rich.console import Console

    from interstore.cli_support import table

    headers = [f"parasitic {k} (W kg⁻¹)" for k in range(9)]
    rows = [[15731.2 + k for k in range(9)], ["unaccounted", 0.09995, 1.234e-5, *range(6)]]
    con = Console(width=80, record=True)
    con.print(table("many columns", headers, rows, caption="W kg⁻¹ of the electrode"))
    text = con.export_text()
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80 and "…" not in text
    words = {w for cell in [*headers, "unaccounted", "15730", "0.09995", "1.234e-5"] for w in cell.split()}
    tokens = {t.strip("┃│") for line in lines for t in line.split()}
    assert words <= tokens  # every header word and number appears whole on one line
    assert "(continued)" in text  # nine columns do not fit in 80: the rest follow with the first column again


def test_version_takes_json_and_out_like_every_command(run_cli, tmp_path):
    code, out, err = run_cli("version", "--json", tmp_path / "v.json", "--out", tmp_path / "o")
    assert code == 0, err
    versions = json.loads((tmp_path / "v.json").read_text())["versions"]
    assert versions["interstore"] and "numpy" in versions
    assert json.loads((tmp_path / "o" / "versions.json").read_text()) == {"versions": versions}


def test_paths_with_square_brackets_are_printed_intact(run_cli, tmp_path):
    folder = tmp_path / "[run1]"
    data = os.path.join(os.path.dirname(__file__), "echem", "data", "chi_cv_5mVs.txt")
    code, out, err = run_cli("read", data, "--out", folder)
    assert code == 0, err
    assert "[run1]" in out.replace("\n", "")


def test_tables_show_user_labels_literally_not_as_rich_markup():
    from rich.console import Console

    from interstore.cli_support import table

    con = Console(record=True, width=120)
    con.print(table("per g of [bold]V8O16", ("label [x]",), [("[run1]/out",), (1.23456,)]))
    text = con.export_text()
    assert "[bold]V8O16" in text and "label [x]" in text and "[run1]/out" in text and "1.235" in text
