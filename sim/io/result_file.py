"""Layout of a ``sim-run`` result file (built as a tree for :func:`sim.io.hdf5.write_tree`).

/                      attrs: schema_version, created_by, git_commit, seed, config (resolved YAML),
                       package versions, experiment name and question
/time                  float64[T], days (dimension scale)
/arms/names            str[A] (dimension scale of every per-arm axis);  /arms/regimens  str[A]
/states/<name>         float64[A, T] with attrs unit, description, source; axes labelled arm, time
/outcomes/<measure>    float64[A, T] with attrs unit, native scale, higher_is_better; axes arm, time
/parameters/values     float64[A, m] (axes arm, parameter); /parameters/names, /parameters/units  str[m]
/events/<arm>/...      day, state, mul, add of every state jump
/status/code           int64[A]; /status/message str[A]; /solver/<stat> int64[A]
/covariates/<name>     per-arm patient covariates
/symptom_model         attrs: the observation (symptom) model's coefficients the outcomes were computed with

:func:`result_tree` builds the tree that :func:`sim.io.write_tree` writes; :func:`read_result`
reads a file back into a :class:`ResultFile` holding a :class:`sim.result.Result`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.versioned_layout import FileFormatError, data, open_layout, require
from sim.model.parameters import PARAMETERS
from sim.model.states import STATES
from sim.observe import MEASURES
from sim.result import Result

__all__ = ["SCHEMA_VERSION", "ResultFile", "read_result", "result_tree"]

SCHEMA_VERSION = "1.0"
_WHAT = "sim-run result"


def result_tree(result: Result, arm_names, outcomes: dict, attrs: dict) -> dict:
    """Tree of one result (arms = patients of the result) ready for ``write_tree``.

    Parameters
    ----------
    result : Result
        The simulation, N patients (one per arm) at T output times.
    arm_names : sequence of str, length N
        Label of each patient (arm).
    outcomes : dict of str to float64[N, T]
        Observed measures (:func:`sim.observe.observe`), in each measure's native unit.
    attrs : dict
        Root attributes (provenance: config, git commit, seed, versions, experiment).

    Returns
    -------
    dict
        The tree of the layout in this module's docstring.
    """
    meta = {s.name: s for s in STATES}
    tree: dict = {"@attrs": {"schema_version": SCHEMA_VERSION, **attrs}}
    tree["time"] = {"@data": np.asarray(result.times), "@attrs": {"unit": "day",
                    "description": "days from the first intervention"}}
    # Arm names label the first axis of every per-arm array (HDF5 dimension scale "/arms/names").
    arms_axis = {"@dims": ["/arms/names"], "@labels": ["arm"]}
    tree["arms"] = {"names": list(arm_names),
                    "regimens": {"@data": list(result.regimens), **arms_axis}}
    tree["states"] = {
        name: {"@data": result.state(name), "@dims": ["/arms/names", "/time"], "@labels": ["arm", "time"],
               "@attrs": {"unit": meta[name].unit, "description": meta[name].description,
                          "source": meta[name].source}}
        for name in result.state_names
    }
    tree["outcomes"] = {
        name: {"@data": values, "@dims": ["/arms/names", "/time"], "@labels": ["arm", "time"],
               "@attrs": {"unit": MEASURES[name].unit, "scale_min": MEASURES[name].native_scale[0],
                          "scale_max": MEASURES[name].native_scale[1],
                          "higher_is_better": MEASURES[name].higher_is_better,
                          "description": MEASURES[name].description}}
        for name, values in outcomes.items()
    }
    tree["parameters"] = {"values": {"@data": np.asarray(result.parameters),
                                     "@dims": ["/arms/names", "/parameters/names"],
                                     "@labels": ["arm", "parameter"]},
                          "names": [q.name for q in PARAMETERS], "units": [q.unit for q in PARAMETERS],
                          "sources": [q.source for q in PARAMETERS]}
    events = {}
    for i, (arm, regimen) in enumerate(zip(arm_names, result.regimens)):
        plan = result.dose_plan(i)
        events[arm] = {"day": np.array([j.day for j in plan.jumps], dtype=float),
                       "state": [j.state for j in plan.jumps],
                       "mul": np.array([j.mul for j in plan.jumps], dtype=float),
                       "add": np.array([j.add for j in plan.jumps], dtype=float),
                       "@attrs": {"regimen": regimen,
                                  "typical_amounts_used": list(plan.unknown_amounts) or "none"}}
    tree["events"] = events
    def per_arm(v):
        v = np.asarray(v)
        return {"@data": v, **arms_axis} if v.ndim == 1 and len(v) == len(arm_names) else v

    tree["status"] = {"code": per_arm(result.status), "message": per_arm(np.asarray(result.messages, dtype=str))}
    tree["solver"] = {k: per_arm(v) for k, v in result.solver_stats.items()}
    tree["covariates"] = {k: per_arm(v) for k, v in result.covariates.items()}
    tree["symptom_model"] = {"@attrs": {"description": "coefficients of sim.observe.SymptomModel used for "
                                        "/outcomes", **dict(result.symptoms)}}
    return tree


@dataclass(frozen=True)
class ResultFile:
    """A ``sim-run`` result file read back (see :func:`read_result`).

    Attributes
    ----------
    result : Result
        N arms (patients) at T times; ``provenance`` holds the file's root attributes (not
        the in-memory provenance of the run), ``symptoms`` the observation model coefficients.
    arm_names : tuple of str, length N
    outcomes : dict of str to float64[N, T]
        Observed measures in their native units.
    outcome_units : dict of str to str
    events : dict of str to dict
        Per arm: ``day`` float64[J] (days), ``state`` str[J], ``mul`` and ``add`` float64[J]
        of each state jump of its regimen.
    schema_version : str
    path : Path
    """

    result: Result
    arm_names: tuple[str, ...]
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    outcome_units: dict[str, str] = field(default_factory=dict)
    events: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION
    path: Path | None = None


def _ordered(names, reference: list[str]) -> list[str]:
    # Subgroups iterate alphabetically in HDF5; restore the package's declaration order.
    rank = {n: i for i, n in enumerate(reference)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def read_result(path: str | os.PathLike) -> ResultFile:
    """Read a file written by ``sim-run`` (layout of this module) back into objects.

    Parameters
    ----------
    path : path-like
        ``result.h5``.

    Returns
    -------
    ResultFile
        With ``result`` a :class:`sim.result.Result` equal, array for array, to the one written.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    FileFormatError
        Naming the file and the field if the file is not HDF5, has another schema version, or
        lacks a field of the layout or has one of the wrong shape.
    """
    tree, version = open_layout(path, _WHAT, [SCHEMA_VERSION])

    def get(name: str) -> Any:
        return data(require(tree, name, path, _WHAT))

    times = np.asarray(get("time"), dtype=np.float64)
    arm_names = tuple(str(a) for a in np.atleast_1d(get("arms/names")))
    regimens = tuple(str(r) for r in np.atleast_1d(get("arms/regimens")))
    n, t = len(arm_names), times.size
    states_node = require(tree, "states", path, _WHAT)
    state_names = _ordered([k for k in states_node if k != "@attrs"], [s.name for s in STATES])
    states = np.empty((n, t, len(state_names)))
    for j, name in enumerate(state_names):
        arr = np.asarray(data(states_node[name]), dtype=np.float64)
        if arr.shape != (n, t):
            raise FileFormatError(f"{path}: field /states/{name} has shape {arr.shape}; allowed: "
                                  f"({n}, {t}) = (arms, times)")
        states[:, :, j] = arr
    parameters = np.asarray(get("parameters/values"), dtype=np.float64)
    if parameters.ndim != 2 or parameters.shape[0] != n:
        raise FileFormatError(f"{path}: field /parameters/values has shape {parameters.shape}; "
                              f"allowed: ({n}, parameters)")
    outcomes_node = tree.get("outcomes", {})
    outcome_names = _ordered([k for k in outcomes_node if k != "@attrs"], list(MEASURES))
    outcomes = {m: np.asarray(data(outcomes_node[m]), dtype=np.float64) for m in outcome_names}
    units = {m: str(outcomes_node[m].get("@attrs", {}).get("unit", "")) for m in outcome_names
             if isinstance(outcomes_node[m], dict)}
    per_arm = {k: np.asarray(data(v)) for k, v in tree.get("covariates", {}).items() if k != "@attrs"}
    stats = {k: np.asarray(data(v)) for k, v in tree.get("solver", {}).items() if k != "@attrs"}
    symptoms = {k: float(v) for k, v in tree.get("symptom_model", {}).get("@attrs", {}).items()
                if k != "description"}
    events = {}
    for arm, node in tree.get("events", {}).items():
        if arm == "@attrs":
            continue
        events[arm] = {k: np.atleast_1d(np.asarray(data(node[k]))) for k in ("day", "state", "mul", "add")
                       if k in node}
    attrs = {k: _plain(v) for k, v in tree.get("@attrs", {}).items()}
    result = Result(times=times, state_names=tuple(state_names), states=states, parameters=parameters,
                    covariates=per_arm, regimens=regimens,
                    status=np.asarray(get("status/code"), dtype=np.int64),
                    messages=tuple(str(m) for m in np.atleast_1d(get("status/message"))),
                    solver_stats=stats, provenance=attrs, symptoms=symptoms)
    return ResultFile(result, arm_names, outcomes, units, events, version, Path(path))
