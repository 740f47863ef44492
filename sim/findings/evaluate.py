"""Run the virtual study of a finding and judge each expected relation.

Every arm gets the same virtual patients (common random numbers): covariates and parameter
multipliers are drawn once per finding, all arms are stacked into ONE :func:`sim.simulate`
call, and each relation is judged on the paired per-patient differences ``lhs - rhs`` at the
relation's day (95% t-interval of the mean paired difference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.findings.measures import measure_unit, measure_values
from sim.findings.spec import Finding, Population
from sim.model.parameters import PARAMETERS, PARAMETER_INDEX
from sim.model.patient import Patient
from sim.simulation import simulate

DEFAULT_SEED = 20240305  # the origin review's publication date


def _finding_number(fid: str) -> int:
    digits = "".join(c for c in fid if c.isdigit())
    return int(digits) if digits else 0


def draw_patients(pop: Population, n: int, rng: np.random.Generator) -> list[dict]:
    """``n`` patient specifications (Patient keyword arguments) drawn from ``pop``.

    Log-normal multipliers are centred on 1 (median) and clipped to the parameter bounds.
    """
    if n < 2:
        raise ValueError(f"n: {n!r} patients per arm is too few; allowed: an integer >= 2")
    human = pop.species == "human"
    kl = rng.choice(np.asarray(pop.kl_grades), size=n, p=np.asarray(pop.kl_weights))
    age = np.clip(rng.normal(pop.age_mean, pop.age_sd, n), 30.0, 90.0) if human else np.full(n, 60.0)
    bmi = np.clip(rng.normal(pop.bmi_mean, pop.bmi_sd, n), 18.0, 45.0) if human else np.full(n, 25.0)
    mult = {name: np.exp(sd * rng.standard_normal(n)) for name, sd in pop.sd_log.items()}
    out = []
    for i in range(n):
        params = {}
        for name, m in mult.items():
            if name in ("inflammation", "alignment_load"):
                continue
            q = PARAMETERS[PARAMETER_INDEX[name]]
            params[name] = float(np.clip(q.default * m[i], q.lower, q.upper))
        out.append(dict(species=pop.species, kl_grade=int(kl[i]) if human else 0, age=float(age[i]),
                        bmi=float(bmi[i]),
                        alignment_load=float(np.clip(mult.get("alignment_load", np.ones(n))[i], 0.2, 5.0)),
                        inflammation=float(np.clip(mult.get("inflammation", np.ones(n))[i], 0.0, 10.0)),
                        parameters=params))
    return out


@dataclass(frozen=True)
class RelationResult:
    """Outcome of one relation: paired difference ``lhs - rhs`` (measure units) with its 95% CI."""

    finding: str
    relation: str
    measure: str
    day: float
    unit: str
    mean_lhs: float
    mean_rhs: float
    diff: float
    ci_low: float
    ci_high: float
    margin: float
    n: int
    reproduced: bool
    reason: str


@dataclass(frozen=True)
class FindingResult:
    finding: Finding
    relations: tuple[RelationResult, ...]
    n_failed: int

    @property
    def reproduced(self) -> bool:
        return all(r.reproduced for r in self.relations)


def judge(op: str, diff: np.ndarray, sd_pooled: float, margin_sd: float, floor: float = 0.0):
    """Mean, 95% t-interval, margin, verdict and reason for paired differences ``diff``.

    The margin is ``max(margin_sd * sd_pooled, floor)`` in the measure's unit.
    """
    n = diff.size
    mean = float(diff.mean())
    half = float(stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n)) if n > 1 else np.inf
    lo, hi = mean - half, mean + half
    margin = max(margin_sd * sd_pooled, floor)
    if op == "~":
        ok = -margin < lo and hi < margin
        reason = "" if ok else f"difference exceeds the equivalence margin +-{margin:.3g}"
    else:
        sign = -1.0 if op == "<" else 1.0
        if sign * mean <= 0:
            ok, reason = False, "wrong direction"
        elif sign * (lo if op == ">" else hi) <= 0:
            ok, reason = False, "interval includes 0"
        elif sign * mean <= margin:
            ok, reason = False, f"right direction but below the minimal effect {margin:.3g}"
        else:
            ok, reason = True, ""
    return mean, lo, hi, margin, ok, reason


def run_finding(finding: Finding, n: int = 100, seed: int = DEFAULT_SEED) -> FindingResult:
    """Simulate every arm of ``finding`` in the same ``n`` virtual patients and judge its relations."""
    rng = np.random.default_rng([seed, _finding_number(finding.id)])
    specs = draw_patients(finding.population, n, rng)
    labels = list(finding.arms)
    patients, regimens = [], []
    for label in labels:
        arm = finding.arms[label]
        for spec in specs:
            patients.append(Patient(**{**spec, "parameters": {**spec["parameters"], **arm.parameters}}))
            regimens.append(arm.regimen)
    res = simulate(patients, regimens, times=np.array(finding.days), provenance={"finding": finding.id})
    ok = res.ok.reshape(len(labels), n).all(axis=0)  # drop a patient from every arm if any arm failed
    rows = []
    cache: dict[str, np.ndarray] = {}
    for rel in finding.relations:
        if rel.measure not in cache:
            cache[rel.measure] = measure_values(res, rel.measure).reshape(len(labels), n, -1)
        vals = cache[rel.measure][:, :, res.at(rel.day)]
        a, b = vals[labels.index(rel.lhs)], vals[labels.index(rel.rhs)]
        keep = ok & np.isfinite(a) & np.isfinite(b)
        a, b = a[keep], b[keep]
        if a.size < 2:
            rows.append(RelationResult(finding.id, rel.text(), rel.measure, rel.day, measure_unit(rel.measure),
                                       np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, int(a.size), False,
                                       "fewer than 2 patients with finite values in both arms"))
            continue
        sd_pooled = float(np.sqrt(0.5 * (a.var(ddof=1) + b.var(ddof=1))))
        mean, lo, hi, margin, good, reason = judge(rel.op, a - b, sd_pooled, finding.margin_sd,
                                                     finding.margin_rel * abs(float(b.mean())))
        rows.append(RelationResult(finding.id, rel.text(), rel.measure, float(rel.day), measure_unit(rel.measure),
                                   float(a.mean()), float(b.mean()), mean, lo, hi, margin, int(a.size),
                                   good, reason))
    return FindingResult(finding, tuple(rows), int((~ok).sum()))


def run_findings(findings, n: int = 100, seed: int = DEFAULT_SEED) -> list[FindingResult]:
    """:func:`run_finding` for each finding (one ``simulate`` call per finding)."""
    return [run_finding(f, n=n, seed=seed) for f in findings]
