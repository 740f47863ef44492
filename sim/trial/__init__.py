"""Virtual trials: specifications, batched runs, paper-style statistics, power.

Patients come from :func:`sim.population.sample_population`, the package's one sampler.

>>> from sim.trial import trial_from_study, run_trial, summarize
>>> spec = trial_from_study("LAMO2016")
>>> summary = summarize(run_trial(spec, replicates=50, seed=1))
>>> rows = summary.table()          # median and 95% prediction interval of every statistic

Arrays of patient-level statistics are ``[replicate, patient]`` with NaN for dropped-out
patients; see :mod:`sim.trial.statistics`.
"""

from sim.trial.power import PowerResult, power_analysis
from sim.trial.spec import Arm, Endpoint, ObservationSpec, TrialSpec, TrialSpecError
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
from sim.trial.studies import study_ids, trial_from_study
from sim.trial.summary import TrialSummary, summarize
from sim.trial.virtual_trial import TrialResult, dropout_mask, run_trial

__all__ = [
    "Arm", "ArmComparison", "ArmSummary", "Endpoint", "MeanDifference", "ObservationSpec",
    "PowerResult", "PredictionInterval", "StandardizedMeanDifference", "StatisticsError", "TestResult",
    "TrialResult", "TrialSpec", "TrialSpecError", "TrialSummary",
    "arm_summary", "change_from_baseline", "compare_arms", "dropout_mask", "hedges_g", "mann_whitney_u_test",
    "mcid_responder", "mean_difference", "nan_quantile", "omeract_oarsi_responder",
    "percent_change_from_baseline", "power_analysis", "prediction_interval", "responder_rate", "run_trial",
    "study_ids", "summarize", "trial_from_study", "welch_t_test",
]

