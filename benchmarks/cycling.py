"""Benchmark: galvanostatic analysis, GITT and EIS fits on large synthetic inputs.

Run: ``python benchmarks/cycling.py``.  Prints wall and CPU time and peak Python memory
(tracemalloc, from a second run), via ``benchmarks/_measure.py``.  The first import of impedance.py
(and of the scipy modules the analyses use) is timed as its own row, so the fit rows time the fits.

Targets: 10⁶ galvanostatic points in < 2 s and < 100 MiB; a Randles fit in < 2 s; the worst
case (a finite-length fit that cannot converge) bounded by 3 starts + the first again with x_scale, × 500 evaluations; the Lin-KK
check and the covariance add < 1 s to a fit; a DRT of 71 frequencies (GCV over 33 λ) in < 2 s.
Side by side with references in the same process: ``fit_eis`` (Lin-KK + fit + covariance) against a
bare impedance.py ``CustomCircuit.fit`` from the same start (ratio printed), and ``lin_kk`` (impedance.py
linKK through the numpy-2 adapter) against a plain numpy least-squares Lin-KK at the same M."""

from __future__ import annotations

import numpy as np
import time

from _measure import NAN, Measurement, conditions, load_1min, max_rss_mib, measure, print_table, verdict

from interstore.echem.drt import compute_drt
from interstore.echem.eis import fit_eis
from interstore.echem.kramers_kronig import lin_kk
from interstore.echem.galvanostatic import analyze_cycling
from interstore.echem.gitt import GittGeometry, analyze_gitt
from interstore.echem.record import ImpedanceSpectrum, from_arrays
from interstore.errors import InputError
from interstore.massbasis import ElectrodeMasses


def cycling_data(n_cycles: int, points_per_half: int):
    """Triangular V(t) at ±1 mA, one point per second: n_cycles × 2 half-cycles."""
    n = points_per_half
    ramp = np.linspace(1.6, 0.2, n)
    v = np.tile(np.concatenate((ramp, ramp[::-1])), n_cycles)
    i = np.tile(np.concatenate((np.full(n, -1e-3), np.full(n, 1e-3))), n_cycles)
    return from_arrays(np.arange(v.size, dtype=float), v, i)


def gitt_data(n_pulses: int):
    """√t pulses of 600 s (61 points) and 1 h exponential relaxations (120 points)."""
    tp, tr = np.linspace(0, 600, 61), np.linspace(0, 3600, 121)[1:]
    pulse_v = -0.005 - 0.05 * np.sqrt(tp / 600)
    relax_v = -0.01 + (pulse_v[-1] + 0.005 + 0.01) * np.exp(-tr / 300)
    block_v = np.concatenate((pulse_v, relax_v))
    offsets = np.repeat(-0.01 * np.arange(n_pulses), block_v.size)
    v = np.concatenate(([1.2], 1.2 + np.tile(block_v, n_pulses) + offsets))
    t = np.concatenate(([-1.0], (np.concatenate((tp, 600 + tr)) + 4200 * np.arange(n_pulses)[:, None]).ravel()))
    i = np.concatenate(([0.0], np.tile(np.concatenate((np.full(61, -1e-4), np.zeros(120))), n_pulses)))
    return from_arrays(t + 1.0, v, i)


def randles_spectrum(finite_tau_s: float | None = None):
    """Randles spectrum, 100 kHz - 10 mHz; semi-infinite Warburg or a reflective one of τ_d."""
    f = np.logspace(5, -2, 71)
    w = 2 * np.pi * f
    if finite_tau_s is None:
        warburg = 1.5 * (1 - 1j) / np.sqrt(w)
    else:
        u = np.sqrt(1j * w * finite_tau_s)
        warburg = 1.5 * np.sqrt(2 * finite_tau_s) / (u * np.tanh(u))
    branch = 1 / (1 / (10 + warburg) + 1j * w * 2e-5)
    z = 5 + branch
    return ImpedanceSpectrum(f, z.real, z.imag, source="bench")


def _fails(spec):
    try:
        fit_eis(spec, "randles-fl")
    except InputError:
        return


def _numpy_lin_kk(spec, m):
    """Reference: Schönleber's complex Lin-KK as one numpy least-squares solve at M elements."""
    w = 2 * np.pi * spec.frequency_Hz
    z = spec.z_complex_ohm
    tau = np.logspace(np.log10(1 / w.max()), np.log10(1 / w.min()), m)
    basis = np.column_stack([np.ones_like(w), *(1 / (1 + 1j * w[:, None] * tau)).T, -1j / w, 1j * w]) / np.abs(z)[:, None]
    b = z / np.abs(z)
    return np.linalg.lstsq(np.vstack([basis.real, basis.imag]), np.concatenate([b.real, b.imag]), rcond=None)[0]


def _impedance_py_fit(spec):
    import warnings

    from impedance.models.circuits import CustomCircuit

    model = CustomCircuit("R0-p(R1-W1,C1)", initial_guess=[5.0, 10.0, 1.0, 1e-5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(spec.frequency_Hz, spec.z_complex_ohm, weight_by_modulus=True)
    return model


def main() -> None:
    w0, c0 = time.perf_counter(), time.process_time()
    import impedance.models.circuits  # noqa: F401  imported by fit_eis on first use: timed apart
    import scipy.optimize  # noqa: F401
    import scipy.signal  # noqa: F401
    imports = Measurement("first import of impedance.py, scipy.optimize, scipy.signal", time.perf_counter() - w0,
                          time.process_time() - c0, NAN, max_rss_mib(), load_1min())
    masses = ElectrodeMasses(1e-3, 0.25e-3, 0.25e-3)
    big = cycling_data(500, 1000)        # 1 000 000 points
    small = cycling_data(50, 1000)       # 100 000 points
    gitt = gitt_data(200)                # 36 201 points
    spec = randles_spectrum()
    finite = randles_spectrum(finite_tau_s=10.0)
    lin_kk(spec), _impedance_py_fit(spec)  # imports and first-call costs stay out of the comparison
    rows = [
        imports,
        measure("gcd analyze_cycling, 100k points (50 cycles)", lambda: analyze_cycling(small, masses).to_dict()),
        measure("gcd analyze_cycling, 1M points (500 cycles)", lambda: analyze_cycling(big, masses).to_dict()),
        measure("gitt analyze_gitt, 200 pulses", lambda: analyze_gitt(gitt, GittGeometry.from_length(1e-4))),
        measure("eis fit_eis randles, 71 frequencies", lambda: fit_eis(spec, "randles")),
        measure("eis fit_eis randles-fl on a finite-length spectrum (3 starts)",
                lambda: fit_eis(finite, "randles-fl")),
        measure("eis fit_eis randles-fl, not identifiable (worst case, error)", lambda: _fails(spec)),
        measure("eis fit_eis randles without Lin-KK (fit + covariance)", lambda: fit_eis(spec, "randles", kk_check=False)),
        measure("reference: impedance.py CustomCircuit.fit randles, modulus weights", lambda: _impedance_py_fit(spec)),
        measure("eis lin_kk (impedance.py linKK via adapter)", lambda: lin_kk(spec)),
        measure("reference: numpy least-squares Lin-KK at the same M",
                lambda: _numpy_lin_kk(spec, lin_kk(spec).n_elements)),
        measure("eis compute_drt, 71 frequencies, GCV", lambda: compute_drt(spec)),
    ]
    print_table(["case", "wall (s)", "CPU (s)", "peak traced (MiB)"],
                [(m.label, f"{m.wall_s:.3f}", f"{m.cpu_s:.3f}", m.peak_mib) for m in rows], float_format=".1f")
    print()
    by_label = {m.label: m for m in rows}
    big_run = by_label["gcd analyze_cycling, 1M points (500 cycles)"]
    verdict("gcd analyze_cycling, 1M points, wall", big_run.wall_s, 2.0, unit=" s")
    verdict("gcd analyze_cycling, 1M points, peak traced memory", big_run.peak_mib, 100.0, unit=" MiB")
    verdict("eis Randles fit, wall (impedance.py imported beforehand)",
            by_label["eis fit_eis randles, 71 frequencies"].wall_s, 2.0, unit=" s")
    fit = by_label["eis fit_eis randles, 71 frequencies"]
    ref = by_label["reference: impedance.py CustomCircuit.fit randles, modulus weights"]
    print(f"fit_eis (with Lin-KK) / bare impedance.py fit: wall {fit.wall_s / ref.wall_s:.2f}x, "
          f"CPU {fit.cpu_s / ref.cpu_s:.2f}x")
    verdict("eis lin_kk (impedance.py linKK via adapter), wall",
            by_label["eis lin_kk (impedance.py linKK via adapter)"].wall_s, 1.0, unit=" s")
    verdict("eis compute_drt, 71 frequencies, wall", by_label["eis compute_drt, 71 frequencies, GCV"].wall_s, 2.0,
            unit=" s")
    print(conditions())


if __name__ == "__main__":
    main()
