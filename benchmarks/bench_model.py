"""Throughput of the knee model through the ensemble engine vs scipy solve_ivp (same run).

Population: N virtual KL 2-4 patients (age, BMI varied), 24 months after a 180-day run-in, a
5-event regimen (MSC, HA, PRP, repeat MSC, corticosteroid). scipy's LSODA integrates the same
rhs piecewise between the same dose jumps for a subset; its per-patient time is extrapolated.
Last line: ``traj_per_s=<engine> vs_scipy=<ratio>x max_rel_err=<value> threads=<n>``.

    python benchmarks/bench_model.py [--n 2000] [--quick]
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np
from scipy.integrate import solve_ivp

import sim
from sim.model.rhs import rhs
from sim.observe import observe
from sim.simulation import build_inputs, simulate

REGIMEN = ("msc(cells=5e7,source=ad,allogeneic=0)@0;ha(mg=30,form=linear)@0;prp(ml=5,leukocyte=poor)@30;"
           "msc(cells=5e7,source=ad,allogeneic=0)@182;steroid(mg=40,drug=triamcinolone)@365")
TIMES = np.array([0.0, 91.0, 182.0, 365.0, 730.0])


def population(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [sim.Patient(kl_grade=int(k), age=float(a), bmi=float(b))
            for k, a, b in zip(rng.integers(2, 5, n), rng.uniform(45, 75, n), rng.uniform(22, 35, n))]


def scipy_one(patient, rtol=1e-6, atol=1e-9):
    y0, p, (ev_t, ev_idx, ev_mul, ev_add) = build_inputs([patient], [sim.Regimen.parse(REGIMEN)], -181.0)
    y, t0, p = y0[0].copy(), -181.0, p[0]
    f = np.empty_like(y)
    fun = lambda t, x: (rhs(t, x, p, f), f.copy())[1]  # noqa: E731
    bounds = [t for t in ev_t[0] if np.isfinite(t)] + [TIMES[-1]]
    out = {}
    for e, t1 in enumerate(bounds):
        te = [t for t in TIMES if t0 <= t <= t1]
        sol = solve_ivp(fun, (t0, t1), y, method="LSODA", rtol=rtol, atol=atol, t_eval=te or None)
        for t, col in zip(sol.t, sol.y.T):
            out[t] = col
        y = sol.y[:, -1].copy()
        if e < len(ev_t[0]) and np.isfinite(ev_t[0][e]):
            for i, m, a in zip(ev_idx[0, e], ev_mul[0, e], ev_add[0, e]):
                if i >= 0:
                    y[i] = y[i] * m + a
            out[t1] = y.copy()
        t0 = t1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--scipy-n", type=int, default=10)
    ap.add_argument("--quick", action="store_true", help="N=400, 4 scipy patients")
    args = ap.parse_args(argv)
    n, ns = (400, 4) if args.quick else (args.n, args.scipy_n)
    pts = population(n)
    t = time.perf_counter()
    simulate(pts[:2], REGIMEN, times=TIMES)
    print(f"first call (compile or cache load): {time.perf_counter() - t:.2f} s")
    rates = {}
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        t = time.perf_counter()
        res = simulate(pts, REGIMEN, times=TIMES)
        rates[threads] = n / (time.perf_counter() - t)
        print(f"engine, {threads} thread(s): {rates[threads]:.0f} traj/s; "
              f"mean steps {res.solver_stats['n_steps'].mean():.0f}; failed {(res.status != 0).sum()}")
    t = time.perf_counter()
    for pt in pts[:ns]:
        scipy_one(pt)
    scipy_rate = ns / (time.perf_counter() - t)
    print(f"scipy solve_ivp LSODA (rtol 1e-6): {scipy_rate:.1f} traj/s on {ns} patients")
    # Accuracy of the engine's default tolerances against a tight engine reference.
    tight = simulate(pts[:ns], REGIMEN, times=TIMES, options=sim.SolverOptions(rtol=1e-10, atol=1e-12,
                     max_steps=2_000_000, autonomous=True))
    err = 0.0
    for m in ("WOMAC_total", "VAS_pain", "MRI_cartilage_volume"):
        a, b = observe(res, m)[:ns], observe(tight, m)
        err = max(err, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))))
    best = max(rates, key=rates.get)
    print(f"traj_per_s={rates[best]:.0f} vs_scipy={rates[best] / scipy_rate:.1f}x max_rel_err={err:.2e} "
          f"threads={best}")


if __name__ == "__main__":
    main()
