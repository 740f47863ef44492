"""Jacobian sparsity: detect the pattern of a model by probing, group columns for finite differences.

A finite-difference Jacobian costs one ``rhs`` call per column. When columns ``j`` and ``k``
never feed the same output row, perturbing both at once and reading each row back gives both
columns from one call (Curtis, Powell & Reid 1974, J. Inst. Math. Appl. 13:117). Grouping the
columns of a sparse pattern this way is a colouring of its column-intersection graph; the
greedy largest-first order used here (Coleman & Moré 1983, SIAM J. Numer. Anal. 20:187) gives
about as many groups as the densest row has non-zeros.

The pattern must contain every entry that can ever be non-zero: an entry left out is not
merely dropped, it is added to the entry of another column of its group. :func:`detect_sparsity`
therefore takes the union over many random probes, and callers should probe states and
parameters more widely than the model is ever run (a superset only costs speed).
"""

from __future__ import annotations

import numpy as np

from sim.solver.status import SolverInputError

__all__ = ["detect_sparsity", "group_columns", "fd_groups", "dense_fd_groups"]


def detect_sparsity(rhs, y_samples, p_samples, *, t: float = 0.0,
                    rel_step: float = 1e-4) -> np.ndarray:
    """Structural sparsity of ``d rhs / d y`` as the union over probe points.

    Parameters
    ----------
    rhs : numba dispatcher
        Model right-hand side ``rhs(t, y, p, dydt)``.
    y_samples : array_like, shape (S, n)
        Probe states.
    p_samples : array_like, shape (S, m)
        Probe parameter vectors (one per probe state).
    t : float
        Time passed to ``rhs`` (days).
    rel_step : float
        Perturbation of ``y_j``: ``rel_step * max(|y_j|, 1)``; any change of ``dydt_i`` marks
        the entry ``(i, j)``. Probes where ``rhs`` is not finite are skipped.

    Returns
    -------
    bool[n, n]
        ``pattern[i, j]`` True where ``dydt_i`` depends on ``y_j``; the diagonal is always set
        (the iteration matrix needs it anyway).
    """
    ys = np.atleast_2d(np.asarray(y_samples, dtype=np.float64))
    ps = np.atleast_2d(np.asarray(p_samples, dtype=np.float64))
    if ys.shape[0] != ps.shape[0]:
        raise SolverInputError(
            f"p_samples: need one parameter vector per probe state ({ys.shape[0]}), got {ps.shape[0]}")
    n = ys.shape[1]
    pattern = np.eye(n, dtype=bool)
    f0 = np.empty(n)
    f1 = np.empty(n)
    for y, p in zip(ys, ps):
        y = np.ascontiguousarray(y)
        p = np.ascontiguousarray(p)
        rhs(t, y, p, f0)
        if not np.all(np.isfinite(f0)):
            continue
        for j in range(n):
            yj = y[j]
            y[j] = yj + rel_step * max(abs(yj), 1.0)
            rhs(t, y, p, f1)
            y[j] = yj
            if np.all(np.isfinite(f1)):
                pattern[:, j] |= f1 != f0
    return pattern


def group_columns(pattern) -> list[np.ndarray]:
    """Partition the columns of ``pattern`` into groups that share no row (greedy colouring).

    Parameters
    ----------
    pattern : bool[n, n]

    Returns
    -------
    list of int64 arrays
        Column indices of each group, in increasing order; deterministic for a given pattern.
    """
    pat = np.asarray(pattern, dtype=bool)
    if pat.ndim != 2 or pat.shape[0] != pat.shape[1]:
        raise SolverInputError(f"jac_sparsity: must be a square boolean matrix, got shape {pat.shape}")
    n = pat.shape[0]
    # Largest-first: columns with many non-zeros are hardest to place, so place them first.
    order = sorted(range(n), key=lambda j: (-int(pat[:, j].sum()), j))
    groups: list[list[int]] = []
    rows_used: list[np.ndarray] = []
    for j in order:
        for g, used in enumerate(rows_used):
            if not np.any(used & pat[:, j]):
                groups[g].append(j)
                used |= pat[:, j]
                break
        else:
            groups.append([j])
            rows_used.append(pat[:, j].copy())
    return [np.array(sorted(g), dtype=np.int64) for g in groups]


def fd_groups(pattern) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Solver arrays for a sparse finite-difference Jacobian.

    Returns
    -------
    group_ptr : int64[G + 1]; group_cols : int64[n]
        Columns of group ``g`` are ``group_cols[group_ptr[g]:group_ptr[g + 1]]``.
    col_ptr : int64[n + 1]; row_idx : int64[nnz]
        Compressed-column pattern: rows of column ``j`` are ``row_idx[col_ptr[j]:col_ptr[j + 1]]``.
    """
    pat = np.asarray(pattern, dtype=bool)
    groups = group_columns(pat)
    group_ptr = np.cumsum([0] + [g.size for g in groups]).astype(np.int64)
    group_cols = np.concatenate(groups).astype(np.int64)
    col_ptr = np.concatenate([[0], np.cumsum(pat.sum(axis=0))]).astype(np.int64)
    row_idx = np.concatenate([np.flatnonzero(pat[:, j]) for j in range(pat.shape[1])]).astype(np.int64)
    return group_ptr, group_cols, col_ptr, row_idx


def dense_fd_groups(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fd_groups` of a full pattern: one column per group, every row (plain dense FD)."""
    ar = np.arange(n, dtype=np.int64)
    return (np.arange(n + 1, dtype=np.int64), ar.copy(),
            np.arange(0, n * n + 1, n, dtype=np.int64), np.tile(ar, n))
