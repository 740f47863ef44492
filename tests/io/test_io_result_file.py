"""The files of one ``sim-run``: a self-describing HDF5 result, PNG, CSV and the printed table."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import h5py  # tests only: checks dimension scales, which read_tree does not return
import numpy as np
import pytest
import yaml

from sim import observe_all
from sim.io import read_tree
from sim.io.result_file import SCHEMA_VERSION
from sim.model.parameters import PARAMETERS
from sim.model.states import STATES
from sim.observe import MEASURES
from sim.result import Result

REGIMEN = "msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0"
OVERRIDES = ["experiment.t_end=91", "experiment.report_days=[28,91]", f"regimen='{REGIMEN}'",
             "+model.parameters.k_recruit=0.0061", "seed=7"]


def _sim_run() -> list[str]:
    script = Path(sys.executable).with_name("sim-run")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli.run_app"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("sim_run") / "run"
    env = dict(os.environ, NUMBA_NUM_THREADS="1", MPLBACKEND="Agg")
    proc = subprocess.run(_sim_run() + [f"hydra.run.dir={run_dir}", *OVERRIDES], cwd=run_dir.parent,
                          capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return run_dir, proc


@pytest.fixture(scope="module")
def tree(run):
    return read_tree(run[0] / "result.h5")


def _data(node):
    return node["@data"] if isinstance(node, dict) and "@data" in node else node


def test_files_written(run):
    run_dir, _ = run
    assert (run_dir / "result.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with open(run_dir / "result_summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["arm"] for r in rows] == ["untreated", "regimen"]
    assert {"dWOMAC_total_day28", "dVAS_pain_day91", "dMRI_cartilage_volume_pct_day91"} <= set(rows[0])
    assert not [p for p in run_dir.iterdir() if ".tmp" in p.name]


def test_table_printed(run):
    out = run[1].stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("arm"))
    assert "dWOMAC_total_day28" in header and "dVAS_pain_day91" in header
    assert any(line.startswith("untreated") for line in lines) and any(line.startswith("regimen") for line in lines)
    assert "result.h5" in out


def test_states_named_complete_with_units(tree):
    states = tree["states"]
    assert set(states) == {s.name for s in STATES}
    meta = {s.name: s for s in STATES}
    for name, node in states.items():
        assert node["@attrs"]["unit"] == meta[name].unit
        assert node["@attrs"]["description"] and node["@attrs"]["source"]
        assert _data(node).shape == (2, tree["time"]["@data"].size)


def test_outcomes_named_with_scales(tree):
    assert set(tree["outcomes"]) == set(MEASURES)
    for name, node in tree["outcomes"].items():
        attrs = node["@attrs"]
        assert (attrs["scale_min"], attrs["scale_max"]) == MEASURES[name].native_scale
        assert attrs["unit"] and bool(attrs["higher_is_better"]) == MEASURES[name].higher_is_better


def test_every_dataset_named(tree):
    """No anonymous arrays: keys are identifiers of a documented vocabulary or self-explaining."""
    def walk(node, path):
        for key, value in node.items():
            if key == "@attrs":
                continue
            assert key and key.strip() == key, f"bad name {key!r} in {path}"
            if isinstance(value, dict) and "@data" not in value:
                yield from walk(value, f"{path}/{key}")
            else:
                yield f"{path}/{key}"
    paths = list(walk(tree, ""))
    assert "/time" in paths and "/arms/names" in paths and "/parameters/values" in paths
    assert tree["time"]["@attrs"]["unit"] == "day"


def test_time_is_dimension_scale_of_states_and_outcomes(run, tree):
    with h5py.File(run[0] / "result.h5", "r") as f:
        assert f["time"].is_scale
        for group in ("states", "outcomes"):
            for name, dset in f[group].items():
                scales = [s.name for s in dset.dims[1].values()]
                assert scales == ["/time"], f"{group}/{name}: time axis scales {scales}"
    np.testing.assert_array_equal(tree["time"]["@data"], np.union1d(np.arange(0, 92, 7.0), [28.0, 91.0]))


def test_axes_labelled_and_arms_are_a_dimension_scale(run):
    from sim.io import read_dims

    path = run[0] / "result.h5"
    assert read_dims(path, "/outcomes/WOMAC_total") == [("arm", "/arms/names"), ("time", "/time")]
    assert read_dims(path, "/states/" + STATES[0].name) == [("arm", "/arms/names"), ("time", "/time")]
    assert read_dims(path, "/parameters/values") == [("arm", "/arms/names"), ("parameter", "/parameters/names")]
    assert read_dims(path, "/status/code") == [("arm", "/arms/names")]
    with h5py.File(path, "r") as f:  # text, not bytes: readable as str by any HDF5 reader
        assert h5py.check_string_dtype(f["arms/names"].dtype).encoding == "utf-8"


def test_parameters_named_with_units(tree):
    params = tree["parameters"]
    assert list(params["names"]) == [q.name for q in PARAMETERS]
    assert list(params["units"]) == [q.unit for q in PARAMETERS]
    values = params["values"]
    assert values.shape == (2, len(PARAMETERS))
    k = list(params["names"]).index("k_recruit")
    assert np.all(values[:, k] == 0.0061)  # the command-line override reached the model


def test_provenance(tree):
    attrs = tree["@attrs"]
    for key in ("config", "git_commit", "seed", "schema_version", "version_numpy"):
        assert key in attrs, key
    assert attrs["schema_version"] == SCHEMA_VERSION
    assert attrs["version_numpy"] == np.__version__
    assert int(attrs["seed"]) == 7
    assert attrs["git_commit"]
    config = yaml.safe_load(attrs["config"])
    assert config["regimen"] == REGIMEN and config["experiment"]["t_end"] == 91


def test_arms_and_events(tree):
    assert list(tree["arms"]["names"]) == ["untreated", "regimen"]
    assert list(tree["arms"]["regimens"]) == ["none()@0", REGIMEN]
    ev = tree["events"]["regimen"]
    msc = list(ev["state"]).index("msc_free")
    assert ev["add"][msc] == 100.0 and ev["day"][msc] == 0.0  # 1e8 cells = 100 model units
    assert list(tree["status"]["code"]) == [0, 0]


def test_outcomes_recomputed_from_states(tree):
    names = tuple(tree["states"])
    states = np.stack([_data(tree["states"][n]) for n in names], axis=-1)
    res = Result(times=tree["time"]["@data"], state_names=names, states=states,
                 parameters=tree["parameters"]["values"], covariates={}, regimens=("a", "b"),
                 status=np.zeros(2, dtype=np.int64), messages=("", ""))
    again = observe_all(res)
    for name, node in tree["outcomes"].items():
        np.testing.assert_allclose(_data(node), again[name], rtol=1e-12, atol=0, equal_nan=True, err_msg=name)


def test_summary_csv_agrees_with_file(run, tree):
    with open(run[0] / "result_summary.csv", newline="") as fh:
        rows = {r["arm"]: r for r in csv.DictReader(fh)}
    t = tree["time"]["@data"]
    womac = _data(tree["outcomes"]["WOMAC_total"])
    for a, arm in enumerate(["untreated", "regimen"]):
        want = womac[a, t == 91.0][0] - womac[a, t == 0.0][0]
        assert float(rows[arm]["dWOMAC_total_day91"]) == pytest.approx(want, rel=1e-12)
