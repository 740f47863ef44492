"""Chunk runs, resume, failures, aggregation and status without Hydra."""

import json

import numpy as np
import pytest
from sweep_support import AXES, BASE, toy_evaluate

from sim.io import read_tree, write_tree
from sim.sweep import (
    EvaluatorOutputError,
    StoreMismatchError,
    SweepDefinition,
    aggregate,
    load_sweep,
    run_chunk,
    run_sweep,
    sweep_status,
    table_digest,
)
from sim.sweep.store import STATUS_FAILED, STATUS_MISSING, STATUS_OK, chunk_path, mark_running


def _calls(evaluate):
    log = []

    def wrapped(points):
        log.append(len(points))
        return evaluate(points)
    return wrapped, log


def test_full_run_table(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    t = load_sweep(tmp_path)
    assert t.shape == (3, 2, 2) and t.status.shape == (12,)
    failed = t.coords["regimen.dose"] == -1.0
    assert np.all(t.status[failed] == STATUS_FAILED) and np.all(t.status[~failed] == STATUS_OK)
    assert all("ValueError: negative dose -1.0" in e for e in t.error[failed])
    assert np.all(np.isnan(t.outcomes["y"][failed]))
    g = t.grid("y")
    assert g.shape == (3, 2, 2)
    assert g[2, 1, 1] == pytest.approx(2.0 * 1.5 * 2, abs=0.05)
    assert t.outcomes["curve"].shape == (12, 2) and t.grid("curve").shape == (3, 2, 2, 2)
    assert t.mask({"regimen.adjuvant": "ha"}).sum() == 6
    assert np.array_equal(t.axes["regimen.n_injections"], [1, 2])
    assert t.attrs["n_ok"] == 8 and t.attrs["n_failed"] == 4 and t.attrs["n_missing"] == 0


def test_rerun_skips_done_points(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    before = table_digest(tmp_path)
    ev, log = _calls(toy_evaluate)
    reports = run_sweep(definition, tmp_path, ev, progress=False)
    assert log == [] and all(r.n_evaluated == 0 for r in reports)
    assert table_digest(tmp_path) == before


def test_interrupted_then_resumed_equals_uninterrupted(definition, tmp_path):
    run_sweep(definition, tmp_path / "ref", toy_evaluate, progress=False)
    def dies_at_second_chunk(points):
        if any(p["regimen"]["dose"] == 2.0 for p in points):  # first met in chunk 1
            raise SystemExit("killed")  # not an Exception: stops the job, nothing written
        return toy_evaluate(points)

    with pytest.raises(SystemExit):
        run_sweep(definition, tmp_path / "run", dies_at_second_chunk, progress=False)
    assert sweep_status(tmp_path / "run").missing == 7  # chunks 1 (5) and 2 (2) to do
    ev, log = _calls(toy_evaluate)
    run_sweep(definition, tmp_path / "run", ev, progress=False)
    assert log == [5, 2]  # chunk 0 skipped; chunks 1 and 2 each in one batch
    assert table_digest(tmp_path / "run") == table_digest(tmp_path / "ref")


def test_partial_chunk_is_completed_in_place(definition, tmp_path):
    """A chunk file missing some rows (e.g. an older partial write) gets only those run."""
    run_sweep(definition, tmp_path / "ref", toy_evaluate, progress=False)
    run_sweep(definition, tmp_path / "run", toy_evaluate, progress=False)
    tree = read_tree(chunk_path(tmp_path / "run", 1))
    keep = slice(0, 2)
    for k in ("grid_index", "hash", "status", "error"):
        tree[k] = tree[k][keep]
    tree["outcomes"] = {k: v[keep] for k, v in tree["outcomes"].items()}
    write_tree(chunk_path(tmp_path / "run", 1), tree)
    ev, log = _calls(toy_evaluate)
    run_chunk(definition, 1, tmp_path / "run", ev)
    assert log == [3]
    aggregate(tmp_path / "run")
    assert table_digest(tmp_path / "run") == table_digest(tmp_path / "ref")


def test_retry_failed(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    ev, log = _calls(lambda pts: {"y": [0.0] * len(pts), "curve": np.zeros((len(pts), 2))})
    run_sweep(definition, tmp_path, ev, retry_failed=True, progress=False)
    assert sum(log) == 4  # only the four failed points again
    t = load_sweep(tmp_path)
    assert np.all(t.status == STATUS_OK)


def test_evaluator_reported_errors(definition, tmp_path):
    def ev(points):
        out = toy_evaluate([p for p in points if p["regimen"]["dose"] >= 0] or points[:0])
        n = len(points)
        y = np.zeros(n)
        err = ["solver: step size underflow" if p["regimen"]["n_injections"] == 2 else ""
               for p in points]
        return {"y": y, "_error": err} if out is not None else {}
    run_sweep(definition, tmp_path, ev, progress=False)
    t = load_sweep(tmp_path)
    two = t.coords["regimen.n_injections"] == 2
    assert np.all(t.status[two] == STATUS_FAILED) and np.all(t.error[two] == "solver: step size underflow")
    assert np.all(t.status[~two] == STATUS_OK)


@pytest.mark.parametrize("bad, match", [
    (lambda pts: [1.0] * len(pts), "must return a dict"),
    (lambda pts: {"y": [1.0]}, r"expected \d+ rows"),
    (lambda pts: {"a/b": np.zeros(len(pts))}, "without '/'"),
])
def test_evaluator_contract_violations_stop(definition, tmp_path, bad, match):
    with pytest.raises(EvaluatorOutputError, match=match):
        run_chunk(definition, 1, tmp_path, bad)
    assert not chunk_path(tmp_path, 1).exists()


def test_other_definition_refused_nothing_overwritten(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    other = SweepDefinition({**AXES, "regimen.dose": [0.5, 2.0, 4.0]}, 5, BASE)
    with pytest.raises(StoreMismatchError, match=r"another sweep definition:\n  axes: store has"):
        run_chunk(other, 0, tmp_path, toy_evaluate)
    with pytest.raises(StoreMismatchError, match="base configuration differs at: seed"):
        run_sweep(SweepDefinition(AXES, 5, {**BASE, "seed": 9}), tmp_path, toy_evaluate,
                  progress=False)
    assert {p: p.read_bytes() for p in sorted(p for p in tmp_path.rglob("*") if p.is_file())} \
        == before


def test_other_schema_version_refused(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    manifest = tmp_path / "sweep.h5"
    tree = read_tree(manifest)
    tree["@attrs"]["schema_version"] = 99
    write_tree(manifest, tree)
    raw = manifest.read_bytes()
    with pytest.raises(StoreMismatchError, match="schema version 99"):
        run_chunk(definition, 0, tmp_path, toy_evaluate)
    with pytest.raises(StoreMismatchError, match="schema version 99"):
        aggregate(tmp_path)
    assert manifest.read_bytes() == raw


def test_foreign_chunk_file_refused(definition, tmp_path):
    run_sweep(definition, tmp_path, toy_evaluate, progress=False)
    tree = read_tree(chunk_path(tmp_path, 0))
    tree["hash"] = np.asarray(["0" * 64] * tree["hash"].size)
    write_tree(chunk_path(tmp_path, 0), tree)
    with pytest.raises(StoreMismatchError, match="foreign or corrupt"):
        run_chunk(definition, 0, tmp_path, toy_evaluate)


def test_status_counts(definition, tmp_path):
    run_chunk(definition, 0, tmp_path, toy_evaluate)  # 5 points: 4 failed (dose -1), 1 ok
    mark_running(tmp_path, 1)  # this process is alive: chunk 1 counts as running
    st = sweep_status(tmp_path)
    assert (st.done, st.failed, st.running, st.missing) == (1, 4, 5, 2)
    assert st.missing_chunks == [2] and st.failed_chunks == [0]
    marker = tmp_path / "running" / "chunk_000001.json"
    info = json.loads(marker.read_text())
    info["pid"] = 2 ** 22 + 12345  # no such process on this host: a job that died
    marker.write_text(json.dumps(info))
    st = sweep_status(tmp_path)
    assert (st.running, st.missing, st.stale_markers) == (0, 7, [1])
    aggregate(tmp_path)
    t = load_sweep(tmp_path)
    assert np.sum(t.status == STATUS_MISSING) == 7 and t.grid("y").shape == (3, 2, 2)


def test_json_axis_values_roundtrip(tmp_path):
    base = {"regimen": {"days": [0], "product": {"kind": "msc"}}}
    d = SweepDefinition({"regimen.days": [[0], [0, 90], [0, 90, 180]]}, 2, base)
    run_sweep(d, tmp_path, lambda pts: {"n": [len(p["regimen"]["days"]) for p in pts]},
              progress=False)
    t = load_sweep(tmp_path)
    assert list(t.axes["regimen.days"]) == [[0], [0, 90], [0, 90, 180]]
    assert np.array_equal(t.outcomes["n"], [1, 2, 3])


def test_parallel_equals_serial(definition, tmp_path):
    run_sweep(definition, tmp_path / "a", toy_evaluate, progress=False)
    run_sweep(definition, tmp_path / "b", toy_evaluate, n_jobs=2, progress=False)
    assert table_digest(tmp_path / "a") == table_digest(tmp_path / "b")


def test_outcome_units_reach_the_aggregate(definition, tmp_path):
    """Units recorded with the chunks become unit attributes of the outcome columns."""
    from sim.sweep import run_chunk

    units = json.dumps({"y": "mm", "curve": "points"})
    for c in range(definition.n_chunks):
        run_chunk(definition, c, tmp_path, toy_evaluate, attrs={"outcome_units": units})
    path = aggregate(tmp_path)
    t = load_sweep(path)
    assert t.units == {"y": "mm", "curve": "points"}
    assert read_tree(path)["table"]["outcomes"]["y"]["@attrs"]["unit"] == "mm"
    assert t.outcomes["y"].shape == (12,)


def test_sim_run_sweep_outcome_units():
    from sim.cli.sweep_job import outcome_names, outcome_units

    units = outcome_units(["WOMAC_total", "VAS_pain", "MRI_cartilage_volume"], [91.0, 365.0])
    assert set(units) == set(outcome_names(["WOMAC_total", "VAS_pain", "MRI_cartilage_volume"],
                                           [91.0, 365.0])) | {"solver_status"}
    assert units["dVAS_pain_day91"] == "mm" and units["dMRI_cartilage_volume_pct_day365"] == "%"


def test_sim_run_sweep_points_are_solved_alone():
    """A point's outcomes do not depend on the chunk it shares (no lockstep groups across points)."""
    from sim.cli.sweep_job import evaluate_points

    base = {"patient": {"species": "human", "kl_grade": 3, "age": 60.0, "bmi": 28.0, "alignment_load": 1.0,
                        "inflammation": 1.0},
            "model": {}, "solver": {"method": "rodas4", "rtol": 1e-5, "atol": 1e-8, "max_steps": 50000,
                                    "lockstep": True},
            "experiment": {"measures": ["WOMAC_total"], "report_days": [91.0, 365.0], "run_in": 180.0},
            "regimen": "msc(cells=5e7,source=ad,allogeneic=0)@0"}
    points = [{**base, "patient": {**base["patient"], "age": 50.0 + 3 * i}} for i in range(6)]
    together = evaluate_points(points)
    for i in (0, 5):
        alone = evaluate_points([points[i]])
        for key in ("dWOMAC_total_day91", "dWOMAC_total_day365"):
            assert together[key][i] == alone[key][0]
