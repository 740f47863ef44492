"""Small module-level Numba test models (module level so that cache=True works)."""

from numba import njit


@njit(cache=True)
def decay_rhs(t, y, p, f):
    for i in range(y.shape[0]):
        f[i] = -p[i] * y[i]


@njit(cache=True)
def decay_jac(t, y, p, J):
    J[:, :] = 0.0
    for i in range(y.shape[0]):
        J[i, i] = -p[i]


@njit(cache=True)
def logistic_rhs(t, y, p, f):
    f[0] = y[0] * (1.0 - y[0])


@njit(cache=True)
def logistic_jac(t, y, p, J):
    J[0, 0] = 1.0 - 2.0 * y[0]


@njit(cache=True)
def blowup_rhs(t, y, p, f):
    """y' = p0 y^2 - p1 y: blows up in finite time when p0 y0 > p1."""
    f[0] = p[0] * y[0] * y[0] - p[1] * y[0]


@njit(cache=True)
def blowup_jac(t, y, p, J):
    J[0, 0] = 2.0 * p[0] * y[0] - p[1]


@njit(cache=True)
def status_rhs(t, y, p, f):
    """Returns an integer status: 7 (failure) once y drops below p[1]."""
    f[0] = -p[0] * y[0]
    if y[0] < p[1]:
        return 7
    return 0


@njit(cache=True)
def status_jac(t, y, p, J):
    J[0, 0] = -p[0]
    return 0
