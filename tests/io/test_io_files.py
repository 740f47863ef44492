"""The one atomic writer, and the versioned layouts of findings, sensitivity and calibration files:
round trips, malformed files refused with the file and field named, and no upward imports.
"""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import sim.io
from sim.atomic import write_atomic, write_text_atomic
from sim.io import read_tree, write_tree
from sim.io.calibration_file import read_calibration, read_chain, read_posterior, write_calibration, write_chain
from sim.io.findings_file import read_findings, write_findings
from sim.io.sensitivity_file import SensitivityResult, read_sensitivity, write_sensitivity
from sim.io.versioned_layout import FileFormatError


def test_atomic_writer_keeps_the_old_file_on_error(tmp_path):
    target = write_text_atomic(tmp_path / "sub" / "a.txt", "old")
    assert target.read_text() == "old"

    def fail(tmp):
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomic(target, fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]


def test_hdf5_writer_failure_leaves_no_temporary_file(tmp_path):
    write_tree(tmp_path / "x.h5", {"a": np.arange(3)})
    with pytest.raises(ValueError, match="key"):
        write_tree(tmp_path / "x.h5", {"a/b": np.arange(3)})
    np.testing.assert_array_equal(read_tree(tmp_path / "x.h5")["a"], np.arange(3))
    assert [p.name for p in tmp_path.iterdir()] == ["x.h5"]


def test_findings_file_round_trip_and_version(tmp_path):
    tree = {"@attrs": {"replicates": 5, "seed": 1, "summary": "reproduced=1/1"},
            "table": {"finding": ["F1"], "probability": np.array([0.5]), "reproduced": np.array([True])},
            "findings": {"F1": {"@attrs": {"text": "x", "n_per_arm": [6, 6]}}}}
    back = read_findings(write_findings(tmp_path / "f.h5", tree))
    assert back.schema_version == "1" and back.attrs["seed"] == 1 and "schema_version" not in tree["@attrs"]
    assert back.table["finding"].tolist() == ["F1"] and back.findings["F1"]["text"] == "x"
    write_tree(tmp_path / "g.h5", {"@attrs": {"schema_version": "1"}})
    with pytest.raises(FileFormatError, match="g.h5: field /table missing"):
        read_findings(tmp_path / "g.h5")


def test_sensitivity_file_refuses_a_foreign_file(tmp_path):
    res = SensitivityResult("morris", ["a", "b"], np.array([[0.0, 1.0], [0.0, 2.0]]), np.zeros((3, 2)),
                            {"y": np.ones(3)}, {"y": {"mu": np.zeros(2)}}, {"seed": 4})
    back = read_sensitivity(write_sensitivity(tmp_path / "s.h5", res))
    assert back.settings == {"seed": 4} and back.names == ["a", "b"]
    assert read_tree(tmp_path / "s.h5")["@attrs"]["schema_version"] == "1"
    write_tree(tmp_path / "t.h5", {"@attrs": {"method": "sobol"}, "design": {}})
    with pytest.raises(FileFormatError, match="t.h5: field /design/X missing"):
        read_sensitivity(tmp_path / "t.h5")


def test_calibration_files_round_trip_and_shape_checks(tmp_path):
    chain = np.random.default_rng(0).normal(size=(4, 6, 2))
    tree = {"@attrs": {"n_walkers": 6}, "names": ["a", "b"], "chain": chain, "log_prob": np.zeros((4, 6)),
            "rng": {"name": "MT19937", "keys": np.arange(624, dtype=np.uint32), "pos": 3, "has_gauss": 0,
                    "cached_gaussian": 0.0}, "seconds": 1.5}
    back = read_chain(write_chain(tmp_path / "chain.h5", tree))
    np.testing.assert_array_equal(back.chain, chain)
    assert back.names == ("a", "b") and back.seconds == 1.5 and back.attrs["schema_version"] == "1"
    write_chain(tmp_path / "bad.h5", {**tree, "log_prob": np.zeros((3, 6))})
    with pytest.raises(FileFormatError, match=r"bad.h5: field /log_prob has shape \(3, 6\)"):
        read_chain(tmp_path / "bad.h5")
    cal = {"names": ["a", "b"], "point_estimate": np.array([1.0, 2.0]), "posterior_samples": np.ones((5, 2)),
           "diagnostics": {"rhat": np.ones(2)}}
    got = read_calibration(write_calibration(tmp_path / "calibration.h5", cal))
    np.testing.assert_array_equal(got.point_estimate, [1.0, 2.0]) and got.diagnostics["rhat"].shape == (2,)
    write_calibration(tmp_path / "c2.h5", {**cal, "posterior_samples": np.ones((5, 3))})
    with pytest.raises(FileFormatError, match="c2.h5: field /posterior_samples has shape"):
        read_calibration(tmp_path / "c2.h5")


def test_shipped_posterior_reads_as_legacy_version():
    ref = resources.files("sim.data").joinpath("calibration/posterior.h5")
    names, samples = read_posterior(str(ref))
    assert samples.shape[1] == len(names) > 0


def test_io_imports_no_package_above_it():
    """sim.io is the files layer: sweeps, CLIs, calibration and findings use it, never the reverse."""
    above = ("sim.sweep", "sim.cli", "sim.calibration", "sim.findings", "sim.plotting")
    folder = Path(sim.io.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad = [n for n in names if n.startswith(above)]
            assert not bad, f"{path.name} imports {bad}"


def test_sweep_chunk_file_without_a_column_is_named(tmp_path):
    from sim.io.sweep_table import SWEEP_SCHEMA_VERSION, StoreMismatchError
    from sim.sweep.store import read_chunk

    write_tree(tmp_path / "chunk_000000.h5", {"@attrs": {"schema_version": SWEEP_SCHEMA_VERSION},
                                              "grid_index": np.arange(2), "hash": ["a", "b"]})
    with pytest.raises(StoreMismatchError, match=r"chunk_000000.h5: field /status missing"):
        read_chunk(tmp_path / "chunk_000000.h5")
