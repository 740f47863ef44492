"""The one population sampler: prefix property, same seed same patients, named streams, bad input."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from sim.population import (
    PopulationError,
    PopulationSpec,
    lognormal_multiplier,
    sample_population,
    stream,
)

SPEC = PopulationSpec(kl_grades=(2, 3), age_min=45, age_max=75)
FIELDS = ("kl_grade", "age", "bmi", "female", "inflammation", "placebo", "dropout_u")


def test_prefix_property_and_bounds():
    big, small = sample_population(SPEC, 50, seed=1), sample_population(SPEC, 20, seed=1)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(big, name)[:20], getattr(small, name), err_msg=name)
    for name, values in small.parameters.items():
        np.testing.assert_array_equal(big.parameters[name][:20], values, err_msg=name)
    assert set(np.unique(big.kl_grade)) <= {2, 3}
    assert big.age.min() >= 45 and big.age.max() <= 75


def test_same_seed_same_patients_other_seed_others():
    a, b, c = (sample_population(SPEC, 30, seed=s) for s in (4, 4, 5))
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert not np.array_equal(a.age, c.age)
    assert a.patients() == b.patients()


def test_patients_carry_the_drawn_values():
    pop = sample_population(SPEC, 5, seed=2)
    p = pop.patients([3])[0]
    assert (p.kl_grade, p.age, p.bmi, p.inflammation) == (pop.kl_grade[3], pop.age[3], pop.bmi[3], pop.inflammation[3])
    assert p.parameters == {k: v[3] for k, v in pop.parameters.items()}


def test_streams_are_named_paths_of_one_seed():
    # the findings' per-relation streams and the population's per-quantity streams are one scheme
    expected = np.random.default_rng([9, zlib.crc32(b"F1"), zlib.crc32(b"study")]).standard_normal(4)
    np.testing.assert_array_equal(stream(9, "F1", "study").standard_normal(4), expected)
    np.testing.assert_array_equal(stream(9, "age").random(3),
                                  np.random.default_rng([9, zlib.crc32(b"age")]).random(3))


def test_lognormal_multipliers_have_mean_one():
    z = stream(0, "test").standard_normal(400_000)
    for cv in (0.23, 0.72):
        m = lognormal_multiplier(z, cv)
        assert abs(m.mean() - 1.0) < 0.01 and abs(m.std() / m.mean() - cv) < 0.02 * cv + 0.01


@pytest.mark.parametrize("make, field", [
    (lambda: PopulationSpec(kl_grades=(7,)), "population.kl_grades"),
    (lambda: PopulationSpec(variability={"k_nonsense": 0.2}), "population.variability"),
    (lambda: PopulationSpec(species="dog"), "population.species"),
    (lambda: PopulationSpec(age_mean=200.0), "population.age_mean"),
    (lambda: sample_population(SPEC, 0, seed=1), "n"),
    (lambda: sample_population(SPEC, 3, seed=-1), "seed"),
    (lambda: sample_population(SPEC, 3, seed=1, placebo_cv=-0.1), "placebo_cv"),
    (lambda: sample_population({"kl_grades": (2,)}, 3, seed=1), "spec"),
])
def test_bad_input_names_the_field(make, field):
    with pytest.raises(PopulationError, match=f"^{field.replace('.', '[.]')}: ") as info:
        make()
    assert isinstance(info.value, ValueError) and "allowed" in str(info.value)
