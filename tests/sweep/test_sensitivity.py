"""SALib wrappers against the Ishigami function's known indices, and their plots."""

import math

import numpy as np
import pytest

from sim.sweep.sensitivity import (
    ISHIGAMI_BOUNDS,
    ishigami,
    morris_analysis,
    n_runs_morris,
    n_runs_sobol,
    read_sensitivity,
    sobol_analysis,
    write_sensitivity,
)

# Closed-form indices of Ishigami (a=7, b=0.1): Ishigami & Homma 1990; Sobol' & Levitan 1999
S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])


def test_sobol_recovers_ishigami_indices(tmp_path):
    said = []
    res = sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 2048, seed=1, num_resamples=50,
                         log=said.append)
    assert said == ["sobol: 10240 model runs (N=2048, D=3, no second order)"]
    assert res.n_runs == n_runs_sobol(3, 2048) == 10240
    ix = res.indices["y"]
    np.testing.assert_allclose(ix["S1"], S1, atol=0.03)
    np.testing.assert_allclose(ix["ST"], ST, atol=0.03)
    path = write_sensitivity(tmp_path / "sobol.h5", res)
    back = read_sensitivity(path)
    assert back.names == ["x1", "x2", "x3"] and back.method == "sobol"
    np.testing.assert_array_equal(back.indices["y"]["ST"], ix["ST"])
    np.testing.assert_array_equal(back.X, res.X)


def test_sobol_is_reproducible_with_seed():
    a = sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 64, seed=3, num_resamples=10, log=None)
    b = sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 64, seed=3, num_resamples=10, log=None)
    np.testing.assert_array_equal(a.indices["y"]["S1"], b.indices["y"]["S1"])


def test_sobol_second_order_run_count():
    res = sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 64, second_order=True, num_resamples=10,
                         log=None)
    assert res.n_runs == 64 * 8 and res.indices["y"]["S2"].shape == (3, 3)


def test_morris_ranks_ishigami_inputs():
    res = morris_analysis(ISHIGAMI_BOUNDS, ishigami, 60, seed=2, num_resamples=20, log=None)
    assert res.n_runs == n_runs_morris(3, 60) == 240
    mu_star = res.indices["y"]["mu_star"]
    assert np.all(mu_star > 0) and mu_star.shape == (3,)
    # x3 acts only through its interaction with x1: large spread relative to its mean effect
    sigma = res.indices["y"]["sigma"]
    assert sigma[2] > mu_star[2]


@pytest.mark.parametrize("n, match", [(1000, "power of two"), (1, "power of two"),
                                      (True, "power of two")])
def test_sobol_sample_size_checked(n, match):
    with pytest.raises(ValueError, match=match):
        sobol_analysis(ISHIGAMI_BOUNDS, ishigami, n, log=None)


@pytest.mark.parametrize("params, match", [
    ({}, "non-empty mapping"),
    ({"x": (1.0, 1.0)}, "low < high"),
    ({"x": (0.0, math.inf)}, "low < high"),
    ({"x": "wide"}, "bounds must be"),
])
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        sobol_analysis(params, ishigami, 8, log=None)


def test_bad_model_outputs():
    with pytest.raises(ValueError, match="outcome 'z' not returned"):
        sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 8, outcomes=["z"], log=None)
    nan_model = lambda X: {"y": np.where(X[:, 0] > 0, np.nan, 1.0)}  # noqa: E731
    with pytest.raises(ValueError, match="not finite in"):
        sobol_analysis(ISHIGAMI_BOUNDS, nan_model, 8, log=None)
    with pytest.raises(ValueError, match="even integer"):
        morris_analysis(ISHIGAMI_BOUNDS, ishigami, 4, num_levels=3, log=None)


def test_plots_return_axes():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.plotting.sensitivity_plots import plot_morris, plot_sobol
    s = sobol_analysis(ISHIGAMI_BOUNDS, ishigami, 32, num_resamples=10, log=None)
    m = morris_analysis(ISHIGAMI_BOUNDS, ishigami, 4, num_resamples=10, log=None)
    fig, (a1, a2) = plt.subplots(1, 2)
    assert plot_sobol(s, "y", ax=a1) is a1 and len(a1.patches) == 6
    assert plot_morris(m, "y", ax=a2) is a2
    with pytest.raises(ValueError, match="needs a Morris result"):
        plot_morris(s, "y", ax=a2)
    plt.close(fig)


def test_cli_sobol_and_dry_run(tmp_path, capsys):
    from sim.cli.sweep_app import main_sensitivity
    args = [f"--param=x{i}=-3.141592653589793:3.141592653589793" for i in (1, 2, 3)]
    assert main_sensitivity([*args, "-n", "16", "--dry-run"]) == 0
    assert "sobol: 80 model runs" in capsys.readouterr().out
    out = tmp_path / "s.h5"
    assert main_sensitivity([*args, "-n", "64", "-o", str(out), "--plot",
                             str(tmp_path / "s.png")]) == 0
    text = capsys.readouterr().out
    assert text.startswith("sobol: 320 model runs") and (tmp_path / "s.png").stat().st_size > 0
    assert read_sensitivity(out).settings["model"] == "sim.sweep.sensitivity:ishigami"
    assert main_sensitivity([*args, "-n", "100"]) == 2
    assert "power of two" in capsys.readouterr().err
