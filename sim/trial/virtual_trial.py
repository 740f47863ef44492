"""Run a virtual trial: one batched ``simulate`` call for every patient of every arm and replicate.

Design
------
``R`` replicate trials of the same design are simulated at once. One population is drawn in
blocks of ``n_max`` patients (``n_max`` = largest arm); block ``b`` holds patients
``b * n_max + j``, and arm ``k`` of replicate ``r`` takes the first ``n_arm`` patients of block
``r + offset_k``. Patients are common random numbers: patient ``i`` has the same covariates,
parameters, placebo responsiveness, visit noise and dropout time in every arm, so two arms
with identical regimens give identical values on the blocks they share: bit for bit with the
solver's ``lockstep`` off, to the solver's tolerance with it on (the default), since a patient
then shares its steps with the three patients beside it (:mod:`sim.solver.lanes`).

``allocation`` sets the offsets:

* ``"independent"`` (default): ``offset_k = k``. Within one replicate trial the arms hold
  *different* patients, as after randomisation in a real trial, so the spread of between-arm
  statistics over replicates (prediction intervals, power) is honest.
* ``"paired"``: ``offset_k = 0``. Every arm of a replicate holds the *same* patients, so
  between-arm differences carry no sampling noise between arms: the design for estimating
  the model's expected effect precisely, not for predicting what one real trial would report.

Observation happens after the ODE solve (never inside it): each patient's contextual response
is ``placebo_max`` (``SymptomModel``) times that patient's multiplier, each visit adds noise from
the stream ``noise:<measure>``, and each patient has one dropout time (missing completely at
random, the same in every arm) after which visits are missing (NaN).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.observe import MEASURES, observe
from sim.observe.symptoms import default_symptom_model
from sim.population import VirtualPopulation, sample_population, stream
from sim.simulation import DEFAULT_OPTIONS, simulate
from sim.solver import SolverOptions
from sim.trial.spec import TrialSpec, TrialSpecError

__all__ = ["TrialResult", "run_trial", "dropout_mask", "OARSI_DOMAINS"]

#: Instruments of the OMERACT-OARSI responder criteria: WOMAC pain and function, 0-100 normalised.
OARSI_DOMAINS = {"pain": "WOMAC_pain", "function": "WOMAC_function"}


@dataclass(frozen=True, eq=False)
class TrialResult:
    """Patient-level outcomes of ``replicates`` virtual trials of ``spec``.

    Attributes
    ----------
    spec : TrialSpec
    seed, replicates : int
    visits : float64[V]
        Observation days: 0 (baseline) then ``spec.follow_up_days``.
    values : dict arm -> dict endpoint label -> float64[R, n_arm, V]
        Observed values on the endpoint's scale; NaN = missing (dropped out or solver failure).
    domains : dict arm -> dict {"pain", "function"} -> float64[R, n_arm, V]
        WOMAC pain and function, 0-100, observed with noise (OMERACT-OARSI responder inputs).
    population : VirtualPopulation
        All patients, block-major (block ``b`` = patients ``b * n_max ... b * n_max + n_max - 1``).
    status : dict arm -> int64[R, n_arm]
        Solver status per patient (0 = success).
    blocks : dict arm -> int64[R]
        Population block of each replicate of each arm.
    n_max : int
        Block size (largest arm).
    times, trajectories : optional
        Day grid float64[T] and noise-free endpoint values per arm/endpoint, float64[R, n_arm, T]
        (``None`` unless ``trajectory_step`` was given).
    provenance : dict
    """

    spec: TrialSpec
    seed: int
    replicates: int
    visits: np.ndarray
    values: dict
    domains: dict
    population: VirtualPopulation
    status: dict
    blocks: dict
    n_max: int
    times: np.ndarray | None = None
    trajectories: dict | None = None
    provenance: dict = dataclasses.field(default_factory=dict)

    def patient_index(self, arm: str) -> np.ndarray:
        """int64[R, n_arm]: population index of each patient of ``arm``.

        Parameters
        ----------
        arm : str
            Arm name of the spec.

        Returns
        -------
        int64 (R, n_arm)
        """
        return self.blocks[arm][:, None] * self.n_max + np.arange(self.spec.n_per_arm[arm])[None, :]

    @property
    def n_failed(self) -> int:
        """Virtual patients whose solver run failed, over all arms and replicates."""
        return int(sum(int((s != 0).sum()) for s in self.status.values()))


def dropout_mask(u: np.ndarray, visits: np.ndarray, dropout: float) -> np.ndarray:
    """bool[N, V]: True where patient ``i`` is still in the trial at ``visits[v]``.

    Time to dropout is exponential with the hazard that gives probability ``dropout`` of
    leaving before the last visit; ``u`` are the patients' uniform draws. Baseline is always
    observed.

    Parameters
    ----------
    u : float64 (N,)
        Uniform draws of the patients.
    visits : float64 (V,)
        Visit days, baseline first.
    dropout : float
        Probability of leaving before the last visit, in [0, 1).

    Returns
    -------
    bool (N, V)
    """
    if dropout <= 0:
        return np.ones((u.size, visits.size), dtype=bool)
    rate = -np.log1p(-dropout) / visits[-1]
    t_drop = -np.log1p(-u) / rate
    keep = visits[None, :] < t_drop[:, None]
    keep[:, 0] = True
    return keep


def _observe(result, rows: np.ndarray, measure: str, scale, placebo: np.ndarray, cols) -> np.ndarray:
    symptoms = default_symptom_model().with_contextual(placebo[rows])
    return observe(result, measure, scale, symptoms=symptoms)[:, cols]


def run_trial(spec: TrialSpec, replicates: int = 1, seed: int = 0, *, allocation: str = "independent",
              options: SolverOptions | None = None, run_in: float = 180.0,
              trajectory_step: float | None = None) -> TrialResult:
    """Simulate ``replicates`` trials of ``spec`` with one batched, parallel solver call.

    Parameters
    ----------
    spec : TrialSpec
    replicates : int
        Independent trials of the same design (prediction intervals need >= 20; 200 is good).
    seed : int
        Seed of every random stream (population, observation, dropout).
    allocation : {"independent", "paired"}
        Whether the arms of one replicate hold different patients (a real trial) or the same
        (see the module docstring).
    options : SolverOptions, optional
        Solver settings (default ``sim.simulation.DEFAULT_OPTIONS``).
    run_in : float
        Untreated days before day 0 [days].
    trajectory_step : float, optional
        Also keep noise-free endpoint trajectories on a grid of this step [days].

    Returns
    -------
    TrialResult
    """
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates <= 0:
        raise TrialSpecError(f"replicates: {replicates!r} is not allowed; allowed: an integer > 0")
    if trajectory_step is not None and not (np.isfinite(trajectory_step) and trajectory_step > 0):
        raise TrialSpecError(f"trajectory_step: {trajectory_step!r} is not allowed; allowed: a number of days > 0")
    if allocation not in ("independent", "paired"):
        raise TrialSpecError(f"allocation: {allocation!r} is not allowed; allowed: independent, paired")
    R = int(replicates)
    n_max = max(spec.n_per_arm.values())
    offsets = {a: (k if allocation == "independent" else 0) for k, a in enumerate(spec.arm_names)}
    n_blocks = R + max(offsets.values())
    pop = sample_population(spec.population, n_blocks * n_max, seed, spec.observation.placebo_cv)
    visits = np.array((0.0,) + spec.follow_up_days)
    grid = visits
    if trajectory_step is not None:
        grid = np.union1d(np.arange(0.0, spec.t_end + 0.5 * trajectory_step, trajectory_step), visits)
        grid = grid[grid <= spec.t_end]
    cols = np.searchsorted(grid, visits)

    # Patient rows of each arm in the population (replicate-major) and one batched call.
    blocks = {a: np.arange(R) + offsets[a] for a in spec.arm_names}
    rows = {a: (blocks[a][:, None] * n_max + np.arange(spec.n_per_arm[a])[None, :]).ravel() for a in spec.arm_names}
    base = pop.patients(np.arange(n_blocks * n_max))
    patients, regimens, slices, start = [], [], {}, 0
    for arm in spec.arms:
        idx = rows[arm.name]
        patients += [base[i] for i in idx]
        regimens += [arm.regimen] * idx.size
        slices[arm.name] = slice(start, start + idx.size)
        start += idx.size
    result = simulate(patients, regimens, times=grid, run_in=run_in, options=options or DEFAULT_OPTIONS,
                      provenance={"seed": int(seed)})
    all_rows = np.concatenate([rows[a] for a in spec.arm_names])
    keep = dropout_mask(pop.dropout_u, visits, spec.dropout)

    def observed(measure, scale):
        lo, hi = scale or MEASURES[measure].native_scale
        nlo, nhi = MEASURES[measure].native_scale
        x = _observe(result, all_rows, measure, scale, pop.placebo, cols)
        sd = spec.observation.noise_sd(measure) * (hi - lo) / (nhi - nlo)
        if sd > 0:  # visit noise drawn for the whole population, so patient i gets the same noise in every arm
            z = stream(seed, f"noise:{measure}").standard_normal((len(pop), visits.size))
            x = np.clip(x + sd * z[all_rows], lo, hi)
        return np.where(keep[all_rows], x, np.nan)

    values = {a: {} for a in spec.arm_names}
    for ep in spec.endpoints:
        x = observed(ep.measure, ep.scale)
        for a in spec.arm_names:
            values[a][ep.label] = x[slices[a]].reshape(R, spec.n_per_arm[a], visits.size)
    domains = {a: {} for a in spec.arm_names}
    if spec.population.species == "human":
        for key, measure in OARSI_DOMAINS.items():
            x = observed(measure, (0.0, 100.0))
            for a in spec.arm_names:
                domains[a][key] = x[slices[a]].reshape(R, spec.n_per_arm[a], visits.size)
    status = {a: result.status[slices[a]].reshape(R, spec.n_per_arm[a]) for a in spec.arm_names}
    trajectories = None
    if trajectory_step is not None:
        trajectories = {a: {} for a in spec.arm_names}
        for ep in spec.endpoints:
            x = _observe(result, all_rows, ep.measure, ep.scale, pop.placebo, slice(None))
            for a in spec.arm_names:
                trajectories[a][ep.label] = x[slices[a]].reshape(R, spec.n_per_arm[a], grid.size)
    prov = dict(result.provenance)
    prov.update({"replicates": R, "n_patients_simulated": len(patients)})
    prov["allocation"] = allocation
    return TrialResult(spec, int(seed), R, visits, values, domains, pop, status, blocks, n_max,
                       grid if trajectory_step is not None else None, trajectories, prov)
