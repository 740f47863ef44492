"""Benchmark: vectorised trial statistics vs scipy.stats with nan_policy="omit".

Both sides compute the same numbers (the tests check agreement); the ratio shows what the
vectorised complete-case path saves when replicate trials have different dropouts.

    python benchmarks/bench_trial_statistics.py [replicates] [patients]
"""

import sys
import time

import numpy as np
from scipy import stats

from sim.data import load_pooled
from sim.evidence import load_arms, load_outcomes
from sim.trial import arm_summary, mann_whitney_u_test, welch_t_test


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(replicates=1000, patients=100):
    rng = np.random.default_rng(0)
    a = rng.normal(50, 15, size=(replicates, patients))
    b = rng.normal(45, 15, size=(replicates, patients))
    a[rng.random(a.shape) < 0.1] = np.nan  # 10% dropout, different per replicate

    rows = [
        ("Welch t test", lambda: welch_t_test(a, b),
         lambda: stats.ttest_ind(a, b, axis=-1, equal_var=False, nan_policy="omit")),
        ("Mann-Whitney U", lambda: mann_whitney_u_test(a, b),
         lambda: stats.mannwhitneyu(a, b, axis=-1, method="asymptotic", nan_policy="omit")),
        ("median + IQR", lambda: arm_summary(a),
         lambda: np.nanpercentile(a, [25, 50, 75], axis=-1)),
    ]
    print(f"{replicates} replicate trials x {patients} patients per arm, 10% dropout")
    print(f"{'statistic':<16}{'sim [ms]':>10}{'baseline [ms]':>15}{'speed-up':>10}")
    for name, ours, base in rows:
        t_ours, t_base = best_of(ours), best_of(base)
        print(f"{name:<16}{1e3 * t_ours:>10.1f}{1e3 * t_base:>15.1f}{t_base / t_ours:>10.1f}")
    t_load = best_of(lambda: (load_arms(), load_outcomes(), load_pooled()), repeat=3)
    print(f"load + validate packaged trial data: {1e3 * t_load:.0f} ms")


if __name__ == "__main__":
    main(*(int(v) for v in sys.argv[1:3]))
