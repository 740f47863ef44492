"""Figures of aggregated sweeps: heatmaps over two axes and dose-response curves."""

from __future__ import annotations

import numpy as np


def _new_axes(ax, size=(5, 3.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def plot_heatmap(values, x_labels, y_labels, *, ax=None, xlabel="", ylabel="", cbar_label="",
                 cmap="viridis_r", annotate=True):
    """Heatmap of a two-axis sweep outcome (e.g. dose x adjuvant).

    Parameters
    ----------
    values : float64[Y, X]
        One row per ``y_labels`` entry, one column per ``x_labels`` entry, in the outcome's unit.
    x_labels, y_labels : sequence, lengths X and Y
        Tick labels of the columns and rows.
    ax : matplotlib.axes.Axes, optional
        Drawn into (a new figure otherwise).
    xlabel, ylabel, cbar_label : str
        Axis and colour-bar labels, with units.
    cmap : str
        Matplotlib colour map.
    annotate : bool
        Write each value (one decimal) in its cell.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _new_axes(ax)
    values = np.asarray(values, dtype=float)
    im = ax.imshow(values, cmap=cmap, aspect="auto", origin="lower")
    ax.set_xticks(range(len(x_labels)), [str(v) for v in x_labels])
    ax.set_yticks(range(len(y_labels)), [str(v) for v in y_labels])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    cb = ax.figure.colorbar(im, ax=ax)
    cb.set_label(cbar_label)
    if annotate:
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", fontsize=8, color="w")
    return ax


def plot_dose_response(doses, curves: dict, *, ax=None, xlabel="MSC dose [cells]", ylabel="", logx=True):
    """Dose-response curves, one per label, each with its own line style and marker.

    Parameters
    ----------
    doses : float64[D]
        Doses (cells for MSCs).
    curves : dict of str to float64[D]
        One value per dose for each label, in the outcome's unit.
    ax : matplotlib.axes.Axes, optional
    xlabel, ylabel : str
        Axis labels, with units.
    logx : bool
        Logarithmic dose axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from sim.plotting.trajectories import arm_style

    ax = _new_axes(ax)
    for i, (label, y) in enumerate(curves.items()):  # style and marker per curve, not colour alone
        ax.plot(doses, y, label=str(label), **arm_style(i))
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
