"""Reported numbers as calibration/validation targets, with their sampling error.

Each scorable row of ``outcomes.csv`` (and, as weaker constraints, of ``pooled.csv``) becomes a
:class:`Target`: the same statistic of a simulated arm (a *cohort*: inclusion profile x regimen)
compared with the reported value on the reported scale. Rows that cannot be scored are returned
as :class:`Skipped` with the reason, never dropped.

Documented choices
------------------
* Scales are kept as reported; simulated values are converted linearly to the row's scale
  (``sim.observe``). A row without a stated scale uses the measure's native scale, except VAS
  pain whose reported levels of that arm all lie within 0-10 (read as 0-10 cm, as the data
  compilers inferred from magnitude elsewhere). Where an arm
  reports a level with ``higher_is_better`` opposite to the measure's direction (WOMAC 0-100
  with 100 = best), the scale is reversed (``lo + hi - x``).
* Arm baselines come from the reported baselines: a follow-up ``mean``/``median`` of an arm that
  reports the same statistic at day 0 is predicted as reported baseline + simulated change.
  Baseline rows themselves are inputs and are listed as skipped ("baseline used as anchor").
* Sampling SE: ``n`` is the row's ``n``, else the arm's ``n_arm``, else :data:`DEFAULT_N`. SD is
  converted from SD/SE/IQR/CI95 (``sim.data.spread_to_sd``); where no spread is reported the
  patient SD is :data:`ASSUMED_SD_FRACTION` of the scale range. SE of a mean = SD / sqrt(n);
  of a median = 1.2533 SD / sqrt(n) (normal asymptotics); of a between-arm difference the
  CI95 width / 3.92, or SD x sqrt(2 / n).
* Virtual patients are matched to each arm's entry pain: one reported baseline per arm (the
  first of :data:`MATCHING_MEASURES` the arm reports at day 0, else the study's, else
  :data:`DEFAULT_ENTRY_PAIN`) is the :class:`Baseline` of its cohort (see
  :mod:`sim.calibration.forward`); that row is an input and is skipped. Every *other* baseline
  row is scored as a prediction of the arm's level at entry on that measure.
* Responder rates ``responder_rate_<measure>_<k>pct`` (percent of patients improving by at least
  k% of their baseline) are scored where ``<measure>`` has an observation model.
* Measure aliases (:data:`MEASURE_ALIASES`): a bilateral trial's per-knee VAS is VAS pain; a
  review's "unspecified" KOOS/WOMAC baseline is read as the pain subscale (the review column is
  "baseline pain score") on a 0-100 scale, with an extra scale-uncertainty SD of
  :data:`ALIAS_SCALE_UNCERTAINTY` of the range added to its sampling SE.
* Rows without a timepoint are scored at the study's stated follow-up (parsed from the arms
  file: "2-year follow-up", "follow-up about 2 years", ...); without one they are skipped.
* Pooled estimates (``MD`` and ``mean_change_from_baseline`` with a CI, measure known to
  ``sim.observe``) compare standard regimens (:data:`POOLED_REGIMENS`) on a KL 2-3 population
  at the stated day (midpoint of a window; :data:`POOLED_DAY` where none); their SE is the CI
  width / 3.92 times :data:`POOLED_SE_INFLATION` (weaker: heterogeneous, mixed controls).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sim.data.conversions import spread_to_sd
from sim.evidence import ArmRow, OutcomeRow, study_kl_range, study_mean_age
from sim.observe import MEASURES

__all__ = ["Target", "Skipped", "Cohort", "Baseline", "build_targets", "MATCHING_MEASURES", "MEASURE_ALIASES",
           "DEFAULT_ENTRY_PAIN", "study_follow_up", "DEFAULT_N", "ASSUMED_SD_FRACTION",
           "POOLED_REGIMENS", "POOLED_DAY", "POOLED_SE_INFLATION", "SCORED_STATISTICS"]

DEFAULT_N = 20  #: patients per arm where neither the row nor the arm states n (as sim.trial.studies)
ASSUMED_SD_FRACTION = 0.2  #: patient SD / scale range where no spread is reported (typical of PROMs)
ASSUMED_PCT_SD = 40.0  #: patient SD of a % change where no spread is reported [%] (assumed)
MEDIAN_SE_FACTOR = math.sqrt(math.pi / 2.0)
POOLED_DAY = 182.0  #: pooled estimates without a timepoint: the usual 6-month primary endpoint
POOLED_SE_INFLATION = 2.0
#: Standard regimens for the arms of pooled comparisons (typical amounts of sim.regimen.products).
POOLED_REGIMENS = {
    "msc": "msc(cells=4e7,source=ad,allogeneic=0)@0",
    "ha": "ha(mg=30,form=unknown)@0",
    "prp": "prp(ml=5,leukocyte=unknown)@0",
    "steroid": "steroid(mg=40,drug=triamcinolone)@0",
    "saline": "saline(ml=4)@0", "placebo": "saline(ml=4)@0", "sham": "saline(ml=4)@0",
    "control": "saline(ml=4)@0",
}
SCORED_STATISTICS = ("mean", "median", "mean_change_from_baseline", "median_change_from_baseline",
                     "mean_difference_vs_control", "mean_pct_change_from_baseline", "median_pct_improvement",
                     "responder_pct")
#: Measures whose baseline matches the virtual patients' entry pain, in order of preference
#: (pain scales first: the entry criteria of knee-OA trials are pain thresholds).
MATCHING_MEASURES = ("VAS_pain", "NRS_pain", "WOMAC_pain", "KOOS_pain", "WOMAC_total", "WOMAC_function",
                     "KOOS_symptoms", "KOOS_ADL", "Lysholm", "IKDC")
#: Entry pain of a cohort with no reported baseline [VAS mm] (assumed: knee-OA injection trials
#: enrol at VAS >= 40 mm and report mean baselines of 50-70 mm).
DEFAULT_ENTRY_PAIN = 60.0
#: Reported measure -> (measure with an observation model, default scale when unstated).
MEASURE_ALIASES = {
    "VAS_pain_left_knee": ("VAS_pain", None), "VAS_pain_right_knee": ("VAS_pain", None),
    "KOOS_unspecified": ("KOOS_pain", (0.0, 100.0)), "WOMAC_unspecified": ("WOMAC_pain", (0.0, 100.0)),
}
#: Extra SD (fraction of the scale range) of a row whose subscale was inferred (assumed).
ALIAS_SCALE_UNCERTAINTY = 0.10
_UNSPECIFIED = ("KOOS_unspecified", "WOMAC_unspecified")
#: Why reported measures without an observation model stay unscored.
NOT_MODELLED = {
    "XR_JSW": "radiographic joint-space width: the source's unit and sign convention are unclear (see its notes)",
    "AQoL4D": "health utility: no mapping from knee symptoms to a utility score is sourced",
    "MRI_cartilage_volume_lateral_tibial": "compartment volume in mm^3: the joint-scale model has no anatomy",
    "MRI_cartilage_volume_medial_tibial": "compartment volume in mm^3: the joint-scale model has no anatomy",
    "MRI_cartilage_volume_patella": "compartment volume in mm^3: the joint-scale model has no anatomy",
    "responder_rate_meniscal_volume_gt15pct": "meniscal volume: the model has no meniscus",
    "fibrocartilage_fraction": "tissue-area share of a focal defect: the joint-scale model has no defect geometry",
    "hyaline_fraction": "tissue-area share of a focal defect: the joint-scale model has no defect geometry",
    "cartilage_coverage": "arthroscopic coverage of a defect: the joint-scale model has no defect geometry",
    "lameness_score": "animal gait score: no observation model for gait",
    "Tegner": "activity level: not a symptom or structure index of the model",
    "XR_OA_score_Innes": "radiographic animal OA score: no observation model",
}
_RESPONDER = re.compile(r"^responder_rate_(?P<measure>.+)_(?P<pct>\d+(?:\.\d+)?)pct$")
_FOLLOW_UP = (re.compile(r"(\d+(?:\.\d+)?)[- ](year|month|week)s?[- ]follow[- ]up"),
              re.compile(r"follow[- ]up (?:of |about |approximately )?(\d+(?:\.\d+)?)[- ](year|month|week)s?"))
_DAYS_PER = {"year": 365.0, "month": 30.4375, "week": 7.0}


@dataclass(frozen=True)
class Baseline:
    """A reported entry level that the cohort's virtual patients are matched to.

    ``value`` is on ``scale`` (reversed when ``reverse``); ``measure`` has an observation model.
    ``None`` as a cohort's baseline means :data:`DEFAULT_ENTRY_PAIN` on the VAS.
    """

    measure: str
    scale: tuple[float, float]
    reverse: bool
    value: float


def study_follow_up(arms_of_study) -> float | None:
    """The study's stated follow-up [day], parsed from the arms' population or notes; None if none.

    Parameters
    ----------
    arms_of_study : iterable of ArmRow
        The study's rows of ``arms.csv``.

    Returns
    -------
    float or None
        Days.
    """
    for a in arms_of_study:
        for text in (a.population, a.notes):
            for rx in _FOLLOW_UP:
                m = rx.search(text or "")
                if m:
                    return float(m.group(1)) * _DAYS_PER[m.group(2)]
    return None


@dataclass(frozen=True)
class Cohort:
    """A simulated arm: inclusion profile and regimen (patients are shared within a ``study``)."""

    study: str
    species: str
    kl_grades: tuple[int, ...]
    age_mean: float
    regimen: str
    baseline: Baseline | None = None


@dataclass(frozen=True)
class Target:
    """One reported number and how to compute it from simulated cohorts.

    ``cohort``/``control`` index the cohort list of :func:`build_targets`; ``anchor`` is the
    reported baseline of the same statistic (or None); ``se`` the sampling SE on the row's scale;
    ``span`` the range that the discrepancy fraction multiplies (the scale range; 100 for % statistics).
    """

    key: str
    source: str
    study: str
    arm_id: str
    vs_arm_id: str | None
    measure: str
    scale: tuple[float, float]
    reverse: bool
    day: float
    statistic: str
    observed: float
    se: float
    span: float
    cohort: int
    control: int | None
    anchor: float | None
    threshold: float | None = None  #: responder rows: least improvement, as a fraction of baseline


@dataclass(frozen=True)
class Skipped:
    """A reported row left out of the calibration targets, with the reason.

    Attributes
    ----------
    key : str
        The row's file and line, e.g. ``"outcomes.csv row 12"`` (as :attr:`Target.key`).
    arm_id : str
        The row's arm (the study for rows of ``pooled.csv``).
    measure, statistic : str
        The row's measure and statistic as reported.
    reason : str
        Why it cannot be a target.
    """

    key: str
    arm_id: str
    measure: str
    statistic: str
    reason: str


def _scale(measure: str, row_scale) -> tuple[float, float]:
    if row_scale is not None:
        return (float(row_scale[0]), float(row_scale[1]))
    lo, hi = MEASURES[measure].native_scale
    return (float(lo), float(hi))


def _study_cohort(arm: ArmRow, arms_of_study, baseline: Baseline | None = None) -> Cohort:
    kl = study_kl_range(arms_of_study)
    grades = tuple(range(kl[0], kl[1] + 1)) if kl else (2, 3)
    age = study_mean_age(arms_of_study)
    age = min(max(age, 40.0), 80.0) if age is not None else 60.0
    return Cohort(arm.study_id, arm.species, grades, round(age, 3), str(arm.regimen),
                  baseline if arm.species == "human" else None)


def _resolve(row: OutcomeRow) -> tuple[str, float | None, tuple | None]:
    """(measure with an observation model or the reported one, responder threshold, default scale)."""
    m = _RESPONDER.match(row.measure)
    if m and m.group("measure") in MEASURES:
        return m.group("measure"), float(m.group("pct")) / 100.0, None
    if row.measure in MEASURE_ALIASES:
        name, scale = MEASURE_ALIASES[row.measure]
        return name, None, scale
    return row.measure, None, None


def _row_se(row: OutcomeRow, n: int, span: float) -> float:
    pct = row.statistic in ("mean_pct_change_from_baseline", "median_pct_improvement")
    if row.statistic == "mean_difference_vs_control":
        if row.spread_type == "CI95":
            return abs(row.spread[1] - row.spread[0]) / 3.92
        if row.spread_type == "SE":
            return row.spread[0]
        sd = row.spread[0] if row.spread_type == "SD" else ASSUMED_SD_FRACTION * span
        return sd * math.sqrt(2.0 / n)
    sd = spread_to_sd(row, n)
    if sd is None or not math.isfinite(sd):
        sd = ASSUMED_PCT_SD if pct else ASSUMED_SD_FRACTION * span
    factor = MEDIAN_SE_FACTOR if row.statistic.startswith("median") else 1.0
    return factor * sd / math.sqrt(n)


def build_targets(arms, outcomes, pooled=(), *, file: str = "outcomes.csv"):
    """Targets, skipped rows and cohorts from loaded rows.

    Parameters
    ----------
    arms : sequence of ArmRow
    outcomes : sequence of OutcomeRow
    pooled : sequence of PooledRow, optional
        Meta-analytic estimates (weaker constraints); empty for validation on new files.
    file : str
        Name used in row keys (``"<file> row <k>"``, spreadsheet numbering: first data row = 2).

    Returns
    -------
    targets : list of Target
    skipped : list of Skipped
    cohorts : list of Cohort
    """
    arm_by_id = {a.arm_id: a for a in arms}
    by_study: dict[str, list[ArmRow]] = {}
    for a in arms:
        by_study.setdefault(a.study_id, []).append(a)
    cohorts: list[Cohort] = []
    index: dict[Cohort, int] = {}

    def cohort_of(c: Cohort) -> int:
        if c not in index:
            index[c] = len(cohorts)
            cohorts.append(c)
        return index[c]

    resolved = [_resolve(r) for r in outcomes]
    # Reversed scales and reported baselines, per arm x measure x scale (x statistic).
    reverse, anchors = {}, {}
    for r, (measure, thr, _) in zip(outcomes, resolved):
        # higher_is_better describes the row's value; it mirrors the measure's direction for levels,
        # changes and differences, so a mismatch means a reversed scale (median_pct_improvement and
        # responder rates are TRUE by definition and say nothing about the scale).
        if measure in MEASURES and r.statistic in SCORED_STATISTICS and thr is None \
                and r.statistic != "median_pct_improvement" and r.higher_is_better is not None:
            reverse[(r.arm_id, measure, r.scale)] = r.higher_is_better != MEASURES[measure].higher_is_better
        if r.timepoint_days == 0 and r.statistic in ("mean", "median") and thr is None:
            anchors[(r.arm_id, measure, r.scale, r.statistic)] = r.value

    # Unstated VAS scales: levels all <= 10 mean a 0-10 cm scale.
    levels: dict[tuple[str, str], list[float]] = {}
    for r, (measure, thr, _) in zip(outcomes, resolved):
        if r.scale is None and r.statistic in ("mean", "median") and thr is None:
            levels.setdefault((r.arm_id, measure), []).append(abs(r.value))
    inferred = {key: (0.0, 10.0) for key, v in levels.items() if key[1] == "VAS_pain" and max(v) <= 10.0}

    def row_scale(r, measure, default):
        return _scale(measure, r.scale if r.scale is not None else inferred.get((r.arm_id, measure), default))

    # One matching baseline per arm: the first MATCHING_MEASURES row at day 0 (mean before median).
    matching: dict[str, tuple[int, Baseline]] = {}
    for rank_stat in ("mean", "median"):
        for measure_pref in MATCHING_MEASURES:
            for k, (r, (measure, thr, default)) in enumerate(zip(outcomes, resolved)):
                if r.arm_id in matching or measure != measure_pref or thr is not None:
                    continue
                if r.timepoint_days == 0 and r.statistic == rank_stat and r.measure not in _UNSPECIFIED:
                    matching[r.arm_id] = (k, Baseline(measure, row_scale(r, measure, default),
                                                      reverse.get((r.arm_id, measure, r.scale), False), r.value))
    study_baseline = {}
    for arm_id, (_, bl) in matching.items():
        if arm_id in arm_by_id:
            study_baseline.setdefault(arm_by_id[arm_id].study_id, bl)

    def baseline_of(arm: ArmRow) -> Baseline | None:
        own = matching.get(arm.arm_id)
        return own[1] if own else study_baseline.get(arm.study_id)

    matching_rows = {k for k, _ in matching.values()}
    targets, skipped = [], []
    for k, (r, (measure, thr, default)) in enumerate(zip(outcomes, resolved)):
        key = f"{file} row {k + 2}"

        def skip(reason, key=key, r=r):  # called within this iteration only
            skipped.append(Skipped(key, r.arm_id, r.measure, r.statistic, reason))

        arm = arm_by_id.get(r.arm_id)
        statistic = "responder_pct" if thr is not None and r.statistic == "percent" else r.statistic
        if measure not in MEASURES:
            why = NOT_MODELLED.get(r.measure, "no observation model (sim.observe.MEASURES)")
            skip(f"measure {r.measure!r}: {why}")
            continue
        if statistic not in SCORED_STATISTICS:
            skip(f"statistic {r.statistic!r} has no simulated counterpart")
            continue
        if arm is None:
            skip(f"arm {r.arm_id!r} not in the arms file")
            continue
        day = r.timepoint_days
        if day is None:
            day = study_follow_up(by_study[arm.study_id])
            if day is None:
                skip("timepoint not stated and the study states no follow-up")
                continue
        if arm.species != "human" and MEASURES[measure].name.startswith(("WOMAC", "VAS", "NRS", "KOOS")):
            skip(f"patient-reported measure in a {arm.species} study")
            continue
        if k in matching_rows:
            skip("baseline: matches the arm's virtual patients to its reported entry level")
            continue
        if day == 0 and statistic not in ("mean", "median"):
            skip(f"timepoint 0 days: a {statistic} needs a follow-up day > 0")
            continue
        if day < 0:
            skip(f"timepoint {day:g} days: before the first intervention")
            continue
        scale = row_scale(r, measure, default)
        # Percent statistics live on a 0-100 % axis whatever the instrument's range.
        span = 100.0 if ("pct" in statistic) else scale[1] - scale[0]
        n = r.n or arm.n_arm or DEFAULT_N
        se = _row_se(r, n, span) if thr is None else _responder_se(r.value, n)
        if r.measure in _UNSPECIFIED:
            se = math.hypot(se, ALIAS_SCALE_UNCERTAINTY * span)
        control = None
        if statistic == "mean_difference_vs_control":
            vs = arm_by_id.get(r.vs_arm_id or "")
            if vs is None:
                skip(f"vs_arm_id {r.vs_arm_id!r} not in the arms file")
                continue
            control = cohort_of(_study_cohort(vs, by_study[vs.study_id], baseline_of(vs)))
        c = cohort_of(_study_cohort(arm, by_study[arm.study_id], baseline_of(arm)))
        anchor = None
        if statistic in ("mean", "median") and day > 0:
            anchor = anchors.get((r.arm_id, measure, r.scale, statistic))
        targets.append(Target(key, "outcomes", arm.study_id, r.arm_id, r.vs_arm_id, measure, scale,
                              reverse.get((r.arm_id, measure, r.scale), False), float(day),
                              statistic, float(r.value), se, span, c, control, anchor, thr))

    for k, p in enumerate(pooled):
        key = f"pooled.csv row {k + 2}"

        def pskip(reason, key=key, p=p):  # called within this iteration only
            skipped.append(Skipped(key, p.study_id, p.measure, p.statistic, reason))

        if p.measure not in MEASURES:
            pskip(f"measure {p.measure!r} has no observation model")
            continue
        if p.statistic not in ("MD", "mean_change_from_baseline") or p.ci_low is None or p.ci_high is None:
            pskip(f"statistic {p.statistic!r} without CI: only MD / mean change with a 95% CI are scored")
            continue
        a, _, b = p.comparison.partition(" vs ")
        if a not in POOLED_REGIMENS or (b not in POOLED_REGIMENS and b != "baseline"):
            pskip(f"comparison {p.comparison!r}: no standard regimen for one side")
            continue
        day = _pooled_day(p.timepoint_days)
        scale = _scale(p.measure, None if p.scale_min is None else (p.scale_min, p.scale_max))
        pop = dict(species="human", kl_grades=(2, 3), age_mean=60.0)
        c = cohort_of(Cohort("pooled", regimen=POOLED_REGIMENS[a], **pop))
        ctrl = None if b == "baseline" else cohort_of(Cohort("pooled", regimen=POOLED_REGIMENS[b], **pop))
        # "X vs baseline" MD is reported as baseline minus follow-up (README conventions).
        stat = "mean_difference_vs_control" if ctrl is not None else (
            "mean_change_from_baseline" if p.statistic == "mean_change_from_baseline" else "baseline_minus_followup")
        se = POOLED_SE_INFLATION * abs(p.ci_high - p.ci_low) / 3.92
        targets.append(Target(key, "pooled", p.study_id, a, b, p.measure, scale, False, day, stat,
                              float(p.value), se, scale[1] - scale[0], c, ctrl, None))
    return targets, skipped, cohorts


def _responder_se(percent: float, n: int) -> float:
    """SE of a responder percentage [%]: binomial, with the proportion kept off 0 and 1 by the
    Agresti-Coull adjustment (a reported 0% or 100% of a small arm is not certain).
    """
    p = (percent / 100.0 * n + 2.0) / (n + 4.0)
    return 100.0 * math.sqrt(p * (1.0 - p) / (n + 4.0))


def _pooled_day(tp) -> float:
    if tp is None:
        return POOLED_DAY
    if isinstance(tp, tuple):
        lo, hi = tp
        return max(float(lo + hi) / 2.0, 28.0)
    return float(tp)
