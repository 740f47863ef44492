"""The whole calibration as one plain function: targets, point estimate, posterior, report.

``sim-calibrate`` (Hydra) only builds the arguments and calls :func:`calibrate`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from sim.calibration.fit import (Problem, chain_diagnostics, identifiability, point_estimate, posterior_draws,
                                 run_mcmc)
from sim.calibration.parameters import CALIBRATED, names
from sim.calibration.validate import ValidationReport

__all__ = ["calibrate", "package_result"]


def calibrate(out_dir, *, n_sim: int = 12, seed: int = 2024, maxfev: int = 300, n_walkers: int = 30,
              n_steps: int = 100, burn: float = 0.5, max_draws: int = 200, n_draws_report: int = 20,
              checkpoint_every: int = 5, use_pooled: bool = False, arms=None, outcomes=None, pooled=None,
              figures: bool = True, progress=None) -> dict:
    """Run the calibration; write ``chain.h5`` (resumable), ``calibration.h5``, ``fit_rows.csv``, ``fit_report.png``.

    By default the posterior is fitted to the trial rows only (``use_pooled=False``): the pooled
    meta-analytic rows do not list their trials, so leave-one-study-out validation adds them
    by importance weighting instead (:mod:`sim.calibration.loso`).

    Returns a dict with the point estimate, posterior draws float64[S, P], the identifiability
    report, ArviZ chain diagnostics, the training-row :class:`ValidationReport` and timings.
    """
    from sim.data import load_arms, load_outcomes, load_pooled
    from sim.io import write_tree

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    arms = load_arms() if arms is None else arms
    outcomes = load_outcomes() if outcomes is None else outcomes
    pooled = (load_pooled() if pooled is None else pooled) if use_pooled else ()
    problem = Problem(arms, outcomes, pooled, n_sim=n_sim, seed=seed)
    say = progress or (lambda line: None)
    say(f"calibrate: {len(problem.targets)} rows, {len(problem.studies)} blocks, {len(names())} parameters; "
        f"point estimate ({maxfev} evaluations at most)")
    est = point_estimate(problem, maxfev=maxfev)
    say(f"calibrate: point estimate after {time.perf_counter() - t0:.0f} s; emcee {n_walkers} walkers x {n_steps} steps")
    config = dict(n_sim=n_sim, seed=seed, maxfev=maxfev, n_walkers=n_walkers, n_steps=n_steps, burn=burn,
                  use_pooled=use_pooled)
    chain = run_mcmc(problem, out_dir / "chain.h5", n_walkers=n_walkers, n_steps=n_steps, seed=seed,
                     start=est["values"], checkpoint_every=checkpoint_every, config=config)
    draws = posterior_draws(chain, burn=burn, max_draws=max_draws, seed=seed)
    ident = identifiability(draws)
    diag = chain_diagnostics(chain, burn=burn)
    sub = draws[np.random.default_rng(seed).choice(draws.shape[0], min(n_draws_report, draws.shape[0]), replace=False)]
    pr = problem.evaluate(sub)
    y = problem.predictive_samples(sub, 50, seed, prediction=pr)
    med, lo, hi = np.nanquantile(y, [0.5, 0.025, 0.975], axis=0)
    mu = np.nanmedian(pr.mean, axis=0)
    report = ValidationReport(problem.targets, problem.skipped, med, lo, hi, y, tuple(arms))
    centre = np.median(sub, axis=0, keepdims=True)
    resid = (problem.observed - mu) / problem.predictive_sd(centre)[0]
    (out_dir / "fit_rows.csv").write_text(report.to_csv())
    seconds = time.perf_counter() - t0
    write_tree(out_dir / "calibration.h5", {
        "@attrs": {"description": "calibration of the knee model against the packaged trial data",
                   "seconds": seconds, "coverage95_training": report.coverage95,
                   **{k: str(v) for k, v in config.items()}},
        "names": list(names()),
        "point_estimate": np.array([est["values"][n] for n in names()]),
        "posterior_samples": draws,
        "identifiability": {"correlation": ident["correlation"], "width_ratio": ident["width_ratio"]},
        "diagnostics": {"rhat": diag["rhat"], "ess_bulk": diag["ess_bulk"], "ess_tail": diag["ess_tail"]},
        "rows": {"key": [t.key for t in problem.targets], "observed": problem.observed, "predicted": med,
                 "pi95_low": lo, "pi95_high": hi, "se": problem.se, "span": problem.span,
                 "standardised_residual": resid},
    })
    if figures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from sim.plotting.calibration import plot_predicted_vs_observed, plot_study_residuals

        fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [1, 1.3]})
        plot_predicted_vs_observed(problem.observed, med, lo, hi, problem.span, ax=axes[0])
        plot_study_residuals([t.study for t in problem.targets], resid, ax=axes[1])
        fig.tight_layout()
        fig.savefig(out_dir / "fit_report.png", dpi=120)
        plt.close(fig)
    return {"point_estimate": est, "draws": draws, "identifiability": ident, "diagnostics": diag, "report": report,
            "seconds": seconds, "mcmc_seconds": chain.seconds, "config": config, "problem": problem}


def package_result(result: dict, data_dir) -> None:
    """Write the shipped calibration (``point_estimate.json``, ``posterior.h5``) into ``data_dir``."""
    from sim.io import write_tree

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    ident = result["identifiability"]
    # Shipped point estimate: posterior median (robust for the default run), with the MAP search kept for reference.
    med = np.median(result["draws"], axis=0)
    meta = {
        "description": "Calibrated defaults of sim (posterior median); regenerate with sim-calibrate package=true",
        "values": {n: float(v) for n, v in zip(names(), med)},
        "map_search": result["point_estimate"]["values"],
        "units": {p.name: p.unit for p in CALIBRATED},
        "config": result["config"],
        "coverage95_training": result["report"].coverage95,
        "sign_agreement_training": result["report"].sign_agreement,
        "rows_scored": len(result["report"].targets), "rows_skipped": len(result["report"].skipped),
        "posterior_width_ratio": {n: float(v) for n, v in zip(names(), ident["width_ratio"])},
        "rhat": {n: float(v) for n, v in zip(names(), result["diagnostics"]["rhat"])},
        "ess_bulk": {n: float(v) for n, v in zip(names(), result["diagnostics"]["ess_bulk"])},
        "correlated_pairs": [list(p) for p in ident["correlated_pairs"]],
        "seconds": result["seconds"],
        "data": "sim/data/trials/arms.csv, outcomes.csv" + (", pooled.csv" if result["config"]["use_pooled"] else "")
                + " (manifest digests in sim/data/manifest.json)",
    }
    tmp = data_dir / ".point_estimate.json.tmp"
    tmp.write_text(json.dumps(meta, indent=1) + "\n")
    tmp.replace(data_dir / "point_estimate.json")
    write_tree(data_dir / "posterior.h5", {"@attrs": {"description": "posterior draws of the calibrated "
                                                      "parameters (natural scale) [draw, parameter]"},
                                           "names": list(names()), "samples": result["draws"]})
