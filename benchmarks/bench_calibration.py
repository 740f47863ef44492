"""Calibration cost: one likelihood evaluation, and the projected full run, on this machine.

    python benchmarks/bench_calibration.py [--n-sim 12] [--walkers 30] [--steps 60] [--maxfev 400]

Times the batched forward model for 1 parameter vector (the shipped defaults) and for
n_walkers/2 distinct ones (the first draws of the shipped posterior: what one emcee half-step
hands to the forward model; identical vectors would share all their solves and flatter the
batch), and projects the full ``sim-calibrate`` run from them. The measured full run is what
``sim-calibrate`` prints as ``time``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-sim", type=int, default=12)
    ap.add_argument("--walkers", type=int, default=30)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--maxfev", type=int, default=400)
    args = ap.parse_args()
    import sim  # noqa: F401
    from sim.calibration import CALIBRATED, Problem, posterior_samples
    from sim.evidence import load_arms, load_outcomes

    problem = Problem(load_arms(), load_outcomes(), n_sim=args.n_sim)  # the trial rows, as sim-calibrate
    theta = np.array([[p.default for p in CALIBRATED]])
    log_theta = np.log(theta)
    problem.log_posterior(log_theta)  # compile / load the kernel cache
    t = time.perf_counter()
    problem.log_posterior(log_theta)
    one = time.perf_counter() - t
    _, draws = posterior_samples()
    if draws.shape[0] < args.walkers // 2:
        raise SystemExit("bench_calibration: needs the shipped posterior (sim/data/calibration/posterior.h5)")
    half = np.log(draws[: args.walkers // 2])
    t = time.perf_counter()
    problem.log_posterior(half)
    batch = time.perf_counter() - t
    projected = args.maxfev * one + 2 * args.steps * batch
    print(f"targets={len(problem.targets)} cohorts={len(problem.forward._used)} n_sim={args.n_sim}")
    print(f"one evaluation: {one:.3f} s; half-ensemble of {half.shape[0]}: {batch:.3f} s "
          f"({batch / one / half.shape[0]:.2f} x per theta of single calls)")
    print(f"projected full calibration (maxfev={args.maxfev}, {args.walkers} walkers x {args.steps} steps): "
          f"{projected / 60:.1f} min")


if __name__ == "__main__":
    main()
