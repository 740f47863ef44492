"""Sample size by simulation: the smallest n per arm that reaches a target power.

One population of ``replicates x n_max`` patients goes through the two arms in one batched
call; the trial of ``n`` patients per arm in replicate ``r`` is the first ``n`` patients of that
replicate's block. Trials of different sizes therefore share patients (common random numbers),
which makes the power curve smooth in ``n`` at no extra simulation cost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.trial.spec import TrialSpec, TrialSpecError
from sim.trial.statistics import welch_t_test
from sim.trial.virtual_trial import run_trial

__all__ = ["PowerResult", "power_analysis"]


@dataclass(frozen=True, eq=False)
class PowerResult:
    """Power of ``arm`` vs ``control`` on ``endpoint`` at ``day`` for each n per arm.

    Attributes
    ----------
    n_grid : int64[K]
    power : float64[K]
        Share of replicate trials with two-sided Welch p < ``alpha`` on the change from baseline
        and a difference favouring ``arm``.
    se : float64[K]
        Monte-Carlo standard error of ``power``.
    n_required : int or None
        Smallest n in ``n_grid`` whose power is >= ``target`` (None if none is).
    """

    arm: str
    control: str
    endpoint: str
    day: float
    alpha: float
    target: float
    replicates: int
    n_grid: np.ndarray
    power: np.ndarray
    se: np.ndarray
    n_required: int | None


def power_analysis(spec: TrialSpec, arm: str, endpoint: str, day: float, n_grid, *, target: float = 0.8,
                   alpha: float = 0.05, replicates: int = 200, seed: int = 0, options=None) -> PowerResult:
    """Power curve of ``arm`` vs ``spec.control`` and the smallest n per arm reaching ``target``.

    Parameters
    ----------
    spec : TrialSpec
        Design (population, observation, dropout, endpoints); its n per arm is ignored.
    arm : str
        Arm compared with ``spec.control``.
    endpoint : str
        Endpoint label or measure.
    day : float
        Follow-up visit of the comparison (one of ``spec.follow_up_days``).
    n_grid : sequence of int
        Candidate patients per arm (each > 1).
    """
    control = spec.control
    spec.arm(arm)
    if arm == control:
        raise TrialSpecError(f"arm: {arm!r} is the control arm; allowed: another arm of {', '.join(spec.arm_names)}")
    ep = spec.endpoint(endpoint)
    if float(day) not in spec.follow_up_days:
        allowed = ", ".join(f"{d:g}" for d in spec.follow_up_days)
        raise TrialSpecError(f"day: {day!r} is not a follow-up visit; allowed: {allowed}")
    grid = np.unique(np.asarray(list(n_grid), dtype=np.int64))
    if grid.size == 0 or grid[0] < 2:
        raise TrialSpecError(f"n_grid: {list(n_grid)!r} is not allowed; allowed: integers >= 2")
    for name, x in (("target", target), ("alpha", alpha)):
        if not 0 < x < 1:
            raise TrialSpecError(f"{name}: {x!r} is not allowed; allowed: 0 < {name} < 1")
    n_max = int(grid[-1])
    two = dataclasses.replace(spec, arms=(spec.arm(arm), spec.arm(control)), n_per_arm=n_max, endpoints=(ep,))
    trial = run_trial(two, replicates, seed, options=options)
    v = 1 + spec.follow_up_days.index(float(day))
    xa, xc = trial.values[arm][ep.label], trial.values[control][ep.label]
    ca, cc = xa[:, :, v] - xa[:, :, 0], xc[:, :, v] - xc[:, :, 0]
    power = np.empty(grid.size)
    for k, n in enumerate(grid):
        a, c = ca[:, :n], cc[:, :n]
        p = welch_t_test(a, c).pvalue
        diff = np.nanmean(a, axis=1) - np.nanmean(c, axis=1)
        better = diff > 0 if ep.higher_is_better else diff < 0
        power[k] = np.mean((p < alpha) & better)  # NaN p (too few completers) counts as not significant
    se = np.sqrt(power * (1 - power) / replicates)
    hits = np.flatnonzero(power >= target)
    return PowerResult(arm, control, ep.label, float(day), float(alpha), float(target), int(replicates), grid,
                       power, se, int(grid[hits[0]]) if hits.size else None)
