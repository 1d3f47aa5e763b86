"""The finite-volume mesh of one reservoir and its diffusion operator.

A particle (``sphere``) or flake (``slab``) of size L is cut into n cells of equal width on
ξ = r/L ∈ [0, 1] (cell-centred, volumes normalised to sum to 1, exactly conservative).  Fick's
law with zero flux at both ends becomes dx/dt = (D/L²)·M x with the sparse Laplacian M
(:meth:`Mesh.laplacian`); its eigenmodes M = S·diag(λ)·S⁻¹ (:attr:`Mesh.modes`) drive the
exponential integrator.  The surface value is the quadratic extrapolation of the last three
cells (:data:`SURFACE_WEIGHTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

SURFACE_WEIGHTS = np.array([0.375, -1.25, 1.875])   # Mesh.surface_value on the last three cells


@dataclass(frozen=True)
class Mesh:
    """Uniform cell-centred mesh on ξ = r/L ∈ [0, 1]; volumes normalised to sum to 1."""

    geometry: str
    n_cells: int

    @property
    def faces(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, self.n_cells + 1)

    @property
    def volumes(self) -> np.ndarray:
        f = self.faces
        return np.diff(f ** 3) if self.geometry == "sphere" else np.diff(f)

    def laplacian(self):
        """Sparse matrix M with d x/dt = (D/L²)·M x for zero flux at both ends."""
        from scipy.sparse import diags

        f = self.faces
        area = 3.0 * f ** 2 if self.geometry == "sphere" else np.ones_like(f)
        h = 1.0 / self.n_cells
        g = area[1:-1] / h                      # conductance of the inner faces
        vol = self.volumes
        main = np.zeros(self.n_cells)
        main[:-1] -= g
        main[1:] -= g
        return diags([g / vol[1:], main / vol, g / vol[:-1]], [-1, 0, 1], format="csr")

    @cached_property
    def modes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(λ, S, S⁻¹) with M = S·diag(λ)·S⁻¹ for the Laplacian M, from the symmetric form
        V^½·M·V^-½ (V = cell volumes); λ ≤ 0, one λ = 0 (conservation)."""
        from scipy.linalg import eigh

        root = np.sqrt(self.volumes)
        sym = self.laplacian().toarray() * root[:, None] / root[None, :]
        lam, q = eigh(0.5 * (sym + sym.T))
        return np.minimum(lam, 0.0), q / root[:, None], q.T * root[None, :]

    @staticmethod
    def surface_value(x: np.ndarray) -> float:
        """Quadratic extrapolation of the last three cell values to ξ = 1."""
        return 1.875 * x[-1] - 1.25 * x[-2] + 0.375 * x[-3]
