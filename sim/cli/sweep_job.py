"""The knee-model evaluator behind ``sim-run -m +sweep=...``: one batched simulation per chunk.

Each sweep point is a fully resolved ``sim-run`` config (patient, model, solver, experiment,
regimen). All points of a chunk are simulated together as one population through the parallel
ensemble path; outcomes are the changes from day 0 of ``experiment.measures`` at each report day
(cartilage volume in %), plus the solver status. A point's result depends only on its own
config, so a resumed sweep equals an uninterrupted one: every point is solved alone, never in
lockstep lanes with its neighbours in the chunk (whose shared steps would tie its last digits
to theirs), whatever ``solver.lockstep`` says.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from omegaconf import DictConfig

from sim.cli import build
from sim.model.patient import Patient
from sim.observe import MEASURES, change_columns, change_name, change_unit, observe_all
from sim.simulation import simulate


def _patient(point: dict) -> Patient:
    return build.patient(point["patient"], point.get("model", {}))


def outcome_names(measures, report_days) -> list[str]:
    """Outcome columns of :func:`evaluate_points`: :func:`sim.observe.change_name` per measure and report day.

    Parameters
    ----------
    measures : sequence of str
        Measures of :data:`sim.observe.MEASURES`; cartilage volume and thickness are reported
        as percent changes (``d<measure>_pct_day<day>``).
    report_days : sequence of float
        Days after day 0.

    Returns
    -------
    list of str
    """
    return [change_name(m, d) for m in measures for d in report_days]


def outcome_units(measures, report_days) -> dict[str, str]:
    """Unit of each outcome column of :func:`evaluate_points` (changes from day 0).

    Parameters
    ----------
    measures, report_days
        As for :func:`outcome_names`.

    Returns
    -------
    dict of str to str
        Column name -> unit (:func:`sim.observe.change_unit`), and ``solver_status``.
    """
    units = {name: change_unit(m) for m in measures for name in outcome_names([m], report_days)}
    units["solver_status"] = "code (0 = finished)"
    return units


def evaluate_points(points: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Sweep evaluator: ``points`` (resolved configs) -> outcome arrays with one row per point."""
    first = points[0]
    exp, solver = first["experiment"], first["solver"]
    for p in points[1:]:
        if p["experiment"] != exp or p["solver"] != solver:
            raise ValueError("sweep axes may not change experiment or solver settings within a chunk")
    measures = list(exp["measures"])
    for m in measures:
        if m not in MEASURES:
            raise ValueError(f"experiment.measures: unknown measure {m!r}; allowed: {', '.join(MEASURES)}")
    days = [float(d) for d in exp["report_days"]]
    regimens = []
    for p in points:
        if not p.get("regimen"):
            raise ValueError("regimen: a sweep point needs a regimen (set `regimen:` in the sweep config)")
        regimens.append(str(p["regimen"]))
    options = build.solver_options(solver).replace(lockstep=False)
    res = simulate([_patient(p) for p in points], regimens, times=[0.0] + days, run_in=float(exp["run_in"]),
                   options=options)
    obs = observe_all(res)
    out: dict[str, np.ndarray] = {}
    for m in measures:
        out.update(change_columns(obs[m], res.times, m, days))
    out["solver_status"] = res.status.astype(np.int64)
    out["_error"] = np.array(["" if s == 0 else msg for s, msg in zip(res.status, res.messages)])
    return out


def run_sweep_job(cfg: DictConfig):
    """Body of a Hydra sweep job of ``sim-run`` (one chunk)."""
    from sim.sweep.hydra_job import run_job

    exp = cfg.experiment
    return run_job(cfg, evaluate_points, units=outcome_units(list(exp.measures), list(exp.report_days)))
