"""Trial results as an HDF5 tree (written by :func:`sim.io.write_tree`) and a CSV summary table,
and the reader of that file (:func:`read_trial`).

Layout of the tree (``schema_version`` "1"; files written before it was versioned read as "1")::

    /@attrs                               schema_version, spec (JSON), seed, replicates, provenance
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
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.atomic import write_text_atomic
from sim.io.versioned_layout import FileFormatError, data, open_layout, require
from sim.trial.power import PowerResult
from sim.trial.summary import TrialSummary
from sim.trial.virtual_trial import TrialResult

__all__ = ["TRIAL_SCHEMA_VERSION", "TABLE_COLUMNS", "TrialFile", "endpoint_unit", "read_trial", "spec_to_dict",
           "trial_tree", "write_csv"]

TRIAL_SCHEMA_VERSION = "1"

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
        "@attrs": {"schema_version": TRIAL_SCHEMA_VERSION, "spec": json.dumps(spec_to_dict(trial.spec)),
                   "seed": trial.seed, "replicates": trial.replicates,
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
    """Write the summary table (rows of :meth:`TrialSummary.table`) to a CSV file atomically.

    Parameters
    ----------
    rows : list of dict
        One dict per row with the keys of :data:`TABLE_COLUMNS`; floats are written with 6
        significant digits.
    path : path-like
        Target CSV file.

    Returns
    -------
    Path
        ``path``.
    """
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(TABLE_COLUMNS))
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    return write_text_atomic(path, buf.getvalue())


@dataclass(frozen=True)
class TrialFile:
    """A ``sim-trial`` file read back (see :func:`read_trial`); plain arrays and dicts.

    Attributes
    ----------
    spec : dict
        The trial specification as written (:func:`spec_to_dict`).
    visits : float64[V]
        Visit days, 0 = baseline.
    arms : dict
        ``{arm: {endpoint: {statistic: float64[R, V]}}}`` over R replicate trials.
    comparisons : dict
        ``{"arm vs control": {endpoint: {statistic: float64[R, V - 1]}}}``.
    table : dict of str to ndarray
        The long summary table, one array per column of :data:`TABLE_COLUMNS`.
    power : PowerResult or None
    patients : dict
        ``{arm: {endpoint: float64[R, n, V], "index": int64[R, n], "status": int64[R, n]}}``
        when the file holds patient-level values, else empty.
    attrs : dict
        Root attributes (seed, replicates, alpha, level, provenance).
    schema_version : str
    """

    spec: dict
    visits: np.ndarray
    arms: dict
    comparisons: dict
    table: dict
    power: PowerResult | None = None
    patients: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    schema_version: str = TRIAL_SCHEMA_VERSION


def _arrays(node: Any) -> Any:
    if isinstance(node, dict) and "@data" not in node:
        return {k: _arrays(v) for k, v in node.items() if k != "@attrs"}
    return np.asarray(data(node))


def read_trial(path: str | os.PathLike) -> TrialFile:
    """Read a file written by ``sim-trial`` (layout of this module) into a :class:`TrialFile`.

    Parameters
    ----------
    path : path-like
        ``trial.h5``.

    Returns
    -------
    TrialFile

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file (and the field) when it is missing, not HDF5, of another schema
        version, lacks a field of the layout or holds a specification that is not JSON.
    """
    what = "sim-trial"
    tree, version = open_layout(path, what, [TRIAL_SCHEMA_VERSION], legacy=TRIAL_SCHEMA_VERSION)
    attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in tree.get("@attrs", {}).items()}
    if "spec" not in attrs:
        raise FileFormatError(f"{path}: attribute /spec missing; a {what} file has it")
    try:
        spec = json.loads(attrs["spec"])
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{path}: attribute /spec is not JSON ({exc})") from None
    power = None
    if "power" in tree:
        pa = tree["power"].get("@attrs", {})
        n_req = int(pa["n_required"])
        power = PowerResult(str(pa["arm"]), str(pa["control"]), str(pa["endpoint"]), float(pa["day"]),
                            float(pa["alpha"]), float(pa["target"]), int(pa["replicates"]),
                            np.asarray(tree["power"]["n_grid"]), np.asarray(tree["power"]["power"]),
                            np.asarray(tree["power"]["se"]), None if n_req < 0 else n_req)
    summary = require(tree, "summary", path, what)
    return TrialFile(spec=spec, visits=np.asarray(data(require(tree, "visits", path, what)), dtype=np.float64),
                     arms=_arrays(require(summary, "arms", path, what)),
                     comparisons=_arrays(summary.get("comparisons", {})),
                     table=_arrays(require(summary, "table", path, what)), power=power,
                     patients=_arrays(tree.get("patients", {})), attrs=attrs, schema_version=version)
