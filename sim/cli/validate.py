"""``sim-validate``: score the calibrated model on any arms/outcomes pair in the shared schema.

    sim-validate --arms arms.csv --outcomes outcomes.csv [--out predictions.csv]

Simulates every arm with the calibrated model and its posterior, writes per-row predictions
with 95% prediction intervals (and every skipped row with its reason) to ``--out``, and prints
as the last line ``coverage95=<f> sign_agreement=<f> rows=<n scored> skipped=<n>``.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sim-validate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--arms", required=True, help="arms file (arms.csv schema)")
    ap.add_argument("--outcomes", required=True, help="outcomes file (outcomes.csv schema)")
    ap.add_argument("--out", default=None, help="write per-row predictions and skipped rows as CSV")
    ap.add_argument("--n-sim", type=int, default=12, help="virtual patients per arm (default 12)")
    ap.add_argument("--draws", type=int, default=20, help="posterior draws for the intervals (default 20)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--show-skipped", action="store_true", help="print every skipped row with its reason")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import sim  # noqa: F401  (configures the kernel cache)
    from sim.calibration import validate

    if args.n_sim < 2 or args.draws < 1:
        print("sim-validate: --n-sim must be >= 2 and --draws >= 1", file=sys.stderr)
        return 2
    try:
        report = validate(args.arms, args.outcomes, args.out, n_sim=args.n_sim, n_draws=args.draws, seed=args.seed)
    except (ValueError, OSError) as exc:
        print(f"sim-validate: error: {exc}", file=sys.stderr)
        return 2
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


if __name__ == "__main__":
    raise SystemExit(main())
