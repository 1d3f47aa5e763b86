"""The README's promises, each proved here: inputs are never modified, output sets are written
atomically (old set or new set, never a mix; one run at a time per folder), an interrupt stops
with exit 130 (SIGTERM 143) and one line, and every error is one line with exit 2."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CV = HERE / "echem" / "data" / "chi_cv_5mVs.txt"
DEMO = HERE.parent / "examples" / "demo_study" / "study.toml"
SRC = HERE.parent / "src"


def _interstore(*args, prelude: str = "", timeout: float = 120, cwd=None):
    """Run ``interstore ARGS`` in a fresh interpreter; ``prelude`` runs first (to inject a fault)."""
    code = f"import sys\n{prelude}\nfrom interstore.cli import main\nsys.exit(main())\n"
    env = dict(os.environ, PYTHONPATH=str(SRC), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _old_set(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    for name in ("chi_cv_5mVs_canonical.csv", "chi_cv_5mVs_overview.png", "result.json"):
        (folder / name).write_bytes(b"old " + name.encode())
    return _snapshot(folder)


# --- inputs are never modified ---------------------------------------------------------------------

def test_json_onto_the_input_file_is_refused(run_cli, tmp_path):
    data = tmp_path / "v.csv"
    shutil.copy(CV, data)
    before = data.read_bytes()
    for spelling in (data, tmp_path / "no-such-dir" / ".." / "v.csv"):
        code, out, err = run_cli("read", data, "--json", spelling)
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert "is an input file" in err and "v.csv" in err
    link = tmp_path / "link.json"
    link.symlink_to(data)
    code, _, err = run_cli("read", data, "--json", link)
    assert code == 2 and "is an input file" in err
    assert data.read_bytes() == before


@pytest.mark.parametrize("name, option", [("study.toml", "--json"), ("verdict.json", "--out")])
def test_verdict_onto_its_own_manifest_is_refused(run_cli, tmp_path, name, option):
    # --json M, or --out DIR when M is DIR/verdict.json (the file `evidence verdict --out` writes)
    study = tmp_path / "s"
    shutil.copytree(DEMO.parent, study)
    manifest = study / name
    (study / "study.toml").rename(manifest)
    before = manifest.read_bytes()
    code, _, err = run_cli("evidence", "verdict", manifest, option, manifest if option == "--json" else study)
    assert code == 2 and "is an input file" in err and len(err.strip().splitlines()) == 1
    assert manifest.read_bytes() == before


def test_manifest_data_files_are_inputs_too(run_cli, tmp_path):
    study = tmp_path / "s"
    shutil.copytree(DEMO.parent, study)
    cv_file = sorted((study / "data").glob("*cv*"))[0]
    before = cv_file.read_bytes()
    code, _, err = run_cli("evidence", "verdict", study / "study.toml", "--json", cv_file)
    assert code == 2 and "is an input file" in err
    assert cv_file.read_bytes() == before


# --- output sets are atomic --------------------------------------------------------------------------

def test_a_writer_failing_mid_set_leaves_the_old_set_and_no_staging(run_cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    old = _old_set(out)
    import matplotlib.figure

    def broken(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)  # the CSV is written first
    code, _, err = run_cli("read", CV, "--out", out, "--json", out / "result.json")
    assert code == 1 and "disk on fire" in err
    assert _snapshot(out) == old
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder, no lock left


def test_a_failed_run_into_a_new_folder_creates_nothing(run_cli, tmp_path, monkeypatch):
    import matplotlib.figure

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", lambda *a, **k: 1 / 0)
    code, _, _ = run_cli("read", CV, "--out", tmp_path / "new")
    assert code == 1 and list(tmp_path.iterdir()) == []


INTERRUPT_ON_SECOND_WRITE = """
import os, signal
import interstore.outputs as o
_write = o.OutputSet.write
def write(self, target, data):
    _write(self, target, data)
    if sum(len(s.files) for s in self._stages.values()) == 2:
        os.kill(os.getpid(), signal.{sig})
        import time; time.sleep(5)
o.OutputSet.write = write
"""


@pytest.mark.parametrize("sig, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_an_interrupt_mid_set_exits_with_one_line_and_keeps_the_old_set(tmp_path, sig, code):
    out = tmp_path / "out"
    old = _old_set(out)
    res = _interstore("read", CV, "--out", out, "--json", out / "result.json",
                      prelude=INTERRUPT_ON_SECOND_WRITE.format(sig=sig))
    assert res.returncode == code, res.stderr
    assert res.stderr.strip().splitlines() == [f"interrupted ({sig}): stopped, no output of this run was written"]
    assert _snapshot(out) == old
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_interrupt_inside_a_finaliser_still_stops_the_run_without_a_traceback(tmp_path):
    # Python prints "Exception ignored in: ... KeyboardInterrupt" and carries on when Ctrl-C lands in __del__
    prelude = """
import interstore.outputs as o
class Finaliser:
    def __del__(self):
        raise KeyboardInterrupt
_write = o.OutputSet.write
def write(self, target, data):
    Finaliser()
    return _write(self, target, data)
o.OutputSet.write = write
"""
    res = _interstore("read", CV, "--out", tmp_path / "out", prelude=prelude)
    assert res.returncode == 130
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_ctrl_c_during_report_exits_130_not_0(tmp_path):
    """The reported case: an interrupt during ``interstore report`` returned 0 with a partial set."""
    prelude = """
import os, signal, interstore.report.build as b
_analyse = b.analyse_study
def analyse(*a, **k):
    r = _analyse(*a, **k)
    os.kill(os.getpid(), signal.SIGINT)
    return r
b.analyse_study = analyse
"""
    res = _interstore("report", DEMO, "--out", tmp_path / "r", prelude=prelude, timeout=300)
    assert res.returncode == 130, res.stderr
    assert not (tmp_path / "r").exists()


def test_a_second_run_into_the_same_folder_waits_for_the_first(tmp_path):
    out = tmp_path / "out"
    old = _old_set(out)
    lock = os.open(out / ".interstore.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # a run committing into this folder
    env = dict(os.environ, PYTHONPATH=str(SRC), OMP_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-m", "interstore", "read", CV, "--out", out, "--json",
                             out / "result.json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            staged = [p for p in out.iterdir() if p.name.startswith(".interstore-staging-")]
            if staged and len(list(staged[0].iterdir())) == 3:
                break
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None, "the second run did not wait for the lock"
        assert _snapshot(out) == old | {".interstore.lock": b""}  # nothing replaced while waiting
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    new = _snapshot(out)
    assert set(new) == set(old) and all(new[k] != old[k] for k in old)
    assert json.loads(new["result.json"])["rows"] > 0


def test_two_concurrent_runs_leave_one_complete_set(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, scale in ((a, 1.0), (b, 2.0)):
        folder.mkdir()
        text = CV.read_text(encoding="latin-1")
        (folder / "cv.txt").write_text(text, encoding="latin-1")
        if scale != 1.0:  # a different file with the same name: rows dropped from the end
            lines = text.splitlines()
            (folder / "cv.txt").write_text("\n".join(lines[:-20]) + "\n", encoding="latin-1")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(SRC), OMP_NUM_THREADS="1")
    procs = [subprocess.Popen([sys.executable, "-m", "interstore", "read", f / "cv.txt", "--out", out, "--json",
                               out / "result.json"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for f in (a, b)]
    assert [p.wait(timeout=180) for p in procs] == [0, 0]
    result = json.loads((out / "result.json").read_text())
    csv_rows = len((out / "cv_canonical.csv").read_text().splitlines()) - 1
    assert csv_rows == result["rows"]  # the CSV and the JSON come from the same run
    assert sorted(p.name for p in out.iterdir()) == ["cv_canonical.csv", "cv_overview.png", "result.json"]


# --- one-line errors ---------------------------------------------------------------------------------

def test_a_read_only_output_folder_names_the_target_and_exits_2(run_cli, tmp_path, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root ignores permissions: the file system refuses as it would for a user
        import tempfile

        def refuse(*a, **k):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkdtemp", refuse)
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        code, _, err = run_cli("read", CV, "--out", out)
    finally:
        out.chmod(0o755)
    assert code == 2, err
    assert str(out) in err and "Permission denied" in err and "internal error" not in err
    assert ".tmp" not in err and "staging" not in err and len(err.strip().splitlines()) == 1


def test_ctrl_c_while_the_command_is_still_loading_gives_one_line(tmp_path):
    """An interrupt during start-up (importing numpy, pandas, the command modules) used to print a traceback."""
    prelude = """
import importlib.abc, os, signal, sys
class InterruptOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, InterruptOnImport())
"""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    code = f"{prelude}\nfrom interstore.entry import main\nsys.exit(main())\n"
    res = subprocess.run([sys.executable, "-c", code, "report", str(DEMO), "--out", str(tmp_path / "r")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 130
    assert res.stderr.strip().splitlines() == ["interrupted (SIGINT): stopped, no output of this run was written"]
    assert not (tmp_path / "r").exists()


def test_wrote_is_printed_only_for_files_that_were_written(run_cli, tmp_path, monkeypatch):
    import interstore.outputs as outputs

    def refuse(self, *a, **k):
        raise outputs.InputError(tmp_path, "commit refused (test)")

    monkeypatch.setattr(outputs.OutputSet, "commit", refuse)
    code, out, err = run_cli("read", CV, "--out", tmp_path / "o")
    assert code == 2 and "wrote" not in out and "commit refused" in err


def test_a_commit_that_cannot_get_the_lock_gives_up_with_one_line_and_writes_nothing(tmp_path):
    from interstore.errors import InputError
    from interstore.outputs import output_set, write_json

    out = tmp_path / "out"
    out.mkdir()
    lock = os.open(out / ".interstore.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        import interstore.outputs as outputs

        with pytest.raises(InputError, match="another interstore run kept writing its outputs here"):
            with output_set() as oset:
                write_json(out / "a.json", {"a": 1})
                oset.commit = lambda: outputs.OutputSet.commit(oset, lock_timeout_s=0.3)
    finally:
        os.close(lock)
    assert sorted(p.name for p in out.iterdir()) == [".interstore.lock"]


def test_output_set_from_python_commits_together_or_not_at_all(tmp_path):
    from interstore.outputs import output_set, write_json, write_text

    with output_set():
        write_json(tmp_path / "new" / "a.json", {"a": 1})
        write_text(tmp_path / "new" / "b.txt", "b")
        assert not (tmp_path / "new").exists()  # nothing visible before the block ends
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["a.json", "b.txt"]
    with pytest.raises(RuntimeError):
        with output_set():
            write_text(tmp_path / "new" / "b.txt", "changed")
            raise RuntimeError("analysis failed")
    assert (tmp_path / "new" / "b.txt").read_text() == "b"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["a.json", "b.txt"]
