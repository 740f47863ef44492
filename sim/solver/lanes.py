"""Lockstep integration of a group of patients in SIMD lanes: one step size, every lane's arithmetic at once.

The scalar integrator (:mod:`sim.solver.rosenbrock`) walks one patient at a time; its
straight-line ``rhs``, Jacobian and LU leave the CPU's vector units idle. Here a *group* of
``L`` patients (``L`` lanes, 4 for AVX2) with the same dose times is integrated together: every
state, parameter, Jacobian entry and LU slot is stored as ``L`` adjacent numbers, and the
model's functions, generated for that layout (:mod:`sim.codegen.lanes`), loop over the lanes
innermost, which LLVM turns into vector instructions. The method, error norm, controller,
dense output and dose jumps are those of the scalar integrator, lane by lane; what the lanes
share is the step: each step's size comes from the largest error norm of the lanes, so every
lane's local error meets the tolerance at every step, and a step is rejected when any lane
would reject it. The lanes take more steps than each would alone (on the knee model's benchmark
221 + 34 rejected against 193 + 11), which the vector arithmetic more than pays for.

What the lockstep path does not do, it hands back: a group in which any lane needs the dense
pivoting LU, a step below the minimum, more attempted steps than allowed, or a non-finite value
that shrinking the step does not cure, returns :data:`FALLBACK`, and the caller integrates each
of its patients again with the scalar integrator. Each patient then gets its own status, and
its group mates the scalar result, not one shaped by the failing lane.

Work buffer
-----------
The generated functions take one float64 buffer ``w`` and work on fixed regions of it, at
offsets that are constants in their code (``layout``; a region of ``q`` quantities holds
``q * L`` numbers, quantity-major, lane-minor). Constant offsets in one buffer let LLVM prove
that the loads and stores of different regions never overlap; with separate arrays, or
offsets known only at run time, it would need run-time overlap checks and gives up on
vectorising. The functions::

    rhs_l(w)      # reads the states at y_off and the parameters at p_off; writes dy/dt at f_off
    jac_l(w)      # reads y_off, p_off; writes the Jacobian's pattern entries at j_off
    lu_fac_l(w)   # factorises diag I - J (diag at d_off) into v_off; 1.0 at bad_off + k
                  # where lane k needs the dense LU
    lu_sol_l(w)   # solves in place at b_off with the factors at v_off

Like :mod:`sim.solver.rosenbrock`, these functions receive the model as an argument (``model =
(rhs_l, jac_l, lu_fac_l, lu_sol_l, layout)``); the knee model's lanes module
(:mod:`sim.engine.generated.knee_lanes`) is this file with the model bound at module level.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.solver.error_norm import raise_scale
from sim.solver.status import Status

__all__ = ["integrate_group", "FALLBACK", "LANE_SUCCESS"]

LANE_SUCCESS = 0
#: Group status: integrate each of the group's patients again with the scalar integrator.
FALLBACK = 1
_SUCCESS = int(Status.SUCCESS)
_UROUND = 2.220446049250313e-16
# Step-ratio bounds, safety factor and non-finite shrink of the scalar integrator.
_FAC_MIN = 0.2
_FAC_MAX = 6.0
_SAFE = 0.9
_NONFINITE_SHRINK = 0.25
STEPS, REJECTED, N_RHS, N_JAC, N_LU = 0, 1, 2, 3, 4


@njit(cache=True)
def _lane_rhs(model, w, x, out, calls):
    """``out = f(x)`` for every lane (flat float64[n * L], quantity-major); counts the call."""
    rhs_l, jac_l, lu_fac_l, lu_sol_l, layout = model
    y_off, p_off, f_off, j_off, v_off, d_off, b_off, bad_off, L = layout
    for q in range(x.shape[0]):
        w[y_off + q] = x[q]
    rhs_l(w)
    for q in range(x.shape[0]):
        out[q] = w[f_off + q]
    calls[0] += 1


@njit(cache=True)
def _lane_jacobian(model, w, x):
    """Jacobian of every lane at ``x`` (flat float64[n * L]) into the buffer's Jacobian region."""
    rhs_l, jac_l, lu_fac_l, lu_sol_l, layout = model
    y_off, p_off, f_off, j_off, v_off, d_off, b_off, bad_off, L = layout
    for q in range(x.shape[0]):
        w[y_off + q] = x[q]
    jac_l(w)


@njit(cache=True)
def _lane_sums(x, L, out):
    """``out[lane]`` = sum over quantities of ``x[i * L + lane]`` (x flat float64[n * L])."""
    for lane in range(L):
        acc = 0.0
        for q in range(lane, x.shape[0], L):
            acc += x[q]
        out[lane] = acc


@njit(cache=True)
def _non_finite(x):
    """True if any entry of ``x`` is NaN or infinite (one pass without branches)."""
    bad = False
    for q in range(x.shape[0]):
        bad = bad | (x[q] - x[q] != 0.0)  # NaN for NaN and +-inf, 0 otherwise
    return bad


@njit(cache=True)
def _lane_norms(x, y, atol, rtol, L, sq, out):
    """Hairer's scaled RMS norm of ``x`` per lane (as :func:`sim.solver.error_norm.rms_scaled`)."""
    for q in range(x.shape[0]):
        v = x[q] / (atol[q] + rtol * abs(y[q]))
        sq[q] = v * v
    _lane_sums(sq, L, out)
    n = x.shape[0] // L
    for lane in range(L):
        out[lane] = np.sqrt(out[lane] / n)


@njit(cache=True)
def _initial_step(model, w, t, y, f0, atol, rtol, order, span, h_max, ytmp, ftmp, sq, nrm, calls):
    """Hairer-Wanner starting step for the group (as the scalar integrator's, over the lanes).

    The first guess is the smallest of the lanes' guesses; one explicit Euler probe of that size
    is taken in every lane, and the group starts with the smallest of the lanes' estimates.
    """
    rhs_l, jac_l, lu_fac_l, lu_sol_l, layout = model
    L = layout[8]
    d0 = np.empty(L)
    d1 = np.empty(L)
    _lane_norms(y, y, atol, rtol, L, sq, d0)
    _lane_norms(f0, y, atol, rtol, L, sq, d1)
    h0 = np.inf
    for lane in range(L):
        hl = 1e-06 * span if (d0[lane] < 1e-05 or d1[lane] < 1e-05) else 0.01 * d0[lane] / d1[lane]
        h0 = min(h0, hl)
    h0 = min(h0, h_max, span)
    for q in range(y.shape[0]):
        ytmp[q] = y[q] + h0 * f0[q]
    _lane_rhs(model, w, ytmp, ftmp, calls)
    if _non_finite(ftmp):
        return 0.1 * h0
    for q in range(y.shape[0]):
        ftmp[q] -= f0[q]
    _lane_norms(ftmp, y, atol, rtol, L, sq, nrm)
    h = min(100.0 * h0, h_max, span)
    for lane in range(L):
        dmax = max(d1[lane], nrm[lane] / h0)
        h1 = max(1e-06 * span, h0 * 0.001) if dmax <= 1e-15 else (0.01 / dmax) ** (1.0 / order)
        h = min(h, h1)
    return h


@njit(cache=True)
def _integrate_segment(model, tableau, options, w, y, t, t_end, t_out, out_idx, io, atol, scale,
                       atol_lanes, h_min, y_out, stats, work):
    """Integrate the group from ``t`` to exactly ``t_end``; ``(LANE_SUCCESS or FALLBACK, io)``.

    States and work vectors are flat float64[n * L] (quantity-major, lane-minor), so that every
    loop over them is one simple loop that LLVM vectorises.
    """
    rhs_l, jac_l, lu_fac_l, lu_sol_l, layout = model
    y_off, p_off, f_off, j_off, v_off, d_off, b_off, bad_off, L = layout
    gamma, ta, tc, talpha, td, tm, te, th, order, err_exp = tableau
    rtol, atol_unit, track_peak, h_max, h_init, max_steps, autonomous = options
    f0, f1, ytmp, ynew, u, sq, nrm, calls = work
    nl = y.shape[0]
    n = nl // L
    s = tm.shape[0]
    T = t_out.shape[0]
    _lane_rhs(model, w, y, f0, calls)
    if _non_finite(f0):
        return (FALLBACK, io)
    span = t_end - t
    if h_init > 0.0:
        h = min(h_init, h_max, span)
    else:
        h = _initial_step(model, w, t, y, f0, atol, rtol, order, span, h_max, ytmp, f1, sq, nrm, calls)
    need_jac = True
    n_accepted = 0
    reject_last = False
    h_acc = 0.0
    err_acc = 0.0
    while True:
        if stats[STEPS] + stats[REJECTED] >= max_steps or h < h_min:
            return (FALLBACK, io)
        last = False
        if t + 1.0001 * h >= t_end:
            h = t_end - t
            last = True
        if need_jac:
            _lane_jacobian(model, w, y)
            stats[N_JAC] += 1
            need_jac = False
        inv_h = 1.0 / h
        inv_hg = 1.0 / (h * gamma)
        for lane in range(L):
            w[d_off + lane] = inv_hg
        lu_fac_l(w)
        stats[N_LU] += 1
        for lane in range(L):
            if w[bad_off + lane] != 0.0:
                return (FALLBACK, io)
        finite = True
        for st in range(s):
            if st == 0:
                for q in range(nl):
                    w[b_off + q] = f0[q]
            else:
                # The stage's state goes straight into the buffer's state region, and its
                # right-hand side is read from the output region: no copies per stage.
                for q in range(nl):
                    w[y_off + q] = y[q]
                for j in range(st):
                    a = ta[st, j]
                    for q in range(nl):
                        w[y_off + q] += a * u[j, q]
                rhs_l(w)
                calls[0] += 1
                for q in range(nl):
                    w[b_off + q] = w[f_off + q]
            for j in range(st):
                c = tc[st, j] * inv_h
                for q in range(nl):
                    w[b_off + q] += c * u[j, q]
            lu_sol_l(w)
            bad = False
            for q in range(nl):
                v = w[b_off + q]
                u[st, q] = v
                bad = bad | (v - v != 0.0)
            if bad:
                finite = False
                break
        err = np.inf
        if finite:
            for q in range(nl):
                ynew[q] = 0.0
                ytmp[q] = 0.0
            for j in range(s):
                cm = tm[j]
                ce = te[j]
                for q in range(nl):
                    ynew[q] += cm * u[j, q]
                    ytmp[q] += ce * u[j, q]
            for q in range(nl):
                yi = y[q]
                yn = yi + ynew[q]
                ynew[q] = yn
                de = ytmp[q] / (atol[q] + rtol * max(abs(yi), abs(yn)))
                sq[q] = de * de
            _lane_sums(sq, L, nrm)
            err = 0.0
            for lane in range(L):
                e = np.sqrt(nrm[lane] / n)
                if err == err and not e <= err:  # a NaN lane makes the group's error NaN
                    err = e
            finite = np.isfinite(err) and not _non_finite(ynew)
        if finite and err <= 1.0:
            _lane_rhs(model, w, ynew, f1, calls)
            finite = not _non_finite(f1)
        if not finite:
            stats[REJECTED] += 1
            h *= _NONFINITE_SHRINK
            reject_last = True
            continue
        fac = min(1.0 / _FAC_MIN, max(1.0 / _FAC_MAX, err ** err_exp / _SAFE))
        h_new = h / fac
        if err <= 1.0:
            if n_accepted > 0:
                fac_gus = h_acc / h * (err * err / err_acc) ** err_exp / _SAFE
                fac_gus = min(1.0 / _FAC_MIN, max(1.0 / _FAC_MAX, fac_gus))
                fac = max(fac, fac_gus)
                h_new = h / fac
            h_acc = h
            err_acc = max(0.01, err)
            t_new = t_end if last else t + h
            while io < T and t_out[io] <= t_new and t_out[io] < t_end:
                theta = (t_out[io] - t) / h
                for k in range(out_idx.shape[0]):
                    for lane in range(L):
                        q = out_idx[k] * L + lane
                        q0 = 0.0
                        q1 = 0.0
                        for j in range(s):
                            q0 += th[0, j] * u[j, q]
                            q1 += th[1, j] * u[j, q]
                        y_out[lane, io, k] = ((1.0 - theta) * y[q]
                                           + theta * (ynew[q] + (1.0 - theta) * (q0 + theta * q1)))
                io += 1
            for q in range(nl):
                y[q] = ynew[q]
                f0[q] = f1[q]
            if track_peak:
                raise_scale(y, atol_lanes, scale, atol)
            t = t_new
            stats[STEPS] += 1
            n_accepted += 1
            need_jac = True
            if last:
                return (LANE_SUCCESS, io)
            if reject_last:
                h_new = min(h_new, h)
            reject_last = False
            h = min(h_new, h_max)
        else:
            stats[REJECTED] += 1
            reject_last = True
            h = 0.1 * h if n_accepted == 0 else h_new


@njit(cache=True)
def integrate_group(model, tableau, options, w, y0, p, scale0, t0, events, t_out, out_idx, y_out, stats):
    """Integrate ``L`` patients with the same event times in lockstep.

    Parameters
    ----------
    model : tuple ``(rhs_l, jac_l, lu_fac_l, lu_sol_l, layout)``
        The lane functions and the buffer's region offsets plus ``L`` (module docstring).
    tableau, options : tuple
        As for :func:`sim.solver.rosenbrock.integrate_patient`; the model must be autonomous
        (``options[6]``: no ``df/dt`` term is formed).
    w : float64[W]
        The group's work buffer (module docstring).
    y0, scale0 : float64[L, n]
        States at ``t0`` and initial state scales, per lane.
    p : float64[L, m]
        Parameters per lane.
    t0 : float
        Start [day].
    events : tuple ``(ev_t[L, E], ev_idx[L, E, J], ev_mul[L, E, J], ev_add[L, E, J])``
        Per lane; the rows of ``ev_t`` must be equal (only lane 0's are read).
    t_out : float64[T]
        Output days. out_idx : int64[k] states to record.
    y_out : float64[L, T, k]
        Filled with the recorded states.
    stats : int64[5]
        The group's counters (each lane takes every step).

    Returns
    -------
    int
        ``LANE_SUCCESS``, or ``FALLBACK`` (integrate each lane alone instead).
    """
    rhs_l, jac_l, lu_fac_l, lu_sol_l, layout = model
    y_off, p_off, f_off, j_off, v_off, d_off, b_off, bad_off, L = layout
    rtol, atol_unit, track_peak, h_max, h_init, max_steps, autonomous = options
    ev_t, ev_idx, ev_mul, ev_add = events
    n = y0.shape[1]
    m = p.shape[1]
    s = tableau[5].shape[0]
    T = t_out.shape[0]
    E = ev_t.shape[1]
    nl = n * L
    for i in range(m):
        for lane in range(L):
            w[p_off + i * L + lane] = p[lane, i]
    y = np.empty(nl)
    scale = np.empty(nl)
    atol = np.empty(nl)
    atol_lanes = np.empty(nl)
    for i in range(n):
        for lane in range(L):
            q = i * L + lane
            y[q] = y0[lane, i]
            scale[q] = scale0[lane, i]
            atol_lanes[q] = atol_unit[i]
            atol[q] = atol_unit[i] * scale0[lane, i]
    work = (np.empty(nl), np.empty(nl), np.empty(nl), np.empty(nl), np.empty((s, nl)),
            np.empty(nl), np.empty(L), stats[N_RHS:N_RHS + 1])
    t = t0
    t_final = t_out[T - 1]
    h_min = 16.0 * _UROUND * max(abs(t0), abs(t_final), t_final - t0)
    io = 0
    ie = 0
    while True:
        while ie < E and ev_t[0, ie] <= t:
            for lane in range(L):
                for jj in range(ev_idx.shape[2]):
                    k = ev_idx[lane, ie, jj]
                    if k >= 0:
                        y[k * L + lane] = y[k * L + lane] * ev_mul[lane, ie, jj] + ev_add[lane, ie, jj]
            ie += 1
        if _non_finite(y):
            return FALLBACK
        if track_peak:
            raise_scale(y, atol_lanes, scale, atol)
        while io < T and t_out[io] <= t:
            for k in range(out_idx.shape[0]):
                for lane in range(L):
                    y_out[lane, io, k] = y[out_idx[k] * L + lane]
            io += 1
        if io >= T:
            return LANE_SUCCESS
        t_end = t_final
        if ie < E and ev_t[0, ie] < t_end:
            t_end = ev_t[0, ie]
        code, io = _integrate_segment(model, tableau, options, w, y, t, t_end, t_out, out_idx, io,
                                      atol, scale, atol_lanes, h_min, y_out, stats, work)
        if code != LANE_SUCCESS:
            return FALLBACK
        t = t_end


def lockstep_kernel(model, tableau, options, w_size, lanes, first, y0, p, scale, t0, events, t_out,
                    out_idx, group_status, y_out, stats):
    """Integrate groups of ``lanes`` consecutive patients, groups in ``prange``.

    A template: it is compiled only in a model's generated lanes module, with ``model`` bound
    and ``njit(parallel=True)`` (:mod:`sim.codegen.lanes`).

    Parameters
    ----------
    model, tableau, options
        As for :func:`integrate_group`.
    w_size, lanes : int
        Work buffer length and lanes per group.
    first : int64[G]
        First patient of each group; its patients are ``first[g]`` to ``first[g] + lanes - 1``,
        with equal event times (:func:`sim.solver.lockstep.lockstep_groups`).
    y0, p, scale, t0, events, t_out, out_idx
        The whole ensemble's inputs, as the scalar kernel takes them
        (:func:`sim.solver.ensemble.solve_ensemble`).
    group_status : int64[G]
        Filled with ``LANE_SUCCESS`` or ``FALLBACK`` per group.
    y_out : float64[N, T, k]
        Filled for the groups' patients.
    stats : int64[N, 5]
        Filled for the groups' patients (each lane gets its group's counts).
    """
    ev_t, ev_idx, ev_mul, ev_add = events
    for g in prange(first.shape[0]):
        a = first[g]
        b = a + lanes
        w = np.zeros(w_size)
        st = np.zeros(stats.shape[1], dtype=np.int64)
        group_status[g] = integrate_group(model, tableau, options, w, y0[a:b], p[a:b], scale[a:b],
                                          t0, (ev_t[a:b], ev_idx[a:b], ev_mul[a:b], ev_add[a:b]),
                                          t_out, out_idx, y_out[a:b], st)
        for j in range(a, b):
            for c in range(st.shape[0]):
                stats[j, c] = st[c]
