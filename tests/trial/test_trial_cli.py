"""``sim-trial`` as a user runs it: a study id and a configured trial, HDF5 + CSV + forest PNG."""

import csv
import os
import subprocess
import sys

import pytest

from sim.io import read_tree


def _run(tmp_path, *overrides):
    env = dict(os.environ, NUMBA_NUM_THREADS="1", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "sim.cli.trial_app", f"hydra.run.dir={tmp_path}", *overrides],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("overrides", [
    ["study=LAMO2016", "trial.n_per_arm=4", "replicates=2", "output.patients=true"],
    ["experiment=kl23_ad_msc", "trial.n_per_arm=5", "trial.follow_up_days=[91,182]", "replicates=3",
     "power.replicates=3", "power.day=182", "power.n_grid=[3,5]", "forest_day=91"],
], ids=["study", "configured"])
def test_sim_trial_writes_hdf5_csv_and_forest(tmp_path, overrides):
    proc = _run(tmp_path, *overrides)
    assert proc.returncode == 0, proc.stderr
    tree = read_tree(tmp_path / "trial.h5")
    assert tree["summary"]["comparisons"]
    assert (tmp_path / "trial_forest.png").stat().st_size > 1000
    with open(tmp_path / "trial_summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    stats = {r["statistic"] for r in rows}
    assert {"mean_difference", "welch_p", "mann_whitney_p", "smd", "mcid_responder_rate"} <= stats
    if "study=LAMO2016" in overrides:
        assert set(tree["patients"]) == {"HA", "MSC10", "MSC100"}
    else:
        assert "power" in tree


@pytest.mark.parametrize("overrides, field", [
    (["study=NOPE"], "study"),
    (["trial.n_per_arm=0"], "n_per_arm"),
    (["trial.follow_up_days=[91,99999]"], "follow_up_days"),
    (["trial.endpoints=[{measure: WOMAC_everything}]"], "endpoints.measure"),
    (["+trial.arms.a='magic(x=1)@0'"], "arms.a"),
])
def test_sim_trial_bad_input_is_a_clear_error(tmp_path, overrides, field):
    proc = _run(tmp_path, *overrides)
    assert proc.returncode == 2
    assert field in proc.stderr and "Traceback" not in proc.stderr


def _compose_trial(*overrides):
    from hydra import compose, initialize_config_dir

    import sim.cli.trial_app  # noqa: F401  (registers the schema)
    from sim.cli.configs import config_dir
    with initialize_config_dir(config_dir=config_dir("trial"), version_base="1.3"):
        return compose("config", overrides=list(overrides))


def test_study_uses_its_own_n_per_arm_unless_overridden():
    from sim.cli.trial_app import spec_from_config
    from sim.trial.studies import trial_from_study

    study = trial_from_study("LAMO2016")
    spec = spec_from_config(_compose_trial("study=LAMO2016"))
    assert spec.n_per_arm == study.n_per_arm and spec.dropout == study.dropout
    spec = spec_from_config(_compose_trial("study=LAMO2016", "trial.n_per_arm=7"), {"trial.n_per_arm"})
    assert set(spec.n_per_arm.values()) == {7}
