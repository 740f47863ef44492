"""Structured-config schema of ``sim-run``: a typo in a key fails at composition time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore

from sim.model.patient import Patient


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
    """``solver``: method, relative and absolute tolerances, and the step limit per trajectory."""

    method: str = "rodas4"
    rtol: float = 1e-5
    atol: float = 1e-8
    max_steps: int = 50_000


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

    experiment: ExperimentConf = field(default_factory=ExperimentConf)
    model: ModelConf = field(default_factory=ModelConf)
    patient: PatientConf = field(default_factory=PatientConf)
    solver: SolverConf = field(default_factory=SolverConf)
    output: OutputConf = field(default_factory=OutputConf)
    regimen: Optional[str] = None  # a single regimen instead of the experiment's arms
    seed: int = 0
    sweep: Dict[str, Any] = field(default_factory=dict)
    lesion: Dict[str, Any] = field(default_factory=dict)  # the lesion model's config (configs/lesion)


def register() -> None:
    """Store the ``sim-run`` schema as ``base_run`` in Hydra's config store (the primary config's first default)."""
    cs = ConfigStore.instance()
    cs.store(name="base_run", node=RunConf)
