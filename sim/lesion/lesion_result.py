"""Immutable result of a lesion simulation.

Its file layout, writer and reader live in :mod:`sim.io.lesion_file` (the lesion package does
not import :mod:`sim.io`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.lesion.drivers import LesionDrivers
from sim.lesion.geometry import LesionGeometry
from sim.lesion.lesion_parameters import FIELD_NAMES, LesionParams

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
    """Outcome of :func:`sim.lesion.simulate_lesion`.

    Attributes
    ----------
    times : float64 (T,)
        Recording times, days.
    series : dict[str, float64 (T,)]
        Summary time series (see :data:`sim.lesion.lesion_simulation.SERIES_NAMES`).
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
        """Last recorded value of one series.

        Parameters
        ----------
        name : str
            A series name (:data:`~sim.lesion.lesion_simulation.SERIES_NAMES`).

        Returns
        -------
        float
            In the series' unit (:data:`SERIES_UNITS`).

        Raises
        ------
        KeyError
            For an unknown series (the message lists the available ones).
        """
        if name not in self.series:
            raise KeyError(f"unknown series {name!r}; available: {', '.join(self.series)}")
        return float(self.series[name][-1])

    def field(self, name: str, snapshot: int = -1) -> np.ndarray:
        """One field at one snapshot.

        Parameters
        ----------
        name : str
            One of :data:`~sim.lesion.lesion_parameters.FIELD_NAMES`.
        snapshot : int
            Snapshot index (negative counts from the last).

        Returns
        -------
        float64 (ny, nx)
            Field level relative to healthy joint fluid.

        Raises
        ------
        ValueError
            For an unknown field or a result without snapshots.
        """
        if name not in FIELD_NAMES:
            raise ValueError(f"unknown field {name!r}; valid fields: {', '.join(FIELD_NAMES)}")
        if not self.snapshots:
            raise ValueError("this result holds no snapshots; pass snapshot_days to simulate_lesion")
        return self.snapshots[snapshot]["fields"][FIELD_NAMES.index(name)]
