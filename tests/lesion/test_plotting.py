"""Lesion plots return their axes and refuse unknown fields."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from sim.lesion import LesionDrivers, LesionGeometry, simulate_lesion  # noqa: E402
from sim.plotting.lesion_plots import plot_cell_counts, plot_fill_curves, plot_lesion_field  # noqa: E402


def test_plots_return_axes():
    import matplotlib.pyplot as plt

    res = simulate_lesion(LesionGeometry.small(), None, LesionDrivers.constant(msc_influx=2e4),
                          days=1, initial_msc_per_mm3=1e4, snapshot_days=(1,))
    fig, axes = plt.subplots(1, 3)
    assert plot_lesion_field(res, "il1", ax=axes[0]) is axes[0]
    assert len(axes[0].collections) >= 1  # agents drawn
    assert plot_fill_curves({"a": res}, ax=axes[1]) is axes[1]
    assert plot_cell_counts(res, ax=axes[2]) is axes[2]
    with pytest.raises(ValueError, match="unknown field"):
        plot_lesion_field(res, "tnf", ax=axes[0])
    plt.close(fig)
