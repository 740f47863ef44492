"""Forest plot: takes data, returns the axes, rejects mismatched shapes."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from sim.plotting import plot_forest  # noqa: E402


def test_forest_returns_axes_with_one_row_per_label():
    ax = plot_forest(["a vs c", "b vs c"], [-2.0, 1.0], [-4.0, -1.0], [0.0, 3.0], outer_low=[-6, -3], outer_high=[2, 5])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a vs c", "b vs c"][::-1] or len(ax.get_yticks()) == 2
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_forest_rejects_bad_shapes():
    with pytest.raises(ValueError, match="estimate, low, high"):
        plot_forest(["a"], [1.0, 2.0], [0.0], [3.0])
