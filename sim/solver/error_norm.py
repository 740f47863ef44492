"""The integrator's error norm and its per-state absolute tolerances that follow each state's peak.

Kept apart from :mod:`sim.solver.rosenbrock` because they know nothing of the method or the
model; the generated, model-specialised kernel imports them from here like the LU routines.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["rms_scaled", "raise_scale"]


@njit(cache=True)
def rms_scaled(x, y, atol, rtol):
    """Root mean square of ``x_i / (atol_i + rtol |y_i|)`` (the integrator's error norm).

    Parameters
    ----------
    x : float64[n]
        Error estimate (or any vector measured against the tolerances), in state units.
    y : float64[n]
        State whose magnitude sets the relative part, in state units.
    atol : float64[n]
        Absolute tolerance per state, in state units.
    rtol : float
        Relative tolerance [1].

    Returns
    -------
    float
        The scaled norm [1]; a step is accepted when it is at most 1.
    """
    acc = 0.0
    for i in range(x.shape[0]):
        v = x[i] / (atol[i] + rtol * abs(y[i]))
        acc += v * v
    return np.sqrt(acc / x.shape[0])


@njit(cache=True)
def raise_scale(y, atol_unit, scale, atol):
    """Raise ``scale`` to ``|y|`` where exceeded and set ``atol = atol_unit * scale``.

    A state's absolute tolerance then follows the largest value it has reached: an injected
    compartment that has been dosed to 50 units is resolved to ``atol_unit * 50`` instead of to
    ``atol_unit``, so its decaying tail -- orders of magnitude below anything that moves an
    outcome -- no longer sets the step size, while a state that stays small keeps its declared
    tolerance.

    Parameters
    ----------
    y : float64[n]
        Current state, in state units.
    atol_unit : float64[n]
        Absolute tolerance per unit of scale [1].
    scale : float64[n]
        Running scale of each state (its declared size, raised to its peak), updated in place.
    atol : float64[n]
        Absolute tolerances in force, updated in place (state units).
    """
    for i in range(y.shape[0]):
        a = abs(y[i])
        if a > scale[i]:
            scale[i] = a
            atol[i] = atol_unit[i] * a
