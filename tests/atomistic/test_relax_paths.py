"""Hessian transfer between relaxations and path sampling per loading (issues 13 and 15).

The transfer is checked on a harmonic energy E = ½ uᵀKu (u = displacement from the minimum, K known):
BFGS started from the exact Hessian takes the Newton step and lands on the minimum in one step.
Path sampling is checked on the rules (lowest converged path kept, spread over converged paths)
and on a real CHGNet scan against the single-path scan it extends."""

from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from interstore.atomistic import calculator as calc_module
from interstore.atomistic.calculator import (Relaxed, RelaxSettings, hessian_with_atoms_added,
                                             hessian_without_atoms, relax)
from interstore.atomistic.scan import LoadingPath, ScanSettings, lowest_path, path_gain_eV, path_spread_eV
from interstore.atomistic.sites import SiteSearch
from interstore.errors import InputError

RNG = np.random.default_rng(7)
N_ATOMS = 4
X0 = RNG.uniform(0.0, 4.0, (N_ATOMS, 3))
_Q, _ = np.linalg.qr(RNG.normal(size=(3 * N_ATOMS, 3 * N_ATOMS)))
K = _Q @ np.diag(np.linspace(2.0, 20.0, 3 * N_ATOMS)) @ _Q.T  # eV Å⁻², symmetric positive definite


class Harmonic(Calculator):
    """E = ½ (x − x0)ᵀ K (x − x0) (eV), F = −K (x − x0) (eV Å⁻¹)."""

    implemented_properties = ["energy", "forces"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        u = (self.atoms.positions - X0).ravel()
        self.results = {"energy": 0.5 * u @ K @ u, "forces": -(K @ u).reshape(-1, 3)}


@pytest.fixture
def harmonic(monkeypatch):
    monkeypatch.setattr(calc_module, "load_calculator", lambda name="chgnet": Harmonic())
    return Atoms("H4", positions=X0 + RNG.normal(scale=0.02, size=X0.shape), cell=[10.0] * 3, pbc=False)


def test_bfgs_from_the_exact_hessian_lands_on_the_minimum_in_one_newton_step(harmonic):
    settings = RelaxSettings(fmax_eV_A=1e-6, steps=50)
    exact = relax(harmonic, settings, hessian=K)
    assert exact.steps == 1 and exact.converged
    assert exact.energy_eV == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(exact.atoms.positions, X0, atol=1e-7)
    # the exact Hessian satisfies every secant condition, so BFGS hands it back unchanged
    np.testing.assert_allclose(exact.hessian, K, atol=1e-9)
    guess = relax(harmonic, settings)  # default α·I: many steps to the same minimum
    assert guess.converged and guess.steps > 5
    np.testing.assert_allclose(guess.atoms.positions, X0, atol=1e-5)


def test_a_hessian_of_the_wrong_size_is_refused(harmonic):
    with pytest.raises(ValueError, match="4 atoms"):
        relax(harmonic, RelaxSettings(steps=5), hessian=np.eye(9))


def test_hessian_grows_by_an_alpha_block_and_shrinks_back_to_the_same_matrix():
    grown = hessian_with_atoms_added(K, 1, alpha_eV_A2=33.0)
    assert grown.shape == (3 * N_ATOMS + 3,) * 2
    np.testing.assert_array_equal(grown[:-3, :-3], K)
    np.testing.assert_array_equal(grown[-3:, -3:], 33.0 * np.eye(3))
    assert not grown[-3:, :-3].any() and not grown[:-3, -3:].any()
    keep = np.array([True] * N_ATOMS + [False])
    np.testing.assert_array_equal(hessian_without_atoms(grown, keep), K)
    # dropping atom 1 removes its three rows and columns
    sub = hessian_without_atoms(K, np.array([True, False, True, True]))
    rows = [0, 1, 2, 6, 7, 8, 9, 10, 11]
    np.testing.assert_array_equal(sub, K[np.ix_(rows, rows)])
    assert hessian_with_atoms_added(None) is None and hessian_without_atoms(None, keep) is None


def _path(energy: float, converged: bool) -> LoadingPath:
    return LoadingPath((0.0, 0.0, 0.0), energy + 1.0, Relaxed(None, energy, 10, 0.01 if converged else 0.9, converged))


def test_the_lowest_converged_path_is_kept_and_the_spread_is_over_converged_paths():
    paths = (_path(-3.0, True), _path(-5.0, False), _path(-3.4, True), _path(-2.9, True))
    assert lowest_path(paths) == 2  # -5.0 is lower but did not converge
    assert path_spread_eV(paths) == pytest.approx(0.5)  # -2.9 − (−3.4); the unconverged path is left out
    assert path_gain_eV(paths) == pytest.approx(0.4)  # the first path (−3.0) against the kept one (−3.4)
    none_converged = (_path(-1.0, False), _path(-2.0, False))
    assert lowest_path(none_converged) == 1 and path_spread_eV(none_converged) is None
    assert path_gain_eV(none_converged) is None
    assert path_spread_eV((_path(-1.0, True), _path(-2.0, False))) is None  # one converged: no spread
    assert path_gain_eV((_path(-1.0, False), _path(-2.0, True))) is None  # the first path did not converge
    assert path_gain_eV((_path(-2.0, True), _path(-1.0, True))) == 0.0  # the first path is the lowest
    assert path_spread_eV((_path(-1.0, True),)) is None and path_gain_eV((_path(-1.0, True),)) is None


@pytest.mark.parametrize("paths", [0, 3, 2.5])
def test_paths_outside_one_to_the_candidate_count_are_refused(paths):
    with pytest.raises(InputError, match="--paths"):
        ScanSettings(paths=paths, sites=SiteSearch(max_sites=2))


def test_path_optimizers_are_checked_and_the_scans_own_comes_first_once():
    with pytest.raises(InputError, match="--path-optimizer"):
        ScanSettings(path_optimizers=("LBFGS",))
    s = ScanSettings(relax=RelaxSettings(optimizer="BFGS"), path_optimizers=("FIRE+BFGS", "BFGS", "FIRE"))
    assert s.optimizers == ("BFGS", "FIRE+BFGS", "FIRE")


def test_cli_paths_zero_is_one_line_and_exit_2(run_cli):
    code, stdout, err = run_cli("interface", "scan", "builtin:vo2-ti3c2", "--paths", "0", "--calculator", "chgnet")
    assert code == 2 and "--paths" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow
def test_two_paths_extend_the_single_path_scan_and_keep_the_lower(monkeypatch):
    pytest.importorskip("chgnet")
    from interstore.atomistic import scan as scan_module
    from interstore.atomistic.scan import run_scan
    from interstore.atomistic.structures import build_vo2_ti3c2

    seen: list = []

    def recording_relax(atoms, settings, calculator, on_step=None, hessian=None):
        seen.append((len(atoms), hessian))
        return relax(atoms, settings, calculator, on_step=on_step, hessian=hessian)

    monkeypatch.setattr(scan_module, "relax", recording_relax)
    settings = ScanSettings(max_zn=1, relax=RelaxSettings(fmax_eV_A=0.3, steps=60),
                            substrate_relax=RelaxSettings(fmax_eV_A=0.3, steps=25), sites=SiteSearch(max_sites=3))
    one = run_scan(build_vo2_ti3c2(), settings)
    from dataclasses import replace

    seen.clear()
    two = run_scan(build_vo2_ti3c2(), replace(settings, paths=2, path_optimizers=("FIRE+BFGS",)))
    step1, full = one.steps[0], two.steps[0]
    assert len(step1.paths) == 1 and len(full.paths) == 4
    # site 1 with BFGS, site 1 with FIRE+BFGS, site 2 with BFGS, site 2 with FIRE+BFGS
    assert [p.optimizer for p in full.paths] == ["BFGS", "FIRE+BFGS"] * 2
    assert full.paths[0].site_A == full.paths[1].site_A != full.paths[2].site_A == full.paths[3].site_A
    assert full.path_gain_eV == pytest.approx(full.paths[0].relaxed.energy_eV - full.loaded.energy_eV, abs=1e-12)
    assert all(p.relaxed.converged for p in full.paths) and full.path_gain_eV >= 0
    step2 = replace(full, paths=full.paths[::2])  # the BFGS paths: the site sampling alone
    # the first path is the single-path scan's relaxation (same site, same start, deterministic potential)
    assert step2.paths[0].site_A == pytest.approx(step1.kept.site_A)
    assert step2.paths[0].relaxed.energy_eV == pytest.approx(step1.loaded.energy_eV, abs=1e-4)
    # the two lowest-screened sites, in screening order; the kept one is the lower relaxed (converged) energy
    assert step2.paths[0].screen_energy_eV <= step2.paths[1].screen_energy_eV
    assert full.loaded.energy_eV == min(p.relaxed.energy_eV for p in full.paths if p.relaxed.converged)
    assert two.curve.eb_eV[1] <= one.curve.eb_eV[1] + 1e-4
    assert two.curve.eb_eV[1] == pytest.approx(full.loaded.energy_eV - two.substrate.energy_eV
                                               - two.reference.energy_eV_per_atom, abs=1e-9)
    energies = [p.relaxed.energy_eV for p in full.paths if p.relaxed.converged]
    d = two.to_dict()
    assert d["settings"]["paths"] == 2 and d["settings"]["path_optimizers"] == ["BFGS", "FIRE+BFGS"]
    assert [p["optimizer"] for p in d["per_n"][0]["paths"]] == ["BFGS", "FIRE+BFGS"] * 2
    expected = max(energies) - min(energies) if len(energies) >= 2 else None
    assert d["path_spread_eV"] == [expected] and d["per_n"][0]["path_spread_eV"] == expected
    assert d["path_gain_eV"] == [full.path_gain_eV]
    assert one.to_dict()["path_spread_eV"] == [None] and one.to_dict()["path_gain_eV"] == [None]
    # Hessian transfer: each loaded path starts from the bare interface's final Hessian plus an α·I Zn
    # block; the Zn-removal relaxation (V–O–Ti bridges: it runs) from the kept path's without the Zn rows
    n_atoms = len(two.substrate.atoms)
    loaded_starts = [h for size, h in seen if size == n_atoms + 1]
    assert len(loaded_starts) == 4
    for h in loaded_starts:
        np.testing.assert_array_equal(h, hessian_with_atoms_added(two.substrate.hessian, 1, 70.0))
    removal = [h for size, h in seen if size == n_atoms]
    assert len(two.bridges) and len(removal) == 2  # the bare interface (no start Hessian), then the removal
    assert removal[0] is None
    keep = full.loaded.atoms.get_tags() != 3
    np.testing.assert_array_equal(removal[1], hessian_without_atoms(full.loaded.hessian, keep))


@pytest.mark.slow
def test_paths_on_dask_workers_give_the_serial_paths():
    """The paths of one loading are independent: on a local cluster they run in parallel, same ends."""
    pytest.importorskip("chgnet")
    from interstore.atomistic.scan import run_scan
    from interstore.atomistic.structures import build_vo2_ti3c2

    settings = ScanSettings(max_zn=1, relax=RelaxSettings(steps=3), substrate_relax=RelaxSettings(steps=3),
                            sites=SiteSearch(max_sites=2), paths=2)
    serial = run_scan(build_vo2_ti3c2(), settings)
    parallel = run_scan(build_vo2_ti3c2(), settings, workers=2)
    for a, b in zip(serial.steps[0].paths, parallel.steps[0].paths):
        assert b.site_A == pytest.approx(a.site_A)
        assert b.relaxed.energy_eV == pytest.approx(a.relaxed.energy_eV, abs=1e-4)
        assert b.relaxed.steps == a.relaxed.steps
    assert parallel.curve.eb_eV == pytest.approx(serial.curve.eb_eV, abs=1e-4)
