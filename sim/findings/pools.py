"""Pools of virtual patients: each arm simulated once, replicas drawn from it afterwards.

A replica study needs ``n`` independent patients per arm, hundreds of times over. Simulating
every replica afresh would cost ``replicates x n`` trajectories per arm; instead each arm is
simulated once on a pool of ``P`` patients drawn from the finding's population, and each
replica draws its patients from the pool without replacement (see
:mod:`sim.findings.evaluate`). This is sound as long as ``P`` is large next to the replica's
total size: a replica's patients are then a simple random sample of the population, and the
only approximation is that all replicas share the pool's own sampling error, of order
``SD / sqrt(P)``, against the replica's standard error ``SD / sqrt(n)`` (with ``P = 400`` and
``n = 25`` a quarter of it).

Patient ``i`` of a population's pool is the same virtual patient (covariates, parameters,
placebo responsiveness, all from the named streams of :func:`sim.population.sample_population`) in
every arm and every finding that uses the population, so arms can also be compared patient by
patient (common random numbers), which the non-evidential rules use.
"""

from __future__ import annotations

import dataclasses
import zlib
from typing import Mapping

import numpy as np

from sim.findings.design import Arm
from sim.observe import READOUTS, observe
from sim.observe.symptoms import SymptomModel, default_symptom_model
from sim.population import PopulationSpec, VirtualPopulation, sample_population
from sim.regimen import Regimen
from sim.simulation import DEFAULT_RUN_IN, simulate, start_day

#: Regimen of the untreated reference of every pool (the between-study effect scales each
#: arm's difference from it).
UNTREATED = Arm("none()@0")


class PoolSet:
    """Noise-free outcomes of every (population, arm, parameter overrides) on a pool of patients.

    Parameters
    ----------
    size : int
        Patients per pool ``P``.
    seed : int
        Seed of the population streams (a population's pool depends only on it and the spec).
    days : sequence of float
        Output days [days after the first injection]; every read-out day must be among them.
    overrides : mapping of str to float, optional
        Parameter values applied to every arm (e.g. ``{"mech_paracrine": 0}``).
    symptoms : SymptomModel, optional
        Observation coefficients of the patient-reported measures (default: the package's,
        :func:`sim.observe.symptoms.default_symptom_model`).
    """

    def __init__(self, size: int, seed: int, days, overrides: Mapping[str, float] | None = None,
                 symptoms: SymptomModel | None = None):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
            raise ValueError(f"pool size: {size!r} is not allowed; allowed: an integer >= 2")
        self.size = int(size)
        self.seed = int(seed)
        self.days = np.array(sorted({0.0} | {float(d) for d in days}))
        self.overrides = dict(overrides or {})
        self.symptoms = symptoms
        self._pops: dict[str, VirtualPopulation] = {}
        self._results: dict[tuple, object] = {}
        self._values: dict[tuple, np.ndarray] = {}
        self.trajectories = 0

    def population(self, spec: PopulationSpec) -> VirtualPopulation:
        """The pool's patients of population ``spec`` (drawn once).

        Parameters
        ----------
        spec : PopulationSpec

        Returns
        -------
        VirtualPopulation
            ``self.size`` patients, drawn with a seed derived from the pool's seed and ``spec``.
        """
        key = repr(spec)
        if key not in self._pops:
            pop_seed = (self.seed * 1_000_003 + zlib.crc32(key.encode())) % (2**62)
            self._pops[key] = sample_population(spec, self.size, pop_seed)
        return self._pops[key]

    def _key(self, spec: PopulationSpec, arm: Arm, extra: Mapping[str, float]) -> tuple:
        params = {**arm.parameters, **self.overrides, **extra}
        return (repr(spec), arm.regimen, tuple(sorted(params.items())))

    def prepare(self, spec: PopulationSpec, arms, extra: Mapping[str, float] | None = None) -> None:
        """Simulate every arm of ``arms`` not yet in the pool, together in one batch.

        The pool's patients are the same in every arm, so a batch solves their untreated run-in
        once per patient (:func:`sim.simulation.simulate` shares it between rows that are equal
        before day 0) instead of once per arm. Arms are batched only with arms that start on the
        same day, so an arm's outcomes are the same whether it is simulated alone or in a batch.

        Parameters
        ----------
        spec : PopulationSpec
            Population of the pool.
        arms : iterable of Arm
        extra : mapping of str to float, optional
            Further parameter values (as for :meth:`values`).
        """
        extra = dict(extra or {})
        todo: dict[tuple, Arm] = {}
        for arm in arms:
            key = self._key(spec, arm, extra)
            if key not in self._results:
                todo.setdefault(key, arm)
        if not todo:
            return
        base = self.population(spec).patients()
        by_start: dict[float, list[tuple]] = {}
        for key, arm in todo.items():
            by_start.setdefault(start_day(base[:1], [Regimen.parse(arm.regimen)], DEFAULT_RUN_IN), []).append(key)
        # Arms with the same parameter values share the patient objects (their inputs are built once).
        with_params: dict[tuple, list] = {}
        for keys in by_start.values():
            patients, regimens = [], []
            for key in keys:
                if key[2] not in with_params:
                    params = dict(key[2])
                    with_params[key[2]] = [dataclasses.replace(p, parameters={**p.parameters, **params}) for p in base]
                patients += with_params[key[2]]
                regimens += [todo[key].regimen] * self.size
            res = simulate(patients, regimens, times=self.days, run_in=DEFAULT_RUN_IN)
            for k, key in enumerate(keys):
                self._results[key] = res.rows(slice(k * self.size, (k + 1) * self.size))
            self.trajectories += len(patients)

    def _result(self, spec: PopulationSpec, arm: Arm, extra: Mapping[str, float]):
        key = self._key(spec, arm, extra)
        if key not in self._results:
            self.prepare(spec, [arm], extra)
        return key, self._results[key]

    def values(self, spec: PopulationSpec, arm: Arm, measure: str, day: float,
               extra: Mapping[str, float] | None = None, contextual: bool = True) -> np.ndarray:
        """float64[P]: noise-free ``measure`` on ``day`` of every pool patient under ``arm``.

        Patient-reported measures include each patient's contextual (placebo) response, the
        model's ``placebo_max`` times the patient's multiplier from the population sampler;
        ``contextual=False`` leaves it out. Failed solves are NaN.

        Parameters
        ----------
        spec : PopulationSpec
            Population of the pool.
        arm : Arm
            Regimen and parameter overrides of the arm.
        measure : str
            A measure of :data:`sim.observe.MEASURES` or :data:`sim.observe.READOUTS`.
        day : float
            One of the pool's simulated days.
        extra : mapping of str to float, optional
            Further parameter values (e.g. mechanism switches).
        contextual : bool
            Include the contextual (placebo) response of patient-reported measures.

        Returns
        -------
        float64 (P,)
            In the measure's unit.

        Raises
        ------
        ValueError
            For a day the pool did not simulate.
        """
        col = np.searchsorted(self.days, float(day))
        if col >= self.days.size or self.days[col] != float(day):
            raise ValueError(f"day: {day!r} was not simulated; allowed: {', '.join(f'{d:g}' for d in self.days)}")
        key, res = self._result(spec, arm, dict(extra or {}))
        vkey = key + (measure, bool(contextual))
        if vkey not in self._values:
            symptoms = None
            if measure not in READOUTS:
                placebo = self.population(spec).placebo if contextual else np.zeros(self.size)
                symptoms = (self.symptoms or default_symptom_model()).with_contextual(placebo)
            x = np.asarray(observe(res, measure, symptoms=symptoms), dtype=float)
            self._values[vkey] = np.where(res.ok[:, None], x, np.nan)
        return self._values[vkey][:, col]
