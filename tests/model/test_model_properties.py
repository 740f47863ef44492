"""Property tests: invariants over random patients, parameters and regimens; bit-for-bit rules."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import Patient, simulate
from sim.engine.compiled import KNEE
from sim.model.parameters import PARAMETERS
from sim.model.states import STATE_NAMES
from sim.regimen import Regimen
from sim.simulation import DEFAULT_OPTIONS, build_inputs, solve_inputs

Q = {q.name: q for q in PARAMETERS}
#: Influential rates, gains and residence times of every block of the model.
INFLUENTIAL = (
    "k_recruit", "recruit_fragments", "k_m1_to_m2", "k_macrophage_loss", "il1_per_m1", "effusion_per_m1",
    "clearance_protein", "k_collagen_mmp13", "k_aggrecan_adamts", "k_aggrecan_synthesis",
    "k_chondrocyte_death_il1", "k_msc_loss_free", "k_msc_adhesion", "k_msc_death_adhered",
    "k_msc_proliferation", "k_msc_differentiation", "k_repair", "k_secretion", "K_secretome",
    "immuno_m1_to_m2", "paracrine_tgfb", "repair_quality_min", "repair_quality_max",
    "half_life_ha_linear", "k_prp_release", "half_life_steroid_depot",
)
MECHANISMS = ("mech_differentiation", "mech_paracrine", "mech_immunomodulation", "mech_homing")
#: Regimens whose jumps leave the macrophages alone (see test_m1_jumps_respect_capacity).
REGIMENS = (
    "none()@0",
    "msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0",
    "ha(mg=30,form=crosslinked)@0;steroid(mg=40,drug=triamcinolone)@30;msc(cells=2e7,source=uc,allogeneic=1)@60",
    "ha(mg=60,form=linear)@0;msc(cells=5e7,source=ad,allogeneic=0)@42;scaffold(strength=1)@42",
    "exo(dose=200,source=bm)@0;antiinflam(strength=1,days=90)@0;anabolic(strength=1,days=60)@10",
    "msc(cells=?,source=bmac,allogeneic=0)@0;msc(cells=4e7,source=bm,allogeneic=0)@182",
)
#: Output grid: weekly, plus the hours and days after every dose day used above.
TIMES = np.unique(np.concatenate([np.arange(0.0, 365.0 + 1, 7.0)]
                                 + [d + np.array([0.0, 0.05, 0.25, 1.0, 2.0]) for d in (0, 10, 30, 42, 60, 182)]))
IX = {n: i for i, n in enumerate(STATE_NAMES)}


@st.composite
def patients(draw):
    values = {name: float(draw(st.integers(0, 1))) for name in MECHANISMS}
    for name in INFLUENTIAL:
        q = Q[name]
        factor = draw(st.floats(0.25, 4.0))
        values[name] = float(np.clip(q.default * factor, q.lower, q.upper))
    return Patient(kl_grade=draw(st.integers(0, 4)), age=draw(st.floats(40, 85)), bmi=draw(st.floats(20, 40)),
                   inflammation=draw(st.floats(0.2, 3.0)), parameters=values)


def _check_invariants(res):
    assert res.ok.all(), res.messages
    for i in range(res.n_patients):
        y = res.states[i]
        scale = np.maximum(np.abs(y).max(axis=0), 1.0)
        # Non-negative up to the absolute tolerance asked of the solver, which resolves each
        # state to atol times its declared size or peak (KNEE.state_scale): a dosed compartment
        # decaying to zero may undershoot by a fraction of that before the clipping in rhs stops it.
        bad = np.argwhere(y < -DEFAULT_OPTIONS.atol * scale)
        assert bad.size == 0, [(STATE_NAMES[j], res.times[t], y[t, j]) for t, j in bad[:5]]
        m = y[:, IX["macrophage_m1"]] + y[:, IX["macrophage_m2"]]
        assert m.max() <= 1.0 + 1e-9, f"m1 + m2 = {m.max()!r} > 1"
        excess = y[:, IX["repair_hyaline"]] - y[:, IX["repair_tissue"]]
        assert excess.max() <= 1e-9, f"repair_hyaline exceeds repair_tissue by {excess.max():.3g}"
        assert y[:, IX["collagen"]].max() <= 1.0 + 1e-9


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(st.tuples(patients(), st.sampled_from(REGIMENS)), min_size=1, max_size=3))
def test_states_stay_physical(batch):
    pts, regs = zip(*batch)
    _check_invariants(simulate(list(pts), list(regs), times=TIMES))


def test_m1_jumps_respect_capacity():
    pt = Patient(kl_grade=4, inflammation=3.0, parameters={"k_recruit": 0.5})
    res = simulate([pt, pt], ["surgery(kind=meniscectomy)@0", "prp(ml=5,leukocyte=rich)@0"], times=[0.0, 1.0])
    m = res.state("macrophage_m1") + res.state("macrophage_m2")
    assert m.max() <= 1.0 + 1e-9, f"m1 + m2 = {m.max():.4f}"


def _solver_only(patient, times):
    """The untreated knee straight through the solver (run-in split at day 0 as ``simulate`` does
    it): no regimen layer, no events."""
    y0, p, _ = build_inputs([patient], [Regimen(())], -180.0)
    no_events = (np.full((1, 1), np.inf), np.full((1, 1, 1), -1, dtype=np.int64), np.ones((1, 1, 1)),
                 np.zeros((1, 1, 1)))
    sol = solve_inputs(y0, p, no_events, t_out=np.asarray(times, float), out_idx=np.arange(len(STATE_NAMES)),
                       t0=-180.0, options=DEFAULT_OPTIONS)
    return sol.y


@settings(max_examples=6, deadline=None)
@given(patient=patients())
def test_none_regimen_is_untreated_bit_for_bit(patient):
    times = np.arange(0.0, 182.0 + 1, 7.0)
    res = simulate(patient, "none()@0", times=times)
    np.testing.assert_array_equal(res.states, _solver_only(patient, times))
    np.testing.assert_array_equal(res.states, simulate(patient, Regimen(()), times=times).states)


@settings(max_examples=6, deadline=None)
@given(patient=patients(), regimen=st.sampled_from(REGIMENS))
def test_same_inputs_same_bits(patient, regimen):
    a = simulate(patient, regimen, times=TIMES)
    b = simulate(patient, regimen, times=TIMES)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.solver_stats["n_steps"], b.solver_stats["n_steps"])


def test_patient_row_independent_of_batch_and_threads():
    """A knee gives the same bits alone, inside a mixed batch, and with 1 or 2 threads."""
    knees = [Patient(kl_grade=k) for k in (1, 3, 4)]
    regs = [REGIMENS[1], "none()@0", REGIMENS[2]]
    times = np.arange(0.0, 365.0 + 1, 7.0)
    batch = simulate(knees, regs, times=times)
    for i, (pt, reg) in enumerate(zip(knees, regs)):
        np.testing.assert_array_equal(batch.states[i], simulate(pt, reg, times=times).states[0])
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = simulate(knees, regs, times=times)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(batch.states, single.states)
