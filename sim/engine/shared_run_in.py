"""Solve an ensemble whose rows share their history up to a split time, integrating it once.

A calibration block or a multi-arm trial simulates the same virtual patients under several
regimens. Before the first dose every such copy of a patient follows the same trajectory (the
run-in from ``t0``, typically 180 days of untreated disease), so integrating it once per
patient instead of once per (patient, regimen) saves that share of the work: in the
calibration's block of 31 cohorts x 12 patients only 63 of the 372 rows are distinct before day
0, and the run-in was a third of the solve.

Rows share a run-in when their initial states, parameters and events before ``t_split`` are
identical (bit for bit); the run-in is solved once per distinct row up to ``t_split`` and every
row continues from there with its own events at ``t >= t_split``. The result equals the
unsplit solve to the solver's tolerance, not bit for bit: the integration restarts at
``t_split`` (as it does at every dose event) and the per-state tolerance scales start again from
the declared sizes.
"""

from __future__ import annotations

import numpy as np

from sim.engine.compiled import CompiledModel

__all__ = ["shared_run_in"]


def _split_events(events: tuple[np.ndarray, ...], t_split: float):
    """(events before ``t_split``, events from ``t_split`` on), each left-aligned and padded."""
    ev_t, ev_idx, ev_mul, ev_add = events
    before = ev_t < t_split
    pre = (np.where(before, ev_t, np.inf), np.where(before[..., None], ev_idx, -1),
           np.where(before[..., None], ev_mul, 1.0), np.where(before[..., None], ev_add, 0.0))
    # Event times are sorted per row, so the events before the split are a prefix: shift each
    # row left by its count and pad the freed slots at the end.
    E = ev_t.shape[1]
    shift = before.sum(axis=1)
    take = np.arange(E)[None, :] + shift[:, None]
    valid = take < E
    take = np.minimum(take, E - 1)
    post_t = np.where(valid, np.take_along_axis(ev_t, take, axis=1), np.inf)
    post = [post_t]
    for arr, pad in ((ev_idx, -1), (ev_mul, 1.0), (ev_add, 0.0)):
        moved = np.take_along_axis(arr, take[..., None].repeat(arr.shape[2], axis=2), axis=1)
        post.append(np.where(valid[..., None], moved, pad).astype(arr.dtype))
    return pre, tuple(post)


def shared_run_in(model: CompiledModel, y0: np.ndarray, p: np.ndarray, events, *, t0: float, t_split: float,
                  options):
    """States of every row at ``t_split``, the run-in solved once per distinct row.

    Parameters
    ----------
    model : CompiledModel
    y0 : float64 (N, n)
        Initial states at ``t0``.
    p : float64 (N, m)
        Parameters per row.
    events : tuple of four arrays
        ``(ev_t (N, E), ev_idx (N, E, J), ev_mul (N, E, J), ev_add (N, E, J))`` as
        :func:`sim.solver.solve_ensemble` takes them.
    t0 : float
        Start of the run-in [day], ``<= t_split``.
    t_split : float
        End of the shared run-in [day].
    options : SolverOptions

    Returns
    -------
    y_split : float64 (N, n)
        States just before the events at ``t_split`` (NaN where the run-in failed).
    status : int64 (N,)
        Solver status of each row's run-in (0: success).
    later_events : tuple of four arrays
        Each row's events at ``t >= t_split``, shaped as ``events``, to continue from ``t_split``.
    """
    if not t0 <= t_split:
        raise ValueError(f"t_split: {t_split!r} is not allowed; allowed: a day >= t0={t0}")
    y0, p = np.asarray(y0, dtype=float), np.asarray(p, dtype=float)
    N = y0.shape[0]
    pre, post = _split_events(tuple(np.asarray(e) for e in events), t_split)
    if t_split == t0:
        return y0.copy(), np.zeros(N, dtype=np.int64), post
    key = np.ascontiguousarray(np.concatenate([y0, p, pre[0], pre[1].reshape(N, -1).astype(float),
                                               pre[2].reshape(N, -1), pre[3].reshape(N, -1)], axis=1))
    # One representative per distinct row (the first, in row order), found by the rows' bytes: a
    # dictionary costs milliseconds where np.unique(axis=0) sorted the rows for a third of a second.
    ids: dict[bytes, int] = {}
    first, inverse = [], np.empty(N, dtype=np.int64)
    for i in range(N):
        j = ids.setdefault(key[i].tobytes(), len(ids))
        if j == len(first):
            first.append(i)
        inverse[i] = j
    first = np.array(first, dtype=np.int64)
    run_in = model.solve_ensemble(y0[first], p[first], *(e[first] for e in pre), t_out=np.array([t_split]),
                                  t0=t0, options=options)
    return run_in.y[inverse, 0, :], np.asarray(run_in.status[inverse], dtype=np.int64), post

