"""Virtual trials: common random numbers, determinism, statistics against scipy, HDF5 round trip."""

import numba
import numpy as np
import pytest
from scipy import stats
from trial_support import tiny_spec

from sim.io import read_tree, write_tree
from sim.io.trial_file import trial_tree
from sim.simulation import DEFAULT_OPTIONS
from sim.trial import dropout_mask, power_analysis, run_trial, summarize


@pytest.fixture(scope="module")
def trial():
    return run_trial(tiny_spec(), replicates=3, seed=7)


def test_identical_regimens_give_identical_patients_bit_for_bit():
    # independent allocation: arm k of replicate r uses block r + k; 'untreated' is arm 2 and its
    # copy arm 3, so replicate r+1 of the first equals replicate r of the second. Bit for bit
    # with every patient solved alone (lockstep off).
    alone = DEFAULT_OPTIONS.replace(lockstep=False)
    trial = run_trial(tiny_spec(), replicates=3, seed=7, options=alone)
    a, b = trial.values["untreated"], trial.values["untreated_again"]
    for ep in a:
        np.testing.assert_array_equal(a[ep][1:], b[ep][:-1])
    paired = run_trial(tiny_spec(), replicates=2, seed=7, allocation="paired", options=alone)
    for ep in paired.values["untreated"]:
        np.testing.assert_array_equal(paired.values["untreated"][ep], paired.values["untreated_again"][ep])
    # the same patient keeps its values whatever the design around it (CRN across designs)
    two = run_trial(tiny_spec(arms={"saline": "saline(ml=4)@0", "untreated": "none()@0"}), replicates=2, seed=7,
                    allocation="paired", options=alone)
    np.testing.assert_array_equal(two.values["untreated"]["WOMAC_total"], paired.values["untreated"]["WOMAC_total"])


def test_identical_regimens_agree_to_the_tolerance_with_lockstep(trial):
    # With lockstep lanes (the default) a patient shares its steps with three neighbours, so
    # its copies in two arms agree to the solver's tolerance instead of to the bit.
    a, b = trial.values["untreated"], trial.values["untreated_again"]
    for ep in a:
        np.testing.assert_allclose(a[ep][1:], b[ep][:-1], rtol=1e-5, atol=1e-6)


def test_independent_arms_hold_different_patients(trial):
    idx = [set(trial.patient_index(a)[0]) for a in trial.spec.arm_names]
    assert all(not (idx[i] & idx[j]) for i in range(len(idx)) for j in range(i))


def test_repeatable_and_independent_of_thread_count():
    spec = tiny_spec(n=4)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_trial(spec, replicates=2, seed=3)
        numba.set_num_threads(max(before, 2) if numba.config.NUMBA_NUM_THREADS >= 2 else 1)
        many = run_trial(spec, replicates=2, seed=3)
    finally:
        numba.set_num_threads(before)
    again = run_trial(spec, replicates=2, seed=3)
    for arm in spec.arm_names:
        for ep in one.values[arm]:
            np.testing.assert_array_equal(one.values[arm][ep], many.values[arm][ep])
            np.testing.assert_array_equal(one.values[arm][ep], again.values[arm][ep])
    other = run_trial(spec, replicates=2, seed=4)
    assert not np.array_equal(other.values["msc"]["WOMAC_total"], one.values["msc"]["WOMAC_total"], equal_nan=True)


def test_dropout_is_monotone_and_keeps_baseline():
    u = np.linspace(0.0, 0.99, 200)
    keep = dropout_mask(u, np.array([0.0, 91.0, 182.0, 365.0]), 0.3)
    assert keep[:, 0].all()
    assert np.all(np.diff(keep.astype(int), axis=1) <= 0)  # once out, always out
    assert abs((~keep[:, -1]).mean() - 0.3) < 0.02


def test_statistics_equal_scipy_on_the_trial_data(trial):
    s = summarize(trial)
    r, v = 1, 2  # replicate 1, visit of day 182
    ep = "WOMAC_total"
    xa, xb = trial.values["msc"][ep][r], trial.values["saline"][ep][r]
    ca, cb = xa[:, v] - xa[:, 0], xb[:, v] - xb[:, 0]
    ca, cb = ca[~np.isnan(ca)], cb[~np.isnan(cb)]
    arm = s.arms["msc"][ep]
    assert arm["change_mean"][r, v] == pytest.approx(ca.mean(), rel=1e-12)
    assert arm["change_sd"][r, v] == pytest.approx(ca.std(ddof=1), rel=1e-12)
    assert arm["change_median"][r, v] == pytest.approx(np.median(ca), rel=1e-12)
    x = xa[:, v][~np.isnan(xa[:, v])]
    q1, q3 = np.percentile(x, [25, 75])
    assert arm["iqr"][r, v] == pytest.approx(q3 - q1, rel=1e-12)
    comp = s.comparisons["msc vs saline"][ep]
    t = stats.ttest_ind(ca, cb, equal_var=False)
    assert comp["welch_t"][r, v - 1] == pytest.approx(t.statistic, rel=1e-10)
    assert comp["welch_p"][r, v - 1] == pytest.approx(t.pvalue, rel=1e-10)
    mw = stats.mannwhitneyu(ca, cb, method="asymptotic")
    assert comp["mann_whitney_p"][r, v - 1] == pytest.approx(mw.pvalue, rel=1e-10)
    ci = t.confidence_interval(0.95)
    assert comp["md_ci_low"][r, v - 1] == pytest.approx(ci.low, rel=1e-10)
    assert comp["md_ci_high"][r, v - 1] == pytest.approx(ci.high, rel=1e-10)
    mcid = trial.spec.endpoint(ep).mcid_on_scale
    assert arm["mcid_responder_rate"][r, v] == pytest.approx(np.mean(-ca >= mcid))


def test_hdf5_summaries_equal_recomputed_from_patients(trial, tmp_path):
    s = summarize(trial)
    path = write_tree(tmp_path / "t.h5", trial_tree(trial, s, patients=True))
    back = read_tree(path)
    again = summarize(trial)
    for arm in trial.spec.arm_names:
        for ep in trial.values[arm]:
            np.testing.assert_array_equal(back["patients"][arm][ep]["@data"], trial.values[arm][ep])
            for stat, x in again.arms[arm][ep].items():
                np.testing.assert_array_equal(back["summary"]["arms"][arm][ep][stat]["@data"], x)
    for comp, eps in again.comparisons.items():
        for ep, st in eps.items():
            for stat, x in st.items():
                np.testing.assert_array_equal(back["summary"]["comparisons"][comp][ep][stat]["@data"], x)
    assert len(back["summary"]["table"]["median"]) == len(s.table())


def test_hdf5_axes_labelled_with_units(trial, tmp_path):
    from sim.io import read_dims

    path = write_tree(tmp_path / "t.h5", trial_tree(trial, summarize(trial), patients=True))
    back = read_tree(path)
    arm = trial.spec.arm_names[0]
    ep = next(iter(trial.values[arm]))
    comp = next(iter(back["summary"]["comparisons"]))
    assert read_dims(path, f"/patients/{arm}/{ep}") == [("replicate", None), ("patient", None), ("visit", "/visits")]
    assert read_dims(path, f"/summary/arms/{arm}/{ep}/mean") == [("replicate", None), ("visit", "/visits")]
    assert read_dims(path, f"/summary/comparisons/{comp}/{ep}/mean_difference") == [("replicate", None),
                                                                                    ("visit", "/follow_up")]
    assert back["summary"]["arms"][arm][ep]["mean"]["@attrs"]["unit"] not in ("", "1")
    assert back["summary"]["comparisons"][comp][ep]["welch_p"]["@attrs"]["unit"] == "1"


def test_saline_arm_improves_like_pooled_saline_arms():
    # pooled saline arms: VAS -12.1 mm at 3 months (parameters.csv:IA_saline_VAS_3mo, 95% CI 3.3-20.9)
    spec = tiny_spec(n=20, dropout=0.0, arms={"saline": "saline(ml=4)@0"}, days=(91.0,))
    t = run_trial(spec, replicates=3, seed=0)
    vas = t.values["saline"]["VAS_pain[0-10]"] * 10.0
    change = np.mean(vas[..., 1] - vas[..., 0])
    assert -20.9 < change < -3.3


def test_power_analysis_finds_n_for_large_effect():
    arms = {"saline": "saline(ml=4)@0", "msc": "msc(cells=1e8,source=bm,allogeneic=0)@0"}
    spec = tiny_spec(n=4, dropout=0.0, arms=arms, days=(91.0,))
    p = power_analysis(spec, "msc", "WOMAC_total", 91.0, [4, 12], replicates=6, seed=2, target=0.5)
    assert p.power.shape == (2,) and np.all((0 <= p.power) & (p.power <= 1))
    assert p.n_required in (None, 4, 12)
    with pytest.raises(ValueError, match="day"):
        power_analysis(spec, "msc", "WOMAC_total", 50.0, [4])


def test_trial_file_reads_back(trial, tmp_path):
    from sim.io.trial_file import read_trial, spec_to_dict
    from sim.io.versioned_layout import FileFormatError

    s = summarize(trial)
    power = power_analysis(trial.spec, "msc", "WOMAC_total", 182.0, [4, 6], replicates=3, seed=1)
    path = write_tree(tmp_path / "t.h5", trial_tree(trial, s, power=power, patients=True, attrs={"seed_note": "x"}))
    back = read_trial(path)
    assert back.spec == spec_to_dict(trial.spec) and back.schema_version == "1"
    np.testing.assert_array_equal(back.visits, trial.visits)
    for arm, eps in s.arms.items():
        for ep, stats_ in eps.items():
            for stat, x in stats_.items():
                np.testing.assert_array_equal(back.arms[arm][ep][stat], x)
    np.testing.assert_array_equal(back.patients["msc"]["index"], trial.patient_index("msc"))
    np.testing.assert_array_equal(back.power.power, power.power)
    assert back.power.n_required == power.n_required and back.attrs["seed_note"] == "x"
    tree = read_tree(path)
    tree["@attrs"]["spec"] = "{not json"
    write_tree(tmp_path / "bad.h5", tree)
    with pytest.raises(FileFormatError, match="bad.h5: attribute /spec is not JSON"):
        read_trial(tmp_path / "bad.h5")
    del tree["summary"]
    tree["@attrs"]["spec"] = "{}"
    write_tree(tmp_path / "bad2.h5", tree)
    with pytest.raises(FileFormatError, match="bad2.h5: field /summary missing"):
        read_trial(tmp_path / "bad2.h5")
