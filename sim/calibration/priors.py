"""Which parameters are calibrated, their search box and prior, and the shipped estimate.

Calibrated (log space, inside a box): the effect sizes that carry the trial signal and that the
parameter table marks "to be calibrated" or "magnitude calibrated", three observation
parameters of :class:`~sim.observe.SymptomModel`, and the parameters of the hierarchical error
model (:mod:`sim.calibration.errors`). Every other parameter stays at its literature default
(``sim.model.parameters``). A parameter with a sourced prior has a log-normal prior (median,
SD of the log) inside the box; the others are uniform in log space.

The box is the parameter table's bounds intersected with [default / 30, default x 30]: about
1.5 decades either side of the prior guess, wide enough to move trial-scale effects by an
order of magnitude and narrow enough to keep every knee physiological (a first run with one
decade put two parameters on the box edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from sim.data.calibrated import packaged_calibration
from sim.model.parameters import PARAMETERS, parameter_index
from sim.observe import SymptomModel

__all__ = ["CalibratedParameter", "CALIBRATED", "CalibrationError", "calibrated_parameters",
           "calibrated_symptom_model", "error_parameters", "posterior_samples", "names", "box", "ERROR_NAMES",
           "prior_log_density"]


class CalibrationError(ValueError):
    """Bad calibration input; the message names the field and what is allowed."""


@dataclass(frozen=True)
class CalibratedParameter:
    """One calibrated quantity.

    ``kind`` is ``model`` (a row of ``sim.model.parameters``), ``symptom`` (a field of
    ``SymptomModel``) or ``error`` (a parameter of the hierarchical error model).
    """

    name: str
    kind: str
    default: float
    lower: float
    upper: float
    unit: str
    source: str
    prior_sd_log: float | None = None  #: SD of the log-normal prior around ``default``; None = uniform


_WIDTH = 30.0  #: half-width of the search box, as a factor around the default


def _model(name: str, why: str, width: float = _WIDTH, prior_sd_log=None) -> CalibratedParameter:
    q = PARAMETERS[parameter_index(name)]
    lo = max(q.lower, q.default / width)
    return CalibratedParameter(name, "model", q.default, lo, min(q.upper, q.default * width), q.unit, why,
                               prior_sd_log)


def _symptom(name: str, unit: str, why: str, width: float = _WIDTH, prior_sd_log=None) -> CalibratedParameter:
    d = float(getattr(SymptomModel(), name))
    # Capped at 100: a symptom coefficient beyond the whole VAS range is not physiological.
    return CalibratedParameter(name, "symptom", d, d / width, min(d * width, 100.0), unit, why, prior_sd_log)


def _error(name: str, default: float, lower: float, upper: float, unit: str, why: str,
           prior_sd_log: float = 1.0) -> CalibratedParameter:
    return CalibratedParameter(name, "error", default, lower, upper, unit, why, prior_sd_log)


#: The calibrated set, in parameter-vector order.
CALIBRATED: tuple[CalibratedParameter, ...] = (
    _symptom("placebo_max", "VAS mm", "contextual response at the reference entry pain; prior: IA saline "
             "improves VAS by 12.1 mm at 3 months (Saltzman 2017) and 13.4 mm up to 6 months (Previtali 2021)",
             width=4.0, prior_sd_log=0.35),
    _symptom("placebo_baseline_exponent", "1", "how the contextual response scales with entry pain; prior "
             "centred on proportionality (baseline pain predicts the placebo response, evidence.md s1.3)",
             width=10.0, prior_sd_log=0.7),
    _symptom("fluctuation_sd", "VAS mm", "within-patient pain fluctuation: with the entry threshold it sets "
             "regression to the mean (untreated and saline arms); prior around 12 mm (Parry 2017)",
             width=3.0, prior_sd_log=0.5),
    _symptom("per_pge2", "VAS mm per x healthy", "nociceptive-mediator weight of pain: every arm's pain level"),
    _symptom("function_structure_share", "1", "share of structure in function vs pain: WOMAC function and "
             "KOOS ADL baselines against the pain baselines of the same arms", width=2.5),
    _model("immuno_m1_to_m2", "MSC/EV immunomodulation gain: MSC arms vs control"),
    _model("K_secretome", "secretome half-saturation: MSC dose groups (LAMO2016, KUAH2018, LU2019)"),
    _model("ha_antiinflammatory", "HA anti-inflammatory effect: HA arms (PATEL2013, JOT2018, GEL200)"),
    _model("k_prp_msc_recruitment", "PRP-mobilised endogenous MSCs: PRP arms (PATEL2013, JOT2018, TAVASSOLI2019)"),
    _model("k_memory_training", "how fast pro-resolving signals lower the synovial set point: the size of "
           "the lasting MSC, PRP and HA effects at 6-24 months"),
    _model("half_life_synovial_memory", "how long a trained synovium stays quiet: the decline of the MSC and "
           "PRP effects between 6 and 24 months; prior: months (no direct measurement, evidence.md s2.3)",
           width=10.0, prior_sd_log=0.7),
    _error("delta_symptom", 0.03, 0.003, 0.3, "fraction of scale range",
           "structural discrepancy of symptom levels and changes (weak prior)"),
    _error("delta_percent", 0.05, 0.003, 0.5, "fraction of 100%",
           "structural discrepancy of percent changes and responder rates (weak prior)"),
    _error("delta_baseline", 0.08, 0.003, 0.5, "fraction of scale range",
           "structural discrepancy of entry levels predicted from another measure's baseline (weak prior)"),
    _error("sd_study", 0.05, 0.003, 0.4, "fraction of scale range",
           "trial deviation shared by all arms of a study (weak prior)"),
    _error("sd_arm", 0.03, 0.002, 0.3, "fraction of scale range",
           "arm deviation shared by its visits and subscales (weak prior)"),
    _error("tau_context", 0.49, 0.05, 2.0, "SD of log magnitude",
           "between-trial SD of the contextual magnitude; prior: 95% prediction interval of placebo-arm "
           "Hedges' g -0.30 to 1.63 gives tau about 0.49 (evidence.md s1.6)", prior_sd_log=0.5),
)

#: Error-model SDs kept fixed (fraction of the scale range): the packaged data have too few rows of
#: these classes to identify them (a handful of imaging/histology rows and three reported
#: between-arm differences); assumed values, half the size of the calibrated symptom discrepancy.
FIXED_ERRORS = {"delta_structure": 0.05, "delta_contrast": 0.02}

ERROR_NAMES = tuple(p.name for p in CALIBRATED if p.kind == "error") + tuple(FIXED_ERRORS)


def names() -> tuple[str, ...]:
    """Names of the calibrated parameters in :data:`CALIBRATED` order (the order of every theta vector)."""
    return tuple(p.name for p in CALIBRATED)


def box() -> tuple[np.ndarray, np.ndarray]:
    """Log-space lower and upper bounds, float64[P] each."""
    return (np.log([p.lower for p in CALIBRATED]), np.log([p.upper for p in CALIBRATED]))


def _packaged() -> dict:
    return packaged_calibration()


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


def error_parameters(theta: np.ndarray) -> dict[str, np.ndarray]:
    """Error-model parameters by name, float64[K] each, from natural-scale rows float64[K, P].

    Parameters
    ----------
    theta : array_like (K, P) or (P,)
        Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`).

    Returns
    -------
    dict of str to float64 (K,)
        Calibrated error parameters (their units in :data:`CALIBRATED`) and the fixed ones
        (:data:`FIXED_ERRORS`).
    """
    theta = np.atleast_2d(theta)
    out = {name: np.full(theta.shape[0], v) for name, v in FIXED_ERRORS.items()}
    out.update({p.name: theta[:, j] for j, p in enumerate(CALIBRATED) if p.kind == "error"})
    return out


def prior_log_density(log_theta: np.ndarray) -> np.ndarray:
    """float64[K]: log prior of log-parameter rows (log-normal where sourced, else flat; -inf outside the box).

    Parameters
    ----------
    log_theta : array_like (K, P) or (P,)
        Natural logarithms of the calibrated parameter rows.

    Returns
    -------
    float64 (K,)
        Up to a constant.
    """
    lo, hi = box()
    x = np.atleast_2d(log_theta)
    inside = np.all((x >= lo) & (x <= hi), axis=1)
    lp = np.zeros(x.shape[0])
    for j, p in enumerate(CALIBRATED):
        if p.prior_sd_log is not None:
            lp -= 0.5 * ((x[:, j] - np.log(p.default)) / p.prior_sd_log) ** 2
    return np.where(inside, lp, -np.inf)


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
    """float64[K, P] natural-scale values, validated against the box.

    Parameters
    ----------
    theta : array_like (K, P) or (P,)
        Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`).

    Returns
    -------
    float64 (K, P)

    Raises
    ------
    CalibrationError
        For a wrong number of columns, or a value outside its box (naming the parameter).
    """
    x = np.atleast_2d(np.asarray(theta, dtype=np.float64))
    if x.shape[1] != len(CALIBRATED):
        raise CalibrationError(f"theta: {x.shape[1]} columns; allowed: {len(CALIBRATED)} ({', '.join(names())})")
    for j, p in enumerate(CALIBRATED):
        col = x[:, j]
        if not np.all(np.isfinite(col)) or np.any(col < p.lower * (1 - 1e-9)) or np.any(col > p.upper * (1 + 1e-9)):
            raise CalibrationError(f"theta.{p.name}: values outside [{p.lower:g}, {p.upper:g}] ({p.unit})")
    return x
