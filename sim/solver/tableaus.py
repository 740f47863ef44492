"""Coefficient tables of the Rosenbrock methods offered by :mod:`sim.solver`.

Each method is stored in the *transformed* form of Hairer & Wanner (1996, Sect. IV.7, eq. 7.25)
that avoids a matrix-vector product with the Jacobian per stage. With ``W = I/(h*gamma) - J``
the stages solve::

    W u_i = f(t + alpha_i h, y + sum_{j<i} a_ij u_j) + sum_{j<i} (c_ij / h) u_j + h d_i f_t
    y_new = y + sum_i m_i u_i,    err = sum_i e_i u_i

and the dense output of order 3 on ``theta in [0, 1]`` is::

    y(theta) = (1 - theta) y + theta (y_new + (1 - theta) (H0 u + theta H1 u))

Sources
-------
Rodas4: E. Hairer and G. Wanner, *Solving Ordinary Differential Equations II*, 2nd ed., Springer
1996, Sect. VI.4; the coefficients of the authors' code ``rodas.f`` (subroutine
``ROCOE``, ``METH=1``), reproduced in OrdinaryDiffEq.jl (``Rodas4Tableau``). The test
``tests/solver/test_tableaus.py`` checks the classical order conditions (order 4, embedded
order 3, dense output order 3) to round-off, so a mistyped digit cannot pass unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Tableau", "TABLEAUS", "get_tableau"]


@dataclass(frozen=True)
class Tableau:
    """Transformed Rosenbrock coefficients (see module docstring).

    Attributes
    ----------
    name : str
        Method name as used in :class:`sim.solver.SolverOptions`.
    order : int
        Classical order of the propagated solution.
    error_order : int
        Order of the embedded solution; the step controller uses ``1 / (error_order + 1)``.
    gamma : float
        Diagonal coefficient of the method.
    a, c : ndarray, shape (s, s)
        Strictly lower-triangular stage coefficients.
    alpha : ndarray, shape (s,)
        Stage abscissae (fraction of the step).
    d : ndarray, shape (s,)
        Time-derivative coefficients (row sums of the original Gamma matrix).
    m : ndarray, shape (s,)
        Weights of the propagated solution.
    e : ndarray, shape (s,)
        Weights of the error estimate (propagated minus embedded solution).
    h : ndarray, shape (2, s)
        Dense-output coefficients ``H0`` and ``H1``.
    """

    name: str
    order: int
    error_order: int
    gamma: float
    a: np.ndarray
    c: np.ndarray
    alpha: np.ndarray
    d: np.ndarray
    m: np.ndarray
    e: np.ndarray
    h: np.ndarray

    @property
    def stages(self) -> int:
        """Number of stages ``s`` (one right-hand side evaluation and one solve each)."""
        return self.m.shape[0]

    def kernel_args(self) -> tuple:
        """The coefficients as the integrator takes them, as one tuple.

        ``(gamma, a, c, alpha, d, m, e, h, order, 1 / (error_order + 1))``: the ``tableau``
        argument of :func:`sim.solver.rosenbrock.integrate_patient`.
        """
        return (self.gamma, self.a, self.c, self.alpha, self.d, self.m, self.e, self.h,
                self.order, 1.0 / (self.error_order + 1))


def _rodas4() -> Tableau:
    s = 6
    a = np.zeros((s, s))
    c = np.zeros((s, s))
    a[1, 0] = 1.544
    a[2, 0], a[2, 1] = 0.9466785280815826, 0.2557011698983284
    a[3, 0], a[3, 1], a[3, 2] = 3.314825187068521, 2.896124015972201, 0.9986419139977817
    a[4, :4] = [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895]
    # Stiffly accurate: stage 6 starts from the stage-5 input plus u5, and y_new adds u6.
    a[5, :5] = [*a[4, :4], 1.0]
    c[1, 0] = -5.6688
    c[2, :2] = [-2.430093356833875, -0.2063599157091915]
    c[3, :3] = [-0.1073529058151375, -9.594562251023355, -20.47028614809616]
    c[4, :4] = [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616]
    c[5, :5] = [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.3193054312314,
                -6.058818238834054]
    alpha = np.array([0.0, 0.386, 0.21, 0.63, 1.0, 1.0])
    d = np.array([0.25, -0.1043, 0.1035, -0.0362, 0.0, 0.0])
    m = np.array([*a[4, :4], 1.0, 1.0])
    e = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    h = np.array([
        [10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823,
         1.025137723295662, 0.0],
        [-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386,
         -6.594389125716872, 0.0],
    ])
    return Tableau("rodas4", 4, 3, 0.25, a, c, alpha, d, m, e, h)


TABLEAUS: dict[str, Tableau] = {"rodas4": _rodas4()}


def get_tableau(name: str) -> Tableau:
    """Return the tableau called ``name``; raise ``ValueError`` listing the valid names."""
    try:
        return TABLEAUS[name]
    except KeyError:
        raise ValueError(
            f"method: unknown Rosenbrock method {name!r}; allowed: {sorted(TABLEAUS)}"
        ) from None
