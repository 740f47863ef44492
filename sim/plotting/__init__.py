"""Figures: the one package of ``sim`` that draws with matplotlib.

Every function takes data (never re-runs a simulation) and an optional ``ax``, and returns
the axes; pyplot is imported only when a new figure has to be made.
"""

from sim.plotting.forest import plot_forest
from sim.plotting.sensitivity_plots import plot_morris, plot_sobol
from sim.plotting.sweep_plots import plot_dose_response, plot_heatmap
from sim.plotting.trajectories import plot_arms, plot_run_summary

__all__ = ["plot_arms", "plot_dose_response", "plot_forest", "plot_heatmap", "plot_morris", "plot_run_summary",
           "plot_sobol"]
