"""Benchmark: the run-in shared between copies of a patient, against integrating every row whole.

    python benchmarks/bench_shared_run_in.py              # 400-patient findings pools, 200-replicate trial
    python benchmarks/bench_shared_run_in.py --pool 100 --replicates 50 --repeat 2

Two batches that hold the same patients under several regimens, built as the package builds them:

* *findings pool*: the 400 patients of the human findings population under the five regimens of a
  typical finding (untreated, saline, HA, bone-marrow MSCs, PRP), as ``PoolSet.prepare`` batches
  them;
* *trial replicas*: ``sim.trial.run_trial``'s rows for 200 replicate trials of 25 patients per arm
  and three arms (independent allocation: arm ``k`` of replicate ``r`` holds block ``r + k`` of the
  population, so most patients appear in every arm).

Each batch is solved twice in the same process from the same inputs: whole, every row from the
start of the run-in (``KNEE.solve_ensemble``, the baseline), and split at day 0 with the run-in
solved once per distinct row (``sim.simulation.solve_inputs``, what ``simulate`` does). Printed:
the best of ``--repeat`` wall times, their ratio, the distinct share of the rows, and the largest
difference between the two solves on the output days, relative to each state's size (both are
within the solver's tolerance of the true path, so they differ at that level, not bit for bit).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _best(f, repeat: int):
    out, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = f()
        out.append(time.perf_counter() - t)
    return min(out), value


def _compare(label: str, patients, regimens, days, repeat: int) -> None:
    from sim.engine.compiled import KNEE
    from sim.regimen import Regimen
    from sim.simulation import DEFAULT_OPTIONS, build_inputs, solve_inputs, start_day

    regimens = [Regimen.parse(r) for r in regimens]
    t0 = start_day(patients, regimens, 180.0)
    y0, p, ev = build_inputs(patients, regimens, t0)
    distinct = len({(y0[i].tobytes(), p[i].tobytes()) for i in range(len(patients))})
    whole_s, whole = _best(lambda: KNEE.solve_ensemble(y0, p, *ev, t_out=days, t0=t0, options=DEFAULT_OPTIONS),
                           repeat)
    split_s, split = _best(lambda: solve_inputs(y0, p, ev, t0=t0, t_out=days, options=DEFAULT_OPTIONS), repeat)
    ok = (whole.status == 0) & (split.status == 0)
    err = np.abs(split.y[ok] - whole.y[ok]) / np.maximum(np.abs(whole.y[ok]), 1.0)
    print(f"{label}: {len(patients)} rows ({distinct} distinct before day 0): whole {whole_s:.2f} s, "
          f"shared run-in {split_s:.2f} s, speed-up {whole_s / split_s:.2f}x, max difference {err.max():.1e} "
          f"(per unit of each state's size), failed {int((~ok).sum())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=int, default=400, help="patients per findings pool")
    ap.add_argument("--replicates", type=int, default=200, help="replicate trials")
    ap.add_argument("--repeat", type=int, default=3, help="timings per solve (best is kept)")
    args = ap.parse_args()
    from sim.findings.catalog import HUMAN
    from sim.population import sample_population
    from sim.regimen import Regimen
    from sim.simulation import build_inputs, solve_inputs

    warm = build_inputs([sample_population(HUMAN, 2, 0).patients()[0]], [Regimen.parse("none()@0")], -180.0)
    solve_inputs(*warm, t0=-180.0, t_out=np.array([0.0, 1.0]))  # load the compiled kernel

    arms = ("none()@0", "saline(ml=4)@0", "ha(mg=30,form=linear)@0", "msc(cells=4e7,source=bm,allogeneic=0)@0",
            "prp(ml=5,leukocyte=poor)@0")
    pool = sample_population(HUMAN, args.pool, 1).patients()
    _compare("findings pool", [pt for _ in arms for pt in pool], [a for a in arms for _ in pool],
             np.array([0.0, 91.0, 182.0, 365.0]), args.repeat)

    n, A, R = 25, 3, args.replicates
    base = sample_population(HUMAN, (R + A - 1) * n, 2).patients()
    trial_arms = ("saline(ml=4)@0", "msc(cells=1e7,source=bm,allogeneic=0)@0",
                  "msc(cells=1e8,source=bm,allogeneic=0)@0")
    patients, regimens = [], []
    for k, arm in enumerate(trial_arms):  # replicate r, arm k: population block r + k (as run_trial)
        rows = ((np.arange(R)[:, None] + k) * n + np.arange(n)[None, :]).ravel()
        patients += [base[i] for i in rows]
        regimens += [arm] * rows.size
    _compare("trial replicas", patients, regimens, np.array([0.0, 182.0, 365.0, 730.0]), args.repeat)


if __name__ == "__main__":
    main()
