"""Counter-based random numbers: a uniform draw is a pure function of its coordinates.

Every draw is ``hash(seed, step, agent id, purpose)`` through the SplitMix64 finaliser
(Steele, Lea & Flood 2014), so an agent's draws do not depend on thread scheduling, on the
position of the agent in the arrays, or on which other draws were made. Purposes name the
decision a draw serves; adding a purpose never changes existing streams.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["uniform", "hash64", "poisson", "stream", "draw", "PURPOSES"]

# Decision streams (never renumber: results depend on them).
P_DEATH, P_DIVIDE, P_DIFF, P_MOVE, P_DIR, P_DIV_TARGET, P_PRIORITY = 1, 2, 3, 4, 5, 6, 7
P_ARRIVAL_N, P_ARRIVAL_POS, P_ARRIVAL_ADH, P_INIT = 8, 9, 10, 11
PURPOSES = {"death": P_DEATH, "divide": P_DIVIDE, "differentiate": P_DIFF, "move": P_MOVE,
            "direction": P_DIR, "division_target": P_DIV_TARGET, "priority": P_PRIORITY,
            "arrival_count": P_ARRIVAL_N, "arrival_position": P_ARRIVAL_POS,
            "arrival_adhesion": P_ARRIVAL_ADH, "initial": P_INIT}

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def hash64(seed, step, agent, purpose):
    """64-bit hash of four integer coordinates.

    Parameters
    ----------
    seed, step, agent, purpose : int
        Run seed, step index, agent id (or another sub-stream index) and purpose code
        (:data:`PURPOSES`).

    Returns
    -------
    uint64
    """
    z = _mix(np.uint64(seed) + _GOLDEN)
    z = _mix(z ^ (np.uint64(step) + _GOLDEN))
    z = _mix(z ^ (np.uint64(agent) + _GOLDEN))
    return _mix(z ^ (np.uint64(purpose) + _GOLDEN))


@njit(cache=True)
def uniform(seed, step, agent, purpose):
    """Uniform draw in [0, 1) from the 53 high bits of :func:`hash64`.

    Parameters
    ----------
    seed, step, agent, purpose : int
        Coordinates of the draw (see :func:`hash64`).

    Returns
    -------
    float
    """
    return float(hash64(seed, step, agent, purpose) >> _S11) * _INV53


@njit(cache=True)
def poisson(mean, seed, step, agent, purpose):
    """Poisson draw by inversion (``mean`` < 30) or a rounded normal approximation.

    Parameters
    ----------
    mean : float
        Expected number of events (<= 0 gives 0).
    seed, step, agent, purpose : int
        Coordinates of the draw; the normal approximation also uses sub-stream ``agent + 1``.

    Returns
    -------
    int
        Number of events, >= 0.
    """
    if mean <= 0.0:
        return 0
    if mean < 30.0:
        u = uniform(seed, step, agent, purpose)
        k = 0
        p = np.exp(-mean)
        cdf = p
        while u > cdf and k < 1000:
            k += 1
            p *= mean / k
            cdf += p
        return k
    # Box-Muller from two draws; the error of the normal limit is < 1% in the tails here.
    u1 = uniform(seed, step, agent, purpose) + _INV53
    u2 = uniform(seed, step, agent + 1, purpose)
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    k = int(np.floor(mean + np.sqrt(mean) * z + 0.5))
    return k if k > 0 else 0


@njit(cache=True)
def stream(seed, step, agent):
    """Key of one agent's draws at one step; combine with a purpose in :func:`draw`.

    Costs three mixing rounds once, so each further draw of the agent costs one.

    Parameters
    ----------
    seed, step, agent : int
        Run seed, step index and agent id.

    Returns
    -------
    uint64
    """
    z = _mix(np.uint64(seed) + _GOLDEN)
    z = _mix(z ^ (np.uint64(step) + _GOLDEN))
    return _mix(z ^ (np.uint64(agent) + _GOLDEN))


@njit(cache=True)
def draw(key, purpose):
    """Uniform draw in [0, 1) for ``purpose`` from a :func:`stream` key.

    Equal to ``uniform(seed, step, agent, purpose)`` for ``key = stream(seed, step, agent)``.

    Parameters
    ----------
    key : uint64
        From :func:`stream`.
    purpose : int
        Purpose code (:data:`PURPOSES`).

    Returns
    -------
    float
    """
    return float(_mix(np.uint64(key) ^ (np.uint64(purpose) + _GOLDEN)) >> _S11) * _INV53
