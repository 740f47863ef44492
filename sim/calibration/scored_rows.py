"""Reported rows of left-out studies as scored: their classes, normalisation and within-study contrasts.

* Classes: ``contrast`` (``mean_difference_vs_control``), ``baseline`` (day 0), ``rate``
  (responder percentages), else ``change``: ``observed - anchor`` for an anchored follow-up
  level, the reported value for statistics that are already changes (sign convention as
  reported: ``baseline_minus_followup`` and ``median_pct_improvement`` are positive for
  improvement). A follow-up level without an anchor is refused. Values, samples and SEs are
  divided by ``span`` (scores are fractions of the range).
* Within-study contrasts: a study's control arm is the ``vs_arm_id`` of its first explicit
  contrast, else its first ``saline`` arm. A change of another arm is paired with the control's
  first change of the same measure, statistic, day and span; a pair that an explicit contrast of
  the same arm, control, measure and day already reports is not derived again (no double count).
* Studies: outcome rows cluster by ``study``, pooled rows by ``"pooled:<study>"``. Windows
  (:data:`WINDOWS`, days, right-closed) separate the 1/3/6/12/24-month visits.

Part of :mod:`sim.calibration.scoring`, which re-exports every public name here.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

__all__ = ["ARM_TYPES", "CHANGE_STATISTICS", "CONTRAST", "LEVEL_STATISTICS", "SOURCES", "STATISTICS", "WINDOWS",
           "ScoredRow", "checked_rows", "normalised", "row_class", "row_values", "within_study_contrasts"]

ARM_TYPES = ("saline", "ha", "prp", "msc", "steroid", "surgery", "other")
SOURCES = ("outcomes", "pooled")
CONTRAST = "mean_difference_vs_control"
LEVEL_STATISTICS = ("mean", "median")
CHANGE_STATISTICS = ("mean_change_from_baseline", "median_change_from_baseline", "mean_pct_change_from_baseline",
                     "median_pct_improvement", "responder_pct", "baseline_minus_followup")
STATISTICS = LEVEL_STATISTICS + CHANGE_STATISTICS + (CONTRAST,)
WINDOWS = ((0.0, 42.0), (42.0, 120.0), (120.0, 270.0), (270.0, 540.0), (540.0, math.inf))


@dataclass(frozen=True)
class ScoredRow:
    """One reported number of a left-out study (see :class:`sim.calibration.targets.Target`).

    ``day`` [day] > 0 for changes, 0 for baseline levels; ``span`` the scale range (100 for
    percent statistics); ``observed`` and ``se`` on the row's scale; ``anchor`` the reported
    baseline of a follow-up ``mean``/``median``, else None; ``arm_type`` one of :data:`ARM_TYPES`;
    ``source`` ``"outcomes"`` or ``"pooled"``.
    """

    key: str
    study: str
    arm_id: str
    vs_arm_id: str | None
    measure: str
    statistic: str
    day: float
    span: float
    observed: float
    se: float
    anchor: float | None
    arm_type: str
    source: str

    def __post_init__(self):
        def bad(name, value, allowed):
            raise ValueError(f"ScoredRow {self.key!r}: {name} {value!r}; allowed: {allowed}")

        for name, allowed in (("arm_type", ARM_TYPES), ("source", SOURCES), ("statistic", STATISTICS)):
            if getattr(self, name) not in allowed:
                bad(name, getattr(self, name), ", ".join(allowed))
        for name, ok, rule in (("observed", -math.inf, ""), ("se", 0.0, " >= 0"), ("span", 0.0, " > 0"),
                               ("day", 0.0, " >= 0")):
            v = getattr(self, name)
            if not (isinstance(v, numbers.Real) and math.isfinite(v) and v >= ok and (name != "span" or v > 0)):
                bad(name, v, "a finite number" + rule)
        if self.anchor is not None and not (isinstance(self.anchor, numbers.Real) and math.isfinite(self.anchor)):
            bad("anchor", self.anchor, "None or a finite number")
        if self.statistic == CONTRAST and not self.vs_arm_id:
            bad("vs_arm_id", self.vs_arm_id, f"the control arm of a {CONTRAST} row")
        if self.statistic in LEVEL_STATISTICS and self.day > 0 and self.anchor is None:
            bad("anchor", None, f"the reported baseline of a follow-up {self.statistic} (day {self.day:g}); "
                                "leave out follow-up levels without one")

    @property
    def cluster(self) -> str:
        """Study the row belongs to for references and bootstrap (``"pooled:<study>"`` for pooled rows)."""
        return self.study if self.source == "outcomes" else f"pooled:{self.study}"


def row_class(row: ScoredRow) -> str:
    """``"contrast"``, ``"baseline"`` (day 0), ``"rate"`` (responder percentages) or ``"change"``.

    Responder rates are scored but given no naive reference: "no change" would predict 0%
    responders, which no trial with visit-to-visit fluctuation shows, so its skill would flatter.

    Parameters
    ----------
    row : ScoredRow

    Returns
    -------
    str
    """
    if row.statistic == CONTRAST:
        return "contrast"
    if row.day == 0:
        return "baseline"
    return "rate" if row.statistic == "responder_pct" else "change"


def checked_rows(rows, samples=None):
    """``rows`` as a list and ``samples`` as float64[S, n] (or None), refused unless usable.

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
    samples : array_like (S, n), optional
        Predictive draws, one column per row.

    Returns
    -------
    rows : list of ScoredRow
    samples : float64 (S, n) or None

    Raises
    ------
    ValueError
        For no rows, a non-ScoredRow item, a key twice, samples not of shape (S >= 2, n), or
        non-finite draws (naming the column's row).
    """
    rows = list(rows)
    if not rows or not all(isinstance(r, ScoredRow) for r in rows):
        raise ValueError("rows: need a non-empty sequence; allowed: ScoredRow items only")
    dup = [k for k, n in Counter(r.key for r in rows).items() if n > 1]
    if dup:
        raise ValueError(f"rows: key {dup[0]!r} appears twice; allowed: one row per key")
    if samples is None:
        return rows, None
    s = np.asarray(samples, dtype=np.float64)
    if s.ndim != 2 or s.shape[1] != len(rows) or s.shape[0] < 2:
        raise ValueError(f"samples: shape {s.shape}; allowed: (S >= 2, {len(rows)}) (draws x rows)")
    if not np.all(np.isfinite(s)):
        col = int(np.where(~np.all(np.isfinite(s), axis=0))[0][0])
        raise ValueError(f"samples: non-finite draws in column {col} ({rows[col].key!r}); allowed: finite "
                         "values only (drop failed draws first)")
    return rows, s


def normalised(rows, samples=None):
    """Observed values, SEs and samples as classed values divided by ``span``.

    Returns ``(y float64[n], se float64[n], ys float64[S, n] or None)``: changes for change rows,
    levels for baseline rows, differences for contrasts; fractions of the scale range.

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
    samples : array_like (S, n), optional
        Predictive draws on the rows' scales.
    """
    rows, s = checked_rows(rows, samples)
    span = np.array([r.span for r in rows])
    v, vs = row_values(rows, s)
    return v / span, np.array([r.se for r in rows]) / span, None if vs is None else vs / span


def row_values(rows, s):
    """Classed values on the row scale: observed float64[n] and samples float64[S, n] (or None).

    Parameters
    ----------
    rows : list of ScoredRow, length n
    s : float64 (S, n) or None
        Predictive draws on the rows' scales.

    Returns
    -------
    observed : float64 (n,)
    samples : float64 (S, n) or None
    """
    shift = np.array([r.anchor if (r.anchor is not None and row_class(r) == "change") else 0.0 for r in rows])
    return np.array([r.observed for r in rows]) - shift, None if s is None else s - shift


def within_study_contrasts(rows, samples):
    """Between-arm contrasts of changes within each study, from joint predictive samples.

    Parameters
    ----------
    rows : sequence of ScoredRow, length n
    samples : float64[S, n]
        Joint predictive draws of the rows (row scale): terms shared by the arms of a study cancel.

    Returns
    -------
    contrast_rows : list of ScoredRow, length m
        Explicit contrast rows unchanged, then derived ones (``vs_arm_id`` the control, ``anchor``
        None, ``observed`` = change of arm - change of control, ``se`` = sqrt(se_a^2 + se_c^2)).
    contrast_samples : float64[S, m]
        Draws of the contrasts on the row scale.
    """
    rows, s = checked_rows(rows, samples)
    change, change_s = row_values(rows, s)
    out, cols, by_study = [], [], {}
    for i, r in enumerate(rows):
        by_study.setdefault(r.cluster, []).append(i)
    for idx in by_study.values():
        explicit = [i for i in idx if row_class(rows[i]) == "contrast"]
        out += [rows[i] for i in explicit]
        cols += [s[:, i] for i in explicit]
        saline = [rows[i].arm_id for i in idx if rows[i].arm_type == "saline"]
        control = rows[explicit[0]].vs_arm_id if explicit else (saline[0] if saline else None)
        reported = {(rows[i].arm_id, rows[i].vs_arm_id, rows[i].measure, rows[i].day) for i in explicit}
        ctrl: dict[tuple, int] = {}
        for i in reversed(idx):  # the first of duplicates wins
            if rows[i].arm_id == control and row_class(rows[i]) == "change":
                ctrl[(rows[i].measure, rows[i].statistic, rows[i].day, rows[i].span)] = i
        for i in idx:
            a = rows[i]
            j = ctrl.get((a.measure, a.statistic, a.day, a.span))
            if a.arm_id == control or row_class(a) != "change" or j is None \
                    or (a.arm_id, control, a.measure, a.day) in reported:
                continue
            c = rows[j]
            out.append(replace(a, key=f"{a.key} - {c.key}", vs_arm_id=control, statistic=CONTRAST, anchor=None,
                               observed=float(change[i] - change[j]), se=math.hypot(a.se, c.se)))
            cols.append(change_s[:, i] - change_s[:, j])
    return out, (np.stack(cols, axis=1) if cols else np.empty((s.shape[0], 0)))
