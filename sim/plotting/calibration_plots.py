"""Fit-report figures of the calibration (data in, axes out; never re-runs a simulation)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_predicted_vs_observed", "plot_study_residuals"]


def _axes(ax, size):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def plot_predicted_vs_observed(observed, predicted, low, high, span, *, ax=None, title: str = ""):
    """Every row: observed vs predicted, both divided by the row's scale range, with the 95% PI.

    Parameters
    ----------
    observed, predicted, low, high, span : array_like, shape [n]
        Reported value, predictive median, 95% interval and the scale range of each row (values
        are shown as fractions of ``span`` so that all scales share one axis; changes and
        differences fall below zero).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (5.5, 5.5))
    s = np.asarray(span, float)
    o, p = np.asarray(observed, float) / s, np.asarray(predicted, float) / s
    lo, hi = np.asarray(low, float) / s, np.asarray(high, float) / s
    inside = (o >= lo) & (o <= hi)
    for mask, colour, label in ((inside, "tab:blue", "inside 95% PI"), (~inside, "tab:red", "outside")):
        ax.errorbar(o[mask], p[mask], yerr=[p[mask] - lo[mask], hi[mask] - p[mask]], fmt="o", ms=3, lw=0.8,
                    color=colour, alpha=0.7, label=f"{label} ({int(mask.sum())})")
    lim = [min(o.min(), lo.min()) - 0.05, max(o.max(), hi.max()) + 0.05]
    ax.plot(lim, lim, "k--", lw=0.8)
    ax.set_xlabel("observed / scale range")
    ax.set_ylabel("predicted / scale range (median, 95% PI)")
    ax.set_title(title or f"coverage {inside.mean():.0%} of {o.size} rows")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_study_residuals(studies, residuals, *, ax=None, title: str = "standardised residuals by study"):
    """Standardised residuals ((observed - predicted) / total SD) grouped by study.

    Parameters
    ----------
    studies : sequence of str, length n
    residuals : array_like, shape [n]

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (7.0, 4.5))
    studies = list(studies)
    r = np.asarray(residuals, float)
    names = list(dict.fromkeys(studies))
    for k, name in enumerate(names):
        y = r[[i for i, s in enumerate(studies) if s == name]]
        ax.plot(np.full(y.size, k) + np.linspace(-0.2, 0.2, y.size), y, "o", ms=3, alpha=0.7)
    ax.axhline(0, color="k", lw=0.8)
    for v in (-2, 2):
        ax.axhline(v, color="grey", ls=":", lw=0.8)
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("(observed - predicted) / SD")
    ax.set_title(title)
    return ax
