"""Throughput of the ensemble integrator on the synthetic 40-state stiff system.

Times ``sim.solver.solve_ensemble`` on ``kinetics40`` (N patients, two years, four dose events)
and, in the same run, SciPy ``solve_ivp(method="LSODA")`` on a subset and numbalsoda's LSODA
(if installed) on all patients, both piecewise between the same events. Prints trajectories per
second and ratios. Usage::

    python benchmarks/bench_solver_generic.py [--n 2000] [--rtol 1e-3] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np
from scipy.integrate import solve_ivp

from sim.solver import SolverOptions, solve_ensemble
from sim.solver import problems as P

T_END = 730.0
DOSES = (0.0, 90.0, 180.0, 270.0)


def _inputs(n):
    ev = P.kinetics40_doses(n, times=DOSES)
    return P.kinetics40_y0(n), P.kinetics40_parameters(n, seed=1), ev


def bench_sim(n, t_out, opts):
    y0, p, ev = _inputs(n)
    solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0[:4], p[:4], *(a[:4] for a in ev),
                   t_out=t_out, options=opts)  # compile / load from cache
    start = time.perf_counter()
    sol = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, t_out=t_out,
                         options=opts)
    return time.perf_counter() - start, sol


def bench_scipy(n, t_out, rtol, atol):
    y0, p, ev = _inputs(n)
    out = np.empty((n, t_out.size, y0.shape[1]))
    start = time.perf_counter()
    for k in range(n):
        f = np.empty(y0.shape[1])

        def rhs(t, y, pk=p[k], f=f):
            P.kinetics40_rhs(t, np.ascontiguousarray(y), pk, f)
            return f.copy()

        y = y0[k].copy()
        bounds = [*DOSES, T_END]
        for e, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
            y[ev[1][k, e, 0]] += ev[3][k, e, 0]
            mask = (t_out >= a) & (t_out < b)
            r = solve_ivp(rhs, (a, b), y, method="LSODA", rtol=rtol, atol=atol,
                          t_eval=np.concatenate([t_out[mask], [b]]))
            out[k, mask] = r.y.T[:-1]
            y = r.y[:, -1].copy()
        out[k, t_out == T_END] = y
    return time.perf_counter() - start, out


def bench_numbalsoda(n, t_out, rtol, atol):
    try:
        from numba import carray, cfunc
        from numbalsoda import lsoda, lsoda_sig
    except ImportError:
        return None
    n_state = P.K40_N
    m = P.kinetics40_parameters(1).shape[1]
    rhs40 = P.kinetics40_rhs

    @cfunc(lsoda_sig)
    def rhs_c(t, u, du, p):
        rhs40(t, carray(u, (n_state,)), carray(p, (m,)), carray(du, (n_state,)))

    ptr = rhs_c.address
    bounds = np.array([*DOSES, T_END])

    @numba.njit
    def run(y0, p, ev_idx, ev_add, t_out):
        out = np.empty((y0.shape[0], t_out.size, y0.shape[1]))
        n_fail = 0
        for k in range(y0.shape[0]):
            y = y0[k].copy()
            for e in range(bounds.size - 1):
                a, b = bounds[e], bounds[e + 1]
                y[ev_idx[k, e, 0]] += ev_add[k, e, 0]
                sel = np.where((t_out > a) & ((t_out < b) | (t_out == T_END)))[0]
                ts = np.empty(sel.size + 2)
                ts[0] = a
                ts[1:-1] = t_out[sel]
                ts[-1] = b
                if sel.size > 0 and t_out[sel[-1]] == b:
                    ts = ts[:-1]
                usol, ok = lsoda(ptr, y, ts, data=p[k].copy(), rtol=rtol, atol=atol)
                if not ok:
                    n_fail += 1
                for q in range(sel.size):
                    out[k, sel[q]] = usol[q + 1]
                # outputs at t0 = first dose time are post-jump states (right-continuous)
                if e == 0 and t_out[0] == a:
                    out[k, 0] = usol[0]
                y = usol[-1].copy()
        return out, n_fail

    y0, p, ev = _inputs(n)
    run(y0[:2], p[:2], ev[1][:2], ev[3][:2], t_out)
    start = time.perf_counter()
    out, n_fail = run(y0, p, ev[1], ev[3], t_out)
    return time.perf_counter() - start, out, n_fail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--n-scipy", type=int, default=20)
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-6)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    numba.set_num_threads(args.threads)
    t_out = np.linspace(0.0, T_END, 25)
    opts = SolverOptions(rtol=args.rtol, atol=args.atol, autonomous=True)
    el, sol = bench_sim(args.n, t_out, opts)
    rate = args.n / el
    print(f"kinetics40: N={args.n}, 2 years, 4 doses, rtol={args.rtol}, atol={args.atol}, "
          f"threads={args.threads}")
    print(f"  sim.solver (Rodas4): {rate:10.0f} traj/s  ({el:.2f} s; status {sol.summary()}; "
          f"steps/traj {sol.n_steps.mean():.1f}, rejected {sol.n_rejected.mean():.2f}, "
          f"rhs/traj {sol.n_rhs.mean():.0f}; {el / sol.n_steps.sum() * args.threads * 1e6:.2f}"
          f" us/step/thread)")
    el_s, out_s = bench_scipy(args.n_scipy, t_out, args.rtol, args.atol)
    rate_s = args.n_scipy / el_s
    diff = np.nanmax(np.abs(out_s - sol.y[: args.n_scipy]) / (args.atol + args.rtol
                                                                 * np.abs(out_s)))
    print(f"  scipy LSODA (1 thread, {args.n_scipy} patients): {rate_s:10.1f} traj/s; "
          f"ratio {rate / rate_s:.0f}x; max scaled difference {diff:.1f}")
    nb = bench_numbalsoda(args.n, t_out, args.rtol, args.atol)
    if nb is None:
        print("  numbalsoda not installed: pip install numbalsoda (needs a Fortran compiler)")
    else:
        el_n, out_n, n_fail = nb
        rate_n = args.n / el_n
        good = np.all(np.isfinite(out_n), axis=(1, 2))
        diff = np.median(np.max(np.abs(out_n[good] - sol.y[good])
                                / (args.atol + args.rtol * np.abs(out_n[good])), axis=(1, 2)))
        print(f"  numbalsoda LSODA (1 thread): {rate_n:10.0f} traj/s; ratio {rate / rate_n:.2f}x"
              f" (per thread {rate / rate_n / args.threads:.2f}x); failed segments {n_fail}, "
              f"median per-patient max scaled difference {diff:.1f}")


if __name__ == "__main__":
    main()
