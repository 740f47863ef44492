"""Immutable result of a lesion simulation, and its HDF5 tree form."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.lesion.drivers import LesionDrivers
from sim.lesion.geometry import TISSUE_NAMES, LesionGeometry
from sim.lesion.parameters import CELL_KINDS, FIELD_NAMES, PARAMETERS, LesionParams

__all__ = ["LesionResult", "SERIES_UNITS"]

SERIES_UNITS = {
    "defect_fill": "fraction of native matrix, mean over defect voxels",
    "repair_quality": "hyaline share of repair matrix (0 fibrous .. 1 hyaline)",
    "mean_matrix": "fraction of native matrix, mean over cartilage and defect voxels",
    "n_msc": "cells in slice", "n_chondrocyte": "cells in slice", "n_marrow": "cells in slice",
    "n_cells_defect": "cells in slice within the defect",
}


@dataclass(frozen=True)
class LesionResult:
    """Outcome of :func:`sim.lesion.simulate`.

    Attributes
    ----------
    times : float64 (T,)
        Recording times, days.
    series : dict[str, float64 (T,)]
        Summary time series (see :data:`sim.lesion.simulation.SERIES_NAMES`).
    snapshots : tuple of dict
        Each with ``t`` (days), ``fields`` (4, ny, nx), ``hyaline`` and ``fibrous``
        (ny, nx) and agent arrays ``agent_id``, ``agent_kind``, ``agent_iy``, ``agent_ix``.
    geometry, params, drivers
        Inputs of the run.
    settings : dict
        Seed, step, substeps, capacity, duration.
    provenance : dict
        Wall time, agent updates, steps.
    tissue : int64 (ny, nx)
        Tissue codes (see :data:`sim.lesion.geometry.TISSUE_NAMES`).
    """

    times: np.ndarray
    series: dict[str, np.ndarray]
    snapshots: tuple = ()
    geometry: LesionGeometry | None = None
    params: LesionParams | None = None
    drivers: LesionDrivers | None = None
    settings: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    tissue: np.ndarray | None = None
    status: str = "ok"

    def final(self, name: str) -> float:
        """Last recorded value of series ``name``."""
        if name not in self.series:
            raise KeyError(f"unknown series {name!r}; available: {', '.join(self.series)}")
        return float(self.series[name][-1])

    def to_tree(self) -> dict[str, Any]:
        """Nested dict for :func:`sim.io.write_tree`."""
        series = {"t": {"@data": self.times, "@attrs": {"unit": "day"}}}
        for name, values in self.series.items():
            series[name] = {"@data": values, "@dims": ["/series/t"],
                            "@attrs": {"unit": SERIES_UNITS.get(name, "count" if
                                                                name.startswith("cum_") else
                                                                "field level (1 = healthy SF)")}}
        snaps = {}
        for k, s in enumerate(self.snapshots):
            snaps[f"{k:04d}"] = {
                "@attrs": {"t_days": float(s["t"])},
                "fields": {"@data": s["fields"], "@attrs": {"names": list(FIELD_NAMES),
                                                            "axes": "field, y (down), x"}},
                "hyaline": s["hyaline"], "fibrous": s["fibrous"],
                "agents": {"id": s["agent_id"], "kind": s["agent_kind"], "iy": s["agent_iy"],
                           "ix": s["agent_ix"], "@attrs": {"kinds": list(CELL_KINDS)}},
            }
        p = self.params or LesionParams()
        tree = {
            "@attrs": {"model": "sim.lesion", "status": self.status,
                       **{k: v for k, v in self.settings.items()}},
            "series": series,
            "snapshots": snaps,
            "parameters": {"name": [r[0] for r in PARAMETERS],
                           "value": np.array([p[r[0]] for r in PARAMETERS]),
                           "unit": [r[2] for r in PARAMETERS],
                           "source": [r[6] for r in PARAMETERS]},
            "provenance": {"@attrs": dict(self.provenance)},
        }
        if self.geometry is not None:
            gd = {k: ("None" if v is None else v) for k, v in self.geometry.to_dict().items()}
            tree["geometry"] = {"@attrs": gd}
        if self.tissue is not None:
            tree["geometry"] = tree.get("geometry", {})
            tree["geometry"]["tissue"] = {"@data": self.tissue,
                                          "@attrs": {"codes": list(TISSUE_NAMES)}}
        if self.drivers is not None:
            tree["drivers"] = self.drivers.to_tree()
        return tree

    def save(self, path: str | os.PathLike) -> Path:
        """Write the result to an HDF5 file (atomically) and return its path."""
        from sim.io import write_tree

        return write_tree(path, self.to_tree())

    def field(self, name: str, snapshot: int = -1) -> np.ndarray:
        """Field ``name`` (one of FIELD_NAMES) at snapshot index ``snapshot``, shape (ny, nx)."""
        if name not in FIELD_NAMES:
            raise ValueError(f"unknown field {name!r}; valid fields: {', '.join(FIELD_NAMES)}")
        if not self.snapshots:
            raise ValueError("this result holds no snapshots; pass snapshot_days to simulate")
        return self.snapshots[snapshot]["fields"][FIELD_NAMES.index(name)]
