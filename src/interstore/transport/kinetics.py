"""Butler–Volmer kinetics of a Zn reservoir and the electrode potential the reservoirs share.

Each reservoir k takes Zn at its surface (insertion positive)

    i_k = 2·i0_k·g_k(x_s)·sinh(n·F·(U_k(x_s) − φ)/(2RT))        (A g⁻¹ of active oxide)

with g = 2√(x_s(1−x_s)) for the bulk and g = 1 for the interface.  All reservoirs share one
electrode potential φ (V vs Zn/Zn²⁺): :func:`solve_potential` finds the φ at which Σ i_k equals
the applied insertion current (galvanostatic) or (φ − V)/(R·m) (potentiostatic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import SimulationError
from .mesh import Mesh
from .ocp import X_CLIP

if TYPE_CHECKING:
    from .model import ElectrodeModel


class OpenCircuitPotential(Protocol):
    """What a reservoir needs of an OCP (:mod:`interstore.transport.ocp`): U(x) in V, and U with dU/dx."""

    def __call__(self, x: Any) -> Any: ...

    def with_slope(self, x: Any) -> tuple[Any, Any]: ...


@dataclass(frozen=True)
class Reservoir:
    """One Zn store: capacity (C g⁻¹ active), OCP U(x), diffusion D/L² (s⁻¹), kinetics i0 (A g⁻¹)."""

    name: str
    capacity_C_g: float
    ocp: OpenCircuitPotential
    mesh: Mesh
    rate_s_inv: float                 # D/L²
    i0_A_g: float
    kinetic_electrons: float
    concentration_dependent_i0: bool

    def kinetics(self, phi, x_s, f: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Insertion current and its derivatives at potential φ (V) and surface stoichiometry x_s
        (arrays broadcast; f = F/RT):

            i = 2 i0 g(x_s) sinh(η),  η = n f (U(x_s) − φ)/2            (A g⁻¹)
            ∂i/∂φ = −n f i0 g cosh(η)                                    (A g⁻¹ V⁻¹)
            ∂i/∂x_s = 2 i0 (g′ sinh(η) + g cosh(η)·n f U′/2)              (A g⁻¹)

        with g = 2√(x(1−x)) (x clipped to [X_CLIP, 1 − X_CLIP]) or g = 1."""
        x = np.asarray(x_s, float)
        g: np.ndarray | float
        dg: np.ndarray | float
        if self.concentration_dependent_i0:
            xc = np.minimum(np.maximum(x, X_CLIP), 1.0 - X_CLIP)
            root = np.sqrt(xc * (1.0 - xc))
            g, dg = 2.0 * root, np.where(xc == x, (1.0 - 2.0 * xc) / root, 0.0)
        else:
            g, dg = 1.0, 0.0
        half = 0.5 * self.kinetic_electrons * f
        u, du = self.ocp.with_slope(x)
        e = np.exp(np.minimum(np.maximum(half * (u - phi), -600.0), 600.0))
        sh, ch = 0.5 * (e - 1.0 / e), 0.5 * (e + 1.0 / e)
        two_i0 = 2.0 * self.i0_A_g
        return two_i0 * g * sh, -two_i0 * half * g * ch, two_i0 * (dg * sh + g * ch * half * du)


def _single_phi(r: Reservoir, x_s, u, current_A_g, f: float):
    """φ = U − (2/(n f))·asinh(I/(2 i0 g(x_s))) when one reservoir carries the current I (arrays allowed)."""
    g = 1.0
    if r.concentration_dependent_i0:
        xs = np.clip(x_s, X_CLIP, 1.0 - X_CLIP)
        g = 2.0 * np.sqrt(xs * (1.0 - xs))
    return u - 2.0 / (r.kinetic_electrons * f) * np.arcsinh(current_A_g / (2.0 * r.i0_A_g * g))


def solve_potential(model: ElectrodeModel, x_s, *, current_A_g: float | np.ndarray | None,
                    potential_V=None) -> np.ndarray:
    """Electrode potential φ (V) with Σ i_k(φ, x_s,k) = demand: the applied insertion current
    (galvanostatic) or (φ − V)/(R m) (potentiostatic).  ``x_s`` holds one surface stoichiometry
    (scalar or array) per reservoir; φ has the broadcast shape of these, the current and V.

    h(φ) = Σ i_k − demand decreases monotonically in φ: a bracket is widened from the mean OCP (or
    V) until it holds the root, then safeguarded Newton on the analytic ∂i/∂φ (bisection when a
    step leaves the bracket) converges to |Δφ| < 1e-12 V."""
    f, res = model.f, model.reservoirs
    x_s = [np.asarray(x, float) for x in x_s]
    shape = np.broadcast_shapes(*(x.shape for x in x_s), np.shape(current_A_g) if current_A_g is not None else (),
                                   np.shape(potential_V))
    if current_A_g is None and model.r_ohm_g == 0.0:
        return np.broadcast_to(np.asarray(potential_V, float), shape).copy()
    if current_A_g is not None and len(res) == 1:
        return np.broadcast_to(_single_phi(res[0], x_s[0], res[0].ocp(x_s[0]), current_A_g, f), shape).astype(float)
    slope = 0.0 if current_A_g is not None else 1.0 / model.r_ohm_g

    def h(phi):
        total, d_total = 0.0, 0.0
        for r, xs in zip(res, x_s):
            i, di, _ = r.kinetics(phi, xs, f)
            total, d_total = total + i, d_total + di
        demand = current_A_g if current_A_g is not None else (phi - potential_V) * slope
        return total - demand, d_total - slope

    centre = np.broadcast_to(potential_V if potential_V is not None
                             else sum(r.ocp(xs) for r, xs in zip(res, x_s)) / len(res), shape).astype(float)
    width = np.full(shape, 0.05)
    while True:
        lo, hi = centre - width, centre + width
        wide = (h(lo)[0] < 0) | (h(hi)[0] > 0)
        if not wide.any():
            break
        width = np.where(wide, 2.0 * width, width)
        if width.max() > 50.0:
            demand = "the requested current" if current_A_g is not None else "the applied potential"
            raise SimulationError("simulation", f"no electrode potential within ±50 V carries {demand} "
                                  "(the exchange currents are too small for it, or an OCP is not finite)",
                                  expected="a smaller current, or larger host/interface exchange_current_A_m2")
    phi = centre
    for _ in range(200):
        val, slope_h = h(phi)
        lo, hi = np.where(val > 0, phi, lo), np.where(val > 0, hi, phi)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = phi - val / slope_h
        new = np.where((new > lo) & (new < hi) & np.isfinite(new), new, 0.5 * (lo + hi))
        done = np.abs(new - phi) <= 1e-12 + 1e-12 * np.abs(phi)
        phi = new
        if done.all():
            break
    return phi
