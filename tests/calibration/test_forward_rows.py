"""The calibration's forward model continues each distinct row once, to the last day any copy reads."""

from __future__ import annotations

import numpy as np

from sim import Patient
from sim.calibration.forward import _continue_distinct
from sim.engine.compiled import KNEE
from sim.engine.shared_run_in import shared_run_in
from sim.simulation import DEFAULT_OPTIONS, build_inputs

PATIENTS = [Patient(kl_grade=3)] * 4 + [Patient(kl_grade=2, age=70.0)]
REGIMENS = ["msc(cells=4e7,source=bm,allogeneic=0)@0"] * 3 + ["saline(ml=4)@0", "msc(cells=4e7,source=bm,allogeneic=0)@0"]
ENDS = np.array([84.0, 365.0, 0.0, 182.0, 84.0])  # rows 0-2 are copies; 3 and 4 are alone
DAYS = np.array([0.0, 28.0, 84.0, 182.0, 365.0])
OUT = np.arange(KNEE.n_states, dtype=np.int64)
BLOCKS = np.zeros(len(PATIENTS), dtype=np.int64)


def _split():
    y0, p, ev = build_inputs(PATIENTS, REGIMENS, -180.0)
    y_split, status, later = shared_run_in(KNEE, y0, p, ev, t0=-180.0, t_split=0.0, options=DEFAULT_OPTIONS)
    return y_split, p, later, status


def _alone(i, end):
    y_split, p, later, _ = _split()
    days = DAYS[DAYS <= end]
    return KNEE.solve_ensemble(y_split[i:i + 1], p[i:i + 1], *(e[i:i + 1] for e in later), t_out=days,
                               out_idx=OUT, t0=0.0, options=DEFAULT_OPTIONS).y[0]


def test_copies_take_the_shared_solve_up_to_their_own_last_day(solve_sizes):
    y_split, p, later, status = _split()
    solve_sizes.clear()
    y = _continue_distinct(y_split, p, later, status, ENDS, DAYS, OUT, BLOCKS)
    assert sum(solve_sizes) == 3  # rows 0-2 once (to day 365), row 3, row 4
    assert (status == 0).all()
    for i, end in enumerate(ENDS):
        read = DAYS <= end
        assert np.isfinite(y[i][read]).all() and np.isnan(y[i][~read]).all()
    # The copy solved to its latest day is the solve alone, bit for bit; the others agree with
    # their own shorter solves to the solver's tolerance (the day-84 value is interpolated).
    assert np.array_equal(y[1], _alone(1, 365.0))
    assert np.array_equal(y[3][:4], _alone(3, 182.0))
    short = _alone(0, 84.0)
    assert np.allclose(y[0][:3], short, rtol=1e-4, atol=1e-8)
    assert np.array_equal(y[2][0], y[1][0])  # the baseline read: the state after the day-0 dose, as always


def test_a_copy_fails_only_if_the_shared_solve_failed_before_its_last_day(monkeypatch):
    y_split, p, later, status = _split()
    real = KNEE.solve_ensemble.__func__

    def failing_after_day_100(self, y0_, p_, *events, t_out, **kwargs):
        sol = real(self, y0_, p_, *events, t_out=t_out, **kwargs)
        if t_out[-1] > 100.0:
            sol.y[:, t_out > 100.0] = np.nan
            sol.status[:] = 2
        return sol

    monkeypatch.setattr(type(KNEE), "solve_ensemble", failing_after_day_100)
    _continue_distinct(y_split, p, later, status, ENDS, DAYS, OUT, BLOCKS)
    assert list(status == 0) == [True, False, True, False, True]


def test_a_parameter_vectors_likelihood_does_not_depend_on_its_batch():
    """Each vector is a lockstep block of its own: emcee evaluates walkers in varying company.

    With 3 simulated patients per cohort a vector's rows are not a multiple of the four lanes,
    so groups would cross from one vector into the next without the blocks.
    """
    from sim.calibration import CALIBRATED, Problem
    from sim.evidence import load_arms, load_outcomes

    problem = Problem(load_arms(), load_outcomes(), n_sim=3)
    x0 = np.log([[q.default for q in CALIBRATED]])
    x = np.vstack([x0, x0 + 0.05, x0 - 0.03])
    together = problem.log_posterior(x)
    assert np.all(np.isfinite(together))
    assert np.array_equal(together[1:], problem.log_posterior(x[1:]))
    assert np.array_equal(together[2:], problem.log_posterior(x[2:]))
