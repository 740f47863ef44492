"""Which reproduced relations are evidence for the model, by two rules computed from the model.

* **By construction.** A relation of a finding about MSCs or their exosomes (some arm contains
  ``msc`` or ``exo``) holds by construction when it is reproduced both by the model and by the
  same model with all four MSC mechanisms switched off (``mech_differentiation``,
  ``mech_paracrine``, ``mech_immunomodulation``, ``mech_homing`` = 0): it would hold even if the
  injected cells did nothing the review ascribes to them, so reproducing it says nothing about
  them. The ablation reuses every random draw of the replicas.
* **Repeat.** A relation repeats a relation of an earlier finding (catalog order) in the same
  population when both are read on the same day, on the same measure or both on
  patient-reported measures (every questionnaire and pain scale is read from the same latent
  pain and function indices), state the same direction of benefit, and their arms are
  indistinguishable in the model: on the same pool patients, the mean absolute difference
  between the corresponding arms is below :data:`EQUIVALENCE_FRACTION` of one visit's
  measurement noise on both measures and on the probes :data:`PROBES` (structure and
  inflammation, so that two different treatments that happen to give the same symptoms on
  that day are not taken for the same arm). An HA or corticosteroid arm that the model does not
  separate from saline thus makes "MSC better than HA" a repeat of "MSC better than saline".

A finding is non-evidential when every one of its relations is.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.findings.design import Finding, Relation
from sim.findings.evaluate import DEFAULT_POOL, DEFAULT_REPLICATES, DEFAULT_SEED, FindingResult, run_finding
from sim.findings.noise import is_patient_reported, measurement_noise
from sim.findings.pools import PoolSet
from sim.observe import MEASURES

MECHANISMS = ("mech_differentiation", "mech_paracrine", "mech_immunomodulation", "mech_homing")
CELL_PRODUCTS = ("msc", "exo")
#: Arms closer than this fraction of one visit's noise SD are indistinguishable (assumed: a
#: fifth of one visit's noise is far below what replicas of these sizes detect).
EQUIVALENCE_FRACTION = 0.2
#: Read-outs on which arms must also agree to count as the same arm.
PROBES = ("MRI_cartilage_volume", "IL1b")


def _equivalent(pools: PoolSet, finding: Finding, label: str, other: Finding, other_label: str,
                measure: str, day: float) -> bool:
    xa = pools.values(finding.population, finding.arms[label], measure, day)
    xb = pools.values(other.population, other.arms[other_label], measure, day)
    noise = measurement_noise(measure)
    level = noise.value if noise.kind == "absolute" else noise.value * float(np.nanmean(np.abs(xb)))
    return bool(np.nanmean(np.abs(xa - xb)) < EQUIVALENCE_FRACTION * level)


def _benefit(rel: Relation) -> tuple[str, str] | frozenset:
    """(better arm, worse arm) for "<"/">", or the unordered pair for "~"."""
    if rel.op == "~":
        return frozenset((rel.lhs, rel.rhs))
    lower_better = rel.measure in MEASURES and not MEASURES[rel.measure].higher_is_better
    lhs_better = (rel.op == "<") == lower_better if rel.measure in MEASURES else rel.op == ">"
    return (rel.lhs, rel.rhs) if lhs_better else (rel.rhs, rel.lhs)


def repeat_of(pools: PoolSet, finding: Finding, rel: Relation, earlier: list[Finding]) -> str:
    """Id of the earlier finding whose relation ``rel`` repeats, or ``""``.

    Parameters
    ----------
    pools : PoolSet
    finding : Finding
        The finding ``rel`` belongs to.
    rel : Relation
    earlier : list of Finding
        Findings judged before ``finding``; only those with the same population count.

    Returns
    -------
    str
        A finding id, or ``""`` when ``rel`` repeats none.
    """
    mine = _benefit(rel)
    for other in earlier:
        if repr(other.population) != repr(finding.population):
            continue
        for rel2 in other.relations:
            same_measure = rel.measure == rel2.measure or (is_patient_reported(rel.measure)
                                                            and is_patient_reported(rel2.measure))
            if rel2.day != rel.day or not same_measure or (rel.op == "~") != (rel2.op == "~"):
                continue
            theirs = _benefit(rel2)
            if rel.op == "~":  # unordered pairs: try both matchings
                (a1, a2), (b1, b2) = sorted(mine), sorted(theirs)
                candidates = [((a1, b1), (a2, b2)), ((a1, b2), (a2, b1))]
            else:
                candidates = [tuple(zip(mine, theirs))]
            for cand in candidates:
                if all(_equivalent(pools, finding, a, other, b, m, rel.day)
                       for a, b in cand for m in {rel.measure, rel2.measure, *PROBES}):
                    return other.id
    return ""


def run_findings(findings, replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED,
                 pool: int = DEFAULT_POOL, overrides=None) -> list[FindingResult]:
    """Replicas of every finding, with the non-evidential flags of both rules.

    Parameters
    ----------
    findings : sequence of Finding
    replicates : int
        Replica studies per finding.
    seed : int
    pool : int
        Patients per pool (per population and arm).
    overrides : mapping of str to float, optional
        Parameter values for every arm of every finding (e.g. ``{"mech_paracrine": 0}``); the
        by-construction rule then compares this model with all mechanisms switched off.
    """
    findings = list(findings)
    days = {float(d) for f in findings for d in f.days}
    pools = PoolSet(pool, seed, days, overrides)
    off = {m: 0.0 for m in MECHANISMS}
    out: list[FindingResult] = []
    for i, f in enumerate(findings):
        fr = run_finding(f, replicates, seed, pools)
        cells = any(p in CELL_PRODUCTS for arm in f.arms.values() for p in arm.products)
        if cells:
            ablated = run_finding(f, replicates, seed, pools, extra=off)
            construction = tuple(a.reproduced and b.reproduced for a, b in zip(fr.relations, ablated.relations))
        else:
            construction = (False,) * len(fr.relations)
        repeats = tuple(repeat_of(pools, f, rel, findings[:i]) for rel in f.relations)
        out.append(dataclasses.replace(fr, construction=construction, repeats=repeats))
    return out
