"""Replicas of the original studies: how often would the study that reported a finding,
run again on virtual knees, report the same pattern?

For each finding, ``R`` replica studies are drawn (default 200). Replica ``r``:

1. takes ``n`` patients per arm from the arm's pool (:mod:`sim.findings.pools`) without
   replacement, different patients in different arms (parallel groups), or the same patients
   in every arm when the design is paired (common random numbers only where the study shared
   animals/patients);
2. draws two between-study multipliers shared by its arms (log-normal, mean 1): ``t_r`` of
   the treatment effect (CV :data:`sim.findings.noise.TREATMENT_EFFECT_CV`) and ``c_r`` of the
   contextual response (CV :data:`sim.findings.noise.CONTEXTUAL_EFFECT_CV`), and reads
   ``x = u + t_r (s - u) + c_r k`` per patient, where ``s`` is the arm's value without the
   contextual response, ``u`` the same for untreated knees of the same patients, and ``k`` the
   arm's contextual response;
3. adds measurement noise per patient and visit (:func:`sim.findings.noise.measurement_noise`);
4. applies the study's own test at level ``alpha``. A ``<``/``>`` relation holds when the test
   is significant and the mean difference has the stated sign; for patient-reported measures
   in humans the mean difference must also reach the package's MCID. A ``~`` relation holds
   when the test is not significant.

A replica reproduces the finding when all its relations hold; the finding's probability is the
share of replicas that do, and it counts as reproduced at >= 0.5. All random draws come from
streams named by finding, arm, measure and day (:func:`sim.population.stream`), so results are
the same for a seed at any thread count, and switching parameters (a mechanism ablation) reuses
the same draws.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.findings.design import Finding, Relation
from sim.findings.noise import CONTEXTUAL_EFFECT_CV, TREATMENT_EFFECT_CV, mcid, measurement_noise
from sim.findings.pools import UNTREATED, PoolSet
from sim.observe import MEASURES, find_measure
from sim.population import lognormal_multiplier, stream
from sim.trial.statistics import mann_whitney_u_test, welch_t_test

DEFAULT_SEED = 20240305  # the origin review's publication date
DEFAULT_REPLICATES = 200
DEFAULT_POOL = 400
REPRODUCED_AT = 0.5


@dataclass(frozen=True)
class RelationResult:
    """One relation over the replicas.

    Attributes
    ----------
    probability : float
        Share of replicas in which the relation holds.
    p_significant : float
        Share of replicas with a significant difference in the stated direction ("<"/">") or
        with any significant difference ("~").
    diff_median, diff_low, diff_high : float
        Median and 2.5/97.5% quantiles of the replicas' mean difference ``lhs - rhs``.
    model_diff : float
        Mean noise-free difference over the pool (same patients in both arms), without the
        between-study effect: what the model itself says.
    mcid : float
        Minimal difference required (NaN where none is).
    holds : bool[R]
        Per replica.
    between_sd : float
        Median over the replicas of the pooled within-arm SD of the observed values (between
        subjects, visit noise included), in the measure's unit: the spread a replica's test
        weighs the difference against.
    """

    finding: str
    relation: Relation
    unit: str
    n_lhs: int
    n_rhs: int
    test: str
    probability: float
    p_significant: float
    diff_median: float
    diff_low: float
    diff_high: float
    model_diff: float
    mcid: float
    holds: np.ndarray
    between_sd: float = float("nan")

    @property
    def reproduced(self) -> bool:
        """Whether the relation holds in at least :data:`REPRODUCED_AT` of the replicas."""
        return self.probability >= REPRODUCED_AT


@dataclass(frozen=True)
class FindingResult:
    """A finding over the replicas; ``non_evidential`` is filled by :func:`run_findings`."""

    finding: Finding
    relations: tuple[RelationResult, ...]
    replicates: int
    probability: float
    construction: tuple[bool, ...] = ()
    repeats: tuple[str, ...] = ()

    @property
    def reproduced(self) -> bool:
        """Whether all the finding's relations hold together in at least :data:`REPRODUCED_AT` of the replicas."""
        return self.probability >= REPRODUCED_AT

    @property
    def non_evidential(self) -> bool:
        """Every relation holds by construction or repeats a relation of an earlier finding."""
        flags = [c or bool(r) for c, r in zip(self.construction, self.repeats)]
        return bool(flags) and all(flags)


def _allocation(finding: Finding, replicates: int, seed: int, pool: int) -> dict[str, np.ndarray]:
    """int64[R, n_arm] pool indices of each arm's patients in each replica."""
    labels = list(finding.arms)
    sizes = [finding.design.n_arm(a) for a in labels]
    total = max(sizes) if finding.design.paired else sum(sizes)
    if total > pool:
        raise ValueError(f"{finding.id}: the replica needs {total} patients but the pool holds {pool}; "
                         f"allowed: pool >= {total}")
    u = stream(seed, finding.id, "allocation").random((replicates, pool))
    order = np.argsort(u, axis=1, kind="stable")[:, :total]
    out, start = {}, 0
    for label, n in zip(labels, sizes):
        out[label] = order[:, :n] if finding.design.paired else order[:, start:start + n]
        start += n
    return out


def _observed(finding, label, rel, pools, idx, mult, seed, extra):
    """float64[R, n]: one arm's observed values of the relation's measure on its day."""
    spec, arm = finding.population, finding.arms[label]
    treat, ctx = mult
    x = pools.values(spec, arm, rel.measure, rel.day, extra)
    s = pools.values(spec, arm, rel.measure, rel.day, extra, contextual=False)
    u = pools.values(spec, UNTREATED, rel.measure, rel.day, extra, contextual=False)
    xa, sa, ua = x[idx], s[idx], u[idx]
    k = xa - sa  # contextual part (zero for read-outs without one)
    eff = np.where(np.isfinite(ua), ua + treat[:, None] * (sa - ua), sa) + ctx[:, None] * k
    z = stream(seed, finding.id, label, rel.measure, f"{rel.day:g}").standard_normal(idx.shape)
    scale = MEASURES[rel.measure].native_scale if rel.measure in MEASURES else None
    return measurement_noise(rel.measure).apply(eff, z, scale)


def _pvalue(test: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if test == "welch":
        return welch_t_test(a, b).pvalue
    if test == "mann_whitney":
        return mann_whitney_u_test(a, b).pvalue
    d = a - b  # paired t test on complete pairs
    n = np.isfinite(d).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.nanmean(d, axis=-1) / (np.nanstd(d, axis=-1, ddof=1) / np.sqrt(n))
    return np.where(n > 1, 2.0 * stats.t.sf(np.abs(t), np.maximum(n - 1, 1)), np.nan)


def judge_relation(finding: Finding, rel: Relation, pools: PoolSet, alloc, mult, seed: int,
                   extra=None) -> RelationResult:
    """Run ``rel`` of ``finding`` through every replica (see the module docstring).

    Parameters
    ----------
    finding : Finding
    rel : Relation
        One of ``finding.relations``.
    pools : PoolSet
        Simulated patients the replicas draw from.
    alloc : dict of str to int64 (R, n_arm)
        Pool indices of each arm's patients in each of the R replicas.
    mult : tuple of two float64 (R,)
        Per-replica multipliers of the treatment effect and of the contextual response (the
        between-study variation).
    seed : int
        Seed of the measurement-noise draws.
    extra : mapping of str to float, optional
        Parameter values for every arm (e.g. mechanism switches).

    Returns
    -------
    RelationResult
    """
    design = finding.design
    a = _observed(finding, rel.lhs, rel, pools, alloc[rel.lhs], mult, seed, extra)
    b = _observed(finding, rel.rhs, rel, pools, alloc[rel.rhs], mult, seed, extra)
    with np.errstate(invalid="ignore"):
        p = _pvalue(design.test, np.where(np.isfinite(a), a, np.nan), np.where(np.isfinite(b), b, np.nan))
    diff = np.nanmean(a, axis=-1) - np.nanmean(b, axis=-1)
    sig = np.nan_to_num(p, nan=1.0) < design.alpha
    need = mcid(rel.measure) if finding.population.species == "human" else None
    if rel.op == "~":
        holds = ~sig
        p_sig = float(sig.mean())
    else:
        sign = -1.0 if rel.op == "<" else 1.0
        right = sig & (sign * diff > 0)
        holds = right & (sign * diff >= need) if need is not None else right
        p_sig = float(right.mean())
    xa = pools.values(finding.population, finding.arms[rel.lhs], rel.measure, rel.day, extra)
    xb = pools.values(finding.population, finding.arms[rel.rhs], rel.measure, rel.day, extra)
    lo, med, hi = np.nanquantile(diff, [0.025, 0.5, 0.975]) if np.isfinite(diff).any() else (np.nan,) * 3
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an arm of one subject has no SD
        pooled = np.sqrt(0.5 * (np.nanvar(a, axis=-1, ddof=1) + np.nanvar(b, axis=-1, ddof=1)))
        sd = float(np.nanmedian(pooled)) if np.isfinite(pooled).any() else float("nan")
    return RelationResult(finding.id, rel, find_measure(rel.measure).unit, design.n_arm(rel.lhs), design.n_arm(rel.rhs),
                          design.test, float(holds.mean()), p_sig, float(med), float(lo), float(hi),
                          float(np.nanmean(xa - xb)), float("nan") if need is None else float(need), holds, sd)


def run_finding(finding: Finding, replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED,
                pools: PoolSet | None = None, extra=None) -> FindingResult:
    """Replicate the study of ``finding`` ``replicates`` times and judge its relations.

    Parameters
    ----------
    finding : Finding
    replicates : int
        Replica studies (>= 1; 200 or more for the reported probabilities).
    seed : int
        Seed of the pools and of every replica draw.
    pools : PoolSet, optional
        Shared pools (default: a new set of :data:`DEFAULT_POOL` patients per population).
    extra : mapping of str to float, optional
        Parameter values for every arm of this evaluation (e.g. mechanism switches).
    """
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates < 1:
        raise ValueError(f"replicates: {replicates!r} is not allowed; allowed: an integer >= 1")
    pools = pools or PoolSet(DEFAULT_POOL, seed, finding.days)
    pools.prepare(finding.population, (*finding.arms.values(), UNTREATED), extra)  # one batch, run-in shared
    alloc = _allocation(finding, int(replicates), seed, pools.size)
    mult = tuple(lognormal_multiplier(stream(seed, finding.id, name).standard_normal(int(replicates)), cv)
                 for name, cv in (("study", TREATMENT_EFFECT_CV), ("context", CONTEXTUAL_EFFECT_CV)))
    rows = tuple(judge_relation(finding, rel, pools, alloc, mult, seed, extra) for rel in finding.relations)
    joint = np.all(np.stack([r.holds for r in rows]), axis=0)
    return FindingResult(finding, rows, int(replicates), float(joint.mean()))
