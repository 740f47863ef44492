"""Virtual-trial analysis: statistics as papers report them, over replicate trials.

Arrays are ``[replicate, patient]`` (patient axis last) with NaN for dropped-out patients;
see :mod:`sim.trial.statistics`.
"""

from sim.trial.statistics import (
    ArmComparison,
    ArmSummary,
    MeanDifference,
    PredictionInterval,
    StandardizedMeanDifference,
    StatisticsError,
    TestResult,
    arm_summary,
    change_from_baseline,
    compare_arms,
    hedges_g,
    mann_whitney_u_test,
    mcid_responder,
    mean_difference,
    nan_quantile,
    omeract_oarsi_responder,
    percent_change_from_baseline,
    prediction_interval,
    responder_rate,
    welch_t_test,
)

__all__ = [
    "ArmComparison",
    "ArmSummary",
    "MeanDifference",
    "PredictionInterval",
    "StandardizedMeanDifference",
    "StatisticsError",
    "TestResult",
    "arm_summary",
    "change_from_baseline",
    "compare_arms",
    "hedges_g",
    "mann_whitney_u_test",
    "mcid_responder",
    "mean_difference",
    "nan_quantile",
    "omeract_oarsi_responder",
    "percent_change_from_baseline",
    "prediction_interval",
    "responder_rate",
    "welch_t_test",
]
