"""Two-way coupling of the lesion model with the joint-scale knee model (operator splitting).

One virtual patient drives both models. Time is cut into windows of ``window_days``; in each
window ``[a, b)``:

1. the joint model (:func:`sim.model.rhs.rhs`) is integrated from its state at ``a`` with the
   dose events of ``[a, b)`` (an event exactly at ``b`` belongs to the next window, so every
   reported state is right-continuous: a jump at ``b`` shows in the state reported at ``b``);
2. its joint-fluid IL-1beta, IL-1Ra, TGF-beta, free MSCs and scaffold, sampled at every lesion
   step, become the lesion's drivers (:func:`sim.lesion.coupling.drivers_from_joint`);
3. the one :class:`~sim.lesion.lesion_simulation.LesionSimulation` of the run (agents, fields and
   matrix persist across windows) steps from ``a`` to ``b``;
4. the lesion's defect fill and hyaline share at ``b`` replace the joint model's repair states.

Geometry of the write-back
--------------------------
The joint model's ``repair_tissue`` and ``repair_hyaline`` are fractions of the whole
(tibiofemoral) cartilage volume; the lesion's ``defect_fill`` is a fraction of the defect
volume. With cartilage of uniform thickness the defect occupies
``defect_area_fraction * depth_fraction`` of that volume, where ``depth_fraction`` is the
defect depth over the cartilage thickness of the lattice (1 for a full-thickness defect), so::

    repair_tissue  = defect_area_fraction * depth_fraction * defect_fill
    repair_hyaline = repair_tissue * repair_quality

Default defect size: a 12 mm round clinical defect (the lesion model's clinical preset,
pi * 0.6^2 = 1.13 cm^2) on 40 cm^2 of tibiofemoral cartilage (assumed: the order of MRI plate
areas of both tibial plateaus plus the weight-bearing femoral condyles in adults, about
8-12 cm^2 each; values not extracted), i.e. ``defect_area_fraction = 0.0283``.

Which joint terms are replaced (no double counting)
---------------------------------------------------
The joint model's deposition term (``mech_differentiation * k_repair * ...``) is the lumped
description of the very process the lesion resolves: MSC-derived cells filling lost cartilage
volume. Keeping it on would count the injected cells' repair twice, so the coupled run sets
``mech_differentiation = 0`` in the joint parameter vector: all repair tissue comes from the
lesion (a patient's own ``mech_differentiation`` value is therefore not used; lesion
differentiation is set by lesion parameters such as ``t_diff``). The switch gates deposition
only (see :mod:`sim.model.rhs`), so MSC homing, secretome, immunomodulation and the
differentiated-cell pool of the joint model are unchanged.
Within a window the joint model carries the written repair forward under its own degradation
term (``k_col * repair``), and the next write replaces it; the degradation that accumulates is
therefore the lesion's (``k_degrade``, ``k_degrade_il1``). The written repair feeds back on the
joint through ``1 - collagen - repair_tissue`` (wear debris, damage-driven homing) and CTX-II.

Splitting error
---------------
Between writes the joint model sees the repair of the previous window end (sample and hold),
so the feedback lags by half a window on average: the error is first order in
``window_days``. On a 60-day run with two MSC injections, the feedback effect of the lesion on
joint-fluid IL-1beta, fragments and M1 macrophages at day 60 (two-way minus one-way) is
reproduced to within 1% with 2-day windows, 4-5% with 5-day, 10-13% with 10-day, 15-22%
with 15-day and 44-51% with 30-day windows (relative to 1-day windows), while a window costs the
joint solver ~1 ms, little next to the lesion steps it spans. Hence the default of 1-day windows;
the lesion's own trajectory hardly depends on the window (defect fill within 3e-5).

What remains approximate: diffuse repair outside the focal defect is not represented; the MSCs
that reach the defect (``k_reach`` ~ 1e-3/day of the free pool, under 2% of the free-pool loss
rate) are not subtracted from the joint's free pool; a defect in a knee whose ``collagen``
shows no loss (KL 0) adds repair on top of an intact joint-scale cartilage.
"""

from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from sim.engine.compiled import KNEE
from sim.lesion.coupling import drivers_from_joint, lesion_params_from_patient
from sim.lesion.drivers import LesionDrivers
from sim.lesion.geometry import LesionGeometry
from sim.lesion.lesion_parameters import LesionParams
from sim.lesion.lesion_simulation import DEFAULT_DT_DAYS, LesionSimulation
from sim.model.parameters import PARAMETER_INDEX
from sim.model.patient import Patient
from sim.model.states import N_STATES, STATE_NAMES, state_index
from sim.regimen import Regimen
from sim.result import Result
from sim.simulation import DEFAULT_OPTIONS, build_inputs
from sim.solver import SolverOptions

__all__ = ["run_two_way", "TwoWayResult", "TwoWayError", "split_vector",
           "DEFAULT_DEFECT_AREA_FRACTION", "TIBIOFEMORAL_CARTILAGE_AREA_CM2",
           "DEFAULT_DEFECT_DIAMETER_MM"]

#: Clinical defect diameter, mm (the lesion model's :meth:`LesionGeometry.clinical` preset).
DEFAULT_DEFECT_DIAMETER_MM = 12.0
#: Tibiofemoral cartilage surface area, cm^2 (assumed; see the module docstring).
TIBIOFEMORAL_CARTILAGE_AREA_CM2 = 40.0
#: Share of the joint model's cartilage area taken by the default defect (0.0283).
DEFAULT_DEFECT_AREA_FRACTION = math.pi * (DEFAULT_DEFECT_DIAMETER_MM / 20.0) ** 2 \
    / TIBIOFEMORAL_CARTILAGE_AREA_CM2

_I_REP, _I_HYAL = state_index("repair_tissue"), state_index("repair_hyaline")
_P_DIFF = PARAMETER_INDEX["mech_differentiation"]
_DRIVER_STATES = ("il1b", "il1ra", "tgfb", "msc_free", "scaffold")
_LESION_KEPT = ("defect_fill", "repair_quality", "mean_matrix", "n_msc", "n_chondrocyte",
                "n_marrow", "n_cells_defect")


class TwoWayError(ValueError):
    """An argument of the coupled run is invalid (names the argument and what is allowed)."""


def split_vector(vector: Mapping[str, float]) -> tuple[dict[str, float], LesionParams]:
    """Split one virtual-patient vector into joint overrides and lesion parameters.

    Keys ``lesion.<name>`` are lesion parameters; all others are joint-model parameters
    (validated when given to :class:`sim.Patient`).

    Parameters
    ----------
    vector : mapping of str to float
        Parameter name -> value, each in its table's unit.

    Returns
    -------
    joint : dict of str to float
        Joint-model overrides.
    lesion : LesionParams
        Lesion parameters (defaults where the vector has none).
    """
    joint = {k: float(v) for k, v in vector.items() if not k.startswith("lesion.")}
    return joint, lesion_params_from_patient({k: v for k, v in vector.items()
                                              if k.startswith("lesion.")} or None)


@dataclass(frozen=True)
class TwoWayResult:
    """Trajectories of one coupled joint + lesion run, on a common daily grid.

    Attributes
    ----------
    times : float64 (T,)
        Output days (0 = first intervention); right-continuous (after jumps and write-back).
    state_names : tuple of str
        Joint-model state names (columns of ``states``).
    states : float64 (T, n_states)
        Joint-model states (units in :data:`sim.STATES`); NaN after a solver failure.
    lesion : dict of str to float64 (T,)
        Lesion series at ``times``: ``defect_fill``, ``repair_quality``, cell counts.
    drivers : dict of str to float64 (T,)
        Drivers the lesion saw at ``times`` (``il1``, ``anti``, ``tgfb``, ``msc_influx``,
        ``scaffold``); at the last time, the left limit (before any jump at that day).
    window_ends : float64 (W,)
        Days at which lesion output was written into the joint state.
    repair_written, hyaline_written : float64 (W,)
        Values written into ``repair_tissue`` and ``repair_hyaline`` (fraction of cartilage
        volume).
    joint_parameters : float64 (m,)
        Joint parameter vector used (``mech_differentiation`` = 0, see module docstring).
    lesion_params : LesionParams
    settings, provenance : mapping
        Inputs that define the run; wall time and solver statistics.
    status : str
        ``"ok"`` or the joint solver's message (outputs NaN from the failed window on).
    status_code : int
        The joint solver's :class:`sim.solver.status.Status` code (0 = success).
    covariates : mapping
        Patient covariates (as in :attr:`sim.Result.covariates`, one value each).
    """

    times: np.ndarray
    state_names: tuple[str, ...]
    states: np.ndarray
    lesion: Mapping[str, np.ndarray]
    drivers: Mapping[str, np.ndarray]
    window_ends: np.ndarray
    repair_written: np.ndarray
    hyaline_written: np.ndarray
    joint_parameters: np.ndarray
    lesion_params: LesionParams
    settings: Mapping[str, Any] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    status: str = "ok"
    status_code: int = 0
    covariates: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        for name in ("times", "states", "window_ends", "repair_written", "hyaline_written",
                     "joint_parameters"):
            arr = np.array(getattr(self, name), dtype=np.float64, copy=True)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        for name in ("lesion", "drivers", "settings", "provenance", "covariates"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def state(self, name: str) -> np.ndarray:
        """Trajectory of one joint-model state.

        Parameters
        ----------
        name : str
            One of :attr:`state_names`.

        Returns
        -------
        float64 (T,)
            On :attr:`times` (days), in the state's unit.

        Raises
        ------
        TwoWayError
            For an unknown state (the message lists the allowed ones).
        """
        if name not in self.state_names:
            raise TwoWayError(f"unknown state {name!r}; allowed: {', '.join(self.state_names)}")
        return self.states[:, self.state_names.index(name)]

    def joint_result(self) -> Result:
        """The joint trajectories as a one-patient :class:`sim.Result` (for ``sim.observe``)."""
        return Result(times=self.times, state_names=self.state_names, states=self.states[None],
                      parameters=self.joint_parameters[None], covariates=self.covariates,
                      regimens=(str(self.settings.get("regimen", "")),),
                      status=np.array([self.status_code]), messages=(self.status,),
                      provenance={**self.settings, **self.provenance})


def _events_in(ev, lo: float, hi: float, *, closed: bool = False):
    """Events with ``lo <= t < hi`` (``<= hi`` if ``closed``), as solver arrays or Nones."""
    t = ev[0][0]
    keep = np.flatnonzero((t >= lo) & ((t <= hi) if closed else (t < hi)))
    if keep.size == 0:
        return (None,) * 4
    return tuple(np.ascontiguousarray(a[:, keep]) for a in ev)


def _positive(name: str, value, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool) \
        and math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise TwoWayError(f"{name!r} must be a finite number {'>= 0' if allow_zero else '> 0'}, "
                          f"got {value!r}")
    return float(value)


def _steps(span: float, dt_days: float, name: str) -> int:
    n = int(round(span / dt_days))
    if abs(n * dt_days - span) > 1e-9 * max(1.0, span):
        raise TwoWayError(f"{name!r} = {span:g} days is not a whole number of lesion steps "
                          f"({dt_days:g} day)")
    return n


def run_two_way(patient: Patient, regimen: Regimen | str, *, days: float,
                window_days: float = 1.0, geometry: LesionGeometry | None = None,
                lesion_params=None, defect_area_fraction: float = DEFAULT_DEFECT_AREA_FRACTION,
                k_reach: float = 1e-3, seed: int = 0, options: SolverOptions | None = None,
                run_in: float = 180.0, record_every_days: float = 1.0, dt_days: float = DEFAULT_DT_DAYS,
                lesion_options: Mapping[str, Any] | None = None,
                write_back: bool = True) -> TwoWayResult:
    """Run the joint model and the lesion model together, exchanging state every window.

    Parameters
    ----------
    patient : sim.Patient
        The virtual knee (joint parameters; see :func:`split_vector` for one flat vector).
    regimen : str or Regimen
        Treatment (grammar of :mod:`sim.regimen`); events before day 0 fall in the run-in.
    days : float
        Coupled duration from day 0, days (a whole number of lesion steps).
    window_days : float
        Exchange interval, days (a whole number of lesion steps); the last window may be
        shorter. The coupling error is first order in it (module docstring).
    geometry : LesionGeometry, optional
        Lesion lattice; default :meth:`LesionGeometry.clinical`.
    lesion_params : LesionParams or mapping, optional
        Lesion parameters: a mapping with ``lesion.<name>`` keys, or bare lesion names.
    defect_area_fraction : float
        Defect area over the joint model's cartilage area, in (0, 1]
        (default :data:`DEFAULT_DEFECT_AREA_FRACTION`).
    k_reach : float
        Share of the joint's free MSCs reaching the defect surface per day, 1/day (assumed).
    seed : int
        Seed of the lesion's counter-based random streams.
    options : SolverOptions, optional
        Joint solver settings (default :data:`sim.simulation.DEFAULT_OPTIONS`).
    run_in : float
        Untreated (uncoupled) days of the joint model before day 0, as in :func:`sim.simulate`.
    record_every_days : float
        Output spacing, days (a whole number of lesion steps).
    dt_days : float
        Lesion step, days (default one hour); the joint output driving the lesion is sampled
        at every step.
    lesion_options : mapping, optional
        Further :class:`LesionSimulation` options (``initial_msc_per_mm3``, ``microfracture``,
        ``marrow_per_mm3``, ``n_substeps``).
    write_back : bool
        Write the lesion's repair into the joint state (two-way). ``False`` gives the one-way
        run (joint -> lesion only; the joint then carries no repair tissue at all), the
        reference against which the feedback is measured; ``repair_written`` still holds the
        lesion-derived values.

    Returns
    -------
    TwoWayResult
    """
    wall0 = _time.perf_counter()
    if not isinstance(patient, Patient):
        raise TwoWayError(f"'patient' must be a sim.Patient, got {type(patient).__name__}")
    regimen = regimen if isinstance(regimen, Regimen) else Regimen.parse(regimen)
    days = _positive("days", days)
    window_days = _positive("window_days", window_days)
    run_in = _positive("run_in", run_in, allow_zero=True)
    k_reach = _positive("k_reach", k_reach, allow_zero=True)
    area = _positive("defect_area_fraction", defect_area_fraction)
    if area > 1.0:
        raise TwoWayError(f"'defect_area_fraction' must lie in (0, 1], got {area!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TwoWayError(f"'seed' must be an integer, got {seed!r}")
    geometry = LesionGeometry.clinical() if geometry is None else geometry
    if not isinstance(geometry, LesionGeometry):
        raise TwoWayError(f"'geometry' must be a LesionGeometry, got {type(geometry).__name__}")
    lparams = lesion_params_from_patient(lesion_params)
    dt_days = _positive("dt_days", dt_days)
    n_total = _steps(days, dt_days, "days")
    every = _steps(_positive("record_every_days", record_every_days), dt_days,
                   "record_every_days")
    n_win = _steps(window_days, dt_days, "window_days")
    lesion_options = dict(lesion_options or {})
    clash = sorted(set(lesion_options) & {"dt_days", "seed", "geometry", "params", "drivers"})
    if clash:
        raise TwoWayError(f"'lesion_options' must not set {clash}: they are arguments of "
                          f"run_two_way (or set by the coupling)")
    opts = options or DEFAULT_OPTIONS
    depth_fraction = geometry.n_defect_rows / geometry.n_cartilage_rows
    scale = area * depth_fraction

    # Same start as sim.simulate: the run-in covers pre-treatment events and inductions.
    species = patient.species_preset
    first = min(regimen.first_day if regimen.first_day is not None else 0.0, 0.0)
    inductions = [species.induction_day] if species.induction != "none" else []
    t0 = min([-run_in, first] + inductions) - (1.0 if inductions or first < -run_in else 0.0)
    y0, p, ev = build_inputs([patient], [regimen], t0)
    p[0, _P_DIFF] = 0.0  # the lesion supplies all repair (module docstring)
    n_solver_steps = 0
    codes: list[int] = []

    def solve(y, a, t_out, events):
        nonlocal n_solver_steps
        sol = KNEE.solve_ensemble(y[None, :], p, *events, t_out=t_out, t0=a, options=opts)
        n_solver_steps += int(sol.n_steps[0])
        codes.append(int(sol.status[0]))
        return sol.y[0], (None if sol.ok[0] else sol.messages()[0])

    y = y0[0].copy()
    status = "ok"
    if t0 < 0.0:
        out, err = solve(y, t0, np.array([0.0]), _events_in(ev, t0, 0.0))
        y, status = out[-1].copy(), err or "ok"

    n_grid = n_total // every + 1 + (1 if n_total % every else 0)
    grid_steps = np.minimum(np.arange(n_grid) * every, n_total)
    times = grid_steps * dt_days
    states = np.full((n_grid, N_STATES), np.nan)
    lesion_rows = {name: np.full(n_grid, np.nan) for name in _LESION_KEPT}
    driver_rows = {name: np.full(n_grid, np.nan) for name in ("il1", "anti", "tgfb",
                                                                "msc_influx", "scaffold")}
    ends, written, hyal_written = [], [], []
    lesion = None
    k = 0  # lesion step reached
    g = 0  # next grid row to fill
    while k < n_total and status == "ok":
        k_end = min(k + n_win, n_total)
        a, b = k * dt_days, k_end * dt_days
        step_t = np.arange(k, k_end + 1) * dt_days
        out, err = solve(y, a, step_t, _events_in(ev, a, b))
        if err is not None:
            status = f"joint solver failed in window [{a:g}, {b:g}) days: {err}"
            break
        # Clip the integrator's undershoot (of order atol) below zero: drivers are >= 0.
        series = {name: np.clip(out[:, state_index(name)], 0.0, None) for name in _DRIVER_STATES}
        sc = series["scaffold"]
        drivers = drivers_from_joint(step_t, series, k_reach=k_reach, scaffold=sc / (1.0 + sc))
        if lesion is None:
            lesion = LesionSimulation(geometry, lparams, drivers, dt_days=dt_days, seed=seed,
                                      **lesion_options)
        lesion.drivers = drivers
        for j in range(k, k_end):
            if g < n_grid and grid_steps[g] == j:
                states[g] = out[j - k]
                _record(lesion, drivers, j * dt_days, g, lesion_rows, driver_rows)
                g += 1
            lesion.step()
        k = k_end
        summary = lesion.summary()
        y = out[-1].copy()
        repair = scale * summary["defect_fill"]
        hyaline = repair * summary["repair_quality"]
        if write_back:
            y[_I_REP], y[_I_HYAL] = repair, hyaline
        ends.append(b)
        written.append(repair)
        hyal_written.append(hyaline)

    if status == "ok":  # right-continuous final state: jumps at ``days`` applied
        final_ev = _events_in(ev, days, days, closed=True)
        if final_ev[0] is not None:
            out, err = solve(y, days, np.array([days]), final_ev)
            status = "ok" if err is None else f"joint solver failed at day {days:g}: {err}"
            y = out[-1].copy() if err is None else np.full(N_STATES, np.nan)
        states[g] = y
        _record(lesion, lesion.drivers, days, g, lesion_rows, driver_rows)

    settings = {"seed": int(seed), "days": days, "window_days": window_days,
                "dt_days": dt_days, "record_every_days": float(record_every_days),
                "run_in_days": run_in, "t0": float(t0), "k_reach": k_reach,
                "defect_area_fraction": area, "depth_fraction": float(depth_fraction),
                "regimen": str(regimen), "write_back": bool(write_back), "replaced_joint_terms":
                "mech_differentiation=0; repair_tissue, repair_hyaline written at window ends",
                **{f"geometry_{key}": ("None" if v is None else v)
                   for key, v in geometry.to_dict().items()}}
    prov = {"wall_s": _time.perf_counter() - wall0, "joint_solver_steps": n_solver_steps,
            "lesion_steps": int(k), "solver_method": opts.method, "solver_rtol": opts.rtol}
    return TwoWayResult(times=times, state_names=STATE_NAMES, states=states,
                        lesion=lesion_rows, drivers=driver_rows, window_ends=np.array(ends),
                        repair_written=np.array(written), hyaline_written=np.array(hyal_written),
                        joint_parameters=p[0], lesion_params=lparams, settings=settings,
                        provenance=prov, status=status,
                        status_code=max(codes, default=0) if status != "ok" else 0,
                        covariates={"species": np.array([patient.species]),
                                    "kl_grade": np.array([patient.kl_grade]),
                                    **{c: np.array([float(getattr(patient, c))]) for c in
                                       ("age", "bmi", "alignment_load", "inflammation")}})


def _record(lesion: LesionSimulation, drivers: LesionDrivers, t: float, g: int,
            lesion_rows: dict, driver_rows: dict) -> None:
    s = lesion.summary()
    for name in lesion_rows:
        lesion_rows[name][g] = s[name]
    for name, v in drivers.at(t).items():
        driver_rows[name][g] = v
