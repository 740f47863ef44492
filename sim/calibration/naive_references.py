"""Naive reference predictives for left-out rows, built from the other studies' rows.

A normal predictive per change/contrast row from OTHER studies' rows of the same class
(baselines get none; a row without a usable pool, or with SD 0, gets none and is left out of
that reference's scores and skill):

- ``no_change``: mean 0; SD the root mean square of the pool's normalised observed values in the
  row's window (all windows if the window has fewer than :data:`MIN_POOL` rows).
- ``loso_mean``: mean and SD (ddof=1) of the same pool.
- ``meta``: DerSimonian-Laird random-effects mean of normalised values with normalised SEs (rows
  counted as independent estimates), the most specific group first: changes by (arm type,
  window), window, all windows; contrasts by (arm type, control arm type, window), (arm type,
  window), window, all windows. A group needs :data:`MIN_POOL` rows from two or more studies.
  SD = sqrt(tau^2 + se_pooled^2 + se_row^2); SEs below :data:`MIN_SE_FRACTION` are raised to it
  in the weights.

Part of :mod:`sim.calibration.scoring`, which re-exports every public name here.
"""

from __future__ import annotations

import math

import numpy as np

from sim.calibration.scored_rows import CONTRAST, WINDOWS, normalised, row_class

__all__ = ["MIN_POOL", "MIN_SE_FRACTION", "REFERENCES", "loso_mean_reference", "meta_reference",
           "no_change_reference"]

MIN_POOL = 3  #: fewest rows of a reference pool before falling back to a wider one
MIN_SE_FRACTION = 1e-3  #: least SE / span in meta-analytic weights (a reported SE of 0 is not exact)
REFERENCES = ("no_change", "loso_mean", "meta")


def _window(day: float) -> int:
    return next(k for k, (lo, hi) in enumerate(WINDOWS) if lo < day <= hi)


def _pools(rows):
    """Per row: (class, window, cluster) and a boolean mask of the rows of other studies, same class."""
    cls = np.array([row_class(r) for r in rows])
    win = np.array([_window(r.day) if r.day > 0 else -1 for r in rows])
    clu = np.array([r.cluster for r in rows])
    for i in range(len(rows)):
        if cls[i] != "baseline":
            yield i, win, clu, (cls == cls[i]) & (clu != clu[i])


def _pooled_reference(rows, centred: bool):
    y, _, _ = normalised(rows)
    mean, sd = np.full(y.size, np.nan), np.full(y.size, np.nan)
    for i, win, _, other in _pools(rows):
        same = other & (win == win[i])
        pool = y[same if same.sum() >= MIN_POOL else other]
        if pool.size >= 1 + centred:
            mean[i], sd[i] = (pool.mean(), pool.std(ddof=1)) if centred else (0.0, math.sqrt(np.mean(pool ** 2)))
    return mean, sd


def no_change_reference(rows):
    """Mean 0, SD = RMS of other studies' normalised values (class, window). Two float64[n] (NaN: none).

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
        Every row of the left-out studies (references pool over the other studies' rows).

    Returns
    -------
    mean, sd : float64 (n,)
        Normal predictive per row, normalised (fractions of the row's span); NaN where the row
        gets no reference (baselines, rates, rows without a usable pool).
    """
    return _pooled_reference(rows, centred=False)


def loso_mean_reference(rows):
    """Mean and SD (ddof=1) of other studies' normalised values (class, window). Two float64[n].

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
        Every row of the left-out studies (references pool over the other studies' rows).

    Returns
    -------
    mean, sd : float64 (n,)
        Normal predictive per row, normalised (fractions of the row's span); NaN where the row
        gets no reference (baselines, rates, rows without a usable pool).
    """
    return _pooled_reference(rows, centred=True)


def _dersimonian_laird(y, v):
    """(pooled mean, tau^2, SE of the pooled mean) of estimates ``y`` with variances ``v``."""
    w = 1.0 / v
    mu = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mu) ** 2)
    c = np.sum(w) - np.sum(w ** 2) / np.sum(w)
    tau2 = max(0.0, (q - (y.size - 1)) / c) if c > 0 else 0.0
    ws = 1.0 / (v + tau2)
    return float(np.sum(ws * y) / np.sum(ws)), tau2, math.sqrt(1.0 / np.sum(ws))


def meta_reference(rows):
    """DerSimonian-Laird predictive from other studies' rows by arm type(s) and window. Two float64[n].

    ``rows`` should hold every row of the studies (arm types of control arms come from their rows).

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
        Every row of the left-out studies (references pool over the other studies' rows).

    Returns
    -------
    mean, sd : float64 (n,)
        Normal predictive per row, normalised (fractions of the row's span); NaN where the row
        gets no reference (baselines, rates, rows without a usable pool).
    """
    y, se, _ = normalised(rows)
    se = np.maximum(se, MIN_SE_FRACTION)
    types = {(r.cluster, r.arm_id): r.arm_type for r in rows}
    own = np.array([r.arm_type for r in rows])
    ctrl = np.array([types.get((r.cluster, r.vs_arm_id), "unknown") if r.vs_arm_id else "-" for r in rows])
    mean, sd = np.full(y.size, np.nan), np.full(y.size, np.nan)
    for i, win, clu, other in _pools(rows):
        same_win = other & (win == win[i])
        groups = [same_win & (own == own[i]), same_win, other]
        if rows[i].statistic == CONTRAST:
            groups.insert(0, same_win & (own == own[i]) & (ctrl == ctrl[i]))
        for g in groups:
            if g.sum() >= MIN_POOL and np.unique(clu[g]).size >= 2:
                mu, tau2, se_mu = _dersimonian_laird(y[g], se[g] ** 2)
                mean[i], sd[i] = mu, math.sqrt(tau2 + se_mu ** 2 + se[i] ** 2)
                break
    return mean, sd
