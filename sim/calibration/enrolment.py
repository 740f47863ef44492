"""Enrolment by an entry threshold: the truncated-normal arithmetic of trial-matched patients.

A trial enrols patient ``i`` when the pain observed at screening, its quiet level ``R_i`` plus a
visit fluctuation ``e ~ N(0, sd^2)``, reaches the threshold ``c``: with probability
``Q(a_i)``, ``a_i = (c - R_i) / sd``. Given enrolment, ``e`` is a normal truncated below at
``a_i``, with mean ``sd lambda(a_i)`` (``lambda = phi / Q``, the inverse Mills ratio) and
variance ``sd^2 (1 + a_i lambda - lambda^2)``. :mod:`sim.calibration.forward` weights its
virtual patients by the first and carries the second; :mod:`sim.calibration.spread` uses the
third for the spread of entry levels.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["enrol", "inverse_mills", "truncated_variance_factor"]


def inverse_mills(a: np.ndarray, logq: np.ndarray | None = None) -> np.ndarray:
    """``phi(a) / Q(a)``: the mean of a standard normal truncated below at ``a``.

    Parameters
    ----------
    a : float64 array
        Truncation points [SDs].
    logq : float64 array, optional
        ``log Q(a)`` where the caller has it (computed in log space for large ``a``).

    Returns
    -------
    float64 array, same shape
    """
    logq = special.log_ndtr(-a) if logq is None else logq
    return np.exp(-0.5 * a * a - 0.5 * np.log(2.0 * np.pi) - logq)


def enrol(R: np.ndarray, target: np.ndarray, below: np.ndarray, sd: np.ndarray):
    """Enrolment weights and expected entry fluctuation of cohorts, solved together.

    The threshold ``c`` of each cohort is found by bisection so that the enrolled mean entry
    level ``sum_i w_i (R_i + m_i)`` equals its target (the enrolled mean rises monotonically with
    ``c``); every cohort's bisection is elementwise, so stacking cohorts gives each the same
    numbers as solving it alone, with one array operation per step for all of them.

    Parameters
    ----------
    R : float64 (K, C, m)
        Quiet entry pain of each patient [VAS mm].
    target : float64 (K, C)
        Enrolled mean entry pain to reach [VAS mm].
    below : bool (K, C)
        Cohorts that take no selection (uniform weights, no expected fluctuation).
    sd : float64 (K, 1, 1)
        SD of the visit-to-visit fluctuation [VAS mm].

    Returns
    -------
    w : float64 (K, C, m)
        Enrolment weights (each cohort's sum to 1).
    mf : float64 (K, C, m)
        Expected entry fluctuation of an enrolled patient [VAS mm].
    """
    m = R.shape[-1]

    def enrolled(c):
        a = (c[..., None] - R) / sd
        logq = special.log_ndtr(-a)
        mills = inverse_mills(a, logq)
        w = np.exp(logq - logq.max(axis=-1, keepdims=True))
        return w / w.sum(axis=-1, keepdims=True), sd * mills

    lo = R.min(axis=-1) - 8.0 * sd[..., 0]
    hi = np.maximum(target, lo + 1.0)
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        w, mf = enrolled(mid)
        high = np.sum(w * (R + mf), axis=-1) > target
        hi, lo = np.where(high, mid, hi), np.where(high, lo, mid)
    w, mf = enrolled(0.5 * (lo + hi))
    w = np.where(below[..., None], 1.0 / m, w)
    mf = np.where(below[..., None], 0.0, mf)
    return w, mf


def truncated_variance_factor(mills: np.ndarray) -> np.ndarray:
    """``1 + a lambda - lambda^2``: variance of a standard normal truncated below at ``a``.

    Parameters
    ----------
    mills : float64 array
        The truncated normal's mean ``lambda = phi(a) / Q(a)`` (the inverse Mills ratio, >= 0);
        ``a`` is recovered from it by bisection (``lambda`` rises monotonically with ``a``).

    Returns
    -------
    float64 array, same shape
        In (0, 1]; 1 where ``lambda`` is 0 (no truncation).
    """
    lam = np.asarray(mills, dtype=float)
    lo, hi = np.full(lam.shape, -40.0), np.full(lam.shape, 40.0) + np.maximum(lam, 0.0)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        m = inverse_mills(mid)
        hi, lo = np.where(m > lam, mid, hi), np.where(m > lam, lo, mid)
    a = 0.5 * (lo + hi)
    return np.where(lam > 0.0, np.clip(1.0 + a * lam - lam * lam, 0.0, 1.0), 1.0)
