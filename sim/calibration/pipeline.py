"""The whole calibration as one plain function: targets, point estimate, posterior, report.

``sim-calibrate`` (Hydra) only builds the arguments and calls :func:`calibrate`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from sim.calibration.fit import Problem, chain_diagnostics, identifiability, point_estimate, posterior_draws, run_mcmc
from sim.calibration.priors import CALIBRATED, names
from sim.calibration.validation import ValidationReport

__all__ = ["calibrate", "package_result", "install_calibration", "PACKAGE_DATA_DIR"]

#: Where the shipped calibration lives (read by ``sim.data.calibrated``).
PACKAGE_DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "calibration"


def calibrate(out_dir, *, n_sim: int = 12, seed: int = 2024, maxfev: int = 300, n_walkers: int = 30,
              n_steps: int = 100, burn: float = 0.5, max_draws: int = 200, n_draws_report: int = 20,
              checkpoint_every: int = 5, use_pooled: bool = False, arms=None, outcomes=None, pooled=None,
              progress=None, start_chain=None, findings_weight: float = 0.0,
              findings_pool: int = 16, moves: str = "stretch") -> dict:
    """Run the calibration; write ``chain.h5`` (resumable), ``calibration.h5`` and ``fit_rows.csv``.

    By default the posterior is fitted to the trial rows only (``use_pooled=False``): the pooled
    meta-analytic rows do not list their trials, so leave-one-study-out validation adds them
    by importance weighting instead (:mod:`sim.calibration.loso`).

    ``start_chain``: a previous run's ``chain.h5``; its walkers (the higher-posterior half of its
    last half, picked at random; parameters it lacks start at their defaults) start the new
    chain and its best point replaces the Nelder-Mead search (a warm start after a model change).
    A ``posterior.h5`` of draws (the shipped one, or one written by ``package=true``) works the
    same way: ``n_walkers`` of its draws, picked at random, start the chain, and the best of them
    under the current posterior is the point estimate. This continues a calibration whose
    ``chain.h5`` is gone.

    ``moves``: emcee's proposal, ``"stretch"`` (Goodman & Weare 2010, emcee's default) or
    ``"de"``: differential evolution (ter Braak 2006) with a 20% share of snooker updates
    (ter Braak & Vrugt 2008), emcee's recommendation for posteriors with strongly correlated
    parameters, where the stretch move mixes slowly.

    ``findings_weight`` > 0 adds ``findings_weight`` times the log density of
    :class:`~sim.calibration.findings_term.FindingsTerm` (the seed findings as soft constraints,
    ``findings_pool`` patients per arm) to the posterior; 0 leaves it out.

    Returns a dict with the point estimate, posterior draws float64[S, P], the identifiability
    report, ArviZ chain diagnostics, the training-row :class:`ValidationReport`, the training
    rows as written to ``calibration.h5`` (``"rows"``: observed, predicted median and 95%
    interval, span, standardised residual, each float64[n]; ``"study"``: the rows' studies) and
    timings. The figure of the fit (``fit_report.png``) is drawn by the command line
    (:func:`sim.cli.figures.write_fit_figure`) from these.
    """
    from sim.calibration.fit import emcee_moves
    from sim.data import load_pooled
    from sim.evidence import load_arms, load_outcomes
    from sim.io.calibration_file import write_calibration

    emcee_moves(moves)  # a wrong proposal name fails now, not after the point estimate
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    arms = load_arms() if arms is None else arms
    outcomes = load_outcomes() if outcomes is None else outcomes
    pooled = (load_pooled() if pooled is None else pooled) if use_pooled else ()
    problem = Problem(arms, outcomes, pooled, n_sim=n_sim, seed=seed)
    if findings_weight > 0:
        from sim.calibration.findings_term import FindingsTerm

        problem.findings_term = FindingsTerm(findings_weight, pool=findings_pool)
    say = progress or (lambda line: None)
    say(f"calibrate: {len(problem.targets)} rows, {len(problem.studies)} blocks, {len(names())} parameters")
    start_positions = None
    if start_chain is not None:
        start_positions, est, new = _warm_start(problem, start_chain, n_walkers, seed)
        if new and maxfev > 0:
            # The chain lacks parameters the model gained: refine the old best point with a
            # Nelder-Mead search and start the walkers in a ball around it instead.
            say(f"calibrate: new parameters {', '.join(new)}; Nelder-Mead from the chain's best point")
            est = point_estimate(problem, x0=[est["values"][n] for n in names()], maxfev=maxfev)
            start_positions = None
    else:
        est = point_estimate(problem, maxfev=maxfev)
    say(f"calibrate: point estimate after {time.perf_counter() - t0:.0f} s; "
        f"emcee {n_walkers} walkers x {n_steps} steps")
    config = dict(n_sim=n_sim, seed=seed, maxfev=maxfev, n_walkers=n_walkers, n_steps=n_steps, burn=burn,
                  use_pooled=use_pooled, moves=moves, findings_weight=findings_weight, findings_pool=findings_pool)
    chain = run_mcmc(problem, out_dir / "chain.h5", n_walkers=n_walkers, n_steps=n_steps, seed=seed,
                     start=est["values"], checkpoint_every=checkpoint_every, config=config,
                     start_positions=start_positions, moves=moves)
    est = best_point(est, chain)
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
    rows = {"key": [t.key for t in problem.targets], "observed": problem.observed, "predicted": med,
            "pi95_low": lo, "pi95_high": hi, "se": problem.se, "span": problem.span,
            "standardised_residual": resid}
    write_calibration(out_dir / "calibration.h5", {
        "@attrs": {"description": "calibration of the knee model against the packaged trial data",
                   # seconds: this call (a resumed run counts only its own part); chain_seconds: the
                   # MCMC over all its resumes, the figure that says what the calibration cost
                   "seconds": seconds, "chain_seconds": float(chain.seconds),
                   "coverage95_training": report.coverage95,
                   "sign_agreement_training": report.sign_agreement, "rows_scored": len(report.targets),
                   "rows_skipped": len(report.skipped), **{k: str(v) for k, v in config.items()}},
        "names": list(names()),
        "point_estimate": np.array([est["values"][n] for n in names()]),
        "posterior_samples": draws,
        "identifiability": {"correlation": ident["correlation"], "width_ratio": ident["width_ratio"]},
        "diagnostics": {"rhat": diag["rhat"], "ess_bulk": diag["ess_bulk"], "ess_tail": diag["ess_tail"]},
        "rows": dict(rows),
    })
    return {"point_estimate": est, "draws": draws, "identifiability": ident, "diagnostics": diag, "report": report,
            "seconds": seconds, "mcmc_seconds": chain.seconds, "config": config, "problem": problem,
            "rows": rows, "study": [t.study for t in problem.targets]}


def best_point(est: dict, chain) -> dict:
    """The point estimate: the search's result, or the chain's best draw where that is higher.

    Nelder-Mead stops at its evaluation budget, and a warm start's point is the best of the old
    walkers; the chain often climbs past either. The shipped defaults (``point_estimate.json``)
    should be the highest posterior point the run saw.

    Parameters
    ----------
    est : dict
        ``{"values": {name: natural value}, "log_posterior": float, ...}`` of the search.
    chain : sim.calibration.fit.Chain
        ``chain`` float64[S, W, P] log parameters and ``log_prob`` float64[S, W].
    """
    logp = np.asarray(chain.log_prob)
    if logp.size == 0 or not np.isfinite(logp).any() or np.nanmax(logp) <= est["log_posterior"]:
        return est
    s, w = np.unravel_index(int(np.nanargmax(logp)), logp.shape)
    values = {n: float(np.exp(chain.chain[s, w, j])) for j, n in enumerate(names())}
    return {**est, "values": values, "log_posterior": float(logp[s, w]), "from_chain_step": int(s)}


def _warm_start(problem, chain_h5, n_walkers: int, seed: int):
    from sim.calibration.priors import CalibrationError
    from sim.io.calibration_file import read_chain, read_posterior
    from sim.io.versioned_layout import FileFormatError

    try:
        stored = read_chain(chain_h5)  # a file it cannot use raises, naming the file and the field
    except FileFormatError as chain_error:
        try:
            old_names, samples = read_posterior(chain_h5)
        except FileFormatError:
            raise chain_error from None
        return _warm_start_from_draws(problem, old_names, samples, n_walkers, seed)
    old = list(stored.names)
    chain, logp = stored.chain, stored.log_prob
    half = chain[chain.shape[0] // 2:].reshape(-1, chain.shape[2])
    lp = logp[logp.shape[0] // 2:].ravel()
    good = half[lp >= np.median(lp)]
    if good.shape[0] < n_walkers:
        raise CalibrationError(f"start_chain: {good.shape[0]} usable positions; allowed: a chain with at least "
                               f"{2 * n_walkers} draws in its last half")
    pick = good[np.random.default_rng(seed).choice(good.shape[0], n_walkers, replace=False)]
    pos, new = _walker_positions(pick, old, seed)
    default = np.log([p.default for p in CALIBRATED])
    best = half[np.argmax(lp)]
    values = {n: float(np.exp(best[old.index(n)])) if n in old else float(np.exp(default[j]))
              for j, n in enumerate(names())}
    lp_best = float(problem.log_posterior(np.log([values[n] for n in names()])[None, :])[0])
    return pos, {"values": values, "log_posterior": lp_best, "n_evals": 1, "seconds": 0.0}, new


def _walker_positions(pick: np.ndarray, old: list[str], seed: int) -> tuple[np.ndarray, list[str]]:
    """Walker positions float64[W, P] (log) from old positions float64[W, P_old] named ``old``.

    Parameters the old run lacks start at their table default with a small jitter (SD 0.05 in
    log space), so the walkers are not degenerate in those directions. Returns the positions and
    the names of those new parameters.
    """
    default = np.log([p.default for p in CALIBRATED])
    pos = np.tile(default, (pick.shape[0], 1))
    jitter = 0.05 * np.random.default_rng(seed + 1).standard_normal(pos.shape)
    for j, n in enumerate(names()):
        pos[:, j] = pick[:, old.index(n)] if n in old else default[j] + jitter[:, j]
    return pos, [n for n in names() if n not in old]


def _warm_start_from_draws(problem, old_names, samples, n_walkers: int, seed: int):
    """Walkers from natural-scale posterior draws float64[D, P_old] (see :func:`calibrate`)."""
    from sim.calibration.priors import CalibrationError

    old = list(old_names)
    if samples.shape[0] < n_walkers:
        raise CalibrationError(f"start_chain: {samples.shape[0]} posterior draws; allowed: a posterior with at "
                               f"least n_walkers={n_walkers} draws")
    pick = np.log(samples[np.random.default_rng(seed).choice(samples.shape[0], n_walkers, replace=False)])
    pos, new = _walker_positions(pick, old, seed)
    lp = problem.log_posterior(pos)
    best = pos[int(np.argmax(lp))]
    values = {n: float(np.exp(best[j])) for j, n in enumerate(names())}
    return pos, {"values": values, "log_posterior": float(np.max(lp)), "n_evals": n_walkers, "seconds": 0.0}, new


def package_result(result: dict, data_dir) -> None:
    """Write the shipped calibration (``point_estimate.json``, ``posterior.h5``) into ``data_dir``."""
    report = result["report"]
    training = {"coverage95_training": report.coverage95, "sign_agreement_training": report.sign_agreement,
                "rows_scored": len(report.targets), "rows_skipped": len(report.skipped)}
    _write_package(data_dir, draws=result["draws"], map_values=result["point_estimate"]["values"],
                   config=result["config"], width_ratio=result["identifiability"]["width_ratio"],
                   pairs=result["identifiability"]["correlated_pairs"], diagnostics=result["diagnostics"],
                   seconds=result["seconds"], chain_seconds=result["mcmc_seconds"], training=training)


def install_calibration(calibration_h5, data_dir=None) -> Path:
    """Install a finished calibration (its ``calibration.h5``) as the package default.

    ``sim-calibrate`` writes into its own run folder only; this explicit step copies the
    posterior draws and their median into ``data_dir`` (default: the package's
    ``sim/data/calibration``), checking that the parameter names match the calibrated set.
    """
    from sim.calibration.priors import CalibrationError
    from sim.io import read_tree

    tree = read_tree(calibration_h5)
    cols = tuple(str(n) for n in tree["names"])
    if cols != names():
        raise CalibrationError(f"{Path(calibration_h5).name}: parameters {cols} differ from the calibrated set "
                               f"{names()}; allowed: a calibration made by this version")
    attrs = tree.get("@attrs", {})
    config = {k: attrs[k] for k in ("n_sim", "seed", "maxfev", "n_walkers", "n_steps", "burn", "use_pooled")
              if k in attrs}
    draws = np.asarray(tree["posterior_samples"], dtype=float)
    ident = identifiability(draws)
    diag = {k: np.asarray(v, dtype=float) for k, v in tree.get("diagnostics", {}).items()}
    training = {k: attrs[k] for k in ("coverage95_training", "sign_agreement_training", "rows_scored",
                                      "rows_skipped") if k in attrs}
    data_dir = PACKAGE_DATA_DIR if data_dir is None else Path(data_dir)
    _write_package(data_dir, draws=draws, map_values=dict(zip(names(), map(float, tree["point_estimate"]))),
                   config=config, width_ratio=ident["width_ratio"], pairs=ident["correlated_pairs"], diagnostics=diag,
                   seconds=float(attrs.get("seconds", float("nan"))),
                   chain_seconds=float(attrs.get("chain_seconds", float("nan"))), training=training)
    return data_dir


def _plain(v):
    return v.item() if hasattr(v, "item") else (v.decode() if isinstance(v, bytes) else v)


def _write_package(data_dir, *, draws, map_values, config, width_ratio, pairs, diagnostics, seconds, chain_seconds,
                   training) -> None:
    from sim.atomic import write_text_atomic
    from sim.io.calibration_file import write_posterior

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Shipped point estimate: posterior median (robust for the default run), with the MAP search kept for reference.
    med = np.median(draws, axis=0)
    use_pooled = str(config.get("use_pooled", "False")).lower() == "true"
    meta = {
        "description": "Calibrated defaults of sim (posterior median); regenerate with sim-calibrate, then "
                       "sim-install-calibration <run folder>/calibration.h5",
        "values": {n: float(v) for n, v in zip(names(), med)},
        "map_search": {k: float(v) for k, v in map_values.items()},
        "units": {p.name: p.unit for p in CALIBRATED},
        "config": {k: _plain(v) for k, v in config.items()},
        **{k: _plain(v) for k, v in training.items()},
        "posterior_width_ratio": {n: float(v) for n, v in zip(names(), width_ratio)},
        **{key: {n: float(v) for n, v in zip(names(), diagnostics[key])} for key in ("rhat", "ess_bulk")
           if key in diagnostics},
        "correlated_pairs": [list(p) for p in pairs],
        "seconds": float(seconds),  # the sim-calibrate call that finished the run
        "chain_seconds": float(chain_seconds),  # the MCMC chain over all its resumes (NaN: not recorded)
        "data": "sim/data/trials/arms.csv, outcomes.csv" + (", pooled.csv" if use_pooled else "")
                + " (manifest digests in sim/data/manifest.json)",
    }
    write_text_atomic(data_dir / "point_estimate.json", json.dumps(meta, indent=1) + "\n")
    write_posterior(data_dir / "posterior.h5", {"@attrs": {"description": "posterior draws of the calibrated "
                                                      "parameters (natural scale) [draw, parameter]"},
                                           "names": list(names()), "samples": draws})


def main_install(argv=None) -> int:
    """``sim-install-calibration CALIBRATION_H5 [--data-dir DIR]``: make a calibration the package default."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="sim-install-calibration", description=main_install.__doc__)
    ap.add_argument("calibration", help="calibration.h5 written by sim-calibrate")
    ap.add_argument("--data-dir", default=None, help="target folder (default: the package's sim/data/calibration)")
    args = ap.parse_args(argv)
    if not Path(args.calibration).is_file():
        print(f"sim-install-calibration: error: calibration: {args.calibration!r} is not a file; allowed: the "
              "calibration.h5 of a sim-calibrate run", file=sys.stderr)
        return 2
    try:
        where = install_calibration(args.calibration, args.data_dir)
    except (ValueError, OSError) as exc:
        print(f"sim-install-calibration: error: {exc}", file=sys.stderr)
        return 2
    print(f"installed {args.calibration} as the default calibration in {where}")
    return 0

