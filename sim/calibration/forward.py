"""Forward model of the calibration: expected reported statistics for parameter vectors.

For ``K`` parameter vectors, every cohort (inclusion profile x regimen) is simulated with the
same ``n_sim`` virtual patients per study (common random numbers: same covariates, individual
parameters, pain trait and placebo responsiveness in every arm and for every ``theta``), in
**one** batched parallel ``sim.simulate`` call. The expected (large-n) value of each statistic
is compared with the report; the report's sampling error enters the likelihood through its
reported spread and n (:mod:`sim.calibration.targets`, :mod:`sim.calibration.errors`).

Trial-matched virtual patients
------------------------------
Trials enrol patients whose pain *at screening* exceeds a threshold, and pain fluctuates from
visit to visit. Each virtual patient ``i`` has a disease-driven pain ``D_i(t)`` (the knee
model), a stable pain trait ``b_i ~ N(0, PAIN_TRAIT_SD^2)`` and a fluctuation ``e_i(t)``
(stationary, SD ``SymptomModel.fluctuation_sd`` (calibrated), correlation ``rho(t) = exp(-t / FLUCTUATION_DAYS)``).
Observed entry pain is ``R_i + e_i(0)`` with ``R_i = D_i(0) + b_i``. A cohort enrols patient
``i`` with probability ``p_i = P(R_i + e_i(0) >= c) = Q((c - R_i) / sd)``, and enrolled patients
carry the expected fluctuation ``m_i = E[e_i(0) | enrolled] = sd * phi(a) / Q(a)`` (inverse Mills
ratio). The threshold ``c`` is solved so that the enrolled (``p``-weighted) mean entry level
equals the arm's reported baseline (:class:`~sim.calibration.targets.Baseline`): selection by
weighting of plausible patients (Allen, Rieger & Musante 2016, CPT Pharmacometrics Syst
Pharmacol 5:140). Enrolled patients then carry ``rho(t) m_i`` at later visits, so regression
to the mean *emerges* from the entry criterion rather than being added. A cohort whose
reported baseline lies below its unselected mean is shifted (the trait mean) instead.
Everything is a smooth function of theta, so the likelihood stays smooth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from sim.calibration.enrolment import enrol
from sim.calibration.priors import CALIBRATED, check_theta, names
from sim.calibration.targets import DEFAULT_ENTRY_PAIN, Baseline, Cohort, Target
from sim.engine.compiled import KNEE
from sim.engine.shared_run_in import distinct_rows, shared_run_in
from sim.model.parameters import PARAMETERS, parameter_index
from sim.model.states import state_index
from sim.observe import MEASURES, OBSERVED_STATES, SymptomModel, observe_states
from sim.population import DEFAULT_VARIABILITY, PopulationSpec, sample_population, stream
from sim.regimen import Regimen
from sim.simulation import DEFAULT_OPTIONS, DEFAULT_RUN_IN, PARAMETER_INDEX, build_inputs, start_day

__all__ = ["ForwardModel", "Prediction", "PAIN_TRAIT_SD", "FLUCTUATION_SD", "FLUCTUATION_DAYS"]

_STATES = OBSERVED_STATES  # what the observation models read, and nothing more

#: Between-patient SD of the stable pain trait [VAS mm] (assumed: reported baseline VAS SDs of
#: the packaged trials are 10-20 mm, part of which the knee model's disease spread explains).
PAIN_TRAIT_SD = 12.0
#: Within-patient SD of pain fluctuation between visits [VAS mm]: the default of the calibrated
#: ``SymptomModel.fluctuation_sd`` (see there for its source).
FLUCTUATION_SD = SymptomModel().fluctuation_sd
#: Correlation time of the fluctuation [day] (assumed: flares last days to weeks).
FLUCTUATION_DAYS = 30.0
_PAIN_STEP = 10.0  #: VAS mm offset used to measure each measure's slope against pain


@dataclass(frozen=True)
class Prediction:
    """Expected statistics and their contextual loadings, float64[K, n_targets] each.

    ``context`` is ``d mean / d log(contextual magnitude)``: the part of each statistic that the
    contextual (placebo) response contributes (the error model's trial-level random effect).
    """

    mean: np.ndarray
    context: np.ndarray


@dataclass(frozen=True)
class PatientValues:
    """Per-patient expected observations of every (cohort, measure, scale, reverse) the targets read.

    Keys are ``(cohort index, measure, scale, reverse)``; ``K`` parameter rows, ``m`` virtual
    patients, ``D`` output days (``ForwardModel.days``).

    Attributes
    ----------
    values : dict of float64 (K, m, D)
        Expected observation of each patient (disease, pain trait, contextual response, and the
        expected entry fluctuation of an enrolled patient), in the measure's units.
    context : dict of float64 (K, m, D)
        The part of ``values`` the contextual (placebo) response contributes.
    weights : dict of float64 (K, m), by cohort index
        Enrolment weights (rows sum to 1; NaN where every patient failed).
    noise_sd : dict of float64 (K, m)
        SD of the within-patient visit-to-visit fluctuation in the measure's units.
    entry_fluctuation : dict of float64 (K, m), by cohort index
        Expected fluctuation of an enrolled patient at entry [VAS mm] (zero where a cohort
        takes no selection).
    fluctuation_sd : float64 (K,)
        SD of the fluctuation [VAS mm].
    """

    values: dict
    context: dict
    weights: dict
    noise_sd: dict
    entry_fluctuation: dict | None = None
    fluctuation_sd: np.ndarray | None = None


def _wmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean over patients: x float64[K, m], w float64[K, m] (rows sum to 1) -> float64[K]."""
    return np.sum(w * x, axis=1)


def _cohort(arrays: dict, j: int) -> dict:
    """Cohort ``j`` (axis 1) of every array of a dict of float64[K, C, ...]; an array broadcast
    over cohorts (axis 1 of length 1) gives its only entry, and scalars are kept.
    """
    return {k: v[:, j if np.shape(v)[1] > 1 else 0] if np.ndim(v) >= 2 else v for k, v in arrays.items()}


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
    variability_scale : float
        Multiplier of every between-patient rate CV (:data:`sim.population.DEFAULT_VARIABILITY`);
        1 is the package's populations, 0 patients who differ only in covariates, trait and
        placebo responsiveness (for ``sim-validate --spread``).
    placebo_cv : float, optional
        Between-patient CV of the contextual responsiveness (default: the population sampler's).
    """

    def __init__(self, targets: list[Target], cohorts: list[Cohort], n_sim: int = 12, seed: int = 2024, *,
                 variability_scale: float = 1.0, placebo_cv: float | None = None):
        if not targets:
            raise ValueError("targets: empty; allowed: at least one scorable row")
        if int(n_sim) < 2:
            raise ValueError(f"n_sim: {n_sim!r}; allowed: an integer >= 2")
        if not (np.isfinite(variability_scale) and 0.0 <= variability_scale <= 10.0):
            raise ValueError(f"variability_scale: {variability_scale!r}; allowed: a number in [0, 10]")
        self.targets, self.cohorts, self.n_sim, self.seed = list(targets), list(cohorts), int(n_sim), int(seed)
        used = sorted({t.cohort for t in targets} | {t.control for t in targets if t.control is not None})
        self._used = used
        self._slot = {ci: s for s, ci in enumerate(used)}
        self.days = np.union1d([0.0], [t.day for t in targets])
        self._rho = np.exp(-self.days / FLUCTUATION_DAYS)
        pops, traits = {}, {}
        for ci in used:
            c = cohorts[ci]
            key = (c.study, c.species, c.kl_grades, c.age_mean)
            if key not in pops:
                spec = PopulationSpec(species=c.species, kl_grades=c.kl_grades, age_mean=c.age_mean,
                                      variability={k: variability_scale * v for k, v in DEFAULT_VARIABILITY.items()})
                extra = {} if placebo_cv is None else {"placebo_cv": placebo_cv}
                pops[key] = sample_population(spec, self.n_sim, self.seed, **extra)
                traits[key] = PAIN_TRAIT_SD * stream(self.seed, f"pain_trait:{c.study}").standard_normal(self.n_sim)
            pops[ci], traits[ci] = pops[key], traits[key]
        self._pops, self._traits = pops, traits
        self.need: dict[int, set] = {}
        for t in targets:
            for ci in (t.cohort, t.control):
                if ci is not None:
                    self.need.setdefault(ci, set()).add((t.measure, t.scale, t.reverse))
        self.n_failed = 0

    # -- simulation -------------------------------------------------------------------------
    def _inputs(self):
        """Solver inputs of one block (all used cohorts x n_sim patients), built once.

        Initial states and dose events do not depend on theta; only the calibrated model
        parameters' columns change between theta rows (see :meth:`_states`).
        """
        if getattr(self, "_block", None) is None:
            patients, regimens = [], []
            for ci in self._used:
                patients += self._pops[ci].patients()
                regimens += [Regimen.parse(self.cohorts[ci].regimen)] * self.n_sim
            t0 = start_day(patients, regimens, DEFAULT_RUN_IN)
            y0, p, ev = build_inputs(patients, regimens, t0)
            varied = np.array([[name in pt.parameters for name in self._model_names] for pt in patients])
            self._block = (y0, p, ev, t0, varied)
        return self._block

    def _row_ends(self, K: int) -> np.ndarray:
        """float64[K * cohorts * m]: last day a target reads from each row of the block, theta-major."""
        if getattr(self, "_last_day", None) is None:
            last = np.zeros(len(self._used))
            for t in self.targets:
                for ci in (t.cohort, t.control):
                    if ci is not None:
                        last[self._slot[ci]] = max(last[self._slot[ci]], t.day)
            self._last_day = last
        return np.tile(np.repeat(self._last_day, self.n_sim), K)

    @property
    def _model_names(self) -> list[str]:
        return [p.name for p in CALIBRATED if p.kind == "model"]

    def _states(self, theta: np.ndarray) -> tuple[dict, np.ndarray]:
        """States float64[K, cohorts, m, D] by name, and ok bool[K, cohorts, m].

        The run-in to day 0 is solved once per distinct patient row
        (:func:`sim.engine.shared_run_in.shared_run_in`), then each distinct row once from day 0
        to the last day any of its copies is read (:func:`_continue_distinct`; states after a
        cohort's last read day are NaN). A
        calibrated model parameter replaces the table default; where the population varies that
        parameter between patients, each patient's value is scaled by ``theta / default`` (the
        patient keeps its relative place).
        """
        y0, p_base, ev, t0, varied = self._inputs()
        K = theta.shape[0]
        p = np.tile(p_base, (K, 1))
        vary = np.tile(varied, (K, 1))
        for j_model, name in enumerate(self._model_names):
            j = names().index(name)
            q = PARAMETERS[parameter_index(name)]
            col = PARAMETER_INDEX[name]
            value = np.repeat(theta[:, j], p_base.shape[0])
            p[:, col] = np.clip(np.where(vary[:, j_model], p[:, col] * value / q.default, value), q.lower, q.upper)
        out_idx = np.array([state_index(n) for n in _STATES], dtype=np.int64)
        shape = (K, len(self._used), self.n_sim)
        # The cohorts of a study (and studies of one profile) hold the same patients, so their
        # untreated run-in up to day 0 is solved once per distinct patient and theta.
        events = tuple(np.tile(e, (K,) + (1,) * (e.ndim - 1)) for e in ev)
        # Each parameter vector is a lockstep block of its own: its likelihood must not depend on
        # which other vectors share the batch (emcee evaluates walkers in varying company).
        blocks = np.repeat(np.arange(K), p_base.shape[0])
        y_split, status, later = shared_run_in(KNEE, np.tile(y0, (K, 1)), p, events, t0=t0, t_split=0.0,
                                               options=DEFAULT_OPTIONS, lockstep_blocks=blocks)
        y = _continue_distinct(y_split, p, later, status, self._row_ends(K), self.days, out_idx, blocks)
        status = status.reshape(shape)
        y = y.reshape(shape + y.shape[1:])
        st = {n: y[..., k] for k, n in enumerate(_STATES)}
        st["effusion_healthy"] = p[:, PARAMETER_INDEX["effusion_healthy"]].reshape(shape + (1,))
        ok = status == 0
        self.n_failed = int((~ok).sum())
        return st, ok

    # -- observation ------------------------------------------------------------------------
    @staticmethod
    def _symptom_models(theta: np.ndarray) -> SymptomModel:
        """One SymptomModel whose calibrated fields are float64[K, 1, 1, 1] (broadcast over
        cohorts, patients, days).
        """
        fields = {p.name: theta[:, j].reshape(-1, 1, 1, 1) for j, p in enumerate(CALIBRATED) if p.kind == "symptom"}
        return SymptomModel(**fields)

    @staticmethod
    def _measure(st: dict, ix: dict, measure: str, scale, reverse: bool) -> np.ndarray:
        x = observe_states(st, ix, measure, scale)
        return scale[0] + scale[1] - x if reverse else x

    def _target(self, quiet: dict, ix_quiet: dict, ix_up: dict, baseline: Baseline | None):
        """Enrolment target and trait shift of one cohort from its quiet entry indices.

        ``quiet``: day-0 states float64[K, m, 1] without contextual response; ``ix_quiet`` and
        ``ix_up`` their symptom indices with the pain trait, and with it raised by ``_PAIN_STEP``.
        Returns ``target`` float64[K] (the enrolled mean entry pain that reproduces the reported
        baseline [VAS mm]), ``shift`` float64[K] (trait shift of a cohort whose baseline lies
        below its unselected mean, zero otherwise) and ``below`` bool[K] (that case: no selection).
        """
        R = ix_quiet["pain"][..., 0]  # [K, m]
        if baseline is None:
            target = np.full(R.shape[0], DEFAULT_ENTRY_PAIN)
        else:
            m0 = self._measure(quiet, ix_quiet, *_bl(baseline))[..., 0]
            m1 = self._measure(quiet, ix_up, *_bl(baseline))[..., 0]
            slope = np.mean(m1 - m0, axis=1) / _PAIN_STEP
            slope = np.where(np.abs(slope) > 1e-9, slope, np.nan)
            target = R.mean(axis=1) + (baseline.value - m0.mean(axis=1)) / slope
            target = np.where(np.isfinite(target), target, R.mean(axis=1))
        target = np.clip(target, 0.0, 100.0)
        below = target <= R.mean(axis=1)
        shift = np.where(below, target - R.mean(axis=1), 0.0)
        return target, shift, below

    def patient_values(self, theta) -> PatientValues:
        """Every enrolled virtual patient's expected observations, for each parameter row.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.

        Returns
        -------
        PatientValues
        """
        theta = check_theta(theta)
        st_all, ok_all = self._states(theta)  # [K, C, m, D], [K, C, m]
        # Every cohort's symptom indices in one call per kind (elementwise, so each cohort gets
        # the numbers it would get alone); cohort j is axis 1.
        sym = self._symptom_models(theta)
        K, C, m = ok_all.shape
        used = self._used
        fl = np.broadcast_to(np.asarray(sym.fluctuation_sd, dtype=float).reshape(-1, 1), (K, 1))
        # A failed patient gets weight 0; finite stand-ins keep 0 * value at 0.
        st = {n: np.where(np.isfinite(v), v, 1.0) for n, v in st_all.items()}
        quiet0 = dict({n: v[..., :1] for n, v in st.items()}, placebo_response=np.zeros((K, C, m, 1)))
        human = [self.cohorts[ci].species == "human" for ci in used]
        trait = np.stack([self._traits[ci] if h else np.zeros(m) for ci, h in zip(used, human)])  # [C, m]
        w, mf, shift = np.full((K, C, m), 1.0 / m), np.zeros((K, C, m)), np.zeros((K, C))
        hs = [j for j, h in enumerate(human) if h]
        if hs:  # every human cohort's entry threshold in one bisection
            b = trait[None, :, :, None]
            ix_q, ix_u = sym.indices(dict(quiet0, pain_offset=b)), sym.indices(dict(quiet0, pain_offset=b + _PAIN_STEP))
            target, below = np.empty((K, len(hs))), np.empty((K, len(hs)), dtype=bool)
            for k, j in enumerate(hs):
                target[:, k], shift[:, j], below[:, k] = self._target(
                    _cohort(quiet0, j), _cohort(ix_q, j), _cohort(ix_u, j), self.cohorts[used[j]].baseline)
            w[:, hs], mf[:, hs] = enrol(ix_q["pain"][..., 0][:, hs], target, below, fl.reshape(K, 1, 1))
        w = np.where(ok_all, w, 0.0)
        w = w / np.maximum(w.sum(axis=-1, keepdims=True), 1e-300)
        w = np.where(ok_all.any(axis=-1, keepdims=True), w, np.nan)
        offset = (trait[None, :, :, None] + shift[:, :, None, None]) + mf[..., None] * self._rho
        placebo = np.stack([self._pops[ci].placebo for ci in used])[None, :, :, None]
        ix_entry = sym.indices(dict(quiet0, pain_offset=offset[..., :1]))
        full = dict(st, pain_offset=offset, baseline_pain=ix_entry["pain"], placebo_multiplier=placebo)
        ix, ix0 = sym.indices(full), sym.indices(dict(full, placebo_multiplier=0.0 * placebo))
        up0 = sym.indices(dict(quiet0, pain_offset=offset[..., :1] + _PAIN_STEP))
        obs, ctx, weights, noise = {}, {}, {}, {}
        for j, ci in enumerate(used):
            weights[ci] = w[:, j]
            need = self.need.get(ci, ())
            if not need:
                continue
            full_j, ix_j, ix0_j = _cohort(full, j), _cohort(ix, j), _cohort(ix0, j)
            quiet_j, up_j, entry_j = _cohort(quiet0, j), _cohort(up0, j), _cohort(ix_entry, j)
            for key in need:
                obs[(ci,) + key] = self._measure(full_j, ix_j, *key)
                ctx[(ci,) + key] = obs[(ci,) + key] - self._measure(full_j, ix0_j, *key)
                slope = (self._measure(quiet_j, up_j, *key)[..., 0]
                         - self._measure(quiet_j, entry_j, *key)[..., 0]) / _PAIN_STEP
                noise[(ci,) + key] = np.abs(slope) * fl  # higher-is-better scores (KOOS, Lysholm) fall as pain rises
        return PatientValues(obs, ctx, weights, noise, {ci: mf[:, j] for j, ci in enumerate(used)}, fl[:, 0].copy())

    def evaluate(self, theta) -> Prediction:
        """Expected statistics and contextual loadings of every target (see :class:`Prediction`).

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.

        Returns
        -------
        Prediction
            ``mean`` and ``context``, float64 (K, n_targets) each.
        """
        pv = self.patient_values(theta)
        obs, ctx, weights = pv.values, pv.context, pv.weights
        K = next(iter(weights.values())).shape[0]
        col = {d: i for i, d in enumerate(self.days)}
        mean = np.full((K, len(self.targets)), np.nan)
        context = np.zeros((K, len(self.targets)))
        for i, t in enumerate(self.targets):
            key = (t.cohort, t.measure, t.scale, t.reverse)
            ckey = None if t.control is None else (t.control, t.measure, t.scale, t.reverse)
            j = col[t.day]
            w = weights[t.cohort]
            wc = None if ckey is None else weights[t.control]
            x = obs[key]
            xc = None if ckey is None else obs[ckey]
            mean[:, i] = _statistic(t, x[..., 0], x[..., j], w, xc, wc, j, pv.noise_sd[key], self._rho[j])
            x_np, xc_np = x - ctx[key], None if ckey is None else xc - ctx[ckey]
            context[:, i] = mean[:, i] - _statistic(t, x_np[..., 0], x_np[..., j], w, xc_np, wc, j,
                                                    pv.noise_sd[key], self._rho[j])
        return Prediction(mean, np.nan_to_num(context))

    def predict(self, theta) -> np.ndarray:
        """float64[K, n_targets]: expected value of every target's statistic under each theta.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        """
        return self.evaluate(theta).mean


def _continue_distinct(y_split, p, later, status, ends, days, out_idx, blocks) -> np.ndarray:
    """Continue every row from day 0; each distinct row is solved once, to the last day any copy reads.

    The cohorts of a study (and studies of one profile) hold the same patients, and several
    cohorts share a regimen, so a row of the block often equals another in its day-0 state,
    parameters and later events (at the shipped calibration 192 distinct of the 276 rows read
    after day 0). Each distinct row is integrated once, up to the latest last-read day of its
    copies; every copy takes its values up to its own last day (NaN after), and fails only if
    the solve failed by then.

    Parameters
    ----------
    y_split : float64 (N, n)
        States at day 0 (:func:`sim.engine.shared_run_in.shared_run_in`).
    p : float64 (N, m)
    later : tuple of four arrays
        Each row's events from day 0 on.
    status : int64 (N,)
        The run-in's status; updated in place with the continuation's.
    ends : float64 (N,)
        Last day read from each row [day]; 0 for a row read at baseline only (its day-0 events
        are still applied, as for every output on an event's day).
    days : float64 (D,)
        Output days [day], starting at 0.
    out_idx : int64 (k,)
    blocks : int64 (N,)
        Lockstep block of each row (its parameter vector); a distinct row is solved in the block
        of its first copy.

    Returns
    -------
    float64 (N, D, k)
    """
    N = y_split.shape[0]
    y = np.full((N, days.size, out_idx.size), np.nan)
    go = np.flatnonzero(status == 0)
    if not go.size:
        return y
    first, owner = distinct_rows(y_split[go], p[go], tuple(e[go] for e in later))
    rep = go[first]
    rep_end = np.zeros(rep.size)
    np.maximum.at(rep_end, owner, ends[go])
    rep_y = np.full((rep.size, days.size, out_idx.size), np.nan)
    rep_status = np.zeros(rep.size, dtype=np.int64)
    for end in np.unique(rep_end):
        sel = np.flatnonzero(rep_end == end)
        rows = rep[sel]
        n_days = int(np.searchsorted(days, end, side="right"))
        sol = KNEE.solve_ensemble(y_split[rows], p[rows], *(e[rows] for e in later), t_out=days[:n_days],
                                  out_idx=out_idx, t0=0.0, options=DEFAULT_OPTIONS, lockstep_blocks=blocks[rows])
        rep_y[sel, :n_days], rep_status[sel] = sol.y, sol.status
    mine = days[None, :] <= ends[go][:, None]  # bool[rows, D]: the days each copy reads
    y[go] = np.where(mine[:, :, None], rep_y[owner], np.nan)
    # A copy fails only if the shared solve failed before its own last day.
    complete = (np.isfinite(y[go][:, :, 0]) | ~mine).all(axis=1)
    status[go] = np.where(complete, 0, rep_status[owner])
    return y


def _bl(baseline: Baseline):
    return baseline.measure, baseline.scale, baseline.reverse


def _statistic(t: Target, x0, x, w, xc, wc, j, noise, rho) -> np.ndarray:
    """float64[K]: the statistic of target ``t`` from per-patient values float64[K, m].

    ``x0``/``x``: entry and follow-up values of the arm; ``xc`` (float64[K, m, D]) the
    comparator's values; ``w``/``wc`` enrolment weights; ``noise`` float64[K, m] the pain
    fluctuation SD in the measure's units (slope x fluctuation SD). Medians are taken as means (the
    expected large-sample statistic of a symmetric within-arm distribution, smooth in theta).
    """
    s = t.statistic
    with np.errstate(divide="ignore", invalid="ignore"):
        if s in ("mean", "median"):
            return _wmean(x, w) if t.anchor is None else t.anchor + _wmean(x - x0, w)
        if s in ("mean_change_from_baseline", "median_change_from_baseline"):
            return _wmean(x - x0, w)
        if s == "baseline_minus_followup":
            return _wmean(x0 - x, w)
        if s == "mean_difference_vs_control":
            # A contrast of changes (never of levels): baseline imbalance must not decide the sign.
            return _wmean(x - x0, w) - _wmean(xc[..., j] - xc[..., 0], wc)
        if s == "mean_pct_change_from_baseline":
            return 100.0 * _wmean(x - x0, w) / _wmean(x0, w)
        better = MEASURES[t.measure].higher_is_better != t.reverse
        gain = (x - x0) if better else (x0 - x)
        if s == "median_pct_improvement":
            return 100.0 * _wmean(gain / np.maximum(np.abs(x0), 1e-9), w)
        if s == "responder_pct":
            # Observed improvement = expected improvement + the change of the fluctuation between the
            # two visits, SD fluct * sqrt(2 (1 - rho)) in pain, times the measure's slope.
            sd = np.abs(noise) * np.sqrt(2.0 * max(1.0 - rho, 1e-6))
            z = (gain - t.threshold * np.abs(x0)) / np.maximum(sd, 1e-9)
            return 100.0 * _wmean(special.ndtr(z), w)
    raise ValueError(f"statistic: {s!r}; allowed: mean, median, changes, differences, percent changes, responders")
