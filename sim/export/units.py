"""SBML unit definitions for the unit strings of the state and parameter tables.

The tables give units as short text (``"1/day"``, ``"mL PRP"``, ``"x healthy level"``). This
module maps each to an SBML unit: physical units to definitions built from SI base units
(the model's time unit is the day), ratios and fractions (``"x healthy"``, ``"fraction of
capacity"``, ``"per unit M1"``) to ``dimensionless``. A qualifier after a physical unit names
what is counted (``"mL PRP"``, ``"ng/mL TGF-beta1 equivalent"``) and does not change the unit;
``"X per unit Y"`` divides by a dimensionless level and keeps the unit of ``X``. Text that
matches no rule maps to ``None``: the quantity is exported without units rather than with a
guessed one (its text is always kept in the element's notes).
"""

from __future__ import annotations

import re

#: Unit definitions: id -> ((SBML unit kind, exponent, scale, multiplier), ...), meaning
#: the product of ``(multiplier * 10**scale * kind) ** exponent``.
UNIT_DEFINITIONS: dict[str, tuple[tuple[str, float, int, float], ...]] = {
    "day": (("second", 1, 0, 86400.0),),
    "per_day": (("second", -1, 0, 86400.0),),
    "mL": (("litre", 1, -3, 1.0),),
    "mL_per_day": (("litre", 1, -3, 1.0), ("second", -1, 0, 86400.0)),
    "mg": (("gram", 1, -3, 1.0),),
    "ng_per_mL": (("gram", 1, -9, 1.0), ("litre", -1, -3, 1.0)),
    "million_cells": (("item", 1, 0, 1e6),),
    "million_cells_per_day": (("item", 1, 0, 1e6), ("second", -1, 0, 86400.0)),
    # secretome units (dimensionless) per day per million cells
    "per_day_per_million_cells": (("second", -1, 0, 86400.0), ("item", -1, 0, 1e6)),
}

_PHYSICAL = {
    "day": "day",
    "1/day": "per_day",
    "mL": "mL",
    "mL/day": "mL_per_day",
    "mg": "mg",
    "ng/mL": "ng_per_mL",
    "1e6 cells": "million_cells",
    "1e6 cells/day": "million_cells_per_day",
    "units/day per 1e6 cells": "per_day_per_million_cells",
}

_DIMENSIONLESS = re.compile(
    r"^(1|switch|units|secretome units|relative strength|fraction( .*)?|x( .*)?|fold .*|per unit .*|per fold .*)$")


def unit_id(text: str) -> str | None:
    """SBML unit id for a table's unit text: a key of :data:`UNIT_DEFINITIONS`,
    ``"dimensionless"``, or ``None`` when the text matches no rule.
    """
    text = " ".join(text.split())
    if text in _PHYSICAL:
        return _PHYSICAL[text]
    if " per unit " in text:
        head = text.split(" per unit ", 1)[0]
        if head in _PHYSICAL:
            return _PHYSICAL[head]
    if _DIMENSIONLESS.match(text):
        return "dimensionless"
    for head in sorted(_PHYSICAL, key=len, reverse=True):
        rest = text[len(head) + 1:] if text.startswith(head + " ") else None
        if rest and "/" not in rest and not rest.startswith("per "):
            return _PHYSICAL[head]
    return None
