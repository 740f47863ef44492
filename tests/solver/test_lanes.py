"""Lockstep SIMD lanes: generated functions equal the scalar ones per lane, groups, fallback, bits."""

import types

import numba
import numpy as np
import pytest

import sim
from sim.codegen import knee as codegen
from sim.engine.compiled import KNEE
from sim.engine.generated import jac_analytic, knee_lanes, knee_lu
from sim.model.rhs import rhs
from sim.provenance import committed_hash, sources_hash
from sim.simulation import DEFAULT_OPTIONS, build_inputs, simulate
from sim.solver import SolverInputError, Status, problems, solve_ensemble_chunked
from sim.solver.lockstep import lockstep_groups

L = knee_lanes.LANES
REGIMEN = ("msc(cells=5e7,source=ad,allogeneic=0)@0;ha(mg=30,form=linear)@0;prp(ml=5,leukocyte=poor)@30;"
           "steroid(mg=40,drug=triamcinolone)@182")
OTHER = "surgery(kind=hto)@0;msc(cells=4e7,source=bm,allogeneic=0)@30"
TIMES = np.array([0.0, 1.0, 30.0, 91.0, 182.0, 365.0])
T0 = -120.0
ON = DEFAULT_OPTIONS.replace(lockstep=True)
OFF = DEFAULT_OPTIONS.replace(lockstep=False)


def _patients(n, seed=0):
    rng = np.random.default_rng(seed)
    return [sim.Patient(kl_grade=int(rng.integers(2, 5)), age=float(rng.uniform(45, 75)),
                        bmi=float(rng.uniform(22, 35))) for _ in range(n)]


def _inputs(n, regimens=None, seed=0):
    regs = regimens or [REGIMEN] * n
    return build_inputs(_patients(n, seed), [sim.Regimen.parse(r) for r in regs], T0)


def _solve(y0, p, ev, options, **kw):
    return KNEE.solve_ensemble(y0, p, *ev, t_out=TIMES, t0=T0, options=options, **kw)


def test_generated_lanes_module_is_up_to_date():
    text = codegen.LANES_FILE.read_text(encoding="utf-8")
    assert text == codegen.render_knee_lanes(), "knee_lanes.py is stale: run python -m sim.codegen"
    assert committed_hash(codegen.LANES_FILE) is not None


def _lane_buffer(y, p):
    """Work buffer with the states and parameters of L patients (rows of y, p) in their regions."""
    w = np.zeros(knee_lanes.W_SIZE)
    n, m = y.shape[1], p.shape[1]
    w[knee_lanes.Y_OFF:knee_lanes.Y_OFF + n * L] = y.T.ravel()
    w[knee_lanes.P_OFF:knee_lanes.P_OFF + m * L] = p.T.ravel()
    return w


def test_lane_functions_equal_scalar_functions_bit_for_bit():
    y0, p, _ = _inputs(L)
    rng = np.random.default_rng(1)
    y = np.abs(y0) * rng.uniform(0.5, 2.0, y0.shape) + rng.uniform(0.0, 0.5, y0.shape)
    w = _lane_buffer(y, p)
    n = y.shape[1]
    knee_lanes.rhs_l(w)
    knee_lanes.jac_l(w)
    diag = np.array([3.0, 10.0, 1e3, 0.5])
    w[knee_lanes.D_OFF:knee_lanes.D_OFF + L] = diag
    knee_lanes.lu_fac_l(w)
    b = rng.normal(size=(L, n))
    w[knee_lanes.B_OFF:knee_lanes.B_OFF + n * L] = b.T.ravel()
    knee_lanes.lu_sol_l(w)
    cols = np.repeat(np.arange(n), np.diff(jac_analytic.JAC_INDPTR))
    nnz = cols.size
    for lane in range(L):
        f = np.zeros(n)
        rhs(0.0, y[lane], p[lane], f)
        np.testing.assert_array_equal(w[knee_lanes.F_OFF + lane:knee_lanes.F_OFF + n * L:L], f)
        J = np.zeros((n, n))
        jac_analytic.jac(0.0, y[lane], p[lane], J)
        got = w[knee_lanes.J_OFF + lane:knee_lanes.J_OFF + nnz * L:L]
        np.testing.assert_array_equal(got, J[jac_analytic.JAC_INDICES, cols])
        val = np.zeros(knee_lu.VAL_SIZE)
        assert knee_lu.lu_factor(J.reshape(-1), diag[lane], val) == 0
        assert w[knee_lanes.BAD_OFF + lane] == 0.0
        x = b[lane].copy()
        knee_lu.lu_solve(val, x)
        np.testing.assert_array_equal(w[knee_lanes.B_OFF + lane:knee_lanes.B_OFF + n * L:L], x)


def test_non_finite_pivot_flags_only_its_lane():
    y0, p, _ = _inputs(L)
    w = _lane_buffer(y0, p)
    knee_lanes.jac_l(w)
    w[knee_lanes.D_OFF:knee_lanes.D_OFF + L] = [5.0, np.nan, 5.0, 5.0]
    knee_lanes.lu_fac_l(w)
    np.testing.assert_array_equal(w[knee_lanes.BAD_OFF:knee_lanes.BAD_OFF + L], [0.0, 1.0, 0.0, 0.0])


def test_groups_are_consecutive_patients_with_equal_dose_times():
    ev_t = np.array([[0.0, 30.0]] * 4 + [[0.0, 30.0], [0.0, 31.0], [0.0, 30.0], [0.0, 30.0]]
                    + [[1.0, np.inf]] * 4 + [[0.0, 30.0]] * 3)
    np.testing.assert_array_equal(lockstep_groups(ev_t, 4), [0, 8])


def test_groups_stay_inside_blocks():
    ev_t = np.zeros((15, 1))
    blocks = np.array([0] * 6 + [1] * 5 + [2] * 3 + [0])
    # block 0: patients 0-3 (4-5 alone); block 1 starts at 6: 6-9 (10 alone); block 2 is too
    # short; the last patient's block id repeats an earlier one but starts a new run.
    np.testing.assert_array_equal(lockstep_groups(ev_t, 4, blocks), [0, 6])
    np.testing.assert_array_equal(lockstep_groups(ev_t, 4), [0, 4, 8])


def test_lockstep_is_as_accurate_as_alone_and_close_to_it():
    y0, p, ev = _inputs(4 * L)
    tight = _solve(y0, p, ev, OFF.replace(rtol=1e-10, atol=1e-12, max_steps=2_000_000))
    fast = OFF.replace(rtol=1e-4)
    alone = _solve(y0, p, ev, fast)
    lock = _solve(y0, p, ev, fast.replace(lockstep=True))
    assert np.all(lock.ok) and np.all(alone.ok)
    scale = np.maximum(np.abs(tight.y), KNEE.state_scale[None, None, :])
    err_lock = np.max(np.abs(lock.y - tight.y) / scale, axis=(1, 2))
    err_alone = np.max(np.abs(alone.y - tight.y) / scale, axis=(1, 2))
    # One step size for the group, from its worst lane: every lane's local error is within the
    # tolerance at every step, so the group's global error is that of patients alone (a single
    # patient's may differ either way with the different step sequence), and the two agree.
    assert err_lock.max() <= 2.0 * err_alone.max()
    assert np.median(err_lock) <= 2.0 * np.median(err_alone)
    assert np.max(np.abs(lock.y - alone.y) / scale) < 1e-2
    assert not np.array_equal(lock.y, alone.y)  # the lockstep path did run
    assert np.all(lock.n_steps >= alone.n_steps.min())


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 threads to compare with 1")
def test_lockstep_same_bits_for_any_thread_count_and_chunking():
    y0, p, ev = _inputs(3 * L + 2)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _solve(y0, p, ev, ON)
        numba.set_num_threads(2)
        two = _solve(y0, p, ev, ON)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.y, two.y)
    for chunk in (3, 5, 8):
        parts = solve_ensemble_chunked(
            KNEE.rhs, KNEE.jac, y0.shape[0], chunk,
            lambda a, b: {"y0": y0[a:b], "p": p[a:b], "ev_t": ev[0][a:b], "ev_idx": ev[1][a:b],
                          "ev_mul": ev[2][a:b], "ev_add": ev[3][a:b]},
            lambda a, b, sol: sol.y, TIMES, t0=T0, options=ON, **KNEE.solver_kwargs())
        np.testing.assert_array_equal(np.concatenate(parts), one.y)


def test_mixed_regimens_and_remainder_run_alone_bit_for_bit():
    regs = [REGIMEN, OTHER, REGIMEN, REGIMEN] + [REGIMEN] * L + [OTHER] * 2
    y0, p, ev = _inputs(len(regs), regs)
    lock = _solve(y0, p, ev, ON)
    alone = _solve(y0, p, ev, OFF)
    alone_rows = [0, 1, 2, 3, 8, 9]  # a group with two regimens, and the incomplete last group
    np.testing.assert_array_equal(lock.y[alone_rows], alone.y[alone_rows])
    assert not np.array_equal(lock.y[4:8], alone.y[4:8])


def test_failing_lane_gets_its_own_status_and_leaves_its_group_mates_alone():
    y0, p, ev = _inputs(2 * L)
    p = p.copy()
    p[5, :] = 1e300  # patient 5 cannot be integrated: its rates overflow
    lock = _solve(y0, p, ev, ON)
    alone = _solve(y0, p, ev, OFF)
    np.testing.assert_array_equal(lock.status, alone.status)
    assert lock.status[5] != Status.SUCCESS and np.all(np.delete(lock.status, 5) == Status.SUCCESS)
    # Its group fell back: every patient of it has the result it has alone, bit for bit.
    np.testing.assert_array_equal(lock.y[4:8], alone.y[4:8])
    assert not np.array_equal(lock.y[:4], alone.y[:4])


def test_simulate_with_lockstep_matches_alone_within_tolerance():
    pts = _patients(2 * L)
    a = simulate(pts, REGIMEN, times=TIMES, options=ON)
    b = simulate(pts, REGIMEN, times=TIMES, options=OFF)
    assert not np.array_equal(a.states, b.states)  # simulate did take the lockstep path
    assert a.provenance["solver_lockstep"] == 1 and b.provenance["solver_lockstep"] == 0
    for measure in ("WOMAC_total", "VAS_pain", "MRI_cartilage_volume"):
        x, y = sim.observe(a, measure), sim.observe(b, measure)
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-3)


def test_lanes_module_for_another_model_is_refused():
    y0, p, ev = _inputs(L)
    with pytest.raises(SolverInputError, match="lanes: must be a module"):
        _solve(y0, p, ev, ON, lanes=np)
    names = ("lockstep_kernel", "LANES", "W_SIZE", "N_STATES", "N_PARAMS", "RHS", "JAC")
    real = {a: getattr(knee_lanes, a) for a in names}
    with pytest.raises(SolverInputError, match="another rhs or jac"):
        _solve(y0, p, ev, ON, lanes=types.SimpleNamespace(**{**real, "JAC": problems.robertson_jac}))
    with pytest.raises(SolverInputError, match="states and"):
        _solve(y0, p, ev, ON, lanes=types.SimpleNamespace(**{**real, "N_PARAMS": real["N_PARAMS"] + 1}))
    with pytest.raises(SolverInputError, match="lockstep_blocks"):
        _solve(y0, p, ev, ON, lockstep_blocks=np.zeros(L + 1, dtype=int))
