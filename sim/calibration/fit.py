"""Inference: a fast point estimate (Nelder-Mead) and a resumable emcee posterior.

Why emcee: few (7) parameters, a smooth likelihood (common random numbers make the expected
statistics smooth in theta) and no tractable gradient; the affine-invariant ensemble needs no
tuning and, with ``vectorize=True``, hands each half-ensemble to the forward model as one
batched, thread-parallel ``simulate`` call, which is how the 2 cores are used. ABC-SMC would
waste the explicit Gaussian error model we have.

Resumable: the chain, log-probabilities, current walker positions and the sampler's RNG state
are written through :func:`sim.io.write_tree` (atomic) every ``checkpoint_every`` steps; a
rerun with the same store continues from the last checkpoint and gives the same chain, bit for
bit, as an uninterrupted run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize

from sim._numba_cache import source_hash
from sim.calibration.errors import ErrorStructure
from sim.calibration.forward import ForwardModel, Prediction
from sim.calibration.likelihood import log_prior, study_log_likelihood
from sim.calibration.priors import CALIBRATED, CalibrationError, box, error_parameters, names
from sim.calibration.targets import build_targets

__all__ = ["Problem", "point_estimate", "run_mcmc", "identifiability", "posterior_draws", "chain_diagnostics"]


class Problem:
    """Targets + forward model + error model: the log posterior in log-parameter space.

    Parameters
    ----------
    arms, outcomes, pooled : sequences of rows (``sim.data`` loaders)
    n_sim : int
        Virtual patients per cohort.
    seed : int
        Population seed.
    file : str
        Name of the outcomes file (in messages and target keys).
    population : dict, optional
        ``variability_scale`` and ``placebo_cv`` of the virtual populations
        (:class:`~sim.calibration.forward.ForwardModel`; default: the package's).
    """

    def __init__(self, arms, outcomes, pooled=(), *, n_sim: int = 12, seed: int = 2024, file="outcomes.csv",
                 population: dict | None = None):
        self.targets, self.skipped, self.cohorts = build_targets(arms, outcomes, pooled, file=file)
        if not self.targets:
            raise CalibrationError(f"{file}: no scorable rows; skipped: "
                                   + "; ".join(f"{s.key}: {s.reason}" for s in self.skipped[:5]))
        self.forward = ForwardModel(self.targets, self.cohorts, n_sim=n_sim, seed=seed, **(population or {}))
        self.structure = ErrorStructure(self.targets)
        self.observed = np.array([t.observed for t in self.targets])
        self.se = np.array([t.se for t in self.targets])
        self.span = np.array([t.span for t in self.targets])
        self.n_evals = 0
        #: Optional extra log density of theta, e.g. :class:`~sim.calibration.findings_term.FindingsTerm`.
        self.findings_term = None

    def predict(self, theta) -> np.ndarray:
        """float64[K, n_targets]: expected statistics (natural-scale ``theta`` float64[K, P]).

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        """
        return self.forward.predict(theta)

    def evaluate(self, theta) -> Prediction:
        """Expected statistics and contextual loadings (:class:`~sim.calibration.forward.Prediction`).

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.

        Returns
        -------
        Prediction
            ``mean`` and ``context``, float64 (K, n_targets) each.
        """
        return self.forward.evaluate(theta)

    @property
    def studies(self) -> tuple[str, ...]:
        """Names of the independent error blocks (one per study; pooled rows one per source)."""
        return self.structure.studies

    def study_log_likelihood(self, theta, prediction: Prediction | None = None) -> np.ndarray:
        """float64[K, n_studies]: each study's log likelihood under each natural-scale theta row.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        prediction : Prediction, optional
            :meth:`evaluate` of ``theta`` when already computed (saves a simulation).
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        pr = self.evaluate(theta) if prediction is None else prediction
        return study_log_likelihood(self.structure, pr.mean, pr.context, self.observed, theta)

    def predictive_samples(self, theta, per_draw: int = 50, seed: int = 0,
                           prediction: Prediction | None = None) -> np.ndarray:
        """float64[K * per_draw, n_targets]: joint posterior-predictive draws of the reported values.

        Every term of the error model is drawn (sampling error, discrepancy, study, arm and
        contextual random effects), jointly within each study, so differences between rows of
        one study (contrasts) have the right, narrower spread.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        per_draw : int
            Joint draws per parameter row.
        seed : int
            Seed of the error-model draws.
        prediction : Prediction, optional
            :meth:`evaluate` of ``theta`` when already computed (saves a simulation).
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        pr = self.evaluate(theta) if prediction is None else prediction
        return self.structure.sample(pr.mean, error_parameters(theta), pr.context, int(per_draw),
                                     np.random.default_rng(seed))

    def predictive_sd(self, theta, prediction: Prediction | None = None) -> np.ndarray:
        """float64[K, n_targets]: SD of each reported value around the expected statistic.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        prediction : Prediction, optional
            :meth:`evaluate` of ``theta`` when already computed (saves a simulation).
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        pr = self.evaluate(theta) if prediction is None else prediction
        return self.structure.marginal_sd(error_parameters(theta), pr.context)

    def log_posterior(self, log_theta) -> np.ndarray:
        """float64[K] for float64[K, P] log-parameters (vectorised for emcee).

        Parameters
        ----------
        log_theta : array_like (K, P) or (P,)
            Natural logarithms of the calibrated parameter rows; rows outside the box get -inf.
        """
        x = np.atleast_2d(np.asarray(log_theta, dtype=float))
        lp = log_prior(x)
        out = np.full(x.shape[0], -np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            theta = np.exp(x[ok])
            self.n_evals += int(ok.sum())
            out[ok] = lp[ok] + self.study_log_likelihood(theta).sum(axis=1)
            if self.findings_term is not None:
                out[ok] += self.findings_term.log_density(theta)
        return np.where(np.isfinite(out), out, -np.inf)


def _default_log() -> np.ndarray:
    return np.log([p.default for p in CALIBRATED])


def point_estimate(problem: Problem, x0=None, maxfev: int = 300, free=None) -> dict:
    """Maximum a posteriori estimate by Nelder-Mead in log space.

    ``x0``: natural-scale start float64[P] (default: table defaults); ``free``: names to fit
    (default all), the others stay at ``x0``.

    Returns ``{"values": {name: value}, "log_posterior": float, "n_evals": int, "seconds": float}``.

    Parameters
    ----------
    problem : Problem
    x0 : array_like (P,), optional
        Natural-scale start (default: the table defaults).
    maxfev : int
        Most evaluations of the log posterior.
    free : sequence of str, optional
        Names of the parameters to fit (default all); the others stay at ``x0``.

    Raises
    ------
    CalibrationError
        For an unknown name in ``free``.
    """
    t0 = time.perf_counter()
    x0 = _default_log() if x0 is None else np.log(np.asarray(x0, dtype=float))
    all_lo, all_hi = box()
    free = names() if free is None else tuple(free)
    unknown = set(free) - set(names())
    if unknown:
        raise CalibrationError(f"free: unknown parameter(s) {sorted(unknown)}; allowed: {', '.join(names())}")
    j = np.array([names().index(n) for n in free])
    lo, hi = all_lo[j], all_hi[j]

    def full(xf):
        x = x0.copy()
        x[j] = np.clip(xf, lo, hi)
        return x

    def f(xf):
        v = problem.log_posterior(full(xf)[None, :])[0]
        # Outside the box: penalise by distance so the simplex walks back in.
        return -v + 1e3 * float(np.sum(np.clip(lo - xf, 0, None) + np.clip(xf - hi, 0, None)))

    res = optimize.minimize(f, x0[j], method="Nelder-Mead",
                            options={"maxfev": int(maxfev), "xatol": 1e-3, "fatol": 1e-3})
    x = full(res.x)
    return {"values": dict(zip(names(), map(float, np.exp(x)))), "log_posterior": float(-res.fun),
            "n_evals": int(res.nfev), "seconds": time.perf_counter() - t0}


@dataclass
class Chain:
    """Log-parameter chain float64[steps, walkers, P], log posterior float64[steps, walkers]."""

    chain: np.ndarray
    log_prob: np.ndarray
    seconds: float

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the P calibrated parameters, in the order of the chain's last axis."""
        return names()


def _rng_tree(state) -> dict:
    name, keys, pos, has_gauss, cached = state
    return {"name": str(name), "keys": np.asarray(keys, dtype=np.uint32), "pos": int(pos),
            "has_gauss": int(has_gauss), "cached_gaussian": float(cached)}


def _rng_state(tree) -> tuple:
    return (str(tree["name"]), np.asarray(tree["keys"], dtype=np.uint32), int(tree["pos"]),
            int(tree["has_gauss"]), float(tree["cached_gaussian"]))


def run_mcmc(problem: Problem, store: str | Path, *, n_walkers: int = 16, n_steps: int = 60, seed: int = 1,
             start=None, spread: float = 0.05, checkpoint_every: int = 5, config: dict | None = None,
             start_positions: np.ndarray | None = None, moves: str = "stretch") -> Chain:
    """Run (or resume) the emcee ensemble, checkpointing to ``store`` (HDF5 via ``sim.io``).

    Parameters
    ----------
    start : mapping name -> value, optional
        Centre of the initial ball (default: the table defaults); walkers start at
        ``log(start) + spread * N(0, 1)`` clipped into the box.
    start_positions : float64[n_walkers, P], optional
        Explicit initial walker positions in log space (e.g. a previous posterior's walkers).
    n_steps : int
        Total steps wanted; a resumed run adds only the missing ones.
    moves : {"stretch", "de"}
        emcee's proposal: the affine-invariant stretch move, or differential evolution with a
        20% share of snooker updates (see :func:`sim.calibration.pipeline.calibrate`).
    """
    import emcee

    from sim.io import read_tree
    from sim.io.calibration_file import write_chain

    P = len(CALIBRATED)
    if n_walkers < 2 * P or n_walkers % 2:
        raise CalibrationError(f"n_walkers: {n_walkers}; allowed: an even number >= {2 * P} (2 x parameters)")
    store = Path(store)
    t0 = time.perf_counter()
    chain = np.empty((0, n_walkers, P))
    logp = np.empty((0, n_walkers))
    rng_state, seconds = None, 0.0
    if store.is_file():
        tree = read_tree(store)
        if tuple(str(s) for s in tree["names"]) != names() or tree["chain"].shape[1] != n_walkers:
            raise CalibrationError(f"{store.name}: store holds a different parameter set or walker count; "
                                   "allowed: the same calibration setup, or a new store path")
        stored_source = tree.get("@attrs", {}).get("model_source")
        if stored_source is not None and str(stored_source) != source_hash():
            # A chain of another model version would silently continue as if nothing changed.
            raise CalibrationError(f"{store.name}: model_source {stored_source} was written by other sim sources "
                                   f"(now {source_hash()}); allowed: a new store path, or start_chain for a warm start")
        chain, logp = np.asarray(tree["chain"]), np.asarray(tree["log_prob"])
        rng_state, seconds = _rng_state(tree["rng"]), float(tree["seconds"])
    sampler = emcee.EnsembleSampler(n_walkers, P, problem.log_posterior, vectorize=True, moves=emcee_moves(moves))
    if rng_state is None:
        sampler.random_state = np.random.RandomState(seed).get_state()
        lo, hi = box()
        if start_positions is not None:
            pos = np.clip(np.asarray(start_positions, dtype=float).reshape(n_walkers, P), lo, hi)
        else:
            centre = _default_log() if start is None else np.log([start[n] for n in names()])
            pos = np.clip(centre + spread * np.random.default_rng(seed).standard_normal((n_walkers, P)), lo, hi)
        state = emcee.State(pos, log_prob=problem.log_posterior(pos))
    else:
        sampler.random_state = rng_state
        state = emcee.State(chain[-1], log_prob=logp[-1])
    while chain.shape[0] < n_steps:
        k = min(checkpoint_every, n_steps - chain.shape[0])
        sampler.reset()
        state = sampler.run_mcmc(state, k, progress=False)
        state.random_state = sampler.random_state
        chain = np.concatenate([chain, sampler.get_chain()])
        logp = np.concatenate([logp, sampler.get_log_prob()])
        seconds_now = seconds + time.perf_counter() - t0
        write_chain(store, {"names": list(names()), "chain": chain, "log_prob": logp,
                           "rng": _rng_tree(sampler.random_state), "seconds": seconds_now,
                           "@attrs": {"n_walkers": n_walkers, "seed": seed, "model_source": source_hash(),
                                      "description":
                                      "emcee chain of the calibration, log parameters [step, walker, P]",
                                      **{f"config_{k}": str(v) for k, v in (config or {}).items()}}})
    return Chain(chain[:n_steps], logp[:n_steps], seconds + time.perf_counter() - t0)


def emcee_moves(kind: str):
    """The emcee proposal(s) for ``kind`` ("stretch" or "de"); anything else raises naming the field."""
    import emcee

    if kind == "stretch":
        return None  # emcee's default StretchMove(a=2): chains of earlier versions stay bit-identical
    if kind == "de":
        return [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    raise CalibrationError(f"moves: {kind!r}; allowed: 'stretch' or 'de'")


def posterior_draws(chain: Chain, burn: float = 0.5, max_draws: int = 200, seed: int = 0) -> np.ndarray:
    """float64[S, P] natural-scale draws: the chain after ``burn`` (fraction), thinned to ``max_draws``.

    Parameters
    ----------
    chain : Chain
        Log-parameter chain float64 (steps, walkers, P).
    burn : float
        Leading fraction of the steps discarded, in [0, 1).
    max_draws : int
        Most draws returned (a random subset without replacement, in chain order).
    seed : int
        Seed of the thinning.
    """
    steps = chain.chain.shape[0]
    flat = chain.chain[int(burn * steps):].reshape(-1, chain.chain.shape[2])
    if flat.shape[0] > max_draws:
        idx = np.sort(np.random.default_rng(seed).choice(flat.shape[0], max_draws, replace=False))
        flat = flat[idx]
    return np.exp(flat)


def identifiability(draws: np.ndarray, threshold: float = 0.7) -> dict:
    """Posterior correlations of log parameters and posterior/prior width ratios.

    A width ratio near 1 means the data do not constrain the parameter beyond its box; |r| >
    ``threshold`` flags pairs that trade off (only their combination is identified).

    Parameters
    ----------
    draws : float64 (S, P)
        Natural-scale posterior draws.
    threshold : float
        |correlation| above which a pair is listed.

    Returns
    -------
    dict
        ``names`` (P), ``correlation`` float64 (P, P) of the log parameters, ``width_ratio``
        float64 (P) (posterior SD over the SD of a uniform over the box, in log space) and
        ``correlated_pairs`` (name, name, r).
    """
    x = np.log(draws)
    lo, hi = box()
    corr = np.corrcoef(x, rowvar=False) if x.shape[0] > 2 else np.full((x.shape[1],) * 2, np.nan)
    ratio = x.std(axis=0) / ((hi - lo) / np.sqrt(12.0))
    n = names()
    pairs = [(n[i], n[j], float(corr[i, j])) for i in range(len(n)) for j in range(i + 1, len(n))
             if np.isfinite(corr[i, j]) and abs(corr[i, j]) > threshold]
    return {"names": n, "correlation": corr, "width_ratio": ratio, "correlated_pairs": pairs}


def chain_diagnostics(chain: Chain, burn: float = 0.5) -> dict:
    """R-hat and bulk/tail effective sample sizes per parameter (ArviZ), after ``burn``.

    The walkers of an affine-invariant ensemble are not independent chains, so R-hat across
    walkers is a conservative screen (values near 1 with ESS in the hundreds indicate a usable
    posterior for importance sampling), not a proof of convergence.

    Parameters
    ----------
    chain : Chain
        Log-parameter chain float64 (steps, walkers, P).
    burn : float
        Leading fraction of the steps discarded, in [0, 1).

    Returns
    -------
    dict
        ``names`` (P) and ``rhat``, ``ess_bulk``, ``ess_tail``, float64 (P) each.
    """
    import logging
    import warnings

    logging.getLogger("arviz").setLevel(logging.WARNING)  # its import announces optional add-ons at INFO
    import arviz as az

    x = chain.chain[int(burn * chain.chain.shape[0]):]
    data = az.convert_to_dataset({"theta": np.transpose(x, (1, 0, 2))},
                                 coords={"parameter": list(names())}, dims={"theta": ["parameter"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rhat = az.rhat(data)["theta"].values
        ess_bulk = az.ess(data, method="bulk")["theta"].values
        ess_tail = az.ess(data, method="tail")["theta"].values
    return {"names": names(), "rhat": np.asarray(rhat, float), "ess_bulk": np.asarray(ess_bulk, float),
            "ess_tail": np.asarray(ess_tail, float)}
