"""Status codes returned per patient by the Numba integrator, and their human messages.

Kernels return plain integers (Numba cannot raise across ``prange``); the Python wrappers map
them to :class:`Status` and :func:`message`. A failed patient keeps its code in its row of the
result and NaN outputs from the failure onwards; the rest of the batch is unaffected.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Status", "message", "summarize", "SolverInputError"]


class SolverInputError(ValueError):
    """Invalid input to the solver; the message names the field and what is allowed."""


class Status(IntEnum):
    """Outcome of one patient's integration."""

    SUCCESS = 0
    MAX_STEPS = 1
    STEP_TOO_SMALL = 2
    NONFINITE = 3
    SINGULAR_MATRIX = 4
    MODEL_ERROR = 5
    NOT_RUN = 6


_MESSAGES = {
    Status.SUCCESS: "integration reached the last output time",
    Status.MAX_STEPS: "maximum number of steps (max_steps) reached before the last output time; "
    "raise max_steps or loosen rtol/atol",
    Status.STEP_TOO_SMALL: "step size fell below the round-off limit (problem too stiff for the "
    "tolerance, or a discontinuity inside the right-hand side)",
    Status.NONFINITE: "state or right-hand side became NaN/Inf and step reduction did not help "
    "(blow-up of the model for these parameters)",
    Status.SINGULAR_MATRIX: "iteration matrix I/(h*gamma) - J was singular at every step size tried",
    Status.MODEL_ERROR: "the model's rhs or jac returned a non-zero status code",
    Status.NOT_RUN: "patient not integrated",
}


def message(code: int) -> str:
    """Return the human-readable message for a status code (unknown codes say so)."""
    try:
        status = Status(int(code))
    except ValueError:
        return f"unknown solver status code {int(code)}"
    return f"{status.name}: {_MESSAGES[status]}"


def summarize(status: np.ndarray) -> dict[str, int]:
    """Count patients per status name, e.g. ``{"SUCCESS": 998, "NONFINITE": 2}``.

    Parameters
    ----------
    status : ndarray of int, shape (N,)
        Per-patient codes as returned by :func:`sim.solver.solve_ensemble`.
    """
    codes, counts = np.unique(np.asarray(status), return_counts=True)
    out: dict[str, int] = {}
    for code, count in zip(codes, counts):
        try:
            name = Status(int(code)).name
        except ValueError:
            name = f"UNKNOWN_{int(code)}"
        out[name] = int(count)
    return out
