"""Figures of the lesion model: field heatmaps with agents overlaid, and fill curves.

Functions take data (a :class:`~sim.lesion.LesionResult` or arrays), draw on an optional
``ax`` and return it; they never run simulations and never call ``plt.show()``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_lesion_field", "plot_fill_curves", "plot_cell_counts"]

_KIND_STYLE = {0: ("MSC", "tab:orange"), 1: ("chondrocyte", "tab:blue"),
               2: ("marrow-derived", "tab:green")}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3))
    return ax


def plot_lesion_field(result, field: str = "sdf", snapshot: int = -1, *, ax=None,
                      agents: bool = True, max_agents: int = 5000, cmap: str = "viridis"):
    """Heatmap of one field at one snapshot, with agents drawn as dots.

    Parameters
    ----------
    result : LesionResult
        Needs at least one snapshot.
    field : str
        One of ``sim.lesion.FIELD_NAMES`` or ``"matrix"`` (hyaline + fibrous).
    snapshot : int
        Snapshot index.
    ax : matplotlib Axes, optional
    agents : bool
        Overlay agents (a deterministic subsample of at most ``max_agents``).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    snap = result.snapshots[snapshot] if result.snapshots else None
    if field == "matrix":
        if snap is None:
            raise ValueError("this result holds no snapshots; pass snapshot_days to simulate_lesion")
        data = snap["hyaline"] + snap["fibrous"]
    else:
        data = result.field(field, snapshot)
    dx = result.geometry.dx_mm
    ny, nx = data.shape
    im = ax.imshow(data, cmap=cmap, origin="upper", extent=(0, nx * dx, ny * dx, 0),
                   interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, label=f"{field} (1 = healthy SF)" if field != "matrix"
                       else "matrix (fraction of native)")
    if agents:
        kind = snap["agent_kind"]
        step = max(1, kind.size // max_agents)
        for code, (label, color) in _KIND_STYLE.items():
            sel = np.flatnonzero(kind == code)[::step]
            if sel.size:
                ax.scatter((snap["agent_ix"][sel] + 0.5) * dx, (snap["agent_iy"][sel] + 0.5) * dx,
                           s=2, c=color, label=label, linewidths=0)
        if kind.size:
            ax.legend(loc="lower right", fontsize="small", markerscale=4)
    ax.set_xlabel("x (mm)")
    ax.set_ylabel("depth (mm)")
    ax.set_title(f"{field}, day {snap['t']:.0f}")
    return ax


def plot_fill_curves(results: dict, *, ax=None, quality: bool = True):
    """Defect fill (solid) and repair quality (dashed) over time for labelled results.

    Parameters
    ----------
    results : dict[str, LesionResult]
        Label -> result.
    """
    from sim.plotting.trajectories import MARKERS

    ax = _axes(ax)
    for i, (label, res) in enumerate(results.items()):  # a marker per result: not colour alone
        line, = ax.plot(res.times, res.series["defect_fill"], label=f"{label}: fill", marker=MARKERS[i % len(MARKERS)],
                        markevery=max(1, len(res.times) // 8), markersize=4)
        if quality:
            ax.plot(res.times, res.series["repair_quality"], ls="--", color=line.get_color(),
                    label=f"{label}: hyaline share")
    ax.set_xlabel("time since injection [day]")
    ax.set_ylabel("fraction of the defect [0-1]")
    ax.set_ylim(0, 1)
    ax.legend(fontsize="small")
    return ax


def plot_cell_counts(result, *, ax=None):
    """Cells by kind (MSC, chondrocyte, marrow) in the simulated slice over time.

    Parameters
    ----------
    result : LesionResult
        Its ``series`` ``n_msc``, ``n_chondrocyte`` and ``n_marrow`` (cells, float64[T]) are drawn
        against ``times`` (days).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    styles = ("-", "--", "-.")
    for key, (label, color), ls in zip(("n_msc", "n_chondrocyte", "n_marrow"), _KIND_STYLE.values(), styles):
        ax.plot(result.times, result.series[key], label=label, color=color, ls=ls)
    ax.set_xlabel("time since injection [day]")
    ax.set_ylabel("cells in the simulated slice [count]")
    ax.legend(fontsize="small")
    return ax
