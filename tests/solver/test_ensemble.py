"""Ensemble engine: determinism across threads and chunks, per-patient failures, caching."""

import os
import subprocess
import sys

import numba
import numpy as np
import pytest
from models import blowup_jac, blowup_rhs, decay_jac, decay_rhs, status_jac, status_rhs

import sim
from sim.solver import SolverOptions, Status, solve, solve_ensemble, solve_ensemble_chunked
from sim.solver import problems as P

N_PAT = 12
T_OUT = np.array([0.0, 1.0, 30.0, 30.0, 100.0, 365.0])
OPTS = SolverOptions(rtol=1e-4, atol=1e-7, autonomous=True)


def _k40_inputs(start, stop):
    n = stop - start
    p = P.kinetics40_parameters(N_PAT, seed=11)[start:stop]
    ev = P.kinetics40_doses(n, times=(0.0, 30.0, 120.0, 240.0))
    return dict(y0=P.kinetics40_y0(n), p=p, ev_t=ev[0], ev_idx=ev[1], ev_mul=ev[2], ev_add=ev[3])


def _solve_all(**kw):
    return solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, t_out=T_OUT, options=OPTS,
                          **_k40_inputs(0, N_PAT), **kw)


def test_bit_identical_for_one_and_two_threads():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _solve_all()
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _solve_all()
    finally:
        numba.set_num_threads(before)
    assert np.all(one.status == Status.SUCCESS)
    assert np.array_equal(one.y, two.y)
    assert np.array_equal(one.n_steps, two.n_steps)
    assert np.array_equal(one.n_rhs, two.n_rhs)


@pytest.mark.parametrize("chunk", [1, 5, N_PAT])
def test_chunked_driver_is_bit_identical(chunk):
    full = _solve_all()
    parts = solve_ensemble_chunked(P.kinetics40_rhs, P.kinetics40_jac, N_PAT, chunk,
                                   _k40_inputs, lambda a, b, sol: (a, b, sol.y, sol.status),
                                   T_OUT, options=OPTS)
    assert [pt[0] for pt in parts] == list(range(0, N_PAT, chunk))
    assert np.array_equal(np.concatenate([pt[2] for pt in parts]), full.y)
    # a reduction that keeps only a summary never holds the trajectories of all patients
    means = solve_ensemble_chunked(P.kinetics40_rhs, P.kinetics40_jac, N_PAT, chunk,
                                   _k40_inputs, lambda a, b, sol: sol.y[:, -1].sum(axis=0),
                                   T_OUT, options=OPTS)
    assert np.allclose(np.sum(means, axis=0), full.y[:, -1].sum(axis=0), rtol=1e-13)


def test_patient_result_does_not_depend_on_batch_neighbours():
    full = _solve_all()
    alone = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, t_out=T_OUT, options=OPTS,
                           **_k40_inputs(7, 8))
    assert np.array_equal(alone.y[0], full.y[7])


def test_blow_up_patient_fails_alone():
    p = np.array([[1.0, 1.0], [50.0, 1.0], [0.5, 1.0]])  # patient 1 blows up near t = 0.02
    y0 = np.ones((3, 1))
    t_out = np.linspace(0.0, 2.0, 5)
    sol = solve_ensemble(blowup_rhs, blowup_jac, y0, p, t_out=t_out, rtol=1e-6, atol=1e-9)
    assert sol.status[0] == Status.SUCCESS and sol.status[2] == Status.SUCCESS
    assert sol.status[1] in (Status.NONFINITE, Status.STEP_TOO_SMALL, Status.MAX_STEPS)
    assert sol.y[1, 0, 0] == 1.0 and np.all(np.isnan(sol.y[1, 1:]))
    assert np.all(np.isfinite(sol.y[[0, 2]]))
    assert sol.summary()["SUCCESS"] == 2
    assert "blow-up" in sol.messages()[1] or "step" in sol.messages()[1]


def test_max_steps_and_model_status_codes():
    sol = solve(P.robertson_rhs, P.robertson_jac, [1.0, 0, 0], P.ROBERTSON_P, [1e4],
                max_steps=5)
    assert sol.status[0] == Status.MAX_STEPS and np.isnan(sol.y[0, 0, 0])
    assert sol.n_steps[0] + sol.n_rejected[0] == 5
    p = np.array([[1.0, 0.5], [1.0, 1e-9]])  # patient 0 reaches y < 0.5 -> rhs returns 7
    sol = solve_ensemble(status_rhs, status_jac, np.ones((2, 1)), p, t_out=[0.0, 2.0])
    assert list(sol.status) == [Status.MODEL_ERROR, Status.SUCCESS]


def test_finite_difference_jacobian_agrees():
    kw = dict(t_out=T_OUT, options=OPTS.replace(rtol=1e-7, atol=1e-10), **_k40_inputs(0, 3))
    exact = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, **kw)
    fd = solve_ensemble(P.kinetics40_rhs, None, **kw)
    assert np.all(fd.status == Status.SUCCESS)
    assert np.allclose(fd.y, exact.y, rtol=1e-5, atol=1e-8)
    assert np.all(fd.n_rhs > exact.n_rhs + 40 * exact.n_jac - 1)


def test_statistics_are_consistent():
    sol = _solve_all()
    assert np.all(sol.n_lu >= sol.n_steps + 0) and np.all(sol.n_jac >= sol.n_steps)
    assert np.all(sol.n_rhs >= 6 * sol.n_steps)
    assert np.all(sol.n_steps < 400)


def test_kernel_cache_hits_in_fresh_process():
    code = (
        "import numpy as np, sys; sys.path.insert(0, sys.argv[1]);"
        "from models import decay_rhs, decay_jac;"
        "from sim.solver import solve; from sim.solver import ensemble as e;"
        "solve(decay_rhs, decay_jac, [1.0], [1.0], [1.0]);"
        "k = next(iter(e._KERNELS.values())); print(sum(k.stats.cache_misses.values()))"
    )
    here = os.path.dirname(__file__)
    root = os.path.dirname(os.path.dirname(os.path.abspath(sim.__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    runs = [subprocess.run([sys.executable, "-c", code, here], capture_output=True, text=True,
                           env=env, check=True) for _ in range(2)]
    assert runs[1].stdout.strip() == "0", runs[1].stderr
