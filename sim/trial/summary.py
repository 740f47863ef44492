"""Statistics of a virtual trial as papers report them, with prediction intervals over replicates.

Every statistic is first computed per replicate trial (arrays ``[R]`` or ``[R, V]``), exactly as
one paper would compute it from its patients; the spread of that statistic over the ``R``
replicates is the prediction interval of what a real trial of this design would report (under
the model). Between-arm statistics compare the change from baseline (``follow-up - baseline``),
the primary analysis of most trials in ``arms.csv``; ``a - b`` = arm minus comparator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.trial.statistics import (
    arm_summary,
    compare_arms,
    mcid_responder,
    omeract_oarsi_responder,
    prediction_interval,
    responder_rate,
)
from sim.trial.virtual_trial import TrialResult

__all__ = ["TrialSummary", "summarize", "ARM_STATISTICS", "COMPARISON_STATISTICS"]

#: Per arm, endpoint and visit (arrays ``[R, V]``); ``change_*`` are changes from baseline.
ARM_STATISTICS = ("n", "mean", "sd", "median", "q1", "q3", "iqr", "change_mean", "change_sd", "change_median",
                  "change_q1", "change_q3", "mcid_responder_rate", "omeract_oarsi_responder_rate")
#: Per comparison, endpoint and follow-up visit (arrays ``[R, F]``).
COMPARISON_STATISTICS = ("mean_difference", "md_ci_low", "md_ci_high", "smd", "smd_ci_low", "smd_ci_high",
                         "welch_t", "welch_p", "mann_whitney_u", "mann_whitney_p", "mcid_rate_difference",
                         "significant_favourable")


@dataclass(frozen=True, eq=False)
class TrialSummary:
    """Replicate-level statistics of a :class:`~sim.trial.virtual_trial.TrialResult`.

    Attributes
    ----------
    arms : dict arm -> endpoint -> statistic -> float64[R, V]
        Visit axis includes baseline (day 0); responder rates are NaN at baseline.
    comparisons : dict "arm vs control" -> endpoint -> statistic -> float64[R, F]
        F follow-up visits (baseline excluded).
    visits : float64[V]
    alpha : float
        Significance level of ``significant_favourable`` (two-sided Welch p < alpha and the
        difference in the direction of benefit); its replicate mean is the power.
    level : float
        Confidence level of CIs and prediction intervals.
    """

    arms: dict
    comparisons: dict
    visits: np.ndarray
    alpha: float
    level: float

    def table(self) -> list[dict]:
        """Long table: one row per (arm or comparison, endpoint, day, statistic) with the
        median over replicates, the ``level`` prediction interval, and the first replicate's value.

        Rows follow the arms, then the comparisons, each with its endpoints as stored.

        Returns
        -------
        list of dict
            Keys ``kind``, ``group``, ``endpoint``, ``day`` (days), ``statistic``, ``median``,
            ``pi_low``, ``pi_high``, ``replicate_mean``, ``trial_1`` (in the statistic's unit) and
            ``replicates``.
        """
        rows = []
        for kind, block, days in (("arm", self.arms, self.visits), ("comparison", self.comparisons, self.visits[1:])):
            for group, eps in block.items():
                for ep, stats_ in eps.items():
                    for stat, x in stats_.items():
                        pi = prediction_interval(x, self.level, axis=0)
                        for v, day in enumerate(days):
                            if np.all(np.isnan(x[:, v])):
                                continue
                            rows.append({"kind": kind, "group": group, "endpoint": ep, "day": float(day),
                                         "statistic": stat, "median": float(pi.median[v]), "pi_low": float(pi.low[v]),
                                         "pi_high": float(pi.high[v]), "replicate_mean": float(np.nanmean(x[:, v])),
                                         "trial_1": float(x[0, v]), "replicates": int(pi.n_valid[v])})
        return rows

    def forest_rows(self, day: float) -> list[tuple[str, float, float, float, float, float]]:
        """Per comparison and endpoint at follow-up ``day``: (label, median mean difference,
        median CI low, median CI high, prediction-interval low, high) for :func:`sim.plotting.plot_forest`.

        Parameters
        ----------
        day : float
            A follow-up visit day.

        Returns
        -------
        list of tuple
            One per comparison and endpoint, values in the endpoint's unit.

        Raises
        ------
        ValueError
            For a day that is not a follow-up visit.
        """
        follow_up = [float(d) for d in self.visits[1:]]
        if float(day) not in follow_up:
            raise ValueError(f"day: {day!r} is not a follow-up visit; "
                             f"allowed: {', '.join(f'{d:g}' for d in follow_up)}")
        v = follow_up.index(float(day))
        rows = []
        for comp, eps in self.comparisons.items():
            for ep, st in eps.items():
                md = prediction_interval(st["mean_difference"][:, v], self.level)
                rows.append((f"{comp}: {ep}", float(md.median), float(np.nanmedian(st["md_ci_low"][:, v])),
                             float(np.nanmedian(st["md_ci_high"][:, v])), float(md.low), float(md.high)))
        return rows

    def power(self, comparison: str, endpoint: str) -> np.ndarray:
        """float64[F]: share of replicate trials with a significant difference favouring the arm.

        Parameters
        ----------
        comparison : str
            Comparison name (``"<arm> vs <control>"`` as stored in :attr:`comparisons`).
        endpoint : str
            Endpoint label.

        Returns
        -------
        float64 (F,)
            One value per follow-up visit, in [0, 1].
        """
        return np.nanmean(self.comparisons[comparison][endpoint]["significant_favourable"], axis=0)


def _arm_stats(x: np.ndarray, ep, dom: dict) -> dict:
    """x: [R, n, V] observed values of one arm and endpoint."""
    xv = np.moveaxis(x, 1, -1)  # [R, V, n]: statistics run over the last (patient) axis
    s = arm_summary(xv)
    change = xv - xv[:, :1, :]
    c = arm_summary(change)
    mcid = mcid_responder(xv[:, :1, :], xv, ep.mcid_on_scale, higher_is_better=ep.higher_is_better)
    out = {"n": s.n, "mean": s.mean, "sd": s.sd, "median": s.median, "q1": s.q1, "q3": s.q3, "iqr": s.iqr,
           "change_mean": c.mean, "change_sd": c.sd, "change_median": c.median, "change_q1": c.q1,
           "change_q3": c.q3, "mcid_responder_rate": responder_rate(mcid)}
    if dom:
        p = np.moveaxis(dom["pain"], 1, -1)
        f = np.moveaxis(dom["function"], 1, -1)
        oarsi = omeract_oarsi_responder(p[:, :1, :], p, f[:, :1, :], f, scale=(0.0, 100.0), higher_is_better=False)
        out["omeract_oarsi_responder_rate"] = responder_rate(oarsi)
    for key in ("mcid_responder_rate", "omeract_oarsi_responder_rate"):
        if key in out:
            out[key] = out[key].copy()
            out[key][:, 0] = np.nan  # no response at baseline
    return out


def summarize(trial: TrialResult, *, alpha: float = 0.05, level: float = 0.95) -> TrialSummary:
    """Per-arm and between-arm statistics of every replicate trial (see module docstring).

    Parameters
    ----------
    trial : TrialResult
        R replicate trials; values float64[R, n, V] per arm and endpoint, NaN after dropout.
    alpha : float
        Two-sided significance level of the tests and power.
    level : float
        Confidence level of the intervals (e.g. 0.95).

    Returns
    -------
    TrialSummary
        Statistics float64[R, V] per arm and float64[R, V - 1] per comparison, in the
        endpoint's unit where they have one.
    """
    spec = trial.spec
    arms = {}
    for a in spec.arm_names:
        arms[a] = {ep.label: _arm_stats(trial.values[a][ep.label], ep, trial.domains[a]) for ep in spec.endpoints}
    comparisons = {}
    for a, b in spec.comparisons:
        key = f"{a} vs {b}"
        comparisons[key] = {}
        for ep in spec.endpoints:
            xa = np.moveaxis(trial.values[a][ep.label], 1, -1)
            xb = np.moveaxis(trial.values[b][ep.label], 1, -1)
            ca, cb = (xa - xa[:, :1, :])[:, 1:, :], (xb - xb[:, :1, :])[:, 1:, :]
            cmp = compare_arms(ca, cb, level)
            md = cmp.mean_difference
            better = md.estimate > 0 if ep.higher_is_better else md.estimate < 0
            sig = np.where(np.isnan(cmp.welch.pvalue), np.nan, ((cmp.welch.pvalue < alpha) & better).astype(float))
            comparisons[key][ep.label] = {
                "mean_difference": md.estimate, "md_ci_low": md.ci_low, "md_ci_high": md.ci_high,
                "smd": cmp.smd.estimate, "smd_ci_low": cmp.smd.ci_low, "smd_ci_high": cmp.smd.ci_high,
                "welch_t": cmp.welch.statistic, "welch_p": cmp.welch.pvalue,
                "mann_whitney_u": cmp.mann_whitney.statistic, "mann_whitney_p": cmp.mann_whitney.pvalue,
                "mcid_rate_difference": (arms[a][ep.label]["mcid_responder_rate"]
                                         - arms[b][ep.label]["mcid_responder_rate"])[:, 1:],
                "significant_favourable": sig,
            }
    return TrialSummary(arms, comparisons, trial.visits, float(alpha), float(level))
