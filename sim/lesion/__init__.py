"""Agent-based model of a focal cartilage lesion treated with intra-articular MSCs.

Model: :class:`LesionParams` (parameter table), :class:`LesionGeometry` (lattice).
Regimen side: :class:`LesionDrivers` (joint-fluid levels, MSC influx, scaffold over time).
Simulation: :class:`LesionSimulation` / :func:`simulate_lesion`; coupling: :func:`run_coupled`
(joint -> lesion) and :func:`run_two_way` (both ways, :class:`TwoWayResult`).
Result: :class:`LesionResult`; its files are written and read by :mod:`sim.io.lesion_file`
(this package imports nothing from :mod:`sim.io`).
"""

from sim.lesion.config import ConfigError, run_from_config
from sim.lesion.coupling import CouplingSummary, drivers_from_joint, run_coupled
from sim.lesion.drivers import DriverError, LesionDrivers
from sim.lesion.fields import FieldSolver, StabilityError
from sim.lesion.geometry import GeometryError, LesionGeometry
from sim.lesion.lesion_parameters import CELL_KINDS, FIELD_NAMES, PARAMETERS, LesionParameterError, LesionParams
from sim.lesion.lesion_result import LesionResult
from sim.lesion.lesion_simulation import SERIES_NAMES, LesionSimulation, simulate_lesion
from sim.lesion.two_way import TwoWayError, TwoWayResult, run_two_way, split_vector

__all__ = ["CELL_KINDS", "FIELD_NAMES", "PARAMETERS", "SERIES_NAMES", "ConfigError",
           "CouplingSummary", "DriverError", "drivers_from_joint", "run_coupled",
           "run_from_config",
           "FieldSolver", "GeometryError", "LesionDrivers", "LesionGeometry",
           "LesionParameterError", "LesionParams", "LesionResult", "LesionSimulation",
           "StabilityError", "TwoWayError", "TwoWayResult", "run_two_way", "simulate_lesion",
           "split_vector"]
