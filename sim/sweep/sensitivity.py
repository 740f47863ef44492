"""Global sensitivity analysis with SALib: Sobol indices and Morris elementary effects.

Generic over a vectorised model ``evaluate_params(X) -> {outcome: y}`` where ``X`` has shape
``(n_runs, n_params)`` (columns in the order of ``parameters``) and each ``y`` has shape
``(n_runs,)``. The number of model runs is printed before the first one starts:

* Sobol (Saltelli's scheme on a scrambled Sobol' sequence): ``N (D + 2)`` runs, or
  ``N (2D + 2)`` with second-order indices; ``N`` must be a power of two, since the balance
  properties of the Sobol' sequence (and SALib's estimators) rely on it.
* Morris: ``r (D + 1)`` runs for ``r`` trajectories on a ``num_levels`` grid.

References: Saltelli et al. (2010) Comput Phys Commun 181:259; Morris (1991) Technometrics
33:161; Campolongo et al. (2007) Environ Model Softw 22:1509 (mu*); Herman & Usher (2017)
JOSS 2:97 (SALib).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from sim.io.sensitivity_file import SensitivityResult, read_sensitivity, write_sensitivity

__all__ = ["SensitivityResult", "sobol_analysis", "morris_analysis", "n_runs_sobol",
           "n_runs_morris", "write_sensitivity", "read_sensitivity", "ishigami",
           "ISHIGAMI_BOUNDS"]

EvaluateParams = Callable[[np.ndarray], Mapping[str, Any]]

#: Ishigami test function bounds (all three inputs uniform on [-pi, pi]).
ISHIGAMI_BOUNDS = {"x1": (-math.pi, math.pi), "x2": (-math.pi, math.pi),
                   "x3": (-math.pi, math.pi)}


def ishigami(X: np.ndarray, names: Sequence[str] | None = None, a: float = 7.0,
             b: float = 0.1) -> dict[str, np.ndarray]:
    """Ishigami & Homma (1990) function ``sin x1 + a sin^2 x2 + b x3^4 sin x1``, shape (n,).

    Its Sobol indices are known in closed form (a=7, b=0.1): S1 = (0.3139, 0.4424, 0),
    ST = (0.5576, 0.4424, 0.2437).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])
    return {"y": y}


def _problem(parameters: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    if not isinstance(parameters, Mapping) or not parameters:
        raise ValueError("parameters must be a non-empty mapping {name: (low, high)}")
    bounds = []
    for name, b in parameters.items():
        try:
            lo, hi = (float(v) for v in b)
        except (TypeError, ValueError):
            raise ValueError(f"parameter {name!r}: bounds must be (low, high), got {b!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"parameter {name!r}: need finite low < high, got ({lo}, {hi})")
        bounds.append([lo, hi])
    return {"num_vars": len(bounds), "names": list(parameters), "bounds": bounds}


def n_runs_sobol(n_params: int, n_base: int, second_order: bool = False) -> int:
    """Model runs of a Saltelli design: ``N (D + 2)``, or ``N (2D + 2)`` with second order."""
    return n_base * ((2 * n_params + 2) if second_order else (n_params + 2))


def n_runs_morris(n_params: int, n_trajectories: int) -> int:
    """Model runs of a Morris design: ``r (D + 1)``."""
    return n_trajectories * (n_params + 1)


def _run(evaluate_params: EvaluateParams, X: np.ndarray,
         outcomes: Sequence[str] | None) -> dict[str, np.ndarray]:
    out = evaluate_params(X)
    if not isinstance(out, Mapping) or not out:
        raise ValueError("evaluate_params must return a non-empty dict {outcome: array (n_runs,)}")
    names = list(out) if outcomes is None else list(outcomes)
    Y = {}
    for name in names:
        if name not in out:
            raise ValueError(f"outcome {name!r} not returned by the model; it returns "
                             f"{', '.join(out)}")
        y = np.asarray(out[name], dtype=np.float64)
        if y.shape != (X.shape[0],):
            raise ValueError(f"outcome {name!r} has shape {y.shape}, expected ({X.shape[0]},)")
        bad = int(np.sum(~np.isfinite(y)))
        if bad:
            raise ValueError(f"outcome {name!r} is not finite in {bad} of {y.size} runs; "
                             "Sobol/Morris estimators need every run (narrow the bounds?)")
        Y[name] = y
    return Y


def sobol_analysis(parameters: Mapping[str, tuple[float, float]],
                   evaluate_params: EvaluateParams, n_base: int, *,
                   outcomes: Sequence[str] | None = None, second_order: bool = False,
                   seed: int = 0, num_resamples: int = 200, conf_level: float = 0.95,
                   log: Callable[[str], None] | None = print) -> SensitivityResult:
    """Sobol first-order and total indices (and optionally second order).

    Parameters
    ----------
    parameters : mapping of str to (float, float)
        Uniform input ranges, in column order of the design.
    evaluate_params : callable
        ``X (n_runs, n_params) -> {outcome: y (n_runs,)}``.
    n_base : int
        Base sample size ``N``; a power of two (>= 2).
    outcomes : sequence of str, optional
        Outcomes to analyse (default: all the model returns).
    second_order : bool
    seed : int
        Seeds the scrambled Sobol' sequence and the bootstrap.
    num_resamples, conf_level
        Bootstrap for the confidence intervals.
    log : callable or None
        Where the run count is announced before the runs start.

    Raises
    ------
    ValueError
        If ``n_base`` is not a power of two, bounds are invalid, or outputs are not finite.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample
    if isinstance(n_base, bool) or not isinstance(n_base, (int, np.integer)) or n_base < 2 \
            or n_base & (n_base - 1):
        lower = 2 ** max(1, int(math.log2(max(n_base, 2)))) if isinstance(n_base, int) else 2
        raise ValueError(f"n_base must be a power of two >= 2 (Sobol' sequence balance), got "
                         f"{n_base!r}; e.g. {lower} or {2 * lower}")
    problem = _problem(parameters)
    n_runs = n_runs_sobol(problem["num_vars"], int(n_base), second_order)
    if log:
        log(f"sobol: {n_runs} model runs (N={n_base}, D={problem['num_vars']}, "
            f"{'with' if second_order else 'no'} second order)")
    X = sobol_sample.sample(problem, int(n_base), calc_second_order=second_order, seed=seed)
    Y = _run(evaluate_params, X, outcomes)
    indices = {}
    for name, y in Y.items():
        si = sobol_analyze.analyze(problem, y, calc_second_order=second_order,
                                   num_resamples=num_resamples, conf_level=conf_level,
                                   seed=seed)
        keys = ["S1", "S1_conf", "ST", "ST_conf"] + (["S2", "S2_conf"] if second_order else [])
        indices[name] = {k: np.asarray(si[k], dtype=np.float64) for k in keys}
    return SensitivityResult("sobol", problem["names"], np.asarray(problem["bounds"]), X, Y,
                             indices, {"n_base": int(n_base), "second_order": second_order,
                                       "seed": seed, "num_resamples": num_resamples,
                                       "conf_level": conf_level})


def morris_analysis(parameters: Mapping[str, tuple[float, float]],
                    evaluate_params: EvaluateParams, n_trajectories: int, *,
                    num_levels: int = 4, outcomes: Sequence[str] | None = None,
                    seed: int = 0, num_resamples: int = 200, conf_level: float = 0.95,
                    log: Callable[[str], None] | None = print) -> SensitivityResult:
    """Morris elementary effects (mu, mu*, sigma) over ``n_trajectories`` trajectories.

    ``num_levels`` must be even (SALib's grid jump is ``num_levels / (2 (num_levels - 1))``).
    Other parameters as in :func:`sobol_analysis`.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample
    if isinstance(n_trajectories, bool) or not isinstance(n_trajectories, (int, np.integer)) \
            or n_trajectories < 2:
        raise ValueError(f"n_trajectories must be an integer >= 2, got {n_trajectories!r}")
    if isinstance(num_levels, bool) or not isinstance(num_levels, int) or num_levels < 2 \
            or num_levels % 2:
        raise ValueError(f"num_levels must be an even integer >= 2, got {num_levels!r}")
    problem = _problem(parameters)
    n_runs = n_runs_morris(problem["num_vars"], int(n_trajectories))
    if log:
        log(f"morris: {n_runs} model runs (r={n_trajectories}, D={problem['num_vars']}, "
            f"{num_levels} levels)")
    X = morris_sample.sample(problem, int(n_trajectories), num_levels=num_levels, seed=seed)
    Y = _run(evaluate_params, X, outcomes)
    indices = {}
    for name, y in Y.items():
        si = morris_analyze.analyze(problem, X, y, num_resamples=num_resamples,
                                    conf_level=conf_level, num_levels=num_levels, seed=seed)
        indices[name] = {k: np.asarray(si[k], dtype=np.float64)
                         for k in ("mu", "mu_star", "sigma", "mu_star_conf")}
    return SensitivityResult("morris", problem["names"], np.asarray(problem["bounds"]), X, Y,
                             indices, {"n_trajectories": int(n_trajectories),
                                       "num_levels": num_levels, "seed": seed,
                                       "num_resamples": num_resamples, "conf_level": conf_level})
