"""Reading aggregated sweeps (``<store>/aggregate.h5``) as labelled arrays: the file side of
:mod:`sim.sweep`, kept here so that :mod:`sim.io` never imports :mod:`sim.sweep` (which
imports :mod:`sim.io` to write its files).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.hdf5 import read_tree

__all__ = ["SWEEP_SCHEMA_VERSION", "StoreMismatchError", "SweepTable", "aggregate_file", "check_schema",
           "load_sweep"]

#: Version of the sweep file layout (chunk files, manifest, aggregate); part of every point hash.
SWEEP_SCHEMA_VERSION = 1


class StoreMismatchError(ValueError):
    """The store belongs to another schema version or another sweep definition."""


def check_schema(attrs: Mapping[str, Any], path: Path) -> None:
    """Refuse a sweep file of another schema version.

    Parameters
    ----------
    attrs : mapping
        Root attributes of the file (``schema_version`` among them).
    path : Path
        The file, named in the message.

    Raises
    ------
    StoreMismatchError
        If the version is missing or not :data:`SWEEP_SCHEMA_VERSION`.
    """
    version = attrs.get("schema_version")
    if version is None or int(version) != SWEEP_SCHEMA_VERSION:
        raise StoreMismatchError(
            f"{path} has sweep schema version {version}; this sim reads and writes version "
            f"{SWEEP_SCHEMA_VERSION}. Aggregate it with the sim version that wrote it, or choose "
            "a new sweep.store; nothing was overwritten")


def aggregate_file(path: str | os.PathLike) -> Path:
    """The aggregate file of a store folder (``<store>/aggregate.h5``), or ``path`` itself if it is a file."""
    path = Path(path)
    return path / "aggregate.h5" if path.is_dir() else path


@dataclass(frozen=True)
class SweepTable:
    """An aggregated sweep as labelled arrays (one row per grid point, grid order).

    Attributes
    ----------
    name : str
    axes : dict of str to ndarray
        Values of each axis, keyed by dotted config key, in sweep order.
    coords : dict of str to ndarray, shape (n,)
        Each point's value on each axis.
    index : dict of str to ndarray of int64, shape (n,)
        Each point's position on each axis.
    outcomes : dict of str to ndarray of float64, shape (n, ...)
        NaN where the point failed or is missing.
    status : ndarray of int8, shape (n,)
        0 ok, 1 failed, 2 missing.
    error : ndarray of str, shape (n,)
    hash : ndarray of str, shape (n,)
    attrs : dict
        Root attributes (definition, base configuration, counts, digest).
    units : dict of str to str
        Unit of each outcome column the evaluator declared (e.g. ``"mm"``, ``"%"``).
    """

    name: str
    axes: dict[str, np.ndarray]
    coords: dict[str, np.ndarray]
    index: dict[str, np.ndarray]
    outcomes: dict[str, np.ndarray]
    status: np.ndarray
    error: np.ndarray
    hash: np.ndarray
    attrs: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape: one entry per axis, in sweep order."""
        return tuple(len(v) for v in self.axes.values())

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of points evaluated without error."""
        return self.status == 0

    def grid(self, outcome: str) -> np.ndarray:
        """Outcome ``outcome`` reshaped to ``shape + per-point shape`` (axes in sweep order)."""
        if outcome not in self.outcomes:
            raise KeyError(f"no outcome {outcome!r}; outcomes: {', '.join(self.outcomes)}")
        v = self.outcomes[outcome]
        return v.reshape(self.shape + v.shape[1:])

    def mask(self, selection: Mapping[str, Any]) -> np.ndarray:
        """Rows whose coordinates equal ``selection`` (``{axis key: value}``)."""
        m = np.ones(self.status.shape, dtype=bool)
        for key, value in selection.items():
            if key not in self.coords:
                raise KeyError(f"no axis {key!r}; axes: {', '.join(self.axes)}")
            m &= self.coords[key] == value
        return m


def load_sweep(path: str | os.PathLike) -> SweepTable:
    """Load an aggregate (file, or store folder holding ``aggregate.h5``) as a :class:`SweepTable`."""
    path = aggregate_file(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; run `sim-aggregate STORE` first")
    tree = read_tree(path)
    attrs = tree.get("@attrs", {})
    if "table" not in tree or "axes" not in tree:
        raise StoreMismatchError(f"{path} is not a sweep aggregate (no /table or /axes)")
    check_schema(attrs, path)
    keys = list(attrs["axis_keys"])

    def data(v: Any) -> Any:
        return v["@data"] if isinstance(v, dict) and "@data" in v else v

    axes = {}
    for k in keys:
        node = tree["axes"][k]
        arr = np.asarray(data(node))
        if isinstance(node, dict) and node.get("@attrs", {}).get("encoding") == "json":
            decoded = np.empty(arr.shape, dtype=object)
            decoded[:] = [json.loads(s) for s in arr.ravel()]
            arr = decoded
        axes[k] = arr
    t = tree["table"]
    index = {k: np.asarray(t["index"][k], np.int64) for k in keys}
    coords = {k: axes[k][index[k]] for k in keys}
    columns = {k: v for k, v in t.get("outcomes", {}).items() if k != "@attrs"}
    outcomes = {k: np.asarray(data(v)) for k, v in columns.items()}
    units = {k: str(v["@attrs"]["unit"]) for k, v in columns.items()
             if isinstance(v, dict) and "unit" in v.get("@attrs", {})}
    return SweepTable(str(attrs.get("name", "")), axes, coords, index, outcomes,
                      np.asarray(t["status"], np.int8), np.asarray(t["error"], str),
                      np.asarray(t["hash"], str), attrs, units)
