"""sim-aggregate and sim-sweep-status."""

import json

from sweep_support import toy_evaluate

from sim.cli.sweep_app import main_aggregate, main_status
from sim.io import read_tree, write_tree
from sim.sweep import load_sweep, run_chunk


def test_aggregate_and_status(definition, tmp_path, capsys):
    run_chunk(definition, 0, tmp_path, toy_evaluate)
    run_chunk(definition, 2, tmp_path, toy_evaluate)
    assert main_status([str(tmp_path)]) == 0
    assert "12 points: 3 done, 4 failed, 0 running, 5 missing" in capsys.readouterr().out
    assert main_status([str(tmp_path), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert (st["done"], st["failed"], st["missing"], st["missing_chunks"]) == (3, 4, 5, [1])
    assert main_aggregate([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "table digest: " in out and (tmp_path / "aggregate.h5").is_file()
    assert main_aggregate([str(tmp_path), "--strict"]) == 1
    assert load_sweep(tmp_path).attrs["n_missing"] == 5


def test_bad_stores(tmp_path, capsys, definition):
    assert main_aggregate([str(tmp_path / "nowhere")]) == 2
    assert "not a sweep store" in capsys.readouterr().err
    run_chunk(definition, 0, tmp_path, toy_evaluate)
    tree = read_tree(tmp_path / "sweep.h5")
    tree["@attrs"]["schema_version"] = 0
    write_tree(tmp_path / "sweep.h5", tree)
    assert main_status([str(tmp_path)]) == 2
    assert "schema version 0" in capsys.readouterr().err
    assert not (tmp_path / "aggregate.h5").exists()
