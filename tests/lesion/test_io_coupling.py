"""HDF5 output, config entry point (with Hydra composition) and coupling API."""

from pathlib import Path

import numpy as np
import pytest

from sim.io import read_tree
from sim.io.lesion_file import write_lesion
from sim.lesion import LesionDrivers, LesionGeometry, drivers_from_joint, run_coupled, run_from_config, simulate_lesion
from sim.lesion.config import output_name

ROOT = Path(__file__).resolve().parents[2]
TINY = {"preset": "small", "width_mm": 1.0, "defect_width_mm": 0.5,
        "cartilage_thickness_mm": 0.5, "bone_depth_mm": 0.1}


def test_result_round_trips_through_hdf5(tmp_path):
    res = simulate_lesion(LesionGeometry.small(), None, LesionDrivers.constant(msc_influx=2e4),
                          days=2, initial_msc_per_mm3=1e4, snapshot_days=(0, 2))
    path = write_lesion(tmp_path / "lesion.h5", res)
    tree = read_tree(path)
    np.testing.assert_array_equal(tree["series"]["t"]["@data"], res.times)
    np.testing.assert_array_equal(tree["series"]["defect_fill"]["@data"],
                                  res.series["defect_fill"])
    snap = tree["snapshots"]["0001"]
    assert snap["fields"]["@data"].shape == (4, *LesionGeometry.small().shape)
    np.testing.assert_array_equal(snap["agents"]["kind"], res.snapshots[1]["agent_kind"])
    assert "D_msc" in list(tree["parameters"]["name"])
    assert 0.0 <= res.final("defect_fill") <= 1.0


def test_run_from_config_result_writes_to_its_output_name(tmp_path):
    cfg = {"lesion": {"geometry": TINY, "params": {"chi_sdf": 0.0},
                      "drivers": {"kind": "injections", "doses": [4e7], "times": [0.0]},
                      "run": {"days": 1, "snapshot_days": [1]}, "output": "x.h5"}}
    assert output_name(cfg) == "x.h5"
    path = write_lesion(tmp_path / output_name(cfg), run_from_config(cfg))
    assert path == tmp_path / "x.h5" and path.exists()
    assert read_tree(path)["@attrs"]["model"] == "sim.lesion"


def test_experiment_config_composes_with_hydra(tmp_path):
    pytest.importorskip("hydra")
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    from sim.cli.schema import register

    for f in (ROOT / "experiments" / "run").glob("lesion_*.yaml"):
        lines = f.read_text().splitlines()
        assert lines[0] == "# @package _global_" and lines[1].startswith("# Question:")
    register()
    with initialize_config_dir(config_dir=str(ROOT / "configs" / "run"), version_base="1.3"):
        cfg = compose("config", overrides=["experiment=lesion_defect_fill",
                                           "lesion.geometry.preset=small",
                                           "lesion.params.chi_sdf=0.0", "lesion.run.days=0.5",
                                           "lesion.run.snapshot_days=[0.5]"])
    assert cfg.experiment.kind == "lesion" and cfg.lesion.geometry.preset == "small"
    res = run_from_config({"lesion": OmegaConf.to_container(cfg.lesion, resolve=True)})
    assert write_lesion(tmp_path / "out" / "lesion.h5", res).exists()


def test_params_config_matches_table():
    yaml = pytest.importorskip("yaml")
    from sim.lesion import PARAMETERS

    values = yaml.safe_load((ROOT / "configs/lesion/params/default.yaml").read_text())
    assert values == {row[0]: row[1] for row in PARAMETERS}


def test_coupled_run_from_joint_series():
    t = np.linspace(0, 3, 7)
    states = {"il1b": np.full(7, 2.0), "il1ra": np.ones(7), "tgfb": np.ones(7),
              "msc_free": 40.0 * np.exp(-0.0632 * t), "chondrocytes": np.ones(7)}
    drivers = drivers_from_joint(t, states, k_reach=1e-3)
    assert drivers.msc_influx[0] == pytest.approx(1e-3 * 4e7)  # millions of cells -> cells
    patient = {"lesion.chi_sdf": 2.0, "joint.k_other": 5.0}
    out = run_coupled(drivers, patient, geometry=LesionGeometry(**{k: v for k, v in TINY.items()
                                                                   if k != "preset"}))
    assert out.t[-1] == pytest.approx(3.0)
    rs = out.repair_state()
    assert np.all((rs["R_q"] >= 0) & (rs["R_q"] <= 1)) and np.all((rs["q"] >= 0) & (rs["q"] <= 1))
    assert out.n_msc[-1] > 0
    with pytest.raises(ValueError, match="'tgfb'"):
        drivers_from_joint(t, {"il1b": t, "il1ra": t, "msc_free": t})


def test_drivers_from_a_joint_model_result():
    import sim
    from sim.lesion.coupling import drivers_from_result

    res = sim.simulate(sim.Patient(kl_grade=3), "msc(cells=4e7,source=bm,allogeneic=0)@0;scaffold(strength=1)@0",
                       times=[0.0, 1.0, 2.0, 3.0])
    drivers = drivers_from_result(res, k_reach=1e-3)
    assert drivers.msc_influx[0] == pytest.approx(1e-3 * 4e7, rel=1e-9)
    assert np.all(drivers.il1 > 1.0)  # a KL-3 knee is inflamed
    assert 0.0 < drivers.scaffold[0] <= 1.0
    out = run_coupled(drivers, geometry=LesionGeometry(**{k: v for k, v in TINY.items() if k != "preset"}))
    assert out.n_msc[-1] > 0
