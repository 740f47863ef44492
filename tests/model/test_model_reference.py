"""The Numba integrator against SciPy Radau at tight tolerance, through several dose events."""

from __future__ import annotations

import numpy as np
import pytest

from model_support import reference_solution

from sim import Patient, observe_all, simulate
from sim.observe import MEASURES as ALL_MEASURES

REGIMEN_KL3 = ("msc(cells=5e7,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=rich)@0;"
               "ha(mg=30,form=crosslinked)@28;steroid(mg=40,drug=triamcinolone)@91;"
               "msc(cells=2e7,source=ad,allogeneic=1)@182")
CASES = {
    # KL-3 human knee, five products on four days (two on the same day), 12 months.
    "human_kl3": (Patient(kl_grade=3), REGIMEN_KL3, 365.0),
    # Rat: induction event before the run-in ends, then two injections (event merge, fast clocks).
    "rat": (Patient(species="rat", kl_grade=0),
            "msc(cells=1e6,source=ad,allogeneic=0)@0;ha(mg=0.5,form=linear)@14", 91.0),
}
MEASURES = ("WOMAC_total", "VAS_pain", "MRI_cartilage_volume")


@pytest.fixture(scope="module", params=list(CASES))
def pair(request):
    patient, regimen, t_end = CASES[request.param]
    t_out = np.union1d(np.arange(0.0, t_end + 0.5, 7.0), [1.0, 14.0, 28.0, 91.0, 182.0])
    t_out = t_out[t_out <= t_end]
    res = simulate(patient, regimen, times=t_out)
    assert res.ok.all(), res.messages
    ref = reference_solution(patient, regimen, t_out, t0=res.provenance["t0"])
    return res, ref


@pytest.mark.parametrize("measure", MEASURES)
def test_outcomes_match_radau(pair, measure):
    res, ref = pair
    got, want = observe_all(res)[measure], observe_all(ref)[measure]
    # Relative error, with a floor of 0.1% of the scale where a clipped score sits at 0 in both.
    lo, hi = ALL_MEASURES[measure].native_scale
    rel = np.abs(got - want) / np.maximum(np.abs(want), 1e-3 * (hi - lo))
    assert np.all(np.isfinite(want))
    assert rel.max() <= 1e-3, f"{measure}: max relative error {rel.max():.2e} at day {res.times[rel.argmax()]}"


def test_states_match_radau(pair):
    """Every state within the solver's error budget (rtol 1e-5, atol 1e-8, some accumulation)."""
    res, ref = pair
    got, want = res.states[0], ref.states[0]
    scale = np.maximum(np.abs(want).max(axis=0), 1.0)  # per state: its largest value, at least 1
    err = np.abs(got - want) / scale
    worst = np.unravel_index(err.argmax(), err.shape)
    assert err.max() <= 1e-3, f"{res.state_names[worst[1]]} at day {res.times[worst[0]]}: {err.max():.2e}"


def test_reference_sees_the_doses(pair):
    """Guard against a vacuous comparison: the doses must move the trajectory."""
    res, ref = pair
    assert ref.state("msc_free")[0, res.at(0.0)] > 0.5
    assert np.ptp(observe_all(ref)["VAS_pain"]) > 1.0
