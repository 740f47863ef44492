"""Solver settings as one validated, immutable object."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from sim.solver.status import SolverInputError
from sim.solver.tableaus import TABLEAUS

__all__ = ["SolverOptions"]


@dataclass(frozen=True)
class SolverOptions:
    """Settings of the Rosenbrock integrator.

    Parameters
    ----------
    rtol : float
        Relative tolerance, in (1e-13, 1).
    atol : float or tuple of float
        Absolute tolerance(s) > 0, in the units of each state; a tuple gives one per state
        (length n). Arrays are accepted and stored as tuples.
    h_max : float
        Largest step (days); ``inf`` for no limit.
    h0 : float
        First step of every segment (days); 0 picks it automatically (recommended: the
        automatic choice adapts to the fast transients right after a dose).
    max_steps : int
        Attempted steps (accepted + rejected) allowed per patient over the whole horizon.
    method : str
        Rosenbrock method, one of :data:`sim.solver.tableaus.TABLEAUS` (``"rodas4"``).
    autonomous : bool
        True if ``rhs`` does not depend on ``t`` explicitly: saves one ``rhs`` call per step.
        False (default) is always correct.
    lockstep : bool
        Integrate groups of patients with the same dose times in SIMD lanes with one shared
        step size (:mod:`sim.solver.lanes`), where the model provides a lanes module and is
        autonomous. Every patient's local error then meets the tolerance at every step, as
        alone, but its digits below the tolerance depend on its group mates (fixed by their
        order, so results are the same for any thread count). False: every patient alone.
    """

    rtol: float = 1e-6
    atol: float | tuple[float, ...] = 1e-10
    h_max: float = math.inf
    h0: float = 0.0
    max_steps: int = 100_000
    method: str = "rodas4"
    autonomous: bool = False
    lockstep: bool = False

    def __post_init__(self) -> None:
        rtol = _as_float("rtol", self.rtol)
        if not (1e-13 < rtol < 1.0):
            raise SolverInputError(f"rtol: must lie in (1e-13, 1), got {rtol!r}")
        atol_arr = np.asarray(self.atol, dtype=float) if _is_numeric(self.atol) else None
        if atol_arr is None or atol_arr.ndim > 1 or atol_arr.size == 0:
            raise SolverInputError(
                f"atol: must be a positive number or a 1-D sequence of them, got {self.atol!r}")
        if not np.all(np.isfinite(atol_arr)) or np.any(atol_arr <= 0.0):
            raise SolverInputError("atol: every entry must be finite and > 0")
        atol = float(atol_arr) if atol_arr.ndim == 0 else tuple(float(v) for v in atol_arr)
        h_max = _as_float("h_max", self.h_max)
        if not h_max > 0.0:
            raise SolverInputError(f"h_max: must be > 0 (inf allowed), got {h_max!r}")
        h0 = _as_float("h0", self.h0)
        if not (math.isfinite(h0) and h0 >= 0.0):
            raise SolverInputError(f"h0: must be finite and >= 0 (0 = automatic), got {h0!r}")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, (int, np.integer)):
            raise SolverInputError(f"max_steps: must be an integer >= 1, got {self.max_steps!r}")
        if self.max_steps < 1:
            raise SolverInputError(f"max_steps: must be >= 1, got {self.max_steps!r}")
        if self.method not in TABLEAUS:
            raise SolverInputError(
                f"method: unknown method {self.method!r}; allowed: {sorted(TABLEAUS)}")
        if not isinstance(self.autonomous, (bool, np.bool_)):
            raise SolverInputError(f"autonomous: must be True or False, got {self.autonomous!r}")
        if not isinstance(self.lockstep, (bool, np.bool_)):
            raise SolverInputError(f"lockstep: must be True or False, got {self.lockstep!r}")
        for name, value in (("rtol", rtol), ("atol", atol), ("h_max", h_max), ("h0", h0),
                            ("max_steps", int(self.max_steps)),
                            ("autonomous", bool(self.autonomous)),
                            ("lockstep", bool(self.lockstep))):
            object.__setattr__(self, name, value)

    def replace(self, **changes) -> "SolverOptions":
        """Return a copy with ``changes`` applied (validated again); unknown names raise."""
        fields = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - fields)
        if unknown:
            raise SolverInputError(f"{unknown[0]}: not a solver option; allowed: {sorted(fields)}")
        return dataclasses.replace(self, **changes)

    def atol_vector(self, n: int) -> np.ndarray:
        """Absolute tolerances as ``float64[n]``; raises if a tuple has the wrong length."""
        if isinstance(self.atol, tuple):
            if len(self.atol) != n:
                raise SolverInputError(
                    f"atol: has {len(self.atol)} entries but the model has {n} states")
            return np.array(self.atol, dtype=np.float64)
        return np.full(n, self.atol, dtype=np.float64)


def _is_numeric(value) -> bool:
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, (str, bytes))


def _as_float(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise SolverInputError(f"{name}: must be a real number, got {value!r}")
    out = float(value)
    if math.isnan(out):
        raise SolverInputError(f"{name}: must not be NaN")
    return out
