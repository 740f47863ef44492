"""Trial statistics of one arm (summary, change from baseline) and across replicate trials.

Also the input checks every trial statistic shares (:class:`StatisticsError`, the patient axis,
complete-case moments). Conventions in :mod:`sim.trial.statistics`, which re-exports every
public name here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["StatisticsError", "ArmSummary", "PredictionInterval", "nan_quantile", "arm_summary",
           "change_from_baseline", "percent_change_from_baseline", "prediction_interval",
           "patient_array", "checked_level", "complete_case_moments"]


class StatisticsError(ValueError):
    """Invalid input to a trial statistic (names the argument and what is allowed)."""


def patient_array(name: str, x) -> np.ndarray:
    """``x`` as float64 with a patient axis (last); NaN = dropped out, infinities refused.

    Parameters
    ----------
    name : str
        Argument name for the error message.
    x : array_like (..., P)

    Returns
    -------
    float64 ndarray (..., P)

    Raises
    ------
    StatisticsError
        For a scalar or infinite values.
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        raise StatisticsError(f"{name}: expected an array with a patient axis (last), got a scalar")
    if np.isinf(arr).any():
        raise StatisticsError(f"{name}: infinite values are not allowed; allowed: finite numbers, NaN = dropped out")
    return arr


def checked_level(level: float) -> float:
    """``level`` of an interval, refused unless 0 < level < 1.

    Parameters
    ----------
    level : float

    Returns
    -------
    float

    Raises
    ------
    StatisticsError
        Unless 0 < level < 1.
    """
    if not 0 < level < 1:
        raise StatisticsError(f"level: {level!r} not allowed; allowed: 0 < level < 1 (e.g. 0.95)")
    return float(level)


def complete_case_moments(x: np.ndarray):
    """Complete-case n, mean and sample variance (ddof=1) along the last axis, warning-free.

    Parameters
    ----------
    x : float64 ndarray (..., P)
        Patient axis last, NaN = dropped out.

    Returns
    -------
    n, mean, var : float64 ndarray (...)
        Patients with a value, their mean (NaN without any) and variance (NaN below 2 patients).
    """
    ok = ~np.isnan(x)
    n = ok.sum(axis=-1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, x, 0.0).sum(axis=-1) / n
        dev = np.where(ok, x - mean[..., None], 0.0)
        var = (dev * dev).sum(axis=-1) / (n - 1)
    mean = np.where(n > 0, mean, np.nan)
    var = np.where(n > 1, var, np.nan)
    return n, mean, var


def nan_quantile(x, q, axis: int = -1) -> np.ndarray:
    """Quantiles ignoring NaN, by linear interpolation (Hyndman-Fan type 7, NumPy "linear").

    Equivalent to ``np.nanquantile(x, q, axis=axis)`` but vectorised (no per-row Python loop)
    and warning-free: an all-NaN slice gives NaN.

    Parameters
    ----------
    x : array_like
    q : float or 1-D array_like
        Probabilities in [0, 1].
    axis : int

    Returns
    -------
    ndarray
        Shape ``x.shape`` without ``axis``, with a leading axis of ``len(q)`` if ``q`` is 1-D.
    """
    qs = np.asarray(q, dtype=float)
    if qs.ndim > 1 or np.any((qs < 0) | (qs > 1)) or np.isnan(qs).any():
        raise StatisticsError(f"q: {q!r} not allowed; allowed: probabilities in [0, 1] (scalar or 1-D)")
    s = np.sort(np.moveaxis(np.asarray(x, dtype=float), axis, -1), axis=-1)  # NaN sort last
    n = (~np.isnan(s)).sum(axis=-1)
    out = []
    for qi in np.atleast_1d(qs):
        h = (n - 1) * qi
        lo = np.clip(np.floor(h).astype(np.intp), 0, None)
        hi = np.clip(np.minimum(lo + 1, n - 1), 0, None)
        a = np.take_along_axis(s, lo[..., None], axis=-1)[..., 0]
        b = np.take_along_axis(s, hi[..., None], axis=-1)[..., 0]
        t = h - lo
        # Same two-sided lerp as NumPy so results agree to the last bit in most cases.
        val = np.where(t >= 0.5, b - (b - a) * (1 - t), a + (b - a) * t)
        out.append(np.where(n > 0, val, np.nan))
    res = np.stack(out)
    return res if qs.ndim == 1 else res[0]


# --- per arm -----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ArmSummary:
    """Per-arm descriptive statistics, each of shape ``x.shape[:-1]``.

    Attributes
    ----------
    n : ndarray
        Patients with a value (complete cases).
    mean, sd : ndarray
        Mean and sample SD (``ddof=1``, as papers report).
    median, q1, q3 : ndarray
        Median and quartiles (type-7 interpolation; other packages may differ slightly for
        small n).
    """

    n: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    median: np.ndarray
    q1: np.ndarray
    q3: np.ndarray

    @property
    def iqr(self) -> np.ndarray:
        """Interquartile range ``q3 - q1``."""
        return self.q3 - self.q1

    def prediction_intervals(self, level: float = 0.95, axis: int = 0) -> dict[str, PredictionInterval]:
        """:func:`prediction_interval` of every field across replicate trials.

        Parameters
        ----------
        level : float
            Central level of the intervals, in (0, 1).
        axis : int
            Replicate axis of the fields.

        Returns
        -------
        dict of str to PredictionInterval
            One per field (``n``, ``mean``, ``sd``, ``median``, ``q1``, ``q3``).
        """
        return {f.name: prediction_interval(getattr(self, f.name), level, axis) for f in fields(self)}


def arm_summary(x) -> ArmSummary:
    """Mean, SD, median and quartiles of one arm over patients (last axis), NaN = dropped out.

    Parameters
    ----------
    x : array_like (..., P)
        Patient values, patient axis last, NaN = dropped out.

    Returns
    -------
    ArmSummary
        Fields of shape (...), in the units of ``x`` (``n`` a count).
    """
    x = patient_array("x", x)
    n, mean, var = complete_case_moments(x)
    q1, med, q3 = nan_quantile(x, [0.25, 0.5, 0.75])
    return ArmSummary(n=n, mean=mean, sd=np.sqrt(var), median=med, q1=q1, q3=q3)


def change_from_baseline(baseline, follow_up) -> np.ndarray:
    """Per-patient change ``follow_up - baseline`` (the trial data's sign convention).

    NaN in either gives NaN. Summarise with :func:`arm_summary` for the mean/median change.

    Parameters
    ----------
    baseline, follow_up : array_like (..., P)
        Patient values at baseline and follow-up, same units; shapes broadcast.

    Returns
    -------
    float64 ndarray (..., P)
        In the units of the scores.
    """
    return patient_array("follow_up", follow_up) - patient_array("baseline", baseline)


def percent_change_from_baseline(baseline, follow_up) -> np.ndarray:
    """Per-patient ``100 * (follow_up - baseline) / baseline`` [%]; NaN where baseline is 0.

    Parameters
    ----------
    baseline, follow_up : array_like (..., P)
        Patient values at baseline and follow-up, same units; shapes broadcast.

    Returns
    -------
    float64 ndarray (..., P)
        Percent.
    """
    b = patient_array("baseline", baseline)
    f = patient_array("follow_up", follow_up)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b != 0, 100.0 * (f - b) / b, np.nan)


# --- across replicate trials -------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class PredictionInterval:
    """Median and central ``level`` interval of a statistic across replicate virtual trials."""

    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float
    n_valid: np.ndarray  #: replicates with a finite statistic


def prediction_interval(statistic, level: float = 0.95, axis: int = 0) -> PredictionInterval:
    """Percentile prediction interval of a statistic over replicate trials.

    ``low``/``high`` are the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles (type 7) of the
    statistic along ``axis`` (the replicate axis), non-finite replicates ignored (``n_valid``
    counts the others): the range in which
    a new trial of the same design would report the statistic with probability ``level``
    under the model.

    Parameters
    ----------
    statistic : array_like (R, ...)
        The statistic of every replicate trial (replicate axis ``axis``).
    level : float
        Central level, in (0, 1).
    axis : int
        Replicate axis.

    Returns
    -------
    PredictionInterval
        ``median``, ``low``, ``high``, ``n_valid`` of the shape without ``axis``, in the units of
        the statistic.
    """
    level = checked_level(level)
    x = np.asarray(statistic, dtype=float)
    if x.ndim == 0:
        raise StatisticsError("statistic: expected an array with a replicate axis, got a scalar")
    x = np.where(np.isinf(x), np.nan, x)
    lo, med, hi = nan_quantile(x, [(1 - level) / 2, 0.5, (1 + level) / 2], axis=axis)
    return PredictionInterval(med, lo, hi, level, (~np.isnan(x)).sum(axis=axis))
