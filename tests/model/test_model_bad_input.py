"""Bad input to the Python API: a ValueError that names the field and what is allowed."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Patient, RegimenError, observe, simulate
from sim.experiment import Experiment, patient_with_model


@pytest.fixture(scope="module")
def short_run():
    return simulate(Patient(), "none()@0", t_end=14.0)


def _msc(cells):
    return f"msc(cells={cells},source=bm,allogeneic=0)@0"


CASES = {
    # id: (call, words the message must contain)
    "unknown_species": (lambda: Patient(species="dog"), ["species", "'dog'", "human", "rat"]),
    "kl_grade_5": (lambda: Patient(kl_grade=5), ["kl_grade", "5", "0, 1, 2, 3, 4"]),
    "kl_grade_fraction": (lambda: Patient(kl_grade=2.5), ["kl_grade", "2.5"]),
    "age_out_of_range": (lambda: Patient(age=150.0), ["age", "150"]),
    "negative_dose": (lambda: simulate(Patient(), _msc(-1), t_end=7.0), ["cells", "-1", ">= 0"]),
    "unknown_product": (lambda: simulate(Patient(), "stemcells(n=1)@0", t_end=7.0),
                        ["product", "'stemcells'", "msc", "prp"]),
    "unknown_source": (lambda: simulate(Patient(), "msc(cells=1e6,source=liver,allogeneic=0)@0", t_end=7.0),
                       ["source", "liver", "bm"]),
    "unknown_parameter": (lambda: Patient(parameters={"k_recruitment": 0.01}), ["k_recruitment", "k_recruit"]),
    "parameter_above_bounds": (lambda: Patient(parameters={"k_recruit": 100.0}), ["k_recruit", "100", "[0, 10]"]),
    "parameter_below_bounds": (lambda: Patient(parameters={"half_life_ha_linear": 0.0}),
                               ["half_life_ha_linear", "bounds"]),
    "parameter_nan": (lambda: Patient(parameters={"k_recruit": float("nan")}), ["k_recruit", "finite"]),
    "unknown_mechanism": (lambda: patient_with_model(Patient(), {"homeing": False}),
                          ["mechanism", "homeing", "homing"]),
    "override_out_of_bounds": (lambda: patient_with_model(Patient(), None, {"mech_paracrine": 2.0}),
                               ["mech_paracrine", "[0, 1]"]),
    "report_day_after_end": (lambda: Experiment(arms={"a": "none()@0"}, t_end=91.0, report_days=(182.0,)),
                             ["report_days", "182"]),
    "no_arms": (lambda: Experiment(arms={}), ["arms"]),
    "negative_output_time": (lambda: simulate(Patient(), "none()@0", times=[-1.0, 7.0]), ["times"]),
    "unknown_recorded_state": (lambda: simulate(Patient(), "none()@0", t_end=7.0, record=["colagen"]),
                               ["colagen", "collagen"]),
    "regimens_length": (lambda: simulate([Patient()] * 3, ["none()@0"] * 2, t_end=7.0), ["regimens", "3"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_clear_value_error(case):
    call, words = CASES[case]
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"message {message!r} lacks {missing}"


@pytest.mark.parametrize("regimen, field", [(_msc(-1), "cells"), ("foo(x=1)@0", "product"),
                                            ("ha(mg=30,form=linear)@-1e9x", "day")])
def test_regimen_error_carries_the_field(regimen, field):
    with pytest.raises(RegimenError) as info:
        simulate(Patient(), regimen, t_end=7.0)
    assert info.value.field == field


def test_unknown_measure(short_run):
    with pytest.raises(ValueError, match=r"measure.*'WOMAC'.*WOMAC_total"):
        observe(short_run, "WOMAC")


def test_bad_scale(short_run):
    with pytest.raises(ValueError, match="scale"):
        observe(short_run, "VAS_pain", scale=(10, 0))


def test_unknown_state_and_parameter_on_result(short_run):
    with pytest.raises(ValueError, match="unknown state 'colagen'"):
        short_run.state("colagen")
    with pytest.raises(ValueError, match="unknown parameter 'k_recruitment'"):
        short_run.parameter("k_recruitment")
    with pytest.raises(ValueError, match="day 3 was not an output time"):
        short_run.at(3.0)


def test_result_is_immutable(short_run):
    with pytest.raises(ValueError):
        short_run.states[0, 0, 0] = 1.0
    assert np.isfinite(short_run.states).all()
