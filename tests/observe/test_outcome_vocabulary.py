"""The outcome vocabulary: one naming of change columns, one scale conversion, one contextual response."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import sim
from sim.observe import MEASURES, change_columns, change_name, change_unit, find_measure, observe
from sim.observe.symptoms import default_symptom_model


def test_change_names_and_units_come_from_the_measure_table():
    assert change_name("WOMAC_total", 182.0) == "dWOMAC_total_day182"
    assert change_name("MRI_cartilage_volume", 364.6) == "dMRI_cartilage_volume_pct_day365"
    assert change_unit("VAS_pain") == "mm" and change_unit("cartilage_thickness") == "%"
    assert {m for m, q in MEASURES.items() if q.relative_change} == {"MRI_cartilage_volume", "cartilage_thickness"}
    prom = ("WOMAC", "VAS", "NRS", "KOOS", "Lysholm", "IKDC")  # the prefix rule trials and findings each kept
    assert {m for m, q in MEASURES.items() if q.patient_reported} == {m for m in MEASURES if m.startswith(prom)}


def test_change_columns_absolute_and_relative():
    values = np.array([[10.0, 12.0, 7.0], [1.0, 2.0, 0.5]])
    times = np.array([0.0, 91.0, 182.0])
    got = change_columns(values, times, "WOMAC_total", [182])
    assert list(got) == ["dWOMAC_total_day182"]
    np.testing.assert_array_equal(got["dWOMAC_total_day182"], [-3.0, -0.5])
    got = change_columns(values, times, "MRI_cartilage_volume", [91, 182])
    np.testing.assert_array_equal(got["dMRI_cartilage_volume_pct_day91"], 100.0 * (values[:, 1] / values[:, 0] - 1.0))
    assert list(got) == ["dMRI_cartilage_volume_pct_day91", "dMRI_cartilage_volume_pct_day182"]


@pytest.mark.parametrize("call, words", [
    (lambda: change_columns(np.ones((1, 2)), [0.0, 91.0], "VAS_pain", [30]), "days: day 30 was not an output time"),
    (lambda: change_name("VAS", 30), "measure: unknown measure 'VAS'"),
    (lambda: change_columns(np.ones((1, 2)), [0.0, 91.0], "VAS", [91]), "measure: unknown measure 'VAS'"),
])
def test_bad_input_names_the_field(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.fixture(scope="module")
def result():
    return sim.simulate([sim.Patient(kl_grade=3), sim.Patient(kl_grade=2)], "saline(ml=4)@0", times=[0.0, 30.0, 91.0])


def test_per_patient_contextual_response_is_the_old_placebo_max_column(result):
    placebo = np.array([0.4, 1.7])
    base = default_symptom_model()
    old = dataclasses.replace(base, placebo_max=base.placebo_max * placebo[:, None])
    for name in ("VAS_pain", "WOMAC_function", "KOOS_QOL"):
        np.testing.assert_array_equal(observe(result, name, symptoms=base.with_contextual(placebo)),
                                      observe(result, name, symptoms=old))
    no_context = observe(result, "VAS_pain", symptoms=base.with_contextual(np.zeros(2)))
    assert np.all(no_context[:, 1:] >= observe(result, "VAS_pain")[:, 1:])  # saline's contextual relief removed


def test_scale_conversion_is_linear_and_checked(result):
    native = observe(result, "WOMAC_total")
    np.testing.assert_allclose(observe(result, "WOMAC_total", scale=(0, 100)), native * 100.0 / 96.0, rtol=1e-14)
    with pytest.raises(ValueError, match="scale: for WOMAC_total need min < max"):
        observe(result, "WOMAC_total", scale=(10, 10))


def test_cell_readouts_are_observed_like_measures():
    res = sim.simulate(sim.Patient(kl_grade=3), "msc(cells=1e8,source=bm,allogeneic=0)@0", times=[0.0, 7.0, 30.0])
    adh, diff = res.state("msc_adhered"), res.state("msc_differentiated")
    total = adh + diff
    np.testing.assert_array_equal(observe(res, "msc_differentiated_fraction"),
                                  np.where(total > 1e-9, diff / np.maximum(total, 1e-12), np.nan))
    k, niche = res.parameter("k_msc_proliferation")[:, None], res.parameter("K_msc_niche")[:, None]
    np.testing.assert_array_equal(observe(res, "msc_proliferation_per_cell"), k * np.clip(1.0 - adh / niche, 0.0, None))
    assert find_measure("msc_proliferation_per_cell").unit == "1/day"
    assert "msc_differentiated_fraction" not in sim.observe_all(res)  # result files keep the trial vocabulary
