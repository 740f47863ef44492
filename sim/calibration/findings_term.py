"""The seed findings as soft qualitative constraints in the calibration's posterior.

For calibrated parameter rows ``theta`` every relation ``r`` of every finding (F1-F18,
:mod:`sim.findings.catalog`) gets a cheap, deterministic approximation ``P_r(theta)`` of the
probability that a replica of the original study reproduces it, the quantity that
:mod:`sim.findings.evaluate` estimates by running hundreds of replica studies. The term added to
the log posterior is

    weight * sum_r log(floor + (1 - floor) * P_r(theta))

Under independence of a finding's relations the sum is the log probability that replicas of
every study reproduce their findings; the floor (default 0.01, at most -4.6 per relation) keeps
one relation that the model cannot reproduce from dominating the trial likelihood, and keeps the
term smooth where ``P_r`` is near 0.

How ``P_r`` is approximated, following the replica design step by step:

1. **Pool.** Each arm of each finding, and untreated knees of each population, is simulated on
   the first ``pool`` patients of the population's pool (:class:`sim.findings.PoolSet`; by the
   prefix property of :func:`sim.population.sample_population` they are the first patients of the
   pools of ``sim-findings``), for every ``theta`` row, in one batched solve per start day.
   The same patients serve every arm and every ``theta`` (common random numbers), so ``P_r``
   is a smooth function of ``theta``.
2. **Between-study effects.** The replica reads ``x = u + t (s - u) + c k`` per patient (``s``
   the arm without its contextual response ``k``, ``u`` untreated knees, ``t`` and ``c`` the
   log-normal between-study multipliers of :mod:`sim.findings.noise`); the expectation over
   ``t`` and ``c`` is taken by Gauss-Hermite quadrature of the conditional probability below.
3. **Sampling and visit noise.** Given ``(t, c)``: each arm's variance over the pool plus the
   read-out's visit noise (absolute: its SD squared; relative: CV squared times the mean
   square); the mean difference ``D`` of the arms over the same patients; its standard error
   for the study's own ``n`` (parallel groups: ``v_A / n_A + v_B / n_B``; paired: the variance
   of the per-patient difference over ``n``).
4. **The study's test**, normal approximation with its critical value: Welch (Student t
   quantile at the Welch-Satterthwaite degrees of freedom), paired t (``n - 1``), Mann-Whitney
   (normal quantile, with the standard error inflated by the test's asymptotic relative
   efficiency 3/pi against the t test). ``<``/``>``: ``Phi((s D - max(crit SE, MCID)) / SE)``
   with ``s`` the stated sign and the MCID only for patient-reported relations in humans (a
   smooth maximum keeps the term differentiable); ``~``:
   ``1 - Phi((D - crit SE) / SE) - Phi((-D - crit SE) / SE)``.

Left out, so expect disagreement with the replicas at the margins: clipping of noisy scores to
their scale, the exact small-sample distribution of the tests (studies of 2-3 per arm), ties of
ordinal scores, and the pool's own sampling error (``pool`` patients instead of the replicas'
400). :func:`sim.calibration.findings_tension.tension_report` compares ``P_r`` with the replica
probabilities.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from sim.calibration.priors import CALIBRATED, check_theta
from sim.findings.catalog import get_findings
from sim.findings.design import Finding, Relation
from sim.findings.evaluate import DEFAULT_SEED
from sim.findings.noise import CONTEXTUAL_EFFECT_CV, TREATMENT_EFFECT_CV, mcid, measurement_noise
from sim.findings.pools import UNTREATED, PoolSet
from sim.model.parameters import PARAMETER_INDEX, PARAMETERS, parameter_index
from sim.model.patient import calibrated_defaults
from sim.model.states import STATE_NAMES
from sim.observe import observe
from sim.observe.symptoms import default_symptom_model
from sim.population import lognormal_multiplier
from sim.regimen import Regimen
from sim.result import Result
from sim.simulation import DEFAULT_OPTIONS, DEFAULT_RUN_IN, build_inputs, solve_inputs, start_day

__all__ = ["FindingsTerm", "RelationProbability", "DEFAULT_FINDINGS_POOL", "DEFAULT_FLOOR", "DEFAULT_NODES",
           "shipped_theta"]

DEFAULT_FINDINGS_POOL = 16  #: patients per arm simulated for the term (the replicas use 400)
DEFAULT_FLOOR = 0.01  #: probability floor of each relation's log term
DEFAULT_NODES = 5  #: Gauss-Hermite nodes per between-study multiplier
#: Asymptotic relative efficiency of the Mann-Whitney test against the t test for normal data:
#: it needs pi/3 times as many patients for the same power (Lehmann 1975, Nonparametrics, ch. 2).
MANN_WHITNEY_ARE = 3.0 / np.pi


@dataclass(frozen=True)
class RelationProbability:
    """One relation's approximate replica probability under one parameter row.

    Attributes
    ----------
    finding : str
    relation : Relation
    probability : float
        Approximate probability that a replica of the study reproduces the relation.
    log_term : float
        ``log(floor + (1 - floor) * probability)`` (unweighted).
    diff : float
        Expected mean difference ``lhs - rhs`` over the between-study effects [measure unit].
    se : float
        Root-mean-square standard error of the difference at the study's ``n``, over the
        between-study effects [measure unit].
    mcid : float
        Minimal difference required (NaN where none is).
    """

    finding: str
    relation: Relation
    probability: float
    log_term: float
    diff: float
    se: float
    mcid: float


def _smooth_max(a: np.ndarray, b: np.ndarray, width: np.ndarray) -> np.ndarray:
    """max(a, b) rounded over ``width`` (differentiable; at most ``width / 2`` above the max)."""
    return 0.5 * (a + b + np.sqrt((a - b) ** 2 + width ** 2))


def _noise_variance(measure: str, e: np.ndarray) -> np.ndarray:
    """Visit-noise variance of ``measure`` for values ``e`` float64[..., P] -> float64[...]."""
    noise = measurement_noise(measure)
    if noise.kind == "relative":  # var(e M) - var(e) = cv^2 E[e^2] for a mean-1 multiplier M
        return noise.value ** 2 * np.nanmean(e * e, axis=-1)
    return np.full(e.shape[:-1], noise.value ** 2)


def _nanvar(x: np.ndarray) -> np.ndarray:
    n = np.isfinite(x).sum(axis=-1)
    m = np.nanmean(x, axis=-1, keepdims=True)
    return np.nansum((x - m) ** 2, axis=-1) / np.maximum(n - 1, 1)


class FindingsTerm:
    """Approximate replica probabilities of the findings' relations as a log density in ``theta``.

    Parameters
    ----------
    weight : float
        Multiplier of the summed log terms (>= 0); the calibration's ``findings_weight``.
    findings : sequence of Finding, optional
        Default: the whole catalog.
    pool : int
        Patients per arm simulated for each ``theta`` row (>= 2).
    seed : int
        Seed of the populations (the findings' default, so the patients are those of ``sim-findings``).
    floor : float
        Probability floor of each relation's log term, in (0, 1).
    nodes : int
        Gauss-Hermite nodes per between-study multiplier (>= 1).
    """

    def __init__(self, weight: float = 1.0, *, findings=None, pool: int = DEFAULT_FINDINGS_POOL,
                 seed: int = DEFAULT_SEED, floor: float = DEFAULT_FLOOR, nodes: int = DEFAULT_NODES):
        if not (np.isfinite(weight) and weight >= 0):
            raise ValueError(f"findings_weight: {weight!r} is not allowed; allowed: a number >= 0")
        if isinstance(pool, bool) or not isinstance(pool, (int, np.integer)) or pool < 2:
            raise ValueError(f"findings_pool: {pool!r} is not allowed; allowed: an integer >= 2")
        if not 0 < floor < 1:
            raise ValueError(f"floor: {floor!r} is not allowed; allowed: 0 < floor < 1")
        if isinstance(nodes, bool) or not isinstance(nodes, (int, np.integer)) or nodes < 1:
            raise ValueError(f"nodes: {nodes!r} is not allowed; allowed: an integer >= 1")
        self.weight, self.pool, self.seed, self.floor = float(weight), int(pool), int(seed), float(floor)
        self.findings: tuple[Finding, ...] = tuple(get_findings() if findings is None else findings)
        self.relations: tuple[tuple[Finding, Relation], ...] = tuple((f, r) for f in self.findings
                                                                      for r in f.relations)
        pools = PoolSet(self.pool, self.seed, {float(d) for f in self.findings for d in f.days})
        self.days = pools.days
        # Blocks: one (population, arm) each, untreated knees of each population included; keyed as
        # the findings pools key their simulations, so arms shared by findings are simulated once.
        self._block: dict[tuple, int] = {}
        members: list[tuple] = []
        for f in self.findings:
            for arm in (*f.arms.values(), UNTREATED):
                key = (repr(f.population), arm.regimen, tuple(sorted(arm.parameters.items())))
                if key not in self._block:
                    self._block[key] = len(members)
                    members.append((f.population, arm))
        self.n_patients = len(members) * self.pool  #: trajectories per theta row
        groups: dict[float, list[int]] = {}
        built = []
        for spec, arm in members:
            pop = pools.population(spec)
            patients = [dataclasses.replace(p, parameters={**p.parameters, **arm.parameters}) for p in pop.patients()]
            regimens = [Regimen.parse(arm.regimen)] * self.pool
            t0 = start_day(patients, regimens, DEFAULT_RUN_IN)
            groups.setdefault(t0, []).append(len(built))
            built.append((patients, regimens, pop.placebo))
        # One solver input per start day (a run-in of the same length as the findings pools').
        self._groups = []
        for t0, idx in groups.items():
            patients = [p for b in idx for p in built[b][0]]
            regimens = [r for b in idx for r in built[b][1]]
            self._groups.append((t0, idx, build_inputs(patients, regimens, t0)))
        self._placebo = np.concatenate([b[2] for b in built])  # float64[n_patients], block order
        self._model = [(j, p.name) for j, p in enumerate(CALIBRATED) if p.kind == "model"]
        self._symptom = [(j, p.name) for j, p in enumerate(CALIBRATED) if p.kind == "symptom"]
        z, w = np.polynomial.hermite_e.hermegauss(int(nodes))
        w = w / w.sum()
        self._t = lognormal_multiplier(z, TREATMENT_EFFECT_CV)[:, None]  # [Q, 1]
        self._c = lognormal_multiplier(z, CONTEXTUAL_EFFECT_CV)[None, :]  # [1, Q]
        self._w = w[:, None] * w[None, :]  # [Q, Q]
        self.n_evals = 0

    # -- simulation -------------------------------------------------------------------------
    def _result(self, theta: np.ndarray) -> tuple[Result, dict]:
        """All blocks under every theta row as one Result of ``K * n_patients`` rows (theta-major),
        and the symptom-model fields per row float64[K * n_patients, 1].
        """
        K = theta.shape[0]
        B = len(self._block)
        S = len(STATE_NAMES)
        states = np.full((K, B, self.pool, self.days.size, S), np.nan)
        params = np.empty((K, B, self.pool, len(PARAMETERS)))
        status = np.ones((K, B, self.pool), dtype=np.int64)
        base = calibrated_defaults()
        for t0, idx, (y0, p_base, ev) in self._groups:
            n = p_base.shape[0]
            p = np.tile(p_base, (K, 1))
            for j, name in self._model:
                q = PARAMETERS[parameter_index(name)]
                col = PARAMETER_INDEX[name]
                # Scaled, not replaced: species presets and between-patient variability keep their
                # relative place, and the shipped values leave every patient exactly as sim-findings has it.
                ratio = np.repeat(theta[:, j] / base.get(name, q.default), n)
                p[:, col] = np.clip(p[:, col] * ratio, q.lower, q.upper)
            events = tuple(np.tile(e, (K,) + (1,) * (e.ndim - 1)) for e in ev)
            # Each parameter vector its own lockstep block: its term must not depend on the
            # other vectors evaluated with it.
            sol = solve_inputs(np.tile(y0, (K, 1)), p, events, t0=t0, t_out=self.days, options=DEFAULT_OPTIONS,
                               lockstep_blocks=np.repeat(np.arange(K), n))
            shape = (K, len(idx), self.pool)
            states[:, idx] = sol.y.reshape(shape + sol.y.shape[1:])
            params[:, idx] = p.reshape(shape + (p.shape[1],))
            status[:, idx] = np.asarray(sol.status).reshape(shape)
        N = K * B * self.pool
        res = Result(times=self.days, state_names=tuple(STATE_NAMES), states=states.reshape(N, self.days.size, S),
                     parameters=params.reshape(N, -1), covariates={}, regimens=(), status=status.reshape(N),
                     messages=())
        fields = {name: np.repeat(theta[:, j], B * self.pool)[:, None] for j, name in self._symptom}
        return res, fields

    def _values(self, theta: np.ndarray) -> dict:
        """(measure, contextual) -> float64[K, n_patients, T] for every measure of the relations."""
        res, fields = self._result(theta)
        K = theta.shape[0]
        symptoms = dataclasses.replace(default_symptom_model(), **fields)
        placebo = np.tile(self._placebo, K)[:, None]
        out = {}
        for measure in sorted({r.measure for _, r in self.relations}):
            for contextual in (True, False):
                # as the pools: the contextual response enters through placebo_max per patient
                sym = symptoms.with_contextual(placebo if contextual else 0.0)
                x = np.asarray(observe(res, measure, symptoms=sym), dtype=float)
                x = np.where(res.ok[:, None], x, np.nan)
                out[(measure, contextual)] = x.reshape(K, self.n_patients, self.days.size)
        return out

    def _rows(self, spec, arm) -> slice:
        b = self._block[(repr(spec), arm.regimen, tuple(sorted(arm.parameters.items())))]
        return slice(b * self.pool, (b + 1) * self.pool)

    # -- approximation ----------------------------------------------------------------------
    def _relation(self, f: Finding, rel: Relation, values: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Probability, expected difference and RMS standard error of one relation, float64[K] each
        (expectations over the between-study effects).
        """
        col = int(np.searchsorted(self.days, float(rel.day)))
        design = f.design

        def arm(label):
            a = f.arms[label]
            x = values[(rel.measure, True)][:, self._rows(f.population, a), col]  # [K, P]
            s = values[(rel.measure, False)][:, self._rows(f.population, a), col]
            u = values[(rel.measure, False)][:, self._rows(f.population, UNTREATED), col]
            k = x - s
            # [Q, Q, K, P]: the replica's reading of each patient at each quadrature node.
            t, c = self._t[..., None, None], self._c[..., None, None]
            return np.where(np.isfinite(u), u + t * (s - u), s) + c * k

        ea, eb = arm(rel.lhs), arm(rel.rhs)
        na, nb = design.n_arm(rel.lhs), design.n_arm(rel.rhs)
        noise_a, noise_b = _noise_variance(rel.measure, ea), _noise_variance(rel.measure, eb)
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = np.nanmean(ea - eb, axis=-1)  # same pool patients: the paired mean is the least noisy
            if design.paired:
                var = (_nanvar(ea - eb) + noise_a + noise_b) / na
                df = np.full(var.shape, na - 1.0)
            else:
                va, vb = (_nanvar(ea) + noise_a) / na, (_nanvar(eb) + noise_b) / nb
                var = va + vb
                df = var ** 2 / np.maximum(va ** 2 / (na - 1) + vb ** 2 / (nb - 1), 1e-300)
            se = np.sqrt(np.maximum(var, 1e-300))
            if design.test == "mann_whitney":
                crit = np.full(se.shape, stats.norm.ppf(1 - design.alpha / 2))
                se_test = se / np.sqrt(MANN_WHITNEY_ARE)
            else:
                crit = stats.t.ppf(1 - design.alpha / 2, np.clip(df, 1.0, 1e6))
                se_test = se
            if rel.op == "~":
                p = 1.0 - special.ndtr(diff / se_test - crit) - special.ndtr(-diff / se_test - crit)
            else:
                sign = -1.0 if rel.op == "<" else 1.0
                need = mcid(rel.measure) if f.population.species == "human" else None
                bar = crit * se_test
                if need is not None:
                    bar = _smooth_max(bar, np.full(bar.shape, float(need)), 0.1 * se_test)
                p = special.ndtr((sign * diff - bar) / se_test)
        # A relation without two finite arms cannot be tested: a replica finds no difference.
        p = np.where(np.isfinite(p), p, 1.0 if rel.op == "~" else 0.0)
        prob = np.clip(np.sum(self._w[..., None] * p, axis=(0, 1)), 0.0, 1.0)
        mean_se = np.sqrt(np.sum(self._w[..., None] * np.nan_to_num(var), axis=(0, 1)))
        return prob, np.sum(self._w[..., None] * np.nan_to_num(diff), axis=(0, 1)), mean_se

    def probabilities(self, theta) -> np.ndarray:
        """float64[K, R]: approximate replica probability of every relation (order :attr:`relations`).

        ``theta``: natural-scale calibrated rows float64[K, P] (or float64[P]), inside the box.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        """
        theta = check_theta(theta)
        values = self._values(theta)
        self.n_evals += theta.shape[0]
        return np.stack([self._relation(f, rel, values)[0] for f, rel in self.relations], axis=1)

    def log_terms(self, probabilities: np.ndarray) -> np.ndarray:
        """Unweighted ``log(floor + (1 - floor) P)`` of probabilities of any shape.

        Parameters
        ----------
        probabilities : array_like
            Replica probabilities in [0, 1].

        Returns
        -------
        float64 ndarray
            Same shape.
        """
        return np.log(self.floor + (1.0 - self.floor) * np.asarray(probabilities, dtype=float))

    def log_density(self, theta) -> np.ndarray:
        """float64[K]: ``weight * sum_r log(floor + (1 - floor) P_r(theta))``.

        Parameters
        ----------
        theta : array_like (K, P) or (P,)
            Natural-scale calibrated parameter rows (order :func:`sim.calibration.priors.names`),
            inside the box.
        """
        return self.weight * self.log_terms(self.probabilities(theta)).sum(axis=1)

    def breakdown(self, theta) -> tuple[RelationProbability, ...]:
        """Per-relation probabilities and log terms under one natural-scale row ``theta`` float64[P].

        Parameters
        ----------
        theta : array_like (P,)
            One natural-scale calibrated parameter row, inside the box.

        Returns
        -------
        tuple of RelationProbability
            In the order of :attr:`relations`.
        """
        theta = check_theta(theta)
        if theta.shape[0] != 1:
            raise ValueError(f"theta: {theta.shape[0]} rows; allowed: one parameter row")
        values = self._values(theta)
        self.n_evals += 1
        out = []
        for f, rel in self.relations:
            p, d, se = self._relation(f, rel, values)
            need = mcid(rel.measure) if f.population.species == "human" else None
            out.append(RelationProbability(f.id, rel, float(p[0]), float(self.log_terms(p[0])), float(d[0]),
                                           float(se[0]), float("nan") if need is None else float(need)))
        return tuple(out)


# -- tension report -------------------------------------------------------------------------
def shipped_theta() -> np.ndarray:
    """float64[P]: the shipped calibration (table defaults where none is shipped), ``names()`` order."""
    from sim.data.calibrated import calibrated_values

    shipped = calibrated_values()
    return np.array([shipped.get(p.name, p.default) for p in CALIBRATED])
