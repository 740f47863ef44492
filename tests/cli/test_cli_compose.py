"""Every config option composes and turns into valid plain objects (no simulation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from sim.cli import build
from sim.cli import run_app as cli
from sim.regimen import Regimen
from sim.regimen.products import plan_regimen
from sim.solver import SolverOptions

CONFIGS = Path(cli.CONFIG_DIR)
GROUPS = ("model", "patient", "solver", "output", "treatment", "experiment", "debug", "paths")


def _group_folder(group: str) -> Path:
    """sim-run's own groups sit in its root; the shared building blocks one folder up."""
    return CONFIGS / group if (CONFIGS / group).is_dir() else CONFIGS.parent / group


OPTIONS = [(g, p.stem) for g in GROUPS for p in sorted(_group_folder(g).glob("*.yaml"))]


def _compose(overrides: list[str]):
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def test_every_group_has_options():
    assert {g for g, _ in OPTIONS} == set(GROUPS)


@pytest.mark.parametrize("group, option", OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_option_composes_to_valid_objects(group, option):
    # a debug option that adjusts the lesion groups goes with an experiment that has them
    extra = ["experiment=lesion_defect_fill"] if (group, option) == ("debug", "lesion") else []
    cfg = _compose([*extra, f"{group}={option}"])
    if cfg.experiment.kind != "joint":
        pytest.skip(f"experiment kind {cfg.experiment.kind!r} is built by its own package")
    # The builder every CLI uses: validates species, KL grade, covariates, mechanisms, parameters.
    patient = build.patient(cfg.patient, cfg.model)
    exp = build.experiment(cfg)
    for label, text in exp.arms.items():
        plan = plan_regimen(Regimen.parse(text))
        assert not plan.unknown_amounts, f"arm {label}: amounts left to typical values {plan.unknown_amounts}"
    assert isinstance(build.solver_options(cfg.solver), SolverOptions)
    assert patient.parameter_values()  # bounds checked


@pytest.mark.parametrize("mechanism", ["differentiation", "paracrine", "immunomodulation", "homing"])
def test_model_configs_switch_one_mechanism_off(mechanism):
    values = cli._patient(_compose([f"model=no_{mechanism}"])).parameter_values()
    from sim.model.parameters import _INTERACTIONS_OFF

    switches = {k: v for k, v in values.items() if k.startswith("mech_") and k not in _INTERACTIONS_OFF}
    assert switches.pop(f"mech_{mechanism}") == 0.0
    assert set(switches.values()) == {1.0}
    assert {values[k] for k in _INTERACTIONS_OFF} == {0.0}  # the literature interaction terms default to off


@pytest.mark.parametrize("option, species, kl", [("human_kl2", "human", 2), ("human_kl3", "human", 3),
                                                 ("human_kl4", "human", 4), ("rat", "rat", 0)])
def test_patient_configs(option, species, kl):
    patient = cli._patient(_compose([f"patient={option}"]))
    assert (patient.species, patient.kl_grade) == (species, kl)


def test_parameter_override_reaches_the_patient():
    patient = cli._patient(_compose(["+model.parameters.k_recruit=0.0123"]))
    assert patient.parameter_values()["k_recruit"] == 0.0123


def test_builder_gives_the_same_objects_from_a_config_and_a_sweep_point():
    """The sweep evaluator reads resolved plain dicts; the CLIs read DictConfigs: same objects."""
    from omegaconf import OmegaConf

    cfg = _compose(["patient=human_kl2", "model=no_homing", "+model.parameters.k_recruit=0.0123"])
    point = OmegaConf.to_container(cfg, resolve=True)
    assert build.patient(point["patient"], point["model"]) == build.patient(cfg.patient, cfg.model)
    assert build.solver_options(point["solver"]) == build.solver_options(cfg.solver)


def test_empty_regimen_is_named():
    with pytest.raises(ValueError, match="regimen: empty"):
        build.run_arms(_compose(["regimen=' '"]))
