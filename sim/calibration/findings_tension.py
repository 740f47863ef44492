"""How far the findings term's approximation is from the full replica evaluation.

:func:`tension_report` evaluates, under one calibrated parameter row, every relation of the seed
findings twice: by the cheap approximation of :class:`~sim.calibration.findings_term.FindingsTerm`
and by the replica studies of :mod:`sim.findings.evaluate`, and reports both side by side with
their correlation and agreement (``sim-calibrate`` prints it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.calibration.findings_term import (
    DEFAULT_FINDINGS_POOL,
    DEFAULT_FLOOR,
    FindingsTerm,
    RelationProbability,
    shipped_theta,
)
from sim.calibration.priors import CALIBRATED, check_theta, names
from sim.findings.evaluate import DEFAULT_POOL, DEFAULT_REPLICATES, DEFAULT_SEED, run_finding
from sim.findings.pools import PoolSet
from sim.model.parameters import PARAMETERS, parameter_index
from sim.model.patient import calibrated_defaults
from sim.observe.symptoms import default_symptom_model

__all__ = ["TensionReport", "tension_report"]


@dataclass(frozen=True)
class TensionReport:
    """The findings term under one parameter row next to the full replica evaluation.

    Attributes
    ----------
    theta : float64[P]
        Natural-scale parameter row (``names()`` order).
    approx : tuple of RelationProbability
        The term's per-relation approximation.
    replica : float64[R]
        Replica probabilities of the same relations (:func:`sim.findings.run_finding`).
    finding_replica : dict of str to float
        Replica probability of each finding (all its relations in one replica).
    weight, floor : float
    pool, replica_pool, replicates : int
    """

    theta: np.ndarray
    approx: tuple[RelationProbability, ...]
    replica: np.ndarray
    finding_replica: dict
    weight: float
    floor: float
    pool: int
    replica_pool: int
    replicates: int

    @property
    def penalty(self) -> float:
        """Unweighted sum of the log terms (the log density at weight 1)."""
        return float(sum(r.log_term for r in self.approx))

    @property
    def spearman(self) -> float:
        """Rank correlation of approximate and replica probabilities over the relations."""
        a = np.array([r.probability for r in self.approx])
        return float(stats.spearmanr(a, self.replica).statistic) if a.size > 2 else float("nan")

    @property
    def pearson(self) -> float:
        """Linear correlation of approximate and replica probabilities over the relations (NaN below 3)."""
        a = np.array([r.probability for r in self.approx])
        return float(np.corrcoef(a, self.replica)[0, 1]) if a.size > 2 else float("nan")

    @property
    def mean_abs_diff(self) -> float:
        """Mean absolute difference of approximate and replica probabilities over the relations."""
        return float(np.mean(np.abs(np.array([r.probability for r in self.approx]) - self.replica)))

    @property
    def agreement(self) -> float:
        """Share of relations both call reproduced (P >= 0.5) or both call not reproduced."""
        a = np.array([r.probability for r in self.approx]) >= 0.5
        return float(np.mean(a == (self.replica >= 0.5)))

    def summary_line(self) -> str:
        """One line: penalty, relation count, Spearman and Pearson correlations, mean |diff|, agreement."""
        return (f"findings_penalty={self.penalty:.2f} relations={len(self.approx)} spearman={self.spearman:.3f} "
                f"pearson={self.pearson:.3f} mean_abs_diff={self.mean_abs_diff:.3f} agreement={self.agreement:.2f}")

    def format(self) -> str:
        """Relation table, finding table, and :meth:`summary_line` as the last line."""
        head = ("finding", "expected", "measure @ day", "P approx", "log term", "P replica", "diff", "SE", "MCID")
        cells = []
        for r, rep in zip(self.approx, self.replica):
            rel = r.relation
            cells.append((r.finding, rel.text(), f"{rel.measure} @ {rel.day:g}", f"{r.probability:.2f}",
                          f"{r.log_term:.2f}", f"{rep:.2f}", f"{r.diff:.3g}", f"{r.se:.3g}",
                          "-" if not np.isfinite(r.mcid) else f"{r.mcid:g}"))
        lines = [f"findings term: pool {self.pool} per arm (approximation) vs {self.replicates} replicas from pools "
                 f"of {self.replica_pool}; floor {self.floor:g}; parameters: "
                 + ", ".join(f"{n}={v:.4g}" for n, v in zip(names(), self.theta))]
        lines += _table(head, cells)
        lines.append("")
        fcells = []
        for fid in dict.fromkeys(r.finding for r in self.approx):
            rows = [(r, rep) for r, rep in zip(self.approx, self.replica) if r.finding == fid]
            prod = float(np.prod([r.probability for r, _ in rows]))
            fcells.append((fid, str(len(rows)), f"{sum(r.log_term for r, _ in rows):.2f}", f"{prod:.2f}",
                           f"{self.finding_replica.get(fid, float('nan')):.2f}"))
        lines += _table(("finding", "relations", "log terms", "prod P approx", "P(finding) replica"), fcells)
        lines += ["", self.summary_line()]
        return "\n".join(lines)


def _table(head, cells) -> list[str]:
    width = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(head)]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, width)).rstrip()  # noqa: E731
    return [fmt(head), "-" * len(fmt(head))] + [fmt(c) for c in cells]


def tension_report(theta=None, *, findings=None, pool: int = DEFAULT_FINDINGS_POOL,
                   replicates: int = DEFAULT_REPLICATES, replica_pool: int = DEFAULT_POOL,
                   seed: int = DEFAULT_SEED, weight: float = 1.0, floor: float = DEFAULT_FLOOR) -> TensionReport:
    """Approximate and replica probabilities of every relation under one parameter row.

    Parameters
    ----------
    theta : float64[P], optional
        Natural-scale calibrated row (default: the shipped calibration, :func:`shipped_theta`).
    findings : sequence of Finding, optional
        Default: the whole catalog.
    pool : int
        Patients per arm of the approximation.
    replicates, replica_pool : int
        Replica studies per finding and the size of the pools they draw from.
    seed : int
    weight, floor : float
        As in :class:`FindingsTerm` (the report shows unweighted log terms).
    """
    theta = check_theta(shipped_theta() if theta is None else theta)[0]
    term = FindingsTerm(weight, findings=findings, pool=pool, seed=seed, floor=floor)
    approx = term.breakdown(theta)
    model = {p.name: float(theta[j]) for j, p in enumerate(CALIBRATED) if p.kind == "model"}
    symptoms = dataclasses.replace(default_symptom_model(), **{p.name: float(theta[j]) for j, p in enumerate(CALIBRATED)
                                                               if p.kind == "symptom"})
    pools = PoolSet(replica_pool, seed, {float(d) for f in term.findings for d in f.days}, symptoms=symptoms)
    base = calibrated_defaults()
    replica, per_finding = [], {}
    for f in term.findings:
        # The replicas take the model parameters as overrides, which equals the term's scaling for
        # parameters that no species preset or population varies (all calibrated ones today).
        extra = {k: v for k, v in model.items() if v != base.get(k, PARAMETERS[parameter_index(k)].default)}
        fr = run_finding(f, replicates, seed, pools, extra=extra or None)
        replica += [r.probability for r in fr.relations]
        per_finding[f.id] = fr.probability
    return TensionReport(theta, approx, np.array(replica), per_finding, float(weight), float(floor), int(pool),
                         int(replica_pool), int(replicates))
