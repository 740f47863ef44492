import math

import numpy as np
import pytest

from sim.calibration import CALIBRATED, build_targets, calibrated_parameters, identifiability
from sim.calibration.likelihood import log_prior
from sim.calibration.priors import CalibrationError, box, check_theta
from sim.evidence import load_arms, load_outcomes


def test_targets_of_tiny_files(tiny_files):
    a, o = tiny_files
    arms = load_arms(a)
    targets, skipped, cohorts = build_targets(arms, load_outcomes(o, arms=arms))
    assert len(targets) == 4 and len(skipped) == 5
    reasons = " | ".join(s.reason for s in skipped)
    assert "Tegner" in reasons and "timepoint not stated" in reasons and "entry level" in reasons
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


def test_prior_box():
    lo, hi = box()
    inside = log_prior(np.vstack([lo, hi]))
    assert np.all(np.isfinite(inside))
    assert log_prior((hi + 1)[None, :])[0] == -np.inf
    centre = np.log([p.default for p in CALIBRATED])[None, :]
    assert log_prior(centre)[0] == 0.0  # every log-normal prior is centred on the default
    with pytest.raises(CalibrationError, match="theta.placebo_max"):
        check_theta(np.exp(hi + 1))


def test_packaged_rows_mostly_scored_and_every_skip_explained():
    targets, skipped, _ = build_targets(load_arms(), load_outcomes())
    assert len(skipped) <= 60, f"{len(skipped)} of {len(targets) + len(skipped)} rows skipped"
    assert all(s.reason for s in skipped)
    stats = {t.statistic for t in targets}
    assert {"responder_pct", "mean_pct_change_from_baseline", "mean_difference_vs_control"} <= stats
    # Rows without a timepoint are scored at the study's stated follow-up (KOH2014: about 2 years).
    koh = [t for t in targets if t.study == "KOH2014_HTO"]
    assert koh and all(t.day == 730.0 for t in koh)


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
