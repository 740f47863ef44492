"""Two-way coupling of the lesion model with the joint model (sim.lesion.two_way)."""

import numba
import numpy as np
import pytest

import sim
from sim.io import read_tree
from sim.io.lesion_file import write_two_way
from sim.lesion import LesionGeometry, TwoWayError, run_two_way, split_vector
from sim.lesion.two_way import DEFAULT_DEFECT_AREA_FRACTION

# A tiny full-thickness defect (13 x 20 voxels) keeps each 60-day run well under a second.
TINY = LesionGeometry(width_mm=1.0, defect_width_mm=0.5, cartilage_thickness_mm=0.5,
                      bone_depth_mm=0.1)
MSC = "msc(cells=4e7,source=bm,allogeneic=0)"
TWO_DOSES = f"{MSC}@0;{MSC}@15"  # the second dose falls exactly on a 15-day window end
PATIENT = sim.Patient(kl_grade=3)


def _run(regimen=TWO_DOSES, days=60, window_days=15.0, **kw):
    return run_two_way(PATIENT, regimen, days=days, window_days=window_days, geometry=TINY, **kw)


@pytest.fixture(scope="module")
def runs():
    return {w: _run(window_days=w) for w in (1.0, 2.0, 10.0, 15.0, 30.0)}


def test_no_msc_gives_no_repair():
    res = _run("saline(ml=4)@0", days=30)
    assert res.status == "ok"
    assert np.max(res.lesion["defect_fill"]) < 1e-3
    assert np.all(res.lesion["n_msc"] == 0)
    assert np.all(res.state("repair_tissue") == 0.0)
    assert np.all(res.state("repair_hyaline") == 0.0)


def test_joint_repair_equals_lesion_value_at_window_ends(runs):
    res = runs[15.0]
    assert res.status == "ok"
    np.testing.assert_array_equal(res.window_ends, [15.0, 30.0, 45.0, 60.0])
    scale = DEFAULT_DEFECT_AREA_FRACTION * 1.0  # full thickness: depth fraction 1
    assert res.settings["depth_fraction"] == 1.0
    for b, rep, hyal in zip(res.window_ends, res.repair_written, res.hyaline_written):
        i = int(np.flatnonzero(res.times == b)[0])
        assert res.state("repair_tissue")[i] == rep
        assert res.state("repair_hyaline")[i] == hyal
        assert rep == pytest.approx(scale * res.lesion["defect_fill"][i], rel=1e-15)
        assert hyal == pytest.approx(rep * res.lesion["repair_quality"][i], rel=1e-15)
    assert res.repair_written[-1] > 1e-3  # MSCs did fill part of the defect
    # No repair before the first write: the joint model's own deposition is switched off.
    assert np.all(res.state("repair_tissue")[res.times < 15.0] == 0.0)
    names = [q.name for q in sim.PARAMETERS]
    assert res.joint_parameters[names.index("mech_differentiation")] == 0.0


def test_event_on_window_end_is_right_continuous(runs):
    i = int(np.flatnonzero(runs[15.0].times == 15.0)[0])
    for w in (15.0, 30.0):  # day 15 is a window end for one, inside a window for the other
        assert runs[w].state("msc_free")[i] == pytest.approx(40.0, rel=1e-6)
        assert runs[w].state("msc_free")[i - 1] < 1e-3


def test_windows_of_15_and_30_days_agree(runs):
    # Measured: defect fill 1.5e-5 apart (7e-5 relative), repair at common window ends 7e-5
    # relative, other joint states <= 0.7% relative (the feedback lags by half a window).
    a, b = runs[15.0], runs[30.0]
    np.testing.assert_allclose(a.lesion["defect_fill"], b.lesion["defect_fill"], rtol=1e-3,
                               atol=1e-4)
    np.testing.assert_allclose(a.repair_written[1::2], b.repair_written, rtol=1e-3)
    keep = [n not in ("repair_tissue", "repair_hyaline") for n in a.state_names]
    np.testing.assert_allclose(a.states[:, keep], b.states[:, keep], rtol=2e-2, atol=1e-6)


def test_window_error_shrinks_with_window(runs):
    # First-order splitting: distance to 1-day windows falls with the window length.
    ref = runs[1.0].state("fragments")[-1]
    err = [abs(runs[w].state("fragments")[-1] - ref) for w in (30.0, 10.0, 2.0)]
    assert err[0] > err[1] > err[2]
    # The feedback is real: one-way (no write-back) lies further off than 30-day windows
    # (measured: 30-day windows catch ~half of the day-60 effect, 2-day windows ~99%).
    one_way = _run(window_days=30.0, write_back=False)
    assert np.all(one_way.state("repair_tissue") == 0.0)
    assert abs(one_way.state("fragments")[-1] - ref) > 1.5 * err[0] > 0


def test_same_seed_same_bits_for_one_and_two_threads(runs):
    ref = runs[30.0]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _run(window_days=30.0)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.states, ref.states)
    for name in ref.lesion:
        np.testing.assert_array_equal(one.lesion[name], ref.lesion[name])
    other = _run(days=10, window_days=5.0, seed=1)
    assert not np.array_equal(other.lesion["n_msc"], runs[15.0].lesion["n_msc"][:11])


def test_one_vector_drives_both_models():
    joint, lesion = split_vector({"k_repair": 0.003,
                                  "lesion.k_matrix_chondro": 0.0})
    assert joint == {"k_repair": 0.003} and lesion["k_matrix_chondro"] == 0.0
    patient = sim.Patient(kl_grade=3, parameters=joint)
    res = run_two_way(patient, f"{MSC}@0", days=10, window_days=5.0, geometry=TINY,
                      lesion_params=lesion)
    assert res.joint_parameters[[q.name for q in sim.PARAMETERS].index("k_repair")] == 0.003
    assert np.all(res.lesion["defect_fill"] == 0.0) and res.lesion["n_msc"][-1] > 0
    assert np.all(res.state("repair_tissue") == 0.0)


def test_save_round_trips(runs, tmp_path):
    res = runs[30.0]
    tree = read_tree(write_two_way(tmp_path / "two_way.h5", res))
    np.testing.assert_array_equal(tree["times"]["@data"], res.times)
    np.testing.assert_array_equal(tree["joint"]["repair_tissue"]["@data"],
                                  res.state("repair_tissue"))
    np.testing.assert_array_equal(tree["lesion"]["defect_fill"]["@data"],
                                  res.lesion["defect_fill"])
    np.testing.assert_array_equal(tree["coupling"]["repair_written"], res.repair_written)
    assert tree["@attrs"]["model"] == "sim.lesion.two_way"


def test_joint_result_feeds_observation_models(runs):
    res = runs[30.0]
    joint = res.joint_result()
    np.testing.assert_array_equal(joint.state("repair_tissue")[0], res.state("repair_tissue"))
    womac = sim.observe(joint, "WOMAC_total")
    assert np.all(np.isfinite(np.asarray(womac)))


@pytest.mark.parametrize("kw, field", [
    ({"days": -1.0}, "days"), ({"window_days": 0.0}, "window_days"),
    ({"window_days": 0.3}, "window_days"), ({"defect_area_fraction": 1.5}, "defect_area_fraction"),
    ({"k_reach": -1e-3}, "k_reach"), ({"seed": 1.5}, "seed"),
    ({"lesion_options": {"seed": 2}}, "lesion_options")])
def test_bad_arguments_name_the_field(kw, field):
    args = {"days": 10.0, "window_days": 5.0, **kw}
    with pytest.raises(TwoWayError, match=field):
        run_two_way(PATIENT, "none()@0", geometry=TINY, **args)
