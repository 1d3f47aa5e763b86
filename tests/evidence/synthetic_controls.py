"""Synthetic control studies with a known interfacial excess, written as instrument-style CSV files.

Each cell: for every rate, two cycles of a constant-current discharge (1.6 → 0.2 V, linear in time)
and a charge of 1 % more capacity; the discharge capacity of a cell is its electrode's true capacity
(mAh g⁻¹ of the role's basis) times (1 + ε), ε ~ N(0, CELL_SPREAD) per cell and rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

RATES_A_G = (0.1, 0.5, 2.0)
OXIDE_mAh_g = (300.0, 240.0, 150.0)        # per g oxide
SUBSTRATE_mAh_g = (60.0, 45.0, 30.0)       # per g substrate
PROTON_mAh_g = (20.0, 12.0, 5.0)           # proton-only cell, per g composite
CELL_SPREAD = 0.02
OXIDE_MG, SUBSTRATE_MG, OTHER_MG = 1.0, 0.25, 0.2
V_HI, V_LO = 1.6, 0.2

BASE = """
[study]
name = "synthetic controls"

[material]
active_formula = "V8O16"
electrons_per_formula = 8
substrate = "rGO"
substrate_mass_fraction = 0.2

[electrode]
mass_mg = 1.45
composite_fraction = 0.862

[geometry]
morphology = "cluster"
size_nm = 1.0
interface_coverage = 0.9

[data]
instrument = "csv"
"""


def cell_frame(capacities_mAh_g, basis_g):
    """Time, potential, current (mA) and cycle columns of one cell."""
    t, v, i, cyc, now, n = [], [], [], [], 0.0, 0
    for rate, q in zip(RATES_A_G, capacities_mAh_g):
        current = rate * basis_g  # A
        for _ in range(2):
            n += 1
            for sign, q_half, v0, v1 in ((-1, q, V_HI, V_LO), (1, 1.01 * q, V_LO, V_HI)):
                dur = 3.6 * q_half * basis_g / current
                tt = now + np.linspace(0, dur, 61)
                t.append(tt); v.append(np.linspace(v0, v1, 61)); i.append(np.full(61, sign * current))
                cyc += [n] * 61
                now = tt[-1] + 30.0
    return pd.DataFrame({"time/s": np.concatenate(t), "Ewe/V": np.concatenate(v),
                         "I/mA": 1e3 * np.concatenate(i), "cycle number": cyc})


def true_capacities(role, excess_mAh_g):
    w_ox = OXIDE_MG / (OXIDE_MG + SUBSTRATE_MG)
    mix = [w_ox * o + (1 - w_ox) * s for o, s in zip(OXIDE_mAh_g, SUBSTRATE_mAh_g)]
    return {"oxide": list(OXIDE_mAh_g), "substrate": list(SUBSTRATE_mAh_g), "mixture": mix,
            "heterostructure": [m + e for m, e in zip(mix, excess_mAh_g)],
            "proton-only": list(PROTON_mAh_g)}[role]


def write_study(folder: Path, excess_mAh_g, *, seed=0, cells=3, roles=("heterostructure", "oxide", "substrate",
                                                                          "mixture", "proton-only")) -> Path:
    """A manifest with a [controls] section and its CSV files; returns the manifest path."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    text = BASE
    for role in roles:
        ox = 0.0 if role == "substrate" else OXIDE_MG
        sub = 0.0 if role == "oxide" else SUBSTRATE_MG
        basis_g = {"oxide": ox, "substrate": sub}.get(role, ox + sub) * 1e-3
        text += f'\n[[controls.electrodes]]\nname = "{role} electrode"\nrole = "{role}"\n'
        for k in range(cells):
            # masses vary ±5 % between cells; the capacity per g does not depend on them
            scale = 1 + rng.uniform(-0.05, 0.05)
            q = [c * (1 + rng.normal(0, CELL_SPREAD)) for c in true_capacities(role, excess_mAh_g)]
            name = f"{role}_{k + 1}.csv"
            cell_frame(q, basis_g * scale).to_csv(folder / name, index=False)
            text += (f'\n[[controls.electrodes.cells]]\ngcd = "{name}"\noxide_mg = {ox * scale:.6g}\n'
                     f'substrate_mg = {sub * scale:.6g}\nother_mg = {OTHER_MG}\n')
    path = folder / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path
