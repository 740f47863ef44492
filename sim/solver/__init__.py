"""Stiff ODE integration: Rodas4 in Numba, parallel over patients, for any model with the contract below.

Generic: it knows nothing of the knee model, which :mod:`sim.engine` bundles for it.

Public API::

    from sim.solver import SolverOptions, solve, solve_ensemble, solve_ensemble_chunked

See :mod:`sim.solver.ensemble` for the model-function contract and
:mod:`sim.solver.rosenbrock` for the method and event conventions, and "Compilation caching" in
:mod:`sim.solver.ensemble`. With a model's lanes module and ``SolverOptions(lockstep=True)``,
groups of patients with equal dose times share their steps in SIMD lanes
(:mod:`sim.solver.lanes`, grouping in :mod:`sim.solver.lockstep`).
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
