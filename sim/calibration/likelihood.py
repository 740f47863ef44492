"""Gaussian error model of reported statistics: sampling SE plus model discrepancy.

For target ``i`` with reported value ``y_i``, sampling SE ``se_i`` (from the reported spread and
n) and scale range ``span_i``::

    y_i ~ Normal(mu_i(theta), se_i^2 + (delta * span_i)^2)

``delta`` (the ``discrepancy`` parameter) is calibrated with the rest, so the intervals widen as
much as the model's structural misfit requires. Pooled rows carry their own (inflated) SE.
"""

from __future__ import annotations

import numpy as np

from sim.calibration.parameters import CALIBRATED, box

__all__ = ["log_likelihood", "log_prior", "total_sd"]

_DELTA = [p.name for p in CALIBRATED].index("discrepancy")


def total_sd(se: np.ndarray, span: np.ndarray, delta) -> np.ndarray:
    """float64[K, n]: SD of each reported value around the model's expected statistic."""
    delta = np.asarray(delta, dtype=float).reshape(-1, 1)
    return np.sqrt(se[None, :] ** 2 + (delta * span[None, :]) ** 2)


def log_likelihood(pred: np.ndarray, observed: np.ndarray, se: np.ndarray, span: np.ndarray,
                   theta: np.ndarray) -> np.ndarray:
    """float64[K]: Gaussian log likelihood of every theta row; -inf where a prediction is NaN."""
    sd = total_sd(se, span, theta[:, _DELTA])
    z = (observed[None, :] - pred) / sd
    ll = -0.5 * np.sum(z * z + 2.0 * np.log(sd) + np.log(2.0 * np.pi), axis=1)
    return np.where(np.all(np.isfinite(pred), axis=1), ll, -np.inf)


def log_prior(log_theta: np.ndarray) -> np.ndarray:
    """float64[K]: uniform in log space inside the calibration box (0 inside, -inf outside)."""
    lo, hi = box()
    inside = np.all((log_theta >= lo) & (log_theta <= hi), axis=1)
    return np.where(inside, 0.0, -np.inf)
