import math

import numpy as np
import pytest

from sim.calibration.scoring import (
    ScoredRow,
    loso_mean_reference,
    meta_reference,
    no_change_reference,
    normalised,
    score_loso,
    score_samples,
    sign_agreement,
    skill,
    within_study_contrasts,
)

DAYS = (30.0, 90.0, 180.0, 365.0)


def row(key, study, arm, arm_type, observed, *, se=2.0, day=180.0, statistic="mean_change_from_baseline",
        vs=None, measure="WOMAC_pain", span=100.0, anchor=None, source="outcomes"):
    return ScoredRow(key, study, arm, vs, measure, statistic, day, span, observed, se, anchor, arm_type, source)


def trial_rows(n_studies=30, seed=1):
    """Two-arm studies (saline, PRP), changes at four visits; true changes and the SD of a reported row."""
    rng = np.random.default_rng(seed)
    rows, mu, sd = [], [], []
    for s in range(n_studies):
        for arm, kind, effect in (("SAL", "saline", -10.0), ("PRP", "prp", -18.0)):
            for day in DAYS:
                m, v = effect * (1 - math.exp(-day / 60)), 3.0
                rows.append(row(f"S{s}{arm}{day:g}", f"S{s}", f"S{s}_{arm}", kind, m + v * rng.standard_normal(),
                                se=v, day=day))
                mu.append(m)
                sd.append(v)
    return rows, np.array(mu), np.array(sd)


def test_perfect_model_is_calibrated_and_beats_no_change():
    rows, mu, sd = trial_rows()
    samples = mu + sd * np.random.default_rng(2).standard_normal((4000, mu.size))
    rep = score_loso(rows, samples, n_boot=200)
    change = rep.classes["change"]
    for level in (0.5, 0.8, 0.95):
        assert abs(change.model.coverage(level) - level) < 0.08
    s = change.skills["no_change"]["interval_score"]
    assert s.value > 0.5 and s.low > 0
    assert change.skills["no_change"]["crps"].value > 0.5
    line = rep.summary_line_loso(30, len(rows))
    assert line.startswith("interval_score=") and line.endswith(f"studies=30 rows={len(rows)}")
    keys = [part.split("=")[0] for part in line.split()]
    assert keys == ["interval_score", "skill_vs_no_change", "skill_vs_loso_mean", "skill_vs_meta", "coverage95",
                    "width95_changes", "width95_contrasts", "sign_agreement", "studies", "rows"]
    assert any("sign agreement" in t for t in rep.table())


def test_too_wide_intervals_cover_everything_but_score_worse():
    rows, mu, sd = trial_rows()
    y, _, _ = normalised(rows)
    z = np.random.default_rng(3).standard_normal((4000, mu.size))
    sharp = score_samples(y, (mu + sd * z) / 100.0)
    wide = score_samples(y, (mu + 6 * sd * z) / 100.0)
    assert wide.coverage(0.95) == 1.0
    assert wide.mean("interval_score") > 1.5 * sharp.mean("interval_score")
    assert wide.mean("crps") > sharp.mean("crps")
    assert wide.width95 > 5 * sharp.width95


def test_references_never_use_the_left_out_study():
    rows = [row(f"S{s}_{d}", f"S{s}", f"S{s}_PRP", "prp", -10.0 - s, day=d, se=1.0 + s)
            for s in range(5) for d in (90.0, 180.0)]
    refs = (no_change_reference, loso_mean_reference, meta_reference)
    before = [f(rows) for f in refs]
    # Study S0's values change drastically: its references must not move (the meta-analytic SD
    # keeps its own row's SE, unchanged here), everyone else's must.
    moved = [r if r.study != "S0" else row(r.key, r.study, r.arm_id, r.arm_type, 500.0, day=r.day, se=r.se)
             for r in rows]
    after = [f(moved) for f in refs]
    own = np.array([r.study == "S0" for r in rows])
    for (m0, s0), (m1, s1) in zip(before, after):
        assert np.all(np.isfinite(m0)) and np.all(np.isfinite(s0))
        np.testing.assert_array_equal(m0[own], m1[own])
        np.testing.assert_array_equal(s0[own], s1[own])
        assert np.all(s0[~own] != s1[~own])
    # LOSO mean of S0's day-180 row: the other four studies' values only (window has 4 >= 3 rows).
    m, s = loso_mean_reference(rows)
    others = np.array([-11.0, -12.0, -13.0, -14.0]) / 100.0
    assert m[1] == pytest.approx(others.mean()) and s[1] == pytest.approx(others.std(ddof=1))
    assert no_change_reference(rows)[1][1] == pytest.approx(math.sqrt(np.mean(others ** 2)))


def test_meta_reference_pools_by_arm_type():
    rows = [row(f"S{s}{t}", f"S{s}", f"S{s}{t}", t, v + 0.1 * s, se=1.0)
            for s in range(4) for t, v in (("saline", -5.0), ("msc", -30.0))]
    mean, sd = meta_reference(rows)
    kinds = np.array([r.arm_type for r in rows])
    assert np.all(np.abs(mean[kinds == "msc"] + 0.30) < 0.01) and np.all(np.abs(mean[kinds == "saline"] + 0.05) < 0.01)
    assert np.all(sd >= 0.01)  # at least the row's own normalised SE


def test_contrasts_cancel_a_shared_study_shift():
    rows = [row("A0", "A", "A_SAL", "saline", 40.0, statistic="mean", day=0.0),
            row("A1", "A", "A_SAL", "saline", 30.0, statistic="mean", anchor=40.0),
            row("B1", "A", "A_MSC", "msc", 22.0, statistic="mean", anchor=41.0),
            row("C1", "A", "A_MSC", "msc", -1.0, statistic="mean_change_from_baseline", measure="VAS_pain", span=10)]
    rng = np.random.default_rng(0)
    shift = 25.0 * rng.standard_normal((5000, 1))  # a study effect shared by every row of a draw
    samples = np.array([40.0, 30.0, 22.0, -1.0]) + shift + 0.5 * rng.standard_normal((5000, 4))
    c_rows, c_s = within_study_contrasts(rows, samples)
    assert len(c_rows) == 1  # VAS has no control row; baselines are never contrasted
    c = c_rows[0]
    assert (c.arm_id, c.vs_arm_id, c.statistic, c.anchor) == ("A_MSC", "A_SAL", "mean_difference_vs_control", None)
    assert c.observed == (22.0 - 41.0) - (30.0 - 40.0)
    assert c.se == pytest.approx(math.sqrt(8.0))
    assert c_s.shape == (5000, 1)
    assert np.std(c_s) == pytest.approx(0.5 * math.sqrt(2), rel=0.05)
    assert np.median(c_s) == pytest.approx(c.observed, abs=0.1)  # anchors subtracted from the draws too
    # An explicit contrast names the control and replaces the derived duplicate.
    explicit = rows + [row("D1", "A", "A_MSC", "msc", -9.0, statistic="mean_difference_vs_control", vs="A_SAL")]
    e_rows, _ = within_study_contrasts(explicit, np.hstack([samples, samples[:, :1]]))
    assert [r.key for r in e_rows] == ["D1"]


def test_sign_agreement_one_vote_per_pair_ignores_nonsignificant():
    def con(key, study, arm, obs, se):
        return row(key, study, arm, "prp", obs, se=se, statistic="mean_difference_vs_control", vs=f"{study}_SAL")

    rows = [con("a", "S1", "S1_PRP", -10.0, 2.0),   # z 5: the vote of (S1, PRP)
            con("b", "S1", "S1_PRP", -6.0, 2.0),    # z 3: same pair, no extra vote
            con("c", "S1", "S1_HA", 3.0, 2.0),      # z 1.5: not significant, no vote
            con("d", "S2", "S2_PRP", 8.0, 2.0)]     # z 4
    medians = np.array([3.0, -5.0, 3.0, 1.0])  # wrong sign on the largest-|z| row of S1, right on S2
    samples = medians + np.array([[-0.1], [0.0], [0.1]])
    s = sign_agreement(rows, samples)
    assert s.votes == 2 and s.agreement == 0.5
    assert 0 < s.low < 0.5 < s.high < 1
    none = sign_agreement(rows[2:3], samples[:, 2:3])
    assert none.votes == 0 and math.isnan(none.agreement)


def test_bootstrap_is_deterministic_for_a_seed():
    rng = np.random.default_rng(5)
    m, r = rng.uniform(0, 1, 60), rng.uniform(1, 2, 60)
    clusters = np.repeat([f"S{k}" for k in range(12)], 5)
    a, b = skill(m, r, clusters, seed=7), skill(m, r, clusters, seed=7)
    assert a == b and a.low < a.value < a.high
    assert skill(m, r, clusters, seed=8) != a
    assert a.value == pytest.approx(1 - m.sum() / r.sum())


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="arm_type 'placebo'.*allowed: saline"):
        row("x", "S", "A", "placebo", 1.0)
    with pytest.raises(ValueError, match="observed nan.*allowed: a finite number"):
        row("x", "S", "A", "prp", float("nan"))
    with pytest.raises(ValueError, match="anchor None.*allowed"):
        row("x", "S", "A", "prp", 30.0, statistic="mean")
    rows, mu, _ = trial_rows(n_studies=2)
    with pytest.raises(ValueError, match=r"samples: shape \(10, 15\).*allowed: \(S >= 2, 16\)"):
        score_loso(rows, np.zeros((10, 15)))
    bad = np.zeros((10, 16))
    bad[3, 4] = np.nan
    with pytest.raises(ValueError, match="samples: non-finite.*column 4"):
        within_study_contrasts(rows, bad)
    with pytest.raises(ValueError, match="key 'S0SAL30' appears twice"):
        normalised(rows + rows[:1])


def test_validation_figures_take_report_data():
    from matplotlib.figure import Figure

    from sim.calibration.scoring import NOMINAL, normalised
    from sim.plotting.validation_plots import plot_coverage_curve, plot_observed_vs_predicted, plot_pit

    rows, mu, sd = trial_rows(n_studies=6)
    samples = mu + sd * np.random.default_rng(4).standard_normal((500, mu.size))
    change = score_loso(rows, samples, n_boot=20).classes["change"]
    ax1, ax2, ax3 = Figure().subplots(1, 3)
    m = change.model
    observed = normalised(change.rows)[0]
    assert plot_observed_vs_predicted(observed, m.median, m.lower[0.95], m.upper[0.95], ax=ax1,
                                      label="changes") is ax1
    assert "fraction of scale range" in ax1.get_xlabel()
    assert sum(len(c.lines[0].get_xdata()) for c in ax1.containers) == len(change.rows)  # one point per row
    assert plot_pit(m.pit, ax=ax2) is ax2 and len(ax2.patches) == 10
    assert plot_coverage_curve(NOMINAL, change.coverage, ax=ax3, label="changes") is ax3
    with pytest.raises(ValueError, match=r"median, lower, upper: shapes.*allowed: \(48,\)"):
        plot_observed_vs_predicted(observed, m.median[:-1], m.lower[0.95], m.upper[0.95], ax=ax1)


def test_command_line_draws_the_loso_figure(tmp_path):
    from types import SimpleNamespace

    from sim.calibration.report import MAIN_VARIANT
    from sim.cli.figures import write_loso_figure

    rows, mu, sd = trial_rows(n_studies=6)
    samples = mu + sd * np.random.default_rng(4).standard_normal((500, mu.size))
    result = SimpleNamespace(reports={MAIN_VARIANT: score_loso(rows, samples, n_boot=20)})
    path = write_loso_figure(result, tmp_path / "loso.png")
    assert path.is_file() and path.read_bytes().startswith(b"\x89PNG")
