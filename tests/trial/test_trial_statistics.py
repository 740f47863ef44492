"""Trial statistics against scipy.stats / NumPy on fixed data and hand-computed values."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.trial import (
    StatisticsError,
    arm_summary,
    change_from_baseline,
    compare_arms,
    hedges_g,
    mann_whitney_u_test,
    mcid_responder,
    mean_difference,
    nan_quantile,
    omeract_oarsi_responder,
    percent_change_from_baseline,
    prediction_interval,
    responder_rate,
    welch_t_test,
)


@pytest.fixture
def trials():
    """Replicate trials with ties, uneven dropout and one fully dropped-out replicate."""
    rng = np.random.default_rng(12345)
    a = np.round(rng.normal(50, 12, size=(40, 25)))
    b = np.round(rng.normal(42, 15, size=(40, 18)))
    a[rng.random(a.shape) < 0.2] = np.nan
    b[rng.random(b.shape) < 0.1] = np.nan
    a[3] = np.nan
    return a, b


def _rows(a, b):
    """Replicates where both arms have at least two patients."""
    return [i for i in range(a.shape[0]) if (~np.isnan(a[i])).sum() > 1 and (~np.isnan(b[i])).sum() > 1]


def test_arm_summary_hand_values():
    s = arm_summary([1.0, 2.0, 3.0, 4.0, np.nan])
    assert s.n == 4 and s.mean == 2.5 and s.sd == pytest.approx(math.sqrt(5 / 3))
    assert (s.median, s.q1, s.q3, s.iqr) == (2.5, 1.75, 3.25, 1.5)


def test_arm_summary_matches_numpy_and_never_warns(trials):
    a, _ = trials
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = arm_summary(a)
    ok = [i for i in range(a.shape[0]) if i != 3]
    np.testing.assert_allclose(s.mean[ok], np.nanmean(a[ok], axis=-1), rtol=1e-13)
    np.testing.assert_allclose(s.sd[ok], np.nanstd(a[ok], axis=-1, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(s.median[ok], np.nanmedian(a[ok], axis=-1), rtol=1e-13)
    np.testing.assert_allclose(s.q1[ok], np.nanpercentile(a[ok], 25, axis=-1), rtol=1e-13)
    assert s.n[3] == 0 and np.isnan([s.mean[3], s.sd[3], s.median[3]]).all()
    assert s.mean.shape == (40,)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(math.nan)), min_size=1, max_size=30),
       st.floats(0, 1))
def test_nan_quantile_equals_numpy(values, q):
    x = np.array(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own all-NaN warning
        ref = np.nanquantile(x, q)
    got = nan_quantile(x, q)
    assert (np.isnan(ref) and np.isnan(got)) or got == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_change_from_baseline_sign_and_nan():
    b = np.array([[60.0, 50.0, np.nan]])
    f = np.array([[40.0, 55.0, 30.0]])
    np.testing.assert_array_equal(change_from_baseline(b, f), [[-20.0, 5.0, np.nan]])
    np.testing.assert_allclose(percent_change_from_baseline(b, f), [[-100 / 3, 10.0, np.nan]])


def test_mean_difference_welch_hand_and_scipy():
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0]
    md = mean_difference(a, b)
    assert md.estimate == -3.5
    assert md.se == pytest.approx(math.sqrt(5 / 12 + 2))  # var_a/n_a + var_b/n_b = (5/3)/4 + 10/5
    assert md.df == pytest.approx((29 / 12) ** 2 / ((5 / 12) ** 2 / 3 + 4 / 4))
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert (md.ci_low, md.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-12)


def test_mean_difference_ci_matches_scipy_per_replicate(trials):
    a, b = trials
    md = mean_difference(a, b, level=0.9)
    for i in _rows(a, b):
        ai, bi = a[i][~np.isnan(a[i])], b[i][~np.isnan(b[i])]
        ci = stats.ttest_ind(ai, bi, equal_var=False).confidence_interval(0.9)
        assert (md.ci_low[i], md.ci_high[i]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert np.isnan(md.estimate[3])


def test_welch_p_matches_scipy(trials):
    a, b = trials
    res = welch_t_test(a, b)
    ok = _rows(a, b)
    ref = stats.ttest_ind(a[ok], b[ok], axis=-1, equal_var=False, nan_policy="omit")
    np.testing.assert_allclose(res.pvalue[ok], ref.pvalue, rtol=1e-10)
    np.testing.assert_allclose(res.statistic[ok], ref.statistic, rtol=1e-12)


def test_mann_whitney_matches_scipy_with_ties_and_nan(trials):
    a, b = trials
    res = mann_whitney_u_test(a, b)
    for i in _rows(a, b):
        ai, bi = a[i][~np.isnan(a[i])], b[i][~np.isnan(b[i])]
        ref = stats.mannwhitneyu(ai, bi, method="asymptotic")
        assert res.statistic[i] == ref.statistic
        assert res.pvalue[i] == pytest.approx(ref.pvalue, rel=1e-12)
    assert np.isnan(res.pvalue[3])


def test_mann_whitney_exact_path_delegates_to_scipy():
    a = np.array([[19.0, 22, 16, 29, 24]])
    b = np.array([[20.0, 11, 17, 12]])
    res = mann_whitney_u_test(a, b, method="exact")
    ref = stats.mannwhitneyu(a[0], b[0], method="exact")  # scipy docs example: U = 17, p = 0.111
    assert res.statistic[0] == ref.statistic == 17.0
    assert res.pvalue[0] == pytest.approx(ref.pvalue)
    with pytest.raises(StatisticsError, match="allowed: asymptotic, auto, exact"):
        mann_whitney_u_test(a, b, method="fast")


def test_hedges_g_hand_value():
    g = hedges_g([2.0, 4.0, 6.0], [1.0, 2.0, 3.0])
    # s_pooled = sqrt(2.5), d = 2/sqrt(2.5), J(m=4) = Gamma(2)/(sqrt(2) Gamma(1.5)) = sqrt(2/pi)
    assert g.estimate == pytest.approx(2 / math.sqrt(2.5) * math.sqrt(2 / math.pi), rel=1e-12)
    d = 2 / math.sqrt(2.5)
    assert g.se == pytest.approx(math.sqrt(2 / math.pi) * math.sqrt(6 / 9 + d**2 / 12), rel=1e-12)
    assert g.ci_low < g.estimate < g.ci_high


def test_hedges_g_close_to_common_approximation(trials):
    a, b = trials
    g = hedges_g(a, b)
    for i in _rows(a, b):
        ai, bi = a[i][~np.isnan(a[i])], b[i][~np.isnan(b[i])]
        na, nb = len(ai), len(bi)
        sp = math.sqrt(((na - 1) * ai.var(ddof=1) + (nb - 1) * bi.var(ddof=1)) / (na + nb - 2))
        approx = (1 - 3 / (4 * (na + nb - 2) - 1)) * (ai.mean() - bi.mean()) / sp
        assert g.estimate[i] == pytest.approx(approx, rel=2e-4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=3, max_size=12).filter(lambda v: np.ptp(v) > 1e-3),
       st.lists(st.floats(-100, 100), min_size=3, max_size=12).filter(lambda v: np.ptp(v) > 1e-3),
       st.floats(-50, 50), st.floats(0.1, 10))
def test_hedges_g_antisymmetric_and_affine_invariant(a, b, shift, scale):
    a, b = np.array(a), np.array(b)
    g = hedges_g(a, b).estimate
    assert hedges_g(b, a).estimate == pytest.approx(-g, abs=1e-9)
    assert hedges_g(a * scale + shift, b * scale + shift).estimate == pytest.approx(g, rel=1e-6, abs=1e-6)


def test_compare_arms_bundles_everything(trials):
    a, b = trials
    c = compare_arms(a, b)
    np.testing.assert_array_equal(c.mean_difference.estimate, mean_difference(a, b).estimate)
    np.testing.assert_array_equal(c.welch.pvalue, welch_t_test(a, b).pvalue)
    np.testing.assert_array_equal(c.mann_whitney.pvalue, mann_whitney_u_test(a, b).pvalue)
    np.testing.assert_array_equal(c.smd.estimate, hedges_g(a, b).estimate)


# --- responders ---------------------------------------------------------------------------------

# pain and function on 0-100, higher = worse. Expected OMERACT-OARSI status, without / with global.
PAIN0 = [60, 60, 60, 30, 60, 60, np.nan]
PAIN1 = [25, 45, 45, 12, 60, 35, 40]
FUNC0 = [50, 50, 50, 40, 60, 50, 50]
FUNC1 = [50, 38, 45, 40, 25, 50, 40]
GLOB0 = [50, 50, 50, 50, 50, 50, 50]
GLOB1 = [50, 50, 35, 50, 50, 38, 50]
# 0: pain -35 (58%): high improvement.  1: pain -15 (25%) and function -12 (24%): two moderate.
# 2: pain moderate only; with global -15 (30%) two moderate.  3: pain -18 (60%): < 20 points, and
# only one moderate domain.  4: function -35 (58%): high.  5: pain -25 (42%) moderate only; with
# global -12 (24%) two moderate.  6: missing baseline pain.
EXPECTED = [1, 1, 0, 0, 1, 0, np.nan]
EXPECTED_GLOBAL = [1, 1, 1, 0, 1, 1, np.nan]


def test_omeract_oarsi_hand_cases():
    args = [np.array(v, float) for v in (PAIN0, PAIN1, FUNC0, FUNC1)]
    np.testing.assert_array_equal(omeract_oarsi_responder(*args), EXPECTED)
    g = [np.array(GLOB0, float), np.array(GLOB1, float)]
    np.testing.assert_array_equal(omeract_oarsi_responder(*args, *g), EXPECTED_GLOBAL)
    # Same patients on a 0-10 scale, and as "higher is better" scores: same classification.
    np.testing.assert_array_equal(omeract_oarsi_responder(*(x / 10 for x in args), *(x / 10 for x in g),
                                                          scale=(0, 10)), EXPECTED_GLOBAL)
    np.testing.assert_array_equal(omeract_oarsi_responder(*(100 - x for x in args), *(100 - x for x in g),
                                                          higher_is_better=True), EXPECTED_GLOBAL)


def test_omeract_oarsi_thresholds_are_inclusive():
    # exactly 50% and 20 points -> responder (criteria say ">=")
    assert omeract_oarsi_responder([40.0], [20.0], [40.0], [40.0])[0] == 1.0
    assert omeract_oarsi_responder([40.0], [20.5], [40.0], [40.0])[0] == 0.0


def test_omeract_oarsi_argument_errors():
    with pytest.raises(StatisticsError, match="both or neither"):
        omeract_oarsi_responder([1.0], [1.0], [1.0], [1.0], global_baseline=[1.0])
    with pytest.raises(StatisticsError, match="scale"):
        omeract_oarsi_responder([1.0], [1.0], [1.0], [1.0], scale=(10, 0))


def test_mcid_responder_direction_aware():
    b = np.array([50.0, 50.0, 50.0, np.nan])
    f = np.array([40.0, 45.0, 60.0, 30.0])
    np.testing.assert_array_equal(mcid_responder(b, f, 10, higher_is_better=False), [1, 0, 0, np.nan])
    np.testing.assert_array_equal(mcid_responder(b, f, 10, higher_is_better=True), [0, 0, 1, np.nan])
    with pytest.raises(StatisticsError, match="threshold"):
        mcid_responder(b, f, -10, higher_is_better=False)


def test_responder_rate_dropout_conventions():
    r = np.array([[1.0, 0.0, 1.0, np.nan], [np.nan] * 4])
    np.testing.assert_array_equal(responder_rate(r), [2 / 3, np.nan])
    np.testing.assert_array_equal(responder_rate(r, dropouts="nonresponder"), [0.5, 0.0])
    with pytest.raises(StatisticsError, match="allowed: exclude, nonresponder"):
        responder_rate(r, dropouts="locf")


# --- prediction intervals and input errors --------------------------------------------------------

def test_prediction_interval_matches_percentiles(trials):
    a, b = trials
    md = mean_difference(a, b).estimate
    pi = prediction_interval(md, level=0.9)
    ok = md[~np.isnan(md)]
    assert (pi.low, pi.median, pi.high) == pytest.approx(tuple(np.percentile(ok, [5, 50, 95])), rel=1e-12)
    assert pi.n_valid == len(ok) == 39
    intervals = arm_summary(a).prediction_intervals()
    assert set(intervals) == {"n", "mean", "sd", "median", "q1", "q3"}
    assert intervals["mean"].low <= intervals["mean"].median <= intervals["mean"].high


@pytest.mark.parametrize("call,fragment", [
    (lambda: arm_summary([1.0, np.inf]), "infinite"),
    (lambda: arm_summary(3.0), "patient axis"),
    (lambda: mean_difference([1.0, 2.0], [1.0, 2.0], level=95), "level"),
    (lambda: mean_difference(np.zeros((3, 5)), np.zeros((4, 5))), "do not broadcast"),
    (lambda: prediction_interval(1.0), "replicate axis"),
    (lambda: nan_quantile([1.0], 1.5), "probabilities"),
])
def test_input_errors_name_argument(call, fragment):
    with pytest.raises(StatisticsError, match=fragment):
        call()


def test_one_trial_gives_scalars_and_is_deterministic():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=30), rng.normal(size=20)
    c1, c2 = compare_arms(a, b), compare_arms(a.copy(), b.copy())
    assert np.ndim(c1.mean_difference.estimate) == 0
    assert c1.welch.pvalue == c2.welch.pvalue and c1.mann_whitney.pvalue == c2.mann_whitney.pvalue
