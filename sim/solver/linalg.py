"""Dense LU factorisation with (threshold) partial pivoting and triangular solves, in Numba.

Written out rather than calling LAPACK because the integrator runs inside ``prange`` loops where
each patient owns small (n ~ 40) matrices: SciPy cannot be called there and the overhead of
``np.linalg`` per step would dominate.

Row-major storage; exact zeros are skipped, which makes the sparse Jacobians of
compartment models cheaper without any sparse data structure. Every operation depends only on
the matrix, so results do not depend on threads or chunking.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numba import njit

__all__ = ["lu_factor", "lu_solve", "PIVOT_THRESHOLD", "pattern_hash", "static_lu_plan", "static_lu_factor",
           "static_lu_solve"]

# Threshold partial pivoting: keep the diagonal pivot unless it is smaller than this fraction of
# the largest entry below it. Sparse direct solvers do the same to preserve sparsity (KLU uses
# 1e-3, MA48 0.01; 1.0 is classical partial pivoting). 0.1 bounds the element growth per
# elimination step by 11 instead of 2, while the iteration matrix I/(h gamma) - J of
# decay-dominated kinetics almost always keeps its diagonal, so elimination creates little
# fill-in and the zero-skipping pays off.
PIVOT_THRESHOLD = 0.1


@njit(cache=True)
def lu_factor(a, piv, cols):
    """Factorise ``a`` in place as ``P a = L U`` (unit-diagonal ``L`` below, ``U`` on and above).

    Parameters
    ----------
    a : float64[n, n], C-contiguous
        Matrix, overwritten by its factors.
    piv : int64[n]
        Output: row ``k`` was swapped with row ``piv[k]`` at elimination step ``k``.
    cols : int64[n]
        Work array (column indices of the non-zeros of the current pivot row).

    Returns
    -------
    int
        0 on success, 1 if a pivot column is entirely zero or not finite.
    """
    n = a.shape[0]
    for k in range(n):
        p = k
        amax = abs(a[k, k])
        for i in range(k + 1, n):
            v = abs(a[i, k])
            if v > amax:
                amax = v
                p = i
        # amax != amax catches NaN; an infinite pivot would produce NaN multipliers.
        if amax == 0.0 or amax != amax or amax == np.inf:
            piv[k] = k
            return 1
        if abs(a[k, k]) >= PIVOT_THRESHOLD * amax:
            p = k
        piv[k] = p
        if p != k:
            for j in range(n):
                tmp = a[k, j]
                a[k, j] = a[p, j]
                a[p, j] = tmp
        ak = a[k]
        nnz = 0
        for j in range(k + 1, n):
            if ak[j] != 0.0:
                cols[nnz] = j
                nnz += 1
        if nnz == 0:
            for i in range(k + 1, n):
                a[i, k] /= ak[k]
            continue
        inv = 1.0 / ak[k]
        sparse = 3 * nnz < n - k - 1
        for i in range(k + 1, n):
            ai = a[i]
            lik = ai[k]
            if lik != 0.0:
                lik *= inv
                ai[k] = lik
                if sparse:
                    for q in range(nnz):
                        j = cols[q]
                        ai[j] -= lik * ak[j]
                else:
                    for j in range(k + 1, n):
                        ai[j] -= lik * ak[j]
    return 0


@njit(cache=True)
def lu_solve(lu, piv, b):
    """Solve ``A x = b`` in place given the factors from :func:`lu_factor`.

    Parameters
    ----------
    lu : float64[n, n]
        Factors from :func:`lu_factor`.
    piv : int64[n]
        Pivot indices from :func:`lu_factor`.
    b : float64[n]
        Right-hand side, overwritten by the solution ``x``.
    """
    n = lu.shape[0]
    for k in range(n):
        p = piv[k]
        if p != k:
            tmp = b[k]
            b[k] = b[p]
            b[p] = tmp
    # Column-oriented substitution: a zero entry of b skips a whole column of L or U.
    for j in range(n):
        bj = b[j]
        if bj != 0.0:
            for i in range(j + 1, n):
                b[i] -= lu[i, j] * bj
    for j in range(n - 1, -1, -1):
        bj = b[j] / lu[j, j]
        b[j] = bj
        if bj != 0.0:
            for i in range(j):
                b[i] -= lu[i, j] * bj


# --------------------------------------------------------------------------- static sparse LU
#
# For a model whose Jacobian pattern is known, the iteration matrix ``I/(h gamma) - J`` always has
# the same pattern, so the elimination order and the fill-in can be fixed once (a symbolic
# factorisation, as in KLU) and every step does only the numeric work on the precomputed
# non-zeros. Pivots stay on the (permuted) diagonal. Stability is checked by growth: the
# backward error of LU is bounded by |L||U| (Wilkinson), so
# every elimination term is compared with its row of the assembled matrix and the caller falls
# back to :func:`lu_factor` when one grows past ``STATIC_GROWTH_LIMIT`` (backward error then
# stays below ~n u 1e4 ~ 1e-11 of each row). A classical threshold test on the pivot would be
# wrong here: it is not invariant to the units of each equation (rows), and rejected most
# pivots of the knee model only because fast mediator equations have large entries.

#: Largest allowed elimination term |l_ik u_kj| relative to the largest entry of row i.
STATIC_GROWTH_LIMIT = 1e4


def static_lu_plan(pattern) -> tuple[np.ndarray, ...]:
    """Symbolic LU of ``I - J`` for the Jacobian pattern ``pattern`` (bool[n, n]).

    Ordering: Markowitz's rule restricted to diagonal pivots (pick the remaining pivot that
    minimises (row count - 1) x (column count - 1) of the active submatrix, ties by index),
    which keeps fill-in low (Markowitz 1957; Duff, Erisman & Reid, Direct Methods for Sparse
    Matrices, ch. 7). The numeric phase is then a fixed "program" over a compact value array
    (one slot per entry of ``L + U``), so every step runs straight loops over 1-D arrays.

    Returns
    -------
    tuple of 13 int64 arrays ``(perm, src, row, diag, l_ptr, l_pos, l_row, upd_ptr, upd_tgt,
    upd_u, u_ptr, u_pos, u_col)``
        ``perm[a]``: original index of permuted index ``a``. Slots hold the entries of L
        column by column, then those of U row by row, then the pivots, so that
        ``l_pos[e] == e`` and ``u_pos[e] == l_ptr[n] + e`` (the solve relies on it). Per value
        slot ``q``: ``src[q]``
        flat index of its entry in the (unpermuted) ``J``; ``row[q]`` its permuted row.
        ``diag[k]``: slot of pivot ``k``. L entries of column ``k``: slots
        ``l_pos[l_ptr[k]:l_ptr[k + 1]]`` in rows ``l_row[...]``; for L entry ``e`` the updates
        ``val[upd_tgt[t]] -= l * val[upd_u[t]]``, ``t`` in ``upd_ptr[e]:upd_ptr[e + 1]``.
        U entries of row ``k`` (right of the diagonal): slots ``u_pos[u_ptr[k]:u_ptr[k + 1]]``
        in columns ``u_col[...]``.
    """
    pat = np.asarray(pattern, dtype=bool) | np.eye(len(pattern), dtype=bool)
    n = pat.shape[0]
    active = pat.copy()
    remaining = list(range(n))
    perm = []
    while remaining:
        sub = active[np.ix_(remaining, remaining)]
        cost = (sub.sum(axis=1) - 1) * (sub.sum(axis=0) - 1)
        k = remaining[int(np.argmin(cost))]
        rows = [i for i in remaining if i != k and active[i, k]]
        cols = [j for j in remaining if j != k and active[k, j]]
        for i in rows:
            active[i, cols] = True  # fill-in created by eliminating pivot k
        perm.append(k)
        remaining.remove(k)
    perm = np.array(perm, dtype=np.int64)
    lu = active[np.ix_(perm, perm)]
    # Slot order: L by columns, then U by rows, then the pivots. The triangular solves (six per
    # step against one factorisation) then stream through the values in storage order.
    low = [(i, k) for k in range(n) for i in range(k + 1, n) if lu[i, k]]
    up = [(k, j) for k in range(n) for j in range(k + 1, n) if lu[k, j]]
    rr, cc = np.array(low + up + [(k, k) for k in range(n)], dtype=np.int64).reshape(-1, 2).T
    slot = -np.ones((n, n), dtype=np.int64)
    slot[rr, cc] = np.arange(rr.size)
    src = perm[rr] * n + perm[cc]
    l_pos, l_row, l_ptr, upd_ptr, upd_tgt, upd_u = [], [], [0], [0], [], []
    u_pos, u_col, u_ptr = [], [], [0]
    for k in range(n):
        ucols = [j for j in range(k + 1, n) if lu[k, j]]
        u_pos += [slot[k, j] for j in ucols]
        u_col += ucols
        u_ptr.append(len(u_pos))
        for i in range(k + 1, n):
            if lu[i, k]:
                l_pos.append(slot[i, k])
                l_row.append(i)
                upd_tgt += [slot[i, j] for j in ucols]
                upd_u += [slot[k, j] for j in ucols]
                upd_ptr.append(len(upd_tgt))
        l_ptr.append(len(l_pos))
    as_i = lambda x: np.asarray(x, dtype=np.int64)  # noqa: E731
    return (perm, src.astype(np.int64), rr.astype(np.int64), as_i(slot[np.arange(n), np.arange(n)]),
            as_i(l_ptr), as_i(l_pos), as_i(l_row), as_i(upd_ptr), as_i(upd_tgt), as_i(upd_u),
            as_i(u_ptr), as_i(u_pos), as_i(u_col))


@njit(cache=True)
def static_lu_factor(jac, diag, plan, val, rs):
    """Assemble ``P (diag I - jac) P^T`` on the planned pattern and factorise it.

    Parameters
    ----------
    jac : float64[n, n], C-contiguous
        Jacobian; entries outside the pattern the plan was built from must be zero.
    diag : float
        ``1 / (h gamma)``.
    plan : tuple from :func:`static_lu_plan`
    val : float64[>= nnz(L + U) + n]
        Output: the factors, one value per planned slot, then the ``n`` reciprocal pivots
        (the solve multiplies by them: divisions sit on its critical path).
    rs : float64[n]
        Work array (row growth limits).

    Returns
    -------
    int
        0 on success; 1 if a pivot is zero or not finite, or if an elimination term
        ``|l_ik u_kj|`` exceeds ``STATIC_GROWTH_LIMIT`` times the largest entry of row ``i``
        of the assembled matrix: then use :func:`lu_factor` instead.
    """
    (perm, src, row, dpos, l_ptr, l_pos, l_row, upd_ptr, upd_tgt, upd_u,
     u_ptr, u_pos, u_col) = plan
    n = perm.shape[0]
    jf = jac.reshape(n * n)
    for a in range(n):
        rs[a] = 0.0
    for q in range(src.shape[0]):
        v = -jf[src[q]]
        val[q] = v
        a = row[q]
        rs[a] = max(rs[a], abs(v))
    for k in range(n):
        val[dpos[k]] += diag
        rs[k] = max(rs[k], abs(val[dpos[k]]))
    for a in range(n):
        if rs[a] == 0.0 or not np.isfinite(rs[a]):
            return 1
        rs[a] *= STATIC_GROWTH_LIMIT
    nnz = src.shape[0]
    for k in range(n):
        pk = val[dpos[k]]
        if pk == 0.0 or not np.isfinite(pk):
            return 1
        rpk = 1.0 / pk
        val[nnz + k] = rpk
        for e in range(l_ptr[k], l_ptr[k + 1]):
            lik = val[l_pos[e]] * rpk  # a multiplication: divisions are several times slower
            val[l_pos[e]] = lik
            lim = rs[l_row[e]]
            for t in range(upd_ptr[e], upd_ptr[e + 1]):
                d = lik * val[upd_u[t]]
                # |L||U| bounds the backward error (Wilkinson); reject growth, not small pivots.
                if not abs(d) <= lim:
                    return 1
                val[upd_tgt[t]] -= d
    return 0


@njit(cache=True)
def static_lu_solve(val, plan, b, x):
    """Solve ``(diag I - jac) y = b`` in place in ``b`` from :func:`static_lu_factor`'s factors.

    ``x`` : float64[n] work array.
    """
    (perm, src, row, dpos, l_ptr, l_pos, l_row, upd_ptr, upd_tgt, upd_u,
     u_ptr, u_pos, u_col) = plan
    n = perm.shape[0]
    nnz = src.shape[0]
    n_low = l_ptr[n]  # L values sit in slots 0..n_low-1 and U values follow (static_lu_plan)
    for a in range(n):
        x[a] = b[perm[a]]
    for k in range(n):
        xk = x[k]
        if xk != 0.0:
            for e in range(l_ptr[k], l_ptr[k + 1]):
                x[l_row[e]] -= val[e] * xk
    for k in range(n - 1, -1, -1):
        acc = x[k]
        for e in range(u_ptr[k], u_ptr[k + 1]):
            acc -= val[n_low + e] * x[u_col[e]]
        x[k] = acc * val[nnz + k]
    for a in range(n):
        b[perm[a]] = x[a]


def pattern_hash(pattern: np.ndarray) -> str:
    """Short hash of a boolean pattern (shape and entries; hex, 16 characters).

    A generated sparse LU records the hash of the pattern it was generated for
    (``PATTERN_HASH``); the solver compares it with the Jacobian pattern it is given.
    """
    pat = np.asarray(pattern, dtype=bool)
    data = np.packbits(pat).tobytes() + repr(pat.shape).encode()
    return hashlib.sha256(data).hexdigest()[:16]
