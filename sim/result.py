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
