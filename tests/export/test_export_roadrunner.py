"""The exported SBML simulated by libRoadRunner agrees with ``sim.simulate``.

The model is exported afresh in every run, from the ``rhs.py`` and tables of the checkout, so
any change of the model that the export does not follow fails here.

Agreement criterion: both integrators at tight tolerances (sim: Rodas4, rtol 1e-10, atol 1e-12;
RoadRunner: CVODE, rtol 1e-10, atol 1e-14 per state). For every state and output day,
``|roadrunner - sim| <= RTOL * max(|sim|, FLOOR)``: a relative error of at most 1e-4 for values
at or above the floor of 1e-6 (in each state's unit; states are of order one), and an absolute
error of at most 1e-10 below it (cells and drugs that are not there yet, or long cleared).
"""

from __future__ import annotations

import numpy as np
import pytest

roadrunner = pytest.importorskip("roadrunner")
pytest.importorskip("libsbml")
pytest.importorskip("sympy")

import sim  # noqa: E402
from sim.export import build_problem, to_sbml  # noqa: E402
from sim.engine.compiled import KNEE  # noqa: E402
from sim.model.states import STATE_NAMES  # noqa: E402
from sim.solver import SolverOptions  # noqa: E402

RTOL = 1e-4
FLOOR = 1e-6
pytestmark = pytest.mark.slow  # RoadRunner compiles each model with LLVM (a few seconds)
SIM_OPTIONS = SolverOptions(rtol=1e-10, atol=1e-12, max_steps=1_000_000, autonomous=True)

MSC = "msc(cells={cells},source=bm,allogeneic=0)@{day}"
CASES = {
    "untreated": (sim.Patient(), "none()@0"),
    "msc_repeat": (sim.Patient(kl_grade=2), ";".join([MSC.format(cells="2e7", day=0), MSC.format(cells="2e7", day=28),
                                                     MSC.format(cells="2e7", day=56)])),
    "prp_msc": (sim.Patient(), MSC.format(cells="1e8", day=0) + ";prp(ml=5,leukocyte=poor)@0"),
    "surgery_msc": (sim.Patient(kl_grade=4, bmi=32), "surgery(kind=hto)@0;" + MSC.format(cells="4e7", day=30)),
    # disease induction of an animal model: an event during the run-in (negative study day)
    "rat_induced": (sim.Patient(species="rat"), "msc(cells=1e6,source=ad,allogeneic=0)@0"),
}
# Output days: before, exactly at and between dose days (outputs at a dose day see the dose).
TIMES = np.array([0.0, 0.5, 1.0, 3.0, 7.0, 14.0, 28.0, 29.0, 30.0, 35.0, 56.0, 60.0, 90.0])


def _roadrunner(path) -> roadrunner.RoadRunner:
    rr = roadrunner.RoadRunner(str(path))
    integrator = rr.getIntegrator()
    integrator.setValue("relative_tolerance", 1e-10)
    # A vector: RoadRunner scales a scalar absolute tolerance by each state's value when the
    # integrator is (re)started at an event, which leaves cleared drugs (1e-300) without one.
    integrator.setValue("absolute_tolerance", [1e-14] * len(STATE_NAMES))
    integrator.setValue("maximum_num_steps", 1_000_000)
    return rr


def relative_error(test: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``|test - ref| / max(|ref|, FLOOR)``, elementwise, shape of ``ref``."""
    return np.abs(test - ref) / np.maximum(np.abs(ref), FLOOR)


@pytest.mark.parametrize("case", list(CASES))
def test_roadrunner_matches_simulate(case, tmp_path):
    patient, regimen = CASES[case]
    path = to_sbml(patient, regimen, tmp_path / f"{case}.xml").path
    res = sim.simulate(patient, regimen, times=TIMES, options=SIM_OPTIONS)
    assert res.status[0] == 0, res.messages
    ref = res.states[0]  # [time, state]

    t_start = build_problem(patient, regimen).t_start
    rr = _roadrunner(path)
    rr.timeCourseSelections = ["time", "study_day", *STATE_NAMES]
    # RoadRunner's first output time is its start time: SBML time 0 = study day t_start.
    out = np.asarray(rr.simulate(times=[0.0, *(TIMES - t_start)]))[1:]
    np.testing.assert_allclose(out[:, 1], TIMES, rtol=0, atol=1e-9)
    got = out[:, 2:]
    assert got.shape == ref.shape

    err = relative_error(got, ref)
    worst = np.unravel_index(np.argmax(err), err.shape)
    assert err.max() <= RTOL, (f"{case}: {STATE_NAMES[worst[1]]} on day {TIMES[worst[0]]:g}: "
                               f"roadrunner {got[worst]:.10g} vs sim {ref[worst]:.10g} (error {err.max():.2e})")


def test_rates_match_rhs_at_random_states(tmp_path):
    """The rate rules equal ``rhs`` pointwise, including states below zero and at kinks."""
    patient, regimen = CASES["prp_msc"]
    path = to_sbml(patient, regimen, tmp_path / "rates.xml").path
    p = build_problem(patient, regimen).p
    rr = _roadrunner(path)
    rng = np.random.default_rng(15)
    base = build_problem(patient, regimen).y0
    for trial in range(20):
        y = base * rng.uniform(0.0, 3.0, base.size) + rng.normal(0.0, 0.3, base.size)
        if trial % 4 == 0:
            y[rng.integers(0, base.size, 5)] = 0.0  # exactly on the clipping kinks
        for n, v in zip(STATE_NAMES, y):
            rr.setValue(n, float(v))
        dydt = np.empty_like(y)
        KNEE.rhs(0.0, y, p, dydt)
        # "x'" selects RoadRunner's value of the rate rule of x at the current state.
        rates = np.array([rr.getValue(n + "'") for n in STATE_NAMES])
        np.testing.assert_allclose(rates, dydt, rtol=1e-12, atol=1e-12 * np.max(np.abs(dydt)))
