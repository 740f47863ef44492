"""``sim-validate``: score the calibrated model on any trial files, or leave one study out.

    sim-validate --arms arms.csv --outcomes outcomes.csv [--out predictions.csv]
    sim-validate --loso [--out-dir loso/] [--no-refit]
    sim-validate --spread [--arms arms.csv --outcomes outcomes.csv] [--n-sim 48]
                 [--variability-scale 1] [--placebo-cv X]

The first form simulates every arm with the calibrated model and its posterior, writes per-row
predictions with 95% prediction intervals (and every skipped row with its reason) to ``--out``,
and prints as the last line
``coverage95=<x> width95=<x> interval_score=<x> sign_agreement=<x> rows=<n> skipped=<n>``.

``--loso`` predicts every packaged study from the model calibrated without it (importance
sampling of the packaged posterior, exact refits where the Pareto k is above 0.7), scores the
predictions against three naive references (no change, the other studies' mean, a
random-effects meta-analysis by arm type) with bootstrap CIs over studies, writes the table,
per-row predictions and a figure to ``--out-dir``, and prints as the last line (the variant
without the pooled meta-analytic rows)
``interval_score=<x> skill_vs_no_change=<x> skill_vs_loso_mean=<x> skill_vs_meta=<x> coverage95=<x>
width95_changes=<x> width95_contrasts=<x> sign_agreement=<x> studies=<n> rows=<n>``.

``--spread`` sets the calibrated model's between-patient SD beside the one each trial reports for
the same arm, visit and measure (follow-up levels reported with an SD or IQR;
:mod:`sim.calibration.spread`), and prints as the last line
``spread_rows=<n> studies=<n> median_ratio=<x> ratio_q25=<x> ratio_q75=<x>`` (simulated / reported,
follow-up levels), then ``entry_rows=<n> entry_studies=<n> entry_median_ratio=<x>`` (entry levels).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sim-validate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--arms", help="arms file (arms.csv schema)")
    ap.add_argument("--outcomes", help="outcomes file (outcomes.csv schema)")
    ap.add_argument("--out", default=None, help="write per-row predictions and skipped rows as CSV")
    ap.add_argument("--loso", action="store_true", help="leave-one-study-out validation on the packaged studies")
    ap.add_argument("--out-dir", default=None, help="--loso: folder for loso_table.txt, loso_rows.csv, loso.png")
    ap.add_argument("--no-refit", action="store_true", help="--loso: importance sampling only (no exact refits)")
    ap.add_argument("--refit-steps", type=int, default=24, help="--loso: emcee steps of an exact refit (default 24)")
    ap.add_argument("--resample", type=int, default=100,
                    help="--loso: posterior draws per left-out study (default 100)")
    ap.add_argument("--spread", action="store_true",
                    help="between-patient SDs of the model beside the reported ones (packaged files by default)")
    ap.add_argument("--variability-scale", type=float, default=1.0,
                    help="--spread: multiplier of the rates' between-patient CVs (default 1; 0 = none)")
    ap.add_argument("--placebo-cv", type=float, default=None,
                    help="--spread: between-patient CV of the contextual responsiveness (default: the sampler's)")
    ap.add_argument("--n-sim", type=int, default=None,
                    help="virtual patients per arm (default 12; 48 with --spread)")
    ap.add_argument("--draws", type=int, default=20, help="posterior draws for the intervals (default 20)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--show-skipped", action="store_true", help="print every skipped row with its reason")
    return ap


def _fail(message: str) -> int:
    print(f"sim-validate: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sim-validate``; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    if args.loso and (args.arms or args.outcomes or args.spread):
        return _fail("--loso uses the packaged studies; allowed: --loso alone, or --arms A --outcomes O")
    if bool(args.arms) != bool(args.outcomes) or not (args.loso or args.spread or args.arms):
        return _fail("give --arms and --outcomes (any files in the shared schema), or --loso, or --spread")
    if args.n_sim is None:
        args.n_sim = 48 if args.spread else 12
    if args.n_sim < 2 or args.draws < 1 or args.resample < 2 or args.refit_steps < 2:
        return _fail("--n-sim must be >= 2, --draws >= 1, --resample >= 2 and --refit-steps >= 2")
    if not args.spread and (args.variability_scale != 1.0 or args.placebo_cv is not None):
        return _fail("--variability-scale and --placebo-cv apply to --spread only")
    if not 0.0 <= args.variability_scale <= 10.0 or (args.placebo_cv is not None and not 0.0 <= args.placebo_cv <= 5.0):
        return _fail("--variability-scale must be in [0, 10] and --placebo-cv in [0, 5]")
    if args.loso:
        return _loso(args)
    if args.spread:
        return _spread(args)
    import sim  # noqa: F401  (configures the kernel cache)
    from sim.calibration import validate

    try:
        report = validate(args.arms, args.outcomes, args.out, n_sim=args.n_sim, n_draws=args.draws, seed=args.seed)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    reasons: dict[str, int] = {}
    for s in report.skipped:
        reasons[s.reason] = reasons.get(s.reason, 0) + 1
        if args.show_skipped:
            print(f"skipped {s.key} ({s.arm_id} {s.measure} {s.statistic}): {s.reason}")
    for reason, k in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"skipped x{k}: {reason}")
    if args.out:
        print(f"predictions written to {args.out}")
    print(report.summary_line())
    return 0


def _spread(args) -> int:
    import numpy as np

    import sim  # noqa: F401  (configures the kernel cache)
    from sim.calibration.spread import spread_check, spread_summary

    try:
        rows = spread_check(args.arms, args.outcomes, n_sim=args.n_sim, seed=args.seed,
                            variability_scale=args.variability_scale, placebo_cv=args.placebo_cv)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    print(f"{'study':16s} {'arm':24s} {'measure':18s} {'day':>5s} {'scale':>9s} {'reported SD':>11s} "
          f"{'model SD':>9s} {'ratio':>6s}")
    for r in rows:
        print(f"{r.study:16s} {r.arm_id:24s} {r.measure:18s} {r.day:5.0f} {r.scale[0]:g}-{r.scale[1]:<7g} "
              f"{r.reported_sd:11.2f} {r.model_sd:9.2f} {r.ratio:6.2f}")
    for study in dict.fromkeys(r.study for r in rows):
        for what, sel in (("follow-up", lambda r: r.day > 0), ("entry", lambda r: r.day == 0)):
            ratios = [r.ratio for r in rows if r.study == study and sel(r)]
            if ratios:
                print(f"{study}: {what} median ratio {np.median(ratios):.2f} over {len(ratios)} rows")
    print(spread_summary(rows))
    return 0


def _loso(args) -> int:
    out_dir = Path(args.out_dir or "loso")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"--out-dir: {exc.strerror or exc}: {str(out_dir)!r}; allowed: a writable folder")
    if not os.access(out_dir, os.W_OK):
        return _fail(f"--out-dir: {str(out_dir)!r} is not writable; allowed: a writable folder")
    import sim  # noqa: F401  (configures the kernel cache)
    from sim.calibration.report import write_loso_outputs
    from sim.calibration.validation import validate_loso
    from sim.cli.figures import write_loso_figure

    print("sim-validate: leave-one-study-out on the packaged studies (importance sampling of the packaged "
          "posterior; exact refits where the Pareto k > 0.7)", flush=True)
    try:
        result = validate_loso(n_sim=args.n_sim, seed=args.seed, n_resample=args.resample, refit=not args.no_refit,
                               refit_steps=args.refit_steps, store_dir=out_dir,
                               progress=lambda line: print(line, flush=True))
        lines = write_loso_outputs(result, out_dir)
        write_loso_figure(result, out_dir / "loso.png")
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
