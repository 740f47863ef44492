"""Out-of-sample validation: predict every row of any arms/outcomes pair with 95% intervals.

The calibrated model and its posterior (package data) simulate every arm of the files; each
scorable row gets a posterior-predictive 95% interval (parameter uncertainty from the packaged
posterior draws, plus the row's sampling error from its reported spread and n, plus the
calibrated model discrepancy). Rows that cannot be scored are listed with the reason.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.calibration.fit import Problem
from sim.calibration.likelihood import total_sd
from sim.calibration.parameters import CALIBRATED, CalibrationError, _estimate, names, posterior_samples
from sim.calibration.targets import Skipped, Target

__all__ = ["ValidationReport", "validate", "predictive_intervals", "sign_comparisons"]

_DELTA = names().index("discrepancy")
_CONTROL_PRODUCTS = {"saline", "none"}


@dataclass(frozen=True)
class ValidationReport:
    """Per-row predictions and the summary scores.

    ``predicted``, ``lower``, ``upper``: float64[n] posterior-predictive median and 95% interval.
    """

    targets: list[Target]
    skipped: list[Skipped]
    predicted: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    comparisons: list[tuple[str, str, bool]]

    @property
    def inside(self) -> np.ndarray:
        obs = np.array([t.observed for t in self.targets])
        return (obs >= self.lower) & (obs <= self.upper)

    @property
    def coverage95(self) -> float:
        return float(self.inside.mean()) if self.targets else float("nan")

    @property
    def sign_agreement(self) -> float:
        return float(np.mean([c[2] for c in self.comparisons])) if self.comparisons else float("nan")

    def summary_line(self) -> str:
        return (f"coverage95={self.coverage95:.3f} sign_agreement={self.sign_agreement:.3f} "
                f"rows={len(self.targets)} skipped={len(self.skipped)}")

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["row", "status", "arm_id", "vs_arm_id", "measure", "scale_min", "scale_max", "timepoint_days",
                    "statistic", "observed", "predicted", "pi95_low", "pi95_high", "inside", "reason"])
        for t, p, lo, hi, ins in zip(self.targets, self.predicted, self.lower, self.upper, self.inside):
            w.writerow([t.key, "scored", t.arm_id, t.vs_arm_id or "", t.measure, f"{t.scale[0]:g}", f"{t.scale[1]:g}",
                        f"{t.day:g}", t.statistic, f"{t.observed:.6g}", f"{p:.6g}", f"{lo:.6g}", f"{hi:.6g}",
                        int(ins), ""])
        for s in self.skipped:
            w.writerow([s.key, "skipped", s.arm_id, "", s.measure, "", "", "", s.statistic, "", "", "", "", "",
                        s.reason])
        return buf.getvalue()


def _draws(n_draws: int, seed: int) -> np.ndarray:
    _, samples = posterior_samples()
    if samples.shape[0] == 0:
        est = _estimate()
        return np.array([[est[n] for n in names()]])
    if samples.shape[0] > n_draws:
        samples = samples[np.sort(np.random.default_rng(seed).choice(samples.shape[0], n_draws, replace=False))]
    return samples


def predictive_intervals(problem: Problem, draws: np.ndarray, *, per_draw: int = 50, seed: int = 0):
    """Posterior-predictive median and 95% interval of every target: three float64[n] arrays.

    ``draws`` float64[S, P] natural-scale parameter draws; each contributes ``per_draw`` reported
    values ``mu + sd * z`` with the row's total SD.
    """
    pred = problem.predict(draws)
    sd = total_sd(problem.se, problem.span, draws[:, _DELTA])
    z = np.random.default_rng(seed).standard_normal((draws.shape[0], per_draw, pred.shape[1]))
    y = (pred[:, None, :] + sd[:, None, :] * z).reshape(-1, pred.shape[1])
    q = np.nanquantile(y, [0.5, 0.025, 0.975], axis=0)
    return q[0], q[1], q[2], np.nanmedian(pred, axis=0)


def sign_comparisons(problem: Problem, arms, mu: np.ndarray) -> list[tuple[str, str, bool]]:
    """Between-arm comparisons ``(row key(s), label, right sign?)``.

    Each ``mean_difference_vs_control`` row, and each pair (arm, study control) of follow-up rows
    of the same measure, scale, day and statistic; the study control is the ``vs_arm_id`` of a
    between-arm row, else an arm of only saline / no treatment. Pairs with an observed difference
    of exactly 0 have no sign and are left out.
    """
    out = []
    ts = problem.targets
    for t, m in zip(ts, mu):
        if t.statistic == "mean_difference_vs_control" and t.observed != 0:
            out.append((t.key, f"{t.arm_id} vs {t.vs_arm_id}", bool(np.sign(m) == np.sign(t.observed))))
    study_arms: dict[str, list] = {}
    for a in arms:
        study_arms.setdefault(a.study_id, []).append(a)
    controls = {}
    for study, rows in study_arms.items():
        vs = [t.vs_arm_id for t in ts if t.study == study and t.vs_arm_id and t.source == "outcomes"]
        inert = [a.arm_id for a in rows if set(a.regimen.products) <= _CONTROL_PRODUCTS]
        if vs or inert:
            controls[study] = (vs or inert)[0]
    idx = {(t.arm_id, t.measure, t.scale, t.day, t.statistic): i for i, t in enumerate(ts) if t.source == "outcomes"}
    for i, t in enumerate(ts):
        c = controls.get(t.study)
        if t.source != "outcomes" or t.statistic == "mean_difference_vs_control" or c is None or t.arm_id == c:
            continue
        j = idx.get((c, t.measure, t.scale, t.day, t.statistic))
        if j is None:
            continue
        d_obs, d_pred = t.observed - ts[j].observed, mu[i] - mu[j]
        if d_obs != 0:
            out.append((f"{t.key} - {ts[j].key}", f"{t.arm_id} vs {c} {t.measure} day {t.day:g} {t.statistic}",
                        bool(np.sign(d_pred) == np.sign(d_obs))))
    return out


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validate(arms_csv, outcomes_csv, out=None, *, n_sim: int = 12, n_draws: int = 20, seed: int = 2024,
             draws: np.ndarray | None = None) -> ValidationReport:
    """Simulate every arm of ``arms_csv`` and score every row of ``outcomes_csv``.

    Parameters
    ----------
    arms_csv, outcomes_csv : path
        Files in the shared schema (``sim/data/trials/README.md``); validated on load, errors
        name file, row and field.
    out : path, optional
        Write the per-row table (scored and skipped rows) as CSV (atomically).
    n_sim : int
        Virtual patients per arm.
    n_draws : int
        Posterior draws used for the intervals (packaged posterior; point estimate if none).
    draws : float64[S, P], optional
        Explicit parameter draws (natural scale) instead of the packaged posterior.

    Returns
    -------
    ValidationReport
    """
    from sim.data import load_arms, load_outcomes

    arms = load_arms(arms_csv)
    outcomes = load_outcomes(outcomes_csv, arms=arms)
    if not outcomes:
        raise CalibrationError(f"{Path(outcomes_csv).name}: no outcome rows; allowed: at least one row "
                               "for the arms of the arms file")
    problem = Problem(arms, outcomes, (), n_sim=n_sim, seed=seed, file=Path(outcomes_csv).name)
    theta = _draws(n_draws, seed) if draws is None else np.atleast_2d(np.asarray(draws, dtype=float))
    if theta.shape[1] != len(CALIBRATED):
        raise CalibrationError(f"draws: {theta.shape[1]} columns; allowed: {len(CALIBRATED)} ({', '.join(names())})")
    med, lo, hi, mu = predictive_intervals(problem, theta, seed=seed)
    report = ValidationReport(problem.targets, problem.skipped, med, lo, hi, sign_comparisons(problem, arms, mu))
    if out is not None:
        _write_atomic(Path(out), report.to_csv())
    return report
