"""Named comparisons of arms in one kind of knee: the layer between configs and ``simulate``.

Usable from notebooks without Hydra:

>>> from sim.experiment import Experiment, run_experiment
>>> exp = Experiment(arms={"saline": "saline(ml=4)@0", "msc": "msc(cells=1e8,source=bm,allogeneic=0)@0"})
>>> out = run_experiment(exp)
>>> print(format_table(out.summary))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.patient import Patient
from sim.observe import MEASURES, change_columns, observe_all
from sim.result import Result
from sim.simulation import DEFAULT_OPTIONS, simulate
from sim.solver import SolverOptions

MECHANISM_PARAMETERS = {
    "differentiation": "mech_differentiation",
    "paracrine": "mech_paracrine",
    "immunomodulation": "mech_immunomodulation",
    "homing": "mech_homing",
}


@dataclass(frozen=True)
class Experiment:
    """Arms (label -> regimen) compared in one patient over a follow-up."""

    arms: dict
    name: str = "experiment"
    question: str = ""
    t_end: float = 730.0
    step: float = 7.0
    run_in: float = 180.0
    report_days: tuple = (182.0, 365.0)

    def __post_init__(self):
        if not self.arms:
            raise ValueError("experiment.arms: at least one arm (label: regimen) is required")
        for day in self.report_days:
            if not 0 <= float(day) <= self.t_end:
                raise ValueError(f"experiment.report_days: {day} lies outside the follow-up 0..{self.t_end:g} days")


@dataclass(frozen=True)
class ExperimentOutput:
    """What :func:`run_experiment` returns.

    Attributes
    ----------
    experiment : Experiment
    result : Result
        One patient per arm.
    outcomes : dict of str to float64[arms, T]
        Observed measures (:func:`sim.observe.observe_all`).
    summary : list of dict
        One row per arm (:func:`summarize`).
    """

    experiment: Experiment
    result: Result
    outcomes: dict
    summary: list = field(default_factory=list)


def patient_with_model(patient: Patient, mechanisms: dict | None = None, parameters: dict | None = None) -> Patient:
    """The patient with mechanism switches and parameter overrides applied (validated)."""
    values = dict(patient.parameters)
    for mech, on in (mechanisms or {}).items():
        if mech not in MECHANISM_PARAMETERS:
            raise ValueError(f"model.mechanisms: unknown mechanism {mech!r}; "
                             f"allowed: {', '.join(MECHANISM_PARAMETERS)}")
        values[MECHANISM_PARAMETERS[mech]] = 1.0 if on else 0.0
    values.update(parameters or {})
    return Patient(patient.species, patient.kl_grade, patient.age, patient.bmi, patient.alignment_load,
                   patient.inflammation, values)


def run_experiment(exp: Experiment, patient: Patient | None = None, options: SolverOptions | None = None,
                   provenance: dict | None = None,
                   measures=("WOMAC_total", "VAS_pain", "MRI_cartilage_volume")) -> ExperimentOutput:
    """Simulate every arm of ``exp`` in ``patient`` and summarise the key outcomes."""
    patient = Patient() if patient is None else patient
    labels = list(exp.arms)
    extra = tuple(float(d) for d in exp.report_days)
    times = np.union1d(np.arange(0.0, exp.t_end + 0.5 * exp.step, exp.step), extra)
    times = times[times <= exp.t_end]
    result = simulate([patient] * len(labels), [exp.arms[k] for k in labels], times=times,
                      run_in=exp.run_in, options=options or DEFAULT_OPTIONS, provenance=provenance)
    outcomes = observe_all(result)
    return ExperimentOutput(exp, result, outcomes, summarize(result, outcomes, labels, exp, measures))


def summarize(result: Result, outcomes: dict, labels, exp: Experiment,
              measures=("WOMAC_total", "VAS_pain", "MRI_cartilage_volume")) -> list[dict]:
    """Per arm: change from day 0 of each measure at the report days.

    Columns are named and computed by :func:`sim.observe.change_columns` (``d<measure>_day<day>``;
    cartilage volume and thickness in percent, ``d<measure>_pct_day<day>``, also at the last day).

    Parameters
    ----------
    result : Result
        One patient per arm.
    outcomes : dict of str to float64 (arms, T)
        Observed measures on their native scales (:func:`sim.observe.observe_all`).
    labels : sequence of str
        Arm labels, in the result's row order.
    exp : Experiment
        Gives the report days.
    measures : sequence of str
        Measures of :data:`sim.observe.MEASURES`.

    Returns
    -------
    list of dict
        One row per arm: ``arm``, ``regimen``, ``status``, then the change columns.
    """
    for name in measures:
        if name not in MEASURES:
            raise ValueError(f"experiment.measures: unknown measure {name!r}; allowed: {', '.join(MEASURES)}")
    end = float(result.times[-1])
    columns = {}
    for name in measures:
        days = sorted(set(exp.report_days) | {end}) if MEASURES[name].relative_change else exp.report_days
        columns.update(change_columns(outcomes[name], result.times, name, days))
    return [{"arm": label, "regimen": result.regimens[a], "status": result.messages[a],
             **{k: v[a] for k, v in columns.items()}} for a, label in enumerate(labels)]


def format_table(rows: list[dict]) -> str:
    """Plain-text table of summary rows (numbers to one decimal)."""
    if not rows:
        return ""
    cols = [c for c in rows[0] if c not in ("regimen", "status")]
    cells = [[f"{r[c]:.1f}" if isinstance(r[c], float) else str(r[c]) for c in cols] for r in rows]
    width = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    line = "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cols, width)))
    out = [line, "-" * len(line)]
    for row in cells:
        out.append("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, width))))
    return "\n".join(out)
