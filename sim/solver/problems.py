"""Synthetic stiff test problems with the model-function contract, for tests and benchmarks.

None of these is biology: they exercise the integrator on known hard cases. Each problem is a
pair of module-level ``@njit(cache=True)`` functions ``rhs(t, y, p, f)`` and ``jac(t, y, p, J)``.

* Robertson chemical kinetics (Hairer & Wanner 1996, Sect. IV.1), p = (0.04, 3e7, 1e4).
* Van der Pol oscillator ``y'' = mu (1 - y^2) y' - y``, p = (mu,), stiff for mu = 1000.
* Prothero-Robinson ``y' = -lam (y - cos t) - sin t``: exact ``cos t + (y0 - 1) exp(-lam t)``,
  non-autonomous (exercises the df/dt term), p = (lam,).
* Linear ``y' = A y`` with ``A`` given row-major in ``p`` (n*n entries): exact via expm.
* ``kinetics40``: a made-up 40-state cascade with the time scales of the knee model
  (see :func:`kinetics40_rhs`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "ROBERTSON_P", "robertson_rhs", "robertson_jac", "vdp_rhs", "vdp_jac", "pr_rhs", "pr_jac",
    "linear_rhs", "linear_jac", "kinetics40_rhs", "kinetics40_jac", "kinetics40_parameters",
    "kinetics40_y0", "kinetics40_doses", "K40_N", "K40_DEPOTS",
]

ROBERTSON_P = np.array([0.04, 3e7, 1e4])


@njit(cache=True)
def robertson_rhs(t, y, p, f):
    """Robertson kinetics: writes dy/dt float64[3] into ``f``."""
    f[0] = -p[0] * y[0] + p[2] * y[1] * y[2]
    f[1] = p[0] * y[0] - p[2] * y[1] * y[2] - p[1] * y[1] * y[1]
    f[2] = p[1] * y[1] * y[1]


@njit(cache=True)
def robertson_jac(t, y, p, J):
    """Robertson kinetics: writes the Jacobian float64[3, 3] into ``J``."""
    J[0, 0] = -p[0]
    J[0, 1] = p[2] * y[2]
    J[0, 2] = p[2] * y[1]
    J[1, 0] = p[0]
    J[1, 1] = -p[2] * y[2] - 2.0 * p[1] * y[1]
    J[1, 2] = -p[2] * y[1]
    J[2, 0] = 0.0
    J[2, 1] = 2.0 * p[1] * y[1]
    J[2, 2] = 0.0


@njit(cache=True)
def vdp_rhs(t, y, p, f):
    """Van der Pol oscillator: writes dy/dt float64[2] into ``f``."""
    f[0] = y[1]
    f[1] = p[0] * (1.0 - y[0] * y[0]) * y[1] - y[0]


@njit(cache=True)
def vdp_jac(t, y, p, J):
    """Van der Pol oscillator: writes the Jacobian float64[2, 2] into ``J``."""
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[1, 0] = -2.0 * p[0] * y[0] * y[1] - 1.0
    J[1, 1] = p[0] * (1.0 - y[0] * y[0])


@njit(cache=True)
def pr_rhs(t, y, p, f):
    """Prothero-Robinson problem: writes dy/dt float64[1] into ``f``."""
    f[0] = -p[0] * (y[0] - np.cos(t)) - np.sin(t)


@njit(cache=True)
def pr_jac(t, y, p, J):
    """Prothero-Robinson problem: writes the Jacobian float64[1, 1] into ``J``."""
    J[0, 0] = -p[0]


@njit(cache=True)
def linear_rhs(t, y, p, f):
    """Linear system ``y' = A y`` (``A`` row-major in ``p``): writes dy/dt float64[n] into ``f``."""
    n = y.shape[0]
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += p[i * n + j] * y[j]
        f[i] = acc


@njit(cache=True)
def linear_jac(t, y, p, J):
    """Linear system: writes ``A`` float64[n, n] into ``J``."""
    n = y.shape[0]
    for i in range(n):
        for j in range(n):
            J[i, j] = p[i * n + j]


# ----------------------------------------------------------------------------- kinetics40
# Layout: 4 depots D, 12 fast mediators C, 12 slow populations X, 12 very slow pools M.
K40_DEPOTS = 4
_NC = 12
_C0 = K40_DEPOTS
_X0 = _C0 + _NC
_M0 = _X0 + _NC
K40_N = _M0 + _NC
# p = [k (40 first-order rates, 1/day) | s (40 sources) | g1..g4 (coupling gains)]
_S0 = K40_N
_G0 = 2 * K40_N


@njit(cache=True)
def kinetics40_rhs(t, y, p, f):
    """Made-up cascade: depot -> mediators -> populations -> pools (time scales hours to years).

    ``dD_i = -k D_i``; ``dC_c = s + g1 D/(1+D) + g2 X_c/(1+C_{c+1}) - k C_c`` (mediator made by
    population c, inhibited by the next mediator); ``dX_c = s (1 + g3 C_c^2/(1+C_c^2)) - k X_c``
    (Hill-type recruitment); ``dM_c = s X_c/(1+X_c) - k M_c (1 + g4 C_{c+5})`` (synthesis by
    cells, mediator-driven degradation). Indices of C wrap modulo 12; depot = c mod 4.
    """
    g1 = p[_G0]
    g2 = p[_G0 + 1]
    g3 = p[_G0 + 2]
    g4 = p[_G0 + 3]
    for i in range(K40_DEPOTS):
        f[i] = -p[i] * y[i]
    for c in range(_NC):
        d = y[c % K40_DEPOTS]
        ci = _C0 + c
        cn = y[_C0 + (c + 1) % _NC]
        f[ci] = p[_S0 + ci] + g1 * d / (1.0 + d) + g2 * y[_X0 + c] / (1.0 + cn) - p[ci] * y[ci]
        cc = y[ci] * y[ci]
        xi = _X0 + c
        f[xi] = p[_S0 + xi] * (1.0 + g3 * cc / (1.0 + cc)) - p[xi] * y[xi]
        mi = _M0 + c
        x = y[xi]
        f[mi] = p[_S0 + mi] * x / (1.0 + x) - p[mi] * y[mi] * (1.0 + g4 * y[_C0 + (c + 5) % _NC])


@njit(cache=True)
def kinetics40_jac(t, y, p, J):
    """Analytic Jacobian of :func:`kinetics40_rhs`."""
    g1 = p[_G0]
    g2 = p[_G0 + 1]
    g3 = p[_G0 + 2]
    g4 = p[_G0 + 3]
    J[:, :] = 0.0
    for i in range(K40_DEPOTS):
        J[i, i] = -p[i]
    for c in range(_NC):
        di = c % K40_DEPOTS
        d = y[di]
        ci = _C0 + c
        cni = _C0 + (c + 1) % _NC
        cn = y[cni]
        xi = _X0 + c
        mi = _M0 + c
        cdi = _C0 + (c + 5) % _NC
        J[ci, di] += g1 / ((1.0 + d) * (1.0 + d))
        J[ci, xi] += g2 / (1.0 + cn)
        J[ci, cni] += -g2 * y[xi] / ((1.0 + cn) * (1.0 + cn))
        J[ci, ci] += -p[ci]
        cc = y[ci] * y[ci]
        J[xi, ci] += p[_S0 + xi] * g3 * 2.0 * y[ci] / ((1.0 + cc) * (1.0 + cc))
        J[xi, xi] += -p[xi]
        x = y[xi]
        J[mi, xi] += p[_S0 + mi] / ((1.0 + x) * (1.0 + x))
        J[mi, mi] += -p[mi] * (1.0 + g4 * y[cdi])
        J[mi, cdi] += -p[mi] * y[mi] * g4


def kinetics40_parameters(n_patients: int, seed: int = 0, spread: float = 0.2) -> np.ndarray:
    """Parameters ``float64[N, 84]``: log-normal (sd ``spread``) around the nominal rates.

    Nominal rates (1/day): depots 5, 1, 0.3, 0.1; mediators 2..50 (half-lives of 20 min to
    8 h); populations 0.02..0.5 (days to weeks); pools 1e-4..1e-2 (months to decades).
    Sources are set so the untreated steady state is O(1).
    """
    k = np.concatenate([[5.0, 1.0, 0.3, 0.1], np.geomspace(2.0, 50.0, _NC),
                        np.geomspace(0.02, 0.5, _NC), np.geomspace(1e-4, 1e-2, _NC)])
    s = np.concatenate([np.zeros(K40_DEPOTS), 0.5 * k[_C0:_X0], 0.7 * k[_X0:_M0],
                        2.0 * k[_M0:]])
    g = np.array([3.0, 1.0, 1.5, 0.5])
    nominal = np.concatenate([k, s, g])
    rng = np.random.default_rng(seed)
    factors = np.exp(spread * rng.standard_normal((n_patients, nominal.size)))
    return np.ascontiguousarray(nominal * factors)


def kinetics40_y0(n_patients: int) -> np.ndarray:
    """Initial states ``float64[N, 40]``: empty depots, all other states at 1."""
    y0 = np.ones((n_patients, K40_N))
    y0[:, :K40_DEPOTS] = 0.0
    return y0


def kinetics40_doses(n_patients: int, times=(0.0, 30.0, 120.0, 240.0), amount: float = 10.0):
    """Four dose events per patient: each adds ``amount`` to one depot (cycling over depots).

    Returns ``(ev_t[N, E], ev_idx[N, E, 1], ev_mul[N, E, 1], ev_add[N, E, 1])``.
    """
    E = len(times)
    ev_t = np.tile(np.asarray(times, dtype=float), (n_patients, 1))
    ev_idx = np.tile((np.arange(E) % K40_DEPOTS)[None, :, None], (n_patients, 1, 1))
    ev_mul = np.ones((n_patients, E, 1))
    ev_add = np.full((n_patients, E, 1), float(amount))
    return ev_t, ev_idx.astype(np.int64), ev_mul, ev_add
