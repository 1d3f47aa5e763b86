"""The report's GITT section says where each pulse's √t origin t0 came from and gives t0 (s).

The titration is written here as an instrument CSV from the series solution for a constant flux into
a slab blocked at its far face (Crank, The Mathematics of Diffusion, 2nd ed., eq. 4.55),

    c(0, t) ∝ g(Dt/L²),  g(θ) = θ + 1/3 − (2/π²) Σₙ exp(−n²π²θ)/n²,

superposed for each pulse switched on at t_s and off at t_e (g(t − t_s) − g(t − t_e)), with
τD/L² = 0.01 (E ∝ √t during the pulse) and an IR drop while current flows.  The logger samples every
second with the switches half-way between two samples, so the first pulse sample is 0.5 s late: t0
must come back as the switch time, exactly from the instrument's step time when the file has one,
and within a tenth of a sample from the fit of E = E0 + b√(t − t0) when it does not.
"""

from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

SWITCHES = [(100.5, 160.5), (1160.5, 1220.5)]  # (on, off) of each pulse, s: 0.5 s after a sample
TAU = 60.0                                       # pulse length (s)
D_OVER_L2 = 0.01 / TAU                           # s⁻¹: τD/L² = 0.01
K_V = -0.35                                      # potential per unit g (V): about −40 mV over a pulse
I_MA, R_OHM = -0.1, 20.0                         # discharge current (mA), ohmic resistance (Ω)
T_END = 2200.0


def slab_response(t: np.ndarray) -> np.ndarray:
    """g(Dt/L²) of the module doc for t > 0, 0 before."""
    theta = D_OVER_L2 * np.clip(t, 0.0, None)[:, None]
    n = np.arange(1, 4001)[None, :]
    g = theta[:, 0] + 1 / 3 - 2 / np.pi ** 2 * np.sum(np.exp(-(n * np.pi) ** 2 * theta) / n ** 2, axis=1)
    return np.where(t > 0, g, 0.0)


def titration_csv(path, *, step_time: bool) -> None:
    """Write the titration as a BioLogic-style CSV (time/s, Ewe/V, I/mA, Ns [, Step Time (s)])."""
    t = np.arange(0.0, T_END + 0.5, 1.0)
    e = np.full_like(t, 1.2)
    on = np.zeros(t.size, bool)
    step = np.ones(t.size, int)
    began = np.zeros_like(t)  # start of the step each sample belongs to
    for ts, te in SWITCHES:
        on |= (t > ts) & (t < te)
        e += K_V * (slab_response(t - ts) - slab_response(t - te))
        step += (t > ts).astype(int) + (t > te).astype(int)
        began = np.where(t > te, te, np.where(t > ts, ts, began))
    current = np.where(on, I_MA, 0.0)
    e += current * 1e-3 * R_OHM
    header = "time/s,Ewe/V,I/mA,Ns" + (",Step Time (s)" if step_time else "")
    rows = [f"{ti:.3f},{ei:.7f},{ii:.4f},{si}" + (f",{ti - bi:.3f}" if step_time else "")
            for ti, ei, ii, si, bi in zip(t, e, current, step, began)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def t0_table(page: str) -> list[list[str]]:
    """Rows (cells as text) of the table headed 't0 from', 't0 (s)'."""
    table = next(t for t in re.findall(r"<table>.*?</table>", page, re.S) if "<th>t0 (s)</th>" in t)
    return [[unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])]


@pytest.mark.parametrize("step_time", [True, False], ids=["step-time", "no-step-time"])
def test_report_shows_t0_source_and_values(minimal_study, tmp_path, step_time):
    from interstore.report.build import build_report

    data = tmp_path / "gitt.csv"
    titration_csv(data, step_time=step_time)
    study = minimal_study(extra=f'\n[data]\ninstrument = "csv"\ngitt = "{data}"\n')
    build_report(study, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    source = "the instrument's step time" if step_time else "the fit of E = E0 + b√(t − t0)"
    assert f"t0 from {source} (2 of 2 pulses)".replace("'", "&#x27;") in page
    rows = t0_table(page)
    assert [r[0] for r in rows] == ["1", "2"]
    for row, (ts, _) in zip(rows, SWITCHES):
        assert row[1] == source
        t0, lag = float(row[2]), float(row[3])
        if step_time:  # the switch itself, to the file's millisecond
            assert t0 == pytest.approx(ts, abs=1e-3) and lag == pytest.approx(0.5, abs=1e-3)
        else:          # fitted within a tenth of the 1 s logging interval
            assert t0 == pytest.approx(ts, abs=0.1) and lag == pytest.approx(0.5, abs=0.1)
