"""Helpers shared by the joint-model tests: an independent SciPy reference and small utilities."""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from sim.model.rhs import jac, rhs
from sim.model.states import STATE_NAMES
from sim.regimen import Regimen
from sim.result import Result
from sim.simulation import build_inputs

#: Live injected cells (millions): free, adhered and differentiated.
LIVE_CELLS = ("msc_free", "msc_adhered", "msc_differentiated")


def reference_solution(patient, regimen: str, t_out: np.ndarray, t0: float,
                       rtol: float = 1e-10, atol: float = 1e-12) -> Result:
    """Integrate the model with SciPy Radau, piecewise between the dose jumps of ``regimen``.

    Uses the same ``rhs`` and the same inputs (``build_inputs``) as :func:`sim.simulate`, but
    SciPy's integrator and a plain-Python event loop: a check of the Numba integrator, its event
    handling and its output bookkeeping. Output times equal to an event time report the state
    after the jump (right-continuous), as documented for the solver.
    """
    y0, p, (ev_t, ev_idx, ev_mul, ev_add) = build_inputs([patient], [Regimen.parse(regimen)], t0)
    y0, p, ev_t, ev_idx, ev_mul, ev_add = y0[0], p[0], ev_t[0], ev_idx[0], ev_mul[0], ev_add[0]

    def f(t, y):
        d = np.empty_like(y)
        rhs(t, y, p, d)
        return d

    def jacobian(t, y):
        m = np.empty((y.size, y.size))
        jac(t, y, p, m)
        return m

    t_out = np.asarray(t_out, dtype=float)
    edges = np.concatenate([[t0], np.unique(ev_t[np.isfinite(ev_t)]), [t_out[-1]]])
    y = y0.copy()
    out = np.full((t_out.size, y.size), np.nan)
    for a, b in zip(edges[:-1], edges[1:]):
        for e in np.flatnonzero(ev_t == a):  # jumps of this day, in order
            for k, i in enumerate(ev_idx[e]):
                if i >= 0:
                    y[i] = y[i] * ev_mul[e, k] + ev_add[e, k]
        last = b == edges[-1]
        sel = (t_out >= a) & ((t_out <= b) if last else (t_out < b))
        t_eval = np.union1d(t_out[sel], [b])
        sol = solve_ivp(f, (a, b), y, method="Radau", rtol=rtol, atol=atol, jac=jacobian, t_eval=t_eval)
        assert sol.success, sol.message
        out[sel] = sol.y.T[np.isin(t_eval, t_out[sel])]
        y = sol.y[:, -1].copy()
    return Result(times=t_out, state_names=STATE_NAMES, states=out[None], parameters=p[None],
                  covariates={}, regimens=(regimen,), status=np.zeros(1, dtype=np.int64),
                  messages=("scipy Radau reference",))


def live_cells(result) -> np.ndarray:
    """float64[N, T] live injected cells (millions)."""
    return sum(result.state(name) for name in LIVE_CELLS)


def change(values: np.ndarray, result, day: float) -> np.ndarray:
    """float64[N] change of an outcome from day 0 to ``day``."""
    return values[:, result.at(day)] - values[:, result.at(0.0)]
