"""Layout of a ``sim-run`` result file (built as a tree for :func:`sim.io.hdf5.write_tree`).

/                      attrs: schema_version, created_by, git_commit, seed, config (resolved YAML),
                       package versions, experiment name and question
/time                  float64[T], days (dimension scale)
/arms/names            str[A];  /arms/regimens  str[A]
/states/<name>         float64[A, T] with attrs unit, description, source
/outcomes/<measure>    float64[A, T] with attrs unit, native scale, higher_is_better
/parameters/values     float64[A, m]; /parameters/names, /parameters/units  str[m]
/events/<arm>/...      day, state, mul, add of every state jump
/status/code           int64[A]; /status/message str[A]; /solver/<stat> int64[A]
/covariates/<name>     per-arm patient covariates
/symptom_model         attrs: the observation (symptom) model's coefficients the outcomes were computed with
"""

from __future__ import annotations

import numpy as np

from sim.model.dosing import plan_regimen
from sim.model.parameters import PARAMETERS
from sim.model.states import STATES
from sim.observe import MEASURES

SCHEMA_VERSION = "1.0"


def result_tree(result, arm_names, outcomes: dict, attrs: dict) -> dict:
    """Tree of one result (arms = patients of the result) ready for ``write_tree``."""
    meta = {s.name: s for s in STATES}
    tree: dict = {"@attrs": {"schema_version": SCHEMA_VERSION, **attrs}}
    tree["time"] = {"@data": np.asarray(result.times), "@attrs": {"unit": "day",
                    "description": "days from the first intervention"}}
    tree["arms"] = {"names": list(arm_names), "regimens": list(result.regimens)}
    tree["states"] = {
        name: {"@data": result.state(name), "@dims": [None, "/time"],
               "@attrs": {"unit": meta[name].unit, "description": meta[name].description,
                          "source": meta[name].source}}
        for name in result.state_names
    }
    tree["outcomes"] = {
        name: {"@data": values, "@dims": [None, "/time"],
               "@attrs": {"unit": MEASURES[name].unit, "scale_min": MEASURES[name].native_scale[0],
                          "scale_max": MEASURES[name].native_scale[1],
                          "higher_is_better": MEASURES[name].higher_is_better,
                          "description": MEASURES[name].description}}
        for name, values in outcomes.items()
    }
    tree["parameters"] = {"values": np.asarray(result.parameters),
                          "names": [q.name for q in PARAMETERS], "units": [q.unit for q in PARAMETERS],
                          "sources": [q.source for q in PARAMETERS]}
    events = {}
    for arm, regimen in zip(arm_names, result.regimens):
        plan = plan_regimen(regimen)
        events[arm] = {"day": np.array([j.day for j in plan.jumps], dtype=float),
                       "state": [j.state for j in plan.jumps],
                       "mul": np.array([j.mul for j in plan.jumps], dtype=float),
                       "add": np.array([j.add for j in plan.jumps], dtype=float),
                       "@attrs": {"regimen": regimen,
                                  "typical_amounts_used": list(plan.unknown_amounts) or "none"}}
    tree["events"] = events
    tree["status"] = {"code": np.asarray(result.status), "message": list(result.messages)}
    tree["solver"] = {k: np.asarray(v) for k, v in result.solver_stats.items()}
    tree["covariates"] = {k: np.asarray(v) for k, v in result.covariates.items()}
    tree["symptom_model"] = {"@attrs": {"description": "coefficients of sim.observe.SymptomModel used for "
                                        "/outcomes", **dict(result.symptoms)}}
    return tree
