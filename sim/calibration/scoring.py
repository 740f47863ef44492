"""Scores of leave-one-study-out predictions: calibration, sharpness and skill against naive references.

Pure functions of reported rows (:class:`ScoredRow`) and their joint posterior-predictive samples
(float64[S, n], one column per row, on the row's reported scale); nothing is simulated or written.

The parts, each re-exported here (callers import from this module):

* :mod:`sim.calibration.scored_rows` -- the rows: classes (baseline, change, rate, contrast),
  normalisation by the scale's span, within-study contrasts derived from joint samples.
* :mod:`sim.calibration.predictive_scores` -- interval score, CRPS, PIT, coverage and MAE of
  sample and normal predictives.
* :mod:`sim.calibration.naive_references` -- the ``no_change``, ``loso_mean`` and ``meta``
  reference predictives from the other studies' rows.
* This module -- skill against each reference, sign agreement, and :func:`score_loso` that puts
  them together by class.

Documented choices here
-----------------------
* Skill = 1 - mean model score / mean reference score over the rows the reference covers; 95% CI
  by percentile cluster bootstrap over studies (same resamples for every metric for one seed).
* Sign agreement: one vote per (study, arm, control), cast by that pair's contrast with the
  largest |observed / SE| above 1.96: does the predictive median have the observed sign?
  CI: Clopper-Pearson (``scipy.stats.binomtest``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.calibration.naive_references import (
    MIN_POOL,
    MIN_SE_FRACTION,
    REFERENCES,
    loso_mean_reference,
    meta_reference,
    no_change_reference,
)
from sim.calibration.predictive_scores import (
    ALPHA,
    LEVELS,
    NOMINAL,
    Scores,
    coverage_curve,
    score_normal,
    score_samples,
)
from sim.calibration.scored_rows import (
    ARM_TYPES,
    CHANGE_STATISTICS,
    CONTRAST,
    LEVEL_STATISTICS,
    SOURCES,
    STATISTICS,
    WINDOWS,
    ScoredRow,
    checked_rows,
    normalised,
    row_class,
    within_study_contrasts,
)

__all__ = ["ScoredRow", "Scores", "Skill", "SignAgreement", "ClassScores", "LosoReport", "ARM_TYPES", "WINDOWS",
           "REFERENCES", "row_class", "normalised", "within_study_contrasts", "score_samples", "score_normal",
           "no_change_reference", "loso_mean_reference", "meta_reference", "skill", "sign_agreement",
           "coverage_curve", "score_loso",
           # constants of the parts, importable from here as before the split
           "ALPHA", "CHANGE_STATISTICS", "CONTRAST", "LEVEL_STATISTICS", "LEVELS", "METRICS", "MIN_POOL",
           "MIN_SE_FRACTION", "NOMINAL", "SOURCES", "STATISTICS"]

METRICS = ("interval_score", "crps", "mae")


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

    Parameters
    ----------
    model_rows, reference_rows : array_like (n,)
        Per-row scores of the model and of the reference (same metric; NaN reference: row left
        out).
    clusters : array_like (n,)
        Study of each row (the bootstrap resamples studies).
    n_boot : int
        Bootstrap resamples (>= 1).
    seed : int
        Seed of the resampling.

    Returns
    -------
    Skill
        Dimensionless; NaN when no row has a reference or the reference scores sum to 0.
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

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
        Contrast rows; rows of other classes cast no vote.
    samples : array_like (S, n)
        Their predictive draws.

    Returns
    -------
    SignAgreement
        NaN agreement with 0 votes when no contrast is significant.
    """
    rows, none = list(rows), SignAgreement(math.nan, 0, math.nan, math.nan)
    if not rows:
        return none
    rows, s = checked_rows(rows, samples)
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
        """Number of studies (clusters) among the class's rows."""
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
        """One line of headline numbers; ``studies``/``rows``: counts (or sequences to count).

        Parameters
        ----------
        studies, rows : int or sequence
            Counts of left-out studies and rows (sequences are counted).

        Returns
        -------
        str
        """
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
    rows, s = checked_rows(rows, samples)
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
