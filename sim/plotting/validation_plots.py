"""Figures of leave-one-study-out validation scores (data in, axes out; never re-runs a simulation).

Inputs are the arrays of a leave-one-study-out score report (``sim.calibration.scoring``), passed
in by the caller: every value is a fraction of its row's scale range (changes and differences
below zero mean improvement on lower-is-better scales).
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_observed_vs_predicted", "plot_pit", "plot_coverage_curve"]

_UNIT = "[fraction of scale range]"


def _axes(ax, size):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _same_length(n, **arrays):
    out = [np.asarray(v, dtype=float) for v in arrays.values()]
    if any(v.shape != (n,) for v in out):
        shapes = ", ".join(f"{k} {v.shape}" for k, v in zip(arrays, out))
        raise ValueError(f"{', '.join(arrays)}: shapes {shapes}; allowed: ({n},) each")
    return out


def plot_observed_vs_predicted(observed, median, lower, upper, *, ax=None, label: str = "rows"):
    """Observed vs predicted values of one row class, with 95% predictive intervals.

    Parameters
    ----------
    observed : array_like, shape [n]
        Observed values of the class's rows, normalised as in scoring (change = observed -
        anchor for anchored levels, divided by ``span``; ``ClassScores.observed``).
    median, lower, upper : array_like, shape [n]
        Predictive median and central 95% interval, normalised (``ClassScores.model.median``,
        ``.lower[0.95]``, ``.upper[0.95]``).
    label : str
        Name of the class (e.g. ``"changes"``), used in the axis labels and legend.

    Returns
    -------
    matplotlib.axes.Axes
    """
    o = np.asarray(observed, dtype=float).ravel()
    p, lo, hi = _same_length(o.size, median=median, lower=lower, upper=upper)
    ax = _axes(ax, (5.5, 5.5))
    if not o.size:
        return ax
    inside = (o >= lo) & (o <= hi)
    for mask, colour, text in ((inside, "tab:blue", "inside 95% PI"), (~inside, "tab:red", "outside")):
        ax.errorbar(o[mask], p[mask], yerr=[p[mask] - lo[mask], hi[mask] - p[mask]], fmt="o", ms=3, lw=0.8,
                    color=colour, alpha=0.7, label=f"{label}: {text} ({int(mask.sum())})")
    lim = [min(o.min(), lo.min()) - 0.05, max(o.max(), hi.max()) + 0.05]
    ax.plot(lim, lim, "k--", lw=0.8, label="identity")
    ax.set_xlabel(f"observed {label} {_UNIT}")
    ax.set_ylabel(f"predicted {label}, median and 95% PI {_UNIT}")
    ax.set_title(f"{label}: {inside.mean():.0%} of {o.size} rows inside the 95% PI")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_pit(pit, *, ax=None, bins: int = 10, label: str = ""):
    """Histogram of probability-integral-transform values with the uniform density of a calibrated model.

    Parameters
    ----------
    pit : array_like, shape [n]
        Share of predictive samples below each observation (``Scores.pit``), in [0, 1]. A U shape
        means intervals that are too narrow, a hump too wide, a slope a biased median.
    bins : int
        Equal-width bins on [0, 1].

    Returns
    -------
    matplotlib.axes.Axes
    """
    u = np.asarray(pit, dtype=float).ravel()
    if u.size and (not np.all(np.isfinite(u)) or u.min() < 0 or u.max() > 1):
        raise ValueError("pit: values outside [0, 1] or not finite; allowed: finite values in [0, 1]")
    ax = _axes(ax, (5.0, 3.5))
    ax.hist(u, bins=np.linspace(0.0, 1.0, bins + 1), density=True, color="tab:blue", alpha=0.7,
            edgecolor="white", label=f"{label} ({u.size} rows)".strip())
    ax.axhline(1.0, color="k", ls="--", lw=0.8, label="uniform (calibrated)")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("PIT (share of predictive samples below the observation)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    return ax


def plot_coverage_curve(nominal, empirical, *, ax=None, label: str = ""):
    """Empirical vs nominal coverage of central predictive intervals (one call per class).

    Parameters
    ----------
    nominal, empirical : array_like, shape [K]
        Interval levels and the share of observations inside them (``scoring.NOMINAL`` and
        ``ClassScores.coverage``); points below the diagonal mean intervals that are too narrow.

    Returns
    -------
    matplotlib.axes.Axes
    """
    nominal = np.asarray(nominal, dtype=float)
    (empirical,) = _same_length(nominal.size, empirical=empirical)
    ax = _axes(ax, (4.5, 4.5))
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.plot(nominal, empirical, "o-", ms=4, label=label or None)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("nominal coverage of central interval [fraction]")
    ax.set_ylabel("empirical coverage [fraction of rows]")
    if label:
        ax.legend(fontsize=8)
    return ax
