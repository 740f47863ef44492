"""Trial specifications: validation with clear errors, and every study of arms.csv builds."""

import dataclasses

import pytest
from trial_support import tiny_spec

from sim.evidence import load_arms
from sim.trial import Arm, Endpoint, TrialSpecError, study_ids, trial_from_study


@pytest.mark.parametrize("study", study_ids())
def test_every_study_builds_a_valid_spec(study):
    spec = trial_from_study(study)
    arms = [a for a in load_arms() if a.study_id == study]
    assert len(spec.arms) == len(arms)
    assert [a.regimen for a in spec.arms] == [str(a.regimen) for a in arms]  # regimens straight from the data
    assert spec.control in spec.arm_names
    assert all(n > 0 for n in spec.n_per_arm.values())
    assert spec.population.species == arms[0].species
    for a in arms:
        if a.n_arm is not None:
            assert spec.n_per_arm[spec.arm_names[arms.index(a)]] == a.n_arm
    assert study in spec.source


def test_study_defaults_documented():
    spec = trial_from_study("SHAPIRO2017")  # no KL range in the data
    assert spec.population.kl_grades == (2, 3)
    assert "KL 2-3 assumed" in spec.source
    assert trial_from_study("LAMO2016").population.kl_grades == (2, 3, 4)


@pytest.mark.parametrize("make, field", [
    (lambda: Arm("x", "magic(cells=1)@0"), "arms.x"),
    (lambda: Arm("x", ""), "arms.x"),
    (lambda: Endpoint("WOMAC_everything"), "endpoints.measure"),
    (lambda: Endpoint("WOMAC_total", (10, 0)), "endpoints.WOMAC_total.scale"),
    (lambda: dataclasses.replace(tiny_spec(), arms=()), "arms"),
    (lambda: dataclasses.replace(tiny_spec(), n_per_arm=0), "n_per_arm"),
    (lambda: dataclasses.replace(tiny_spec(), n_per_arm=-3), "n_per_arm"),
    (lambda: dataclasses.replace(tiny_spec(), follow_up_days=(91, 5000)), "follow_up_days"),
    (lambda: dataclasses.replace(tiny_spec(), follow_up_days=()), "follow_up_days"),
    (lambda: dataclasses.replace(tiny_spec(), endpoints=()), "endpoints"),
    (lambda: dataclasses.replace(tiny_spec(), control="placebo"), "control"),
    (lambda: dataclasses.replace(tiny_spec(), dropout=1.5), "dropout"),
    (lambda: trial_from_study("NOT_A_STUDY"), "study"),
])
def test_bad_input_names_the_field(make, field):
    with pytest.raises(TrialSpecError, match=field.replace(".", r"\.")) as info:
        make()
    assert isinstance(info.value, ValueError)
    assert "allowed" in str(info.value)
