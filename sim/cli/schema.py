"""Structured-config schemas of the Hydra apps: a typo in a key fails at composition time.

``base_run`` is the schema of ``sim-run`` (``configs/run/config.yaml``), ``base_calibrate`` that of
``sim-calibrate`` (``configs/calibration/config.yaml``); ``sim-trial``'s ``base_trial`` lives in
:mod:`sim.cli.trial_app`. Each primary config names its schema first in its defaults list, so the
YAML stays the source of the values, and a misspelt key in a YAML file or on the command line
(``n_walker=40``) fails with Hydra's error naming the key (``Key 'n_walker' not in
'CalibrateConf'``). A value of the wrong type (``n_walkers=many``) fails there too. Hydra's
``+key=value`` adds a key past a schema; :func:`check_added_keys` lets an app with no open table
(``sim-calibrate``) refuse it before any work.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore

from sim.lesion.lesion_parameters import PARAMETERS as _LESION_PARAMETERS
from sim.model.patient import Patient


@dataclass
class PathsConf:
    """``paths``: where the apps write (relative to the folder an app is started in).

    Attributes
    ----------
    runs : str
        Parent of single-run folders (``<runs>/<date>/<time>``).
    multiruns : str
        Parent of Hydra multirun folders other than sweeps.
    sweeps : str
        Parent of sweep stores (``<sweeps>/<sweep name>``).
    """

    runs: str = "outputs"
    multiruns: str = "multirun"
    sweeps: str = "sweeps"


@dataclass
class SweepConf:
    """``sweep``: a grid evaluated as a Hydra multirun over chunks (``configs/sweep/_common.yaml``).

    Attributes
    ----------
    name : str
        Name of the sweep (its store folder).
    axes : dict
        Dotted config key -> list of values, nested or flat (``{sweep: {vars: {cells: [...]}}}``).
    vars : dict
        Free sweep variables that other values interpolate (``${sweep.vars.cells}``).
    tables : dict
        Lookup tables the interpolations index with a variable
        (``${sweep.tables.adjuvants.${sweep.vars.adjuvant}}``).
    chunk_size : int
        Grid points per job [points].
    chunk : int
        This job's chunk (swept by ``hydra.sweeper.params``).
    store : str
        Store folder; a rerun resumes there.
    retry_failed : bool
        Evaluate again the points recorded as failed.
    hash_exclude : list of str
        Run-specific keys left out of point hashes.
    """

    name: str = "???"
    axes: Dict[str, Any] = field(default_factory=dict)
    vars: Dict[str, Any] = field(default_factory=dict)
    tables: Dict[str, Any] = field(default_factory=dict)
    chunk_size: int = 50
    chunk: int = 0
    store: str = "${paths.sweeps}/${sweep.name}"
    retry_failed: bool = False
    hash_exclude: List[str] = field(default_factory=list)


@dataclass
class MechanismsConf:
    """``model.mechanisms``: each MSC mechanism on (true) or off (false)."""

    differentiation: bool = True
    paracrine: bool = True
    immunomodulation: bool = True
    homing: bool = True


@dataclass
class ModelConf:
    """``model``: mechanism switches and parameter overrides (name -> value in the parameter's unit)."""

    mechanisms: MechanismsConf = field(default_factory=MechanismsConf)
    parameters: Dict[str, float] = field(default_factory=dict)  # names checked by sim.model


@dataclass
class PatientConf:
    """``patient``: species, KL grade, age [years], BMI [kg/m^2], alignment load and inflammation [multipliers]."""

    # Defaults are the Patient object's own, so the config and the Python API agree.
    species: str = Patient.species
    kl_grade: int = Patient.kl_grade
    age: float = Patient.age
    bmi: float = Patient.bmi
    alignment_load: float = Patient.alignment_load
    inflammation: float = Patient.inflammation


@dataclass
class SolverConf:
    """``solver``: method, tolerances, step limit per trajectory, lockstep lanes on or off."""

    method: str = "rodas4"
    rtol: float = 1e-5
    atol: float = 1e-8
    max_steps: int = 50_000
    lockstep: bool = True


@dataclass
class OutputConf:
    """``output``: folder (relative to the run folder), HDF5 file name, and which extra files to write."""

    dir: str = "."
    file: str = "result.h5"
    png: bool = True
    table: bool = True
    csv: bool = True


@dataclass
class ExperimentConf:
    """``experiment``: arms (label -> regimen); ``t_end``, ``step``, ``run_in``, ``report_days`` in days."""

    name: str = "main"
    question: str = ""
    arms: Dict[str, str] = field(default_factory=dict)
    t_end: float = 730.0
    step: float = 7.0
    run_in: float = 180.0
    report_days: List[float] = field(default_factory=lambda: [182.0, 365.0])
    measures: List[str] = field(default_factory=lambda: ["WOMAC_total", "VAS_pain", "MRI_cartilage_volume"])
    kind: str = "joint"  # "joint" (this model) or "lesion" (agent-based lesion model)


@dataclass
class RunConf:
    """The whole ``sim-run`` config (registered as ``base_run``)."""

    paths: PathsConf = field(default_factory=PathsConf)
    experiment: ExperimentConf = field(default_factory=ExperimentConf)
    model: ModelConf = field(default_factory=ModelConf)
    patient: PatientConf = field(default_factory=PatientConf)
    solver: SolverConf = field(default_factory=SolverConf)
    output: OutputConf = field(default_factory=OutputConf)
    regimen: Optional[str] = None  # a single regimen instead of the experiment's arms
    seed: int = 0
    sweep: Optional[SweepConf] = None  # set by +sweep=<name> (configs/sweep)
    lesion: Dict[str, Any] = field(default_factory=dict)  # the lesion model's config (configs/lesion)


@dataclass
class CalibrateConf:
    """The whole ``sim-calibrate`` config (registered as ``base_calibrate``).

    Defaults equal ``configs/calibration/config.yaml`` (a test checks that they agree).

    Attributes
    ----------
    paths : PathsConf
        Where the app writes (the ``paths`` group).
    n_sim : int
        Virtual patients per cohort [patients] (common random numbers across arms and theta).
    seed : int
        Seed of the cohorts and the sampler [1].
    maxfev : int
        Nelder-Mead evaluations of the point estimate [evaluations].
    n_walkers : int
        emcee walkers [walkers] (even, at least twice the number of parameters).
    n_steps : int
        Total MCMC steps [steps]; a rerun with the same ``out_dir`` resumes from ``chain.h5``.
    burn : float
        Fraction of steps discarded [1].
    max_draws : int
        Posterior draws kept [draws].
    n_draws_report : int
        Draws used for the fit report's prediction intervals [draws].
    checkpoint_every : int
        Steps between checkpoints of ``chain.h5`` [steps].
    use_pooled : bool
        Also fit the pooled rows (false: trial rows only).
    out_dir : str
        Output folder, relative to the Hydra run folder.
    start_chain : str or None
        A previous run's ``chain.h5`` or a ``posterior.h5`` of draws to warm-start from.
    moves : str
        emcee proposal: ``stretch`` or ``de`` (differential evolution 0.8 + snooker 0.2).
    findings_weight : float
        Weight of the seed findings' soft constraints in the log posterior [1]; 0 leaves it out.
    findings_pool : int
        Patients per arm simulated for the findings term [patients].
    findings_report : bool
        Print the findings term for the shipped calibration, then stop.
    """

    paths: PathsConf = field(default_factory=PathsConf)
    n_sim: int = 12
    seed: int = 2024
    maxfev: int = 400
    n_walkers: int = 34
    n_steps: int = 60
    burn: float = 0.5
    max_draws: int = 200
    n_draws_report: int = 20
    checkpoint_every: int = 5
    use_pooled: bool = False
    out_dir: str = "."
    start_chain: Optional[str] = None
    moves: str = "stretch"
    findings_weight: float = 0.0
    findings_pool: int = 16
    findings_report: bool = False


# --- the lesion model's config groups (configs/lesion/*), placed under ``lesion.*`` by an experiment --
# Each option of a group names its group's schema first in its own defaults list. Defaults are the
# values the lesion builder (sim.lesion.config) uses when a key is left out, so a schema default
# never changes a run; null in a geometry field means "the preset's value".


@dataclass
class LesionGeometryConf:
    """``lesion.geometry`` (group ``lesion/geometry``, schema ``base_geometry``): lattice and defect.

    Attributes
    ----------
    preset : str or None
        ``small`` or ``clinical`` (:class:`sim.lesion.LesionGeometry` presets); null: no preset.
    width_mm : float or None
        Lattice width [mm].
    defect_width_mm : float or None
        Defect width [mm].
    cartilage_thickness_mm : float or None
        Native cartilage thickness [mm].
    defect_depth_mm : float or None
        Defect depth [mm]; null: full thickness.
    bone_depth_mm : float or None
        Subchondral bone rows below the cartilage [mm].
    dx_um : float or None
        Voxel size [um].
    fluid_rows : int or None
        Joint-fluid rows above the surface [voxels].

    The other fields default to null: the preset's value (or the :class:`sim.lesion.LesionGeometry`
    default when there is no preset).
    """

    preset: Optional[str] = None
    width_mm: Optional[float] = None
    defect_width_mm: Optional[float] = None
    cartilage_thickness_mm: Optional[float] = None
    defect_depth_mm: Optional[float] = None
    bone_depth_mm: Optional[float] = None
    dx_um: Optional[float] = None
    fluid_rows: Optional[int] = None


@dataclass
class LesionInjectionsConf:
    """``lesion.drivers`` of kind ``injections`` (group ``lesion/treatment``, schema ``base_injections``).

    Attributes
    ----------
    kind : str
        ``injections``.
    doses : list of float
        Cells per injection [cells].
    times : list of float
        Injection times [days].
    k_loss : float
        Loss rate of free MSCs from the joint [1/day].
    k_reach : float
        Share of the free pool reaching the defect surface per day [1/day].
    il1, anti, tgfb : float
        Joint-fluid levels relative to the healthy reference [1].
    scaffold : float
        Scaffold strength in [0, 1] [1].
    """

    kind: str = "injections"
    doses: List[float] = field(default_factory=lambda: [0.0])
    times: List[float] = field(default_factory=lambda: [0.0])
    k_loss: float = 0.0632
    k_reach: float = 1.0e-3
    il1: float = 1.0
    anti: float = 1.0
    tgfb: float = 1.0
    scaffold: float = 0.0


@dataclass
class LesionConstantConf:
    """``lesion.drivers`` of kind ``constant`` (group ``lesion/treatment``, schema ``base_constant``).

    Attributes
    ----------
    kind : str
        ``constant``.
    il1, anti, tgfb : float
        Joint-fluid levels relative to the healthy reference [1].
    msc_influx : float
        Free MSCs reaching the defect surface [cells/day].
    scaffold : float
        Scaffold strength in [0, 1] [1].
    """

    kind: str = "constant"
    il1: float = 1.0
    anti: float = 1.0
    tgfb: float = 1.0
    msc_influx: float = 0.0
    scaffold: float = 0.0


@dataclass
class LesionRunConf:
    """``lesion.run`` (group ``lesion/run``, schema ``base_lesion_run``): duration, step, records and start.

    Attributes
    ----------
    days : float
        Duration [days].
    dt_days : float
        Time step [days] (one hour is the float nearest 1/24).
    n_substeps : int or None
        Field-solver substeps per step [1]; null: chosen for stability.
    seed : int
        Random seed of the agents [1].
    record_every_days : float
        Spacing of the recorded series [days].
    snapshot_days : list of float or None
        Days of the stored fields and agents [days]; null: the first and the last day.
    initial_msc_per_mm3 : float
        MSCs seeded in the defect at day 0 [cells/mm^3].
    microfracture : bool
        Marrow cells enter a full-thickness defect at day 0.
    marrow_per_mm3 : float
        Marrow-cell density released by microfracture [cells/mm^3].
    """

    days: float = 30.0
    dt_days: float = 1.0 / 24.0
    n_substeps: Optional[int] = None
    seed: int = 0
    record_every_days: float = 1.0
    snapshot_days: Optional[List[float]] = None
    initial_msc_per_mm3: float = 0.0
    microfracture: bool = False
    marrow_per_mm3: float = 2.0e4


#: ``lesion.params`` (schema ``lesion/params/base_params``): one float field per row of the lesion
#: parameter table, defaulting to the table's value (as ``configs/lesion/params/default.yaml`` does).
LesionParamsConf = make_dataclass(
    "LesionParamsConf", [(row[0], float, field(default=float(row[1]))) for row in _LESION_PARAMETERS])
LesionParamsConf.__module__ = __name__
LesionParamsConf.__doc__ = (
    "``lesion.params``: the lesion model's parameters (schema ``lesion/params/base_params``).\n\n"
    "    Attributes\n    ----------\n"
    + "".join(f"    {row[0]} : float\n        {row[5]} [{row[2]}].\n" for row in _LESION_PARAMETERS))


def check_added_keys(cfg: Any, conf: type) -> None:
    """Refuse top-level keys that ``+key=value`` added past the schema ``conf``.

    Parameters
    ----------
    cfg : mapping
        The composed config (without Hydra's own node).
    conf : type
        The schema dataclass, e.g. :class:`CalibrateConf`.

    Raises
    ------
    ValueError
        Naming the first unknown key, the allowed keys and the closest one.
    """
    allowed = [f.name for f in fields(conf)]
    for key in cfg:
        if key not in allowed:
            match = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            close = f"; did you mean {match[0]!r}?" if match else ""
            raise ValueError(f"{key}: no such setting; allowed: {', '.join(allowed)}{close}")


def register() -> None:
    """Store the apps' schemas in Hydra's config store (each primary config's first default).

    ``base_run`` (``sim-run``), ``base_calibrate`` (``sim-calibrate``), and in the lesion groups
    ``lesion/geometry/base_geometry``, ``lesion/treatment/base_injections``,
    ``lesion/treatment/base_constant``, ``lesion/run/base_lesion_run`` and
    ``lesion/params/base_params`` (named by the lesion experiment's defaults list, since the
    params file is the parameter table written out).
    """
    cs = ConfigStore.instance()
    cs.store(name="base_run", node=RunConf)
    cs.store(name="base_calibrate", node=CalibrateConf)
    cs.store(group="lesion/geometry", name="base_geometry", node=LesionGeometryConf)
    cs.store(group="lesion/treatment", name="base_injections", node=LesionInjectionsConf)
    cs.store(group="lesion/treatment", name="base_constant", node=LesionConstantConf)
    cs.store(group="lesion/run", name="base_lesion_run", node=LesionRunConf)
    cs.store(group="lesion/params", name="base_params", node=LesionParamsConf)
