"""The record type used to declare states and parameters once, as data."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """One state variable or parameter of the model.

    Attributes
    ----------
    name : str
        Identifier used everywhere (configs, HDF5 files, plots).
    default : float
        Default value (for states: the value in a healthy knee before any treatment).
    unit : str
        Physical unit; the model's time unit is the day.
    lower, upper : float
        Admissible range; values outside it are rejected with an error that names the field.
    description : str
        What the quantity is, in one sentence.
    source : str
        Where the default comes from: a row of ``sim/data/mechanisms/parameters.csv`` (written
        ``parameters.csv:<row name>``), a paper, or ``assumed: <reason>`` /
        ``to be calibrated: <reason>``.
    """

    name: str
    default: float
    unit: str
    lower: float
    upper: float
    description: str
    source: str

    def check(self, value: float, field: str | None = None) -> float:
        """Return ``value`` as float if finite and within bounds, else raise ``ValueError``."""
        label = field or self.name
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{label}: {value!r} is not a finite number")
        if not (self.lower <= value <= self.upper):
            raise ValueError(
                f"{label}: {value:g} is out of bounds; allowed [{self.lower:g}, {self.upper:g}] {self.unit}"
            )
        return value


def lookup(index: dict[str, int], name: str, kind: str) -> int:
    """Position of ``name`` in a table's ``index``; unknown names raise and list the valid ones."""
    try:
        return index[name]
    except KeyError:
        raise ValueError(f"unknown {kind} {name!r}; allowed: {', '.join(index)}") from None
