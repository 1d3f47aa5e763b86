"""The VOS mapping technique (VOSviewer's own layout), as a layout option beside the force layout.

VOS (van Eck, Waltman, Dekker & van den Berg 2010) places keywords so that
the weighted sum of squared distances is minimal while the mean distance is
fixed,

    minimise  Σ_{i<j} s_ij ‖x_i − x_j‖²   subject to   (2 / n(n−1)) Σ_{i<j} ‖x_i − x_j‖ = 1,

with s_ij the association strength (VOSviewer's standard normalisation).  As
in van Eck & Waltman's unified formulation (attraction 2, repulsion 1), the
equivalent unconstrained problem is solved,

    minimise  V(X) = Σ_{i<j} [ s_ij ‖x_i − x_j‖² / 2 − ‖x_i − x_j‖ ],

whose minimum has the same shape: scaling X by λ gives λ² A/2 − λ B with
A = Σ s_ij d_ij², B = Σ d_ij, stationary at A = B.  Pairs without a link get
s_ij = ε = 10⁻² × mean link strength so that unconnected parts stay at a finite
distance.  L-BFGS (scipy) from a seeded random start; the result is centred,
rotated onto its principal axes (VOSviewer's orientation) and scaled to unit
RMS radius like the force layout.  All n(n−1)/2 pairs repel, so the cost is
O(n²) per iteration: maps up to ``MAX_KEYWORDS`` keywords.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, sparse
from scipy.spatial.distance import pdist, squareform

from ..errors import InputError

MAX_KEYWORDS = 3000
EPSILON = 1e-2


def vos_coordinates(n: int, source: np.ndarray, target: np.ndarray, strength: np.ndarray, *, seed: int,
                    max_iterations: int = 1000) -> np.ndarray:
    """Minimiser X (n × 2) of V(X) (module docstring), before centring, rotation and scaling."""
    if n > MAX_KEYWORDS:
        raise InputError("option --layout vos", f"{n} keywords: VOS compares all pairs (O(n²))",
                         expected=f"at most {MAX_KEYWORDS} keywords (raise --min-occurrences or use --max-keywords)"
                                  " or --layout force")
    if n < 2:
        return np.zeros((n, 2))
    s = sparse.coo_matrix((np.r_[strength, strength], (np.r_[source, target], np.r_[target, source])),
                          shape=(n, n)).tocsr()
    linked = s.astype(bool).astype(np.float64)
    eps = EPSILON * (strength.mean() if len(strength) else 1.0)
    w_degree = np.asarray(s.sum(axis=1)).ravel() - eps * np.asarray(linked.sum(axis=1)).ravel() + eps * n
    w_matrix = s - eps * linked  # w_ij = s_ij on links, ε elsewhere: W x = (S − εL) x + ε Σ_j x_j

    def v_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        x = flat.reshape(n, 2)
        d = squareform(pdist(x))
        sq = d ** 2
        weighted = s.multiply(sq).sum() + eps * (sq.sum() - linked.multiply(sq).sum())  # Σ_{i≠j} w_ij d²
        v = weighted / 4 - d.sum() / 2
        with np.errstate(divide="ignore"):
            inv = np.where(d > 0, 1.0 / d, 0.0)
        # ∂V/∂x_i = Σ_j (w_ij − 1/d_ij)(x_i − x_j)
        attract = w_degree[:, None] * x - (w_matrix @ x + eps * x.sum(axis=0))
        repel = inv.sum(axis=1)[:, None] * x - inv @ x
        return float(v), (attract - repel).ravel()

    start = np.random.default_rng(seed).normal(size=(n, 2))
    res = optimize.minimize(v_and_gradient, start.ravel(), jac=True, method="L-BFGS-B",
                            options={"maxiter": max_iterations, "gtol": 1e-10, "ftol": 1e-15})
    return res.x.reshape(n, 2)


def vos_layout(n: int, source: np.ndarray, target: np.ndarray, strength: np.ndarray, *, seed: int) -> np.ndarray:
    """VOS coordinates, centred, rotated onto their principal axes (x = largest spread), unit RMS radius."""
    x = vos_coordinates(n, source, target, strength, seed=seed)
    x = x - x.mean(axis=0)
    if n > 1:
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        x = x @ vt.T
        x *= np.sign(x[np.argmax(np.abs(x), axis=0), [0, 1]])  # sign: largest |coordinate| positive
    rms = np.sqrt((x ** 2).sum(axis=1).mean()) if n else 0.0
    return x / rms if rms > 0 else x
