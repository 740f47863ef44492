"""Hierarchical error model of reported statistics: what a new trial does that the model does not.

A reported statistic ``y_i`` of study ``s`` differs from the model's expected statistic
``mu_i(theta)`` by its sampling error and by trial-level random effects that the likelihood
integrates out analytically (all terms Gaussian), so every study is one multivariate normal
block and studies are independent::

    y_s ~ Normal(mu_s(theta), Sigma_s)
    Sigma_s = S_s                                   sampling error (reported spread and n)
            + diag((delta_class(i) * span_i)^2)     structural discrepancy per statistic class
            + sd_study^2 * l l^T                    deviation shared by all arms of the trial
            + sd_arm^2   * A A^T                    deviation of one arm, shared by its visits
                                                    and subscales
            + tau_context^2 * g g^T                 log-normal trial effect on the contextual
                                                    (placebo) magnitude, linearised

* ``S_s``: the SE of each row on its diagonal; rows of the same arm share patients, so their
  sampling errors correlate with :data:`WITHIN_ARM_SAMPLING_CORRELATION` (assumed: PROM
  test-retest and visit-to-visit correlations in knee OA trials are typically 0.5-0.8).
* ``l``: loading ``span_i`` for every arm-level row (levels and changes); 0 for between-arm
  contrasts, in which the shared deviation cancels.
* ``A``: one column per arm; a row loads ``span_i`` on its own arm and, for a contrast,
  ``-span_i`` on the comparator.
* ``g``: the row's contextual contribution ``d mu_i / d log(placebo magnitude)`` (from
  :class:`sim.calibration.forward.ForwardModel`): a trial whose patients respond more to the
  ritual of an injection moves every injected arm together, and that part cancels in contrasts
  between injected arms. The between-trial SD of the log magnitude has an informative prior
  from the spread of placebo-arm effect sizes (evidence.md s1.6: tau of Hedges' g about 0.49).

So contrasts within a trial get narrower predictive intervals than arm-level changes, as they
should. Pooled meta-analytic rows are each their own block (one "study" per pooled source).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ErrorStructure", "ERROR_CLASSES", "WITHIN_ARM_SAMPLING_CORRELATION", "statistic_class"]

#: Correlation of the sampling errors of two rows of the same arm (same patients), assumed.
WITHIN_ARM_SAMPLING_CORRELATION = 0.5

#: Statistic classes, each with its own structural-discrepancy SD (``delta_<class>``). Entry
#: levels (day 0) are a class of their own: predicting one measure's baseline from another's
#: tests the observation model's cross-measure mapping, not the response to treatment.
ERROR_CLASSES = ("symptom", "percent", "structure", "contrast", "baseline")

_STRUCTURE_PREFIXES = ("MRI_", "XR_", "OARSI", "Mankin", "cartilage_", "repair_", "hyaline", "fibrocartilage",
                       "synovitis", "meniscal")


def statistic_class(measure: str, statistic: str, day: float = 1.0) -> str:
    """The discrepancy class of a row: ``contrast``, ``baseline``, ``percent``, ``structure`` or ``symptom``.

    Parameters
    ----------
    measure : str
        Measure of the row.
    statistic : str
        Statistic as reported (e.g. ``mean_change_from_baseline``).
    day : float
        Day of the row (0: baseline).

    Returns
    -------
    str
        One of :data:`ERROR_CLASSES`.
    """
    if day == 0:
        return "baseline"
    if statistic == "mean_difference_vs_control":
        return "contrast"
    if "pct" in statistic or statistic in ("responder_rate", "percent"):
        return "percent"
    if measure.startswith(_STRUCTURE_PREFIXES) or "responder_rate_meniscal" in measure:
        return "structure"
    return "symptom"


@dataclass(frozen=True)
class _Block:
    rows: np.ndarray  # int64[m]: target indices of this study
    sampling: np.ndarray  # float64[m, m]: sampling covariance
    study_loading: np.ndarray  # float64[m]
    arm_loading: np.ndarray  # float64[m, n_arms]
    classes: np.ndarray  # int64[m]: index into ERROR_CLASSES


class ErrorStructure:
    """Per-study covariance blocks of the reported statistics.

    Parameters
    ----------
    targets : list of Target
        Rows of :func:`sim.calibration.targets.build_targets` (need ``study``, ``arm_id``,
        ``vs_arm_id``, ``measure``, ``statistic``, ``se``, ``span``, ``source``).
    """

    def __init__(self, targets):
        self.n = len(targets)
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(targets):
            key = t.study if t.source == "outcomes" else f"pooled:{t.study}"
            groups.setdefault(key, []).append(i)
        self.studies = tuple(groups)
        self.study_of_row = np.empty(self.n, dtype=np.int64)
        blocks = []
        for s, rows in enumerate(groups.values()):
            rows = np.asarray(rows, dtype=np.int64)
            self.study_of_row[rows] = s
            ts = [targets[i] for i in rows]
            se = np.array([t.se for t in ts])
            span = np.array([t.span for t in ts])
            arms = sorted({t.arm_id for t in ts} | {t.vs_arm_id for t in ts if t.vs_arm_id})
            col = {a: j for j, a in enumerate(arms)}
            arm_load = np.zeros((len(ts), len(arms)))
            same_arm = np.zeros((len(ts), len(ts)), dtype=bool)
            contrast = np.array([t.statistic == "mean_difference_vs_control" for t in ts])
            for a, t in enumerate(ts):
                arm_load[a, col[t.arm_id]] += span[a]
                if t.vs_arm_id and contrast[a]:
                    arm_load[a, col[t.vs_arm_id]] -= span[a]
                for b, u in enumerate(ts):
                    same_arm[a, b] = t.arm_id == u.arm_id and not contrast[a] and not contrast[b]
            corr = np.where(same_arm, WITHIN_ARM_SAMPLING_CORRELATION, 0.0)
            np.fill_diagonal(corr, 1.0)
            sampling = corr * np.outer(se, se)
            pooled = ts[0].source != "outcomes"
            study_load = np.where(contrast | pooled, 0.0, span)
            classes = np.array([ERROR_CLASSES.index(statistic_class(t.measure, t.statistic, t.day)) for t in ts])
            blocks.append(_Block(rows, sampling, study_load, arm_load, classes))
        self.blocks = tuple(blocks)
        self.span = np.array([t.span for t in targets])

    def covariance(self, block: _Block, err: dict[str, np.ndarray], g: np.ndarray) -> np.ndarray:
        """float64[K, m, m]: covariance of one study's rows for ``K`` parameter rows.

        ``err``: error parameters by name (float64[K] each: ``delta_<class>``, ``sd_study``,
        ``sd_arm``, ``tau_context``); ``g``: float64[K, n] contextual loadings of all rows.

        Parameters
        ----------
        block : _Block
            One study's rows (of :attr:`blocks`).
        err : dict of str to float64 (K,)
            Error parameters by name (:func:`sim.calibration.priors.error_parameters`).
        g : float64 (K, n)
            Contextual loadings of all rows.

        Returns
        -------
        float64 (K, m, m)
            On the rows' scales (squared units of the statistics).
        """
        K = g.shape[0]
        span = self.span[block.rows]
        delta = np.stack([err[f"delta_{c}"] for c in ERROR_CLASSES], axis=1)[:, block.classes]  # [K, m]
        cov = np.broadcast_to(block.sampling, (K,) + block.sampling.shape).copy()
        idx = np.arange(len(block.rows))
        cov[:, idx, idx] += (delta * span[None, :]) ** 2
        ls = block.study_loading
        cov += err["sd_study"][:, None, None] ** 2 * np.outer(ls, ls)[None]
        cov += err["sd_arm"][:, None, None] ** 2 * (block.arm_loading @ block.arm_loading.T)[None]
        gb = g[:, block.rows]
        cov += err["tau_context"][:, None, None] ** 2 * gb[:, :, None] * gb[:, None, :]
        return cov

    def log_likelihood(self, pred: np.ndarray, observed: np.ndarray, err: dict[str, np.ndarray],
                       g: np.ndarray) -> np.ndarray:
        """float64[K, n_studies]: log likelihood of each study's rows (multivariate normal).

        A row of ``pred`` with a NaN gives -inf for the studies it touches.

        Parameters
        ----------
        pred : float64 (K, n)
            Expected statistics of the n targets, on their scales.
        observed : float64 (n,)
            Reported values.
        err : dict of str to float64 (K,)
            Error parameters by name (:func:`sim.calibration.priors.error_parameters`).
        g : float64 (K, n)
            Contextual loadings of all rows.
        """
        K = pred.shape[0]
        out = np.empty((K, len(self.blocks)))
        for s, b in enumerate(self.blocks):
            cov = self.covariance(b, err, np.nan_to_num(g))
            r = observed[b.rows][None, :] - pred[:, b.rows]
            bad = ~np.all(np.isfinite(r), axis=1)
            r = np.where(np.isfinite(r), r, 0.0)
            chol = np.linalg.cholesky(cov)
            z = np.linalg.solve(chol, r[:, :, None])[:, :, 0]
            logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
            m = len(b.rows)
            ll = -0.5 * (np.sum(z * z, axis=1) + logdet + m * np.log(2.0 * np.pi))
            out[:, s] = np.where(bad, -np.inf, ll)
        return out

    def sample(self, pred: np.ndarray, err: dict[str, np.ndarray], g: np.ndarray, per_draw: int,
               rng: np.random.Generator) -> np.ndarray:
        """float64[K * per_draw, n]: joint predictive draws of every row (all terms included).

        Parameters
        ----------
        pred : float64 (K, n)
            Expected statistics of the n targets.
        err : dict of str to float64 (K,)
            Error parameters by name (:func:`sim.calibration.priors.error_parameters`).
        g : float64 (K, n)
            Contextual loadings of all rows.
        per_draw : int
            Draws per parameter row.
        rng : numpy.random.Generator
        """
        K = pred.shape[0]
        out = np.repeat(pred, per_draw, axis=0)
        for b in self.blocks:
            chol = np.linalg.cholesky(self.covariance(b, err, np.nan_to_num(g)))
            z = rng.standard_normal((K, per_draw, len(b.rows)))
            eps = np.einsum("kij,kpj->kpi", chol, z).reshape(K * per_draw, len(b.rows))
            out[:, b.rows] += eps
        return out

    def marginal_sd(self, err: dict[str, np.ndarray], g: np.ndarray) -> np.ndarray:
        """float64[K, n]: predictive SD of each row around the model's expected statistic.

        Parameters
        ----------
        err : dict of str to float64 (K,)
            Error parameters by name (:func:`sim.calibration.priors.error_parameters`).
        g : float64 (K, n)
            Contextual loadings of all rows.

        Returns
        -------
        float64 (K, n)
            On the rows' scales.
        """
        K = g.shape[0]
        sd = np.empty((K, self.n))
        for b in self.blocks:
            cov = self.covariance(b, err, np.nan_to_num(g))
            sd[:, b.rows] = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
        return sd
