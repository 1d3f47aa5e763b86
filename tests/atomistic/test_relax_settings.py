"""Relaxation settings are checked before any potential loads; the defaults are the stated ones."""

from __future__ import annotations

import pytest

from interstore.atomistic.calculator import RelaxSettings
from interstore.errors import InputError


def test_defaults_are_the_documented_criterion_and_optimizer():
    s = RelaxSettings()
    assert (s.fmax_eV_A, s.steps, s.optimizer, s.bfgs_alpha_eV_A2) == (0.05, 300, "BFGS", 70.0)


@pytest.mark.parametrize("alpha", [0.0, -5.0, float("nan")])
def test_a_non_positive_bfgs_hessian_guess_is_refused(alpha):
    with pytest.raises(InputError, match="alpha"):
        RelaxSettings(bfgs_alpha_eV_A2=alpha)
