"""Measures for the findings: the observation models of :mod:`sim.observe` plus a few
cell-level read-outs that in-vitro/histology findings report (F17).
"""

from __future__ import annotations

import numpy as np

from sim.observe import MEASURES, observe


def _differentiated_fraction(result) -> np.ndarray:
    """Share of retained MSCs (adhered + differentiated) that have differentiated, float64[N, T]."""
    adh = result.state("msc_adhered")
    diff = result.state("msc_differentiated")
    total = adh + diff
    return np.where(total > 1e-9, diff / np.maximum(total, 1e-12), np.nan)


def _proliferation_per_cell(result) -> np.ndarray:
    """Proliferation rate per adhered MSC (1/day), float64[N, T]: the model's logistic term
    ``k_msc_proliferation * (1 - adhered / K_msc_niche)`` (rhs.py, injected MSCs).
    """
    k = result.parameter("k_msc_proliferation")[:, None]
    niche = result.parameter("K_msc_niche")[:, None]
    return k * np.clip(1.0 - result.state("msc_adhered") / niche, 0.0, None)


#: name -> (function of a Result giving float64[N, T], unit, description)
EXTRA_MEASURES = {
    "msc_differentiated_fraction": (_differentiated_fraction, "fraction",
                                    "Differentiated share of retained MSCs"),
    "msc_proliferation_per_cell": (_proliferation_per_cell, "1/day",
                                   "Proliferation rate per adhered MSC"),
}


def known_measures() -> tuple[str, ...]:
    """Names of every measure a relation may compare: :data:`sim.observe.MEASURES`, then :data:`EXTRA_MEASURES`."""
    return tuple(MEASURES) + tuple(EXTRA_MEASURES)


def measure_values(result, name: str, symptoms=None) -> np.ndarray:
    """Values of measure ``name`` for every patient and output time, float64[N, T].

    ``symptoms`` is the :class:`sim.observe.symptoms.SymptomModel` of the observation models
    (default: the calibrated one); cell-level read-outs ignore it.

    Parameters
    ----------
    result : sim.Result
        Simulated patients.
    name : str
        A measure of :data:`sim.observe.MEASURES` or :data:`EXTRA_MEASURES`.
    symptoms : SymptomModel, optional

    Returns
    -------
    float64 (N, T)
        In the measure's unit (:func:`measure_unit`).
    """
    if name in EXTRA_MEASURES:
        return EXTRA_MEASURES[name][0](result)
    return observe(result, name, symptoms=symptoms)


def measure_unit(name: str) -> str:
    """Unit of measure ``name`` (e.g. ``"points"``, ``"mm"``, ``"1/day"``), as tables and files print it.

    Parameters
    ----------
    name : str
        A measure of :func:`known_measures`.

    Returns
    -------
    str
    """
    return EXTRA_MEASURES[name][1] if name in EXTRA_MEASURES else MEASURES[name].unit
