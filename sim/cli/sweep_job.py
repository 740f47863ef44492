"""The knee-model evaluator behind ``sim-run -m +sweep=...``: one batched simulation per chunk.

Each sweep point is a fully resolved ``sim-run`` config (patient, model, solver, experiment,
regimen). All points of a chunk are simulated together as one population through the parallel
ensemble path; outcomes are the changes from day 0 of ``experiment.measures`` at each report day
(cartilage volume in %), plus the solver status. A point's result depends only on its own
config, so a resumed sweep equals an uninterrupted one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from omegaconf import DictConfig

from sim.cli import build
from sim.model.patient import Patient
from sim.observe import MEASURES, observe_all
from sim.simulation import simulate


def _patient(point: dict) -> Patient:
    return build.patient(point["patient"], point.get("model", {}))


def outcome_names(measures, report_days) -> list[str]:
    """Outcome columns of :func:`evaluate_points`: ``d<measure>[_pct]_day<day>`` per measure and report day.

    Parameters
    ----------
    measures : sequence of str
        Measures of :data:`sim.observe.MEASURES`; cartilage volume and thickness are reported
        as percent changes (``_pct``).
    report_days : sequence of float
        Days after day 0.
    """
    names = []
    for m in measures:
        suffix = "_pct" if m in ("MRI_cartilage_volume", "cartilage_thickness") else ""
        names += [f"d{m}{suffix}_day{int(round(d))}" for d in report_days]
    return names


def outcome_units(measures, report_days) -> dict[str, str]:
    """Unit of each outcome column of :func:`evaluate_points` (changes from day 0)."""
    units = {}
    for m in measures:
        relative = m in ("MRI_cartilage_volume", "cartilage_thickness")
        unit = "%" if relative else MEASURES[m].unit if m in MEASURES else ""
        units.update({name: unit for name in outcome_names([m], report_days)})
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
    options = build.solver_options(solver)
    res = simulate([_patient(p) for p in points], regimens, times=[0.0] + days, run_in=float(exp["run_in"]),
                   options=options)
    obs = observe_all(res)
    out: dict[str, np.ndarray] = {}
    for m in measures:
        v = obs[m]
        relative = m in ("MRI_cartilage_volume", "cartilage_thickness")
        for k, d in enumerate(days, start=1):
            name = f"d{m}{'_pct' if relative else ''}_day{int(round(d))}"
            out[name] = 100.0 * (v[:, k] / v[:, 0] - 1.0) if relative else v[:, k] - v[:, 0]
    out["solver_status"] = res.status.astype(np.int64)
    out["_error"] = np.array(["" if s == 0 else msg for s, msg in zip(res.status, res.messages)])
    return out


def run_sweep_job(cfg: DictConfig):
    """Body of a Hydra sweep job of ``sim-run`` (one chunk)."""
    from sim.sweep.hydra_job import run_job

    exp = cfg.experiment
    return run_job(cfg, evaluate_points, units=outcome_units(list(exp.measures), list(exp.report_days)))
