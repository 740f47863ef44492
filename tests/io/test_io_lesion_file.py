"""Lesion and two-way result files read back into their objects; malformed files refused."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.io import read_tree, write_tree
from sim.io.lesion_file import lesion_tree, read_lesion, read_two_way, write_lesion, write_two_way
from sim.io.versioned_layout import FileFormatError
from sim.lesion import LesionDrivers, LesionGeometry, run_two_way, simulate_lesion

TINY = LesionGeometry(width_mm=1.0, defect_width_mm=0.5, cartilage_thickness_mm=0.5, bone_depth_mm=0.1)


def test_lesion_round_trip(tmp_path):
    res = simulate_lesion(LesionGeometry.small(), None, LesionDrivers.constant(msc_influx=2e4),
                          days=2, initial_msc_per_mm3=1e4, snapshot_days=(0, 2))
    back = read_lesion(write_lesion(tmp_path / "lesion.h5", res))
    np.testing.assert_array_equal(back.times, res.times)
    assert list(back.series) == list(res.series)
    for k, v in res.series.items():
        np.testing.assert_array_equal(back.series[k], v)
    assert len(back.snapshots) == len(res.snapshots)
    for a, b in zip(back.snapshots, res.snapshots):
        assert a["t"] == b["t"]
        for k in ("fields", "hyaline", "fibrous", "agent_id", "agent_kind", "agent_iy", "agent_ix"):
            np.testing.assert_array_equal(a[k], b[k])
    assert back.geometry == res.geometry and dict(back.params.values) == dict(res.params.values)
    np.testing.assert_array_equal(back.drivers.msc_influx, res.drivers.msc_influx)
    np.testing.assert_array_equal(back.tissue, res.tissue)
    assert back.settings == res.settings and back.status == res.status


def test_two_way_round_trip(tmp_path):
    res = run_two_way(sim.Patient(kl_grade=3), "msc(cells=4e7,source=bm,allogeneic=0)@0", days=4,
                      window_days=2.0, geometry=TINY)
    back = read_two_way(write_two_way(tmp_path / "two_way.h5", res))
    assert back.state_names == res.state_names and back.status == res.status
    assert back.status_code == res.status_code
    for k in ("times", "states", "window_ends", "repair_written", "hyaline_written", "joint_parameters"):
        np.testing.assert_array_equal(getattr(back, k), getattr(res, k))
    for k, v in res.lesion.items():
        np.testing.assert_array_equal(back.lesion[k], v)
    assert dict(back.settings) == dict(res.settings)
    assert dict(back.covariates) == {k: np.asarray(v).item() for k, v in res.covariates.items()}


def test_malformed_lesion_files(tmp_path):
    (tmp_path / "x.h5").write_bytes(b"\0" * 64)
    with pytest.raises(FileFormatError, match="x.h5: not a readable HDF5 lesion result"):
        read_lesion(tmp_path / "x.h5")
    write_tree(tmp_path / "y.h5", {"@attrs": {"schema_version": "1"}, "series": {"a": np.zeros(2)}})
    with pytest.raises(FileFormatError, match="y.h5: field /series/t missing"):
        read_lesion(tmp_path / "y.h5")
    write_tree(tmp_path / "z.h5", {"@attrs": {"schema_version": "3"}})
    with pytest.raises(FileFormatError, match="z.h5: schema_version '3'"):
        read_two_way(tmp_path / "z.h5")
    assert read_tree(tmp_path / "z.h5")["@attrs"]["schema_version"] == "3"


def test_version_1_files_in_hours_read_back_in_days(tmp_path):
    # Version "1" held the step and the signal half-lives in hours.
    res = simulate_lesion(TINY, {"half_life_il1": 3.0 / 24}, None, days=1, snapshot_days=())
    tree = lesion_tree(res)
    hours = [n.startswith("half_life_") for n in tree["parameters"]["name"]]
    tree["parameters"]["value"] = np.where(hours, tree["parameters"]["value"] * 24.0,
                                           tree["parameters"]["value"])
    attrs = {k: v for k, v in tree["@attrs"].items() if k != "dt_days"}
    tree["@attrs"] = {**attrs, "schema_version": "1", "dt_hours": 1.0}
    back = read_lesion(write_tree(tmp_path / "v1.h5", tree))
    assert back.params["half_life_il1"] == res.params["half_life_il1"] == 3.0 / 24
    assert back.params["half_life_sdf"] == 2.0 / 24 and back.settings == res.settings
