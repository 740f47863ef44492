"""The outcome of a simulation: one immutable object with everything needed to interpret it."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from sim.model.parameters import PARAMETERS
from sim.model.states import STATES
from sim.regimen.products import DosePlan, plan_regimen


@dataclass(frozen=True)
class Result:
    """Trajectories of N virtual knees at T output times.

    Attributes
    ----------
    times : float64[T]
        Days from the first intervention (day 0); negative times are the untreated run-in.
    state_names : tuple of str
        Names of the recorded states (columns of ``states``).
    states : float64[N, T, k]
        Recorded states (units in ``sim.model.states``); NaN after a solver failure.
    parameters : float64[N, m]
        Parameter vector of each patient (order of ``sim.model.parameters.PARAMETERS``).
    covariates : mapping of str to array[N]
        Patient covariates (species, kl_grade, age, bmi, ...).
    regimens : tuple of str
        Regimen of each patient (grammar of ``sim.regimen``).
    status : int64[N]
        Solver status per patient (0 = success); ``messages`` has the text.
    messages : tuple of str
        Human-readable status per patient.
    solver_stats : mapping of str to int64[N]
        Accepted/rejected steps, rhs calls, Jacobians per patient.
    provenance : mapping
        Seed, solver settings, package versions and other facts needed to reproduce the run.
    symptoms : mapping of str to float
        Coefficients of the observation (symptom) model the run was made with (fields of
        ``sim.observe.SymptomModel``): :func:`sim.observe.observe` reads them, so a result is
        observed as it was simulated whatever the defaults are later.
    dose_plans : tuple of DosePlan, length N, optional
        The state jumps each patient's regimen was simulated with
        (:func:`sim.regimen.products.plan_regimen`); :meth:`dose_plan` derives them from
        ``regimens`` where they were not given (a result read from a file, a hand-built one).
    """

    times: np.ndarray
    state_names: tuple[str, ...]
    states: np.ndarray
    parameters: np.ndarray
    covariates: Mapping[str, np.ndarray]
    regimens: tuple[str, ...]
    status: np.ndarray
    messages: tuple[str, ...]
    solver_stats: Mapping[str, np.ndarray] = field(default_factory=dict)
    provenance: Mapping[str, object] = field(default_factory=dict)
    symptoms: Mapping[str, float] = field(default_factory=dict)
    dose_plans: tuple[DosePlan, ...] | None = field(default=None, compare=False)

    def __post_init__(self):
        for name in ("times", "states", "parameters", "status"):
            arr = np.array(getattr(self, name), copy=True)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "covariates", MappingProxyType(dict(self.covariates)))
        object.__setattr__(self, "solver_stats", MappingProxyType(dict(self.solver_stats)))
        object.__setattr__(self, "provenance", MappingProxyType(dict(self.provenance)))
        object.__setattr__(self, "symptoms", MappingProxyType({k: float(v) for k, v in self.symptoms.items()}))
        if self.dose_plans is not None:
            plans = tuple(self.dose_plans)
            if len(plans) != len(self.regimens):
                raise ValueError(f"dose_plans: {len(plans)} plans for {len(self.regimens)} regimens; "
                                 "allowed: one per patient")
            object.__setattr__(self, "dose_plans", plans)

    @property
    def n_patients(self) -> int:
        """Number of patients N."""
        return self.states.shape[0]

    def dose_plan(self, i: int) -> DosePlan:
        """The state jumps of patient ``i``'s regimen: as simulated, else derived from ``regimens[i]``."""
        if self.dose_plans is not None:
            return self.dose_plans[i]
        return plan_regimen(self.regimens[i])

    def rows(self, index) -> Result:
        """The result of the patients at ``index`` only, in that order.

        Every per-patient field is taken at the same rows (states, parameters, covariates,
        regimens, status, messages, solver statistics, dose plans); times, state names,
        provenance and the symptom model are shared. Observing the rows,
        ``observe(result.rows(i), m)``, equals ``observe(result, m)[i]``, and simulating only
        those patients from the same start day gives the same rows (each patient is integrated
        on its own).

        Parameters
        ----------
        index : int, slice, bool[N] or sequence of int
            Patients to keep: one row, a slice, a mask over all ``N`` patients, or row numbers
            (negative numbers count from the end; repeats are allowed).

        Returns
        -------
        Result
            With ``len(rows)`` patients (one for an integer index).

        Raises
        ------
        ValueError
            For a row outside ``0..N-1``, a mask of another length, or an index that is not an
            integer, slice or mask.
        """
        rows = self._row_numbers(index)

        def per_patient(mapping):
            # entries with one value per patient are cut; anything else (a run-level value) is kept
            return {k: np.asarray(v)[rows] if np.ndim(v) >= 1 and len(v) == self.n_patients else v
                    for k, v in mapping.items()}

        return Result(
            times=self.times, state_names=self.state_names, states=self.states[rows],
            parameters=self.parameters[rows], covariates=per_patient(self.covariates),
            regimens=tuple(self.regimens[i] for i in rows) if self.regimens else self.regimens,
            status=self.status[rows],
            messages=tuple(self.messages[i] for i in rows) if self.messages else self.messages,
            solver_stats=per_patient(self.solver_stats), provenance=self.provenance, symptoms=self.symptoms,
            dose_plans=None if self.dose_plans is None else tuple(self.dose_plans[i] for i in rows))

    def _row_numbers(self, index) -> np.ndarray:
        """int64[n]: row numbers in ``0..N-1`` selected by ``index`` (see :meth:`rows`)."""
        n = self.n_patients
        if isinstance(index, slice):
            return np.arange(n)[index]
        arr = np.asarray(index)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise ValueError(f"rows: a mask of shape {arr.shape}; allowed: bool[{n}], one flag per patient")
            return np.flatnonzero(arr)
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        if not np.issubdtype(arr.dtype, np.integer) or arr.ndim > 1:
            raise ValueError(f"rows: {index!r} is not allowed; allowed: an integer, a slice, a bool mask or "
                             "a sequence of integers")
        arr = np.atleast_1d(arr).astype(np.int64)
        bad = (arr < -n) | (arr >= n)
        if bad.any():
            raise ValueError(f"rows: row {int(arr[bad][0])} is outside the result; allowed: {-n}..{n - 1} "
                             f"({n} patients)")
        return np.where(arr < 0, arr + n, arr)

    @property
    def ok(self) -> np.ndarray:
        """bool[N]: patients whose integration succeeded."""
        return self.status == 0

    def state(self, name: str) -> np.ndarray:
        """float64[N, T] trajectory of one recorded state."""
        try:
            return self.states[:, :, self.state_names.index(name)]
        except ValueError:
            raise ValueError(f"unknown state {name!r}; recorded: {', '.join(self.state_names)}") from None

    def parameter(self, name: str) -> np.ndarray:
        """float64[N] value of one parameter per patient."""
        names = [q.name for q in PARAMETERS]
        try:
            return self.parameters[:, names.index(name)]
        except ValueError:
            raise ValueError(f"unknown parameter {name!r}; allowed: {', '.join(names)}") from None

    def at(self, day: float) -> int:
        """Index of output time ``day``; raises if that day was not recorded."""
        hits = np.flatnonzero(np.isclose(self.times, day))
        if hits.size == 0:
            raise ValueError(f"day {day:g} was not an output time; recorded {self.times.min():g}..{self.times.max():g}")
        return int(hits[0])

    @staticmethod
    def state_units() -> dict[str, str]:
        """Unit of every state of the model, by name."""
        return {s.name: s.unit for s in STATES}
