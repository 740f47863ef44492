"""The between-patient spread check: which rows it compares, and that its SD is the enrolled patients' SD."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration import CALIBRATED, Problem
from sim.calibration.spread import MIN_DAY, spread_rows, spread_summary
from sim.cli.validate_app import main
from sim.evidence import load_arms, load_outcomes


@pytest.fixture(scope="module")
def packaged():
    outcomes = load_outcomes()
    problem = Problem(load_arms(), outcomes, n_sim=6)
    theta = np.array([p.default for p in CALIBRATED])
    return problem, outcomes, theta


def test_rows_are_follow_up_levels_with_a_patient_level_spread(packaged):
    problem, outcomes, theta = packaged
    rows = spread_rows(problem, outcomes, theta)
    assert len(rows) > 20
    for r in rows:
        row = outcomes[int(r.key.rsplit(" ", 1)[1]) - 2]
        assert row.arm_id == r.arm_id and row.spread_type in ("SD", "IQR") and r.day >= MIN_DAY
        assert row.statistic in ("mean", "median") and r.reported_sd > 0 and np.isfinite(r.model_sd)
    assert spread_summary(rows).startswith(f"spread_rows={len(rows)} studies=")


def test_model_sd_is_the_sd_of_enrolled_patients_observed_at_a_visit(packaged):
    # Monte Carlo of what a trial would see: enrol patient i with probability w_i, observe its
    # expected value plus its visit-to-visit fluctuation.
    problem, outcomes, theta = packaged
    r = spread_rows(problem, outcomes, theta)[0]
    t = next(t for t in problem.targets if t.key == r.key)
    pv = problem.forward.patient_values(theta[None])
    key = (t.cohort, t.measure, t.scale, t.reverse)
    j = int(np.flatnonzero(problem.forward.days == t.day)[0])
    x, w, s = pv.values[key][0, :, j], pv.weights[t.cohort][0], pv.noise_sd[key][0]
    rng = np.random.default_rng(1)
    i = rng.choice(x.size, size=200_000, p=w / w.sum())
    draws = x[i] + s[i] * rng.standard_normal(i.size)
    assert draws.std() == pytest.approx(r.model_sd, rel=0.02)


def test_cli_prints_rows_and_last_line(capsys):
    assert main(["--spread", "--n-sim", "4"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["study", "arm", "measure"]
    assert lines[-1].startswith("spread_rows=") and "median_ratio=" in lines[-1]


def test_cli_refuses_half_a_pair_of_files(capsys):
    assert main(["--spread", "--arms", "arms.csv"]) == 2
    assert "--arms and --outcomes" in capsys.readouterr().err
