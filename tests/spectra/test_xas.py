"""XAS through xraylarch: LCF weights of known mixtures, edge positions and the valence calibration."""

import numpy as np
import pytest

pytest.importorskip("larch", reason="xraylarch is the 'spectra' extra (installed by make install)")

from interstore.spectra.record import Spectrum  # noqa: E402
from interstore.spectra.synthetic import xanes_reference  # noqa: E402
from interstore.spectra.xas import linear_combination, normalise, pre_edge_peak, valence_from_edge  # noqa: E402


def _mix(a: Spectrum, b: Spectrum, w: float, noise=0.002, seed=0) -> Spectrum:
    rng = np.random.default_rng(seed)
    return Spectrum(a.x, w * a.y + (1 - w) * b.y + rng.normal(0, noise, a.x.size), "XAS", f"mix {w}")


@pytest.mark.parametrize("w", [0.25, 0.5, 0.8])
def test_lcf_recovers_mixture_weights(w):
    v3 = xanes_reference(5478.0, pre_edge_eV=5468.0, pre_edge_height=0.05)
    v5 = xanes_reference(5483.0, pre_edge_eV=5469.5, pre_edge_height=0.4, white_line=0.2)
    refs = [normalise(Spectrum(v3.x, v3.y, "XAS", "v3", "V3+")), normalise(Spectrum(v5.x, v5.y, "XAS", "v5", "V5+"))]
    out = linear_combination(normalise(_mix(v3, v5, w)), refs)
    assert out.weights["V3+"] == pytest.approx(w, abs=0.03)
    assert out.weights["V5+"] == pytest.approx(1 - w, abs=0.03)
    assert out.r_factor < 1e-3 and 0 < out.weight_sigmas["V3+"] < 0.03


def test_edge_position_pre_edge_and_valence_calibration():
    refs = {name: (normalise(xanes_reference(e0)), v) for name, e0, v in
            (("V2O3", 5478.0, 3.0), ("VO2", 5480.5, 4.0), ("V2O5", 5483.0, 5.0))}
    for _, (n, _) in refs.items():
        assert n.edge_step == pytest.approx(1.0, abs=0.05)
    shifts = [n.e0_eV for n, _ in refs.values()]
    assert np.diff(shifts) == pytest.approx([2.5, 2.5], abs=0.3)  # E0 follows the arctan step
    sample = normalise(xanes_reference(5481.75, pre_edge_eV=5469.0, pre_edge_height=0.3))
    cal = valence_from_edge(sample, refs)
    assert cal.slope_eV == pytest.approx(2.5, abs=0.2)
    assert cal.valence == pytest.approx(4.5, abs=0.1)
    assert 0 < cal.valence_sigma < 0.3
    pe = pre_edge_peak(sample)
    assert pe.centroid_eV == pytest.approx(5469.0, abs=0.3)
    # Gaussian of height 0.3 and σ 1 eV: area 0.3·√(2π) = 0.752 eV in μ units, ÷ edge step when normalised
    assert pe.intensity == pytest.approx(0.3 * np.sqrt(2 * np.pi) / sample.edge_step, rel=0.1)


def _write(path, s):
    path.write_text("energy_eV,mu\n" + "".join(f"{x:.2f},{y:.6f}\n" for x, y in zip(s.x, s.y)), encoding="utf-8")
    return path


def test_xas_states_pre_edge_reversibility_and_valence_record(tmp_path):
    from interstore.spectra.evidence import analyse_xas

    # the pre-edge (V5+-like, 1s→3d) falls to half on discharge and comes back to 90 %: RI = (0.9-0.5)/(1-0.5)
    files = {state: _write(tmp_path / f"{state}.csv", xanes_reference(5481.0, pre_edge_eV=5469.0, pre_edge_height=h))
             for state, h in (("pristine", 0.4), ("discharged", 0.2), ("charged", 0.36))}
    a = analyse_xas({k: str(p) for k, p in files.items()})
    assert a.record.technique == "XANES"
    assert a.record.change_on_discharge == pytest.approx(-0.5, abs=0.05)
    assert a.record.reversibility_index == pytest.approx(0.8, abs=0.05)
    # valence from the edge: references at 3 and 5, states at 5 → 4 → 4.8
    refs = [_write(tmp_path / f"ref{v}.csv", xanes_reference(e0)) for v, e0 in ((3, 5478.0), (5, 5483.0))]
    states = {s: str(_write(tmp_path / f"v_{s}.csv", xanes_reference(e0)))
              for s, e0 in (("pristine", 5483.0), ("discharged", 5480.5), ("charged", 5482.5))}
    b = analyse_xas(states, feature="valence", references=[str(r) for r in refs], valences=[3.0, 5.0])
    assert b.states["discharged"]["valence"]["valence"] == pytest.approx(4.0, abs=0.1)
    assert b.record.change_on_discharge == pytest.approx(4.0 / 5.0 - 1, abs=0.02)
    assert b.record.reversibility_index == pytest.approx(0.8, abs=0.1)
