"""Open-circuit potential (OCP) of Zn-insertion hosts vs Zn/Zn²⁺, as a function of
stoichiometry x ∈ (0, 1) (fraction of the host's theoretical capacity filled).

Built-in hosts are smooth analytic forms

    U(x) = E0 − s·x − (RT/(n_id·F))·ln(x/(1−x)) + Σ_k A_k·tanh((x_k − x)/w_k)      (V)

(an ideal-solution insertion term, a linear slope and tanh steps for plateaus).
Their parameters are *assumptions* shaped to typical Zn‖V-oxide discharge curves
between 1.6 and 0.2 V; they are not fitted to any one data set.  ``ideal`` is a
pure Nernstian insertion (n_id = 2), used for Randles–Ševčík-type checks.

User tables (CSV with columns ``stoichiometry`` and ``potential_V``) are
interpolated with a monotone cubic (PCHIP), so the OCP never overshoots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE
from ..errors import InputError

X_CLIP = 1e-12  # stoichiometry clip (keeps the log term finite at x = 0 and 1)


@dataclass(frozen=True)
class AnalyticOCP:
    """U(x) = E0 − s·x − (RT/(n_id F)) ln(x/(1−x)) + Σ A_k tanh((x_k − x)/w_k), in V."""

    name: str
    e0_V: float
    slope_V: float
    ideality_electrons: float
    steps: tuple[tuple[float, float, float], ...] = ()  # (A_k in V, x_k, w_k)
    temperature_K: float = ROOM_TEMPERATURE

    def __call__(self, x) -> np.ndarray:
        return self.expression(np.minimum(np.maximum(np.asarray(x, float), X_CLIP), 1.0 - X_CLIP), np)

    def expression(self, x, xp):
        """U(x) with ``xp`` supplying ``log`` and ``tanh`` (numpy, or pybamm for a symbolic OCP)."""
        rt_nf = GAS_CONSTANT * self.temperature_K / (self.ideality_electrons * FARADAY)
        u = self.e0_V - self.slope_V * x - rt_nf * xp.log(x / (1.0 - x))
        for amp, x0, width in self.steps:
            u = u + amp * xp.tanh((x0 - x) / width)
        return u

    def with_slope(self, x) -> tuple[np.ndarray, np.ndarray]:
        """(U, dU/dx) in V: dU/dx = −s − (RT/(n_id F))/(x(1−x)) − Σ (A_k/w_k)·(1 − tanh²((x_k − x)/w_k)),
        0 where x is clipped (U is constant there)."""
        x = np.asarray(x, float)
        xc = np.minimum(np.maximum(x, X_CLIP), 1.0 - X_CLIP)
        rt_nf = GAS_CONSTANT * self.temperature_K / (self.ideality_electrons * FARADAY)
        u = self.e0_V - self.slope_V * xc - rt_nf * np.log(xc / (1.0 - xc))
        du = -self.slope_V - rt_nf / (xc * (1.0 - xc))
        for amp, x0, width in self.steps:
            th = np.tanh((x0 - xc) / width)
            u = u + amp * th
            du = du - amp / width * (1.0 - th * th)
        return u, np.where(xc == x, du, 0.0)


@dataclass(frozen=True)
class TableOCP:
    """Monotone (PCHIP) interpolation of a user OCP table; clipped outside its x range."""

    name: str
    stoichiometry: np.ndarray = field(repr=False)
    potential_V: np.ndarray = field(repr=False)

    @cached_property
    def _interpolant(self):
        from scipy.interpolate import PchipInterpolator

        return PchipInterpolator(self.stoichiometry, self.potential_V, extrapolate=False)

    def __call__(self, x) -> np.ndarray:
        xs = np.clip(np.asarray(x, float), self.stoichiometry[0], self.stoichiometry[-1])
        return self._interpolant(xs)

    @cached_property
    def _slope(self):
        return self._interpolant.derivative()

    def with_slope(self, x) -> tuple[np.ndarray, np.ndarray]:
        """(U, dU/dx) in V from the PCHIP interpolant; dU/dx = 0 outside the table's range (U is clipped)."""
        x = np.asarray(x, float)
        xs = np.clip(x, self.stoichiometry[0], self.stoichiometry[-1])
        return self._interpolant(xs), np.where(xs == x, self._slope(xs), 0.0)


@dataclass(frozen=True)
class LinearOCP:
    """Constant-capacitance storage over a window: U(θ) = U_high − θ·(U_high − U_low), in V."""

    name: str
    low_V: float
    high_V: float

    def __call__(self, x) -> np.ndarray:
        return self.high_V - np.asarray(x, float) * (self.high_V - self.low_V)

    def with_slope(self, x) -> tuple[np.ndarray, float]:
        """(U, dU/dθ) in V; dU/dθ = −(U_high − U_low) at every θ."""
        return self(x), self.low_V - self.high_V


BUILTIN_OCP: dict[str, AnalyticOCP] = {
    # Nernstian insertion, E0 = 0.80 V, no slope and no steps (analytic reference).
    "ideal": AnalyticOCP("ideal", 0.80, 0.0, 2.0),
    # VO2(B) / V8O16-type tunnel host: one sloping region (assumed shape).
    "vo2": AnalyticOCP("vo2", 0.95, 0.45, 1.0, ((0.06, 0.85, 0.06),)),
    # Layered V2O5: two sloping plateaus near 1.0 and 0.6 V (assumed shape).
    "v2o5": AnalyticOCP("v2o5", 0.80, 0.25, 1.0, ((0.15, 0.40, 0.06), (0.05, 0.90, 0.05))),
    # H2V3O8: plateau near 0.75 V (assumed shape).
    "h2v3o8": AnalyticOCP("h2v3o8", 0.78, 0.30, 1.0, ((0.10, 0.55, 0.08),)),
}


def read_ocp_table(path: str | Path) -> TableOCP:
    """Read a CSV OCP table (columns ``stoichiometry``, ``potential_V``) and validate it:
    at least 3 rows, finite numbers, 0 ≤ x ≤ 1 strictly increasing, potential decreasing."""
    import pandas as pd

    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(path, "file not found", expected="a CSV OCP table") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(path, f"could not be read as CSV ({type(exc).__name__})",
                         expected="columns stoichiometry, potential_V") from None
    missing = [c for c in ("stoichiometry", "potential_V") if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}",
                         expected="columns stoichiometry, potential_V")
    if len(frame) < 3:
        raise InputError(path, f"only {len(frame)} data row(s)", expected="at least 3 rows")
    x = pd.to_numeric(frame["stoichiometry"], errors="coerce").to_numpy(float)
    u = pd.to_numeric(frame["potential_V"], errors="coerce").to_numpy(float)
    for name, arr in (("stoichiometry", x), ("potential_V", u)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise InputError(path, f"non-numeric or NaN value in '{name}'",
                             where=f"line {int(bad[0]) + 2}", expected="finite numbers")
    if x[0] < 0 or x[-1] > 1:
        raise InputError(path, f"stoichiometry spans {x[0]:g}..{x[-1]:g}", expected="values within 0..1")
    for name, arr, sign, what in (("stoichiometry", x, 1, "strictly increasing"),
                                  ("potential_V", u, -1, "strictly decreasing with stoichiometry")):
        bad = np.flatnonzero(sign * np.diff(arr) <= 0)
        if bad.size:
            raise InputError(path, f"'{name}' is not {what}", where=f"line {int(bad[0]) + 3}",
                             expected=f"{what} values")
    return TableOCP(path.name, x, u)


def get_ocp(spec: str, *, base_dir: Path | None = None, temperature_K: float = ROOM_TEMPERATURE):
    """A built-in OCP by name (``ideal``, ``vo2``, ``v2o5``, ``h2v3o8``) or a CSV table path
    (relative paths are resolved against ``base_dir``, the config file's folder)."""
    if spec in BUILTIN_OCP:
        from dataclasses import replace

        return replace(BUILTIN_OCP[spec], temperature_K=temperature_K)
    if spec.lower().endswith(".csv"):
        path = Path(spec)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return read_ocp_table(path)
    raise InputError("parameter 'host.ocp'", f"unknown OCP {spec!r}",
                     expected=f"one of {', '.join(BUILTIN_OCP)} or a path to a .csv table")
