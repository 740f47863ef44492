"""Observation models: what papers report, computed from the model state.

>>> from sim.observe import observe, MEASURES
>>> womac = observe(result, "WOMAC_total", scale=(0, 96))   # float64[N, T]
"""

from sim.observe.measures import MEASURES, Measure, observe, observe_all
from sim.observe.symptoms import SymptomModel

__all__ = ["MEASURES", "Measure", "SymptomModel", "observe", "observe_all"]
