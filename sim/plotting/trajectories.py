"""Trajectory plots of arms over time (data in, axes out)."""

from __future__ import annotations

import numpy as np


def _new_axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 3.5))
    return ax


#: Line styles and markers cycled over arms, so arms stay apart in grey print and for
#: colour-blind readers, not by colour alone.
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">")


def arm_style(i: int) -> dict:
    """Matplotlib keywords (line style and marker) of the ``i``-th arm."""
    return {"linestyle": LINESTYLES[i % len(LINESTYLES)], "marker": MARKERS[i % len(MARKERS)]}


def plot_arms(times, values, labels, *, ax=None, ylabel: str = "", title: str = "", baseline_change=False,
              report_days=()):
    """Plot one line per arm, each with its own line style and marker.

    Parameters
    ----------
    times : float64[T]
        Days.
    values : float64[A, T]
        One row per arm.
    labels : sequence of str
        Arm names.
    ylabel : str
        Axis label, with its unit.
    baseline_change : bool
        Plot the change from day 0 instead of the value.
    report_days : sequence of float
        Days the run reports on [day]: marked by a vertical line, and the arms' markers sit there.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _new_axes(ax)
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    if baseline_change:
        values = values - values[:, [int(np.argmin(np.abs(times)))]]
    report_days = [float(d) for d in report_days]
    if report_days:
        marks = sorted({int(np.argmin(np.abs(times - d))) for d in report_days})
    else:
        marks = list(range(0, len(times), max(1, len(times) // 8)))
    for i, (row, label) in enumerate(zip(values, labels)):
        ax.plot(times / 30.44, row, label=label, lw=1.4, markevery=marks, markersize=4, **arm_style(i))
    for d in report_days:
        ax.axvline(d / 30.44, color="0.5", lw=0.8, ls=":", zorder=0)
    if report_days:
        # label the report days along the top edge (in axes coordinates vertically)
        for d in report_days:
            ax.annotate(f"day {d:g}", (d / 30.44, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, -2), textcoords="offset points", fontsize=7, color="0.35", va="top")
    ax.set_xlabel("time since first injection (months of 30.44 days)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return ax


def plot_run_summary(times, outcomes: dict, labels, *, measures=("WOMAC_total", "VAS_pain",
                     "MRI_cartilage_volume", "synovitis_score"), units=None, report_days=(), fig=None):
    """Four-panel overview of a run: change from baseline of the key measures per arm.

    Parameters
    ----------
    times : float64[T]
        Days.
    outcomes : dict of str to float64[A, T]
        Observed measures per arm.
    labels : sequence of str
        Arm names.
    measures : sequence of str
        The four measures shown.
    units : dict of str to str, optional
        Unit of each measure, shown on its axis.
    report_days : sequence of float
        Report days, marked on every panel.
    fig : matplotlib.figure.Figure, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    units = dict(units or {})
    if fig is None:
        fig = plt.figure(figsize=(11, 7.5), constrained_layout=True)
    axes = fig.subplots(2, 2).ravel()
    for ax, name in zip(axes, measures):
        unit = f" [{units[name]}]" if units.get(name) else ""
        plot_arms(times, outcomes[name], labels, ax=ax, ylabel=f"change in {name}{unit}", title=name,
                  baseline_change=True, report_days=report_days)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside right center", fontsize=8)
    return fig
