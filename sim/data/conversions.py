"""Explicit conversions between reported scales and spreads.

The data files keep every value as reported; anything that compares across studies converts
here, on purpose and with a cited approximation:

* :func:`convert_scale` - linear rescaling between instrument ranges (WOMAC 0-96 <-> 0-100,
  VAS 0-10 <-> 0-100, ...);
* :func:`se_to_sd`, :func:`ci95_to_sd` - Cochrane Handbook, section 6.5.2.2 (Higgins JPT et al.,
  Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, 2023);
* :func:`iqr_to_sd`, :func:`median_iqr_to_mean` - Wan X, Wang W, Liu J, Tong T. Estimating the
  sample mean and standard deviation from the sample size, median, range and/or interquartile
  range. BMC Med Res Methodol 2014;14:135 (doi:10.1186/1471-2288-14-135), scenario C3.

All functions accept scalars or NumPy arrays and broadcast.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = [
    "WOMAC_LIKERT_TOTAL",
    "PERCENT_0_100",
    "VAS_0_10",
    "VAS_0_100",
    "convert_scale",
    "se_to_sd",
    "ci95_to_sd",
    "iqr_to_sd",
    "median_iqr_to_mean",
    "spread_to_sd",
]

#: WOMAC 3.x Likert total score range (24 items x 0-4).
WOMAC_LIKERT_TOTAL = (0.0, 96.0)
#: A 0-100 scale (WOMAC normalised, VAS in mm, KOOS, ...).
PERCENT_0_100 = (0.0, 100.0)
#: VAS in cm.
VAS_0_10 = (0.0, 10.0)
#: VAS in mm.
VAS_0_100 = (0.0, 100.0)


def _check_range(name: str, r) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in r)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (min, max) pair of numbers, got {r!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite with min < max, got {r!r}")
    return lo, hi


def convert_scale(value, from_range, to_range, *, difference: bool = False):
    """Map values linearly from one instrument range to another.

    Parameters
    ----------
    value : float or array_like
        Values on ``from_range``.
    from_range, to_range : (float, float)
        ``(min, max)`` of each scale, e.g. ``(0, 96)`` and ``(0, 100)``.
    difference : bool
        True for changes and between-arm differences: only the width ratio applies, the
        offset does not (a change of 0 stays 0).

    Returns
    -------
    float or ndarray
        ``to_min + (value - from_min) * (to_max - to_min) / (from_max - from_min)``, or
        ``value * (to_max - to_min) / (from_max - from_min)`` if ``difference``.

    Notes
    -----
    The direction of the scale is not changed; where one instrument's higher value is better
    and the other's is worse, negate explicitly. Linear rescaling of WOMAC/VAS assumes the two
    scales measure the same construct with equal item weights (the usual normalisation in
    meta-analyses, e.g. Bellamy's WOMAC user guide normalised score).

    Examples
    --------
    >>> convert_scale(48, (0, 96), (0, 100))
    50.0
    >>> convert_scale(-1.5, (0, 10), (0, 100), difference=True)
    -15.0
    """
    flo, fhi = _check_range("from_range", from_range)
    tlo, thi = _check_range("to_range", to_range)
    x = np.asarray(value, dtype=float)
    ratio = (thi - tlo) / (fhi - flo)
    out = x * ratio if difference else tlo + (x - flo) * ratio
    return float(out) if out.ndim == 0 else out


def _n(name: str, n, minimum: int = 1) -> np.ndarray:
    arr = np.asarray(n, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < minimum) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return arr


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


def se_to_sd(se, n):
    """Standard deviation from the standard error of a mean: ``sd = se * sqrt(n)``.

    Source: Cochrane Handbook, section 6.5.2.2.
    """
    return _out(np.asarray(se, dtype=float) * np.sqrt(_n("n", n)))


def ci95_to_sd(low, high, n, *, distribution: str = "t"):
    """Standard deviation from the 95% confidence interval of a single group's mean.

    ``sd = sqrt(n) * (high - low) / (2 * q)`` with ``q`` the 0.975 quantile of Student's t with
    ``n - 1`` degrees of freedom (``distribution="t"``, for intervals computed with t, which the
    Handbook recommends for small samples) or 1.96 (``"normal"``; then ``2q = 3.92``).

    Source: Cochrane Handbook, section 6.5.2.2. Not valid for the interval of a *difference*
    between two arms (that needs both arms' n; see section 6.5.2.3).
    """
    if distribution not in ("t", "normal"):
        raise ValueError(f"distribution {distribution!r} not allowed; allowed: t, normal")
    nn = _n("n", n, 2)
    q = stats.t.ppf(0.975, nn - 1) if distribution == "t" else stats.norm.ppf(0.975)
    return _out(np.sqrt(nn) * (np.asarray(high, float) - np.asarray(low, float)) / (2.0 * q))


def iqr_to_sd(q1, q3, n=None):
    """Standard deviation from the interquartile range (normal data).

    ``sd = (q3 - q1) / eta(n)`` with ``eta(n) = 2 * Phi^-1((0.75 n - 0.125) / (n + 0.25))``
    (Wan et al. 2014, eq. 16, scenario C3); ``n=None`` uses the large-sample limit
    ``eta = 2 * Phi^-1(0.75) = 1.349``.
    """
    width = np.asarray(q3, dtype=float) - np.asarray(q1, dtype=float)
    if n is None:
        eta = 2.0 * stats.norm.ppf(0.75)
    else:
        nn = _n("n", n)
        eta = 2.0 * stats.norm.ppf((0.75 * nn - 0.125) / (nn + 0.25))
    return _out(width / eta)


def median_iqr_to_mean(q1, median, q3):
    """Mean from median and quartiles: ``(q1 + median + q3) / 3`` (Wan et al. 2014, eq. 14)."""
    return _out((np.asarray(q1, float) + np.asarray(median, float) + np.asarray(q3, float)) / 3.0)


def spread_to_sd(row, n: int | None = None) -> float | None:
    """Patient-level SD implied by an arm-level :class:`~sim.evidence.OutcomeRow`'s spread.

    Parameters
    ----------
    row : OutcomeRow
        A row with an arm-level statistic (not ``mean_difference_vs_control``).
    n : int, optional
        Patients behind the value; defaults to ``row.n``. Needed for SE and CI95, and used by
        the small-sample IQR factor (large-sample factor if absent).

    Returns
    -------
    float or None
        None for ``spread_type == "none"``.
    """
    if row.statistic == "mean_difference_vs_control":
        raise ValueError("spread_to_sd: a between-arm interval does not give a patient-level SD "
                         f"(row {row.arm_id} {row.measure}); allowed: arm-level statistics")
    n = row.n if n is None else n
    kind = row.spread_type
    if kind == "none":
        return None
    if kind == "SD":
        return row.spread[0]
    if kind == "IQR":
        return iqr_to_sd(row.spread[0], row.spread[1], n)
    if n is None:
        raise ValueError(f"spread_to_sd: spread_type {kind!r} needs n (row {row.arm_id} {row.measure}); "
                         "pass n= (for example the arm's n_arm)")
    if kind == "SE":
        return se_to_sd(row.spread[0], n)
    return ci95_to_sd(row.spread[0], row.spread[1], n)
