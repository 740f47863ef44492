"""Convergence order, dense output, events (right-continuity, coinciding jumps), bolus decay."""

import numpy as np
import pytest
from models import decay_jac, decay_rhs, logistic_jac, logistic_rhs

from sim.solver import Status, solve
from sim.solver import problems as P


def _fixed_step(rhs, jac, y0, p, h, t_out, **kw):
    # huge atol: every step is accepted, h_max = h0 = h pins the step size
    return solve(rhs, jac, y0, p, t_out, h0=h, h_max=h, rtol=1e-3, atol=1e6, **kw)


def _logistic_exact(t, y0=0.1):
    return 1.0 / (1.0 + (1.0 / y0 - 1.0) * np.exp(-t))


def test_convergence_order_four_fixed_step():
    errors = []
    hs = [0.5, 0.25, 0.125, 0.0625]
    for h in hs:
        sol = _fixed_step(logistic_rhs, logistic_jac, [0.1], [], h, [4.0], autonomous=True)
        assert sol.n_rejected[0] == 0 and sol.n_steps[0] == round(4.0 / h)
        errors.append(abs(sol.y[0, -1, 0] - _logistic_exact(4.0)))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 3.6) and np.all(orders < 4.6), orders


def test_convergence_order_nonautonomous_fixed_step():
    errors = []
    for h in [0.4, 0.2, 0.1, 0.05]:
        sol = _fixed_step(P.pr_rhs, P.pr_jac, [2.0], [1.0], h, [4.0])
        errors.append(abs(sol.y[0, -1, 0] - (np.cos(4.0) + np.exp(-4.0))))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 3.5), orders


def test_dense_output_order_between_steps():
    # outputs in the middle of fixed steps: local error of the order-3 interpolant ~ h^4
    errors = []
    for h in [0.4, 0.2, 0.1]:
        t_mid = np.arange(0.5, 8) * h * 0.999 + 1.0
        sol = _fixed_step(logistic_rhs, logistic_jac, [0.1], [], h, t_mid, autonomous=True)
        errors.append(np.max(np.abs(sol.y[0, :, 0] - _logistic_exact(t_mid))))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 3.0), orders


def test_dense_output_accurate_to_tolerance_and_does_not_shorten_steps():
    t_few = np.array([0.0, 10.0])
    t_many = np.linspace(0.0, 10.0, 401)
    kw = dict(rtol=1e-6, atol=1e-9, autonomous=True)
    few = solve(logistic_rhs, logistic_jac, [0.1], [], t_few, **kw)
    many = solve(logistic_rhs, logistic_jac, [0.1], [], t_many, **kw)
    assert few.n_steps[0] == many.n_steps[0] and few.n_rhs[0] == many.n_rhs[0]
    assert few.y[0, -1, 0] == many.y[0, -1, 0]
    err = np.abs(many.y[0, :, 0] - _logistic_exact(t_many))
    assert np.max(err / (1e-9 + 1e-6 * _logistic_exact(t_many))) < 10.0


def test_bolus_decay_matches_exponential():
    k = np.array([0.7, 24.0])  # a depot (days) and a fast mediator (hours)
    t_out = np.linspace(0.0, 5.0, 51)
    ev = (np.array([0.0]), np.array([[0, 1]]), np.array([[1.0, 1.0]]), np.array([[3.0, 2.0]]))
    sol = solve(decay_rhs, decay_jac, [0.0, 0.0], k, t_out, events=ev, rtol=1e-8, atol=1e-12,
                autonomous=True)
    exact = np.array([3.0, 2.0]) * np.exp(-np.outer(t_out, k))
    assert sol.status[0] == Status.SUCCESS
    assert np.max(np.abs(sol.y[0] - exact) / (1e-12 + 1e-8 * exact)) < 20.0


def test_outputs_are_right_continuous_at_events():
    k = np.array([1.0])
    ev = (np.array([1.0, np.inf]), np.array([[0], [-1]]), np.array([[1.0], [1.0]]),
          np.array([[5.0], [0.0]]))
    t_out = np.array([0.5, 1.0, 1.0, 2.0])
    sol = solve(decay_rhs, decay_jac, [1.0], k, t_out, events=ev, rtol=1e-10, atol=1e-14,
                autonomous=True)
    y = sol.y[0, :, 0]
    assert y[1] == y[2]
    assert y[1] == pytest.approx(np.exp(-1.0) + 5.0, rel=1e-8)
    assert y[3] == pytest.approx((np.exp(-1.0) + 5.0) * np.exp(-1.0), rel=1e-8)


def test_coinciding_events_apply_in_order_and_at_t0():
    # at t=0: y = (y*2) + 0, then y = y*1 + 1  -> 2*1 + 1 = 3 (the other order would give 4)
    ev = (np.array([0.0, 0.0, 3.0]), np.array([[0], [0], [0]]),
          np.array([[2.0], [1.0], [0.0]]), np.array([[0.0], [1.0], [7.0]]))
    t_out = np.array([0.0, 3.0, 4.0])
    sol = solve(decay_rhs, decay_jac, [1.0], [0.0], t_out, events=ev, autonomous=True)
    assert list(sol.y[0, :, 0]) == [3.0, 7.0, 7.0]


def test_events_after_last_output_are_ignored():
    ev = (np.array([5.0]), np.array([[0]]), np.array([[0.0]]), np.array([[np.nan]]))
    # ev_add may hold anything only where ev_idx == -1; here it is used -> must be rejected
    with pytest.raises(ValueError, match="ev_mul/ev_add"):
        solve(decay_rhs, decay_jac, [1.0], [1.0], [1.0], events=ev)
    ev = (np.array([5.0]), np.array([[0]]), np.array([[0.0]]), np.array([[9.0]]))
    sol = solve(decay_rhs, decay_jac, [1.0], [1.0], [1.0], events=ev, rtol=1e-9, atol=1e-12)
    assert sol.y[0, 0, 0] == pytest.approx(np.exp(-1.0), rel=1e-7)
