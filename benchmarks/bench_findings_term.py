"""Cost of the findings term in the calibration: likelihood evaluations with and without it.

    python benchmarks/bench_findings_term.py [--n-sim 12] [--walkers 30] [--pool 16] [--repeat 3]

Times ``Problem.log_posterior`` for 1 and for n_walkers/2 parameter vectors (one emcee half-step),
first without the findings term and then with it (weight 1, ``--pool`` patients per arm), in the
same process after both have been compiled, and prints the ratios. Each timing is the best of
``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _best(f, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-sim", type=int, default=12)
    ap.add_argument("--walkers", type=int, default=30)
    ap.add_argument("--pool", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import sim  # noqa: F401
    from sim.calibration import Problem
    from sim.calibration.findings_term import FindingsTerm, shipped_theta
    from sim.evidence import load_arms, load_outcomes

    problem = Problem(load_arms(), load_outcomes(), n_sim=args.n_sim)  # the trial rows, as sim-calibrate
    term = FindingsTerm(1.0, pool=args.pool)
    one = np.log(shipped_theta())[None, :]
    half = np.repeat(one, args.walkers // 2, axis=0)
    times = {}
    for label, attached in (("without", None), ("with", term)):
        problem.findings_term = attached
        problem.log_posterior(one)  # compile / load the kernel cache
        times[label] = (_best(lambda: problem.log_posterior(one), args.repeat),
                        _best(lambda: problem.log_posterior(half), args.repeat))
    (a1, ah), (b1, bh) = times["without"], times["with"]
    print(f"targets={len(problem.targets)} n_sim={args.n_sim}; findings: {len(term.relations)} relations, "
          f"{term.n_patients} trajectories per theta (pool {args.pool})")
    print(f"one evaluation: {a1:.3f} s without, {b1:.3f} s with the findings term (x{b1 / a1:.2f})")
    print(f"half-ensemble of {half.shape[0]}: {ah:.3f} s without, {bh:.3f} s with (x{bh / ah:.2f})")


if __name__ == "__main__":
    main()
