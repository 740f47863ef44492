"""Sweep definitions: grid order, chunking, hashing, and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sweep_support import AXES, BASE

from sim.sweep import SweepConfigError, SweepDefinition, point_hash


def test_grid_is_c_order_product(definition):
    assert definition.shape == (3, 2, 2)
    assert definition.n_points == 12 and definition.n_chunks == 3
    keys = list(AXES)
    expected = [dict(zip(keys, combo)) for combo in
                __import__("itertools").product(*AXES.values())]
    assert [definition.overrides(i) for i in range(12)] == expected


def test_point_sets_axis_values_and_is_independent(definition):
    p = definition.point(7)  # (1, 1, 1)
    assert p["regimen"]["dose"] == 0.5 and p["regimen"]["adjuvant"] == "ha"
    assert p["regimen"]["n_injections"] == 2 and p["seed"] == 3
    p["regimen"]["dose"] = 99.0  # an evaluator mutating its point harms nobody
    assert definition.point(7)["regimen"]["dose"] == 0.5
    assert definition.base["regimen"]["dose"] == 1.0


@given(n_values=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       chunk_size=st.integers(1, 40))
@settings(max_examples=40, deadline=None)
def test_chunks_cover_every_point_once(n_values, chunk_size):
    axes = {f"k{i}": list(range(n)) for i, n in enumerate(n_values)}
    base = {k: 0 for k in axes}
    d = SweepDefinition(axes, chunk_size, base)
    covered = [i for c in range(d.n_chunks) for i in d.chunk_range(c)]
    assert covered == list(range(math.prod(n_values)))
    assert d.n_chunks == math.ceil(d.n_points / chunk_size)


def test_hash_is_content_based_and_stable(definition):
    p = definition.point(3)
    reordered = {"patient": p["patient"], "regimen": dict(reversed(list(p["regimen"].items()))),
                 "seed": p["seed"]}
    assert point_hash(p) == point_hash(reordered)
    hashes = [definition.hash_of(definition.point(i)) for i in range(definition.n_points)]
    assert len(set(hashes)) == definition.n_points
    # a fixed known value guards against accidental changes of the hashing scheme
    assert point_hash({"a": 1}) == point_hash({"a": 1}) != point_hash({"a": 1.0})


def test_definition_hash_tracks_what_matters():
    d = SweepDefinition(AXES, 5, BASE, name="a")
    assert d.definition_hash == SweepDefinition(AXES, 5, BASE, name="b").definition_hash
    assert d.definition_hash != SweepDefinition(AXES, 4, BASE).definition_hash
    other_base = {**BASE, "seed": 4}
    assert d.definition_hash != SweepDefinition(AXES, 5, other_base).definition_hash
    axes2 = {**AXES, "regimen.dose": [-1.0, 0.5, 3.0]}
    assert d.definition_hash != SweepDefinition(axes2, 5, BASE).definition_hash


def test_hash_exclude_ignores_run_specific_keys():
    base = {**BASE, "output": {"dir": "run1"}}
    d1 = SweepDefinition(AXES, 5, base, hash_exclude=["output.dir"])
    d2 = SweepDefinition(AXES, 5, {**BASE, "output": {"dir": "run2"}}, hash_exclude=["output.dir"])
    assert d1.definition_hash == d2.definition_hash
    assert d1.hash_of(d1.point(0)) == d2.hash_of(d2.point(0))


@pytest.mark.parametrize("axes, chunk, match", [
    ({"regimen.dosage": [1.0]}, 5, r"no key 'dosage' under regimen; valid keys there: adjuvant, dose"),
    ({"nothing.here": [1.0]}, 5, "no key 'nothing' under <root>"),
    ({"regimen.dose": []}, 5, "empty value list"),
    ({"regimen.dose": [1.0, 2.0, 1.0]}, 5, "duplicated values 1.0"),
    ({"regimen": [{}], "regimen.dose": [1.0]}, 5, "overlap"),
    ({"regimen.dose": "1.0"}, 5, "must be a list"),
    ({}, 5, "non-empty mapping"),
    ({"regimen.dose": [1.0]}, 0, "chunk_size must be an integer >= 1"),
    ({"regimen.dose": [object()]}, 5, "JSON values only"),
])
def test_bad_definitions_raise_valueerror(axes, chunk, match):
    with pytest.raises(SweepConfigError, match=match) as info:
        SweepDefinition(axes, chunk, BASE)
    assert isinstance(info.value, ValueError)


def test_chunk_out_of_range(definition):
    with pytest.raises(SweepConfigError, match=r"in \[0, 3\)"):
        definition.chunk_range(3)
    assert list(definition.chunk_range(2)) == [10, 11]


def test_multi_index_matches_overrides(definition):
    mi = definition.multi_index(np.arange(12))
    for i in range(12):
        ov = definition.overrides(i)
        assert [list(AXES[k]).index(ov[k]) for k in AXES] == list(mi[i])
