"""Scale and spread conversions against hand-computed values and their sources' formulas."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.data import (
    VAS_0_10,
    VAS_0_100,
    WOMAC_LIKERT_TOTAL,
    ci95_to_sd,
    convert_scale,
    iqr_to_sd,
    median_iqr_to_mean,
    se_to_sd,
    spread_to_sd,
)
from sim.evidence import load_outcomes


def test_convert_scale_hand_values():
    assert convert_scale(48, WOMAC_LIKERT_TOTAL, (0, 100)) == 50.0
    assert convert_scale(96, (0, 96), (0, 100)) == 100.0
    assert convert_scale(6.5, VAS_0_10, VAS_0_100) == 65.0
    assert convert_scale(65, VAS_0_100, VAS_0_10) == 6.5
    assert convert_scale(-1.5, VAS_0_10, VAS_0_100, difference=True) == -15.0
    assert convert_scale(3, (1, 5), (0, 100)) == 50.0
    assert convert_scale(0, (1, 5), (0, 100), difference=True) == 0.0
    np.testing.assert_allclose(convert_scale(np.array([0, 24, 96]), (0, 96), (0, 100)), [0, 25, 100])


@given(st.floats(-1e6, 1e6), st.floats(0.1, 1e3), st.floats(0.1, 1e3))
def test_convert_scale_round_trip(x, w1, w2):
    back = convert_scale(convert_scale(x, (0, w1), (0, w2)), (0, w2), (0, w1))
    assert back == pytest.approx(x, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("bad", [(10, 0), (0, 0), (0, np.inf), (1,), "0-100"])
def test_convert_scale_rejects_bad_ranges(bad):
    with pytest.raises(ValueError, match="from_range"):
        convert_scale(1.0, bad, (0, 100))


def test_se_to_sd():
    assert se_to_sd(2.0, 25) == 10.0
    np.testing.assert_allclose(se_to_sd([1.0, 2.0], [4, 9]), [2.0, 6.0])
    with pytest.raises(ValueError, match="n must be an integer"):
        se_to_sd(1.0, 0)


def test_ci95_to_sd_recovers_sample_sd():
    x = np.array([3.1, 4.7, 5.2, 6.9, 2.8, 5.5, 4.4, 6.1])
    n, sd = len(x), x.std(ddof=1)
    lo, hi = stats.t.interval(0.95, n - 1, loc=x.mean(), scale=sd / np.sqrt(n))
    assert ci95_to_sd(lo, hi, n) == pytest.approx(sd, rel=1e-12)
    # Handbook large-sample form: width = 3.92 * sd / sqrt(n)
    assert ci95_to_sd(0.0, 3.92, 100, distribution="normal") == pytest.approx(10 * 3.92 / (2 * 1.959964), rel=1e-6)
    with pytest.raises(ValueError, match="distribution"):
        ci95_to_sd(0, 1, 10, distribution="z")


def test_iqr_to_sd_wan2014():
    # Large-sample: IQR of a normal is 1.349 SD.
    assert iqr_to_sd(0.0, 2 * stats.norm.ppf(0.75)) == pytest.approx(1.0)
    # Wan et al. 2014 eq. 16 at n = 50, hand-evaluated: (0.75*50 - 0.125)/(50 + 0.25) = 0.743781...
    eta = 2 * stats.norm.ppf(37.375 / 50.25)
    assert eta == pytest.approx(1.3095, abs=1e-3)
    assert iqr_to_sd(10.0, 20.0, 50) == pytest.approx(10.0 / eta)
    # the small-sample factor converges to the large-sample one
    assert iqr_to_sd(0, 1, 10**7) == pytest.approx(iqr_to_sd(0, 1), rel=1e-6)


def test_median_iqr_to_mean():
    assert median_iqr_to_mean(1.0, 2.0, 6.0) == 3.0


def test_spread_to_sd_on_packaged_rows():
    rows = load_outcomes()
    sd_row = next(o for o in rows if o.spread_type == "SD")
    assert spread_to_sd(sd_row) == sd_row.spread[0]
    se_row = next(o for o in rows if o.spread_type == "SE" and o.n is not None)
    assert spread_to_sd(se_row) == pytest.approx(se_row.spread[0] * np.sqrt(se_row.n))
    iqr_row = next(o for o in rows if o.spread_type == "IQR")
    assert spread_to_sd(iqr_row, n=10) == pytest.approx(iqr_to_sd(*iqr_row.spread, 10))
    none_row = next(o for o in rows if o.spread_type == "none")
    assert spread_to_sd(none_row) is None
    md_row = next(o for o in rows if o.statistic == "mean_difference_vs_control")
    with pytest.raises(ValueError, match="between-arm"):
        spread_to_sd(md_row)
    se_without_n = next(o for o in rows if o.spread_type == "SE" and o.n is None) if any(
        o.spread_type == "SE" and o.n is None for o in rows) else None
    if se_without_n is not None:
        with pytest.raises(ValueError, match="needs n"):
            spread_to_sd(se_without_n)
