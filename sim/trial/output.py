"""Trial results as an HDF5 tree (written by :func:`sim.io.write_tree`) and a CSV summary table.

Layout of the tree::

    /@attrs                               spec (JSON), seed, replicates, provenance
    /visits                               float64[V] days (0 = baseline); /follow_up float64[F] = visits[1:]
    /summary/arms/<arm>/<endpoint>/<stat>               float64[R, V] per replicate trial
    /summary/comparisons/<arm vs control>/<endpoint>/<stat>  float64[R, F]
    /summary/table/<column>               the long table of :meth:`TrialSummary.table`
    /power/...                            optional power curve
    /patients/<arm>/<endpoint>            float64[R, n, V] observed values (optional)
    /patients/<arm>/index                 int64[R, n] population index of each patient
    /patients/<arm>/status                int64[R, n] solver status
    /population/<covariate>               covariates of every drawn patient (optional)
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from pathlib import Path

import numpy as np

from sim.trial.power import PowerResult
from sim.trial.run import TrialResult
from sim.trial.summary import TrialSummary

__all__ = ["endpoint_unit", "spec_to_dict", "trial_tree", "write_csv", "TABLE_COLUMNS"]

TABLE_COLUMNS = ("kind", "group", "endpoint", "day", "statistic", "median", "pi_low", "pi_high", "replicate_mean",
                 "trial_1", "replicates")


def spec_to_dict(spec) -> dict:
    """JSON-able dict of a :class:`TrialSpec` (for provenance)."""
    def conv(x):
        if dataclasses.is_dataclass(x):
            return {f.name: conv(getattr(x, f.name)) for f in dataclasses.fields(x)}
        if isinstance(x, (tuple, list)):
            return [conv(v) for v in x]
        if hasattr(x, "items"):
            return {str(k): conv(v) for k, v in x.items()}
        return x
    return conv(spec)


#: Statistics in the endpoint's own unit; the others are counts or dimensionless.
_IN_ENDPOINT_UNIT = {"mean", "sd", "median", "q1", "q3", "iqr", "change_mean", "change_sd", "change_median",
                     "change_q1", "change_q3", "mean_difference", "md_ci_low", "md_ci_high"}


def endpoint_unit(endpoint: str) -> str:
    """Unit of an endpoint label: ``"VAS_pain[0-10]"`` -> ``"0-10 scale"``, ``"WOMAC_total"`` -> ``"points"``."""
    from sim.observe import MEASURES

    name, _, scale = endpoint.partition("[")
    if scale:
        return f"{scale.rstrip(']')} scale"
    return getattr(MEASURES.get(name), "unit", "")


def _statistic_unit(stat: str, endpoint: str) -> str:
    if stat in _IN_ENDPOINT_UNIT:
        return endpoint_unit(endpoint)
    return "patients" if stat == "n" else "1"


def _labelled(block: dict, visits_path: str, n_visits: int) -> dict:
    """``{group: {endpoint: {stat: [R, V]}}}`` with axis labels, the visit scale and units."""
    out: dict = {}
    for group, endpoints in block.items():
        out[group] = {}
        for ep, stats_ in endpoints.items():
            out[group][ep] = {}
            for stat, x in stats_.items():
                x = np.asarray(x)
                node = {"@data": x, "@attrs": {"unit": _statistic_unit(stat, ep)}}
                if x.ndim == 2 and x.shape[1] == n_visits:
                    node.update({"@dims": [None, visits_path], "@labels": ["replicate", "visit"]})
                out[group][ep][stat] = node
    return out


def trial_tree(trial: TrialResult, summary: TrialSummary, *, power: PowerResult | None = None,
               patients: bool = False, attrs: dict | None = None) -> dict:
    """The nested dict written to HDF5 (see the module docstring).

    Arrays over replicate trials, patients and visits carry HDF5 dimension labels
    (``replicate``, ``patient``, ``visit``) and the visit days as dimension scale
    (``/visits``, or ``/follow_up`` for comparisons, which start at the first follow-up);
    statistics carry their ``unit``.
    """
    rows = summary.table()
    table = {c: np.array([r[c] for r in rows]) if rows else np.array([], dtype=float) for c in TABLE_COLUMNS}
    tree: dict = {
        "@attrs": {"spec": json.dumps(spec_to_dict(trial.spec)), "seed": trial.seed, "replicates": trial.replicates,
                   "alpha": summary.alpha, "level": summary.level, "trial": trial.spec.name,
                   "question": trial.spec.question, "source": trial.spec.source, "n_failed": trial.n_failed,
                   **{k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in trial.provenance.items()},
                   **(attrs or {})},
        "visits": {"@data": trial.visits, "@attrs": {"unit": "day", "description": "visit days, 0 = baseline"}},
        "follow_up": {"@data": np.asarray(trial.visits)[1:],
                      "@attrs": {"unit": "day", "description": "follow-up visit days (comparisons)"}},
        "summary": {"arms": _labelled(summary.arms, "/visits", len(trial.visits)),
                    "comparisons": _labelled(summary.comparisons, "/follow_up", len(trial.visits) - 1),
                    "table": table},
    }
    if power is not None:
        tree["power"] = {"@attrs": {"arm": power.arm, "control": power.control, "endpoint": power.endpoint,
                                    "day": power.day, "alpha": power.alpha, "target": power.target,
                                    "replicates": power.replicates,
                                    "n_required": -1 if power.n_required is None else power.n_required},
                         "n_grid": power.n_grid, "power": power.power, "se": power.se}
    if patients:
        by_patient = {"@labels": ["replicate", "patient"]}
        tree["patients"] = {
            a: {**{ep: {"@data": np.asarray(v), "@dims": [None, None, "/visits"],
                        "@labels": ["replicate", "patient", "visit"], "@attrs": {"unit": endpoint_unit(ep)}}
                   for ep, v in trial.values[a].items()},
                "index": {"@data": trial.patient_index(a), **by_patient},
                "status": {"@data": trial.status[a], **by_patient}}
            for a in trial.spec.arm_names}
        tree["population"] = {k: np.asarray(v) for k, v in trial.population.covariates().items()}
    return tree


def write_csv(rows: list[dict], path: str | os.PathLike) -> Path:
    """Write the summary table atomically (temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        with open(tmp, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(TABLE_COLUMNS))
            writer.writeheader()
            for r in rows:
                writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
