"""Sparsity pattern of the knee model's Jacobian, for a grouped finite-difference Jacobian.

The knee model's 37 x 37 Jacobian has 233 structurally non-zero entries (17 %); its columns
fall into 17 groups that share no row (the densest row has 16 entries, a lower bound), so a
finite-difference Jacobian costs 17 ``rhs`` calls instead of 37, and the linear algebra runs
on a static sparse LU with 290 stored entries (see :mod:`sim.solver.sparsity` and
:func:`sim.solver.linalg.static_lu_plan`).

The pattern is detected, not hand-written, so it follows the equations in ``rhs.py`` when they
change. Probes: states drawn uniformly over ``[0, 3 x scale]`` (scale = max(|default|, 1), plus
dose-sized values for injected states) and parameters drawn around their defaults with every
zero switched on, so that branches inactive at the defaults still show their dependencies.
The seed is fixed: the pattern, and so every result, is the same in every process.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.model.parameters import PARAMETERS
from sim.model.rhs import rhs
from sim.model.states import STATES
from sim.solver.sparsity import detect_sparsity

__all__ = ["knee_sparsity", "N_PROBES"]

#: Number of random probe points whose union defines the pattern.
N_PROBES = 64
_SEED = 20240605


@lru_cache(maxsize=1)
def knee_sparsity() -> np.ndarray:
    """Structural sparsity of the knee model's Jacobian.

    Returns
    -------
    bool[37, 37]
        ``pattern[i, j]`` True where ``d(dydt_i)/dy_j`` can be non-zero. Read-only.
    """
    rng = np.random.default_rng(_SEED)
    n, m = len(STATES), len(PARAMETERS)
    # Injected states reach tens to thousands of their units; probe up to their upper bound's
    # order of magnitude but never past it (mediator bounds are 1e3 x healthy).
    scale = np.array([min(max(abs(s.default), 1.0) * 3.0, s.upper) for s in STATES])
    ys = rng.uniform(0.0, 1.0, (N_PROBES, n)) * scale
    ys[N_PROBES // 2:] *= 30.0 ** rng.uniform(-1.0, 1.0, (N_PROBES - N_PROBES // 2, n))
    p_def = np.array([q.default for q in PARAMETERS])
    lo = np.array([q.lower for q in PARAMETERS])
    hi = np.array([q.upper for q in PARAMETERS])
    ps = np.where(p_def != 0.0, p_def * rng.uniform(0.5, 1.5, (N_PROBES, m)),
                  rng.uniform(0.0, 1.0, (N_PROBES, m)) * np.minimum(hi, 1.0))
    ps = np.clip(ps, lo, hi)
    pattern = detect_sparsity(rhs, ys, ps)
    pattern.setflags(write=False)
    return pattern
