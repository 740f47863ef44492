"""Out-of-sample validation: predict every row of any arms/outcomes pair, and leave-one-study-out.

:func:`validate` simulates every arm of any arms/outcomes pair in the shared schema with the
calibrated model and its posterior; each scorable row gets a joint posterior-predictive
distribution (parameter uncertainty from the packaged posterior draws, plus every term of the
hierarchical error model). :func:`validate_loso` predicts every packaged study from a model
calibrated without it (:mod:`sim.calibration.loso`) and scores it against naive references
(:mod:`sim.calibration.scoring`). Rows that cannot be scored are listed with the reason.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.atomic import write_text_atomic
from sim.calibration.fit import Problem
from sim.calibration.loso import arm_type, loso_predictions
from sim.calibration.priors import CALIBRATED, CalibrationError, _estimate, names, posterior_samples
from sim.calibration.targets import POOLED_REGIMENS, Skipped, Target

__all__ = ["ValidationReport", "validate", "validate_loso", "predictive_intervals", "scored_rows", "LosoResult"]


def scored_rows(targets, arms) -> tuple[list, np.ndarray]:
    """Scoring view of calibration targets (a list of Target), and int64[k] indices of the rows it keeps.

    Follow-up levels without a reported baseline are neither changes nor baselines: they are
    scored by :func:`validate` (levels) but left out of the change/contrast classes.

    Parameters
    ----------
    targets : list of Target
    arms : iterable of ArmRow
        Rows of the arms file (each arm's regimen gives its arm type).

    Returns
    -------
    rows : list of ScoredRow, length k
    keep : int64 (k,)
        Indices into ``targets`` of the rows kept.
    """
    from sim.calibration.scoring import ScoredRow  # scoringrules: the calibrate extra

    regimen = {a.arm_id: str(a.regimen) for a in arms}
    out, keep = [], []
    for i, t in enumerate(targets):
        if t.statistic in ("mean", "median") and t.day > 0 and t.anchor is None:
            continue
        kind = arm_type(regimen[t.arm_id]) if t.source == "outcomes" else arm_type(POOLED_REGIMENS.get(t.arm_id, ""))
        stat = "mean_difference_vs_control" if t.statistic == "mean_difference_vs_control" else t.statistic
        out.append(ScoredRow(t.key, t.study, t.arm_id, t.vs_arm_id, t.measure, stat, t.day, t.span, t.observed,
                             t.se, t.anchor, kind, t.source))
        keep.append(i)
    return out, np.asarray(keep, dtype=np.int64)


@dataclass(frozen=True)
class ValidationReport:
    """Per-row predictions and the summary scores.

    ``predicted``, ``lower``, ``upper``: float64[n] posterior-predictive median and 95% interval;
    ``samples`` float64[M, n] joint predictive draws; ``arms`` the arms rows (arm types).
    """

    targets: list[Target]
    skipped: list[Skipped]
    predicted: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    samples: np.ndarray = field(repr=False, default=None)
    arms: tuple = field(repr=False, default=())

    @property
    def _span(self) -> np.ndarray:
        return np.array([t.span for t in self.targets])

    @property
    def inside(self) -> np.ndarray:
        """bool[n]: whether each observed value lies in its row's 95% prediction interval."""
        obs = np.array([t.observed for t in self.targets])
        return (obs >= self.lower) & (obs <= self.upper)

    @property
    def coverage95(self) -> float:
        """Share of rows whose observed value lies in its 95% prediction interval (NaN without rows)."""
        return float(self.inside.mean()) if self.targets else float("nan")

    @property
    def width95(self) -> float:
        """Median width of the 95% prediction intervals, as a fraction of each row's scale range."""
        return float(np.median((self.upper - self.lower) / self._span)) if self.targets else float("nan")

    @property
    def interval_score(self) -> float:
        """Mean interval score (alpha 0.05) of every row, as a fraction of its scale range."""
        from sim.calibration.scoring import score_samples

        obs = np.array([t.observed for t in self.targets]) / self._span
        return score_samples(obs, self.samples / self._span).mean("interval_score")

    @property
    def sign(self):
        """Sign agreement of within-study contrasts of changes (one vote per study x contrast)."""
        from sim.calibration.scoring import sign_agreement, within_study_contrasts

        rows, keep = scored_rows(self.targets, self.arms)
        con_rows, con_s = within_study_contrasts(rows, self.samples[:, keep])
        return sign_agreement(con_rows, con_s)

    @property
    def sign_agreement(self) -> float:
        """Share of sign votes whose predicted sign matches (see :attr:`sign`)."""
        return self.sign.agreement

    def summary_line(self) -> str:
        """One line: coverage95, width95, interval score, sign agreement, scored and skipped rows."""
        return (f"coverage95={self.coverage95:.3f} width95={self.width95:.3f} interval_score={self.interval_score:.3f} "
                f"sign_agreement={self.sign_agreement:.3f} rows={len(self.targets)} skipped={len(self.skipped)}")

    def to_csv(self) -> str:
        """Per-row CSV text: scored rows with prediction and 95% interval, then skipped rows with the reason."""
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
    """Posterior-predictive median and 95% interval of every target, and the expected statistic.

    ``draws`` float64[S, P] natural-scale parameter draws; each contributes ``per_draw`` joint
    draws of the reported values from the hierarchical error model. Returns four float64[n].

    Parameters
    ----------
    problem : Problem
    draws : float64 (S, P)
        Natural-scale parameter draws.
    per_draw : int
        Joint draws of the reported values per parameter draw.
    seed : int
        Seed of the error-model draws.

    Returns
    -------
    median, low, high, expected : float64 (n,)
        Posterior-predictive median and 2.5/97.5% quantiles of every target, and the median
        over draws of its expected statistic; on the targets' scales.
    """
    pr = problem.evaluate(draws)
    y = problem.predictive_samples(draws, per_draw, seed, prediction=pr)
    q = np.nanquantile(y, [0.5, 0.025, 0.975], axis=0)
    return q[0], q[1], q[2], np.nanmedian(pr.mean, axis=0)


def _write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def validate(arms_csv, outcomes_csv, out=None, *, n_sim: int = 12, n_draws: int = 20, seed: int = 2024,
             draws: np.ndarray | None = None, per_draw: int = 50) -> ValidationReport:
    """Simulate every arm of ``arms_csv`` and score every row of ``outcomes_csv``.

    Parameters
    ----------
    arms_csv, outcomes_csv : path
        Files in the shared schema (``sim/data/trials/README.md``); validated on load, errors
        name file, row and field.
    out : path, optional
        Write the per-row table (scored and skipped rows) as CSV (atomically). The folder must
        exist and be writable; this is checked before anything is computed.
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
    from sim.evidence import load_arms, load_outcomes

    if out is not None:
        _check_writable(Path(out))
    arms = load_arms(arms_csv)
    outcomes = load_outcomes(outcomes_csv, arms=arms)
    if not outcomes:
        raise CalibrationError(f"{Path(outcomes_csv).name}: no outcome rows; allowed: at least one row "
                               "for the arms of the arms file")
    problem = Problem(arms, outcomes, (), n_sim=n_sim, seed=seed, file=Path(outcomes_csv).name)
    theta = _draws(n_draws, seed) if draws is None else np.atleast_2d(np.asarray(draws, dtype=float))
    if theta.shape[1] != len(CALIBRATED):
        raise CalibrationError(f"draws: {theta.shape[1]} columns; allowed: {len(CALIBRATED)} ({', '.join(names())})")
    pr = problem.evaluate(theta)
    y = problem.predictive_samples(theta, per_draw, seed, prediction=pr)
    q = np.nanquantile(y, [0.5, 0.025, 0.975], axis=0)
    report = ValidationReport(problem.targets, problem.skipped, q[0], q[1], q[2], y, tuple(arms))
    if out is not None:
        _write_atomic(Path(out), report.to_csv())
    return report


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CalibrationError(f"out: folder {str(folder)!r} does not exist; allowed: a path in an existing folder")
    if not os.access(folder, os.W_OK):
        raise CalibrationError(f"out: folder {str(folder)!r} is not writable; allowed: a writable folder")


@dataclass
class LosoResult:
    """Both LOSO variants: ``reports`` and ``predictions`` keyed "without pooled rows" / "with pooled rows"."""

    rows: list
    reports: dict
    predictions: dict
    studies: int
    seconds: float = 0.0


def validate_loso(arms=None, outcomes=None, pooled=None, *, draws: np.ndarray | None = None, n_sim: int = 12,
                  seed: int = 2024, n_resample: int = 100, per_draw: int = 20, refit: bool = True,
                  refit_steps: int = 24, n_boot: int = 1000, store_dir=None, progress=None) -> LosoResult:
    """Leave-one-study-out validation of the calibrated model on the packaged (or given) rows.

    Parameters
    ----------
    arms, outcomes, pooled : sequences of rows, optional
        Default: the packaged files.
    draws : float64[S, P], optional
        Posterior draws fitted to the outcome rows only (default: the packaged posterior).
    n_resample, per_draw : int
        Left-out posterior draws per study and predictive samples per draw.
    refit, refit_steps : bool, int
        Exact refits where the Pareto k exceeds 0.7 (see :mod:`sim.calibration.loso`).

    Returns
    -------
    LosoResult
        The last line of ``sim-validate --loso`` is the "without pooled rows" report's summary.
    """
    import time

    from sim.calibration.scoring import score_loso
    from sim.data import load_pooled
    from sim.evidence import load_arms, load_outcomes

    t0 = time.perf_counter()
    arms = load_arms() if arms is None else arms
    outcomes = load_outcomes() if outcomes is None else outcomes
    pooled = load_pooled() if pooled is None else pooled
    problem = Problem(arms, outcomes, pooled, n_sim=n_sim, seed=seed)
    theta = _draws(10**9, seed) if draws is None else np.atleast_2d(np.asarray(draws, dtype=float))
    rows, keep = scored_rows(problem.targets, arms)
    outcome_rows = np.array([r.source == "outcomes" for r in rows])
    rows = [r for r, o in zip(rows, outcome_rows) if o]
    keep = keep[outcome_rows]
    reports, preds, refits = {}, {}, {}
    for use_pooled in (False, True):
        lp = loso_predictions(problem, theta, use_pooled=use_pooled, n_resample=n_resample, per_draw=per_draw,
                              seed=seed, refit=refit, refit_steps=refit_steps, store_dir=store_dir,
                              progress=progress, refit_cache=refits)
        reports[lp.variant] = score_loso(rows, lp.samples[:, keep], n_boot=n_boot, seed=seed)
        preds[lp.variant] = lp
    studies = len({r.study for r in rows})
    return LosoResult(rows, reports, preds, studies, time.perf_counter() - t0)
