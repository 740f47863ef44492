"""Config -> objects: the one place where composed configs become the plain objects of ``sim``.

Every CLI (``sim-run``, ``sim-trial``, ``sim-calibrate``), the sweep evaluator and the tests
build their patients, experiments, solver options and trial specifications here, so a config
key means the same thing wherever it is read. The functions take any mapping with item access
(an OmegaConf ``DictConfig`` or the plain dict of a resolved sweep point): no Hydra here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.experiment import Experiment, patient_with_model
from sim.model.patient import Patient
from sim.solver import SolverOptions

__all__ = ["RunArms", "calibration_settings", "experiment", "patient", "run_arms", "solver_options",
           "trial_spec"]


def _plain(node: Any) -> Any:
    """A ``DictConfig``/``ListConfig`` as plain containers (resolved); anything else unchanged."""
    try:
        from omegaconf import OmegaConf
    except ImportError:  # the sweep evaluator may run without Hydra's config library
        return node
    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node


def solver_options(solver: Mapping[str, Any]) -> SolverOptions:
    """Solver settings of a ``solver`` config node.

    Parameters
    ----------
    solver : mapping
        Keys ``method`` (e.g. ``"rodas4"``), ``rtol``, ``atol`` (dimensionless tolerances),
        ``max_steps`` (steps per trajectory) and optionally ``lockstep`` (default True: groups of
        patients with equal dose times in SIMD lanes, see :class:`sim.solver.SolverOptions`).

    Returns
    -------
    SolverOptions
        For the knee model, whose right-hand side does not depend on time (``autonomous``).
    """
    return SolverOptions(rtol=solver["rtol"], atol=solver["atol"], max_steps=solver["max_steps"],
                         method=solver["method"], autonomous=True,
                         lockstep=solver.get("lockstep", True))


def patient(patient_cfg: Mapping[str, Any], model: Mapping[str, Any] | None = None) -> Patient:
    """A knee from a ``patient`` node, with the ``model`` node's switches and overrides applied.

    Parameters
    ----------
    patient_cfg : mapping
        ``species``, ``kl_grade``, ``age`` (years), ``bmi`` (kg/m^2), ``alignment_load`` and
        ``inflammation`` (dimensionless multipliers).
    model : mapping, optional
        ``mechanisms`` (name -> bool) and ``parameters`` (name -> value in the parameter's unit).

    Returns
    -------
    Patient
        Validated: unknown species, mechanism or parameter names and out-of-bounds values raise
        ``ValueError`` naming the field and what is allowed.
    """
    base = Patient(patient_cfg["species"], patient_cfg["kl_grade"], float(patient_cfg["age"]),
                   float(patient_cfg["bmi"]), float(patient_cfg["alignment_load"]),
                   float(patient_cfg["inflammation"]))
    model = model or {}
    return patient_with_model(base, dict(model.get("mechanisms", None) or {}),
                              dict(model.get("parameters", None) or {}))


@dataclass(frozen=True)
class RunArms:
    """The arms ``sim-run`` compares and where they came from.

    Attributes
    ----------
    arms : dict of str to str
        Label -> regimen (grammar of :mod:`sim.regimen`).
    name, question : str
        Of the experiment (or of the single ``regimen=`` run).
    field : str
        Config key named in messages about the arms: ``experiment.arms`` or ``regimen``.
    """

    arms: dict[str, str]
    name: str
    question: str
    field: str


def run_arms(cfg: Mapping[str, Any]) -> RunArms:
    """The arms of a ``sim-run`` config: the experiment's, or ``regimen=`` against untreated.

    Raises
    ------
    ValueError
        If ``regimen`` is given but empty (an empty regimen is an error, not the main job).
    """
    ec = cfg["experiment"]
    regimen = cfg.get("regimen", None)
    if regimen is None:
        return RunArms(dict(ec["arms"]), ec["name"], ec["question"], "experiment.arms")
    if not str(regimen).strip():
        raise ValueError("regimen: empty; allowed: product(key=value,...)@day[;...], e.g. "
                         "\"regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'\"")
    return RunArms({"untreated": "none()@0", "regimen": str(regimen)}, "regimen", f"{regimen} vs untreated",
                   "regimen")


def experiment(cfg: Mapping[str, Any], arms: RunArms | None = None) -> Experiment:
    """The :class:`~sim.experiment.Experiment` of a ``sim-run`` config.

    Parameters
    ----------
    cfg : mapping
        Composed ``sim-run`` config (``experiment`` node: ``t_end``, ``step``, ``run_in`` and
        ``report_days`` in days).
    arms : RunArms, optional
        Arms already taken from ``cfg`` (default: :func:`run_arms`).
    """
    arms = run_arms(cfg) if arms is None else arms
    ec = cfg["experiment"]
    return Experiment(arms=arms.arms, name=arms.name, question=arms.question, t_end=float(ec["t_end"]),
                      step=float(ec["step"]), run_in=float(ec["run_in"]),
                      report_days=tuple(float(d) for d in ec["report_days"]))


def trial_spec(cfg: Mapping[str, Any], explicit: frozenset[str] | set[str] = frozenset()):
    """A :class:`~sim.trial.spec.TrialSpec` from a composed ``sim-trial`` config.

    Parameters
    ----------
    cfg : mapping
        The composed ``sim-trial`` config: a study id (``study``) or a custom ``trial``, with
        ``population`` and ``observation`` nodes.
    explicit : set of str
        Dotted keys the user set on the command line. With ``study=<id>`` the study's own
        ``n_per_arm`` and dropout are used unless ``trial.n_per_arm`` / ``trial.dropout`` are
        among them: the values of the default custom trial in ``configs/trial/config.yaml``
        describe that trial, not the study.

    Raises
    ------
    TrialSpecError, PopulationError
        Naming the field (e.g. ``trial.n_per_arm``, ``population.age_mean``) and what is allowed.
    """
    from sim.population import PopulationSpec
    from sim.trial.spec import Arm, Endpoint, ObservationSpec, TrialSpec, TrialSpecError
    from sim.trial.studies import trial_from_study

    pc = _plain(cfg["population"])
    if pc.get("variability") is None:
        pc.pop("variability")
    observation = ObservationSpec(**_plain(cfg["observation"]))
    tc = cfg["trial"]
    if cfg.get("study", None):
        spec = trial_from_study(str(cfg["study"]), observation=observation, horizon_days=float(tc["horizon_days"]))
        keep = {k: v for k, v in pc.items() if k not in ("species", "kl_grades", "kl_weights", "age_mean")}
        spec = dataclasses.replace(spec, population=dataclasses.replace(spec.population, **keep))
        if tc["n_per_arm"] is not None and "trial.n_per_arm" in explicit:
            spec = dataclasses.replace(spec, n_per_arm=int(tc["n_per_arm"]))
        if tc["dropout"] is not None and "trial.dropout" in explicit:
            spec = dataclasses.replace(spec, dropout=float(tc["dropout"]))
        return spec
    if tc["n_per_arm"] is None:
        raise TrialSpecError("trial.n_per_arm: required for a configured trial; allowed: an integer > 0")
    endpoints = tuple(Endpoint(e["measure"], None if e["scale"] is None else tuple(e["scale"]), e["mcid"])
                      for e in tc["endpoints"])
    return TrialSpec(name=tc["name"], question=tc["question"],
                     arms=tuple(Arm(k, v) for k, v in tc["arms"].items()), control=tc["control"],
                     n_per_arm=int(tc["n_per_arm"]), follow_up_days=tuple(tc["follow_up_days"]),
                     endpoints=endpoints, dropout=float(tc["dropout"] or 0.0), population=PopulationSpec(**pc),
                     observation=observation, horizon_days=float(tc["horizon_days"]), source="config")


def calibration_settings(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of :func:`sim.calibration.pipeline.calibrate` from a ``sim-calibrate`` config.

    Returns
    -------
    dict
        ``n_sim`` (virtual patients per cohort), ``seed``, ``maxfev`` (Nelder-Mead evaluations),
        ``n_walkers``, ``n_steps``, ``burn`` (fraction of steps), ``max_draws``,
        ``n_draws_report``, ``checkpoint_every`` (steps), ``use_pooled``, ``start_chain``
        (path of a previous ``chain.h5`` or a ``posterior.h5`` of draws, or None), ``moves``
        (emcee proposal: ``"stretch"`` or ``"de"``), ``findings_weight`` (weight of the seed
        findings' soft constraints, 0 = off) and ``findings_pool`` (patients per arm of that term).
    """
    return dict(n_sim=int(cfg["n_sim"]), seed=int(cfg["seed"]), maxfev=int(cfg["maxfev"]),
                n_walkers=int(cfg["n_walkers"]), n_steps=int(cfg["n_steps"]), burn=float(cfg["burn"]),
                max_draws=int(cfg["max_draws"]), n_draws_report=int(cfg["n_draws_report"]),
                checkpoint_every=int(cfg["checkpoint_every"]), use_pooled=bool(cfg["use_pooled"]),
                start_chain=cfg.get("start_chain", None), findings_weight=float(cfg.get("findings_weight", 0.0)),
                findings_pool=int(cfg.get("findings_pool", 16)), moves=str(cfg.get("moves", "stretch")))
