"""Adaptive L-stable Rosenbrock integration of one patient, piecewise between dose events.

The model supplies ``rhs(t, y, p, dydt)`` and ``jac(t, y, p, J)`` (:mod:`sim.solver.ensemble`); a
non-zero integer status from either stops the patient (:attr:`~sim.solver.status.Status.MODEL_ERROR`).

Method
------
Rodas4 (Hairer & Wanner 1996), coefficients in :mod:`sim.solver.tableaus`: 6 stages, order 4 with
an embedded order-3 error estimate, stiffly accurate and L-stable, order-3 dense output. Per step:
one Jacobian, one LU of ``I/(h*gamma) - J``, six right-hand sides and six triangular solves.
After a rejected step the Jacobian (same ``t, y``) is kept; only the LU is redone. The
Jacobian is the model's own (the knee model's is generated exactly from its ``rhs``,
:mod:`sim.engine.generated.jac_analytic`) or a finite difference, which with a known sparsity
pattern perturbs groups of structurally independent columns together. With a pattern, the LU
uses a precomputed elimination order on the pattern only: a straight-line factorisation
generated for that pattern (:mod:`sim.codegen.lu`) or the generic
:func:`sim.solver.linalg.static_lu_factor`; either falls back to the dense pivoting LU for any
matrix whose elimination would grow. Step size: Hairer's RODAS controller with the Gustafsson predictive correction, step ratio in [0.2, 6].
Error norm: root mean square of ``err_i / (atol_i + rtol * max(|y_i|, |y_new_i|))``. With a
state scale (``track_peak``), ``atol_i`` is a tolerance per unit of scale times the state's
scale, raised to the largest ``|y_i|`` reached: a dose sets the tolerance of the compartment it
fills before the first step after it is estimated (:func:`sim.solver.error_norm.raise_scale`).

Events and outputs
------------------
Integration is split into segments at event times; each segment ends exactly on its event,
applies the affine jump ``y[idx] = y[idx] * mul + add`` and restarts with a fresh initial-step
estimate (the jump makes the old step-size history meaningless). Steps are never shortened to
hit output times: outputs are interpolated with the dense output. Outputs are
right-continuous: an output time equal to an event time reports the state after the jump.

These functions receive ``rhs``/``jac`` as arguments (in the ``model`` tuple); how that is compiled so that Numba's
on-disk cache hits is described in :mod:`sim.solver.ensemble` ("Compilation caching").
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

from sim.solver.error_norm import raise_scale, rms_scaled
from sim.solver.linalg import lu_factor, lu_solve, static_lu_factor, static_lu_solve
from sim.solver.status import Status

__all__ = ["integrate_patient"]

_SUCCESS = int(Status.SUCCESS)
_MAX_STEPS = int(Status.MAX_STEPS)
_STEP_TOO_SMALL = int(Status.STEP_TOO_SMALL)
_NONFINITE = int(Status.NONFINITE)
_SINGULAR = int(Status.SINGULAR_MATRIX)
_MODEL_ERROR = int(Status.MODEL_ERROR)

_UROUND = 2.220446049250313e-16
# Step-ratio bounds and safety factor of Hairer's rodas.f (WORK(3), WORK(4), WORK(5)).
_FAC_MIN = 0.2
_FAC_MAX = 6.0
_SAFE = 0.9
# Factor applied to h after a step produced NaN/Inf (as in OrdinaryDiffEq.jl).
_NONFINITE_SHRINK = 0.25
# Index of the counters in a patient's ``stats`` row.
STEPS, REJECTED, N_RHS, N_JAC, N_LU = 0, 1, 2, 3, 4
N_STATS = 5


def _status_of(r):  # pragma: no cover - replaced by the overload inside Numba
    return 0


@overload(_status_of)
def _status_of_impl(r):
    """Normalise the model's return value: ``None`` means success, integers are codes."""
    if isinstance(r, types.NoneType):
        return lambda r: 0
    if isinstance(r, types.Integer):
        return lambda r: np.int64(r)
    return None


@njit(cache=True, inline="always")
def _rhs(rhs, t, y, p, f, stats):
    stats[N_RHS] += 1
    return _status_of(rhs(t, y, p, f))


@njit(cache=True, inline="always")
def _all_finite(x):
    for v in x:
        if not np.isfinite(v):
            return False
    return True


@njit(cache=True)
def _jacobian(rhs, jac, use_fd, t, y, p, f0, J, ftmp, fd, stats):
    """Fill ``J`` analytically or by (column-grouped) forward differences.

    ``fd = (group_ptr, group_cols, col_ptr, row_idx, ysave, dl)``: columns
    ``group_cols[group_ptr[g]:group_ptr[g + 1]]`` share no row of the sparsity pattern (CSC:
    rows ``row_idx[col_ptr[j]:col_ptr[j + 1]]`` of column ``j``), so one ``rhs`` call perturbing
    all of them at once recovers each of their columns (Curtis, Powell & Reid 1974). Entries
    outside the pattern are never written and stay zero. Increment: Hairer's
    ``sqrt(u max(1e-5, |y_j|))``. With one column per group and a full pattern this is the
    plain dense forward difference, bit for bit.
    """
    stats[N_JAC] += 1
    if not use_fd:
        return _status_of(jac(t, y, p, J))
    group_ptr, group_cols, col_ptr, row_idx, ysave, dl = fd
    for g in range(group_ptr.shape[0] - 1):
        for q in range(group_ptr[g], group_ptr[g + 1]):
            j = group_cols[q]
            ysafe = y[j]
            ysave[j] = ysafe
            y[j] = ysafe + np.sqrt(_UROUND * max(1e-5, abs(ysafe)))
            dl[j] = y[j] - ysafe  # the increment actually represented in floating point
        code = _rhs(rhs, t, y, p, ftmp, stats)
        for q in range(group_ptr[g], group_ptr[g + 1]):
            j = group_cols[q]
            y[j] = ysave[j]
        if code != 0:
            return code
        for q in range(group_ptr[g], group_ptr[g + 1]):
            j = group_cols[q]
            for r in range(col_ptr[j], col_ptr[j + 1]):
                i = row_idx[r]
                J[i, j] = (ftmp[i] - f0[i]) / dl[j]
    return 0


@njit(cache=True)
def _time_derivative(rhs, t, y, p, f0, dfdt, stats):
    """Forward-difference ``df/dt`` for non-autonomous models."""
    delta = np.sqrt(_UROUND * max(1e-5, abs(t)))
    code = _rhs(rhs, t + delta, y, p, dfdt, stats)
    for i in range(y.shape[0]):
        dfdt[i] = (dfdt[i] - f0[i]) / delta
    return code


@njit(cache=True)
def _initial_step(rhs, t, y, p, f0, atol, rtol, order, span, h_max, ytmp, ftmp, stats):
    """Hairer-Wanner starting step (Solving ODEs I, II.4): one explicit Euler probe."""
    d0 = rms_scaled(y, y, atol, rtol)
    d1 = rms_scaled(f0, y, atol, rtol)
    if d0 < 1e-5 or d1 < 1e-5:
        h0 = 1e-6 * span
    else:
        h0 = 0.01 * d0 / d1
    h0 = min(h0, h_max, span)
    for i in range(y.shape[0]):
        ytmp[i] = y[i] + h0 * f0[i]
    code = _rhs(rhs, t + h0, ytmp, p, ftmp, stats)
    if code != 0 or not _all_finite(ftmp):
        return 0.1 * h0
    for i in range(y.shape[0]):
        ftmp[i] -= f0[i]
    d2 = rms_scaled(ftmp, y, atol, rtol) / h0
    dmax = max(d1, d2)
    if dmax <= 1e-15:
        h1 = max(1e-6 * span, h0 * 1e-3)
    else:
        h1 = (0.01 / dmax) ** (1.0 / order)
    return min(100.0 * h0, h1, h_max, span)


@njit(cache=True)
def _integrate_segment(model, tableau, options, y, p, t, t_end, t_out, out_idx, io, atol, scale,
                       h_min, y_out, stats, w):
    """Integrate ``y`` in place from ``t`` to exactly ``t_end``; record outputs with ``t_out < t_end``.

    ``model``, ``tableau`` and ``options`` as in :func:`integrate_patient`. ``atol`` holds the
    absolute tolerances in force; with ``track_peak`` they are ``atol_unit * scale`` and
    ``scale`` follows the running maximum of ``|y|`` (updated here after every accepted step).
    ``w`` is the patient's preallocated work tuple. Returns ``(status, io)`` with ``io`` the
    index of the next output still to record.
    """
    rhs, jac, use_fd, lu_gen, lu_fac, lu_sol = model
    gamma, ta, tc, talpha, td, tm, te, th, order, err_exp = tableau
    rtol, atol_unit, track_peak, h_max, h_init, max_steps, autonomous = options
    f0, f1, ytmp, dfdt, ch, ynew, u, J, W, piv, cols, fd, plan, xw, ust = w
    use_static = plan[0].shape[0] > 0
    n = y.shape[0]
    Wv = W.reshape(n * n)  # the static LU keeps its factors as a compact value array
    Jv = J.reshape(n * n)  # generated LUs read J by flat constant offsets (no stride arithmetic)
    s = tm.shape[0]
    T = t_out.shape[0]
    code = _rhs(rhs, t, y, p, f0, stats)
    if code != 0:
        return _MODEL_ERROR, io
    if not _all_finite(f0):
        return _NONFINITE, io
    span = t_end - t
    if h_init > 0.0:
        h = min(h_init, h_max, span)
    else:
        h = _initial_step(rhs, t, y, p, f0, atol, rtol, order, span, h_max, ytmp, f1, stats)
    need_jac = True
    n_accepted = 0
    reject_last = False
    last_nonfinite = False
    h_acc = 0.0
    err_acc = 0.0
    while True:
        if stats[STEPS] + stats[REJECTED] >= max_steps:
            return _MAX_STEPS, io
        if h < h_min:
            return (_NONFINITE if last_nonfinite else _STEP_TOO_SMALL), io
        last = False
        if t + 1.0001 * h >= t_end:
            h = t_end - t
            last = True
        if need_jac:
            code = _jacobian(rhs, jac, use_fd, t, y, p, f0, J, f1, fd, stats)
            if code != 0:
                return _MODEL_ERROR, io
            if not autonomous:
                code = _time_derivative(rhs, t, y, p, f0, dfdt, stats)
                if code != 0:
                    return _MODEL_ERROR, io
            need_jac = False
        inv_h = 1.0 / h
        for r in range(s):  # nested: an integer division per entry is measurably slow
            for q in range(s):
                ch[r * s + q] = tc[r, q] * inv_h
        inv_hg = 1.0 / (h * gamma)
        stats[N_LU] += 1
        # Generated or static sparse LU when the pattern is known; the dense pivoting LU if its
        # elimination would grow (the choice depends only on the matrix: results stay
        # reproducible).
        if lu_gen:
            dense = lu_fac(Jv, inv_hg, Wv) != 0
        else:
            dense = not use_static or static_lu_factor(J, inv_hg, plan, Wv, xw) != 0
        if dense:
            for i in range(n):
                for j in range(n):
                    W[i, j] = -J[i, j]
                W[i, i] += inv_hg
        if dense and lu_factor(W, piv, cols) != 0:
            if not _all_finite(J):
                return _NONFINITE, io
            stats[REJECTED] += 1
            h *= 0.5
            reject_last = True
            continue
        finite = True
        for st in range(s):
            if st == 0:
                for i in range(n):
                    ytmp[i] = f0[i]
            else:
                # Loops over stages outside, over components inside: contiguous rows of ``u``
                # that vectorise, with the same order of additions per component as a dot
                # product over stages.
                for i in range(n):
                    ynew[i] = y[i]
                for j in range(st):
                    a = ta[st, j]
                    for i in range(n):
                        ynew[i] += a * u[j, i]
                code = _rhs(rhs, t + talpha[st] * h, ynew, p, ytmp, stats)
                if code != 0:
                    return _MODEL_ERROR, io
            # Solve in a work vector, then store: a view ``u[st]`` would be a new array object
            # per stage, with reference counting on the hot path.
            for i in range(n):
                ust[i] = ytmp[i]
            for j in range(st):
                c = ch[st * s + j]
                for i in range(n):
                    ust[i] += c * u[j, i]
            if not autonomous:
                c = h * td[st]
                for i in range(n):
                    ust[i] += c * dfdt[i]
            if dense:
                lu_solve(W, piv, ust)
            elif lu_gen:
                lu_sol(Wv, ust)
            else:
                static_lu_solve(Wv, plan, ust, xw)
            stage_ok = True
            for i in range(n):
                v = ust[i]
                u[st, i] = v
                stage_ok = stage_ok and np.isfinite(v)
            if not stage_ok:
                finite = False
                break
        err = np.inf
        if finite:
            for i in range(n):
                ynew[i] = 0.0  # the increment first, as a sum over stages
                ytmp[i] = 0.0  # the error estimate
            for j in range(s):
                cm = tm[j]
                ce = te[j]
                for i in range(n):
                    ynew[i] += cm * u[j, i]
                    ytmp[i] += ce * u[j, i]
            acc_err = 0.0
            for i in range(n):
                yi = y[i]
                yn = yi + ynew[i]
                ynew[i] = yn
                de = ytmp[i] / (atol[i] + rtol * max(abs(yi), abs(yn)))
                acc_err += de * de
            err = np.sqrt(acc_err / n)
            finite = np.isfinite(err) and _all_finite(ynew)
        if finite and err <= 1.0:
            # f at the candidate point is needed by the next step anyway; evaluating it before
            # accepting lets a NaN there reject this step instead of killing the patient.
            code = _rhs(rhs, t + h, ynew, p, f1, stats)
            if code != 0:
                return _MODEL_ERROR, io
            finite = _all_finite(f1)
        if not finite:
            stats[REJECTED] += 1
            h *= _NONFINITE_SHRINK
            reject_last = True
            last_nonfinite = True
            continue
        last_nonfinite = False
        fac = min(1.0 / _FAC_MIN, max(1.0 / _FAC_MAX, err ** err_exp / _SAFE))
        h_new = h / fac
        if err <= 1.0:
            if n_accepted > 0:
                fac_gus = (h_acc / h) * (err * err / err_acc) ** err_exp / _SAFE
                fac_gus = min(1.0 / _FAC_MIN, max(1.0 / _FAC_MAX, fac_gus))
                fac = max(fac, fac_gus)
                h_new = h / fac
            h_acc = h
            err_acc = max(1e-2, err)
            t_new = t_end if last else t + h
            while io < T and t_out[io] <= t_new and t_out[io] < t_end:
                theta = (t_out[io] - t) / h
                for k in range(out_idx.shape[0]):
                    i = out_idx[k]
                    q0 = 0.0
                    q1 = 0.0
                    for j in range(s):
                        q0 += th[0, j] * u[j, i]
                        q1 += th[1, j] * u[j, i]
                    y_out[io, k] = (1.0 - theta) * y[i] + theta * (
                        ynew[i] + (1.0 - theta) * (q0 + theta * q1))
                io += 1
            for i in range(n):
                y[i] = ynew[i]
                f0[i] = f1[i]
            if track_peak:
                raise_scale(y, atol_unit, scale, atol)
            t = t_new
            stats[STEPS] += 1
            n_accepted += 1
            need_jac = True
            if last:
                return _SUCCESS, io
            if reject_last:
                h_new = min(h_new, h)
            reject_last = False
            h = min(h_new, h_max)
        else:
            stats[REJECTED] += 1
            reject_last = True
            h = 0.1 * h if n_accepted == 0 else h_new


@njit(cache=True)
def integrate_patient(model, tableau, options, pattern, y0, p, scale0, t0, events, t_out, out_idx,
                      y_out, stats):
    """Integrate one patient through its dose events; write outputs; return a status code.

    Parameters
    ----------
    model : tuple ``(rhs, jac, use_fd, lu_gen, lu_fac, lu_sol)``
        ``rhs``, ``jac``: the model's right-hand side and Jacobian, first-class Numba functions
        (``jac`` unused when ``use_fd``). ``use_fd`` (bool): finite-difference Jacobian (one
        extra ``rhs`` call per column group and step). ``lu_gen`` (bool): use
        ``lu_fac(J.reshape(n * n), 1/(h gamma), val) -> int`` and ``lu_sol(val, b) -> int``, a
        sparse LU generated for the Jacobian's pattern (:mod:`sim.codegen.lu`), instead of the
        static LU of ``pattern``; a non-zero ``lu_fac`` falls back to the dense LU as the
        static one does.
    tableau : tuple ``(gamma, a, c, alpha, d, m, e, h, order, err_exp)``
        The method's coefficients (:meth:`sim.solver.tableaus.Tableau.kernel_args`);
        ``err_exp = 1/(error_order+1)``.
    options : tuple ``(rtol, atol_unit, track_peak, h_max, h_init, max_steps, autonomous)``
        ``rtol`` (float) and ``atol_unit`` (float64[n]): the absolute tolerance of state ``i``
        is ``atol_unit[i] * scale[i]``, where ``scale`` starts at ``scale0`` and, with
        ``track_peak`` (bool), is raised to ``|y_i|`` whenever the state exceeds it (after each
        jump and each accepted step; see :func:`sim.solver.error_norm.raise_scale`); ``scale0 = 1`` without
        ``track_peak`` gives the fixed tolerances ``atol_unit``. ``h_max`` (float): maximal
        step. ``h_init`` (float): first step of each segment (<= 0: automatic). ``max_steps``
        (int): attempted steps allowed in total. ``autonomous`` (bool): if False, ``df/dt`` is
        estimated by a forward difference once per step.
    pattern : tuple ``(fd_groups, lu_plan)``
        What the Jacobian's sparsity pattern gives the solver. ``fd_groups``, 4 int64 arrays
        ``(group_ptr[G + 1], group_cols[n], col_ptr[n + 1], row_idx[nnz])``: column groups and
        CSC pattern of the finite-difference Jacobian (see :func:`_jacobian`;
        :func:`sim.solver.sparsity.fd_groups` builds them). ``lu_plan``, 13 int64 arrays: the
        static sparse LU plan from :func:`sim.solver.linalg.static_lu_plan` (valid only if
        ``J`` is zero outside its pattern), or 13 empty arrays for the dense pivoting LU.
    y0 : float64[n]
        State at ``t0``. p : float64[m] model parameters.
    scale0 : float64[n]
        Initial state scale (see ``options``).
    t0 : float
        Start time (days).
    events : tuple ``(ev_t[E], ev_idx[E, J], ev_mul[E, J], ev_add[E, J])``
        Sorted event times (>= t0; +inf pads unused slots); per event, components ``ev_idx``
        (int64, -1 = unused) jump as ``y = y * mul + add``.
    t_out : float64[T]
        Sorted output times (>= t0). out_idx : int64[k] components to record.
    y_out : float64[T, k]
        Output, filled with the recorded states (NaN from a failure onwards).
    stats : int64[5]
        Counters: accepted steps, rejected steps, rhs calls, Jacobians, LU factorisations.

    Returns
    -------
    int
        A :class:`sim.solver.status.Status` code.
    """
    gamma, ta, tc, talpha, td, tm, te, th, order, err_exp = tableau
    rtol, atol_unit, track_peak, h_max, h_init, max_steps, autonomous = options
    fd_groups, lu_plan = pattern
    ev_t, ev_idx, ev_mul, ev_add = events
    n = y0.shape[0]
    s = tm.shape[0]
    T = t_out.shape[0]
    E = ev_t.shape[0]
    group_ptr, group_cols, col_ptr, row_idx = fd_groups
    fd = (group_ptr, group_cols, col_ptr, row_idx, np.empty(n), np.empty(n))
    # J starts at zero: a sparse finite-difference Jacobian writes only its pattern.
    w = (np.empty(n), np.empty(n), np.empty(n), np.zeros(n), np.empty(s * s), np.empty(n),
         np.empty((s, n)), np.zeros((n, n)), np.empty((n, n)), np.empty(n, dtype=np.int64),
         np.empty(n, dtype=np.int64), fd, lu_plan, np.empty(n), np.empty(n))
    y = y0.copy()
    scale = scale0.copy()
    atol = np.empty(n)
    for i in range(n):
        atol[i] = atol_unit[i] * scale[i]
    t = t0
    t_final = t_out[T - 1]
    h_min = 16.0 * _UROUND * max(abs(t0), abs(t_final), t_final - t0)
    io = 0
    ie = 0
    code = _SUCCESS
    while True:
        # Right-continuity: jumps at time t are applied before outputs at time t are recorded.
        while ie < E and ev_t[ie] <= t:
            for jj in range(ev_idx.shape[1]):
                k = ev_idx[ie, jj]
                if k >= 0:
                    y[k] = y[k] * ev_mul[ie, jj] + ev_add[ie, jj]
            ie += 1
        if not _all_finite(y):
            code = _NONFINITE
            break
        if track_peak:  # a dose sets the scale of the state it fills before the first step
            raise_scale(y, atol_unit, scale, atol)
        while io < T and t_out[io] <= t:
            for k in range(out_idx.shape[0]):
                y_out[io, k] = y[out_idx[k]]
            io += 1
        if io >= T:
            break
        t_end = t_final
        if ie < E and ev_t[ie] < t_end:
            t_end = ev_t[ie]
        code, io = _integrate_segment(model, tableau, options, y, p, t, t_end, t_out, out_idx, io,
                                      atol, scale, h_min, y_out, stats, w)
        if code != _SUCCESS:
            break
        t = t_end
    for r in range(io, T):
        for k in range(out_idx.shape[0]):
            y_out[r, k] = np.nan
    return code
