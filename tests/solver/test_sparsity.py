"""Sparsity-aware Jacobian: pattern detection, column grouping, static sparse LU, knee model."""

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import sim
from sim.engine.jacobian import knee_sparsity
from sim.model.rhs import jac as knee_dense_jac
from sim.model.rhs import rhs as knee_rhs
from sim.simulation import build_inputs
from sim.solver import SolverInputError, SolverOptions, solve_ensemble, solve_ensemble_chunked
from sim.solver import problems as P
from sim.solver.linalg import (lu_factor, lu_solve, static_lu_factor, static_lu_plan,
                               static_lu_solve)
from sim.solver.sparsity import (dense_fd_groups, detect_sparsity, fd_groups, group_columns)

T_OUT = np.array([0.0, 1.0, 30.0, 100.0, 365.0])
OPTS = SolverOptions(rtol=1e-4, atol=1e-7, autonomous=True)
KNEE_TIMES = np.array([0.0, 30.0, 91.0, 182.0, 365.0])
KNEE_REGIMEN = ("msc(cells=5e7,source=ad,allogeneic=0)@0;ha(mg=30,form=linear)@0;"
                "prp(ml=5,leukocyte=poor)@30;steroid(mg=40,drug=triamcinolone)@91")


def _k40(n=6):
    ev = P.kinetics40_doses(n, times=(0.0, 30.0, 120.0))
    return dict(y0=P.kinetics40_y0(n), p=P.kinetics40_parameters(n, seed=5), ev_t=ev[0],
                ev_idx=ev[1], ev_mul=ev[2], ev_add=ev[3])


def _k40_pattern():
    inp = _k40(4)
    ys = np.abs(inp["y0"]) + np.random.default_rng(0).uniform(0.1, 2.0, inp["y0"].shape)
    return detect_sparsity(P.kinetics40_rhs, ys, inp["p"])


@given(st.integers(2, 14), st.integers(0, 10_000), st.floats(0.05, 0.6))
@settings(max_examples=40, deadline=None)
def test_groups_partition_columns_without_shared_rows(n, seed, density):
    pat = np.random.default_rng(seed).random((n, n)) < density
    groups = group_columns(pat)
    cols = np.sort(np.concatenate(groups))
    np.testing.assert_array_equal(cols, np.arange(n))
    for g in groups:
        assert np.all(pat[:, g].sum(axis=1) <= 1)


def test_dense_groups_are_one_column_each_and_full_pattern():
    gp, gc, cp, ri = dense_fd_groups(5)
    assert gp.size == 6 and np.all(np.diff(gp) == 1)
    assert fd_groups(np.ones((5, 5), bool))[0].size == 6
    assert ri.size == 25 and cp[-1] == 25


def test_detected_pattern_contains_the_analytic_jacobian():
    pat = _k40_pattern()
    inp = _k40(4)
    J = np.empty((pat.shape[0],) * 2)
    for y, p in zip(inp["y0"] + 0.5, inp["p"]):
        P.kinetics40_jac(0.0, y, p, J)
        assert not np.any(J[~pat]), "analytic Jacobian has entries outside the detected pattern"


def test_sparse_fd_agrees_with_analytic_jacobian_and_full_pattern_is_dense_fd():
    inp = _k40()
    exact = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, t_out=T_OUT, options=OPTS, **inp)
    dense = solve_ensemble(P.kinetics40_rhs, None, t_out=T_OUT, options=OPTS, **inp)
    n = inp["y0"].shape[1]
    full = solve_ensemble(P.kinetics40_rhs, None, t_out=T_OUT, options=OPTS,
                          jac_sparsity=np.ones((n, n), bool), **inp)
    sparse = solve_ensemble(P.kinetics40_rhs, None, t_out=T_OUT, options=OPTS,
                            jac_sparsity=_k40_pattern(), **inp)
    assert np.all(sparse.ok)
    # Full pattern = plain dense differences; the sparse LU rounds differently, and step-size
    # choices amplify that to well below the tolerance.
    np.testing.assert_allclose(full.y, dense.y, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(sparse.y, exact.y, rtol=2e-3, atol=1e-5)
    assert sparse.n_rhs.sum() < 0.6 * dense.n_rhs.sum()


def test_bad_sparsity_names_the_field():
    inp = _k40(2)
    for bad in (np.ones((3, 3), bool), np.ones((40, 40))):
        with pytest.raises(SolverInputError, match="jac_sparsity"):
            solve_ensemble(P.kinetics40_rhs, None, t_out=T_OUT, jac_sparsity=bad, **inp)


@given(st.integers(2, 30), st.integers(0, 10_000), st.floats(0.05, 0.4),
       st.floats(1e-3, 1e3))
@example(20, 0, 0.05078125, 0.001)  # componentwise residual 3e-9 here (see below)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_static_lu_solves_or_declines(n, seed, density, diag):
    rng = np.random.default_rng(seed)
    pat = rng.random((n, n)) < density
    J = np.where(pat, rng.normal(size=(n, n)) * 10.0 ** rng.uniform(-3, 3, (n, 1)), 0.0)
    plan = static_lu_plan(pat)
    # slot layout the solve relies on: L values by column, then U values by row
    l_ptr, l_pos, u_pos = plan[4], plan[5], plan[11]
    np.testing.assert_array_equal(l_pos, np.arange(l_pos.size))
    np.testing.assert_array_equal(u_pos, l_ptr[n] + np.arange(u_pos.size))
    w = np.zeros(n * n + n)
    b = rng.normal(size=n)
    x = b.copy()
    code = static_lu_factor(J, diag, plan, w, np.empty(n))
    A = diag * np.eye(n) - J
    if code == 0:
        static_lu_solve(w, plan, x, np.empty(n))
    else:  # the caller's fallback: dense threshold-pivoting LU
        W = A.copy()
        if lu_factor(W, np.empty(n, np.int64), np.empty(n, np.int64)) != 0:
            return
        piv = np.empty(n, np.int64)
        W = A.copy()
        lu_factor(W, piv, np.empty(n, np.int64))
        lu_solve(W, piv, x)
    # Row-wise normwise backward error: what the growth limit guarantees (|l||u| <= 1e4 x the
    # row's largest entry). A componentwise measure (|A||x| per row) has no such bound and
    # failed for n=20, seed=0, density=0.0508, diag=1e-3 (3e-9, both before and after the slot
    # reordering), while the row-wise error there is 3e-22.
    resid = np.abs(A @ x - b) / (np.abs(A).max(axis=1) * np.abs(x).max() + np.abs(b))
    assert resid.max() < 1e-9


def test_knee_pattern_covers_dense_jacobian_along_trajectories():
    pat = knee_sparsity()
    pts = [sim.Patient(kl_grade=k) for k in (2, 4)]
    y0, p, ev = build_inputs(pts, [sim.Regimen.parse(KNEE_REGIMEN)] * 2, -181.0)
    sol = solve_ensemble(knee_rhs, None, y0, p, *ev, t_out=np.linspace(-180, 365, 40), t0=-181.0,
                         options=OPTS, jac_sparsity=pat)
    J = np.empty(pat.shape)
    for k in range(2):
        for y in sol.y[k]:
            knee_dense_jac(0.0, y.copy(), p[k], J)
            assert not np.any(J[~pat])
    assert len(group_columns(pat)) < pat.shape[0] // 2


def test_knee_sparse_engine_matches_dense_jacobian_engine():
    pts = [sim.Patient(kl_grade=k, age=a) for k, a in ((2, 50.0), (3, 60.0), (4, 70.0))]
    y0, p, ev = build_inputs(pts, [sim.Regimen.parse(KNEE_REGIMEN)] * 3, -181.0)
    kw = dict(t_out=KNEE_TIMES, t0=-181.0, options=SolverOptions(rtol=1e-7, atol=1e-10,
                                                                  autonomous=True))
    a = solve_ensemble(knee_rhs, None, y0, p, *ev, jac_sparsity=knee_sparsity(), **kw)
    b = solve_ensemble(knee_rhs, knee_dense_jac, y0, p, *ev, **kw)
    assert np.all(a.ok)
    np.testing.assert_allclose(a.y, b.y, rtol=1e-5, atol=1e-8)


def test_knee_sparse_engine_threads_and_chunks_bit_identical():
    n = 6
    pts = [sim.Patient(kl_grade=2 + i % 3, age=50.0 + 3 * i) for i in range(n)]
    y0, p, ev = build_inputs(pts, [sim.Regimen.parse(KNEE_REGIMEN)] * n, -181.0)
    kw = dict(t_out=KNEE_TIMES, t0=-181.0, options=OPTS, jac_sparsity=knee_sparsity())
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = solve_ensemble(knee_rhs, None, y0, p, *ev, **kw)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = solve_ensemble(knee_rhs, None, y0, p, *ev, **kw)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.y, two.y)

    def make(a, b):
        return dict(y0=y0[a:b], p=p[a:b], ev_t=ev[0][a:b], ev_idx=ev[1][a:b], ev_mul=ev[2][a:b],
                    ev_add=ev[3][a:b])

    parts = solve_ensemble_chunked(knee_rhs, None, n, 4, make, lambda a, b, s: s.y, **kw)
    np.testing.assert_array_equal(np.concatenate(parts), one.y)
