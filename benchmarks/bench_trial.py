"""Benchmark: a virtual trial of 1,000 patients per arm x 9 arms x 24 months (one batched call).

    python benchmarks/bench_trial.py            # the full 9,000-trajectory trial
    python benchmarks/bench_trial.py --n 100    # smaller

Reports the wall time of the simulation (one parallel ``simulate`` call through
``sim.trial.run_trial``) and of the statistics, with the thread count, against a 2-arm baseline
run in the same process (trajectories per second should be similar: one batched path).
"""

from __future__ import annotations

import argparse
import time

import numba

from sim.trial import Arm, Endpoint, TrialSpec, run_trial, summarize

ARMS = {
    "saline": "saline(ml=4)@0", "untreated": "none()@0", "ha": "ha(mg=30,form=linear)@0",
    "prp": "prp(ml=5,leukocyte=poor)@0", "steroid": "steroid(mg=40,drug=triamcinolone)@0",
    "bm_msc_1e7": "msc(cells=1e7,source=bm,allogeneic=0)@0", "bm_msc_1e8": "msc(cells=1e8,source=bm,allogeneic=0)@0",
    "ad_msc_5e7": "msc(cells=5e7,source=ad,allogeneic=0)@0",
    "msc_prp": "msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0",
}


def spec(n: int, arms=ARMS) -> TrialSpec:
    return TrialSpec(name="bench", arms=tuple(Arm(k, v) for k, v in arms.items()), control="saline", n_per_arm=n,
                     follow_up_days=(91, 182, 365, 547, 730), dropout=0.15,
                     endpoints=(Endpoint("WOMAC_total"), Endpoint("VAS_pain"), Endpoint("MRI_cartilage_volume")))


def timed(s: TrialSpec, replicates: int = 1):
    t0 = time.perf_counter()
    trial = run_trial(s, replicates, seed=0)
    t1 = time.perf_counter()
    summarize(trial).table()
    t2 = time.perf_counter()
    return trial, t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="patients per arm")
    args = ap.parse_args()
    timed(spec(2, {k: ARMS[k] for k in ("saline", "bm_msc_1e8")}))  # compile / load the kernel cache
    base = spec(max(args.n // 10, 2), {k: ARMS[k] for k in ("saline", "bm_msc_1e8")})
    _, tb, _ = timed(base)
    n_base = 2 * base.n_per_arm["saline"]
    trial, ts, tstat = timed(spec(args.n))
    n = sum(trial.spec.n_per_arm.values())
    print(f"threads: {numba.get_num_threads()}")
    print(f"baseline 2 arms x {n_base // 2}: {tb:.2f} s ({n_base / tb:.0f} trajectories/s)")
    print(f"9 arms x {args.n} patients x 730 days: simulate {ts:.2f} s ({n / ts:.0f} trajectories/s), "
          f"statistics {tstat:.2f} s, failed {trial.n_failed}")
    print(f"ratio of throughput (full / baseline): {(n / ts) / (n_base / tb):.2f}")


if __name__ == "__main__":
    main()
