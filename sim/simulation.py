"""Run the knee model under a regimen for one patient or a population: the one entry point.

>>> from sim import Patient, simulate
>>> res = simulate(Patient(kl_grade=3), "msc(cells=1e8,source=bm,allogeneic=0)@0", t_end=365)
"""

from __future__ import annotations

import dataclasses

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.regimen.products import DosePlan, plan_regimen
from sim.model.parameters import PARAMETER_INDEX, PARAMETERS
from sim.model.patient import Patient
from sim.engine.compiled import KNEE
from sim.engine.shared_run_in import solve_split
from sim.model.species import induction_jumps
from sim.model.states import N_STATES, STATE_NAMES, state_index
from sim.observe.symptoms import default_symptom_model
from sim.regimen import Regimen
from sim.result import Result
from sim.solver import EnsembleSolution, SolverOptions
from sim.solver.inputs import event_arrays

#: Solver defaults for the knee model: relative tolerance well below the 1e-3 accuracy needed
#: on reported outcomes. ``atol`` is per unit of each state's scale: the engine resolves state i
#: to ``atol * scale_i``, where the scale starts at max(|declared default|, 1) and rises to the
#: largest value the state has reached (a dose raises it at once), so a compartment dosed at 40
#: mg is not held to the absolute tolerance of a mediator near 1. ``lockstep``: groups of four
#: consecutive patients with equal dose times share one step size in SIMD lanes
#: (:mod:`sim.solver.lanes`), about twice the throughput; pass ``lockstep=False`` for results
#: of each patient that do not depend on its neighbours below the tolerance.
DEFAULT_OPTIONS = SolverOptions(rtol=1e-5, atol=1e-8, max_steps=50_000, autonomous=True, lockstep=True)

#: Untreated days simulated before day 0 so the knee settles in its disease state [days].
DEFAULT_RUN_IN = 180.0


@dataclass(frozen=True)
class TimeGrid:
    """Output times and the length of the untreated run-in before day 0."""

    t_end: float = 730.0
    step: float = 7.0
    run_in: float = DEFAULT_RUN_IN
    extra: tuple[float, ...] = ()

    def times(self) -> np.ndarray:
        """Output days, float64[T]: ``0, step, ..., t_end`` plus the ``extra`` days, sorted."""
        if not (self.t_end > 0 and self.step > 0 and self.run_in >= 0):
            raise ValueError("time grid: t_end and step must be > 0 and run_in >= 0 (days)")
        grid = np.arange(0.0, self.t_end + 0.5 * self.step, self.step)
        grid = np.union1d(grid[grid <= self.t_end], np.asarray(self.extra, dtype=float))
        return grid


def _each_once(items: Sequence, make) -> list:
    """``[make(x) for x in items]``, calling ``make`` once per distinct item (a batch of arms
    repeats a few regimens over thousands of rows). Strings are told apart by value, other
    objects by identity.
    """
    done: dict = {}
    out = []
    for x in items:
        key = x if isinstance(x, str) else id(x)
        if key not in done:
            done[key] = make(x)
        out.append(done[key])
    return out


def _as_list(value, n: int, name: str) -> list:
    if isinstance(value, (str, Regimen, Patient)):
        return [value] * n
    value = list(value)
    if len(value) not in (1, n):
        raise ValueError(f"{name}: give one value or one per patient ({n}); got {len(value)}")
    return value * n if len(value) == 1 else value


def build_inputs(patients: Sequence[Patient], regimens: Sequence[Regimen | str], t0: float,
                 plans: Sequence[DosePlan] | None = None):
    """Initial states, parameters and padded event arrays for the solver (no solving).

    Parameters
    ----------
    patients : sequence of Patient, length N
    regimens : sequence of Regimen or str, length N
    t0 : float
        Day the integration starts (days); no event may precede it.
    plans : sequence of DosePlan, length N, optional
        The regimens' dose plans if already made (:func:`sim.regimen.plan_regimen`).

    Returns
    -------
    y0 : float64[N, n]
    p : float64[N, m]
    events : tuple
        ``(ev_t, ev_idx, ev_mul, ev_add)`` of :func:`sim.solver.inputs.event_arrays`: each
        patient's disease induction (if its species has one) and the jumps of its regimen.
    """
    n = len(patients)
    y0 = np.empty((n, N_STATES))
    p = np.empty((n, len(PARAMETERS)))
    plans = [plan_regimen(r) for r in regimens] if plans is None else list(plans)
    schedules = []
    # A batch of arms repeats each patient object once per arm: build its vectors once.
    built: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for i, (patient, plan) in enumerate(zip(patients, plans)):
        if id(patient) not in built:
            built[id(patient)] = (patient.parameter_vector(), patient.initial_state())
        p[i], y0[i] = built[id(patient)]
        for name, value in plan.parameters.items():  # set by the regimen (MSC potency, allogeneic share)
            p[i, PARAMETER_INDEX[name]] = value
        schedules.append(_patient_schedule(patient, plan))
        first = schedules[-1][0][0] if schedules[-1] else None
        if first is not None and first < t0:
            raise ValueError(f"regimen: first event at day {first:g} precedes the simulation start {t0:g}")
    return y0, p, event_arrays(schedules)


def _patient_schedule(patient: Patient, plan: DosePlan) -> list:
    """One patient's events in time order: its species' disease induction, then its regimen's jumps.

    The induction is one event of all its jumps; on the day of a dose it comes first (a
    separate event at the same time), so a dose given on the induction day acts on the
    induced knee.
    """
    events = plan.schedule()
    species = patient.species_preset
    if species.induction != "none":
        induction = (species.induction_day, [(state_index(s), m, a) for s, m, a in induction_jumps(species.induction)])
        events = sorted([induction, *events], key=lambda event: event[0])  # stable: induction first on ties
    return events


def start_day(patients: Sequence[Patient], regimens: Sequence[Regimen], run_in: float) -> float:
    """Day at which integration starts (days; day 0 is the first day of the study).

    The run-in starts ``run_in`` days before day 0; a regimen event or a species' disease
    induction before that moves the start one day before the earliest of them.
    """
    first = min([r.first_day for r in regimens if r.first_day is not None] + [0.0])
    inductions = [pt.species_preset.induction_day for pt in patients if pt.species_preset.induction != "none"]
    return min([-run_in, first] + inductions) - (1.0 if inductions or first < -run_in else 0.0)


def solve_inputs(y0: np.ndarray, p: np.ndarray, events, *, t0: float, t_out: np.ndarray, out_idx=None,
                 options: SolverOptions | None = None, lockstep_blocks=None) -> EnsembleSolution:
    """Integrate the knee model on inputs of :func:`build_inputs`, as :func:`simulate` does.

    A start before day 0 is integrated as a run-in ``[t0, 0)`` and the study ``[0, t_out[-1]]``:
    copies of a patient under several regimens (trial arms, sweep points, findings pools) share
    the run-in, solved once per distinct (patient, parameters, events before day 0)
    (:func:`sim.engine.shared_run_in.solve_split`). The split is made whatever the batch holds,
    so a row's result does not depend on the other rows, except, with lockstep lanes (the
    default), on the three it shares a group of four with: rows of a trial arm or cohort, fixed
    by their position (``lockstep_blocks`` keeps groups inside blocks of rows).

    Parameters
    ----------
    y0 : float64 (N, n)
    p : float64 (N, m)
    events : tuple of four arrays
        As returned by :func:`build_inputs`.
    t0 : float
        Start day [day].
    t_out : float64 (T,)
        Sorted output days, ``>= 0``.
    out_idx : int64 (k,), optional
        States to record (default all).
    options : SolverOptions, optional
        Default :data:`DEFAULT_OPTIONS`.
    lockstep_blocks : int64 (N,), optional
        Block id per row; lockstep groups stay inside runs of equal ids
        (:func:`sim.solver.solve_ensemble`).

    Returns
    -------
    EnsembleSolution
    """
    opts = options or DEFAULT_OPTIONS
    if t0 < 0.0:
        return solve_split(KNEE, y0, p, events, t0=t0, t_split=0.0, t_out=t_out, out_idx=out_idx, options=opts,
                           lockstep_blocks=lockstep_blocks)
    return KNEE.solve_ensemble(y0, p, *events, t_out=t_out, out_idx=out_idx, t0=t0, options=opts,
                               lockstep_blocks=lockstep_blocks)


def simulate(patients: Patient | Sequence[Patient] = Patient(), regimens: Regimen | str | Sequence = "none()@0",
             *, t_end: float = 730.0, step: float = 7.0, run_in: float = DEFAULT_RUN_IN, times=None,
             record: Sequence[str] | None = None, options: SolverOptions | None = None,
             provenance: dict | None = None) -> Result:
    """Simulate knees under regimens.

    Parameters
    ----------
    patients : Patient or sequence of Patient
        One knee, or N knees (a population).
    regimens : str, Regimen or sequence of them
        One regimen for all, or one per patient (grammar of :mod:`sim.regimen`).
    t_end, step : float
        Last output day and spacing of the output grid (days), used when ``times`` is None.
    run_in : float
        Untreated days simulated before day 0 so the knee settles in its disease state.
    times : array_like, optional
        Explicit output days (>= 0); overrides ``t_end``/``step``.
    record : sequence of str, optional
        States to record (default all).
    options : SolverOptions, optional
        Solver settings (default :data:`DEFAULT_OPTIONS`).

    Returns
    -------
    Result
    """
    if isinstance(patients, Patient):
        patients = [patients]
    patients = list(patients)
    if not patients:
        raise ValueError("patients: at least one patient is required")
    regimens = _as_list(regimens, len(patients), "regimens")
    regimens = _each_once(regimens, lambda r: r if isinstance(r, Regimen) else Regimen.parse(r))
    t_out = TimeGrid(t_end, step, run_in).times() if times is None else np.unique(np.asarray(times, float))
    if t_out.size == 0 or t_out[0] < 0 or not np.all(np.isfinite(t_out)):
        raise ValueError("times: output days must be finite and >= 0")
    record = list(STATE_NAMES if record is None else record)
    out_idx = np.array([state_index(name) for name in record], dtype=np.int64)
    t0 = start_day(patients, regimens, run_in)
    plans = tuple(_each_once(regimens, plan_regimen))
    y0, p, ev = build_inputs(patients, regimens, t0, plans)
    opts = options or DEFAULT_OPTIONS
    sol = solve_inputs(y0, p, ev, t0=t0, t_out=t_out, out_idx=out_idx, options=opts)
    covariates = {
        "species": np.array([pt.species for pt in patients]),
        "kl_grade": np.array([pt.kl_grade for pt in patients]),
        "age": np.array([pt.age for pt in patients], dtype=float),
        "bmi": np.array([pt.bmi for pt in patients], dtype=float),
        "alignment_load": np.array([pt.alignment_load for pt in patients], dtype=float),
        "inflammation": np.array([pt.inflammation for pt in patients], dtype=float),
    }
    prov = {"t0": t0, "run_in_days": run_in, "solver_method": opts.method, "solver_rtol": opts.rtol,
            "solver_atol": str(opts.atol), "solver_lockstep": int(opts.lockstep)}
    prov.update(provenance or {})
    return Result(
        times=sol.t, state_names=tuple(record), states=sol.y, parameters=p, covariates=covariates,
        regimens=tuple(_each_once(regimens, str)), status=sol.status, messages=tuple(sol.messages()),
        solver_stats={"n_steps": sol.n_steps, "n_rejected": sol.n_rejected, "n_rhs": sol.n_rhs,
                      "n_jac": sol.n_jac},
        provenance=prov,
        symptoms=dataclasses.asdict(default_symptom_model()),
        dose_plans=plans,
    )


__all__ = ["simulate", "solve_inputs", "start_day", "TimeGrid", "DEFAULT_OPTIONS", "DEFAULT_RUN_IN", "build_inputs",
           "PARAMETER_INDEX"]
