"""Regimens: what is injected when, parsed from and written to the trial-data regimen grammar,
and what each product does to the knee (:mod:`sim.regimen.products`).

>>> from sim.regimen import Regimen
>>> r = Regimen.parse("prp(ml=?,leukocyte=poor)@0;prp(ml=?,leukocyte=poor)@21")
>>> r.products, r.first_day, r.events[1].args["ml"] is None
(('prp',), 0.0, True)
"""

from sim.regimen.grammar import PRODUCTS, SOURCES, KeySpec, ProductSpec, RegimenError, format_number
from sim.regimen.products import DosePlan, Jump, plan_regimen
from sim.regimen.regimen import Args, DoseEvent, Regimen, format_regimen, parse_regimen

__all__ = [
    "Args",
    "DoseEvent",
    "DosePlan",
    "Jump",
    "KeySpec",
    "PRODUCTS",
    "ProductSpec",
    "Regimen",
    "RegimenError",
    "SOURCES",
    "format_number",
    "format_regimen",
    "parse_regimen",
    "plan_regimen",
]
