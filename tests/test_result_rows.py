"""``Result.rows``: a result cut to some patients equals simulating only those patients."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.observe import observe, observe_all

PATIENTS = [sim.Patient(kl_grade=2), sim.Patient(kl_grade=3, bmi=33.0), sim.Patient(kl_grade=4, age=70.0)]
REGIMENS = ["none()@0", "msc(cells=1e8,source=bm,allogeneic=0)@0", "saline(ml=4)@0;ha(mg=60,form=unknown)@30"]
TIMES = [0.0, 30.0, 91.0]


@pytest.fixture(scope="module")
def full():
    return sim.simulate(PATIENTS, REGIMENS, times=TIMES, provenance={"seed": 7})


@pytest.mark.parametrize("index", [[2, 0], np.array([False, True, True]), slice(1, None), 1, [-1]])
def test_rows_equal_simulating_the_subset(full, index):
    rows = np.arange(3)[index] if not isinstance(index, list) else np.array(index) % 3
    rows = np.atleast_1d(rows)
    part = full.rows(index)
    alone = sim.simulate([PATIENTS[i] for i in rows], [REGIMENS[i] for i in rows], times=TIMES,
                         provenance={"seed": 7})
    assert part.n_patients == rows.size
    np.testing.assert_array_equal(part.states, alone.states)
    np.testing.assert_array_equal(part.parameters, alone.parameters)
    np.testing.assert_array_equal(part.status, alone.status)
    assert part.regimens == alone.regimens and part.messages == alone.messages
    assert part.dose_plans == alone.dose_plans
    for name in alone.covariates:
        np.testing.assert_array_equal(part.covariates[name], alone.covariates[name])
    for name in alone.solver_stats:
        np.testing.assert_array_equal(part.solver_stats[name], alone.solver_stats[name])
    for name, values in observe_all(alone).items():
        np.testing.assert_array_equal(observe_all(part)[name], values, err_msg=name)


def test_observing_rows_equals_rows_of_observing(full):
    np.testing.assert_array_equal(observe(full.rows([2, 1]), "WOMAC_total"), observe(full, "WOMAC_total")[[2, 1]])


def test_rows_keep_run_level_fields(full):
    part = full.rows([0])
    np.testing.assert_array_equal(part.times, full.times)
    assert part.state_names == full.state_names
    assert dict(part.provenance) == dict(full.provenance) and dict(part.symptoms) == dict(full.symptoms)


def test_no_rows_gives_an_empty_result(full):
    assert full.rows([]).n_patients == 0


@pytest.mark.parametrize("index, words", [
    ([3], "row 3 is outside the result"),
    ([-4], "row -4 is outside the result"),
    (np.array([True, False]), "mask of shape (2,)"),
    ([0.5], "allowed: an integer, a slice"),
    ([[0, 1]], "allowed: an integer, a slice"),
])
def test_bad_rows_name_the_field(full, index, words):
    with pytest.raises(ValueError, match="rows: ") as info:
        full.rows(index)
    assert words in str(info.value)
