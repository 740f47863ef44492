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
from sim.solver import EnsembleSolution

__all__ = ["distinct_rows", "shared_run_in", "solve_split"]

_STATS = ("n_steps", "n_rejected", "n_rhs", "n_jac", "n_lu")


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
                  options, lockstep_blocks=None):
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
    lockstep_blocks : int64 (N,), optional
        Block id per row for the lockstep groups (:func:`sim.solver.solve_ensemble`); a distinct
        row is solved in the block of its first copy.

    Returns
    -------
    y_split : float64 (N, n)
        States just before the events at ``t_split`` (NaN where the run-in failed).
    status : int64 (N,)
        Solver status of each row's run-in (0: success).
    later_events : tuple of four arrays
        Each row's events at ``t >= t_split``, shaped as ``events``, to continue from ``t_split``.
    """
    y_split, status, later, _ = _run_in(model, y0, p, events, t0, t_split, options, lockstep_blocks)
    return y_split, status, later


def distinct_rows(y: np.ndarray, p: np.ndarray, events) -> tuple[np.ndarray, np.ndarray]:
    """Rows equal bit for bit in state, parameters and events: one representative each.

    Parameters
    ----------
    y : float64 (N, n)
    p : float64 (N, m)
    events : tuple of four arrays
        ``(ev_t (N, E), ev_idx (N, E, J), ev_mul (N, E, J), ev_add (N, E, J))``.

    Returns
    -------
    first : int64 (D,)
        The first row of each distinct row, in row order.
    inverse : int64 (N,)
        Index into ``first`` of each row's representative.
    """
    N = y.shape[0]
    key = np.ascontiguousarray(np.concatenate([y, p, events[0], events[1].reshape(N, -1).astype(float),
                                               events[2].reshape(N, -1), events[3].reshape(N, -1)], axis=1))
    # Found by the rows' bytes: a dictionary costs milliseconds where np.unique(axis=0) sorted the
    # rows for a third of a second.
    ids: dict[bytes, int] = {}
    first, inverse = [], np.empty(N, dtype=np.int64)
    for i in range(N):
        j = ids.setdefault(key[i].tobytes(), len(ids))
        if j == len(first):
            first.append(i)
        inverse[i] = j
    return np.array(first, dtype=np.int64), inverse


def _run_in(model, y0, p, events, t0, t_split, options, blocks=None):
    """``shared_run_in``'s three results and the run-in's solver statistics per row (dict of int64[N])."""
    if not t0 <= t_split:
        raise ValueError(f"t_split: {t_split!r} is not allowed; allowed: a day >= t0={t0}")
    y0, p = np.asarray(y0, dtype=float), np.asarray(p, dtype=float)
    N = y0.shape[0]
    pre, post = _split_events(tuple(np.asarray(e) for e in events), t_split)
    if t_split == t0:
        zero = np.zeros(N, dtype=np.int64)
        return y0.copy(), zero, post, {k: zero.copy() for k in _STATS}
    first, inverse = distinct_rows(y0, p, pre)
    run_in = model.solve_ensemble(y0[first], p[first], *(e[first] for e in pre), t_out=np.array([t_split]),
                                  t0=t0, options=options, lockstep_blocks=None if blocks is None else blocks[first])
    stats = {k: np.asarray(getattr(run_in, k), dtype=np.int64)[inverse] for k in _STATS}
    return run_in.y[inverse, 0, :], np.asarray(run_in.status[inverse], dtype=np.int64), post, stats


def solve_split(model: CompiledModel, y0: np.ndarray, p: np.ndarray, events, *, t0: float, t_split: float,
                t_out: np.ndarray, out_idx=None, options, lockstep_blocks=None) -> EnsembleSolution:
    """Solve every row from ``t0`` to ``t_out[-1]``, the part before ``t_split`` shared between equal rows.

    Each row's trajectory is integrated in two pieces, ``[t0, t_split)`` (once per distinct row,
    :func:`shared_run_in`) and ``[t_split, t_out[-1]]`` (per row, from the run-in's end state
    with the row's own events from ``t_split`` on). Each patient alone (``options.lockstep``
    off), a row's result depends only on its own inputs, never on which other rows share the
    batch; with lockstep lanes it also depends on the rows it shares a group with (within its
    block, with ``lockstep_blocks``).

    Parameters
    ----------
    model : CompiledModel
    y0, p, events, t0, t_split, options
        As for :func:`shared_run_in`.
    t_out : float64 (T,)
        Sorted output days, all ``>= t_split``.
    out_idx : int64 (k,), optional
        States to record (default all).
    lockstep_blocks : int64 (N,), optional
        As for :func:`shared_run_in`.

    Returns
    -------
    EnsembleSolution
        Outputs from the continuation; a row whose run-in failed keeps the run-in's status and NaN
        outputs. The solver statistics of a row add its run-in (the distinct row's) and its
        continuation.
    """
    t_out = np.asarray(t_out, dtype=float)
    if t_out.size == 0 or t_out[0] < t_split:
        raise ValueError(f"t_out: output days must be >= t_split={t_split}")
    blocks = None if lockstep_blocks is None else np.asarray(lockstep_blocks)
    y_split, status, later, stats = _run_in(model, y0, p, events, t0, t_split, options, blocks)
    n = y_split.shape[1]
    out_idx = np.arange(n, dtype=np.int64) if out_idx is None else np.asarray(out_idx, dtype=np.int64)
    go = np.flatnonzero(status == 0)
    y = np.full((status.size, t_out.size, out_idx.size), np.nan)
    if go.size:
        rest = model.solve_ensemble(y_split[go], np.asarray(p, dtype=float)[go], *(e[go] for e in later),
                                    t_out=t_out, out_idx=out_idx, t0=t_split, options=options,
                                    lockstep_blocks=None if blocks is None else blocks[go])
        y[go], status[go] = rest.y, rest.status
        for k in _STATS:
            stats[k][go] += np.asarray(getattr(rest, k), dtype=np.int64)
    return EnsembleSolution(t_out.copy(), y, out_idx.copy(), status, **stats)
