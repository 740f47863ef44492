"""Log prior and log likelihood of the calibration (the hierarchical error model's front door).

For parameter rows ``theta`` (natural scale, float64[K, P]) the forward model gives each
target's expected statistic and contextual loading (:class:`sim.calibration.forward.Prediction`);
:class:`sim.calibration.errors.ErrorStructure` turns them, with the error parameters, into one
multivariate normal per study. The log likelihood is the sum over studies; the per-study terms
are what leave-one-study-out importance sampling needs.
"""

from __future__ import annotations

import numpy as np

from sim.calibration.errors import ErrorStructure
from sim.calibration.priors import error_parameters, prior_log_density

__all__ = ["study_log_likelihood", "log_prior"]


def study_log_likelihood(structure: ErrorStructure, mean: np.ndarray, context: np.ndarray, observed: np.ndarray,
                         theta: np.ndarray) -> np.ndarray:
    """float64[K, n_studies]: log likelihood of each study's rows; -inf where a prediction is NaN.

    Parameters
    ----------
    structure : ErrorStructure
        Error blocks of the targets.
    mean : float64 (K, n)
        Expected statistics of the n targets, each on its row's scale.
    context : float64 (K, n)
        Contextual loadings of the rows.
    observed : float64 (n,)
        Reported values.
    theta : float64 (K, P)
        Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`).
    """
    return structure.log_likelihood(mean, observed, error_parameters(theta), context)


def log_prior(log_theta: np.ndarray) -> np.ndarray:
    """float64[K]: log-normal priors where sourced, flat in log space otherwise, -inf outside the box.

    Parameters
    ----------
    log_theta : array_like (K, P) or (P,)
        Natural logarithms of the calibrated parameter rows.
    """
    return prior_log_density(log_theta)
