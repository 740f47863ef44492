"""Simulation of the lesion model: one entry point that advances lattice, fields and agents.

Every time is in days (the step ``dt_days`` too; the default step is one hour, 1/24 day).
One step of ``dt_days``:

1. count cells per voxel (integers, so nothing below depends on agent order);
2. per voxel: crowding densities, secretion into the fields, matrix synthesis/degradation;
3. fields: explicit diffusion substeps with decay, joint fluid held at the drivers' levels;
4. agents propose events in parallel (counter-based draws), then a serial pass grants
   capacity by hashed priority, adds daughters and arrivals from the joint fluid.
"""

from __future__ import annotations

import math
import time as _time

import numpy as np

from sim.lesion import agents as K
from sim.lesion.drivers import LesionDrivers
from sim.lesion.fields import FieldSolver, StabilityError
from sim.lesion.geometry import CARTILAGE, DEFECT, FLUID, LesionGeometry
from sim.lesion.lesion_parameters import FIELD_NAMES, LesionParams
from sim.lesion.lesion_result import LesionResult
from sim.lesion.rng import P_ARRIVAL_N, P_INIT, poisson

__all__ = ["DEFAULT_DT_DAYS", "LesionSimulation", "simulate_lesion", "SERIES_NAMES"]

#: Default agent step: one hour, in days.
DEFAULT_DT_DAYS = 1.0 / 24.0

SERIES_NAMES = ("defect_fill", "repair_quality", "mean_matrix", "n_msc", "n_chondrocyte",
                "n_marrow", "n_cells_defect") + tuple(f"{f}_defect" for f in FIELD_NAMES) + \
    tuple(f"cum_{s}" for s in K.STAT_NAMES)


def _kernel_constants(p: LesionParams, g: LesionGeometry, dt: float) -> np.ndarray:
    kp = np.zeros(K.KP_SIZE)
    kp[K.KP_P_JUMP] = 4.0 * p["D_msc"] * dt / g.dx_mm**2
    kp[K.KP_CHI] = p["chi_sdf"]
    kp[K.KP_REL_MOT_MATRIX] = p["rel_motility_matrix"]
    kp[K.KP_K_DIV_PROG] = math.log(2.0) / p["t_double_msc"] * p["rel_prolif_in_vivo"]
    kp[K.KP_K_DIV_CHONDRO] = kp[K.KP_K_DIV_PROG] * p["rel_prolif_chondro"]
    kp[K.KP_RHO_MAX] = p["rho_max"]
    kp[K.KP_K_DIFF] = 1.0 / p["t_diff"]
    kp[K.KP_RHO_DIFF] = p["rho_diff_threshold"]
    kp[K.KP_K_TGFB_DIFF] = p["K_tgfb_diff"]
    kp[K.KP_N_TGFB_DIFF] = p["n_tgfb_diff"]
    kp[K.KP_K_IL1_DIFF] = p["K_il1_diff"]
    kp[K.KP_REL_DIFF_MARROW] = p["rel_diff_marrow"]
    kp[K.KP_K_APO_PROG] = p["k_apo_msc"]
    kp[K.KP_K_APO_CHONDRO] = p["k_apo_chondro"]
    kp[K.KP_A_APO_IL1] = p["a_apo_il1"]
    kp[K.KP_K_ANTI_IL1] = p["K_anti_il1"]
    kp[K.KP_K_WASH] = p["k_washout"]
    kp[K.KP_DT] = dt
    kp[K.KP_VOXVOL] = g.voxel_volume_mm3
    kp[K.KP_N_REF] = p["rho_chondro_ref"] * g.voxel_volume_mm3
    kp[K.KP_S_SDF] = p["s_sdf_damage"]
    kp[K.KP_S_ANTI] = p["s_anti_msc"]
    kp[K.KP_ALPHA_LIC] = p["alpha_licensing"]
    kp[K.KP_K_LIC] = p["K_licensing"]
    kp[K.KP_S_TGFB] = p["s_tgfb_chondro"]
    kp[K.KP_K_MATRIX] = p["k_matrix_chondro"]
    kp[K.KP_REL_FIBROUS] = p["rel_matrix_fibrous"]
    kp[K.KP_A_MATRIX_TGFB] = p["a_matrix_tgfb"]
    kp[K.KP_K_MATRIX_TGFB] = p["K_matrix_tgfb"]
    kp[K.KP_K_DEGRADE] = p["k_degrade"]
    kp[K.KP_K_DEGRADE_IL1] = p["k_degrade_il1"]
    return kp


class LesionSimulation:
    """A lesion model instance under given drivers, advanced step by step.

    Parameters
    ----------
    geometry : LesionGeometry, optional
        Defaults to :meth:`LesionGeometry.small`.
    params : LesionParams or mapping, optional
        Parameter values (defaults from the table).
    drivers : LesionDrivers, optional
        Joint-side boundary drivers; defaults to healthy levels and no MSC influx.
    dt_days : float
        Agent step, days (default :data:`DEFAULT_DT_DAYS`, one hour).
    n_substeps : int or None
        Field substeps per step; ``None`` picks the smallest stable number. A number too
        small for stability raises :class:`~sim.lesion.fields.StabilityError`.
    seed : int
        Seed of every counter-based stream.
    initial_msc_per_mm3 : float
        MSCs placed in the defect at t = 0 (implanted or scaffold-seeded cells), cells/mm^3.
    microfracture : bool
        Release marrow-derived progenitors into the deepest defect rows at t = 0
        (full-thickness defects only).
    marrow_per_mm3 : float
        Density of marrow-derived cells released by microfracture, cells/mm^3 (assumed).
    """

    def __init__(self, geometry: LesionGeometry | None = None, params=None,
                 drivers: LesionDrivers | None = None, *, dt_days: float = DEFAULT_DT_DAYS,
                 n_substeps: int | None = None, seed: int = 0,
                 initial_msc_per_mm3: float = 0.0, microfracture: bool = False,
                 marrow_per_mm3: float = 2.0e4):
        self.geometry = geometry if geometry is not None else LesionGeometry.small()
        if not isinstance(self.geometry, LesionGeometry):
            raise TypeError("geometry must be a LesionGeometry")
        self.params = params if isinstance(params, LesionParams) else LesionParams(params)
        self.drivers = drivers if drivers is not None else LesionDrivers.constant()
        if not isinstance(self.drivers, LesionDrivers):
            raise TypeError("drivers must be a LesionDrivers")
        if not (isinstance(dt_days, (int, float)) and math.isfinite(dt_days) and dt_days > 0):
            raise ValueError(f"'dt_days' must be a positive number, got {dt_days!r}")
        for name, v in (("initial_msc_per_mm3", initial_msc_per_mm3),
                        ("marrow_per_mm3", marrow_per_mm3)):
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"{name!r} must be a finite number >= 0, got {v!r}")
        if microfracture and not self.geometry.full_thickness:
            raise ValueError("'microfracture' needs a full-thickness defect "
                             "(geometry.defect_depth_mm=None)")
        if not isinstance(seed, (int, np.integer)):
            raise ValueError(f"'seed' must be an integer, got {seed!r}")
        self.seed = int(seed)
        g, p = self.geometry, self.params
        self.dt = float(dt_days)
        self.kp = _kernel_constants(p, g, self.dt)
        if self.kp[K.KP_P_JUMP] > 1.0:
            raise StabilityError(
                f"dt_days={dt_days:.4g} is too long for cell motility D_msc={p['D_msc']} mm^2/day "
                f"on {g.dx_um} um voxels (jump probability {self.kp[K.KP_P_JUMP]:.3g} > 1); "
                f"use dt_days <= {g.dx_mm**2 / (4 * p['D_msc']):.4g}")
        self.cap = g.capacity(p["rho_max"])
        self.tissue = g.tissue()
        self.solver = FieldSolver(self.tissue, g.dx_mm,
                                  [p.diffusivity(f) for f in FIELD_NAMES],
                                  [p.decay_rate(f) for f in FIELD_NAMES],
                                  rel_D_bone=p["rel_D_bone"], names=FIELD_NAMES)
        self.n_substeps = (self.solver.substeps_needed(self.dt) if n_substeps is None
                           else n_substeps)
        self.solver.check(self.dt, self.n_substeps)

        ny, nx = g.shape
        t = self.tissue
        up = np.zeros_like(t, dtype=bool)
        up[1:] = t[:-1] == FLUID
        self.mouth = (((t == DEFECT) | (t == CARTILAGE)) & up).astype(np.int64)
        self.mouth_idx = np.flatnonzero((t == DEFECT) & up).astype(np.int64)
        self.defect = t == DEFECT
        self.tissue_mask = (t == DEFECT) | (t == CARTILAGE)

        self.fields = np.zeros((len(FIELD_NAMES), ny, nx))
        d0 = self.drivers.at(0.0)
        for f, name in enumerate(FIELD_NAMES):
            self.fields[f][t == FLUID] = d0[name] if name in d0 else 0.0
        self.hyal = np.where(t == CARTILAGE, 1.0, 0.0)
        self.fibr = np.zeros((ny, nx))
        self.counts = np.zeros((3, ny, nx), dtype=np.int64)
        self.src = np.zeros_like(self.fields)
        self.vp = np.zeros((ny * nx, K.N_VP))
        self._used = np.zeros(ny * nx, dtype=np.int64)
        self.stats = np.zeros(K.N_STATS, dtype=np.int64)
        self.cum_stats = np.zeros(K.N_STATS, dtype=np.int64)
        self._place_initial_cells(initial_msc_per_mm3, microfracture, marrow_per_mm3)
        self.step_index = 0

    # -- set-up --------------------------------------------------------------------------------
    def _place_initial_cells(self, msc_density, microfracture, marrow_density):
        g, vol = self.geometry, self.geometry.voxel_volume_mm3
        ny, nx = g.shape
        t = self.tissue
        kinds, ys, xs = [], [], []
        bottom = g.fluid_rows + g.n_defect_rows
        for i in range(ny):
            for j in range(nx):
                v = i * nx + j
                if t[i, j] == CARTILAGE:
                    plan = [(K.CHONDRO, self.params["rho_chondro_ref"])]
                elif t[i, j] == DEFECT:
                    plan = [(K.MSC, msc_density)]
                    if microfracture and i >= bottom - 3:
                        plan.append((K.MARROW, marrow_density))
                else:
                    continue
                here = 0
                for kind, rho in plan:
                    n = min(poisson(rho * vol, self.seed, 0, v * 3 + kind, P_INIT),
                            self.cap - here)
                    here += n
                    kinds += [kind] * n
                    ys += [i] * n
                    xs += [j] * n
        n = len(kinds)
        self._alloc(max(1024, 2 * n))
        self.n = n
        self.ids[:n] = np.arange(n)
        self.kind[:n] = kinds
        self.iy[:n] = ys
        self.ix[:n] = xs
        self.next_id = n

    def _alloc(self, size):
        old = getattr(self, "ids", None)
        new = [np.zeros(size, dtype=np.int64) for _ in range(4)]
        if old is not None:
            for dst, src in zip(new, (self.ids, self.kind, self.iy, self.ix)):
                dst[: self.n] = src[: self.n]
        self.ids, self.kind, self.iy, self.ix = new
        self._out = [np.zeros(size, dtype=np.int64) for _ in range(4)]
        self._action = np.zeros(size, dtype=np.int64)
        self._target = np.zeros(size, dtype=np.int64)

    # -- stepping -------------------------------------------------------------------------------
    @property
    def t(self) -> float:
        """Current time, days."""
        return self.step_index * self.dt

    def _multipliers(self, drv):
        s = drv["scaffold"]
        p = self.params
        return 1.0 + s * (p["rel_diff_scaffold"] - 1.0), 1.0 + s * (p["rel_adhesion_scaffold"] - 1.0)

    def step(self) -> None:
        """Advance by one step of ``dt`` days."""
        drv = self.drivers.at(self.t)
        diff_mult, adh_mult = self._multipliers(drv)
        n = self.n
        K.count_cells(n, self.kind, self.iy, self.ix, self.counts)
        K.voxel_update(self.counts, self.tissue, self.fields, self.hyal, self.fibr, self.kp,
                       self.src)
        c_fluid = [0.0 if f == "sdf" else drv[f] for f in FIELD_NAMES]
        self.solver.step(self.fields, self.src, c_fluid, self.dt, self.n_substeps)
        mean_arrivals = drv["msc_influx"] * self.geometry.slice_fraction * self.dt
        n_arr = poisson(mean_arrivals, self.seed, self.step_index, 0, P_ARRIVAL_N)
        if 2 * n + n_arr > self.ids.shape[0]:  # room for every daughter and arrival
            self._alloc(2 * (2 * n + n_arr))
        K.voxel_rates(self.counts, self.tissue, self.fields, self.hyal, self.fibr, self.mouth,
                      self.kp, diff_mult, adh_mult, self.vp)
        K.propose(n, self.ids, self.kind, self.iy, self.ix, self.tissue, self.counts, self.cap,
                  self.vp, self.seed, self.step_index, self._action, self._target)
        p_attach = min(1.0, self.params["p_adhesion"] * adh_mult)
        oi, ok, oy, ox = self._out
        m, self.next_id = K.resolve(n, self.ids, self.kind, self.iy, self.ix, self._action,
                                    self._target, self.counts, self.cap, self.mouth_idx, n_arr,
                                    p_attach, self.seed, self.step_index, self.next_id,
                                    self._used, oi, ok, oy, ox, self.stats)
        self._out = [self.ids, self.kind, self.iy, self.ix]
        self.ids, self.kind, self.iy, self.ix = oi, ok, oy, ox
        self.n = m
        self.cum_stats += self.stats
        self.step_index += 1

    # -- observables ------------------------------------------------------------------------------
    def agents(self) -> dict[str, np.ndarray]:
        """Copies of the live agents: ``id``, ``kind`` (index into CELL_KINDS), ``iy``, ``ix``."""
        n = self.n
        return {"id": self.ids[:n].copy(), "kind": self.kind[:n].copy(),
                "iy": self.iy[:n].copy(), "ix": self.ix[:n].copy()}

    def summary(self) -> dict[str, float]:
        """Current values of :data:`SERIES_NAMES`."""
        d = self.defect
        h, f = self.hyal[d].sum(), self.fibr[d].sum()
        kinds = self.kind[: self.n]
        in_defect = d[self.iy[: self.n], self.ix[: self.n]]
        out = {
            "defect_fill": float((h + f) / max(1, d.sum())),
            "repair_quality": float(h / (h + f)) if h + f > 0 else 0.0,
            "mean_matrix": float((self.hyal + self.fibr)[self.tissue_mask].mean()),
            "n_msc": float(np.count_nonzero(kinds == K.MSC)),
            "n_chondrocyte": float(np.count_nonzero(kinds == K.CHONDRO)),
            "n_marrow": float(np.count_nonzero(kinds == K.MARROW)),
            "n_cells_defect": float(np.count_nonzero(in_defect)),
        }
        for i, name in enumerate(FIELD_NAMES):
            out[f"{name}_defect"] = float(self.fields[i][d].mean())
        for i, name in enumerate(K.STAT_NAMES):
            out[f"cum_{name}"] = float(self.cum_stats[i])
        return out

    def snapshot(self) -> dict:
        """Fields, matrix and agents now (copies)."""
        return {"t": self.t, "fields": self.fields.copy(), "hyaline": self.hyal.copy(),
                "fibrous": self.fibr.copy(), **{f"agent_{k}": v for k, v in self.agents().items()}}

    def run(self, days: float, *, record_every_days: float = 1.0,
            snapshot_days=()) -> LesionResult:
        """Run for ``days`` and return a :class:`LesionResult`.

        Parameters
        ----------
        days : float
            Simulated time, days (rounded to whole steps).
        record_every_days : float
            Interval of the summary time series, days (rounded to whole steps).
        snapshot_days : sequence of float
            Times (days) at which fields, matrix and agents are stored.
        """
        if not (math.isfinite(days) and days >= 0):
            raise ValueError(f"'days' must be a finite number >= 0, got {days!r}")
        if not (math.isfinite(record_every_days) and record_every_days > 0):
            raise ValueError(f"'record_every_days' must be > 0, got {record_every_days!r}")
        n_steps = int(round(days / self.dt))
        every = max(1, int(round(record_every_days / self.dt)))
        snap_steps = sorted({int(round(s / self.dt)) for s in snapshot_days
                             if 0 <= s <= days + 1e-9})
        times, rows, snaps = [], [], []
        wall0 = _time.perf_counter()
        agent_updates = 0
        for k in range(n_steps + 1):
            if k % every == 0 or k == n_steps:
                times.append(self.t)
                rows.append(self.summary())
            if snap_steps and k == snap_steps[0]:
                snaps.append(self.snapshot())
                snap_steps.pop(0)
            if k < n_steps:
                agent_updates += self.n
                self.step()
        wall = _time.perf_counter() - wall0
        series = {name: np.array([r[name] for r in rows]) for name in SERIES_NAMES}
        return LesionResult(
            times=np.array(times), series=series, snapshots=tuple(snaps),
            geometry=self.geometry, params=self.params, drivers=self.drivers,
            settings={"seed": self.seed, "dt_days": self.dt,
                      "n_substeps": int(self.n_substeps), "capacity_per_voxel": int(self.cap),
                      "days": float(days)},
            provenance={"wall_s": wall, "agent_updates": int(agent_updates),
                        "steps": int(n_steps)},
            tissue=self.tissue.copy())


def simulate_lesion(geometry: LesionGeometry | None = None, params=None,
                    drivers: LesionDrivers | None = None, *, days: float = 30.0,
                    record_every_days: float = 1.0, snapshot_days=(), **options) -> LesionResult:
    """Run the lesion model once.

    Parameters
    ----------
    geometry : LesionGeometry, optional
        Lattice and defect (default :class:`LesionGeometry`).
    params : LesionParams or mapping, optional
        Parameter values or overrides of the defaults.
    drivers : LesionDrivers, optional
        Joint-fluid levels, MSC influx and scaffold over time (default: healthy, no influx).
    days : float
        Duration [days].
    record_every_days : float
        Spacing of the recorded series [days].
    snapshot_days : sequence of float
        Days at which fields, matrix and agents are stored.
    **options
        Passed to :class:`LesionSimulation` (seed, step, capacity, initial cells).

    Returns
    -------
    LesionResult
        Series float64[T] at the recording times, and the snapshots.
    """
    simulation = LesionSimulation(geometry, params, drivers, **options)
    return simulation.run(days, record_every_days=record_every_days, snapshot_days=snapshot_days)
