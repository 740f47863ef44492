"""``sim-findings``: replicate the studies behind the seed findings F1-F18 and print the tables.

    sim-findings                                   # all findings, 200 replica studies each
    sim-findings --only F3,F8 --replicates 50 --out findings.csv
    sim-findings --set mech_paracrine=0            # the same replicas with paracrine action off
    sim-findings --markdown                        # the finding table of the README

The last printed line is ``reproduced=<k>/<n> mean_probability=<x> non_evidential=<m>``.
``--out PATH`` writes ``PATH`` as CSV (suffix ``.csv``) and the same table as HDF5 beside it
(suffix ``.h5``), or vice versa.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="sim-findings", description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicates", type=int, default=None, help="replica studies per finding (default 200)")
    ap.add_argument("--pool", type=int, default=None,
                    help="virtual patients simulated per population and arm, from which replicas draw (default 400)")
    ap.add_argument("--only", default=None, help="comma-separated finding ids, e.g. F3,F8")
    ap.add_argument("--seed", type=int, default=None, help="seed of pools and replicas (default: the package's)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="parameter value for every arm, e.g. mech_homing=0 (repeatable)")
    ap.add_argument("--markdown", action="store_true", help="print only the finding table as Markdown (README)")
    ap.add_argument("--out", default=None, help="write the table as CSV and HDF5 (PATH.csv and PATH.h5)")
    return ap


def _overrides(items: list[str]) -> dict[str, float]:
    from sim.model.parameters import PARAMETERS, parameter_index

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set {item!r}: allowed: NAME=VALUE, e.g. mech_paracrine=0")
        q = PARAMETERS[parameter_index(name.strip())]  # unknown names raise and list the valid ones
        out[q.name] = q.check(float(value), f"--set {q.name}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sim-findings``; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    import sim  # noqa: F401  (configures the kernel cache before any kernel is imported)
    from sim.findings import DEFAULT_POOL, DEFAULT_REPLICATES, DEFAULT_SEED, get_findings, run_findings
    from sim.findings.findings_tables import format_findings, format_markdown, to_csv, to_tree

    replicates = DEFAULT_REPLICATES if args.replicates is None else args.replicates
    pool = DEFAULT_POOL if args.pool is None else args.pool
    if replicates < 1 or pool < 2:
        print(f"sim-findings: --replicates {replicates} / --pool {pool}: allowed: replicates >= 1, pool >= 2",
              file=sys.stderr)
        return 2
    try:
        findings = get_findings(None if args.only is None else [s for s in args.only.split(",") if s.strip()])
    except ValueError as err:
        print(f"sim-findings: --only: {err}", file=sys.stderr)
        return 2
    try:
        overrides = _overrides(args.set)
    except ValueError as err:
        print(f"sim-findings: {err}", file=sys.stderr)
        return 2
    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        results = run_findings(findings, replicates=replicates, seed=seed, pool=pool, overrides=overrides)
    except ValueError as err:  # e.g. a pool smaller than a study
        print(f"sim-findings: {err}", file=sys.stderr)
        return 2
    if args.out:
        from sim.atomic import write_text_atomic
        from sim.io.findings_file import write_findings

        base = Path(args.out)
        base = base.with_suffix("") if base.suffix in (".csv", ".h5", ".hdf5") else base
        write_text_atomic(base.with_suffix(".csv"), to_csv(results))
        write_findings(base.with_suffix(".h5"), to_tree(results, replicates, pool, seed))
    print(format_markdown(results) if args.markdown else format_findings(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
