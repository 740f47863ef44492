"""Between-patient spread: are the virtual trial populations as heterogeneous as the real ones?

The calibration fits expected statistics (means, medians, changes); the spread of patients
around them is set by assumptions: the population's between-patient variability of rates
(:data:`sim.population.DEFAULT_VARIABILITY`), the covariates, the pain trait and the
within-patient fluctuation. This check sets the model's spread beside what the trials report for
the same arm, visit and measure, where they report a patient-level spread (an SD, or an IQR
converted to an SD by :func:`sim.data.conversions.spread_to_sd`).

For each scored follow-up level (statistic ``mean`` or ``median`` on a day at least three
fluctuation correlation times after entry, so the visit's fluctuation is independent of the one
that enrolled the patient) the model's between-patient SD is

``sqrt(Var_w(x_i) + E_w[s_i^2])``

with ``x_i`` the expected observation of virtual patient ``i``
(:class:`sim.calibration.forward.PatientValues`), ``w`` the enrolment weights and ``s_i`` the
SD of the patient's visit-to-visit fluctuation in the measure's units.

Entry levels (day 0, scored where they are not the level the cohort is matched to) are
compared too, as a separate set: there the entry criterion truncates each enrolled patient's
fluctuation. Patient ``i`` passes the threshold ``c`` when ``R_i + e >= c``; given that, ``e``
is a normal truncated below at ``a_i = (c - R_i) / sd``, with mean ``sd lambda_i`` (the inverse
Mills ratio the forward model carries as the expected entry fluctuation) and variance
``sd^2 (1 + a_i lambda_i - lambda_i^2)``, so the fluctuation term of patient ``i`` is
``s_i^2 (1 + a_i lambda_i - lambda_i^2)`` (``a_i`` recovered from ``lambda_i``). Follow-up
levels between entry and three correlation times are left out (their fluctuation is partly
the one that enrolled the patient).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calibration.enrolment import truncated_variance_factor
from sim.calibration.forward import FLUCTUATION_DAYS
from sim.data.conversions import spread_to_sd

__all__ = ["SpreadRow", "spread_check", "spread_rows", "spread_summary"]

#: Least follow-up day of a compared level [days]: the entry fluctuation's correlation exp(-3) = 0.05.
MIN_DAY = 3.0 * FLUCTUATION_DAYS


@dataclass(frozen=True)
class SpreadRow:
    """One reported follow-up level with its between-patient SD, reported and simulated.

    Attributes
    ----------
    key, study, arm_id, measure : str
    day : float
        [days after the first treatment]; 0 for an entry level.
    scale : tuple of float
        The row's scale (the SDs are in its units).
    reported_sd, model_sd : float
        In the row's units; ``model_sd`` is NaN where every virtual patient failed.
    """

    key: str
    study: str
    arm_id: str
    measure: str
    day: float
    scale: tuple
    reported_sd: float
    model_sd: float

    @property
    def ratio(self) -> float:
        """Simulated / reported SD."""
        return self.model_sd / self.reported_sd if self.reported_sd > 0 else float("nan")


def spread_rows(problem, outcomes, theta) -> list[SpreadRow]:
    """Reported and simulated between-patient SDs of every comparable entry or follow-up level.

    Parameters
    ----------
    problem : Problem
        Built from ``outcomes`` (its targets' keys name rows of that file as ``<file> row <k>``).
    outcomes : sequence of OutcomeRow
        The rows the problem was built from, in file order.
    theta : array_like (P,)
        One natural-scale parameter vector (e.g. the calibrated defaults).

    Returns
    -------
    list of SpreadRow
        In target order; rows without a patient-level spread (SD or IQR) are left out.
    """
    fm = problem.forward
    pv = fm.patient_values(np.asarray(theta, dtype=float).reshape(1, -1))
    col = {d: i for i, d in enumerate(fm.days)}
    out = []
    for t in problem.targets:
        if t.source != "outcomes" or t.statistic not in ("mean", "median") or 0.0 < t.day < MIN_DAY:
            continue
        row = outcomes[int(t.key.rsplit(" ", 1)[1]) - 2]
        if row.spread_type not in ("SD", "IQR"):  # an SE or CI of a mean is not a patient-level spread
            continue
        reported = spread_to_sd(row)
        key = (t.cohort, t.measure, t.scale, t.reverse)
        x, w, s = pv.values[key][0, :, col[t.day]], pv.weights[t.cohort][0], pv.noise_sd[key][0]
        if t.day == 0.0:  # the entry criterion truncates the fluctuation (module docstring)
            s = s * np.sqrt(truncated_variance_factor(pv.entry_fluctuation[t.cohort][0] / pv.fluctuation_sd[0]))
        mean = np.sum(w * x)
        model = float(np.sqrt(np.sum(w * (x - mean) ** 2) + np.sum(w * s * s)))
        out.append(SpreadRow(t.key, t.study, t.arm_id, t.measure, float(t.day), tuple(t.scale), float(reported),
                             model))
    return out


def spread_summary(rows: list[SpreadRow]) -> str:
    """Last line of ``sim-validate --spread``: follow-up rows, then entry rows, simulated / reported SD.

    ``spread_rows=<n> studies=<n> median_ratio=<x> ratio_q25=<x> ratio_q75=<x>`` over the
    follow-up levels, then ``entry_rows=<n> entry_studies=<n> entry_median_ratio=<x>`` over the
    entry levels.

    Parameters
    ----------
    rows : list of SpreadRow
    """
    def part(sel):
        r = np.array([x.ratio for x in sel if np.isfinite(x.ratio)])
        return r, len({x.study for x in sel})

    r, studies = part([x for x in rows if x.day > 0])
    if r.size:
        q25, q50, q75 = np.quantile(r, [0.25, 0.5, 0.75])
        line = (f"spread_rows={r.size} studies={studies} median_ratio={q50:.2f} ratio_q25={q25:.2f} "
                f"ratio_q75={q75:.2f}")
    else:
        line = "spread_rows=0"
    e, e_studies = part([x for x in rows if x.day == 0])
    if e.size:
        line += f" entry_rows={e.size} entry_studies={e_studies} entry_median_ratio={np.median(e):.2f}"
    return line


def spread_check(arms_csv=None, outcomes_csv=None, *, n_sim: int = 48, seed: int = 2024,
                 variability_scale: float = 1.0, placebo_cv: float | None = None) -> list[SpreadRow]:
    """:func:`spread_rows` on trial files (the packaged ones by default) at the calibrated defaults.

    Parameters
    ----------
    arms_csv, outcomes_csv : path, optional
        Files in the shared schema (both or neither).
    n_sim : int
        Virtual patients per arm (an SD needs more than a mean: 48 by default).
    seed : int
        Population seed.
    variability_scale, placebo_cv : float
        Of the virtual populations (:class:`~sim.calibration.forward.ForwardModel`): to ask how
        much of the spread the rates' variability and the contextual responsiveness make.

    Returns
    -------
    list of SpreadRow
    """
    from pathlib import Path

    from sim.calibration.fit import Problem
    from sim.calibration.priors import CALIBRATED
    from sim.evidence import load_arms, load_outcomes

    if (arms_csv is None) != (outcomes_csv is None):
        raise ValueError("arms/outcomes: give both files or neither (the packaged trial data)")
    arms = load_arms(arms_csv)
    outcomes = load_outcomes(outcomes_csv, arms=arms)
    name = Path(outcomes_csv).name if outcomes_csv is not None else "outcomes.csv"
    problem = Problem(arms, outcomes, (), n_sim=n_sim, seed=seed, file=name,
                      population={"variability_scale": variability_scale, "placebo_cv": placebo_cv})
    return spread_rows(problem, outcomes, np.array([p.default for p in CALIBRATED]))
