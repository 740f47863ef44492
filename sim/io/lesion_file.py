"""Layouts of the lesion model's files: one lesion run (:class:`sim.lesion.LesionResult`) and
one two-way coupled run (:class:`sim.lesion.TwoWayResult`), each with its writer and reader
(:func:`write_lesion` / :func:`read_lesion`, :func:`write_two_way` / :func:`read_two_way`).

The lesion package does not write files itself: whoever saves a run (the CLI, a notebook)
calls the writers here.

Lesion run (``schema_version`` "2")::

    /                    attrs: schema_version, model "sim.lesion", status, settings (seed, step, ...)
    /series/t            float64[T], days (dimension scale of every series)
    /series/<name>       float64[T] with attr unit
    /snapshots/<kkkk>    attr t_days; fields float64[4, ny, nx] (attr names), hyaline and
                         fibrous float64[ny, nx], agents/{id, kind, iy, ix} int arrays
    /parameters          name, value, unit, source of every lesion parameter
    /geometry            attrs: the geometry's fields ("None" for None); tissue int64[ny, nx]
    /drivers             t and each driver, float64[K]
    /provenance          attrs: wall time, agent updates, steps

Two-way run (``schema_version`` "2")::

    /                    attrs: schema_version, model "sim.lesion.two_way", status, status_code, settings
    /times               float64[T], days
    /joint/<state>       float64[T] with attr unit;  /lesion/<series>, /drivers/<driver> float64[T]
    /coupling            window_ends, repair_written, hyaline_written float64[W]
    /parameters          joint/{name, value}, lesion/{name, value}
    /covariates          attrs: the patient's covariates
    /provenance          attrs

Every time in both layouts is in days. Version "1" files (written while the lesion model
took its step and its signal half-lives in hours) hold ``settings.dt_hours`` and half-lives
in hours; the readers convert them to ``dt_days`` and days, so a run read back is in the
model's units whichever version wrote it. Files written before the layouts were versioned
read as version "1" (the same layout without ``status_code`` and ``/covariates``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.hdf5 import write_tree
from sim.io.versioned_layout import data, open_layout, require
from sim.lesion.drivers import DRIVER_NAMES, LesionDrivers
from sim.lesion.geometry import TISSUE_NAMES, LesionGeometry
from sim.lesion.lesion_parameters import CELL_KINDS, FIELD_NAMES, PARAMETERS, LesionParams
from sim.lesion.lesion_result import SERIES_UNITS, LesionResult
from sim.lesion.lesion_simulation import SERIES_NAMES
from sim.lesion.two_way import TwoWayResult
from sim.model.parameters import PARAMETERS as JOINT_PARAMETERS
from sim.model.states import STATES

__all__ = ["LESION_SCHEMA_VERSION", "TWO_WAY_SCHEMA_VERSION", "lesion_tree", "read_lesion",
           "read_two_way", "two_way_tree", "write_lesion", "write_two_way"]

LESION_SCHEMA_VERSION = "2"
TWO_WAY_SCHEMA_VERSION = "2"
_ROOT = ("schema_version", "model", "status", "status_code")
#: Version "1" held these lesion parameters in hours (they are days since version "2").
_HOURS_IN_VERSION_1 = ("half_life_sdf", "half_life_il1", "half_life_anti", "half_life_tgfb")


def _series_unit(name: str) -> str:
    return SERIES_UNITS.get(name, "count" if name.startswith("cum_") else "field level (1 = healthy SF)")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _none(value: Any) -> Any:
    # Geometry fields that are None are stored as the string "None" (HDF5 has no null).
    return None if isinstance(value, str) and value == "None" else _plain(value)


def lesion_tree(result: LesionResult) -> dict[str, Any]:
    """Tree of one lesion run (layout in this module's docstring) for :func:`sim.io.write_tree`."""
    series = {"t": {"@data": result.times, "@attrs": {"unit": "day"}}}
    for name, values in result.series.items():
        series[name] = {"@data": values, "@dims": ["/series/t"], "@attrs": {"unit": _series_unit(name)}}
    snaps = {}
    for k, s in enumerate(result.snapshots):
        snaps[f"{k:04d}"] = {
            "@attrs": {"t_days": float(s["t"])},
            "fields": {"@data": s["fields"], "@attrs": {"names": list(FIELD_NAMES),
                                                        "axes": "field, y (down), x"}},
            "hyaline": s["hyaline"], "fibrous": s["fibrous"],
            "agents": {"id": s["agent_id"], "kind": s["agent_kind"], "iy": s["agent_iy"],
                       "ix": s["agent_ix"], "@attrs": {"kinds": list(CELL_KINDS)}},
        }
    p = result.params or LesionParams()
    tree: dict[str, Any] = {
        "@attrs": {"schema_version": LESION_SCHEMA_VERSION, "model": "sim.lesion", "status": result.status,
                   **dict(result.settings)},
        "series": series,
        "snapshots": snaps,
        "parameters": {"name": [r[0] for r in PARAMETERS], "value": np.array([p[r[0]] for r in PARAMETERS]),
                       "unit": [r[2] for r in PARAMETERS], "source": [r[6] for r in PARAMETERS]},
        "provenance": {"@attrs": dict(result.provenance)},
    }
    if result.geometry is not None:
        tree["geometry"] = {"@attrs": {k: ("None" if v is None else v)
                                       for k, v in result.geometry.to_dict().items()}}
    if result.tissue is not None:
        tree.setdefault("geometry", {})["tissue"] = {"@data": result.tissue,
                                                     "@attrs": {"codes": list(TISSUE_NAMES)}}
    if result.drivers is not None:
        tree["drivers"] = {"t": result.drivers.t, **{n: getattr(result.drivers, n) for n in DRIVER_NAMES}}
    return tree


def write_lesion(path: str | os.PathLike, result: LesionResult) -> Path:
    """Write one lesion run atomically (layout in this module's docstring).

    Parameters
    ----------
    path : path-like
        Target ``.h5`` file.
    result : LesionResult
        The run, e.g. from :func:`sim.lesion.simulate_lesion`.

    Returns
    -------
    Path
        ``path``; read it back with :func:`read_lesion`.
    """
    return write_tree(path, lesion_tree(result))


def _params(node: dict, version: str) -> LesionParams:
    names = [str(n) for n in np.atleast_1d(node["name"])]
    values = dict(zip(names, map(float, np.atleast_1d(node["value"]))))
    if version == "1":  # hours -> days
        values = {n: v / 24.0 if n in _HOURS_IN_VERSION_1 else v for n, v in values.items()}
    return LesionParams(values)


def _settings(attrs: dict, version: str) -> dict[str, Any]:
    settings = {k: _plain(v) for k, v in attrs.items() if k not in _ROOT}
    if version == "1" and "dt_hours" in settings:  # hours -> days
        settings["dt_days"] = float(settings.pop("dt_hours")) / 24.0
    return settings


def read_lesion(path: str | os.PathLike) -> LesionResult:
    """Read a lesion run written by :func:`write_lesion`.

    Parameters
    ----------
    path : path-like
        HDF5 file of the lesion layout (module docstring).

    Returns
    -------
    LesionResult
        Times (days), series, snapshots, geometry, parameters, drivers, settings, provenance,
        tissue codes and status as written.

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file (and the field) when it is missing, not HDF5, of another schema
        version or lacks a field of the layout.
    """
    what = "lesion result"
    tree, version = open_layout(path, what, ["1", LESION_SCHEMA_VERSION], legacy="1")
    series_node = require(tree, "series", path, what)
    times = np.asarray(data(require(tree, "series/t", path, what)), dtype=np.float64)
    # Subgroups iterate alphabetically in HDF5; restore the simulation's order of the series.
    rank = {n: i for i, n in enumerate(SERIES_NAMES)}
    keys = sorted((k for k in series_node if k not in ("t", "@attrs")), key=lambda n: (rank.get(n, len(rank)), n))
    series = {k: np.asarray(data(series_node[k])) for k in keys}
    snapshots = []
    for key in sorted(k for k in tree.get("snapshots", {}) if k != "@attrs"):
        s = tree["snapshots"][key]
        a = s["agents"]
        snapshots.append({"t": float(s["@attrs"]["t_days"]), "fields": np.asarray(data(s["fields"])),
                          "hyaline": np.asarray(s["hyaline"]), "fibrous": np.asarray(s["fibrous"]),
                          "agent_id": np.asarray(a["id"]), "agent_kind": np.asarray(a["kind"]),
                          "agent_iy": np.asarray(a["iy"]), "agent_ix": np.asarray(a["ix"])})
    geo = tree.get("geometry", {})
    geometry = None
    if geo.get("@attrs"):
        geometry = LesionGeometry(**{k: _none(v) for k, v in geo["@attrs"].items()})
    tissue = np.asarray(data(geo["tissue"])) if "tissue" in geo else None
    drivers = None
    if "drivers" in tree:
        d = tree["drivers"]
        drivers = LesionDrivers(t=np.asarray(d["t"]), **{n: np.asarray(d[n]) for n in DRIVER_NAMES if n in d})
    attrs = tree.get("@attrs", {})
    return LesionResult(times=times, series=series, snapshots=tuple(snapshots), geometry=geometry,
                        params=_params(require(tree, "parameters", path, what), version),
                        drivers=drivers, settings=_settings(attrs, version),
                        provenance={k: _plain(v) for k, v in tree.get("provenance", {}).get("@attrs", {}).items()},
                        tissue=tissue, status=str(attrs.get("status", "ok")))


def two_way_tree(result: TwoWayResult) -> dict[str, Any]:
    """Tree of one two-way coupled run (layout in this module's docstring)."""
    units = {s.name: s.unit for s in STATES}
    joint = {name: {"@data": result.states[:, i], "@dims": ["/times"], "@attrs": {"unit": units[name]}}
             for i, name in enumerate(result.state_names)}
    lesion = {name: {"@data": v, "@dims": ["/times"], "@attrs": {"unit": SERIES_UNITS.get(name, "1")}}
              for name, v in result.lesion.items()}
    drivers = {name: {"@data": v, "@dims": ["/times"],
                      "@attrs": {"unit": "cells/day" if name == "msc_influx" else
                                 "x healthy joint-fluid level" if name != "scaffold" else "strength 0..1"}}
               for name, v in result.drivers.items()}
    return {
        "@attrs": {"schema_version": TWO_WAY_SCHEMA_VERSION, "model": "sim.lesion.two_way",
                   "status": result.status, "status_code": int(result.status_code), **dict(result.settings)},
        "times": {"@data": result.times, "@attrs": {"unit": "day"}},
        "joint": joint, "lesion": lesion, "drivers": drivers,
        "coupling": {"window_ends": result.window_ends, "repair_written": result.repair_written,
                     "hyaline_written": result.hyaline_written,
                     "@attrs": {"unit": "fraction of healthy cartilage volume"}},
        "parameters": {
            "joint": {"name": [q.name for q in JOINT_PARAMETERS], "value": result.joint_parameters},
            "lesion": {"name": list(result.lesion_params.names()), "value": result.lesion_params.as_array()}},
        "covariates": {"@attrs": {k: _attr(v) for k, v in result.covariates.items()}},
        "provenance": {"@attrs": dict(result.provenance)},
    }


def write_two_way(path: str | os.PathLike, result: TwoWayResult) -> Path:
    """Write one two-way coupled run atomically (layout in this module's docstring).

    Parameters
    ----------
    path : path-like
        Target ``.h5`` file.
    result : TwoWayResult
        The run, from :func:`sim.lesion.run_two_way`.

    Returns
    -------
    Path
        ``path``; read it back with :func:`read_two_way`.
    """
    return write_tree(path, two_way_tree(result))


def _attr(value: Any) -> Any:
    arr = np.asarray(value)
    return arr.item() if arr.size == 1 else arr


def read_two_way(path: str | os.PathLike) -> TwoWayResult:
    """Read a two-way run written by :func:`write_two_way`.

    Parameters
    ----------
    path : path-like
        HDF5 file of the two-way layout (module docstring).

    Returns
    -------
    TwoWayResult
        Joint states float64[T, k] (k states in :data:`sim.STATES` order), lesion series and
        drivers float64[T], the write-back float64[W], parameters, settings and status.

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file (and the field) when it is missing, not HDF5, of another schema
        version or lacks a field of the layout.
    """
    what = "two-way lesion result"
    tree, version = open_layout(path, what, ["1", TWO_WAY_SCHEMA_VERSION], legacy="1")
    times = np.asarray(data(require(tree, "times", path, what)), dtype=np.float64)
    joint = require(tree, "joint", path, what)
    rank = {s.name: i for i, s in enumerate(STATES)}
    names = sorted((k for k in joint if k != "@attrs"), key=lambda n: (rank.get(n, len(rank)), n))
    states = np.column_stack([np.asarray(data(joint[n]), dtype=np.float64) for n in names]) if names \
        else np.empty((times.size, 0))
    coupling = require(tree, "coupling", path, what)
    attrs = tree.get("@attrs", {})
    return TwoWayResult(
        times=times, state_names=tuple(names), states=states,
        lesion={k: np.asarray(data(v)) for k, v in tree.get("lesion", {}).items() if k != "@attrs"},
        drivers={k: np.asarray(data(v)) for k, v in tree.get("drivers", {}).items() if k != "@attrs"},
        window_ends=np.asarray(coupling["window_ends"]), repair_written=np.asarray(coupling["repair_written"]),
        hyaline_written=np.asarray(coupling["hyaline_written"]),
        joint_parameters=np.asarray(require(tree, "parameters/joint/value", path, what)),
        lesion_params=_params(require(tree, "parameters/lesion", path, what), version),
        settings=_settings(attrs, version),
        provenance={k: _plain(v) for k, v in tree.get("provenance", {}).get("@attrs", {}).items()},
        status=str(attrs.get("status", "ok")), status_code=int(attrs.get("status_code", 0)),
        covariates={k: _plain(v) for k, v in tree.get("covariates", {}).get("@attrs", {}).items()})
