"""Leave-one-study-out (LOSO) prediction: every study predicted by a model calibrated without it.

One posterior (emcee, :mod:`sim.calibration.fit`) is computed on the trial rows. For each
study ``s`` its posterior without ``s`` is obtained by Pareto-smoothed importance sampling
(PSIS; Vehtari, Gelman & Gabry 2017, Stat Comput 27:1413) with weights ``1 / L_s(theta)``, using
ArviZ's ``psislw``; where the Pareto ``k`` exceeds :data:`K_THRESHOLD` the weights are not
trustworthy and the study is refitted exactly (a fresh emcee run without it, started from the
full posterior's walkers). The pooled meta-analytic rows (which do not list their constituent
trials and may carry a left-out study's information) enter as a second variant: weights
``L_pooled(theta) / L_s(theta)`` give the posterior with the pooled rows but without ``s``.

For each study the left-out posterior's draws give joint predictive samples of the study's
rows (:meth:`sim.calibration.fit.Problem.predictive_samples`), which
:mod:`sim.calibration.scoring` scores against the naive references.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from sim.calibration.fit import Problem, run_mcmc
from sim.calibration.priors import CalibrationError, names

__all__ = ["K_THRESHOLD", "LosoFold", "LosoPredictions", "arm_type", "loso_predictions", "psis_weights"]

K_THRESHOLD = 0.7  #: Pareto k above which importance sampling is replaced by an exact refit


def arm_type(regimen: str) -> str:
    """Class of an arm for the meta-analytic reference: msc, prp, steroid, ha, surgery, saline, other.

    Cell products (cells, exosomes) win over adjuvants, PRP over HA; an injection given with
    surgery classes the arm by the injection; saline or nothing is "saline".

    Parameters
    ----------
    regimen : str
        Regimen string of the arm (grammar of :mod:`sim.regimen`).

    Returns
    -------
    str
        One of :data:`sim.calibration.scoring.ARM_TYPES`.
    """
    r = regimen.replace(" ", "")
    for token, kind in (("msc(", "msc"), ("exo(", "msc"), ("prp(", "prp"), ("steroid(", "steroid"),
                        ("ha(", "ha"), ("surgery(", "surgery")):
        if token in r:
            return kind
    if "saline(" in r or r.startswith("none(") or r == "":
        return "saline"
    return "other"


def psis_weights(log_ratio: np.ndarray) -> tuple[np.ndarray, float]:
    """Normalised PSIS weights float64[S] and the Pareto k of ``log_ratio`` float64[S].

    Parameters
    ----------
    log_ratio : array_like (S,)
        Log importance ratios of the S posterior draws.

    Returns
    -------
    weights : float64 (S,)
        Pareto-smoothed, summing to 1.
    k : float
        Pareto shape estimate (above 0.7 the weights are unreliable).
    """
    import warnings

    import arviz as az

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ArviZ warns on large k; the caller reads k itself
        lw, k = az.psislw(np.asarray(log_ratio, dtype=float).copy())
    lw = np.asarray(lw, dtype=float)
    w = np.exp(lw - lw.max())
    return w / w.sum(), float(np.asarray(k))


def _resample(w: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: int64[m] indices with frequencies proportional to ``w``."""
    u = (rng.random() + np.arange(m)) / m
    return np.minimum(np.searchsorted(np.cumsum(w), u, side="right"), w.size - 1)


@dataclass
class LosoFold:
    """How one study was left out: ``method`` "psis" or "refit", the Pareto k, and draw count."""

    study: str
    method: str
    pareto_k: float
    n_draws: int
    seconds: float = 0.0


@dataclass
class LosoPredictions:
    """Joint predictive samples float64[M, n] of every row of ``problem`` from its study's fold.

    Columns of different studies come from different left-out posteriors (independent);
    columns of one study are joint draws, so within-study contrasts are meaningful.
    """

    problem: Problem
    samples: np.ndarray
    folds: list[LosoFold] = field(default_factory=list)
    variant: str = "without pooled rows"


def loso_predictions(problem: Problem, draws: np.ndarray, *, use_pooled: bool = False, n_resample: int = 100,
                     per_draw: int = 20, seed: int = 0, refit: bool = True, refit_walkers: int | None = None,
                     refit_steps: int = 24, start_walkers: np.ndarray | None = None, store_dir=None,
                     progress=None, refit_cache: dict | None = None) -> LosoPredictions:
    """LOSO predictive samples of every outcome row of ``problem``.

    Parameters
    ----------
    problem : Problem
        All rows (outcomes and, if any, pooled); its studies are the LOSO folds (pooled
        blocks are never left out: they are predictors, not trials).
    draws : float64[S, P]
        Posterior draws (natural scale) fitted to the *outcome rows only*.
    use_pooled : bool
        Add the pooled rows' likelihood to the importance weights (the "with pooled" variant).
    n_resample, per_draw : int
        Draws resampled per fold, and predictive samples per draw (M = n_resample * per_draw).
    refit : bool
        Refit exactly where the Pareto k exceeds :data:`K_THRESHOLD` (else keep PSIS, flagged).
    refit_walkers, refit_steps, start_walkers
        emcee settings of an exact refit; walkers start from ``start_walkers`` (log space,
        float64[W, P]; default: a random subset of ``draws``).
    store_dir : path, optional
        Folder for the refits' resumable chains (``loso_<study>.h5``).
    progress : callable, optional
        Called with one line of text per fold.
    refit_cache : dict, optional
        Study -> draws of its exact refit (always fitted without the pooled rows); filled here
        and reused by a later call, where the "with pooled" variant importance-weights the
        refit's draws by the pooled rows' likelihood instead of refitting again.
    """
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    outcome_blocks = [s for s, name in enumerate(problem.studies) if not name.startswith("pooled:")]
    pooled_blocks = [s for s, name in enumerate(problem.studies) if name.startswith("pooled:")]
    if len(outcome_blocks) < 2:
        raise CalibrationError(f"studies: {len(outcome_blocks)} study in the outcomes; allowed: at least 2 "
                               "for leave-one-study-out (a study cannot be left out of a fit to itself)")
    rng = np.random.default_rng(seed)
    pred = problem.evaluate(draws)
    ll = problem.study_log_likelihood(draws, pred)
    pooled_ll = ll[:, pooled_blocks].sum(axis=1) if (use_pooled and pooled_blocks) else np.zeros(draws.shape[0])
    M = n_resample * per_draw
    samples = np.full((M, len(problem.targets)), np.nan)
    folds = []
    for s in outcome_blocks:
        t0 = time.perf_counter()
        name = problem.studies[s]
        rows = np.flatnonzero(problem.structure.study_of_row == s)
        w, k = psis_weights(pooled_ll - ll[:, s])
        method, fold_draws = "psis", None
        if refit and k > K_THRESHOLD:
            method = "refit"
            cache = {} if refit_cache is None else refit_cache
            if name not in cache:
                cache[name] = _refit(problem, s, draws, False, refit_walkers, refit_steps, start_walkers,
                                     store_dir, seed)
            fold_draws = cache[name]
        if fold_draws is None:
            idx = _resample(w, n_resample, rng)
            sub = draws[idx]
            sub_pred = type(pred)(pred.mean[idx], pred.context[idx])
        else:
            idx = _resample(np.full(fold_draws.shape[0], 1.0 / fold_draws.shape[0]), n_resample, rng)
            sub = fold_draws[idx]
            sub_pred = problem.evaluate(sub)
            if use_pooled and pooled_blocks:
                w2, _ = psis_weights(problem.study_log_likelihood(sub, sub_pred)[:, pooled_blocks].sum(axis=1))
                j = _resample(w2, n_resample, rng)
                sub, sub_pred = sub[j], type(pred)(sub_pred.mean[j], sub_pred.context[j])
        y = problem.predictive_samples(sub, per_draw, int(rng.integers(2**31)), prediction=sub_pred)
        samples[:, rows] = y[:, rows]
        fold = LosoFold(name, method, k, int(sub.shape[0]), time.perf_counter() - t0)
        folds.append(fold)
        if progress is not None:
            progress(f"loso: {name}: {method} (Pareto k {k:.2f}), {rows.size} rows, {fold.seconds:.1f} s")
    return LosoPredictions(problem, samples, folds, "with pooled rows" if use_pooled else "without pooled rows")


class _Without:
    """A Problem's log posterior without one study's block (and optionally without pooled blocks)."""

    def __init__(self, problem: Problem, study: int, use_pooled: bool):
        keep = np.ones(len(problem.studies), dtype=bool)
        keep[study] = False
        if not use_pooled:
            keep &= np.array([not n.startswith("pooled:") for n in problem.studies])
        self.problem, self.keep = problem, keep

    def __call__(self, log_theta):
        from sim.calibration.likelihood import log_prior

        x = np.atleast_2d(np.asarray(log_theta, dtype=float))
        lp = log_prior(x)
        out = np.full(x.shape[0], -np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            out[ok] = lp[ok] + self.problem.study_log_likelihood(np.exp(x[ok]))[:, self.keep].sum(axis=1)
        return np.where(np.isfinite(out), out, -np.inf)


def _refit(problem, s, draws, use_pooled, walkers, steps, start_walkers, store_dir, seed) -> np.ndarray:
    """Exact refit without block ``s``: natural-scale draws from the last half of a short emcee run."""
    import tempfile
    from pathlib import Path

    P = len(names())
    walkers = walkers or 2 * P
    if start_walkers is None:
        pick = np.random.default_rng(seed + s).choice(draws.shape[0], walkers, replace=draws.shape[0] < walkers)
        start_walkers = np.log(draws[pick])
    folder = Path(store_dir) if store_dir is not None else Path(tempfile.mkdtemp(prefix="sim-loso-"))
    target = _Without(problem, s, use_pooled)
    shim = _LogPosterior(target)
    chain = run_mcmc(shim, folder / f"loso_{problem.studies[s]}.h5",
                     n_walkers=walkers, n_steps=steps, seed=seed + s, start_positions=start_walkers)
    flat = chain.chain[steps // 2:].reshape(-1, P)
    return np.exp(flat)


class _LogPosterior:
    """Adapter giving :func:`run_mcmc` the ``log_posterior`` it expects."""

    def __init__(self, fn):
        self.log_posterior = fn
