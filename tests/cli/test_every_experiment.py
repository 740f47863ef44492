"""A tiny run of every experiment config, with its app's debug settings (nothing else appended).

Every file in ``experiments/run/`` runs through ``sim-run`` and every file in
``experiments/trial/`` through ``sim-trial``, each shrunk only by the app's own ``debug`` option
(so the debug configs are tested too), and must write its result file into its run folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.io import read_tree

REPO = Path(__file__).resolve().parents[2]
RUN = sorted(p.stem for p in (REPO / "experiments" / "run").glob("*.yaml"))
TRIAL = sorted(p.stem for p in (REPO / "experiments" / "trial").glob("*.yaml"))


def _app(prog: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name(prog)
    module = {"sim-run": "sim.cli.run_app", "sim-trial": "sim.cli.trial_app"}[prog]
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", module]
    return subprocess.run(cmd + args, cwd=cwd, capture_output=True, text=True, timeout=600)


def _written_h5(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("*.h5"))


def test_every_app_has_experiments():
    assert "main" in RUN and TRIAL, (RUN, TRIAL)


@pytest.mark.parametrize("name", RUN)
def test_run_experiment_runs_tiny(tmp_path, name):
    debug = "lesion" if "kind: lesion" in (REPO / "experiments" / "run" / f"{name}.yaml").read_text() else "default"
    proc = _app("sim-run", [f"experiment={name}", f"debug={debug}", "hydra.run.dir=run"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = _written_h5(tmp_path / "run")
    assert len(files) == 1, proc.stdout[-500:]
    assert read_tree(files[0])  # a readable, non-empty file
    assert (tmp_path / "run" / "run.log").exists()


@pytest.mark.parametrize("name", TRIAL)
def test_trial_experiment_runs_tiny(tmp_path, name):
    proc = _app("sim-trial", [f"experiment={name}", "debug=default", "hydra.run.dir=trial"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = _written_h5(tmp_path / "trial")
    assert len(files) == 1, proc.stdout[-500:]
    assert read_tree(files[0])
    assert (tmp_path / "trial" / "trial.log").exists()


def test_debug_runs_go_to_their_own_folder(tmp_path):
    """Without hydra.run.dir the debug option puts the run folder under <paths.runs>/debug/."""
    proc = _app("sim-run", ["debug=default", "paths.runs=elsewhere", "output.png=false"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = list((tmp_path / "elsewhere" / "debug").iterdir())
    assert len(runs) == 1 and (runs[0] / "result.h5").exists()


def test_an_experiment_of_the_other_app_is_refused(tmp_path):
    proc = _app("sim-trial", ["experiment=main"], tmp_path)
    assert proc.returncode == 2
    assert "experiment: 'main' is not an option for sim-trial" in proc.stderr
    assert all(name in proc.stderr for name in TRIAL)
