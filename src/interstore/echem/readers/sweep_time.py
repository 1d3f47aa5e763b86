"""Time of a potential sweep recorded without a clock (CH Instruments CV exports, curves
digitised from papers, published potential/current tables): at a constant scan rate v,

    t_k = Σ_{j≤k} |E_j − E_{j−1}| / v        (s; E in V, v in V s⁻¹)

so each row's time is the potential distance travelled so far over the scan rate.
"""

from __future__ import annotations

import numpy as np

from ...errors import ReaderError, require_positive


def time_from_sweep(potential_V: np.ndarray, scan_rate_mV_s: float, source: str) -> np.ndarray:
    """t (s) of each row of a constant-rate sweep from |ΔE| and v (mV/s); rows at the same
    potential share a time.  A trace that never moves cannot be timed."""
    rate_V_s = require_positive(f"scan rate of {source} (mV/s)", scan_rate_mV_s) * 1e-3
    e = np.asarray(potential_V, float)
    travelled = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(e)))])
    if travelled[-1] <= 0:
        raise ReaderError(source, "no time column and the potential never changes",
                          expected="a time column, or a potential sweep whose time follows from the scan rate")
    return travelled / rate_V_s


NO_TIME_HINT = (", or the scan rate (CLI: cv analyze --scan-rates, read --scan-rate; manifest: scan_rate_mV_s) "
                "to derive time from |dE|/v")
