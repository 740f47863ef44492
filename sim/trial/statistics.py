"""Trial statistics as papers report them, vectorised over replicate virtual trials.

Conventions
-----------
* Patient-level arrays have the patient axis **last**: ``[replicate, patient]`` (or any leading
  shape, or just ``[patient]`` for one trial). Statistics drop that axis, so a ``[R, P]`` input
  gives ``[R]`` outputs. Two arms may have different numbers of patients; their leading
  shapes must broadcast.
* ``NaN`` marks a patient without a value (dropped out). Every statistic is complete-case:
  NaN patients are ignored, and a statistic with too few patients is NaN (never a warning).
  Infinite values are rejected.
* Between-arm statistics are "arm ``a`` minus arm ``b``" (``b`` is the comparator), matching
  ``mean_difference_vs_control`` in the trial data.
* Everything is plain NumPy/SciPy, deterministic and independent of thread count.

References
----------
Welch BL. Biometrika 1947;34:28-35 (unequal-variance t test and df).
Hedges LV. J Educ Stat 1981;6:107-128 (small-sample correction of the SMD).
Borenstein M et al. Introduction to Meta-Analysis, Wiley 2009, ch. 4 (variance of g).
Mann HB, Whitney DR. Ann Math Stat 1947;18:50-60 (U test; tie correction as in scipy.stats).
Pham T et al. Osteoarthritis Cartilage 2004;12:389-399 (OMERACT-OARSI responder criteria).
Hyndman RJ, Fan Y. Am Stat 1996;50:361-365 (quantile definition 7, NumPy's default "linear").
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy import special, stats

__all__ = [
    "StatisticsError",
    "ArmSummary",
    "MeanDifference",
    "StandardizedMeanDifference",
    "TestResult",
    "ArmComparison",
    "PredictionInterval",
    "nan_quantile",
    "arm_summary",
    "change_from_baseline",
    "percent_change_from_baseline",
    "mean_difference",
    "hedges_g",
    "welch_t_test",
    "mann_whitney_u_test",
    "compare_arms",
    "omeract_oarsi_responder",
    "mcid_responder",
    "responder_rate",
    "prediction_interval",
]


class StatisticsError(ValueError):
    """Invalid input to a trial statistic (names the argument and what is allowed)."""


def _patients(name: str, x) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        raise StatisticsError(f"{name}: expected an array with a patient axis (last), got a scalar")
    if np.isinf(arr).any():
        raise StatisticsError(f"{name}: infinite values are not allowed; allowed: finite numbers, NaN = dropped out")
    return arr


def _level(level: float) -> float:
    if not 0 < level < 1:
        raise StatisticsError(f"level: {level!r} not allowed; allowed: 0 < level < 1 (e.g. 0.95)")
    return float(level)


def _moments(x: np.ndarray):
    """Complete-case n, mean and sample variance (ddof=1) along the last axis, warning-free."""
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
        """:func:`prediction_interval` of every field across replicate trials."""
        return {f.name: prediction_interval(getattr(self, f.name), level, axis) for f in fields(self)}


def arm_summary(x) -> ArmSummary:
    """Mean, SD, median and quartiles of one arm over patients (last axis), NaN = dropped out."""
    x = _patients("x", x)
    n, mean, var = _moments(x)
    q1, med, q3 = nan_quantile(x, [0.25, 0.5, 0.75])
    return ArmSummary(n=n, mean=mean, sd=np.sqrt(var), median=med, q1=q1, q3=q3)


def change_from_baseline(baseline, follow_up) -> np.ndarray:
    """Per-patient change ``follow_up - baseline`` (the trial data's sign convention).

    NaN in either gives NaN. Summarise with :func:`arm_summary` for the mean/median change.
    """
    return _patients("follow_up", follow_up) - _patients("baseline", baseline)


def percent_change_from_baseline(baseline, follow_up) -> np.ndarray:
    """Per-patient ``100 * (follow_up - baseline) / baseline`` [%]; NaN where baseline is 0."""
    b = _patients("baseline", baseline)
    f = _patients("follow_up", follow_up)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b != 0, 100.0 * (f - b) / b, np.nan)


# --- between arms ------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MeanDifference:
    """Welch mean difference ``mean(a) - mean(b)`` with its ``level`` confidence interval."""

    estimate: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    se: np.ndarray
    df: np.ndarray  #: Welch-Satterthwaite degrees of freedom
    level: float


@dataclass(frozen=True, eq=False)
class StandardizedMeanDifference:
    """Hedges' g (``a`` minus ``b``) with its approximate standard error and normal CI."""

    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float


@dataclass(frozen=True, eq=False)
class TestResult:
    """A test statistic and its two-sided p-value."""

    statistic: np.ndarray
    pvalue: np.ndarray


def _two(a, b):
    a = _patients("a", a)
    b = _patients("b", b)
    try:
        np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
    except ValueError:
        raise StatisticsError(f"a and b: leading (replicate) shapes {a.shape[:-1]} and {b.shape[:-1]} "
                              "do not broadcast; allowed: equal or broadcastable, patient axis last") from None
    return a, b


def _welch(a, b):
    na, ma, va = _moments(a)
    nb, mb, vb = _moments(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        wa, wb = va / na, vb / nb
        se = np.sqrt(wa + wb)
        df = (wa + wb) ** 2 / (wa**2 / (na - 1) + wb**2 / (nb - 1))
    return ma - mb, se, df


def mean_difference(a, b, level: float = 0.95) -> MeanDifference:
    """Between-arm mean difference with a Welch (unequal-variance) confidence interval.

    Parameters
    ----------
    a, b : array_like, shape ``[..., patient]``
        Arm values (or per-patient changes from baseline); NaN = dropped out.
    level : float
        Confidence level.

    Returns
    -------
    MeanDifference
        ``estimate +/- t_{(1+level)/2, df} * se`` with ``se = sqrt(sa^2/na + sb^2/nb)`` and
        Welch-Satterthwaite ``df`` (Welch 1947). NaN where an arm has fewer than 2 patients.
    """
    a, b = _two(a, b)
    level = _level(level)
    est, se, df = _welch(a, b)
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return MeanDifference(est, est - half, est + half, se, df, level)


def hedges_g(a, b, level: float = 0.95) -> StandardizedMeanDifference:
    """Standardised mean difference, Hedges' g, with the exact small-sample correction.

    ``d = (mean_a - mean_b) / s_pooled`` with ``s_pooled^2 = ((na-1) sa^2 + (nb-1) sb^2) / (na+nb-2)``;
    ``g = J d`` with the exact factor ``J = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))``, ``m = na+nb-2``
    (Hedges 1981; the common approximation ``1 - 3/(4m - 1)`` differs by < 1e-3 for m >= 10).
    ``se = J * sqrt((na+nb)/(na nb) + d^2 / (2 (na+nb)))`` (Borenstein 2009, eq. 4.20-4.24) and the
    interval is ``g +/- z se``.
    """
    a, b = _two(a, b)
    level = _level(level)
    na, ma, va = _moments(a)
    nb, mb, vb = _moments(b)
    m = na + nb - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        sp = np.sqrt(((na - 1) * va + (nb - 1) * vb) / m)
        d = (ma - mb) / sp
        j = np.exp(special.gammaln(m / 2) - 0.5 * np.log(m / 2) - special.gammaln((m - 1) / 2))
        se = j * np.sqrt((na + nb) / (na * nb) + d**2 / (2 * (na + nb)))
    g = j * d
    z = stats.norm.ppf(0.5 + level / 2)
    return StandardizedMeanDifference(g, se, g - z * se, g + z * se, level)


def welch_t_test(a, b) -> TestResult:
    """Welch's two-sided t test; same result as ``scipy.stats.ttest_ind(a, b, axis=-1,
    equal_var=False, nan_policy="omit")`` but vectorised over rows with different dropouts.
    """
    a, b = _two(a, b)
    est, se, df = _welch(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = est / se
    return TestResult(t, 2.0 * stats.t.sf(np.abs(t), df))


def _tie_term(s: np.ndarray) -> np.ndarray:
    """Sum of (t^3 - t) over groups of tied values per row of the row-sorted array ``s``."""
    valid = ~np.isnan(s)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    gid = np.cumsum(new, axis=-1) - 1
    rows = np.arange(int(np.prod(s.shape[:-1])))[:, None] * s.shape[-1]
    counts = np.bincount((rows + gid.reshape(rows.shape[0], -1)).ravel(),
                         weights=valid.reshape(rows.shape[0], -1).ravel(),
                         minlength=rows.shape[0] * s.shape[-1]).reshape(rows.shape[0], -1)
    return (counts**3 - counts).sum(axis=-1).reshape(s.shape[:-1])


def mann_whitney_u_test(a, b, method: str = "asymptotic") -> TestResult:
    """Mann-Whitney U test (two-sided); ``statistic`` is U of ``a``.

    Parameters
    ----------
    a, b : array_like, shape ``[..., patient]``
    method : {"asymptotic", "auto", "exact"}
        ``asymptotic``: normal approximation with tie and continuity corrections, vectorised
        here; identical to ``scipy.stats.mannwhitneyu(..., method="asymptotic",
        nan_policy="omit")``. ``auto``/``exact`` call ``scipy.stats.mannwhitneyu`` with
        ``axis=-1`` and ``nan_policy="omit"`` (slower with NaN; exact p for small arms).
    """
    a, b = _two(a, b)
    if method in ("auto", "exact"):
        shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
        res = stats.mannwhitneyu(np.broadcast_to(a, shape + a.shape[-1:]), np.broadcast_to(b, shape + b.shape[-1:]),
                                 axis=-1, method=method, nan_policy="omit")
        return TestResult(np.asarray(res.statistic, float), np.asarray(res.pvalue, float))
    if method != "asymptotic":
        raise StatisticsError(f"method: {method!r} not allowed; allowed: asymptotic, auto, exact")
    shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
    a = np.broadcast_to(a, shape + a.shape[-1:])
    b = np.broadcast_to(b, shape + b.shape[-1:])
    xy = np.concatenate([a, b], axis=-1)
    n1 = (~np.isnan(a)).sum(axis=-1).astype(float)
    n2 = (~np.isnan(b)).sum(axis=-1).astype(float)
    ranks = stats.rankdata(xy, axis=-1, nan_policy="omit")
    r1 = np.where(np.isnan(a), 0.0, ranks[..., : a.shape[-1]]).sum(axis=-1)
    u1 = r1 - n1 * (n1 + 1) / 2
    u = np.maximum(u1, n1 * n2 - u1)
    n = n1 + n2
    tie = _tie_term(np.sort(xy, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie / (n * (n - 1))))
        z = (u - n1 * n2 / 2 - 0.5) / sd
    p = np.clip(2.0 * special.ndtr(-z), 0.0, 1.0)
    bad = (n1 == 0) | (n2 == 0)
    return TestResult(np.where(bad, np.nan, u1), np.where(bad, np.nan, p))


@dataclass(frozen=True, eq=False)
class ArmComparison:
    """Everything a paper reports when comparing arm ``a`` with comparator ``b``."""

    mean_difference: MeanDifference
    smd: StandardizedMeanDifference
    welch: TestResult
    mann_whitney: TestResult


def compare_arms(a, b, level: float = 0.95) -> ArmComparison:
    """Mean difference (Welch CI), Hedges' g, Welch t test and Mann-Whitney U test of ``a`` vs ``b``.

    Parameters
    ----------
    a, b : float64[..., n_a] and float64[..., n_b]
        Patients on the last axis (NaN = missing); leading axes (e.g. replicate trials) broadcast.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    ArmComparison
        Each field of shape ``a.shape[:-1]``, differences in the unit of ``a``.
    """
    return ArmComparison(mean_difference(a, b, level), hedges_g(a, b, level), welch_t_test(a, b),
                         mann_whitney_u_test(a, b))


# --- responders ----------------------------------------------------------------------------------

def _improvement(baseline, follow_up, scale, higher_is_better):
    """Absolute improvement (on 0-100 units) and relative improvement (fraction of room)."""
    lo, hi = scale
    b, f = baseline, follow_up
    absolute = (f - b) if higher_is_better else (b - f)
    room = (hi - b) if higher_is_better else (b - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(room > 0, absolute / room, 0.0)
    return absolute * 100.0 / (hi - lo), rel


def omeract_oarsi_responder(pain_baseline, pain_follow_up, function_baseline, function_follow_up,
                            global_baseline=None, global_follow_up=None, *, scale=(0.0, 100.0),
                            higher_is_better: bool = False) -> np.ndarray:
    """OMERACT-OARSI responder status per patient (Pham et al. 2004, set of criteria "D").

    A patient responds if

    1. pain **or** function improves by >= 50% **and** >= 20 points on a 0-100 scale; or
    2. at least two of pain, function and patient's global assessment improve by >= 20% **and**
       >= 10 points.

    Parameters
    ----------
    pain_baseline, pain_follow_up, function_baseline, function_follow_up : array_like
        Same shape ``[..., patient]``; NaN = not evaluable.
    global_baseline, global_follow_up : array_like, optional
        Patient's global assessment. Without it, criterion 2 needs both pain and function.
    scale : (float, float)
        Range of all three instruments; the 20- and 10-point thresholds are scaled from 0-100
        (e.g. 2 and 1 on a 0-10 VAS). Percent improvement is relative to the distance from the
        best end of the scale (the baseline itself when the best end is 0).
    higher_is_better : bool
        False for WOMAC/VAS (higher = worse), True for KOOS-like instruments.

    Returns
    -------
    ndarray
        1.0 responder, 0.0 non-responder, NaN where any needed input is NaN.
    """
    lo, hi = (float(v) for v in scale)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise StatisticsError(f"scale: {scale!r} not allowed; allowed: (min, max) finite with min < max")
    if (global_baseline is None) != (global_follow_up is None):
        raise StatisticsError("global_baseline and global_follow_up: give both or neither")
    names = ["pain_baseline", "pain_follow_up", "function_baseline", "function_follow_up"]
    arrays = [pain_baseline, pain_follow_up, function_baseline, function_follow_up]
    if global_baseline is not None:
        names += ["global_baseline", "global_follow_up"]
        arrays += [global_baseline, global_follow_up]
    arrays = [_patients(nm, x) for nm, x in zip(names, arrays)]
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise StatisticsError(f"{', '.join(names)}: shapes do not broadcast") from None
    domains = [_improvement(arrays[i], arrays[i + 1], (lo, hi), higher_is_better) for i in range(0, len(arrays), 2)]
    (pa, pr), (fa, fr) = domains[:2]
    high = ((pa >= 20) & (pr >= 0.5)) | ((fa >= 20) & (fr >= 0.5))
    moderate = sum(((ab >= 10) & (rel >= 0.2)).astype(int) for ab, rel in domains)
    resp = (high | (moderate >= 2)).astype(float)
    missing = np.zeros(resp.shape, dtype=bool)
    for x in arrays:
        missing |= np.isnan(x)
    return np.where(missing, np.nan, resp)


def mcid_responder(baseline, follow_up, threshold: float, *, higher_is_better: bool) -> np.ndarray:
    """Responder status by a minimal clinically important difference.

    A patient responds if the improvement (``follow_up - baseline`` if ``higher_is_better``, else
    ``baseline - follow_up``) is at least ``threshold`` (same units as the scores, >= 0).

    Returns
    -------
    ndarray
        1.0 / 0.0 per patient, NaN where either value is NaN.
    """
    if not (np.isfinite(threshold) and threshold >= 0):
        raise StatisticsError(f"threshold: {threshold!r} not allowed; allowed: a finite number >= 0 "
                              "(direction is set by higher_is_better)")
    change = change_from_baseline(baseline, follow_up)
    improvement = change if higher_is_better else -change
    return np.where(np.isnan(change), np.nan, (improvement >= threshold).astype(float))


def responder_rate(responders, *, dropouts: str = "exclude") -> np.ndarray:
    """Fraction of responders per trial (last axis), in [0, 1] (multiply by 100 for percent rows).

    ``dropouts="exclude"``: complete-case (NaN patients ignored); ``"nonresponder"``:
    non-responder imputation (NaN counted as 0, the intention-to-treat convention of many trials).
    """
    r = _patients("responders", responders)
    if dropouts == "exclude":
        return _moments(r)[1]
    if dropouts == "nonresponder":
        return np.nan_to_num(r, nan=0.0).mean(axis=-1)
    raise StatisticsError(f"dropouts: {dropouts!r} not allowed; allowed: exclude, nonresponder")


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
    """
    level = _level(level)
    x = np.asarray(statistic, dtype=float)
    if x.ndim == 0:
        raise StatisticsError("statistic: expected an array with a replicate axis, got a scalar")
    x = np.where(np.isinf(x), np.nan, x)
    lo, med, hi = nan_quantile(x, [(1 - level) / 2, 0.5, (1 + level) / 2], axis=axis)
    return PredictionInterval(med, lo, hi, level, (~np.isnan(x)).sum(axis=axis))
