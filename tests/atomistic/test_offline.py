"""The ML potential loads from the installed wheel with the network cut; torch is imported lazily."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)


def test_atomistic_modules_do_not_import_torch():
    proc = _run("""
        import sys
        import interstore.cli
        from interstore.atomistic import cli, scan, limit, binding, structures, dft_io, parallel, plots
        from interstore.atomistic import committee, validation, diagnosis
        heavy = [m for m in ("torch", "chgnet", "sevenn", "dask.distributed") if m in sys.modules]
        assert not heavy, heavy
    """)
    assert proc.returncode == 0, proc.stderr


def test_chgnet_weights_load_offline_from_the_wheel():
    pytest.importorskip("chgnet")
    proc = _run("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from pathlib import Path
        import chgnet
        from ase.build import bulk
        from interstore.atomistic.calculator import calculator_info, single_point
        info = calculator_info()
        e = single_point(bulk("Zn", "hcp", a=2.665, c=4.947))
        weights = list((Path(chgnet.__file__).parent / "pretrained" / info["model_version"]).glob("*.pth.tar"))
        assert weights, "no weights file inside the chgnet package"
        print(info["model"], info["model_version"], e)
    """)
    assert proc.returncode == 0, proc.stderr[-2000:]
    model, version, energy = proc.stdout.split()[-3:]
    assert model == "CHGNet" and version == "0.3.0"
    assert -3.0 < float(energy) < -2.0  # 2 atoms of hcp Zn, about -1.26 eV/atom


def test_sevennet_checkpoint_loads_offline_from_the_wheel():
    pytest.importorskip("sevenn")
    proc = _run("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from pathlib import Path
        import sevenn
        from ase.build import bulk
        from interstore.atomistic.calculator import calculator_info, single_point
        info = calculator_info("sevennet-0")
        e = single_point(bulk("Zn", "hcp", a=2.665, c=4.947), "sevennet-0")
        ckpt = list((Path(sevenn.__file__).parent / "pretrained_potentials").glob("SevenNet_0__11Jul2024/*.pth"))
        assert ckpt, "no SevenNet-0 checkpoint inside the sevenn package"
        print(info["model_version"], e)
    """)
    assert proc.returncode == 0, proc.stderr[-2000:]
    version, energy = proc.stdout.split()[-2:]
    assert version == "7net-0"
    # MPtrj/Materials Project PBE energy of hcp Zn is about -1.26 eV/atom; the model must reproduce it
    assert float(energy) / 2 == pytest.approx(-1.26, abs=0.05)


def test_energy_only_prediction_matches_full_prediction():
    pytest.importorskip("chgnet")
    from interstore.atomistic.calculator import chgnet_task, load_calculator, single_point
    from interstore.atomistic.structures import build_vo2_ti3c2

    assert chgnet_task(["energy"]) == "e" and chgnet_task(["forces"]) == "ef"
    assert chgnet_task(["stress"]) == "efsm" and chgnet_task(None) == "efsm"
    atoms = build_vo2_ti3c2()
    atoms.rattle(0.02, seed=1)
    e_only = single_point(atoms)
    full = atoms.copy()
    full.calc = load_calculator("chgnet")
    full.calc.calculate(full, ["energy", "forces", "stress"], task="efsm")
    assert full.calc.results["energy"] == pytest.approx(e_only, abs=1e-4)
    assert full.calc.results["forces"].shape == (72, 3)


def test_batched_single_points_equal_one_call_each():
    pytest.importorskip("chgnet")
    from interstore.atomistic.calculator import single_point, single_points
    from interstore.atomistic.structures import build_vo2_ruo2

    cells = [build_vo2_ruo2() for _ in range(3)]
    for k, a in enumerate(cells):
        a.rattle(0.03, seed=k)
    batched = single_points(cells, "chgnet", batch=True)
    assert batched == pytest.approx([single_point(a, "chgnet") for a in cells], abs=2e-4)
    assert len(set(round(e, 4) for e in batched)) == 3  # three different cells, three energies
