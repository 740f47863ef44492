"""The between-patient spread check: which rows it compares, and that its SD is the enrolled patients' SD."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from sim.calibration import CALIBRATED, Problem
from sim.calibration.enrolment import truncated_variance_factor
from sim.calibration.spread import MIN_DAY, spread_rows, spread_summary
from sim.cli.validate_app import main
from sim.evidence import load_arms, load_outcomes


@pytest.fixture(scope="module")
def packaged():
    outcomes = load_outcomes()
    problem = Problem(load_arms(), outcomes, n_sim=6)
    theta = np.array([p.default for p in CALIBRATED])
    return problem, outcomes, theta


def test_rows_are_entry_or_late_follow_up_levels_with_a_patient_level_spread(packaged):
    problem, outcomes, theta = packaged
    rows = spread_rows(problem, outcomes, theta)
    later = [r for r in rows if r.day > 0]
    assert len(later) > 20 and len(rows) - len(later) > 20
    for r in rows:
        row = outcomes[int(r.key.rsplit(" ", 1)[1]) - 2]
        assert row.arm_id == r.arm_id and row.spread_type in ("SD", "IQR") and (r.day == 0 or r.day >= MIN_DAY)
        assert row.statistic in ("mean", "median") and r.reported_sd > 0 and np.isfinite(r.model_sd)
    line = spread_summary(rows)
    assert line.startswith(f"spread_rows={len(later)} studies=")
    assert f"entry_rows={len(rows) - len(later)} entry_studies=" in line


def test_truncated_variance_factor_matches_a_truncated_normal():
    rng = np.random.default_rng(0)
    for a in (-3.0, -0.5, 0.0, 1.0, 2.5):
        u = rng.uniform(size=1_000_000)  # a standard normal truncated below at a, by inversion
        kept = special.ndtri(special.ndtr(a) + u * (1.0 - special.ndtr(a)))
        lam = np.exp(-0.5 * a * a) / np.sqrt(2.0 * np.pi) / (0.5 * math.erfc(a / math.sqrt(2.0)))
        assert kept.mean() == pytest.approx(lam, rel=0.01, abs=2e-3)
        assert truncated_variance_factor(np.array(lam)) == pytest.approx(kept.var(), rel=0.01)
    assert truncated_variance_factor(np.array([0.0]))[0] == 1.0


def test_entry_sd_is_the_sd_of_patients_who_passed_the_entry_threshold(packaged):
    # Monte Carlo of a trial's screening: patient i's entry level is R_i + e with e ~ N(0, sd^2)
    # (in the measure's units, slope x sd); it is enrolled when the VAS level passes c, and the
    # enrolled levels' SD is what the trial reports at baseline.
    problem, outcomes, theta = packaged
    r = next(r for r in spread_rows(problem, outcomes, theta) if r.day == 0 and r.measure.startswith("WOMAC"))
    t = next(t for t in problem.targets if t.key == r.key)
    pv = problem.forward.patient_values(theta[None])
    key = (t.cohort, t.measure, t.scale, t.reverse)
    x, w, s = pv.values[key][0, :, 0], pv.weights[t.cohort][0], pv.noise_sd[key][0]
    mf, sd = pv.entry_fluctuation[t.cohort][0], pv.fluctuation_sd[0]
    # Each patient's quiet level (x minus its expected entry fluctuation, in the measure's units)
    # and a threshold per patient a_i = (c - R_i) / sd recovered from the Mills ratio mf_i / sd.
    lam = mf / sd
    grid = np.linspace(-8.0, 8.0, 4001)
    mills = np.exp(-0.5 * grid ** 2) / np.sqrt(2.0 * np.pi) / (0.5 * np.vectorize(math.erfc)(grid / math.sqrt(2.0)))
    a = np.interp(lam, mills, grid)
    rng = np.random.default_rng(2)
    i = rng.choice(x.size, size=400_000, p=w / w.sum())
    u = rng.uniform(size=i.size)
    e = special.ndtri(special.ndtr(a[i]) + u * (1.0 - special.ndtr(a[i])))  # N(0,1) truncated below at a_i
    draws = x[i] - s[i] * lam[i] + s[i] * e
    assert draws.std() == pytest.approx(r.model_sd, rel=0.03)


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


def test_cli_population_switches_move_the_spread_and_are_checked(capsys):
    assert main(["--spread", "--n-sim", "4", "--variability-scale", "0", "--placebo-cv", "0"]) == 0
    narrow = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["--spread", "--n-sim", "4"]) == 0
    wide = capsys.readouterr().out.strip().splitlines()[-1]
    ratio = lambda line, k: float(line.split(f" {k}=")[1].split()[0])  # noqa: E731
    assert ratio(narrow, "entry_median_ratio") < ratio(wide, "entry_median_ratio")
    assert main(["--spread", "--variability-scale", "-1"]) == 2
    assert "--variability-scale" in capsys.readouterr().err
    assert main(["--loso", "--placebo-cv", "0"]) == 2
    assert "--spread only" in capsys.readouterr().err


def test_cli_refuses_half_a_pair_of_files(capsys):
    assert main(["--spread", "--arms", "arms.csv"]) == 2
    assert "--arms and --outcomes" in capsys.readouterr().err
