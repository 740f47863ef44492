"""``result.h5`` read back into a :class:`sim.Result`: a round trip, and malformed files refused."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.io import write_tree
from sim.io.result_file import read_result, result_tree
from sim.io.versioned_layout import FileFormatError
from sim.observe import observe_all

REGIMENS = ("none()@0", "msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@30")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    res = sim.simulate([sim.Patient(kl_grade=3), sim.Patient(kl_grade=2, bmi=31.0)], list(REGIMENS),
                       times=[0.0, 30.0, 91.0])
    obs = observe_all(res)
    path = tmp_path_factory.mktemp("rt") / "result.h5"
    write_tree(path, result_tree(res, ["untreated", "msc"], obs, {"seed": 3, "created_by": "test"}))
    return res, obs, path


def test_round_trip_gives_the_same_result(written):
    res, obs, path = written
    back = read_result(path)
    r = back.result
    assert back.arm_names == ("untreated", "msc") and back.schema_version == "1.0"
    assert r.state_names == res.state_names
    for name in ("times", "states", "parameters", "status"):
        np.testing.assert_array_equal(getattr(r, name), getattr(res, name))
    assert r.regimens == res.regimens and r.messages == res.messages
    assert set(r.covariates) == set(res.covariates)
    for k, v in res.covariates.items():
        np.testing.assert_array_equal(r.covariates[k], v)
    for k, v in res.solver_stats.items():
        np.testing.assert_array_equal(r.solver_stats[k], v)
    assert dict(r.symptoms) == dict(res.symptoms)
    assert list(back.outcomes) == list(obs)
    for k, v in obs.items():
        np.testing.assert_array_equal(back.outcomes[k], v)
    assert r.provenance["seed"] == 3
    assert back.events["msc"]["day"].tolist()[-1] == 30.0
    # The outcomes recomputed from the file's result equal the stored ones, bit for bit.
    again = observe_all(r)
    for k in obs:
        np.testing.assert_array_equal(again[k], back.outcomes[k])


def test_not_hdf5_names_the_file(tmp_path):
    bad = tmp_path / "result.h5"
    bad.write_text("not hdf5")
    with pytest.raises(FileFormatError, match="result.h5: not a readable HDF5"):
        read_result(bad)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.h5"):
        read_result(tmp_path / "nothing.h5")


def test_missing_field_and_wrong_version_are_named(written, tmp_path):
    from sim.io import read_tree

    _, _, path = written
    tree = read_tree(path)
    del tree["parameters"]
    write_tree(tmp_path / "a.h5", tree)
    with pytest.raises(FileFormatError, match=r"a.h5: field /parameters/values missing"):
        read_result(tmp_path / "a.h5")
    tree = read_tree(path)
    tree["@attrs"]["schema_version"] = "9.9"
    write_tree(tmp_path / "b.h5", tree)
    with pytest.raises(FileFormatError, match=r"b.h5: schema_version '9.9'.*allowed: 1.0"):
        read_result(tmp_path / "b.h5")
    tree = read_tree(path)
    tree["states"]["C_chondro" if "C_chondro" in tree["states"] else next(iter(tree["states"]))] = np.zeros(3)
    write_tree(tmp_path / "c.h5", tree)
    with pytest.raises(FileFormatError, match=r"c.h5: field /states/.* has shape"):
        read_result(tmp_path / "c.h5")
