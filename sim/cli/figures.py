"""Figures the commands write beside their results: calibration fit and leave-one-study-out.

The calibration computes, :mod:`sim.plotting` draws; this module, at the command-line edge, is
where the two meet (plotting takes arrays and an ``ax`` and knows nothing of calibration).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["write_fit_figure", "write_loso_figure"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_fit_figure(result: dict, path: str | Path) -> Path:
    """Draw ``fit_report.png``: predicted vs observed training rows and residuals by study.

    Parameters
    ----------
    result : dict
        What :func:`sim.calibration.pipeline.calibrate` returns; its ``"rows"`` (observed,
        predicted, pi95_low, pi95_high, span, standardised_residual: float64[n] each) and
        ``"study"`` (n study ids).
    path : path-like
        PNG file to write.

    Returns
    -------
    Path
        ``path``.
    """
    from sim.plotting.calibration_plots import plot_predicted_vs_observed, plot_study_residuals

    plt = _pyplot()
    rows = result["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [1, 1.3]})
    plot_predicted_vs_observed(rows["observed"], rows["predicted"], rows["pi95_low"], rows["pi95_high"],
                               rows["span"], ax=axes[0])
    plot_study_residuals(result["study"], rows["standardised_residual"], ax=axes[1])
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def write_loso_figure(result, path: str | Path) -> Path:
    """Draw ``loso.png``: observed vs predicted changes and contrasts, PIT histogram, coverage curve.

    Parameters
    ----------
    result : LosoResult
        What :func:`sim.calibration.validation.validate_loso` returns; the calibration variant
        without pooled rows is drawn.
    path : path-like
        PNG file to write (atomically).

    Returns
    -------
    Path
        ``path``.
    """
    from sim.atomic import write_atomic
    from sim.calibration.report import MAIN_VARIANT
    from sim.calibration.scoring import NOMINAL, normalised
    from sim.plotting.validation_plots import plot_coverage_curve, plot_observed_vs_predicted, plot_pit

    plt = _pyplot()
    rep = result.reports[MAIN_VARIANT]
    fig, axes = plt.subplots(1, 4, figsize=(19, 4.8))
    for ax, name in zip(axes[:2], ("change", "contrast")):
        c = rep.classes[name]
        m = c.model
        observed = normalised(c.rows)[0] if c.rows else np.zeros(0)
        plot_observed_vs_predicted(observed, m.median, m.lower[0.95], m.upper[0.95], ax=ax, label=f"{name}s")
    both = rep.classes["change+contrast"]
    plot_pit(both.model.pit, ax=axes[2])
    plot_coverage_curve(np.asarray(NOMINAL), both.coverage, ax=axes[3])
    fig.suptitle("Leave-one-study-out predictions of the packaged trials (calibration without pooled rows)")
    fig.tight_layout()
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
    return Path(path)
