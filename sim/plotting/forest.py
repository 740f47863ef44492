"""Forest plot of between-arm differences (data in, axes out; never re-runs a simulation)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_forest"]


def plot_forest(labels, estimate, low, high, *, outer_low=None, outer_high=None, ax=None, null: float = 0.0,
                xlabel: str = "difference (arm - control)", title: str = "", favours: tuple[str, str] | None = None):
    """One row per comparison: a point estimate with an interval, and optionally a wider one.

    Parameters
    ----------
    labels : sequence of str, length K
        Row labels (top to bottom).
    estimate, low, high : array_like, shape [K]
        Point estimate and its interval (e.g. the median 95% CI over replicate trials).
    outer_low, outer_high : array_like, shape [K], optional
        A second, thinner interval (e.g. the 95% prediction interval of the estimate), drawn with
        end caps just below the first so that both stay visible.
    null : float
        Value of no difference (vertical reference line).
    favours : (str, str), optional
        Text under the left and right ends of the axis, e.g. ("favours arm", "favours control").

    Returns
    -------
    matplotlib.axes.Axes
    """
    est, lo, hi = (np.asarray(x, dtype=float) for x in (estimate, low, high))
    k = len(labels)
    if not (est.shape == lo.shape == hi.shape == (k,)):
        raise ValueError(f"estimate, low, high: need shape ({k},) each (one per label); "
                         f"got {est.shape}, {lo.shape}, {hi.shape}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.5, 0.45 * k + 2.0))
    y = np.arange(k)[::-1].astype(float)
    y_ci = y
    if outer_low is not None and outer_high is not None:
        olo, ohi = np.asarray(outer_low, float), np.asarray(outer_high, float)
        # The prediction interval gets its own line just below the CI, with end caps, so that it
        # stays visible where it is as narrow as the CI or narrower (small or noisy trials).
        y_ci, y_pi = y + 0.12, y - 0.18
        ax.hlines(y_pi, olo, ohi, color="0.45", lw=1.2, label="95% prediction interval")
        ax.plot(np.r_[olo, ohi], np.r_[y_pi, y_pi], "|", color="0.45", ms=7)
    ax.hlines(y_ci, lo, hi, color="C0", lw=3.0, label="95% CI")
    ax.plot(est, y_ci, "s", color="k", ms=5, label="estimate")
    ax.axvline(null, color="0.3", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels(list(labels), fontsize=8)
    ax.set_ylim(-0.7, k - 0.3)
    ax.set_xlabel(xlabel)
    if favours:
        ax.text(0.0, -0.16, favours[0], transform=ax.transAxes, ha="left", va="top", fontsize=7)
        ax.text(1.0, -0.16, favours[1], transform=ax.transAxes, ha="right", va="top", fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3, frameon=False)
    return ax
