"""The hierarchical error model: exact multivariate normal blocks, and contrasts that cancel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.calibration.errors import ERROR_CLASSES, ErrorStructure
from sim.calibration.targets import Target


def _target(key, study, arm, day, statistic="mean_change_from_baseline", vs=None, se=1.0, span=100.0):
    return Target(key, "outcomes", study, arm, vs, "VAS_pain", (0.0, 100.0), False, day, statistic, 0.0, se, span,
                  0, None, None)


TARGETS = [
    _target("a1", "S1", "S1_SAL", 91), _target("a2", "S1", "S1_SAL", 182),
    _target("b1", "S1", "S1_MSC", 91), _target("b2", "S1", "S1_MSC", 182),
    _target("c1", "S1", "S1_MSC", 182, "mean_difference_vs_control", vs="S1_SAL"),
    _target("d1", "S2", "S2_PRP", 91, se=2.0),
]


def _err(k=1, **over):
    base = {f"delta_{c}": 0.02 for c in ERROR_CLASSES} | {"sd_study": 0.05, "sd_arm": 0.03, "tau_context": 0.5}
    base.update(over)
    return {n: np.full(k, v) for n, v in base.items()}


def test_blocks_are_studies_and_match_a_dense_multivariate_normal():
    es = ErrorStructure(TARGETS)
    assert es.studies == ("S1", "S2")
    rng = np.random.default_rng(1)
    pred = rng.normal(size=(2, len(TARGETS)))
    obs = rng.normal(size=len(TARGETS))
    g = rng.normal(size=(2, len(TARGETS)))
    err = _err(2)
    ll = es.log_likelihood(pred, obs, err, g)
    for k in range(2):
        for s, block in enumerate(es.blocks):
            cov = es.covariance(block, {n: v[k:k + 1] for n, v in err.items()}, g[k:k + 1])[0]
            ref = stats.multivariate_normal(pred[k, block.rows], cov).logpdf(obs[block.rows])
            assert ll[k, s] == pytest.approx(ref, rel=1e-10)


def test_shared_study_deviation_cancels_in_contrasts():
    es = ErrorStructure(TARGETS)
    pred = np.zeros((1, len(TARGETS)))
    g = np.zeros_like(pred)
    rng = np.random.default_rng(0)
    small = es.sample(pred, _err(sd_study=0.01), g, 20000, rng)
    large = es.sample(pred, _err(sd_study=0.30), g, 20000, np.random.default_rng(0))
    i_sal, i_msc = 1, 3  # same day, same measure: a derived contrast of changes
    assert np.std(large[:, i_msc] - large[:, i_sal]) < np.std(large[:, i_msc])
    # The study term moves arm-level rows but not their difference, nor an explicit contrast row.
    assert np.std(large[:, i_msc]) > 2 * np.std(small[:, i_msc])
    d_small, d_large = small[:, i_msc] - small[:, i_sal], large[:, i_msc] - large[:, i_sal]
    assert np.std(d_large) == pytest.approx(np.std(d_small), rel=0.05)
    assert np.std(large[:, 4]) == pytest.approx(np.std(small[:, 4]), rel=0.05)


def test_nan_prediction_rules_out_only_its_study():
    es = ErrorStructure(TARGETS)
    pred = np.zeros((1, len(TARGETS)))
    pred[0, 0] = np.nan
    ll = es.log_likelihood(pred, np.zeros(len(TARGETS)), _err(), np.zeros_like(pred))
    assert ll[0, 0] == -np.inf and np.isfinite(ll[0, 1])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=5), st.floats(0.01, 5))
def test_likelihood_peaks_at_observed(obs, shift):
    ts = [_target(f"r{i}", "S", "S_A", 30.0 * (i + 1), se=1.0, span=10.0) for i in range(len(obs))]
    es = ErrorStructure(ts)
    obs = np.array(obs)
    g = np.zeros((1, obs.size))
    at = es.log_likelihood(obs[None, :], obs, _err(), g)[0, 0]
    off = es.log_likelihood(obs[None, :] + shift, obs, _err(), g)[0, 0]
    further = es.log_likelihood(obs[None, :] + 2 * shift, obs, _err(), g)[0, 0]
    assert at > off > further
