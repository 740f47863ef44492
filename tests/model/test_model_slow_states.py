"""Slow states that carry durable effects: sensitisation, synovial memory, PRP fibrin, resident repair.

Each test states the biology it checks and could fail: a term acting in the wrong direction, on
the wrong time scale, or leaking into knees that were not treated.
"""

from __future__ import annotations

import math

import numpy as np

from sim import Patient, observe, simulate
from sim.experiment import patient_with_model
from sim.model.parameters import PARAMETERS, parameter_index

KNEE = Patient(kl_grade=3)
# The memory tests check the structure, not the calibrated magnitude: the table's training rate
# and half-life instead of whatever the shipped calibration says.
TRAINABLE = Patient(kl_grade=3, parameters={"k_memory_training": 0.02, "half_life_synovial_memory": 180.0})
MSC = "msc(cells=4e7,source=ad,allogeneic=0)@0"
STEROID = "steroid(mg=40,drug=triamcinolone)@0"
PRP = "prp(ml=5,leukocyte=poor)@0"
HTO = "surgery(kind=hto)@0"
DAYS = np.array([0.0, 7.0, 28.0, 91.0, 182.0, 365.0])


def _run(regimen, patient=KNEE, times=DAYS):
    res = simulate(patient, regimen, times=times)
    assert res.ok.all(), res.messages
    return res


def _default(name):
    return PARAMETERS[parameter_index(name)].default


def test_untreated_synovium_keeps_its_set_point():
    """Without a product nothing trains the synovium: the set point stays exactly 1."""
    res = _run("none()@0")
    assert np.all(res.state("synovial_memory") == 1.0)


def test_msc_lower_the_set_point_for_months_and_it_returns():
    """MSCs lower the set point within weeks; it is still lowered at 6 months and recovers
    towards 1 afterwards, never below the floor."""
    m = _run(MSC, TRAINABLE).state("synovial_memory")[0]
    assert m[2] < 0.99  # trained within a month
    assert m[4] < 1.0 - 0.5 * (1.0 - m[3])  # still half-trained or more at 6 months
    assert m[5] > m[4]  # returning by 12 months
    assert m.min() >= Patient().parameter_values()["memory_floor"]


def test_steroid_does_not_train_the_synovium():
    """Corticosteroid suppresses production without repolarising: no lasting set-point change."""
    assert np.all(_run(STEROID, TRAINABLE).state("synovial_memory") == 1.0)


def test_memory_switch_off_removes_the_lasting_msc_effect():
    """With the memory switched off, the MSC benefit on pain at 12 months over saline shrinks."""
    off = patient_with_model(TRAINABLE, parameters={**TRAINABLE.parameters, "mech_synovial_memory": 0.0})
    pain = {}
    for name, pt in (("on", TRAINABLE), ("off", off)):
        msc = observe(_run(MSC, pt), "VAS_pain")[0, -1]
        saline = observe(_run("saline(ml=4)@0", pt), "VAS_pain")[0, -1]
        pain[name] = saline - msc
    assert pain["on"] > pain["off"] + 1.0


def test_sensitisation_lags_the_nociceptive_drive():
    """After a steroid the PGE2 excess falls within days, sensitisation follows over weeks
    (half-life 40 days) and relaxes back after the drug is gone."""
    res = _run(STEROID, times=np.array([0.0, 3.0, 28.0, 182.0]))
    pge2_excess = res.state("pge2")[0] - 1.0
    sens = res.state("sensitisation")[0]
    assert pge2_excess[1] < 0.7 * pge2_excess[0]  # the drug acts within days (steroid_emax 0.2: -40% by day 3)
    assert sens[1] > 0.8 * sens[0]  # sensitisation has barely moved by day 3
    assert sens[2] < sens[1]  # ... and has fallen by day 28
    assert sens[3] > sens[2]  # relaxing back once the drug is gone
    half_life = math.log(2) / _default("k_sensitisation")
    assert 20.0 < half_life < 60.0


def test_untreated_sensitisation_tracks_its_drive():
    """Settled by the run-in: sensitisation sits near the PGE2 excess in an untreated knee."""
    res = _run("none()@0")
    excess = res.state("pge2")[0] - 1.0
    assert np.allclose(res.state("sensitisation")[0], excess, rtol=0.1)


def test_prp_fibrin_releases_over_days():
    """Half the platelets stay in the fibrin clot, which still holds a fifth of its dose after a
    week (half-life 3 days), while the liquid reservoir is empty within a day."""
    res = _run(PRP, times=np.array([0.0, 1.0, 7.0]))
    fibrin = res.state("prp_fibrin")[0]
    reservoir = res.state("prp_reservoir")[0]
    assert math.isclose(fibrin[0], 2.5, rel_tol=1e-9) and math.isclose(reservoir[0], 2.5, rel_tol=1e-9)
    assert reservoir[1] < 1e-3 * reservoir[0]
    assert 0.1 < fibrin[2] / fibrin[0] < 0.3


def test_unloading_lets_resident_tissue_cover_lost_cartilage():
    """HTO (30% unloading) builds fibrocartilage without injected cells; with the switch off or
    without unloading, none forms."""
    off = patient_with_model(KNEE, parameters={"mech_resident_repair": 0.0})
    rep_on = _run(HTO).state("repair_tissue")[0, -1]
    rep_off = _run(HTO, off).state("repair_tissue")[0, -1]
    rep_none = _run("none()@0").state("repair_tissue")[0, -1]
    assert rep_off == 0.0 and rep_none == 0.0
    assert rep_on > 0.02
    hyaline = _run(HTO).state("repair_hyaline")[0, -1]
    assert math.isclose(hyaline / rep_on, _default("repair_quality_min"), rel_tol=1e-6)  # fibrocartilage


def test_lipus_channel_is_also_anti_inflammatory():
    """The anabolic channel (LIPUS, exercise) now also lowers inflammatory production (Sang 2021)."""
    on = _run("anabolic(strength=1,days=90)@0").state("il1b")[0, 3]
    off_pt = patient_with_model(KNEE, parameters={"anabolic_antiinflammatory": 0.0})
    off = _run("anabolic(strength=1,days=90)@0", off_pt).state("il1b")[0, 3]
    assert on < off
