"""A run-in shared by the copies of a patient under several regimens equals solving each copy whole."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Patient
from sim.engine.compiled import KNEE
from sim.engine.shared_run_in import shared_run_in
from sim.simulation import DEFAULT_OPTIONS, build_inputs

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


def test_each_distinct_run_in_is_solved_once(inputs, monkeypatch):
    y0, p, ev = inputs
    sizes = []
    real = KNEE.solve_ensemble.__func__

    def counting(self, y0_, *args, **kwargs):
        sizes.append(y0_.shape[0])
        return real(self, y0_, *args, **kwargs)

    monkeypatch.setattr(type(KNEE), "solve_ensemble", counting)
    y_split, status, later = shared_run_in(KNEE, y0, p, ev, t0=T0, t_split=0.0, options=DEFAULT_OPTIONS)
    assert sizes == [3]  # three distinct (state, parameters, events before day 0) rows
    assert (status == 0).all() and np.array_equal(y_split[0], y_split[2]) and not np.array_equal(y_split[0], y_split[3])
    # Continuing rows keep only their events from day 0 on, left-aligned.
    assert (later[0] >= 0.0).all() and np.isfinite(later[0][:, 0]).sum() == 7  # rows 5 and 6 have none left


def test_bad_split_is_refused_naming_the_field(inputs):
    y0, p, ev = inputs
    with pytest.raises(ValueError, match="t_split"):
        shared_run_in(KNEE, y0, p, ev, t0=T0, t_split=T0 - 1.0, options=DEFAULT_OPTIONS)
