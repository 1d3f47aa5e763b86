"""Regenerate the demo study's instrument files with interstore's own simulator.

    .venv/bin/python examples/demo_study/generate.py

Writes ``data/cv_*.csv`` (CVs at five scan rates) and ``data/gcd_rates.csv``
(two charge/discharge cycles at each of five current densities) from the cell
config ``cell.toml``, with Gaussian instrument noise from a fixed seed, so the
files are reproducible.  The study manifest marks them as simulated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from interstore.echem.record import Measurement
from interstore.outputs import write_csv
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


def main() -> None:
    rng = np.random.default_rng(SEED)
    config = load_cell_config(HERE / "cell.toml")
    for v in CV_RATES_mV_s:
        m = simulate_cv(config, v, cycles=2)
        path = write_csv(HERE / "data" / f"cv_{v:g}mV_s.csv", _noisy(_thin(m.data), rng))
        print(f"wrote {path}")
    print(f"wrote {write_csv(HERE / 'data' / 'gcd_rates.csv', _noisy(_thin(_gcd_frame(config)), rng))}")


if __name__ == "__main__":
    main()
