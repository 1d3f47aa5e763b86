"""Benchmark: galvanostatic analysis, GITT and EIS fits on large synthetic inputs.

Run: ``python benchmarks/cycling.py``.  Prints wall and CPU time and peak Python memory
(tracemalloc, from a second run), via ``benchmarks/_measure.py``.  The first import of impedance.py
(and of the scipy modules the analyses use) is timed as its own row, so the fit rows time the fits.

Targets: 10⁶ galvanostatic points in < 2 s and < 100 MiB; a Randles fit in < 2 s; the worst
case (a finite-length fit that cannot converge) bounded by 3 starts × 500 evaluations."""

from __future__ import annotations

import numpy as np
import time

from _measure import NAN, Measurement, conditions, load_1min, max_rss_mib, measure, print_table, verdict

from interstore.echem.eis import fit_eis
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
    rows = [
        imports,
        measure("gcd analyze_cycling, 100k points (50 cycles)", lambda: analyze_cycling(small, masses).to_dict()),
        measure("gcd analyze_cycling, 1M points (500 cycles)", lambda: analyze_cycling(big, masses).to_dict()),
        measure("gitt analyze_gitt, 200 pulses", lambda: analyze_gitt(gitt, GittGeometry.from_length(1e-4))),
        measure("eis fit_eis randles, 71 frequencies", lambda: fit_eis(spec, "randles")),
        measure("eis fit_eis randles-fl on a finite-length spectrum (3 starts)",
                lambda: fit_eis(finite, "randles-fl")),
        measure("eis fit_eis randles-fl, not identifiable (worst case, error)", lambda: _fails(spec)),
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
    print(conditions())


if __name__ == "__main__":
    main()
