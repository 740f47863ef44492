"""Trial statistics between two arms: mean difference, Hedges' g, Welch t and Mann-Whitney U tests.

Arm ``a`` minus arm ``b`` (the comparator), patient axis last. Conventions in
:mod:`sim.trial.statistics`, which re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from sim.trial.arm_statistics import StatisticsError, checked_level, complete_case_moments, patient_array

__all__ = ["MeanDifference", "StandardizedMeanDifference", "TestResult", "ArmComparison", "mean_difference",
           "hedges_g", "welch_t_test", "mann_whitney_u_test", "compare_arms"]


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
    a = patient_array("a", a)
    b = patient_array("b", b)
    try:
        np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
    except ValueError:
        raise StatisticsError(f"a and b: leading (replicate) shapes {a.shape[:-1]} and {b.shape[:-1]} "
                              "do not broadcast; allowed: equal or broadcastable, patient axis last") from None
    return a, b


def _welch(a, b):
    na, ma, va = complete_case_moments(a)
    nb, mb, vb = complete_case_moments(b)
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
    level = checked_level(level)
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

    Parameters
    ----------
    a, b : array_like (..., Pa), (..., Pb)
        Patient values of arm ``a`` and comparator arm ``b`` (patient axis last, NaN = dropped
        out); leading shapes broadcast.
    level : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    StandardizedMeanDifference
        ``g``, ``se``, ``low``, ``high`` of the broadcast leading shape (dimensionless), and
        ``level``.
    """
    a, b = _two(a, b)
    level = checked_level(level)
    na, ma, va = complete_case_moments(a)
    nb, mb, vb = complete_case_moments(b)
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

    Parameters
    ----------
    a, b : array_like (..., Pa), (..., Pb)
        Patient values of the two arms (patient axis last, NaN = dropped out).

    Returns
    -------
    TestResult
        ``statistic`` (t) and two-sided ``p_value`` of the broadcast leading shape; NaN where an
        arm has fewer than 2 patients.
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
