"""Absolute tolerances scaled by each state's declared size and running peak; outcome accuracy."""

import numpy as np
import pytest

import sim
from sim.engine.compiled import KNEE, declared_scale
from sim.model.states import STATES, state_index
from sim.observe import observe
from sim.simulation import DEFAULT_OPTIONS, simulate
from sim.solver import SolverInputError, SolverOptions, solve_ensemble
from sim.solver import problems as P

T_OUT = np.array([0.0, 1.0, 30.0, 120.0, 365.0])
OPTS = SolverOptions(rtol=1e-4, atol=1e-7, autonomous=True)


def _k40(n=4):
    ev = P.kinetics40_doses(n)
    return (P.kinetics40_y0(n), P.kinetics40_parameters(n, seed=3)) + ev


def test_declared_scale_is_default_but_at_least_one():
    scale = declared_scale(STATES)
    assert scale[state_index("effusion")] == pytest.approx(6.7)
    assert scale[state_index("msc_free")] == 1.0 and scale[state_index("collagen")] == 1.0
    assert np.array_equal(KNEE.state_scale, scale)


def test_unit_scale_without_peak_tracking_is_the_fixed_tolerance_path():
    y0, p, *ev = _k40()
    fixed = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, t_out=T_OUT, options=OPTS)
    again = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, t_out=T_OUT, options=OPTS,
                           state_scale=None)
    assert np.array_equal(fixed.y, again.y)


def test_peak_scaled_tolerance_saves_steps_and_stays_accurate():
    y0, p, *ev = _k40()
    kw = dict(t_out=T_OUT, options=OPTS)
    fixed = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, **kw)
    peak = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, state_scale=np.ones(40), **kw)
    ref = solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, t_out=T_OUT,
                         options=SolverOptions(rtol=1e-11, atol=1e-13, autonomous=True))
    assert np.all(peak.ok)
    assert peak.n_steps.sum() <= fixed.n_steps.sum()
    # the doses are 10: a tolerance of 1e-7 per unit of peak is 1e-6 on the depots
    np.testing.assert_allclose(peak.y, ref.y, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("bad", [np.ones(3), -np.ones(40), np.full(40, np.nan)])
def test_bad_state_scale_raises(bad):
    y0, p, *ev = _k40()
    with pytest.raises(SolverInputError, match="state_scale"):
        solve_ensemble(P.kinetics40_rhs, P.kinetics40_jac, y0, p, *ev, t_out=T_OUT, options=OPTS,
                       state_scale=bad)


REGIMENS = ("msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0",
            "steroid(mg=40,drug=triamcinolone)@0;steroid(mg=40,drug=triamcinolone)@91",
            "msc(cells=2e7,source=bm,allogeneic=0)@0;msc(cells=2e7,source=bm,allogeneic=0)@182",
            "surgery(kind=hto)@0;msc(cells=4e7,source=bm,allogeneic=0)@30")


def test_outcomes_at_default_options_within_1e3_of_tight_reference():
    """The small version of ``benchmarks/bench_engine.py --accuracy``: what users run."""
    pts = [sim.Patient(kl_grade=2 + i % 3, age=47.0 + 5 * i, bmi=23.0 + 1.5 * i) for i in range(8)]
    regs = [REGIMENS[i % len(REGIMENS)] for i in range(8)]
    kw = dict(t_end=400.0, step=14.0)
    ref = simulate(pts, regs, options=SolverOptions(rtol=1e-10, atol=1e-12, max_steps=2_000_000,
                                                    autonomous=True), **kw)
    res = simulate(pts, regs, options=DEFAULT_OPTIONS, **kw)
    for measure, floor in (("WOMAC_total", 0.96), ("VAS_pain", 1.0), ("MRI_cartilage_volume", 0.02)):
        a, b = observe(res, measure), observe(ref, measure)
        assert np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)) < 1e-3, measure
