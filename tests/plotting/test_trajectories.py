"""Run figures: units on the axes, arms told apart without colour, report days marked."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from sim.plotting import plot_run_summary  # noqa: E402


def test_run_summary_units_styles_and_report_days():
    import matplotlib.pyplot as plt

    times = np.arange(0.0, 366.0, 7.0)
    measures = ("WOMAC_total", "VAS_pain", "MRI_cartilage_volume", "synovitis_score")
    outcomes = {m: np.vstack([np.sin(times / 50 + k) for k in range(5)]) for m in measures}
    units = {"WOMAC_total": "points", "VAS_pain": "mm", "MRI_cartilage_volume": "fraction of healthy",
             "synovitis_score": "points"}
    fig = plot_run_summary(times, outcomes, [f"arm{k}" for k in range(5)], units=units, report_days=(182, 365))
    for ax, m in zip(fig.axes, measures):
        assert f"[{units[m]}]" in ax.get_ylabel() and "month" in ax.get_xlabel()
        arms = [line for line in ax.get_lines() if line.get_label().startswith("arm")]
        styles = {(line.get_linestyle(), line.get_marker()) for line in arms}
        assert len(styles) == len(arms) == 5  # distinguishable without colour
        marked = [line for line in ax.get_lines() if line.get_label().startswith("_") and line.get_linestyle() == ":"]
        assert len(marked) >= 2  # one vertical line per report day
    plt.close(fig)
