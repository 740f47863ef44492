"""Observation models: what papers report, computed from the model state.

>>> from sim.observe import observe, MEASURES
>>> womac = observe(result, "WOMAC_total", scale=(0, 96))   # float64[N, T]
>>> change_columns(womac, result.times, "WOMAC_total", [182])  # {"dWOMAC_total_day182": float64[N]}

:data:`MEASURES` is the package's one outcome vocabulary (name, native scale and unit, direction,
how changes are reported); trials, findings, calibration, sweeps and files name measures by it.
:data:`READOUTS` adds the cell-level read-outs that only the findings compare.
"""

from sim.observe.changes import change_columns, change_name, change_unit
from sim.observe.measures import (
    MEASURES,
    OBSERVED_STATES,
    READOUTS,
    Measure,
    find_measure,
    observe,
    observe_all,
    observe_states,
)
from sim.observe.symptoms import SymptomModel

__all__ = ["MEASURES", "OBSERVED_STATES", "READOUTS", "Measure", "SymptomModel", "change_columns", "change_name",
           "change_unit", "find_measure", "observe", "observe_all", "observe_states"]
