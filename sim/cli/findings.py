"""``sim-findings``: run the virtual studies of the seed findings F1-F18 and print the table.

    python -m sim.cli.findings                  # all findings, 100 patients per arm
    python -m sim.cli.findings --only F3,F8 --n 50 --out findings.csv

The last printed line is ``reproduced=<k>/<n>``. ``--out PATH`` writes ``PATH`` as CSV (suffix
``.csv``) and the same table as HDF5 beside it (suffix ``.h5``), or vice versa.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sim-findings", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="virtual patients per arm (same patients in every arm)")
    ap.add_argument("--only", default=None, help="comma-separated finding ids, e.g. F3,F8")
    ap.add_argument("--seed", type=int, default=None, help="population seed (default: the package's)")
    ap.add_argument("--out", default=None, help="write the table as CSV and HDF5 (PATH.csv and PATH.h5)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import sim  # noqa: F401  (configures the kernel cache before any kernel is imported)
    from sim.findings import DEFAULT_SEED, get_findings, run_findings
    from sim.findings.report import format_findings, to_csv, to_tree

    if args.n < 2:
        print(f"sim-findings: --n {args.n} is too small; allowed: an integer >= 2", file=sys.stderr)
        return 2
    try:
        findings = get_findings(None if args.only is None else [s for s in args.only.split(",") if s.strip()])
    except ValueError as err:
        print(f"sim-findings: --only: {err}", file=sys.stderr)
        return 2
    seed = DEFAULT_SEED if args.seed is None else args.seed
    results = run_findings(findings, n=args.n, seed=seed)
    if args.out:
        from sim.io import write_tree

        base = Path(args.out)
        base = base.with_suffix("") if base.suffix in (".csv", ".h5", ".hdf5") else base
        base.parent.mkdir(parents=True, exist_ok=True)
        base.with_suffix(".csv").write_text(to_csv(results))
        write_tree(base.with_suffix(".h5"), to_tree(results, args.n, seed))
    print(format_findings(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
