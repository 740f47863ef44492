"""Boundary drivers of the lesion model: what the joint sees, as plain arrays over time.

Levels are dimensionless (1 = healthy joint-fluid reference, as in the joint model); the MSC
influx is in cells per day reaching the surface of the whole defect (the lattice slice takes
its share, :attr:`LesionGeometry.slice_fraction`). Values between the given times are
interpolated linearly and held constant beyond the ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["LesionDrivers", "DriverError", "DRIVER_NAMES"]

DRIVER_NAMES = ("il1", "anti", "tgfb", "msc_influx", "scaffold")


class DriverError(ValueError):
    """A driver series is malformed (shape, sign, range or time grid)."""


@dataclass(frozen=True)
class LesionDrivers:
    """Time series that drive the lesion from the joint.

    Parameters
    ----------
    t : array (T,)
        Strictly increasing times, days.
    il1, anti, tgfb : array (T,) or float
        Joint-fluid pro-inflammatory, anti-inflammatory and TGF-beta-like levels (>= 0).
    msc_influx : array (T,) or float
        Free MSCs reaching the defect surface, cells/day (>= 0).
    scaffold : array (T,) or float
        Scaffold strength in [0, 1] (0: none, 1: full effect of ``rel_*_scaffold``).
    """

    t: np.ndarray
    il1: np.ndarray = field(default=1.0)
    anti: np.ndarray = field(default=1.0)
    tgfb: np.ndarray = field(default=1.0)
    msc_influx: np.ndarray = field(default=0.0)
    scaffold: np.ndarray = field(default=0.0)

    def __post_init__(self):
        t = np.asarray(self.t, dtype=np.float64)
        if t.ndim != 1 or t.size < 1 or not np.all(np.isfinite(t)):
            raise DriverError(f"driver 't' must be a finite 1-D array of days, got {self.t!r}")
        if t.size > 1 and not np.all(np.diff(t) > 0):
            raise DriverError("driver 't' must be strictly increasing")
        object.__setattr__(self, "t", t)
        for name in DRIVER_NAMES:
            v = np.asarray(getattr(self, name), dtype=np.float64)
            if v.ndim == 0:
                v = np.full(t.shape, float(v))
            if v.shape != t.shape:
                raise DriverError(f"driver {name!r} has shape {v.shape}; expected {t.shape} "
                                  f"(one value per time) or a scalar")
            if not np.all(np.isfinite(v)) or np.any(v < 0):
                raise DriverError(f"driver {name!r} must be finite and >= 0")
            if name == "scaffold" and np.any(v > 1):
                raise DriverError("driver 'scaffold' must lie in [0, 1]")
            v.setflags(write=False)
            object.__setattr__(self, name, v)
        t.setflags(write=False)

    def at(self, time: float) -> dict[str, float]:
        """Driver values at one time (linear interpolation, constant extrapolation).

        Parameters
        ----------
        time : float
            Days.

        Returns
        -------
        dict of str to float
            Each of :data:`DRIVER_NAMES`: field levels relative to healthy joint fluid, ``msc_influx``
            in cells/day, ``scaffold`` strength in [0, 1].
        """
        return {name: float(np.interp(time, self.t, getattr(self, name)))
                for name in DRIVER_NAMES}

    @classmethod
    def constant(cls, *, il1=1.0, anti=1.0, tgfb=1.0, msc_influx=0.0, scaffold=0.0):
        """Time-invariant drivers.

        Parameters
        ----------
        il1, anti, tgfb : float
            Joint-fluid levels relative to the healthy reference (1 = healthy).
        msc_influx : float
            Free MSCs reaching the defect surface, cells/day.
        scaffold : float
            Scaffold strength in [0, 1].

        Returns
        -------
        LesionDrivers
        """
        return cls(t=np.array([0.0]), il1=il1, anti=anti, tgfb=tgfb, msc_influx=msc_influx,
                   scaffold=scaffold)

    @classmethod
    def from_injections(cls, days: float, doses, times=(0.0,), *, k_loss: float = 0.0632,
                        k_reach: float = 1e-3, il1=1.0, anti=1.0, tgfb=1.0, scaffold=0.0,
                        n_points: int = 400):
        """Standalone drivers: free MSCs from bolus injections reach the defect.

        The free pool after injections of ``doses`` cells at ``times`` days decays with ``k_loss``
        (``msc_k_loss_joint_DERIVED``, 1/day); a share ``k_reach`` per day of it reaches the defect
        surface (assumed; the joint model supplies this when coupled).

        Parameters
        ----------
        days : float
            Span of the driver grid, days (> 0).
        doses : float or sequence of float, length K
            Cells per injection (>= 0).
        times : float or sequence of float, length K
            Injection days.
        k_loss : float
            Loss rate of free MSCs from the joint, 1/day.
        k_reach : float
            Share of the free pool reaching the defect surface, 1/day.
        il1, anti, tgfb : float
            Joint-fluid levels relative to the healthy reference.
        scaffold : float
            Scaffold strength in [0, 1].
        n_points : int
            Grid points over ``[0, days]`` (injection times are added, with a point just after each).

        Returns
        -------
        LesionDrivers

        Raises
        ------
        DriverError
            For negative doses, ``doses`` and ``times`` of different lengths, or ``days`` <= 0.
        """
        doses = np.atleast_1d(np.asarray(doses, dtype=np.float64))
        times = np.atleast_1d(np.asarray(times, dtype=np.float64))
        if doses.shape != times.shape or np.any(doses < 0):
            raise DriverError("'doses' must be >= 0 and match 'times' in length")
        if not (days > 0 and math.isfinite(days)):
            raise DriverError(f"'days' must be a positive number, got {days!r}")
        t = np.unique(np.concatenate([np.linspace(0.0, days, n_points), times, times + 1e-6]))
        free = np.zeros_like(t)
        for dose, t0 in zip(doses, times):
            on = t >= t0 + 1e-6
            free[on] += dose * np.exp(-k_loss * (t[on] - t0))
        return cls(t=t, il1=il1, anti=anti, tgfb=tgfb, msc_influx=k_reach * free,
                   scaffold=scaffold)

    def to_tree(self) -> dict:
        """Times (days, float64[K]) and each driver (float64[K]) as a dict of arrays."""
        return {"t": self.t, **{name: getattr(self, name) for name in DRIVER_NAMES}}
