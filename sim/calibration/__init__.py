"""Calibration of the knee model against the packaged trials, and out-of-sample validation.

>>> from sim.calibration import calibrated_parameters, validate
>>> calibrated_parameters()["immuno_m1_to_m2"]        # shipped estimate (package data)
>>> report = validate("arms.csv", "outcomes.csv")     # any files in the shared schema
>>> report.summary_line()

Pieces: :mod:`~sim.calibration.priors` (which parameters are calibrated, their box and prior,
the shipped estimate), :mod:`~sim.calibration.targets` (reported numbers and their SE),
:mod:`~sim.calibration.forward` (expected statistics from one batched simulation),
:mod:`~sim.calibration.errors` (hierarchical error model: study, arm and contextual random
effects, discrepancy per statistic class), :mod:`~sim.calibration.likelihood` (priors, likelihood),
:mod:`~sim.calibration.fit` (Nelder-Mead point estimate, resumable emcee posterior,
identifiability), :mod:`~sim.calibration.pipeline` (the whole run), and
:mod:`~sim.calibration.validation`.
"""

from sim.calibration.fit import Problem, identifiability, point_estimate, posterior_draws, run_mcmc
from sim.calibration.priors import (
    CALIBRATED,
    CalibratedParameter,
    CalibrationError,
    calibrated_parameters,
    calibrated_symptom_model,
    error_parameters,
    posterior_samples,
)
from sim.calibration.targets import Skipped, Target, build_targets
from sim.calibration.validation import ValidationReport, validate

__all__ = [
    "CALIBRATED", "CalibratedParameter", "CalibrationError", "Problem", "Skipped", "Target", "ValidationReport",
    "build_targets", "error_parameters", "calibrated_parameters", "calibrated_symptom_model",
    "identifiability", "point_estimate", "posterior_draws", "posterior_samples", "run_mcmc", "validate",
]
