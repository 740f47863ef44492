"""Proper scores of predictive distributions: sample predictives and normal ones, on the same rows.

Model predictives are samples: intervals are sample quantiles, the interval score is
``scoringrules.interval_score`` (alpha :data:`ALPHA`), CRPS ``scoringrules.crps_ensemble`` and
the PIT the share of samples below the observation (ties count half). Normal predictives (the
naive references) use normal quantiles and ``scoringrules.crps_normal``. MAE is of the median.

Part of :mod:`sim.calibration.scoring`, which re-exports every public name here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scoringrules as sr
from scipy import stats

__all__ = ["ALPHA", "LEVELS", "NOMINAL", "Scores", "coverage_curve", "score_normal", "score_samples"]

LEVELS = (0.5, 0.8, 0.95)  #: central interval levels reported as coverage
NOMINAL = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)  #: levels of the coverage curve
ALPHA = 0.05  #: interval score of the central 95% interval
BACKEND = "numpy"  #: scoringrules backend (no JIT warm-up for a few hundred rows)


@dataclass(frozen=True, eq=False)
class Scores:
    """Per-row scores of one predictive against normalised observations (float64[n] arrays)."""

    lower: dict[float, np.ndarray]  #: central interval bounds by level (:data:`LEVELS`)
    upper: dict[float, np.ndarray]
    median: np.ndarray
    interval_score_rows: np.ndarray  #: at alpha = :data:`ALPHA`
    crps_rows: np.ndarray
    mae_rows: np.ndarray  #: |median - observed| (mean: MAE)
    pit: np.ndarray
    inside: dict[float, np.ndarray]  #: bool per level

    def coverage(self, level: float) -> float:
        """Share of observations inside the central interval at ``level`` (:data:`LEVELS`).

        Parameters
        ----------
        level : float
            One of :data:`LEVELS`.

        Returns
        -------
        float
            In [0, 1]; NaN without rows.
        """
        return float(np.mean(self.inside[level])) if self.median.size else math.nan

    @property
    def width95(self) -> float:
        """Median width of the central 95% intervals."""
        return float(np.median(self.upper[0.95] - self.lower[0.95])) if self.median.size else math.nan

    def mean(self, metric: str) -> float:
        """Mean of a per-row score: ``"interval_score"``, ``"crps"`` or ``"mae"``.

        Parameters
        ----------
        metric : {"interval_score", "crps", "mae"}

        Returns
        -------
        float
            In the units of the observations (fractions of the scale range when normalised); NaN
            without rows.
        """
        v = getattr(self, f"{metric}_rows")
        return float(np.mean(v)) if v.size else math.nan


def _scores(y, lower, upper, median, crps, pit) -> Scores:
    inside = {p: (y >= lower[p]) & (y <= upper[p]) for p in lower}
    isc = sr.interval_score(y, lower[0.95], upper[0.95], ALPHA, backend=BACKEND) if y.size else np.empty(0)
    return Scores(lower, upper, median, np.asarray(isc, float), np.asarray(crps, float), np.abs(median - y), pit,
                  inside)


def score_samples(observed, samples) -> Scores:
    """Scores of predictive samples ``float64[S, n]`` against observations ``float64[n]`` (same units).

    Parameters
    ----------
    observed : array_like (n,)
    samples : array_like (S, n)
        Predictive draws, one column per observation.

    Returns
    -------
    Scores
    """
    y, s = np.asarray(observed, float), np.asarray(samples, float)
    if s.ndim != 2 or s.shape[1] != y.size:
        raise ValueError(f"samples: shape {s.shape}; allowed: (S, {y.size}) for {y.size} observations")
    st = np.sort(s.T, axis=1)  # [n, S], sorted once for every quantile
    lo, hi, med = (_quantiles(st, [(1 - p) / 2 for p in LEVELS]), _quantiles(st, [(1 + p) / 2 for p in LEVELS]),
                   _quantiles(st, [0.5])[0])
    crps = sr.crps_ensemble(y, st, sorted_ensemble=True, backend=BACKEND) if y.size else np.empty(0)
    pit = (np.sum(s < y, axis=0) + 0.5 * np.sum(s == y, axis=0)) / s.shape[0]
    return _scores(y, dict(zip(LEVELS, lo)), dict(zip(LEVELS, hi)), med, crps, pit)


def _quantiles(st, probs):
    """float64[K, n] quantiles of row-sorted samples ``st`` float64[n, S] (numpy's "linear" method)."""
    h = (st.shape[1] - 1) * np.asarray(probs, float)
    k = np.minimum(np.floor(h).astype(int), st.shape[1] - 2)
    return st[:, k].T + (h - k)[:, None] * (st[:, k + 1] - st[:, k]).T


def score_normal(observed, mean, sd) -> Scores:
    """Scores of normal predictives ``N(mean, sd^2)`` (float64[n] each) against observations.

    Parameters
    ----------
    observed, mean, sd : array_like (n,)
        Observations and the normal predictives' means and SDs (SD > 0), same units.

    Returns
    -------
    Scores
    """
    y, m, sd = (np.asarray(v, float) for v in (observed, mean, sd))
    z = {p: stats.norm.ppf((1 + p) / 2) for p in LEVELS}
    crps = sr.crps_normal(y, m, sd, backend=BACKEND) if y.size else np.empty(0)
    return _scores(y, {p: m - z[p] * sd for p in LEVELS}, {p: m + z[p] * sd for p in LEVELS}, m, crps,
                   stats.norm.cdf(y, m, sd))


def coverage_curve(observed, samples, nominal=NOMINAL):
    """Empirical coverage float64[K] of central sample intervals at ``nominal`` levels float64[K].

    Parameters
    ----------
    observed : array_like (n,)
    samples : array_like (S, n)
        Predictive draws, one column per observation.
    nominal : array_like (K,)
        Central interval levels in (0, 1).

    Returns
    -------
    float64 (K,)
        Share of observations inside each central interval; NaN without observations.
    """
    y, s, nominal = np.asarray(observed, float), np.asarray(samples, float), np.asarray(nominal, float)
    if not y.size:
        return np.full(nominal.size, np.nan)
    st = np.sort(s.T, axis=1)
    lo, hi = _quantiles(st, (1 - nominal) / 2), _quantiles(st, (1 + nominal) / 2)
    return np.mean((y >= lo) & (y <= hi), axis=1)
