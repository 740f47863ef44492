"""sim-install-calibration: a finished calibration becomes the package default (here: a temp folder)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from sim.calibration import CALIBRATED
from sim.calibration.priors import names
from sim.io import read_tree, write_tree


def _calibration(path, cols=None):
    draws = np.exp(np.log([p.default for p in CALIBRATED]) + 0.05 * np.random.default_rng(0).standard_normal(
        (40, len(CALIBRATED))))
    write_tree(path, {"@attrs": {"seconds": 1.0, "chain_seconds": 3600.0, "n_sim": "12", "use_pooled": "False", "coverage95_training": 0.9},
                      "names": list(cols or names()), "point_estimate": draws[0], "posterior_samples": draws,
                      "diagnostics": {"rhat": np.ones(len(CALIBRATED)), "ess_bulk": np.full(len(CALIBRATED), 100.0),
                                      "ess_tail": np.full(len(CALIBRATED), 100.0)}})
    return draws


def _install(*args):
    return subprocess.run([sys.executable, "-c", "from sim.calibration.pipeline import main_install as m; "
                           "raise SystemExit(m())", *map(str, args)], capture_output=True, text=True)


def test_install_writes_median_and_draws(tmp_path):
    draws = _calibration(tmp_path / "calibration.h5")
    r = _install(tmp_path / "calibration.h5", "--data-dir", tmp_path / "pkg")
    assert r.returncode == 0, r.stderr
    meta = json.loads((tmp_path / "pkg" / "point_estimate.json").read_text())
    assert list(meta["values"]) == list(names())
    assert np.allclose([meta["values"][n] for n in names()], np.median(draws, axis=0))
    assert np.array_equal(read_tree(tmp_path / "pkg" / "posterior.h5")["samples"], draws)
    assert (meta["seconds"], meta["chain_seconds"]) == (1.0, 3600.0)  # the finishing call and the whole chain


def test_install_refuses_other_parameter_sets_and_keeps_the_old(tmp_path):
    _calibration(tmp_path / "good.h5")
    assert _install(tmp_path / "good.h5", "--data-dir", tmp_path / "pkg").returncode == 0
    before = (tmp_path / "pkg" / "point_estimate.json").read_text()
    _calibration(tmp_path / "bad.h5", cols=[f"x{i}" for i in range(len(CALIBRATED))])
    r = _install(tmp_path / "bad.h5", "--data-dir", tmp_path / "pkg")
    assert r.returncode == 2 and "differ from the calibrated set" in r.stderr
    assert (tmp_path / "pkg" / "point_estimate.json").read_text() == before
    r = _install(tmp_path / "missing.h5")
    assert r.returncode == 2 and "calibration" in r.stderr
