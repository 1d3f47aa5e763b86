"""Overview figures of a file just read (matplotlib, Agg): potential and current
against time for a measurement, the Nyquist plot (−Z″ vs Z′) for a spectrum."""

from __future__ import annotations

from ...plotting import subplots
from ..record import ImpedanceSpectrum, Measurement


def measurement_figure(m: Measurement):
    """Two stacked panels: potential (V) and current (mA) against time (h)."""
    fig, (ax_e, ax_i) = subplots(2, 1, sharex=True, figsize=(7, 5))
    hours = m.time_s / 3600.0
    ax_e.plot(hours, m.potential_V, lw=0.8)
    ax_e.set_ylabel("potential (V)")
    ax_i.plot(hours, m.current_A * 1e3, lw=0.8, color="tab:red")
    ax_i.set_ylabel("current (mA)")
    ax_i.set_xlabel("time (h)")
    ax_e.set_title(f"{m.instrument}: {m.technique or 'measurement'}", fontsize=10)
    return fig


def nyquist_figure(s: ImpedanceSpectrum):
    """Nyquist plot: −Z″ (Ω) against Z′ (Ω) on equal axes."""
    fig, ax = subplots(figsize=(5, 5))
    ax.plot(s.z_real_ohm, -s.z_imag_ohm, "o-", ms=3, lw=0.8)
    ax.set_xlabel("Z′ (Ω)")
    ax.set_ylabel("−Z″ (Ω)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(f"{s.instrument}: impedance", fontsize=10)
    return fig
