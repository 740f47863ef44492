"""Dense LU factorisation with (threshold) partial pivoting and triangular solves, in Numba.

Written out rather than calling LAPACK because the integrator runs inside ``prange`` loops where
each patient owns small (n ~ 40) matrices: SciPy cannot be called there and the overhead of
``np.linalg`` per step would dominate.

Row-major storage; exact zeros are skipped, which makes the sparse Jacobians of
compartment models cheaper without any sparse data structure. Every operation depends only on
the matrix, so results do not depend on threads or chunking.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["lu_factor", "lu_solve", "PIVOT_THRESHOLD"]

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
