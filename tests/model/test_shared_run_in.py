"""A run-in shared by the copies of a patient under several regimens equals solving each copy whole."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Patient
from sim.engine.compiled import KNEE
from sim.engine.shared_run_in import shared_run_in, solve_split
from sim.simulation import DEFAULT_OPTIONS, build_inputs, simulate

# Two patients (one with a pre-treatment surgery) under three regimens, plus a rat whose OA is
# induced before day 0: rows 0-2 share one run-in, 3-5 another (the surgery at day -30 is part
# of it), 6-8 the rat's.
PATIENTS = [Patient(kl_grade=3)] * 3 + [Patient(kl_grade=2, age=70.0)] * 3 + [Patient(species="rat")] * 3
REGIMENS = ["saline(ml=4)@0", "msc(cells=4e7,source=bm,allogeneic=0)@0", "prp(ml=5,leukocyte=rich)@0;ha(mg=30,form=linear)@28",
            "surgery(kind=debridement)@-30;saline(ml=4)@0", "surgery(kind=debridement)@-30;steroid(mg=40,drug=triamcinolone)@0",
            "surgery(kind=debridement)@-30",
            "none()@0", "msc(cells=1e6,source=bm,allogeneic=0)@0", "msc(cells=4e6,source=bm,allogeneic=0)@0"]
T0 = -181.0
DAYS = np.array([0.0, 1.0, 28.0, 91.0, 182.0])


@pytest.fixture(scope="module")
def inputs():
    return build_inputs(PATIENTS, REGIMENS, T0)


def test_equals_the_whole_solve_to_the_solver_tolerance(inputs):
    y0, p, ev = inputs
    whole = KNEE.solve_ensemble(y0, p, *ev, t_out=DAYS, t0=T0, options=DEFAULT_OPTIONS)
    y_split, status, later = shared_run_in(KNEE, y0, p, ev, t0=T0, t_split=0.0, options=DEFAULT_OPTIONS)
    rest = KNEE.solve_ensemble(y_split, p, *later, t_out=DAYS, t0=0.0, options=DEFAULT_OPTIONS)
    y, status = rest.y, np.where(status == 0, rest.status, status)
    assert (status == 0).all() and (whole.status == 0).all()
    scale = np.maximum(np.abs(whole.y), 1.0)
    err = np.abs(y - whole.y) / scale
    assert err.max() < 1e-4  # default rtol 1e-5: both solves are that close to the true path
    assert err.max() > 0.0  # a restart at day 0, not a copy of the whole solve


def test_each_distinct_run_in_is_solved_once(inputs, solve_sizes):
    y0, p, ev = inputs
    y_split, status, later = shared_run_in(KNEE, y0, p, ev, t0=T0, t_split=0.0, options=DEFAULT_OPTIONS)
    assert solve_sizes == [3]  # three distinct (state, parameters, events before day 0) rows
    assert (status == 0).all() and np.array_equal(y_split[0], y_split[2]) and not np.array_equal(y_split[0], y_split[3])
    # Continuing rows keep only their events from day 0 on, left-aligned.
    assert (later[0] >= 0.0).all() and np.isfinite(later[0][:, 0]).sum() == 7  # rows 5 and 6 have none left


def test_bad_split_is_refused_naming_the_field(inputs):
    y0, p, ev = inputs
    with pytest.raises(ValueError, match="t_split"):
        shared_run_in(KNEE, y0, p, ev, t0=T0, t_split=T0 - 1.0, options=DEFAULT_OPTIONS)


def test_split_solve_adds_the_run_in_to_each_rows_statistics(inputs):
    y0, p, ev = inputs
    run_in = KNEE.solve_ensemble(y0, p, *ev, t_out=np.array([0.0]), t0=T0, options=DEFAULT_OPTIONS)
    sol = solve_split(KNEE, y0, p, ev, t0=T0, t_split=0.0, t_out=DAYS, options=DEFAULT_OPTIONS)
    assert (sol.status == 0).all() and sol.y.shape == (9, DAYS.size, y0.shape[1])
    assert (sol.n_steps > run_in.n_steps).all()  # run-in plus the continuation's own steps
    with pytest.raises(ValueError, match="t_out"):
        solve_split(KNEE, y0, p, ev, t0=T0, t_split=0.0, t_out=np.array([-1.0, 5.0]), options=DEFAULT_OPTIONS)


def test_a_failed_run_in_fails_only_its_own_rows(inputs):
    y0, p, ev = inputs
    ev_add = ev[3].copy()
    assert (ev[0][3:6, 0] == -30.0).all()
    ev_add[3:6, 0, 0] = 1e308  # the second patient's surgery on day -30 overflows a state
    sol = solve_split(KNEE, y0, p, (ev[0], ev[1], ev[2], ev_add), t0=T0, t_split=0.0, t_out=DAYS, options=DEFAULT_OPTIONS)
    assert (sol.status[3:6] != 0).all() and np.isnan(sol.y[3:6]).all()
    assert (sol.status[[0, 1, 2, 6, 7, 8]] == 0).all() and np.isfinite(sol.y[[0, 1, 2, 6, 7, 8]]).all()


def test_a_patients_result_does_not_depend_on_the_batch_it_is_simulated_in():
    # simulate shares the run-in between rows; a row alone, or among other arms and patients that
    # start on the same day (the human rows), is the same trajectory bit for bit.
    batch = simulate(PATIENTS[:6], REGIMENS[:6], times=DAYS)
    assert batch.provenance["t0"] == simulate(PATIENTS[0], REGIMENS[0], times=[0.0]).provenance["t0"]
    for i in (0, 2, 4):
        alone = simulate(PATIENTS[i], REGIMENS[i], times=DAYS)
        assert np.array_equal(alone.states[0], batch.states[i])
        assert alone.solver_stats["n_steps"][0] == batch.solver_stats["n_steps"][i]
