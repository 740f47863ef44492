"""Command-line tools for sweep stores (plain argparse; no Hydra needed).

``sim-aggregate STORE``     gather chunk files into STORE/aggregate.h5 (e.g. after a
                            cluster sweep whose launching process was gone before the end)
``sim-sweep-status STORE``  done / running / failed / missing points of a store
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence

from sim.sweep.aggregate import aggregate, load_sweep
from sim.sweep.definition import SweepConfigError
from sim.sweep.store import StoreMismatchError, sweep_status

__all__ = ["main_aggregate", "main_status"]


def main_aggregate(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sim-aggregate``. Returns the exit status."""
    p = argparse.ArgumentParser(
        prog="sim-aggregate",
        description="Aggregate the chunk files of a sweep store into one indexed HDF5 table "
                    "(STORE/aggregate.h5), readable with h5py alone or sim.io.load_sweep.")
    p.add_argument("store", help="sweep store folder (holds sweep.h5 and points/)")
    p.add_argument("-o", "--output", help="aggregate file (default: STORE/aggregate.h5)")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 when points are missing or failed")
    args = p.parse_args(argv)
    try:
        path = aggregate(args.store, args.output)
        status = sweep_status(args.store)
    except (StoreMismatchError, SweepConfigError, FileNotFoundError) as exc:
        print(f"sim-aggregate: error: {exc}", file=sys.stderr)
        return 2
    table = load_sweep(path)
    print(status.summary())
    print(f"aggregate: {path}")
    print(f"table digest: {table.attrs['table_digest']}")
    return 1 if args.strict and (status.missing or status.failed or status.running) else 0


def main_status(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sim-sweep-status``. Returns the exit status (0, or 2 on a bad store)."""
    p = argparse.ArgumentParser(
        prog="sim-sweep-status",
        description="Count done / running / failed / missing points of a sweep store.")
    p.add_argument("store", help="sweep store folder (holds sweep.h5 and points/)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = p.parse_args(argv)
    try:
        status = sweep_status(args.store)
    except (StoreMismatchError, FileNotFoundError) as exc:
        print(f"sim-sweep-status: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(dataclasses.asdict(status)) if args.json else status.summary())
    return 0


def _load_model(spec: str):
    import importlib
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"--model must be 'package.module:function', got {spec!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"--model {spec!r} cannot be loaded: {exc}") from None


def _parse_param(text: str) -> tuple[str, tuple[float, float]]:
    name, sep, rng = text.partition("=")
    lo, sep2, hi = rng.partition(":")
    try:
        if not (name and sep and sep2):
            raise ValueError
        return name, (float(lo), float(hi))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--param must be NAME=LOW:HIGH, got {text!r}") from None


def main_sensitivity(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sim-sensitivity``: Sobol or Morris over named parameters."""
    from sim.sweep import sensitivity as sa
    p = argparse.ArgumentParser(
        prog="sim-sensitivity",
        description="Global sensitivity analysis (SALib) of chosen parameters on chosen "
                    "outcomes; writes HDF5 and a plot. The number of model runs is printed "
                    "before they start (--dry-run: print it and stop).")
    p.add_argument("--model", default="sim.sweep.sensitivity:ishigami",
                   help="package.module:function called as f(X, names) -> {outcome: y}, X of "
                        "shape (n_runs, n_params) (default: the Ishigami test function)")
    p.add_argument("--param", action="append", type=_parse_param, required=True,
                   metavar="NAME=LOW:HIGH", help="a parameter and its uniform range (repeat)")
    p.add_argument("--outcome", action="append", help="outcome to analyse (repeat; default all)")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument("-n", type=int, default=1024,
                   help="Sobol: base sample N (power of two); Morris: trajectories r")
    p.add_argument("--second-order", action="store_true", help="Sobol: also S2 indices")
    p.add_argument("--levels", type=int, default=4, help="Morris: grid levels (even)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", default="sensitivity.h5", help="HDF5 result file")
    p.add_argument("--plot", help="figure file (.png/.pdf) of the first outcome")
    p.add_argument("--dry-run", action="store_true", help="print the run count and stop")
    args = p.parse_args(argv)
    params = dict(args.param)
    if len(params) != len(args.param):
        p.error("a parameter is given twice")
    try:
        model = _load_model(args.model)
        names = list(params)
        if args.dry_run:
            n = (sa.n_runs_sobol(len(names), args.n, args.second_order) if args.method == "sobol"
                 else sa.n_runs_morris(len(names), args.n))
            print(f"{args.method}: {n} model runs")
            return 0
        fn = lambda X: model(X, names)  # noqa: E731
        if args.method == "sobol":
            res = sa.sobol_analysis(params, fn, args.n, outcomes=args.outcome,
                                    second_order=args.second_order, seed=args.seed)
        else:
            res = sa.morris_analysis(params, fn, args.n, num_levels=args.levels,
                                     outcomes=args.outcome, seed=args.seed)
    except ValueError as exc:
        print(f"sim-sensitivity: error: {exc}", file=sys.stderr)
        return 2
    path = sa.write_sensitivity(args.output, res, {"model": args.model})
    print(f"wrote {path}")
    for outcome, ix in res.indices.items():
        cols = ("S1", "ST") if res.method == "sobol" else ("mu_star", "sigma")
        print(f"{outcome}: " + "; ".join(
            f"{n} " + " ".join(f"{c}={ix[c][i]:.3f}" for c in cols) for i, n in enumerate(names)))
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        from sim.plotting.sensitivity_plots import plot_morris, plot_sobol
        outcome = next(iter(res.indices))
        ax = (plot_sobol if res.method == "sobol" else plot_morris)(res, outcome)
        ax.figure.savefig(args.plot, dpi=150)
        print(f"wrote {args.plot}")
    return 0
