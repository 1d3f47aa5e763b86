"""One call for every simulated experiment: ``simulate(config, "ragone")``.

The front door to :mod:`interstore.transport.electrode` and :mod:`interstore.transport.ragone`,
in the spirit of ``pybamm.Simulation(...).solve()``: a validated :class:`CellConfig` (or the
path of its TOML file) and the experiment's own parameters in, a result object out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..errors import parameter_error
from .cellconfig import CellConfig, load_cell_config

EXPERIMENTS = ("discharge", "charge", "ragone", "cv", "hold")


def simulate(config: CellConfig | str | Path, experiment: str = "discharge", *, current_A_g: float = 1.0,
             rates_A_g: Sequence[float] | None = None, scan_rate_mV_s: float = 1.0, cycles: int = 2,
             potential_V: float | None = None, duration_s: float = 600.0, bulk_only: bool = False):
    """Run one simulated experiment on the electrode model of ``config``.

    Parameters
    ----------
    config : CellConfig or path
        The cell (masses, window), host, interface and numerics; a path is read with
        :meth:`CellConfig.from_toml`.
    experiment : {"discharge", "charge", "ragone", "cv", "hold"}
        ``discharge``/``charge``: one constant-current step to the cut-off at ``current_A_g``;
        ``ragone``: one discharge per current in ``rates_A_g``; ``cv``: ``cycles`` cycles at
        ``scan_rate_mV_s``; ``hold``: ``duration_s`` at ``potential_V``.
    current_A_g : float
        Specific current, A g⁻¹ of the config's mass basis (``discharge``, ``charge``).
    rates_A_g : sequence of float, optional
        Specific currents (A g⁻¹, config basis) of a Ragone curve; default 12 from 0.1 to 100.
    scan_rate_mV_s : float
        CV scan rate, mV s⁻¹.
    cycles : int
        Number of CV cycles.
    potential_V, duration_s : float
        Hold potential (V vs Zn/Zn²⁺) and duration (s).
    bulk_only : bool
        Remove the interface reservoir (the bulk-only reference of the Ragone conflict).

    Returns
    -------
    Discharge, RagoneCurve or Measurement
        ``Discharge`` (capacity in mAh g⁻¹ on the config basis, energy Wh kg⁻¹, power W kg⁻¹)
        for a discharge or charge, :class:`~interstore.transport.ragone.RagoneCurve` for
        ``ragone``, a :class:`~interstore.echem.record.Measurement` (current in A) for ``cv``
        and ``hold``.
    """
    from . import electrode
    from .ragone import DEFAULT_RATES_A_G, ragone_curve

    cfg = config if isinstance(config, CellConfig) else load_cell_config(config)
    reservoirs = "bulk" if bulk_only else "all"
    if experiment in ("discharge", "charge"):
        return electrode.simulate_galvanostatic(cfg, current_A_g, bulk_only=bulk_only, direction=experiment)
    if experiment == "ragone":
        return ragone_curve(cfg, DEFAULT_RATES_A_G if rates_A_g is None else rates_A_g, bulk_only=bulk_only)
    if experiment == "cv":
        return electrode.simulate_cv(cfg, scan_rate_mV_s, cycles=cycles, reservoirs=reservoirs)
    if experiment == "hold":
        if potential_V is None:
            raise parameter_error("potential_V", None, expected="the hold potential in V for experiment='hold'")
        return electrode.simulate_hold(cfg, potential_V, duration_s, reservoirs=reservoirs)
    raise parameter_error("experiment", experiment, expected=" | ".join(EXPERIMENTS))
