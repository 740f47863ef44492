"""Plots of global sensitivity results (:class:`sim.sweep.sensitivity.SensitivityResult`)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_sobol", "plot_morris"]


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when the caller gives no axes
    return plt.subplots(figsize=size, layout="constrained")[1]


def plot_sobol(result: Any, outcome: str, ax: Any = None) -> Any:
    """Bar chart of first-order (S1) and total (ST) Sobol indices with confidence bars.

    Parameters
    ----------
    result : SensitivityResult
        With ``method == "sobol"``.
    outcome : str
        Which outcome's indices to show.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if result.method != "sobol":
        raise ValueError(f"plot_sobol needs a Sobol result, got method {result.method!r}")
    ix = result.indices[outcome]
    ax = _axes(ax, (max(5.0, 1.2 + 0.7 * len(result.names)), 3.4))
    x = np.arange(len(result.names))
    w = 0.38
    ax.bar(x - w / 2, ix["S1"], w, yerr=ix["S1_conf"], capsize=3, label="first order $S_1$")
    ax.bar(x + w / 2, ix["ST"], w, yerr=ix["ST_conf"], capsize=3, label="total $S_T$")
    ax.set_xticks(x, result.names, rotation=30 if len(result.names) > 5 else 0, ha="right"
                  if len(result.names) > 5 else "center")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_ylabel("Sobol index (fraction of variance)")
    ax.set_title(f"{outcome}: Sobol indices\n(N={result.settings.get('n_base')}, "
                 f"{result.n_runs} runs)", fontsize="medium")
    ax.legend(frameon=False)
    return ax


def plot_morris(result: Any, outcome: str, ax: Any = None) -> Any:
    """Morris screening plot: mu* (mean absolute elementary effect) against sigma.

    Parameters as :func:`plot_sobol`, for a result with ``method == "morris"``. Points far
    right are influential; points high above the diagonal act non-linearly or interact.
    """
    if result.method != "morris":
        raise ValueError(f"plot_morris needs a Morris result, got method {result.method!r}")
    ix = result.indices[outcome]
    ax = _axes(ax, (4.2, 3.6))
    ax.errorbar(ix["mu_star"], ix["sigma"], xerr=ix["mu_star_conf"], fmt="o", capsize=3)
    for name, mx, s in zip(result.names, ix["mu_star"], ix["sigma"]):
        ax.annotate(name, (mx, s), textcoords="offset points", xytext=(4, 4), fontsize=8)
    top = float(np.nanmax(np.r_[ix["mu_star"], ix["sigma"], 1e-12])) * 1.1
    ax.plot([0, top], [0, top], color="0.6", lw=0.8, ls="--")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(r"$\mu^*$ (mean |elementary effect|)")
    ax.set_ylabel(r"$\sigma$ (spread of effects)")
    ax.set_title(f"{outcome}: Morris screening\n(r={result.settings.get('n_trajectories')}, "
                 f"{result.n_runs} runs)", fontsize="medium")
    return ax
