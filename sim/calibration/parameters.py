"""Which parameters are calibrated, their search box and prior, and the shipped estimate.

Calibrated (log space, uniform prior inside the box): the effect sizes that carry the trial
signal and that the parameter table marks "to be calibrated" or "magnitude calibrated", plus
two observation parameters of :class:`~sim.observe.SymptomModel` and the model-discrepancy
fraction. Every other parameter stays at its literature default (``sim.model.parameters``).

The box is the parameter table's bounds intersected with [default / 30, default x 30]: about
1.5 decades either side of the prior guess, wide enough to move trial-scale effects by an
order of magnitude and narrow enough to keep every knee physiological (a first run with one
decade put two parameters on the box edge).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from sim.model.parameters import PARAMETERS, parameter_index
from sim.observe import SymptomModel

__all__ = ["CalibratedParameter", "CALIBRATED", "CalibrationError", "calibrated_parameters",
           "calibrated_symptom_model", "calibrated_discrepancy", "posterior_samples", "names", "box"]


class CalibrationError(ValueError):
    """Bad calibration input; the message names the field and what is allowed."""


@dataclass(frozen=True)
class CalibratedParameter:
    """One calibrated quantity.

    ``kind`` is ``model`` (a row of ``sim.model.parameters``), ``symptom`` (a field of
    ``SymptomModel``) or ``discrepancy`` (model-discrepancy SD as a fraction of the scale range).
    """

    name: str
    kind: str
    default: float
    lower: float
    upper: float
    unit: str
    source: str


_WIDTH = 30.0  #: half-width of the search box, as a factor around the default


def _model(name: str, why: str) -> CalibratedParameter:
    q = PARAMETERS[parameter_index(name)]
    lo = max(q.lower, q.default / _WIDTH)
    return CalibratedParameter(name, "model", q.default, lo, min(q.upper, q.default * _WIDTH), q.unit, why)


def _symptom(name: str, unit: str, why: str) -> CalibratedParameter:
    d = float(getattr(SymptomModel(), name))
    # Capped at 100: a symptom coefficient beyond the whole VAS range is not physiological.
    return CalibratedParameter(name, "symptom", d, d / _WIDTH, min(d * _WIDTH, 100.0), unit, why)


#: The calibrated set, in parameter-vector order.
CALIBRATED: tuple[CalibratedParameter, ...] = (
    _symptom("placebo_max", "VAS mm", "contextual response: saline arms of the trials and pooled saline change"),
    _symptom("per_pge2", "VAS mm per x healthy", "nociceptive-mediator weight of pain: every arm's pain level"),
    _model("immuno_m1_to_m2", "MSC/EV immunomodulation gain: MSC arms vs control"),
    _model("K_secretome", "secretome half-saturation: MSC dose groups (LAMO2016, KUAH2018, LU2019)"),
    _model("ha_antiinflammatory", "HA anti-inflammatory effect: HA arms (PATEL2013, JOT2018, GEL200)"),
    _model("k_prp_msc_recruitment", "PRP-mobilised endogenous MSCs: PRP arms (PATEL2013, JOT2018, TAVASSOLI2019)"),
    CalibratedParameter("discrepancy", "discrepancy", 0.05, 0.005, 0.3, "fraction of scale range",
                        "model-discrepancy SD added to every row's sampling SE (estimated, so coverage is honest)"),
)


def names() -> tuple[str, ...]:
    return tuple(p.name for p in CALIBRATED)


def box() -> tuple[np.ndarray, np.ndarray]:
    """Log-space lower and upper bounds, float64[P] each."""
    return (np.log([p.lower for p in CALIBRATED]), np.log([p.upper for p in CALIBRATED]))


@lru_cache(maxsize=1)
def _packaged() -> dict:
    ref = resources.files("sim.data").joinpath("calibration/point_estimate.json")
    try:
        return json.loads(ref.read_text())
    except FileNotFoundError:
        return {}


def _estimate() -> dict[str, float]:
    values = {p.name: p.default for p in CALIBRATED}
    values.update({k: float(v) for k, v in _packaged().get("values", {}).items() if k in values})
    return values


def calibrated_parameters() -> dict[str, float]:
    """Calibrated values of the *model* parameters, ``{name: value}`` (package data).

    Falls back to the table defaults where no calibration is packaged. Pass to
    ``Patient(parameters=...)`` to run with the calibrated model.
    """
    est = _estimate()
    return {p.name: est[p.name] for p in CALIBRATED if p.kind == "model"}


def calibrated_symptom_model() -> SymptomModel:
    """``SymptomModel`` with the calibrated observation coefficients (package data)."""
    est = _estimate()
    return SymptomModel(**{p.name: est[p.name] for p in CALIBRATED if p.kind == "symptom"})


def calibrated_discrepancy() -> float:
    """Calibrated model-discrepancy SD, as a fraction of a measure's scale range."""
    return _estimate()["discrepancy"]


def posterior_samples() -> tuple[tuple[str, ...], np.ndarray]:
    """Packaged posterior draws: (names, float64[S, P] natural-scale values); S = 0 if none shipped."""
    from sim.io import read_tree

    ref = resources.files("sim.data").joinpath("calibration/posterior.h5")
    if not ref.is_file():
        return names(), np.empty((0, len(CALIBRATED)))
    tree = read_tree(str(ref))
    cols = tuple(str(s) for s in tree["names"])
    if cols != names():
        raise CalibrationError(f"posterior.h5: parameter names {cols} differ from the calibrated set {names()}")
    return cols, np.asarray(tree["samples"], dtype=np.float64)


def check_theta(theta) -> np.ndarray:
    """float64[K, P] natural-scale values, validated against the box."""
    x = np.atleast_2d(np.asarray(theta, dtype=np.float64))
    if x.shape[1] != len(CALIBRATED):
        raise CalibrationError(f"theta: {x.shape[1]} columns; allowed: {len(CALIBRATED)} ({', '.join(names())})")
    for j, p in enumerate(CALIBRATED):
        col = x[:, j]
        if not np.all(np.isfinite(col)) or np.any(col < p.lower * (1 - 1e-9)) or np.any(col > p.upper * (1 + 1e-9)):
            raise CalibrationError(f"theta.{p.name}: values outside [{p.lower:g}, {p.upper:g}] ({p.unit})")
    return x
