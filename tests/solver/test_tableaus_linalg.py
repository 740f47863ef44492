"""Order conditions of the tableau and the Numba LU against NumPy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.solver.linalg import lu_factor, lu_solve
from sim.solver.tableaus import get_tableau


def _original(tab):
    """Recover (alpha, beta, b, b_hat, Gamma) from the transformed coefficients."""
    s = tab.stages
    gamma_mat = np.linalg.inv(np.eye(s) / tab.gamma - tab.c)
    alpha = tab.a @ gamma_mat
    beta = alpha + gamma_mat - tab.gamma * np.eye(s)
    return alpha, beta, tab.m @ gamma_mat, (tab.m - tab.e) @ gamma_mat, gamma_mat


def _conditions(b, alpha, beta, g, order, theta=1.0):
    al, bp = alpha.sum(1), beta.sum(1)
    res = [b.sum() - theta, b @ bp - (theta**2 / 2 - g * theta)]
    if order >= 3:
        res += [b @ al**2 - theta**3 / 3, b @ beta @ bp - (theta**3 / 6 - g * theta**2 + g * g * theta)]
    if order >= 4:
        res += [b @ al**3 - 1 / 4, b @ (al * (alpha @ bp)) - (1 / 8 - g / 3),
                b @ beta @ al**2 - (1 / 12 - g / 3),
                b @ beta @ beta @ bp - (1 / 24 - g / 2 + 1.5 * g * g - g**3)]
    return np.array(res)


def test_rodas4_order_conditions():
    tab = get_tableau("rodas4")
    alpha, beta, b, b_hat, gamma_mat = _original(tab)
    g = tab.gamma
    assert np.allclose(gamma_mat.sum(1), tab.d, atol=1e-13)
    assert np.allclose(alpha.sum(1), tab.alpha, atol=1e-13)
    assert np.max(np.abs(_conditions(b, alpha, beta, g, 4))) < 1e-13
    assert np.max(np.abs(_conditions(b_hat, alpha, beta, g, 3))) < 1e-13
    # the embedded solution is genuinely of lower order (so the estimate is not zero)
    assert np.max(np.abs(_conditions(b_hat, alpha, beta, g, 4))) > 1e-3
    for theta in (0.1, 0.37, 0.5, 0.9):
        m_theta = theta * tab.m + theta * (1 - theta) * (tab.h[0] + theta * tab.h[1])
        assert np.max(np.abs(_conditions(m_theta @ gamma_mat, alpha, beta, g, 3, theta))) < 1e-13


def test_rodas4_is_l_stable():
    tab = get_tableau("rodas4")
    alpha, _, b, _, gamma_mat = _original(tab)
    full = alpha + gamma_mat
    s = tab.stages

    def stability(z):
        return 1 + z * b @ np.linalg.solve(np.eye(s) - z * full, np.ones(s))

    assert abs(stability(-1e12)) < 1e-9
    for z in (-1.0, -10.0, 1j, -0.1 + 10j, -100 + 1e3j):
        assert abs(stability(z)) <= 1.0 + 1e-12


def test_unknown_method_lists_valid_names():
    with pytest.raises(ValueError, match="rodas4"):
        get_tableau("rk45")


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 12), seed=st.integers(0, 2**31 - 1), density=st.floats(0.1, 1.0))
def test_lu_matches_numpy(n, seed, density):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n)) * (rng.random((n, n)) < density)
    a += np.diag(rng.standard_normal(n))
    if np.linalg.cond(a) > 1e8:
        return
    b = rng.standard_normal(n)
    lu = a.copy()
    piv = np.empty(n, dtype=np.int64)
    assert lu_factor(lu, piv, np.empty(n, dtype=np.int64)) == 0
    x = b.copy()
    lu_solve(lu, piv, x)
    assert np.allclose(x, np.linalg.solve(a, b), rtol=1e-9, atol=1e-9 * np.abs(x).max())


def test_lu_reports_singular_and_nan():
    piv = np.empty(3, dtype=np.int64)
    cols = np.empty(3, dtype=np.int64)
    assert lu_factor(np.array([[1.0, 2, 3], [2, 4, 6], [0, 0, 0]]), piv, cols) == 1
    assert lu_factor(np.array([[np.nan, 0, 0], [0, 1, 0], [0, 0, 1]]), piv, cols) == 1
