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
    tree["parameters"] = {"values": {"@data": np.asarray(result.parameters), "@dims": ["/arms/names", "/parameters/names"],
                                     "@labels": ["arm", "parameter"]},
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
    def per_arm(v):
        v = np.asarray(v)
        return {"@data": v, **arms_axis} if v.ndim == 1 and len(v) == len(arm_names) else v

    tree["status"] = {"code": per_arm(result.status), "message": per_arm(np.asarray(result.messages, dtype=str))}
    tree["solver"] = {k: per_arm(v) for k, v in result.solver_stats.items()}
    tree["covariates"] = {k: per_arm(v) for k, v in result.covariates.items()}
    tree["symptom_model"] = {"@attrs": {"description": "coefficients of sim.observe.SymptomModel used for "
                                        "/outcomes", **dict(result.symptoms)}}
    return tree
