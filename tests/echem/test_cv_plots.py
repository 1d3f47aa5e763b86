"""CV figures: one per analysis and rate, axis labels with units, data drawn from the analysis."""

from __future__ import annotations

import numpy as np
from synthetic_cv import synthetic_cv

from interstore.echem.cv_analysis import analyze_cv
from interstore.echem.plots_cv import cv_figures

RATES = [0.2, 0.5, 1.0]


def test_cv_figures_names_units_and_data():
    a = analyze_cv([synthetic_cv(v, points_per_sweep=600) for v in RATES], RATES, mass_g=1e-3)
    figs = cv_figures(a)
    assert set(figs) == {"cv_voltammograms", "cv_b_value", "cv_b_profile", "cv_dunn_profiles", "cv_capacitive_fraction", "cv_trasatti",
                         "cv_capacitive_01_0.2mV_s", "cv_capacitive_02_0.5mV_s", "cv_capacitive_03_1mV_s"}
    for fig in figs.values():
        for ax in fig.axes:
            assert "(" in ax.get_ylabel() and ")" in ax.get_ylabel()  # every axis names its unit
    # the shaded CV shows the measured anodic current per gram at that rate
    line = figs["cv_capacitive_03_1mV_s"].axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), a.anodic.current_A[2] / 1e-3)
    bars = figs["cv_capacitive_fraction"].axes[0].patches[: len(RATES)]
    np.testing.assert_allclose([b.get_height() for b in bars], 100 * a.capacitive_fraction)
    assert "b = " in figs["cv_b_value"].axes[0].get_legend().get_texts()[0].get_text()
