"""Regenerate the demo study's instrument files with interstore's own simulator.

    .venv/bin/python examples/demo_study/generate.py

Writes ``data/cv_*.csv`` (CVs at five scan rates) and ``data/gcd_rates.csv``
(two charge/discharge cycles at each of five current densities) from the cell
config ``cell.toml``, with Gaussian instrument noise from a fixed seed, so the
files are reproducible.  The study manifest marks them as simulated.

SIMULATED spectra (``interstore.spectra.synthetic``, known answers):
``data/operando_echem.csv`` (one discharge–charge cycle at 1 A g⁻¹ from the same
simulator) with ``data/operando_raman.csv`` (41 Raman spectra over that cycle, the
V–O–C band at 880 cm⁻¹ falling to 60 % of its area on discharge and returning to 92 %:
RI = 0.80), and an ex situ XPS pair ``data/xps_discharged.csv`` / ``data/xps_charged.csv``
(V 2p3/2 from V⁵⁺/V⁴⁺/V³⁺ = 0.35/0.55/0.10, mean valence 4.25, and 0.85/0.15/0, 4.85).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from interstore.echem.record import Measurement
from interstore.outputs import write_csv, write_text
from interstore.spectra.synthetic import operando_band_series, xps_envelope
from interstore.spectra.xps import V2P32
from interstore.transport.cellconfig import load_cell_config
from interstore.transport.electrode import simulate_cv, simulate_galvanostatic

HERE = Path(__file__).resolve().parent
SEED = 20260206
CV_RATES_mV_s = (0.5, 1.0, 2.0, 5.0, 10.0)
GCD_RATES_A_g = (0.1, 0.5, 1.0, 5.0, 20.0)
CYCLES_PER_RATE = 2
ROWS_PER_SEGMENT = 300
NOISE_POTENTIAL_V = 1e-3
NOISE_CURRENT_REL = 5e-3
OPERANDO_RATE_A_g = 1.0
RAMAN_F_DISCHARGED, RAMAN_F_CHARGED = 0.60, 0.92
XPS_STATES = {"discharged": {"V5+": 0.35, "V4+": 0.55, "V3+": 0.10}, "charged": {"V5+": 0.85, "V4+": 0.15, "V3+": 0.0}}


def _thin(frame: pd.DataFrame) -> pd.DataFrame:
    """At most ROWS_PER_SEGMENT rows per programme step (first and last row of each kept)."""
    parts = []
    for _, seg in frame.groupby("step", sort=False):
        keep = np.unique(np.linspace(0, len(seg) - 1, min(len(seg), ROWS_PER_SEGMENT)).round().astype(int))
        parts.append(seg.iloc[keep])
    return pd.concat(parts, ignore_index=True)


def _noisy(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    out = frame.copy()
    out["potential_V"] = out["potential_V"] + rng.normal(0.0, NOISE_POTENTIAL_V, len(out))
    out["current_A"] = out["current_A"] * (1 + rng.normal(0.0, NOISE_CURRENT_REL, len(out)))
    return out.round({"time_s": 3, "potential_V": 5, "current_A": 9})


def _gcd_frame(config) -> pd.DataFrame:
    """Discharge then charge, CYCLES_PER_RATE times at each rate, concatenated in time."""
    parts, t0, step = [], 0.0, 0
    for rate in GCD_RATES_A_g:
        for direction in ("discharge", "charge") * CYCLES_PER_RATE:
            m: Measurement = simulate_galvanostatic(config, rate, direction=direction).to_measurement()
            step += 1
            seg = m.data.assign(time_s=m.data["time_s"] + t0, step=step, cycle=(step + 1) // 2)
            parts.append(seg)
            t0 = float(seg["time_s"].iloc[-1]) + 1.0
    return pd.concat(parts, ignore_index=True)


def _operando_files(config, rng: np.random.Generator) -> list[Path]:
    """One simulated cycle at OPERANDO_RATE_A_g and a simulated Raman series on its clock (SIMULATED)."""
    parts, t0 = [], 0.0
    for step, direction in enumerate(("discharge", "charge"), 1):
        m = simulate_galvanostatic(config, OPERANDO_RATE_A_g, direction=direction).to_measurement()
        parts.append(m.data.assign(time_s=m.data["time_s"] + t0, step=step, cycle=1))
        t0 = float(parts[-1]["time_s"].iloc[-1])
    frame = _noisy(_thin(pd.concat(parts, ignore_index=True)), rng)
    echem = Measurement(frame, "simulated operando cycle", "csv")
    series, _ = operando_band_series(f_discharged=RAMAN_F_DISCHARGED, f_charged=RAMAN_F_CHARGED, echem=echem,
                                     x=np.linspace(650.0, 1050.0, 401), seed=SEED)
    header = "# SIMULATED operando Raman series (interstore.spectra.synthetic), not a measurement\n" \
             "raman_shift_cm-1," + ",".join(f"t={t:.1f}" for t in series.time_s) + "\n"
    rows = "".join(f"{x:.1f}," + ",".join(f"{v:.2f}" for v in col) + "\n" for x, col in zip(series.x, series.y.T))
    return [write_csv(HERE / "data" / "operando_echem.csv", frame),
            write_text(HERE / "data" / "operando_raman.csv", header + rows)]


def _xps_files() -> list[Path]:
    """The ex situ V 2p3/2 pair (SIMULATED), CasaXPS-like two-column export."""
    ref = {c.name: c.reference_eV for c in V2P32}
    out = []
    for k, (state, fractions) in enumerate(XPS_STATES.items()):
        s = xps_envelope(fractions, ref, seed=SEED + k)
        text = (f"# SIMULATED V 2p3/2 XPS, {state} electrode (interstore.spectra.synthetic), not a measurement\n"
                "B.E.,CPS\n" + "".join(f"{x:.2f},{y:.1f}\n" for x, y in zip(s.x[::-1], s.y[::-1])))
        out.append(write_text(HERE / "data" / f"xps_{state}.csv", text))
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    config = load_cell_config(HERE / "cell.toml")
    for v in CV_RATES_mV_s:
        m = simulate_cv(config, v, cycles=2)
        path = write_csv(HERE / "data" / f"cv_{v:g}mV_s.csv", _noisy(_thin(m.data), rng))
        print(f"wrote {path}")
    print(f"wrote {write_csv(HERE / 'data' / 'gcd_rates.csv', _noisy(_thin(_gcd_frame(config)), rng))}")
    for path in _operando_files(config, np.random.default_rng(SEED + 1)) + _xps_files():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
