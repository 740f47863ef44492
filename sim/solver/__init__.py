"""Stiff ODE integration for the knee model: Rodas4 in Numba, parallel over patients.

Public API::

    from sim.solver import SolverOptions, solve, solve_ensemble, solve_ensemble_chunked

See :mod:`sim.solver.ensemble` for the model-function contract and
:mod:`sim.solver.rosenbrock` for the method, event and caching conventions.
"""

from sim.solver.ensemble import EnsembleSolution, solve, solve_ensemble, solve_ensemble_chunked
from sim.solver.options import SolverOptions
from sim.solver.status import SolverInputError, Status, message, summarize

__all__ = [
    "EnsembleSolution",
    "SolverInputError",
    "SolverOptions",
    "Status",
    "message",
    "solve",
    "solve_ensemble",
    "solve_ensemble_chunked",
    "summarize",
]
