"""Trajectory plots of arms over time (data in, axes out)."""

from __future__ import annotations

import numpy as np


def _new_axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 3.5))
    return ax


def plot_arms(times, values, labels, *, ax=None, ylabel: str = "", title: str = "", baseline_change=False):
    """Plot one line per arm.

    Parameters
    ----------
    times : float64[T]
        Days.
    values : float64[A, T]
        One row per arm.
    labels : sequence of str
        Arm names.
    baseline_change : bool
        Plot the change from day 0 instead of the value.
    """
    ax = _new_axes(ax)
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    if baseline_change:
        values = values - values[:, [int(np.argmin(np.abs(times)))]]
    for row, label in zip(values, labels):
        ax.plot(times / 30.44, row, label=label, lw=1.4)
    ax.set_xlabel("months")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return ax


def plot_run_summary(times, outcomes: dict, labels, *, measures=("WOMAC_total", "VAS_pain",
                     "MRI_cartilage_volume", "synovitis_score"), fig=None):
    """Four-panel overview of a run: change from baseline of the key measures per arm."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 7.5), constrained_layout=True)
    axes = fig.subplots(2, 2).ravel()
    for ax, name in zip(axes, measures):
        plot_arms(times, outcomes[name], labels, ax=ax, ylabel=f"change in {name}", title=name,
                  baseline_change=True)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right center", fontsize=8)
    return fig
