"""Structured schemas of the Hydra configs: valid configs compose, a misspelt key fails at composition
naming the key, and each schema's defaults equal the YAML file's values (sim-calibrate) or the
builder's own defaults (lesion groups, whose options differ).
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from sim.cli import (
    calibrate_app,  # noqa: F401  (registers the schemas)
    schema,
)
from sim.cli.configs import config_dir
from sim.cli.schema import CalibrateConf

CONFIGS = Path(config_dir())


def _compose(app: str, overrides: list[str], root: Path = CONFIGS):
    """Compose ``app``'s config (``run``, ``calibration``) from the configs folder ``root``.

    A copy of the folder is put on the search path in place of the installed shared configs.
    """
    extra = [] if root == CONFIGS else [f"hydra.searchpath=[file://{root}]"]
    with initialize_config_dir(config_dir=str(root / app), version_base="1.3"):
        return compose(config_name="config", overrides=overrides + extra)


def _yaml_values(path: Path) -> dict:
    values = OmegaConf.to_container(OmegaConf.load(path))
    values.pop("defaults", None)
    values.pop("hydra", None)  # Hydra's own settings (search path, job name), not the app's
    return values


def _copy_with(tmp_path: Path, relative: str, extra: str) -> Path:
    """A copy of the configs folder in which ``relative`` gains the line ``extra``."""
    root = tmp_path / "configs"
    shutil.copytree(CONFIGS, root, symlinks=False)
    target = root / relative
    target.write_text(target.read_text() + extra + "\n")
    return root


# --- sim-calibrate -------------------------------------------------------------------------------

def test_calibrate_config_composes_on_its_schema():
    cfg = _compose("calibration", ["n_sim=4", "maxfev=10", "n_walkers=34", "n_steps=2",
                                          "start_chain=runs/a/chain.h5", "moves=de"])
    assert OmegaConf.get_type(cfg) is CalibrateConf
    assert (cfg.n_sim, cfg.n_walkers, cfg.start_chain, cfg.moves) == (4, 34, "runs/a/chain.h5", "de")


def test_calibrate_schema_defaults_equal_the_yaml():
    yaml = _yaml_values(CONFIGS / "calibration" / "config.yaml")
    yaml["paths"] = _yaml_values(CONFIGS / "paths" / "default.yaml")
    schema = dataclasses.asdict(CalibrateConf())
    assert yaml == schema


def test_calibrate_misspelt_override_names_the_key():
    with pytest.raises(ConfigCompositionException, match="Could not override 'n_walker'"):
        _compose("calibration", ["n_walker=40"])


def test_calibrate_wrong_type_fails_at_composition():
    with pytest.raises(ConfigCompositionException, match="n_walkers=many"):
        _compose("calibration", ["n_walkers=many"])


def test_calibrate_misspelt_key_in_the_yaml_names_the_key(tmp_path):
    root = _copy_with(tmp_path, "calibration/config.yaml", "n_walker: 40")
    with pytest.raises(ConfigCompositionException, match="Key 'n_walker' not in 'CalibrateConf'"):
        _compose("calibration", [], root)


def _cli(prog: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name(prog)
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", f"sim.cli.{prog.split('-', 1)[1]}"]
    env = dict(os.environ, HYDRA_FULL_ERROR="0")
    return subprocess.run(cmd + args, cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_calibrate_cli_prints_its_schema_typed_config(tmp_path):
    ok = _cli("sim-calibrate", ["--cfg", "job", "n_walkers=40"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "n_walkers: 40" in ok.stdout
    bad = _cli("sim-calibrate", ["--cfg", "job", "n_walkers=forty"], tmp_path)
    assert bad.returncode != 0 and "n_walkers" in bad.stderr


def test_calibrate_refuses_a_misspelt_added_key_before_any_work(tmp_path):
    """``+n_walker=40`` composes (a leading + adds keys past a schema); the app refuses it at once."""
    run = _cli("sim-calibrate", ["+n_walker=40", f"hydra.run.dir={tmp_path / 'run'}"], tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines() == [
        "sim-calibrate: error: n_walker: no such setting; allowed: " + ", ".join(
            f.name for f in dataclasses.fields(CalibrateConf)) + "; did you mean 'n_walkers'?"]
    assert not (tmp_path / "run").exists()


def test_calibrate_points_a_retired_package_flag_to_the_install_command(tmp_path):
    run = _cli("sim-calibrate", ["package=true", f"hydra.run.dir={tmp_path / 'run'}"], tmp_path)
    assert run.returncode == 2
    assert "package" in run.stderr and "sim-install-calibration" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "run").exists()


# --- lesion config groups ------------------------------------------------------------------------

LESION = ["experiment=lesion_defect_fill"]
LESION_OPTIONS = [("lesion/geometry", p.stem) for p in sorted((CONFIGS / "lesion/geometry").glob("*.yaml"))] + \
                 [("lesion/run", p.stem) for p in sorted((CONFIGS / "lesion/run").glob("*.yaml"))] + \
                 [("lesion/treatment@lesion.drivers", p.stem)
                  for p in sorted((CONFIGS / "lesion/treatment").glob("*.yaml"))]


@pytest.mark.parametrize("group, option", LESION_OPTIONS, ids=[f"{g}={o}" for g, o in LESION_OPTIONS])
def test_lesion_option_composes_on_its_schema(group, option):
    from sim.lesion.config import build_from_config

    cfg = _compose("run", [*LESION, f"{group}={option}"])
    node = cfg.lesion[group.split(".")[-1].split("/")[-1]]
    if group.startswith("lesion/treatment"):
        expected = schema.LesionConstantConf if node.kind == "constant" else schema.LesionInjectionsConf
    else:
        expected = {"lesion/geometry": schema.LesionGeometryConf, "lesion/run": schema.LesionRunConf}[group]
    assert OmegaConf.get_type(node) is expected
    built = build_from_config({"lesion": OmegaConf.to_container(cfg.lesion, resolve=True)})
    assert built["days"] > 0


def test_lesion_schemas_leave_a_run_as_the_yaml_describes_it():
    from sim.lesion.config import build_from_config

    cfg = _compose("run", [*LESION, "lesion/geometry=partial", "lesion/run=short"])
    built = build_from_config({"lesion": OmegaConf.to_container(cfg.lesion, resolve=True)})
    assert built["geometry"].defect_depth_mm == 1.2 and built["geometry"].width_mm == 16.0  # clinical preset
    assert built["days"] == 10.0 and list(built["options"]["snapshot_days"]) == [0.0, 10.0]


def _defaults(fn, skip=("self", "cls", "days", "geometry", "params", "drivers")) -> dict:
    return {n: p.default for n, p in inspect.signature(fn).parameters.items()
            if n not in skip and p.default is not inspect.Parameter.empty}


def test_lesion_schema_defaults_equal_the_builders_defaults():
    from sim.lesion.drivers import LesionDrivers
    from sim.lesion.lesion_simulation import LesionSimulation, simulate_lesion

    run = dataclasses.asdict(schema.LesionRunConf())
    assert run.pop("days") == inspect.signature(simulate_lesion).parameters["days"].default
    assert run.pop("record_every_days") == _defaults(simulate_lesion)["record_every_days"]
    assert run.pop("snapshot_days") is None  # the builder's (0, days)
    assert run == _defaults(LesionSimulation.__init__)
    constant = dataclasses.asdict(schema.LesionConstantConf())
    assert constant.pop("kind") == "constant" and constant == _defaults(LesionDrivers.constant)
    injections = dataclasses.asdict(schema.LesionInjectionsConf())
    assert injections.pop("kind") == "injections"
    assert injections.pop("doses") == [0.0]  # the builder's default when doses are left out
    assert injections.pop("times") == list(_defaults(LesionDrivers.from_injections)["times"])
    assert injections == {k: v for k, v in _defaults(LesionDrivers.from_injections).items()
                          if k not in ("n_points", "times")}


def test_lesion_misspelt_override_and_wrong_type_fail_at_composition():
    with pytest.raises(ConfigCompositionException, match="Could not override 'lesion.run.dayz'"):
        _compose("run", [*LESION, "lesion.run.dayz=3"])
    with pytest.raises(ConfigCompositionException, match="lesion.run.days=long"):
        _compose("run", [*LESION, "lesion.run.days=long"])


@pytest.mark.parametrize("relative, line, key, conf", [
    ("lesion/run/short.yaml", "dayz: 10", "dayz", "LesionRunConf"),
    ("lesion/geometry/small.yaml", "defect_depth: 0.6", "defect_depth", "LesionGeometryConf"),
    ("lesion/treatment/none.yaml", "il1b: 2.0", "il1b", "LesionConstantConf"),
    ("lesion/treatment/msc_injection.yaml", "dose: [1.0e7]", "dose", "LesionInjectionsConf"),
    ("lesion/params/default.yaml", "D_msx: 0.001", "D_msx", "LesionParamsConf"),
])
def test_lesion_misspelt_key_in_a_group_file_names_the_key(tmp_path, relative, line, key, conf):
    root = _copy_with(tmp_path, relative, line)
    group, option = relative.rsplit("/", 1)
    group = "lesion/treatment@lesion.drivers" if group == "lesion/treatment" else group
    with pytest.raises(ConfigCompositionException, match=f"Key '{key}' not in '{conf}'"):
        _compose("run", [*LESION, f"{group}={option[:-5]}"], root)


def test_lesion_params_schema_is_the_parameter_table():
    from sim.lesion import PARAMETERS

    cfg = _compose("run", [*LESION, "lesion.params.chi_sdf=0"])
    assert OmegaConf.get_type(cfg.lesion.params) is schema.LesionParamsConf
    assert dataclasses.asdict(schema.LesionParamsConf()) == {row[0]: row[1] for row in PARAMETERS}
    assert _yaml_values(CONFIGS / "lesion/params/default.yaml") == dataclasses.asdict(schema.LesionParamsConf())
    assert cfg.lesion.params.chi_sdf == 0.0
    with pytest.raises(ConfigCompositionException, match="lesion.params.chi_sdf=strong"):
        _compose("run", [*LESION, "lesion.params.chi_sdf=strong"])


# --- the sweep block --------------------------------------------------------------------------------

def test_sweep_block_is_typed_and_its_typos_fail_at_composition():
    cfg = _compose("run", ["+sweep=dose_adjuvant"])
    assert OmegaConf.get_type(cfg.sweep) is schema.SweepConf
    assert cfg.sweep.store == "sweeps/dose_adjuvant"  # from the paths group
    with pytest.raises(ConfigCompositionException, match="chunksize"):
        _compose("run", ["+sweep=dose_adjuvant", "sweep.chunksize=3"])


def test_sweep_definition_hashes_stay_those_of_existing_stores():
    """The hashes a sweep store records; a change here means old stores no longer resume.

    ``solver.lockstep`` is not hashed: sweep points are always solved alone.
    """
    from sim.sweep.hydra_job import definition_from_config

    expected = {"dose_adjuvant": "943a55aecb2d9278", "dose_response": "89cab539952e41f2",
                "phenotype_regimen": "df77aa482ef9a559", "repeat_injections": "b5fd1d0a424084f0"}
    for name, prefix in expected.items():
        definition = definition_from_config(_compose("run", [f"+sweep={name}"]))
        assert definition.definition_hash.startswith(prefix), name
