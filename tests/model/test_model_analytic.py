"""Closed-form checks: first-order clearance of injected products and the contextual response."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import Patient, simulate
from sim.regimen.products import PRP_FIBRIN_SHARE, STEROID_POTENCY
from sim.model.parameters import PARAMETERS

DEFAULT = {q.name: q.default for q in PARAMETERS}
RTOL, ATOL = 2e-4, 1e-7  # solver runs at rtol 1e-5, atol 1e-8


def _atol(peak: float) -> float:
    """Absolute tolerance for a state whose largest value is ``peak``: the solver resolves each
    state to atol 1e-8 times its scale, which a dose raises to its size (``KNEE.state_scale``)."""
    return ATOL * max(peak, 1.0)


def _first_order(amounts_days, t, rate):
    """Sum of boluses ``(amount, day)`` each decaying at ``rate`` (1/day) after its day."""
    t = np.asarray(t)
    out = np.zeros_like(t)
    for amount, day in amounts_days:
        out += np.where(t >= day, amount * np.exp(-rate * np.clip(t - day, 0, None)), 0.0)
    return out


@pytest.mark.parametrize("form, state, half_life_name, override", [
    ("linear", "ha_linear", "half_life_ha_linear", None),
    ("linear", "ha_linear", "half_life_ha_linear", 4.0),
    ("crosslinked", "ha_crosslinked", "half_life_ha_crosslinked", None),
    ("crosslinked", "ha_crosslinked", "half_life_ha_crosslinked", 20.0),
])
def test_ha_bolus_decays_with_its_half_life(form, state, half_life_name, override):
    half_life = override or DEFAULT[half_life_name]
    pt = Patient(parameters={half_life_name: override} if override else {})
    t = np.union1d(np.linspace(0, 5 * half_life, 11), [30.0, 30.5, 40.0, 41.0, 45.0])
    res = simulate(pt, f"ha(mg=30,form={form})@0;ha(mg=20,form={form})@40", times=t)
    want = _first_order([(30.0, 0.0), (20.0, 40.0)], t, math.log(2) / half_life)
    np.testing.assert_allclose(res.state(state)[0], want, rtol=RTOL, atol=_atol(30.0))
    other = "ha_crosslinked" if state == "ha_linear" else "ha_linear"
    assert np.all(res.state(other)[0] == 0.0)


@pytest.mark.parametrize("override", [None, 3.0])
def test_prp_reservoir_releases_at_k_prp_release(override):
    k = override or DEFAULT["k_prp_release"]
    pt = Patient(parameters={"k_prp_release": override} if override else {})
    t = np.array([0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
    res = simulate(pt, "prp(ml=5,leukocyte=poor)@0", times=t)
    liquid = 5.0 * (1.0 - PRP_FIBRIN_SHARE)  # the rest is held in the fibrin clot (days)
    np.testing.assert_allclose(res.state("prp_reservoir")[0], liquid * np.exp(-k * t), rtol=RTOL, atol=_atol(5.0))
    # what leaves the reservoir appears as growth factors in the joint fluid
    gf = res.state("prp_factors")[0]
    assert gf[0] == 0.0 and gf[2] > 0.0


@pytest.mark.parametrize("drug, mg, override", [
    ("triamcinolone", 40.0, None),
    ("triamcinolone", 40.0, 6.0),
    ("betamethasone", 6.0, None),
])
def test_steroid_depot_dissolves_with_its_half_life(drug, mg, override):
    half_life = override or DEFAULT["half_life_steroid_depot"]
    pt = Patient(parameters={"half_life_steroid_depot": override} if override else {})
    t = np.linspace(0.0, 6 * half_life, 13)
    res = simulate(pt, f"steroid(mg={mg:g},drug={drug})@0", times=t)
    dose = mg * STEROID_POTENCY[drug]  # triamcinolone-equivalent mg
    want = _first_order([(dose, 0.0)], t, math.log(2) / half_life)
    np.testing.assert_allclose(res.state("steroid_depot")[0], want, rtol=RTOL, atol=_atol(dose))
    assert res.state("steroid")[0, 1] > 0.0  # dissolved drug appears in the joint fluid


def test_exosome_bolus_decays_with_secretome_half_life():
    """Without cells nothing replenishes the secretome: pure first-order loss."""
    t = np.linspace(0.0, 10.0, 11)
    res = simulate(Patient(), "exo(dose=200,source=bm)@0", times=t)
    want = _first_order([(200.0, 0.0)], t, math.log(2) / DEFAULT["half_life_secretome"])
    np.testing.assert_allclose(res.state("secretome")[0], want, rtol=RTOL, atol=ATOL)


def test_contextual_response_is_a_two_compartment_chain():
    """Saline sets the expectation to 1; the expressed response follows with a lag (Bateman curve)."""
    k_on, k_off = DEFAULT["k_placebo_onset"], DEFAULT["k_placebo_offset"]
    t = np.array([0.0, 3.0, 14.0, 42.0, 91.0, 182.0, 365.0])
    res = simulate(Patient(), "saline(ml=4)@0", times=t)
    np.testing.assert_allclose(res.state("placebo_drive")[0], np.exp(-k_off * t), rtol=RTOL, atol=ATOL)
    bateman = k_on / (k_on - k_off) * (np.exp(-k_off * t) - np.exp(-k_on * t))
    np.testing.assert_allclose(res.state("placebo_response")[0], bateman, rtol=RTOL, atol=ATOL)
