"""Forward model of the calibration: expected reported statistics for parameter vectors.

For ``K`` parameter vectors, every cohort (inclusion profile x regimen) is simulated with the
same ``n_sim`` virtual patients per study (common random numbers: same covariates, individual
parameters and placebo responsiveness in every arm and for every ``theta``), in **one** batched
parallel ``sim.simulate`` call. Visit noise is left out: the expected (noise-free, large-n) value
of each statistic is compared with the report, and the sampling error of the report enters the
likelihood through its reported spread and n (:mod:`sim.calibration.targets`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.calibration.parameters import CALIBRATED, check_theta
from sim.calibration.targets import Cohort, Target
from sim.model.parameters import PARAMETERS, parameter_index
from sim.observe import MEASURES, SymptomModel
from sim.simulation import simulate
from sim.trial.population import sample_population
from sim.trial.spec import PopulationSpec

__all__ = ["ForwardModel"]

_STATES = ("collagen", "repair_tissue", "repair_hyaline", "macrophage_m1", "effusion", "pge2",
           "placebo_response", "aggrecan", "chondrocytes", "il1b", "tnfa", "il6", "il10", "mmp3", "mmp13", "ctx2")


class ForwardModel:
    """Expected statistics of ``targets`` as a function of the calibrated parameters.

    Parameters
    ----------
    targets : list of Target
    cohorts : list of Cohort
    n_sim : int
        Virtual patients per cohort (shared by all cohorts of one study).
    seed : int
        Seed of the virtual populations (fixed: the likelihood is a smooth function of theta).
    """

    def __init__(self, targets: list[Target], cohorts: list[Cohort], n_sim: int = 12, seed: int = 2024):
        if not targets:
            raise ValueError("targets: empty; allowed: at least one scorable row")
        if int(n_sim) < 2:
            raise ValueError(f"n_sim: {n_sim!r}; allowed: an integer >= 2")
        self.targets, self.cohorts, self.n_sim, self.seed = list(targets), list(cohorts), int(n_sim), int(seed)
        used = sorted({t.cohort for t in targets} | {t.control for t in targets if t.control is not None})
        self._used = used
        self.days = np.union1d([0.0], [t.day for t in targets])
        pops = {}
        for ci in used:
            c = cohorts[ci]
            key = (c.study, c.species, c.kl_grades, c.age_mean)
            if key not in pops:
                spec = PopulationSpec(species=c.species, kl_grades=c.kl_grades, age_mean=c.age_mean)
                pops[key] = sample_population(spec, self.n_sim, self.seed)
            pops[ci] = pops[key]
        self._pops = pops

    def _patients(self, theta: np.ndarray):
        model = [(j, p.name) for j, p in enumerate(CALIBRATED) if p.kind == "model"]
        patients, regimens, placebo = [], [], []
        for row in theta:
            for ci in self._used:
                pop, c = self._pops[ci], self.cohorts[ci]
                for pt in pop.patients():
                    params = dict(pt.parameters)
                    for j, name in model:
                        q = PARAMETERS[parameter_index(name)]
                        scale = row[j] / q.default if name in params else 1.0
                        params[name] = float(np.clip(params.get(name, row[j]) * scale, q.lower, q.upper))
                    patients.append(dataclasses.replace(pt, parameters=params))
                    regimens.append(c.regimen)
                placebo.append(pop.placebo)
        return patients, regimens, np.concatenate(placebo)

    def simulate(self, theta) -> dict:
        """Noise-free observed values: ``{(k, cohort, measure, scale, reverse): float64[n_sim, D]}``."""
        theta = check_theta(theta)
        patients, regimens, placebo = self._patients(theta)
        res = simulate(patients, regimens, times=self.days, run_in=180.0, record=None)
        st_all = {n: res.state(n) for n in _STATES}
        st_all["effusion_healthy"] = res.parameter("effusion_healthy")[:, None]
        self.n_failed = int((res.status != 0).sum())
        sym_idx = {p.name: j for j, p in enumerate(CALIBRATED) if p.kind == "symptom"}
        need = {}
        for t in self.targets:
            for ci in (t.cohort, t.control):
                if ci is not None:
                    need.setdefault(ci, set()).add((t.measure, t.scale, t.reverse))
        out, m = {}, self.n_sim
        block = len(self._used) * m
        for k, row in enumerate(theta):
            base = SymptomModel(**{name: row[j] for name, j in sym_idx.items()})
            for slot, ci in enumerate(self._used):
                sl = slice(k * block + slot * m, k * block + (slot + 1) * m)
                st = {n: v[sl] for n, v in st_all.items()}
                sym = dataclasses.replace(base, placebo_max=base.placebo_max * placebo[sl][:, None])
                ix = sym.indices(st)
                ok = (res.status[sl] == 0)[:, None]
                for measure, scale, rev in need.get(ci, ()):
                    meas = MEASURES[measure]
                    x = np.asarray(meas.fn(st, ix), dtype=float)
                    nlo, nhi = meas.native_scale
                    x = scale[0] + (x - nlo) * (scale[1] - scale[0]) / (nhi - nlo)
                    if rev:
                        x = scale[0] + scale[1] - x
                    out[(k, ci, measure, scale, rev)] = np.where(ok, x, np.nan)
        return out

    def predict(self, theta) -> np.ndarray:
        """float64[K, n_targets]: expected value of every target's statistic under each theta."""
        theta = check_theta(theta)
        sims = self.simulate(theta)
        pred = np.full((theta.shape[0], len(self.targets)), np.nan)
        col = {d: i for i, d in enumerate(self.days)}
        for k in range(theta.shape[0]):
            for i, t in enumerate(self.targets):
                x = sims[(k, t.cohort, t.measure, t.scale, t.reverse)]
                pred[k, i] = _statistic(t, x[:, 0], x[:, col[t.day]],
                                        None if t.control is None else sims[(k, t.control, t.measure, t.scale, t.reverse)][:, col[t.day]])
        return pred


def _statistic(t: Target, x0: np.ndarray, x: np.ndarray, xc: np.ndarray | None) -> float:
    s = t.statistic
    with np.errstate(divide="ignore", invalid="ignore"):
        if s == "mean":
            return float(np.nanmean(x) if t.anchor is None else t.anchor + np.nanmean(x - x0))
        if s == "median":
            return float(np.nanmedian(x) if t.anchor is None else t.anchor + np.nanmedian(x) - np.nanmedian(x0))
        if s == "mean_change_from_baseline":
            return float(np.nanmean(x - x0))
        if s == "median_change_from_baseline":
            return float(np.nanmedian(x - x0))
        if s == "baseline_minus_followup":
            return float(np.nanmean(x0 - x))
        if s == "mean_difference_vs_control":
            return float(np.nanmean(x) - np.nanmean(xc))
        if s == "mean_pct_change_from_baseline":
            return float(100.0 * np.nanmean(x - x0) / np.nanmean(x0))
        if s == "median_pct_improvement":
            better = MEASURES[t.measure].higher_is_better != t.reverse
            gain = (x - x0) if better else (x0 - x)
            return float(100.0 * np.nanmedian(gain / np.maximum(np.abs(x0), 1e-9)))
    raise ValueError(f"statistic: {s!r}; allowed: {', '.join(('mean', 'median'))} ...")
