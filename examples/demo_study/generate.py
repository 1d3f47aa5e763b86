"""Regenerate the demo study's instrument files with interstore's own simulator.

    .venv/bin/python examples/demo_study/generate.py

Writes ``data/cv_*.csv`` (CVs at five scan rates) and ``data/gcd_rates.csv``
(two charge/discharge cycles at each of five current densities) from the cell
config ``cell.toml``, with Gaussian instrument noise from a fixed seed, so the
files are reproducible.  The study manifest marks them as simulated.

``data/controls/<role>_<n>.csv``: three replicate cells of each electrode of the
``[controls]`` section (heterostructure, bare V8O16, bare rGO, physical mixture), one
discharge/charge at each rate.  Each electrode's curve is the superposition, at equal
potential, of its components' capacities: V8O16 with its interface (the simulator) or
without it (``bulk_only``), and rGO as a double layer of CONTROL_RGO_F_G.  Cells differ
in mass (±CONTROL_MASS_SPREAD) and capacity (CONTROL_CELL_SPREAD, 1σ).
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


CONTROL_RATES_A_G = (0.1, 0.5, 1.0, 5.0, 20.0)     # per g of each electrode's storing mass
CONTROL_CELLS = 3
CONTROL_ROWS = 120                                  # rows per half-cycle
CONTROL_RGO_F_G = 150.0                             # rGO double-layer capacitance, F per g rGO
CONTROL_RGO_RATE_A_G = 20.0                         # rGO capacitance halves at this current density
CONTROL_MASS_SPREAD = 0.05
CONTROL_CELL_SPREAD = 0.02
CONTROL_MASSES_MG = {"heterostructure": (1.0, 0.25), "oxide": (1.0, 0.0), "substrate": (0.0, 0.25),
                     "mixture": (1.0, 0.25)}      # (V8O16, rGO) per cell before the spread
CONTROL_OTHER_MG = 0.3125


def _oxide_curves(config, rate: float, *, interface: bool) -> dict:
    """{direction: (potential V ascending, capacity mAh per g V8O16 at that potential)} from the simulator."""
    out = {}
    for direction in ("discharge", "charge"):
        d = simulate_galvanostatic(config, rate, bulk_only=not interface, direction=direction)
        v, q = np.asarray(d.potential_V), np.asarray(d.capacity_mAh_g)
        order = np.argsort(v)
        v, first = np.unique(v[order], return_index=True)
        out[direction] = (v, q[order][first])
    return out


def _rgo_capacity(v: np.ndarray, rate: float, direction: str, v_min: float, v_max: float) -> np.ndarray:
    """Double-layer capacity of rGO, mAh per g rGO: C·ΔV/3.6 with C = CONTROL_RGO_F_G/(1 + i/i½)."""
    c = CONTROL_RGO_F_G / (1 + rate / CONTROL_RGO_RATE_A_G)
    return c * ((v_max - v) if direction == "discharge" else (v - v_min)) / 3.6


def _control_cell(curves: dict, role: str, oxide_g: float, rgo_g: float, scale: float,
                  config) -> pd.DataFrame:
    """One replicate cell: discharge then charge at every rate, the electrode's capacity at each potential
    being oxide_g·q_oxide(V) + rgo_g·q_rGO(V), times ``scale`` (the cell-to-cell spread)."""
    v_min, v_max = config.cell.v_min_V, config.cell.v_max_V
    basis_g = {"oxide": oxide_g, "substrate": rgo_g}.get(role, oxide_g + rgo_g)
    parts, t0, cycle = [], 0.0, 0
    for rate in CONTROL_RATES_A_G:
        cycle += 1
        current = rate * basis_g  # A
        for direction, sign in (("discharge", -1.0), ("charge", 1.0)):
            v = np.linspace(v_max, v_min, 4000) if direction == "discharge" else np.linspace(v_min, v_max, 4000)
            q_mAh = rgo_g * _rgo_capacity(v, rate, direction, v_min, v_max)
            if oxide_g > 0:
                ov, oq = curves[rate][direction]
                q_mAh = q_mAh + oxide_g * np.interp(v, ov, oq, left=oq[0] if direction == "discharge" else 0.0,
                                                    right=0.0 if direction == "discharge" else oq[-1])
            # sampled evenly in capacity (i.e. in time), as a cycler logging at a fixed interval
            q_mAh = np.maximum.accumulate(scale * q_mAh)
            q_rows = np.linspace(0.0, q_mAh[-1], CONTROL_ROWS)
            v = np.interp(q_rows, q_mAh, v)
            time_s = 3.6 * q_rows / current
            parts.append(pd.DataFrame({"time_s": t0 + time_s, "potential_V": v, "current_A": sign * current,
                                       "cycle": cycle, "step": 2 * cycle - (direction == "discharge")}))
            t0 += float(time_s[-1]) + 10.0
    return pd.concat(parts, ignore_index=True)


CONTROLS_BEGIN = "# BEGIN [controls] written by generate.py (write_control_cells)"
CONTROLS_END = "# END [controls]"
CONTROL_NAMES = {"heterostructure": "VOx|rGO heterostructure", "oxide": "bare V8O16", "substrate": "bare rGO",
                 "mixture": "V8O16 + rGO physical mixture"}


def write_control_cells(config, rng: np.random.Generator) -> list[Path]:
    """data/controls/<role>_<n>.csv for every control electrode and replicate, and the matching
    [controls] section (with each cell's masses) between the markers at the end of study.toml."""
    curves = {True: {r: _oxide_curves(config, r, interface=True) for r in CONTROL_RATES_A_G},
              False: {r: _oxide_curves(config, r, interface=False) for r in CONTROL_RATES_A_G}}
    written, toml = [], [CONTROLS_BEGIN, "# simulated control electrodes, three replicate cells each"]
    for role, (ox_mg, rgo_mg) in CONTROL_MASSES_MG.items():
        toml += ["", "[[controls.electrodes]]", f'name = "{CONTROL_NAMES[role]} (simulated)"', f'role = "{role}"']
        for n in range(1, CONTROL_CELLS + 1):
            spread = 1 + rng.uniform(-CONTROL_MASS_SPREAD, CONTROL_MASS_SPREAD)
            oxide_g, rgo_g = ox_mg * spread * 1e-3, rgo_mg * spread * 1e-3
            frame = _control_cell(curves[role == "heterostructure"], role, oxide_g, rgo_g,
                                  1 + rng.normal(0.0, CONTROL_CELL_SPREAD), config)
            path = write_csv(HERE / "data" / "controls" / f"{role}_{n}.csv",
                             frame.assign(potential_V=frame["potential_V"] + rng.normal(0, NOISE_POTENTIAL_V, len(frame)))
                             .round({"time_s": 3, "potential_V": 5, "current_A": 9}))
            written.append(path)
            print(f"wrote {path}")
            toml += ["", "[[controls.electrodes.cells]]", f'gcd = "data/controls/{role}_{n}.csv"',
                     f"oxide_mg = {1e3 * oxide_g:.4f}", f"substrate_mg = {1e3 * rgo_g:.4f}",
                     f"other_mg = {CONTROL_OTHER_MG}", f'label = "{role} cell {n}"']
    toml.append(CONTROLS_END)
    manifest = HERE / "study.toml"
    text = manifest.read_text(encoding="utf-8")
    if CONTROLS_BEGIN in text:
        text = text[:text.index(CONTROLS_BEGIN)] + text[text.index(CONTROLS_END) + len(CONTROLS_END) + 1:]
    write_text(manifest, text.rstrip("\n") + "\n\n" + "\n".join(toml) + "\n")
    return written


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
    write_control_cells(config, np.random.default_rng(SEED + 16))
    for path in _operando_files(config, np.random.default_rng(SEED + 1)) + _xps_files():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
