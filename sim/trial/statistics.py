"""Trial statistics as papers report them, vectorised over replicate virtual trials.

The parts, each re-exported here (callers import from this module or :mod:`sim.trial`):

* :mod:`sim.trial.arm_statistics` -- one arm (summary, change from baseline), prediction
  intervals across replicate trials, and the input checks they all share.
* :mod:`sim.trial.arm_comparisons` -- two arms: mean difference, Hedges' g, Welch t test,
  Mann-Whitney U test.
* :mod:`sim.trial.responders` -- OMERACT-OARSI and MCID responders, responder rates.

Conventions
-----------
* Patient-level arrays have the patient axis **last**: ``[replicate, patient]`` (or any leading
  shape, or just ``[patient]`` for one trial). Statistics drop that axis, so a ``[R, P]`` input
  gives ``[R]`` outputs. Two arms may have different numbers of patients; their leading
  shapes must broadcast.
* ``NaN`` marks a patient without a value (dropped out). Every statistic is complete-case:
  NaN patients are ignored, and a statistic with too few patients is NaN (never a warning).
  Infinite values are rejected.
* Between-arm statistics are "arm ``a`` minus arm ``b``" (``b`` is the comparator), matching
  ``mean_difference_vs_control`` in the trial data.
* Everything is plain NumPy/SciPy, deterministic and independent of thread count.

References
----------
Welch BL. Biometrika 1947;34:28-35 (unequal-variance t test and df).
Hedges LV. J Educ Stat 1981;6:107-128 (small-sample correction of the SMD).
Borenstein M et al. Introduction to Meta-Analysis, Wiley 2009, ch. 4 (variance of g).
Mann HB, Whitney DR. Ann Math Stat 1947;18:50-60 (U test; tie correction as in scipy.stats).
Pham T et al. Osteoarthritis Cartilage 2004;12:389-399 (OMERACT-OARSI responder criteria).
Hyndman RJ, Fan Y. Am Stat 1996;50:361-365 (quantile definition 7, NumPy's default "linear").
"""

from __future__ import annotations

from sim.trial.arm_comparisons import (
    ArmComparison,
    MeanDifference,
    StandardizedMeanDifference,
    TestResult,
    compare_arms,
    hedges_g,
    mann_whitney_u_test,
    mean_difference,
    welch_t_test,
)
from sim.trial.arm_statistics import (
    ArmSummary,
    PredictionInterval,
    StatisticsError,
    arm_summary,
    change_from_baseline,
    nan_quantile,
    percent_change_from_baseline,
    prediction_interval,
)
from sim.trial.responders import mcid_responder, omeract_oarsi_responder, responder_rate

__all__ = [
    "StatisticsError",
    "ArmSummary",
    "MeanDifference",
    "StandardizedMeanDifference",
    "TestResult",
    "ArmComparison",
    "PredictionInterval",
    "nan_quantile",
    "arm_summary",
    "change_from_baseline",
    "percent_change_from_baseline",
    "mean_difference",
    "hedges_g",
    "welch_t_test",
    "mann_whitney_u_test",
    "compare_arms",
    "omeract_oarsi_responder",
    "mcid_responder",
    "responder_rate",
    "prediction_interval",
]
