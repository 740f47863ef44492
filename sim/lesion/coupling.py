"""Coupling between the joint-scale model and the lesion model.

Direction joint -> lesion: joint-fluid cytokine levels and the free-MSC influx reaching the
defect, as plain arrays over time (:class:`LesionDrivers`, or :func:`drivers_from_joint` from
named joint-state series). Direction lesion -> joint: defect fill and repair-tissue quality
over time (:class:`CouplingSummary`), which feed the joint model's repair-tissue state.

One virtual-patient parameter vector drives both models: lesion parameters are read from
keys ``lesion.<name>`` (other keys belong to the joint model and are ignored here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from sim.lesion.drivers import DriverError, LesionDrivers
from sim.lesion.geometry import LesionGeometry
from sim.lesion.lesion_parameters import LesionParams
from sim.lesion.lesion_simulation import DEFAULT_DT_DAYS, simulate_lesion

__all__ = ["LesionDrivers", "CouplingSummary", "run_coupled", "drivers_from_joint",
           "lesion_params_from_patient", "DEFAULT_JOINT_KEYS", "drivers_from_result"]

#: Which joint-model state series (names of ``sim.model.states``) feed which driver, and the
#: reference that divides it: mediators are already multiples of the healthy level; free MSCs are
#: counted in millions in the joint model and in cells here.
DEFAULT_JOINT_KEYS = {"il1": ("il1b", 1.0), "anti": ("il1ra", 1.0), "tgfb": ("tgfb", 1.0),
                      "msc_free": ("msc_free", 1e-6)}


def drivers_from_result(result, patient: int = 0, *, k_reach: float = 1e-3, scaffold=None) -> LesionDrivers:
    """Lesion drivers from one patient of a joint-model :class:`sim.Result` (days >= 0).

    The scaffold driver follows the joint model's ``scaffold`` state (saturating, as in its rhs)
    unless given.

    Parameters
    ----------
    result : sim.Result
        Joint-model result with states ``il1b``, ``il1ra``, ``tgfb``, ``msc_free``, ``scaffold``.
    patient : int
        Patient index in ``result``.
    k_reach : float
        Share of the free MSC pool reaching the defect surface per day, 1/day (assumed).
    scaffold : float or float64 (T,), optional
        Scaffold strength in [0, 1]; default from the joint ``scaffold`` state, ``s / (1 + s)``.

    Returns
    -------
    LesionDrivers
        On the result's output times from day 0 on (days).
    """
    keep = np.asarray(result.times) >= 0.0
    states = {name: np.asarray(result.state(name))[patient, keep] for name in
              ("il1b", "il1ra", "tgfb", "msc_free", "scaffold")}
    if scaffold is None:
        s = np.clip(states["scaffold"], 0.0, None)
        scaffold = s / (1.0 + s)
    return drivers_from_joint(np.asarray(result.times)[keep], states, k_reach=k_reach, scaffold=scaffold)


@dataclass(frozen=True)
class CouplingSummary:
    """What the lesion returns to the joint model.

    Attributes
    ----------
    t : float64 (T,)
        Days.
    defect_fill : float64 (T,)
        Matrix in the defect as a fraction of native matrix (0..1).
    repair_quality : float64 (T,)
        Hyaline share of the repair matrix (0 fibrous .. 1 hyaline).
    n_msc, n_chondrocyte, n_marrow : float64 (T,)
        Cells of each kind in the simulated slice.
    """

    t: np.ndarray
    defect_fill: np.ndarray
    repair_quality: np.ndarray
    n_msc: np.ndarray
    n_chondrocyte: np.ndarray
    n_marrow: np.ndarray

    def repair_state(self) -> dict[str, np.ndarray]:
        """Series for the joint model's repair tissue: ``R_q = fill`` and ``q = quality``."""
        return {"t": self.t, "R_q": self.defect_fill, "q": self.repair_quality}


def lesion_params_from_patient(patient: Mapping[str, float] | LesionParams | None) -> LesionParams:
    """Lesion parameters from a virtual-patient vector (keys ``lesion.<name>``).

    Parameters
    ----------
    patient : mapping of str to float, LesionParams or None
        A virtual-patient vector (only its ``lesion.<name>`` keys are used), a mapping of bare
        lesion parameter names, a :class:`LesionParams` (returned as is) or None (defaults).

    Returns
    -------
    LesionParams
        Validated against the lesion parameter table (units there: days, mm, cells).
    """
    if patient is None:
        return LesionParams()
    if isinstance(patient, LesionParams):
        return patient
    prefixed = {k[len("lesion."):]: v for k, v in patient.items() if k.startswith("lesion.")}
    if prefixed:
        return LesionParams(prefixed)
    return LesionParams(dict(patient))


def drivers_from_joint(t, states: Mapping[str, np.ndarray], *, k_reach: float = 1e-3,
                       scaffold=0.0, keys: Mapping[str, tuple[str, float]] | None = None
                       ) -> LesionDrivers:
    """Build lesion drivers from named joint-model state series.

    Parameters
    ----------
    t : array (T,)
        Joint-model output times, days.
    states : mapping of str to array (T,)
        Named state series of the joint model result.
    k_reach : float
        Share of the free MSC pool reaching the defect surface per day, 1/day (assumed; the
        joint model's adhesion flux ``k_adh * Lambda * Mf`` may be passed instead by mapping
        ``msc_free`` to that series with ``k_reach=1``).
    scaffold : float or array (T,)
        Scaffold strength in [0, 1].
    keys : mapping, optional
        Driver -> (state name, healthy reference); defaults to :data:`DEFAULT_JOINT_KEYS`.
    """
    keys = dict(DEFAULT_JOINT_KEYS if keys is None else keys)
    out = {}
    for driver, (name, ref) in keys.items():
        if name not in states:
            raise DriverError(f"joint state {name!r} (for driver {driver!r}) not found; "
                              f"available: {', '.join(states)}")
        out[driver] = np.asarray(states[name], dtype=np.float64) / ref
    return LesionDrivers(t=t, il1=out["il1"], anti=out["anti"], tgfb=out["tgfb"],
                         msc_influx=k_reach * out["msc_free"], scaffold=scaffold)


def run_coupled(drivers: LesionDrivers, params=None, *, geometry: LesionGeometry | None = None,
                days: float | None = None, dt_days: float = DEFAULT_DT_DAYS, seed: int = 0,
                record_every_days: float = 1.0, **options) -> CouplingSummary:
    """Run the lesion under joint-model drivers and return the summary for the joint model.

    Parameters
    ----------
    drivers : LesionDrivers
        Joint-fluid levels and MSC influx over time.
    params : LesionParams, mapping or virtual-patient vector, optional
        See :func:`lesion_params_from_patient`.
    geometry : LesionGeometry, optional
        Defaults to :meth:`LesionGeometry.clinical`.
    days : float, optional
        Duration, days; defaults to the last driver time.
    dt_days : float
        Lesion step, days (default one hour).
    seed : int
        Seed of the lesion's counter-based random streams.
    record_every_days : float
        Spacing of the returned series, days.
    options
        Further :class:`~sim.lesion.lesion_simulation.LesionSimulation` options.
    """
    if not isinstance(drivers, LesionDrivers):
        raise TypeError("drivers must be a LesionDrivers")
    days = float(drivers.t[-1]) if days is None else float(days)
    if days <= 0:
        raise DriverError("coupled run needs days > 0 (or drivers spanning a positive time)")
    res = simulate_lesion(geometry if geometry is not None else LesionGeometry.clinical(),
                          lesion_params_from_patient(params), drivers, days=days,
                          record_every_days=record_every_days, dt_days=dt_days, seed=seed,
                          **options)
    s = res.series
    return CouplingSummary(t=res.times, defect_fill=s["defect_fill"],
                           repair_quality=s["repair_quality"], n_msc=s["n_msc"],
                           n_chondrocyte=s["n_chondrocyte"], n_marrow=s["n_marrow"])
