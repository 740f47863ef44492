"""``sim-calibrate``: calibrate the knee model against the packaged trial data (Hydra app).

    sim-calibrate                                   # full run (configs/calibration/config.yaml)
    sim-calibrate debug=default                     # smoke test (configs/calibration/debug/default.yaml)
    sim-calibrate findings_weight=1                 # the seed findings as soft constraints in the posterior
    sim-calibrate findings_report=true              # findings term vs replicas for the shipped calibration

Writes ``chain.h5`` (resumable emcee store), ``calibration.h5``, ``fit_rows.csv`` and
``fit_report.png`` into the run folder; a rerun into the same ``out_dir`` resumes the chain.
The last printed line is ``coverage95=... sign_agreement=... rows=... skipped=...``. A finished
run becomes the package default only through ``sim-install-calibration <run folder>/calibration.h5``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from omegaconf import DictConfig

from sim.cli import build
from sim.cli.app import app_main, hydra_app
from sim.cli.schema import CalibrateConf, check_added_keys, register

register()


def run(cfg: DictConfig, out_dir: Path) -> int:
    """The work of ``sim-calibrate`` with plain objects (after Hydra composed ``cfg``).

    Parameters
    ----------
    cfg : DictConfig
        The composed ``calibration/config``.
    out_dir : Path
        Folder of ``chain.h5``, ``calibration.h5``, ``fit_rows.csv`` and ``fit_report.png``.

    Returns
    -------
    int
        0; the last printed line is the training-row summary.
    """
    check_added_keys(cfg, CalibrateConf)  # +n_walker=40 adds a key past the schema: refuse it
    import sim  # noqa: F401  (configures the kernel cache)
    from sim.calibration.pipeline import calibrate
    from sim.cli.figures import write_fit_figure

    if cfg.get("findings_report", False):
        from sim.calibration.findings_tension import tension_report

        report = tension_report(pool=int(cfg.get("findings_pool", 16)))
        print(report.format())
        return 0
    result = calibrate(out_dir, **build.calibration_settings(cfg), progress=lambda line: print(line, flush=True))
    write_fit_figure(result, out_dir / "fit_report.png")
    ident = result["identifiability"]
    print(f"point estimate ({result['point_estimate']['n_evals']} evaluations):")
    diag = result["diagnostics"]
    for name, v, w, r, e in zip(ident["names"], result["point_estimate"]["values"].values(), ident["width_ratio"],
                                diag["rhat"], diag["ess_bulk"]):
        print(f"  {name:26s} {v:10.4g}   posterior/prior width {w:.2f}   R-hat {r:.2f}   ESS {e:.0f}")
    for a, b, r in ident["correlated_pairs"]:
        print(f"  correlated: {a} ~ {b} (r={r:+.2f})")
    term = result["problem"].findings_term
    if term is not None:
        rows = term.breakdown(np.median(result["draws"], axis=0))
        print(f"findings at the posterior median: log terms {sum(r.log_term for r in rows):.2f} x weight "
              f"{term.weight:g}; relations P>=0.5 {sum(r.probability >= 0.5 for r in rows)}/{len(rows)}; "
              f"mean P {np.mean([r.probability for r in rows]):.3f}")
    print(f"time {result['seconds']:.1f} s (MCMC {result['mcmc_seconds']:.1f} s); files in {out_dir}")
    print(result["report"].summary_line())
    return 0


_hydra_main = hydra_app("sim-calibrate", "calibration", "out_dir",
                        lambda cfg, context: run(cfg, context.out_dir))


def main() -> None:
    """Entry point of ``sim-calibrate``: command-line checks (exit 2, no run folder), then Hydra."""
    app_main("sim-calibrate", "calibration", __doc__, _hydra_main, retired={
        "package": "sim-calibrate writes into its run folder only, and sim-install-calibration "
                   "<run folder>/calibration.h5 makes a finished run the package default"})


if __name__ == "__main__":
    main()
