"""Validation and normalisation of ensemble inputs (shapes, dtypes, finiteness, ordering).

Everything the Numba kernel assumes is checked here once, so the kernel itself never needs to
raise. Arrays come back C-contiguous, writable and of the exact dtype the kernel signature
expects (float64 / int64).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.solver.status import SolverInputError

__all__ = ["EnsembleInputs", "event_arrays", "prepare_inputs"]


@dataclass(frozen=True)
class EnsembleInputs:
    """Validated kernel inputs for N patients, n states, m parameters, E events, J jumps each."""

    y0: np.ndarray  # float64[N, n]
    p: np.ndarray  # float64[N, m]
    ev_t: np.ndarray  # float64[N, E]
    ev_idx: np.ndarray  # int64[N, E, J]
    ev_mul: np.ndarray  # float64[N, E, J]
    ev_add: np.ndarray  # float64[N, E, J]
    t_out: np.ndarray  # float64[T]
    out_idx: np.ndarray  # int64[k]
    t0: float


def event_arrays(schedules) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pad per-patient event schedules into the kernel's event arrays.

    Parameters
    ----------
    schedules : sequence of length N
        Per patient, its events in time order: ``(t, jumps)`` with ``t`` the event time and
        ``jumps`` a sequence of ``(index, mul, add)``, the affine jumps
        ``y[index] <- y[index] * mul + add`` applied in that order at ``t``.

    Returns
    -------
    ev_t : float64[N, E]
        Event times; ``inf`` pads patients with fewer than ``E`` events.
    ev_idx : int64[N, E, J]
        State index of each jump; ``-1`` pads events with fewer than ``J`` jumps.
    ev_mul, ev_add : float64[N, E, J]
        Factor and increment of each jump (1 and 0 where padded).

    ``E`` and ``J`` are the most events of a patient and the most jumps of an event, at least 1.
    """
    n = len(schedules)
    n_events = max(max((len(s) for s in schedules), default=0), 1)
    n_jumps = max(max((len(jumps) for s in schedules for _, jumps in s), default=1), 1)
    ev_t = np.full((n, n_events), np.inf)
    ev_idx = np.full((n, n_events, n_jumps), -1, dtype=np.int64)
    ev_mul = np.ones((n, n_events, n_jumps))
    ev_add = np.zeros((n, n_events, n_jumps))
    for i, schedule in enumerate(schedules):
        for e, (t, jumps) in enumerate(schedule):
            ev_t[i, e] = t
            for k, (index, mul, add) in enumerate(jumps):
                ev_idx[i, e, k] = index
                ev_mul[i, e, k] = mul
                ev_add[i, e, k] = add
    return ev_t, ev_idx, ev_mul, ev_add


def _float_array(name: str, value, ndim: int) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - report any conversion failure as bad input
        raise SolverInputError(f"{name}: cannot be read as an array ({exc})") from None
    if arr.dtype.kind not in "biuf":
        raise SolverInputError(f"{name}: must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise SolverInputError(f"{name}: must have {ndim} dimension(s), got shape {arr.shape}")
    return _kernel_ready(arr, np.float64)


def _int_array(name: str, value, ndim: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise SolverInputError(f"{name}: must hold integers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise SolverInputError(f"{name}: must have {ndim} dimension(s), got shape {arr.shape}")
    return _kernel_ready(arr, np.int64)


def _kernel_ready(arr: np.ndarray, dtype) -> np.ndarray:
    # Read-only or strided arrays would not match the kernel's explicit signature.
    out = np.ascontiguousarray(arr, dtype=dtype)
    if not out.flags.writeable:
        out = out.copy()
    return out


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise SolverInputError(message)


def prepare_inputs(y0, p, t_out, ev_t=None, ev_idx=None, ev_mul=None, ev_add=None,
                   out_idx=None, t0: float = 0.0) -> EnsembleInputs:
    """Check and normalise ensemble inputs; raise :class:`SolverInputError` naming the field.

    Parameters
    ----------
    y0 : array_like, shape (N, n)
        Initial states at ``t0``.
    p : array_like, shape (N, m)
        Model parameters per patient (m may be 0).
    t_out : array_like, shape (T,)
        Output times, non-decreasing, ``>= t0``, T >= 1.
    ev_t : array_like, shape (N, E), optional
        Event times per patient, non-decreasing, ``>= t0``; ``+inf`` pads unused trailing slots.
    ev_idx : array_like of int, shape (N, E, J), optional
        State index jumped by each event entry, ``-1`` for unused entries.
    ev_mul, ev_add : array_like, shape (N, E, J), optional
        Affine jump ``y[idx] = y[idx] * mul + add``; finite.
    out_idx : array_like of int, shape (k,), optional
        States to record (default: all).
    t0 : float
        Start time.
    """
    y0 = _float_array("y0", y0, 2)
    N, n = y0.shape
    _require(N >= 1 and n >= 1, f"y0: needs at least one patient and one state, got {y0.shape}")
    _require(bool(np.all(np.isfinite(y0))), "y0: must be finite (no NaN/Inf)")
    p = _float_array("p", p, 2)
    _require(p.shape[0] == N, f"p: has {p.shape[0]} rows but y0 has {N} patients")
    _require(bool(np.all(np.isfinite(p))), "p: must be finite (no NaN/Inf)")
    t0 = float(t0)
    _require(np.isfinite(t0), "t0: must be finite")
    t_out = _float_array("t_out", t_out, 1)
    _require(t_out.size >= 1, "t_out: needs at least one output time")
    _require(bool(np.all(np.isfinite(t_out))), "t_out: must be finite")
    _require(bool(np.all(np.diff(t_out) >= 0.0)), "t_out: must be sorted (non-decreasing)")
    _require(t_out[0] >= t0, f"t_out: first time {t_out[0]} is before t0={t0}")
    if out_idx is None:
        out_idx = np.arange(n, dtype=np.int64)
    out_idx = _int_array("out_idx", out_idx, 1)
    _require(bool(np.all((out_idx >= 0) & (out_idx < n))),
             f"out_idx: entries must lie in [0, {n - 1}]")

    given = [v is not None for v in (ev_t, ev_idx, ev_mul, ev_add)]
    if not any(given):
        ev_t = np.full((N, 0), np.inf)
        ev_idx = np.zeros((N, 0, 0), dtype=np.int64)
        ev_mul = np.zeros((N, 0, 0))
        ev_add = np.zeros((N, 0, 0))
    _require(all(given) or not any(given),
             "ev_t/ev_idx/ev_mul/ev_add: give all four event arrays or none")
    ev_t = _float_array("ev_t", ev_t, 2)
    _require(ev_t.shape[0] == N, f"ev_t: has {ev_t.shape[0]} rows but y0 has {N} patients")
    E = ev_t.shape[1]
    _require(not np.any(np.isnan(ev_t)) and not np.any(ev_t == -np.inf),
             "ev_t: must not contain NaN or -inf (+inf pads unused slots)")
    # Compare neighbours directly: np.diff of two +inf pads is NaN, which is still sorted.
    _require(bool(np.all(ev_t[:, 1:] >= ev_t[:, :-1])),
             "ev_t: each patient's event times must be sorted (+inf padding only at the end)")
    _require(bool(np.all(ev_t >= t0)), f"ev_t: event times must be >= t0={t0}")
    ev_idx = _int_array("ev_idx", ev_idx, 3)
    _require(ev_idx.shape[:2] == (N, E),
             f"ev_idx: shape {ev_idx.shape} does not start with (N, E)=({N}, {E})")
    shape = ev_idx.shape
    ev_mul = _float_array("ev_mul", ev_mul, 3)
    ev_add = _float_array("ev_add", ev_add, 3)
    _require(ev_mul.shape == shape, f"ev_mul: shape {ev_mul.shape} must equal ev_idx's {shape}")
    _require(ev_add.shape == shape, f"ev_add: shape {ev_add.shape} must equal ev_idx's {shape}")
    _require(bool(np.all((ev_idx >= -1) & (ev_idx < n))),
             f"ev_idx: entries must lie in [0, {n - 1}], or be -1 for unused")
    used = ev_idx >= 0
    _require(bool(np.all(np.isfinite(ev_mul[used])) and np.all(np.isfinite(ev_add[used]))),
             "ev_mul/ev_add: must be finite where ev_idx >= 0")
    # Unused entries may hold anything; zero them so they can never reach the kernel as NaN.
    ev_mul = np.where(used, ev_mul, 1.0)
    ev_add = np.where(used, ev_add, 0.0)
    return EnsembleInputs(y0, p, ev_t, ev_idx, np.ascontiguousarray(ev_mul),
                          np.ascontiguousarray(ev_add), t_out, out_idx, t0)
