"""Scores of leave-one-study-out predictions: calibration, sharpness and skill against naive references.

Pure functions of reported rows (:class:`ScoredRow`) and their joint posterior-predictive samples
(float64[S, n], one column per row, on the row's reported scale); nothing is simulated or written.

Documented choices
------------------
* Classes: ``contrast`` (``mean_difference_vs_control``), ``baseline`` (day 0), else ``change``:
  ``observed - anchor`` for an anchored follow-up level, the reported value for statistics that
  are already changes (sign convention as reported: ``baseline_minus_followup`` and
  ``median_pct_improvement`` are positive for improvement). A follow-up level without an anchor
  is refused. Values, samples and SEs are divided by ``span`` (scores are fractions of the range).
* Within-study contrasts: a study's control arm is the ``vs_arm_id`` of its first explicit
  contrast, else its first ``saline`` arm. A change of another arm is paired with the control's
  first change of the same measure, statistic, day and span; a pair that an explicit contrast of
  the same arm, control, measure and day already reports is not derived again (no double count).
* Studies: outcome rows cluster by ``study``, pooled rows by ``"pooled:<study>"`` (references and
  bootstrap). Windows (:data:`WINDOWS`, days, right-closed) separate the 1/3/6/12/24-month visits.
* References: a normal predictive per change/contrast row from OTHER studies' rows of the same
  class (baselines get none; a row without a usable pool, or with SD 0, gets none and is left out
  of that reference's scores and skill):

  - ``no_change``: mean 0; SD the root mean square of the pool's normalised observed values in
    the row's window (all windows if the window has fewer than :data:`MIN_POOL` rows).
  - ``loso_mean``: mean and SD (ddof=1) of the same pool.
  - ``meta``: DerSimonian-Laird random-effects mean of normalised values with normalised SEs
    (rows counted as independent estimates), the most specific group first: changes by (arm
    type, window), window, all windows; contrasts by (arm type, control arm type, window), (arm
    type, window), window, all windows. A group needs :data:`MIN_POOL` rows from two or more
    studies. SD = sqrt(tau^2 + se_pooled^2 + se_row^2); SEs below :data:`MIN_SE_FRACTION` are
    raised to it in the weights.
* Model: intervals are sample quantiles, IS ``scoringrules.interval_score`` (alpha 0.05), CRPS
  ``scoringrules.crps_ensemble``, PIT the share of samples below the observation (ties count
  half). References: normal quantiles, ``scoringrules.crps_normal``, MAE of the mean.
* Skill = 1 - mean model score / mean reference score over the rows the reference covers; 95% CI
  by percentile cluster bootstrap over studies (same resamples for every metric for one seed).
* Sign agreement: one vote per (study, arm, control), cast by that pair's contrast with the
  largest |observed / SE| above 1.96: does the predictive median have the observed sign?
  CI: Clopper-Pearson (``scipy.stats.binomtest``).
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
import scoringrules as sr
from scipy import stats

__all__ = ["ScoredRow", "Scores", "Skill", "SignAgreement", "ClassScores", "LosoReport", "ARM_TYPES", "WINDOWS",
           "REFERENCES", "row_class", "normalised", "within_study_contrasts", "score_samples", "score_normal",
           "no_change_reference", "loso_mean_reference", "meta_reference", "skill", "sign_agreement",
           "coverage_curve", "score_loso"]

ARM_TYPES = ("saline", "ha", "prp", "msc", "steroid", "surgery", "other")
SOURCES = ("outcomes", "pooled")
CONTRAST = "mean_difference_vs_control"
LEVEL_STATISTICS = ("mean", "median")
CHANGE_STATISTICS = ("mean_change_from_baseline", "median_change_from_baseline", "mean_pct_change_from_baseline",
                     "median_pct_improvement", "responder_pct", "baseline_minus_followup")
STATISTICS = LEVEL_STATISTICS + CHANGE_STATISTICS + (CONTRAST,)
WINDOWS = ((0.0, 42.0), (42.0, 120.0), (120.0, 270.0), (270.0, 540.0), (540.0, math.inf))
LEVELS = (0.5, 0.8, 0.95)  #: central interval levels reported as coverage
NOMINAL = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)  #: levels of the coverage curve
ALPHA = 0.05  #: interval score of the central 95% interval
MIN_POOL = 3  #: fewest rows of a reference pool before falling back to a wider one
MIN_SE_FRACTION = 1e-3  #: least SE / span in meta-analytic weights (a reported SE of 0 is not exact)
REFERENCES = ("no_change", "loso_mean", "meta")
METRICS = ("interval_score", "crps", "mae")
BACKEND = "numpy"  #: scoringrules backend (no JIT warm-up for a few hundred rows)


@dataclass(frozen=True)
class ScoredRow:
    """One reported number of a left-out study (see :class:`sim.calibration.targets.Target`).

    ``day`` [day] > 0 for changes, 0 for baseline levels; ``span`` the scale range (100 for
    percent statistics); ``observed`` and ``se`` on the row's scale; ``anchor`` the reported
    baseline of a follow-up ``mean``/``median``, else None; ``arm_type`` one of :data:`ARM_TYPES`;
    ``source`` ``"outcomes"`` or ``"pooled"``.
    """

    key: str
    study: str
    arm_id: str
    vs_arm_id: str | None
    measure: str
    statistic: str
    day: float
    span: float
    observed: float
    se: float
    anchor: float | None
    arm_type: str
    source: str

    def __post_init__(self):
        def bad(name, value, allowed):
            raise ValueError(f"ScoredRow {self.key!r}: {name} {value!r}; allowed: {allowed}")

        for name, allowed in (("arm_type", ARM_TYPES), ("source", SOURCES), ("statistic", STATISTICS)):
            if getattr(self, name) not in allowed:
                bad(name, getattr(self, name), ", ".join(allowed))
        for name, ok, rule in (("observed", -math.inf, ""), ("se", 0.0, " >= 0"), ("span", 0.0, " > 0"),
                               ("day", 0.0, " >= 0")):
            v = getattr(self, name)
            if not (isinstance(v, numbers.Real) and math.isfinite(v) and v >= ok and (name != "span" or v > 0)):
                bad(name, v, "a finite number" + rule)
        if self.anchor is not None and not (isinstance(self.anchor, numbers.Real) and math.isfinite(self.anchor)):
            bad("anchor", self.anchor, "None or a finite number")
        if self.statistic == CONTRAST and not self.vs_arm_id:
            bad("vs_arm_id", self.vs_arm_id, f"the control arm of a {CONTRAST} row")
        if self.statistic in LEVEL_STATISTICS and self.day > 0 and self.anchor is None:
            bad("anchor", None, f"the reported baseline of a follow-up {self.statistic} (day {self.day:g}); "
                                "leave out follow-up levels without one")

    @property
    def cluster(self) -> str:
        return self.study if self.source == "outcomes" else f"pooled:{self.study}"


def row_class(row: ScoredRow) -> str:
    """``"contrast"``, ``"baseline"`` (day 0), ``"rate"`` (responder percentages) or ``"change"``.

    Responder rates are scored but given no naive reference: "no change" would predict 0%
    responders, which no trial with visit-to-visit fluctuation shows, so its skill would flatter.
    """
    if row.statistic == CONTRAST:
        return "contrast"
    if row.day == 0:
        return "baseline"
    return "rate" if row.statistic == "responder_pct" else "change"


def _check(rows, samples=None):
    rows = list(rows)
    if not rows or not all(isinstance(r, ScoredRow) for r in rows):
        raise ValueError("rows: need a non-empty sequence; allowed: ScoredRow items only")
    dup = [k for k, n in Counter(r.key for r in rows).items() if n > 1]
    if dup:
        raise ValueError(f"rows: key {dup[0]!r} appears twice; allowed: one row per key")
    if samples is None:
        return rows, None
    s = np.asarray(samples, dtype=np.float64)
    if s.ndim != 2 or s.shape[1] != len(rows) or s.shape[0] < 2:
        raise ValueError(f"samples: shape {s.shape}; allowed: (S >= 2, {len(rows)}) (draws x rows)")
    if not np.all(np.isfinite(s)):
        col = int(np.where(~np.all(np.isfinite(s), axis=0))[0][0])
        raise ValueError(f"samples: non-finite draws in column {col} ({rows[col].key!r}); allowed: finite "
                         "values only (drop failed draws first)")
    return rows, s


def normalised(rows, samples=None):
    """Observed values, SEs and samples as classed values divided by ``span``.

    Returns ``(y float64[n], se float64[n], ys float64[S, n] or None)``: changes for change rows,
    levels for baseline rows, differences for contrasts; fractions of the scale range.
    """
    rows, s = _check(rows, samples)
    span = np.array([r.span for r in rows])
    v, vs = _row_values(rows, s)
    return v / span, np.array([r.se for r in rows]) / span, None if vs is None else vs / span


def _row_values(rows, s):
    """Classed values on the row scale: observed float64[n] and samples float64[S, n] (or None)."""
    shift = np.array([r.anchor if (r.anchor is not None and row_class(r) == "change") else 0.0 for r in rows])
    return np.array([r.observed for r in rows]) - shift, None if s is None else s - shift


def within_study_contrasts(rows, samples):
    """Between-arm contrasts of changes within each study, from joint predictive samples.

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
    samples : float64[S, n]
        Joint predictive draws of the rows (row scale): terms shared by the arms of a study cancel.

    Returns
    -------
    contrast_rows : list of ScoredRow, length m
        Explicit contrast rows unchanged, then derived ones (``vs_arm_id`` the control, ``anchor``
        None, ``observed`` = change of arm - change of control, ``se`` = sqrt(se_a^2 + se_c^2)).
    contrast_samples : float64[S, m]
        Draws of the contrasts on the row scale.
    """
    rows, s = _check(rows, samples)
    change, change_s = _row_values(rows, s)
    out, cols, by_study = [], [], {}
    for i, r in enumerate(rows):
        by_study.setdefault(r.cluster, []).append(i)
    for idx in by_study.values():
        explicit = [i for i in idx if row_class(rows[i]) == "contrast"]
        out += [rows[i] for i in explicit]
        cols += [s[:, i] for i in explicit]
        saline = [rows[i].arm_id for i in idx if rows[i].arm_type == "saline"]
        control = rows[explicit[0]].vs_arm_id if explicit else (saline[0] if saline else None)
        reported = {(rows[i].arm_id, rows[i].vs_arm_id, rows[i].measure, rows[i].day) for i in explicit}
        ctrl: dict[tuple, int] = {}
        for i in reversed(idx):  # the first of duplicates wins
            if rows[i].arm_id == control and row_class(rows[i]) == "change":
                ctrl[(rows[i].measure, rows[i].statistic, rows[i].day, rows[i].span)] = i
        for i in idx:
            a = rows[i]
            j = ctrl.get((a.measure, a.statistic, a.day, a.span))
            if a.arm_id == control or row_class(a) != "change" or j is None \
                    or (a.arm_id, control, a.measure, a.day) in reported:
                continue
            c = rows[j]
            out.append(replace(a, key=f"{a.key} - {c.key}", vs_arm_id=control, statistic=CONTRAST, anchor=None,
                               observed=float(change[i] - change[j]), se=math.hypot(a.se, c.se)))
            cols.append(change_s[:, i] - change_s[:, j])
    return out, (np.stack(cols, axis=1) if cols else np.empty((s.shape[0], 0)))


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
        """Share of observations inside the central interval at ``level`` (:data:`LEVELS`)."""
        return float(np.mean(self.inside[level])) if self.median.size else math.nan

    @property
    def width95(self) -> float:
        """Median width of the central 95% intervals."""
        return float(np.median(self.upper[0.95] - self.lower[0.95])) if self.median.size else math.nan

    def mean(self, metric: str) -> float:
        """Mean of a per-row score: ``"interval_score"``, ``"crps"`` or ``"mae"``."""
        v = getattr(self, f"{metric}_rows")
        return float(np.mean(v)) if v.size else math.nan


def _scores(y, lower, upper, median, crps, pit) -> Scores:
    inside = {p: (y >= lower[p]) & (y <= upper[p]) for p in lower}
    isc = sr.interval_score(y, lower[0.95], upper[0.95], ALPHA, backend=BACKEND) if y.size else np.empty(0)
    return Scores(lower, upper, median, np.asarray(isc, float), np.asarray(crps, float), np.abs(median - y), pit,
                  inside)


def score_samples(observed, samples) -> Scores:
    """Scores of predictive samples ``float64[S, n]`` against observations ``float64[n]`` (same units)."""
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
    """Scores of normal predictives ``N(mean, sd^2)`` (float64[n] each) against observations."""
    y, m, sd = (np.asarray(v, float) for v in (observed, mean, sd))
    z = {p: stats.norm.ppf((1 + p) / 2) for p in LEVELS}
    crps = sr.crps_normal(y, m, sd, backend=BACKEND) if y.size else np.empty(0)
    return _scores(y, {p: m - z[p] * sd for p in LEVELS}, {p: m + z[p] * sd for p in LEVELS}, m, crps,
                   stats.norm.cdf(y, m, sd))


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
    """Mean 0, SD = RMS of other studies' normalised values (class, window). Two float64[n] (NaN: none)."""
    return _pooled_reference(rows, centred=False)


def loso_mean_reference(rows):
    """Mean and SD (ddof=1) of other studies' normalised values (class, window). Two float64[n]."""
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


@dataclass(frozen=True)
class Skill:
    """1 - score(model) / score(reference) with its cluster-bootstrap 95% CI (NaN if undefined)."""

    value: float
    low: float
    high: float


def skill(model_rows, reference_rows, clusters, *, n_boot: int = 1000, seed: int = 0) -> Skill:
    """Skill of per-row scores ``float64[n]`` (lower is better) with a bootstrap over ``clusters``.

    Rows with a NaN reference score are left out. Studies are resampled with replacement
    (``numpy.random.default_rng(seed)``), so the CI is deterministic for a seed.
    """
    m, r, c = np.asarray(model_rows, float), np.asarray(reference_rows, float), np.asarray(clusters)
    if not (m.shape == r.shape == c.shape):
        raise ValueError(f"model_rows, reference_rows, clusters: shapes {m.shape}, {r.shape}, {c.shape}; "
                         "allowed: one value per row each")
    if n_boot < 1:
        raise ValueError(f"n_boot: {n_boot}; allowed: an integer >= 1")
    ok = np.isfinite(r) & np.isfinite(m)
    if not ok.any() or r[ok].sum() <= 0:
        return Skill(math.nan, math.nan, math.nan)
    names, inv = np.unique(c[ok], return_inverse=True)
    sm, sr_ = np.bincount(inv, m[ok], names.size), np.bincount(inv, r[ok], names.size)
    pick = np.random.default_rng(seed).integers(0, names.size, size=(n_boot, names.size))
    w = np.stack([np.bincount(p, minlength=names.size) for p in pick])
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = 1.0 - (w @ sm) / (w @ sr_)
    lo, hi = np.nanpercentile(boot, [2.5, 97.5])
    return Skill(float(1.0 - sm.sum() / sr_.sum()), float(lo), float(hi))


@dataclass(frozen=True)
class SignAgreement:
    """Share of (study, arm, control) votes whose predicted sign matches, with a 95% binomial CI."""

    agreement: float
    votes: int
    low: float
    high: float


def sign_agreement(rows, samples) -> SignAgreement:
    """One vote per (study, arm, control) from its contrast with the largest significant |z|.

    ``rows``: contrast rows (others are ignored); ``samples``: float64[S, n] their predictive draws.
    """
    rows, none = list(rows), SignAgreement(math.nan, 0, math.nan, math.nan)
    if not rows:
        return none
    rows, s = _check(rows, samples)
    med, best = np.median(s, axis=0), {}
    for i, r in enumerate(rows):
        z = abs(r.observed) / r.se if r.se > 0 else math.inf
        if row_class(r) != "contrast" or r.observed == 0 or z <= 1.96:
            continue
        pair = (r.cluster, r.arm_id, r.vs_arm_id)
        if pair not in best or z > best[pair][0]:
            best[pair] = (z, bool(np.sign(med[i]) == np.sign(r.observed)))
    k, n = sum(v[1] for v in best.values()), len(best)
    if n == 0:
        return none
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95)
    return SignAgreement(k / n, n, float(ci.low), float(ci.high))


def coverage_curve(observed, samples, nominal=NOMINAL):
    """Empirical coverage float64[K] of central sample intervals at ``nominal`` levels float64[K]."""
    y, s, nominal = np.asarray(observed, float), np.asarray(samples, float), np.asarray(nominal, float)
    if not y.size:
        return np.full(nominal.size, np.nan)
    st = np.sort(s.T, axis=1)
    lo, hi = _quantiles(st, (1 - nominal) / 2), _quantiles(st, (1 + nominal) / 2)
    return np.mean((y >= lo) & (y <= hi), axis=1)


@dataclass(frozen=True, eq=False)
class ClassScores:
    """Scores of one row class (``baseline``, ``change``, ``contrast`` or ``change+contrast``).

    ``observed`` float64[n] normalised; ``model`` the predictive's scores; ``references`` and
    ``skills`` by reference name (:data:`REFERENCES`; empty for baselines), skills by metric
    (:data:`METRICS`); ``coverage`` float64[len(NOMINAL)] the coverage curve.
    """

    name: str
    rows: tuple
    observed: np.ndarray
    model: Scores
    references: dict
    skills: dict
    sign: SignAgreement | None
    coverage: np.ndarray

    @property
    def studies(self) -> int:
        return len({r.cluster for r in self.rows})


def _class_scores(name, rows, y, ys, refs, n_boot, seed, sign=None) -> ClassScores:
    model = score_samples(y, ys)
    clusters = np.array([r.cluster for r in rows], dtype=object)
    references, skills = {}, {}
    for ref, (mean, sd) in refs.items():
        ok = np.isfinite(mean) & np.isfinite(sd) & (sd > 0)
        sc = score_normal(y[ok], mean[ok], sd[ok])
        references[ref] = sc
        skills[ref] = {m: skill(getattr(model, f"{m}_rows")[ok], getattr(sc, f"{m}_rows"), clusters[ok],
                                n_boot=n_boot, seed=seed) for m in METRICS}
    return ClassScores(name, tuple(rows), y, model, references, skills, sign, coverage_curve(y, ys))


@dataclass(frozen=True, eq=False)
class LosoReport:
    """Scores of leave-one-study-out predictions by class (see :func:`score_loso`)."""

    classes: dict

    def summary_line_loso(self, studies, rows) -> str:
        """One line of headline numbers; ``studies``/``rows``: counts (or sequences to count)."""
        both, ch, co = (self.classes[k] for k in ("change+contrast", "change", "contrast"))
        sk = {r: both.skills.get(r, {}).get("interval_score", Skill(math.nan, 0, 0)).value for r in REFERENCES}
        sign = co.sign.agreement if co.sign else math.nan
        n_s, n_r = (v if isinstance(v, (int, np.integer)) else len(v) for v in (studies, rows))
        return (f"interval_score={both.model.mean('interval_score'):.3f} skill_vs_no_change={sk['no_change']:.3f} "
                f"skill_vs_loso_mean={sk['loso_mean']:.3f} skill_vs_meta={sk['meta']:.3f} "
                f"coverage95={both.model.coverage(0.95):.3f} width95_changes={ch.model.width95:.3f} "
                f"width95_contrasts={co.model.width95:.3f} sign_agreement={sign:.3f} studies={n_s} rows={n_r}")

    def table(self) -> list[str]:
        """Printable lines: per class coverage, width, MAE, IS, CRPS, skills with CIs, sign agreement."""
        lines = [f"{'class':<16}{'rows':>6}{'studies':>8}{'cov50':>7}{'cov80':>7}{'cov95':>7}{'width95':>9}"
                 f"{'MAE':>8}{'IS':>8}{'CRPS':>8}   (values / scale range)"]
        for c in self.classes.values():
            m = c.model
            lines.append(f"{c.name:<16}{len(c.rows):>6}{c.studies:>8}{m.coverage(0.5):>7.3f}{m.coverage(0.8):>7.3f}"
                         f"{m.coverage(0.95):>7.3f}{m.width95:>9.3f}{m.mean('mae'):>8.3f}"
                         f"{m.mean('interval_score'):>8.3f}{m.mean('crps'):>8.3f}")
        for c in (c for c in self.classes.values() if c.rows):
            for ref, by_metric in c.skills.items():
                cells = " ".join(f"{k}={s.value:.3f} [{s.low:.3f}, {s.high:.3f}]" for k, s in by_metric.items())
                lines.append(f"  {c.name} skill vs {ref} (n={c.references[ref].median.size}): {cells}")
            if c.sign is not None:
                s = c.sign
                lines.append(f"  {c.name} sign agreement: {s.agreement:.3f} [{s.low:.3f}, {s.high:.3f}] "
                             f"({s.votes} votes)")
        return lines


def score_loso(rows, samples, *, n_boot: int = 1000, seed: int = 0) -> LosoReport:
    """Score joint predictive samples of left-out rows against their observations.

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
        Every row of the left-out studies (baselines, changes, explicit contrasts).
    samples : float64[S, n]
        Joint posterior-predictive draws of the rows, row scale (each study predicted without it).
    n_boot, seed : int
        Cluster-bootstrap resamples and the seed of their generator.

    Returns
    -------
    LosoReport
        Classes ``baseline``, ``change``, ``contrast`` (explicit and derived within-study
        contrasts) and ``change+contrast``.
    """
    rows, s = _check(rows, samples)
    con_rows, con_s = within_study_contrasts(rows, s)
    keep = [i for i, r in enumerate(rows) if row_class(r) != "contrast"]
    all_rows = [rows[i] for i in keep] + con_rows
    y, _, ys = normalised(all_rows, np.concatenate([s[:, keep], con_s], axis=1))
    refs = {"no_change": no_change_reference(all_rows), "loso_mean": loso_mean_reference(all_rows),
            "meta": meta_reference(all_rows)}
    cls = np.array([row_class(r) for r in all_rows])
    classes = {}
    for name, mask in (("baseline", cls == "baseline"), ("rate", cls == "rate"), ("change", cls == "change"),
                       ("contrast", cls == "contrast"), ("change+contrast", (cls == "change") | (cls == "contrast"))):
        idx = np.flatnonzero(mask)
        sub = {k: (m[idx], v[idx]) for k, (m, v) in refs.items()} if name not in ("baseline", "rate") else {}
        sign = sign_agreement(con_rows, con_s) if name == "contrast" else None
        classes[name] = _class_scores(name, [all_rows[i] for i in idx], y[idx], ys[:, idx], sub, n_boot, seed, sign)
    return LosoReport(classes)
