import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.calibration import CALIBRATED, build_targets, calibrated_parameters, identifiability
from sim.calibration.likelihood import log_likelihood, log_prior
from sim.calibration.parameters import box, check_theta, CalibrationError
from sim.data import load_arms, load_outcomes


def test_targets_of_tiny_files(tiny_files):
    a, o = tiny_files
    arms = load_arms(a)
    targets, skipped, cohorts = build_targets(arms, load_outcomes(o, arms=arms))
    assert len(targets) == 4 and len(skipped) == 5
    reasons = " | ".join(s.reason for s in skipped)
    assert "Tegner" in reasons and "timepoint not stated" in reasons and "anchor" in reasons
    assert "responder_rate" in reasons
    by_stat = {t.statistic: t for t in targets}
    # Follow-up level anchored on the reported baseline; SE of a mean = SD / sqrt(n).
    level = [t for t in targets if t.statistic == "mean" and t.arm_id == "TINY_MSC"][0]
    assert level.anchor == 41 and math.isclose(level.se, 15 / math.sqrt(30))
    assert math.isclose(by_stat["mean_difference_vs_control"].se, 1.6 / 3.92)
    assert math.isclose(by_stat["mean_change_from_baseline"].se, 0.4)
    assert by_stat["mean_difference_vs_control"].control is not None
    assert len(cohorts) == 2


def test_packaged_rows_are_all_accounted_for():
    arms, outcomes = load_arms(), load_outcomes()
    targets, skipped, _ = build_targets(arms, outcomes)
    assert len(targets) + len(skipped) == len(outcomes)
    assert len(targets) > 50


def test_reversed_scale_detected():
    targets, _, _ = build_targets(load_arms(), load_outcomes())
    rabago = [t for t in targets if t.arm_id.startswith("RABAGO")]
    assert rabago and all(t.reverse for t in rabago)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=1, max_size=6), st.floats(0.01, 5))
def test_likelihood_peaks_at_observed(obs, shift):
    obs = np.array(obs)
    se, span = np.ones_like(obs), np.full_like(obs, 10.0)
    theta = np.array([[p.default for p in CALIBRATED]])
    at = log_likelihood(obs[None, :], obs, se, span, theta)[0]
    off = log_likelihood(obs[None, :] + shift, obs, se, span, theta)[0]
    further = log_likelihood(obs[None, :] + 2 * shift, obs, se, span, theta)[0]
    assert at > off > further


def test_nan_prediction_and_prior_box():
    theta = np.array([[p.default for p in CALIBRATED]])
    assert log_likelihood(np.array([[np.nan]]), np.array([1.0]), np.ones(1), np.ones(1), theta)[0] == -np.inf
    lo, hi = box()
    assert log_prior(np.vstack([lo, hi, hi + 1]))[:2].tolist() == [0.0, 0.0]
    assert log_prior((hi + 1)[None, :])[0] == -np.inf
    with pytest.raises(CalibrationError, match="theta.placebo_max"):
        check_theta(np.exp(hi + 1))


def test_calibrated_parameters_in_bounds():
    values = calibrated_parameters()
    table = {p.name: p for p in CALIBRATED}
    assert values and set(values) <= set(table)
    for name, v in values.items():
        assert table[name].lower <= v <= table[name].upper


def test_identifiability_flags_correlated_pair():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((400, len(CALIBRATED))) * 0.1
    z[:, 1] = z[:, 0] + 0.01 * rng.standard_normal(400)
    centre = np.log([p.default for p in CALIBRATED])
    rep = identifiability(np.exp(centre + z))
    pairs = {(a, b) for a, b, _ in rep["correlated_pairs"]}
    assert (CALIBRATED[0].name, CALIBRATED[1].name) in pairs and len(pairs) == 1
    assert np.all(rep["width_ratio"] < 0.5)


def test_unstated_vas_scale_inferred_from_magnitude():
    targets, _, _ = build_targets(load_arms(), load_outcomes())
    jot = [t for t in targets if t.arm_id == "JOT2018_PRPHA_PRP" and t.measure == "VAS_pain"]
    assert jot and all(t.scale == (0.0, 10.0) for t in jot)
