"""Every command the README shows runs as written (with tiny overrides appended), so it cannot rot.

Commands are read from the README itself: the indented command blocks, the inline ``sim-...``
spans in the prose, and the Python example block. Each one runs in a shared scratch folder, in
README order (a sweep first, then its status and aggregation), with overrides appended that keep
it to a few seconds; Hydra and argparse let a later value win, so the README's own arguments are
still parsed and checked. Commands that cannot run here are listed in ``SKIP`` with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BIN = Path(sys.executable).parent

#: Appended to every command of a program (later values win): short horizons, few patients.
# 183 days: the main job's last dose (day 182) lies within follow-up
TINY_SIM_RUN = ["experiment.t_end=183", "experiment.report_days=[91]", "hydra.run.dir=run"]
TINY = {
    "sim-trial": ["trial.n_per_arm=4", "replicates=2", "power.replicates=2", "power.n_grid=[4]",
                  "hydra.run.dir=trial"],
    "sim-findings": ["--only", "F10", "--replicates", "4", "--pool", "25"],
    "sim-validate": ["--n-sim", "2", "--draws", "1"],
}
#: Extra overrides for particular commands (matched by a substring of the README line).
EXTRA = {
    "experiment=lesion_defect_fill": ["lesion.geometry.preset=small", "lesion.run.days=10",
                                    "lesion.run.snapshot_days=[0,10]"],
    "+sweep=": ["hydra.callbacks.sweep.progress=true"],
}
#: Commands the README shows failing on purpose, with the exit status and words it promises.
EXPECTED_FAILURE = {
    "patinet.bmi=30": (2, ["patinet.bmi", "did you mean 'patient'?"]),
    "sim-trial experiment=main": (2, ["experiment", "'main'", "kl23_ad_msc"]),
}
#: Commands not run, each with its reason (matched by a substring of the README line).
SKIP = {
    "pip install": "sets up the environment these tests already run in",
    "python benchmarks/": "benchmarks are measurements, not tests (house style); they live in benchmarks/",
    "sim.codegen": "rewrites the generated modules; their staleness is tested in tests/model and tests/solver",
    "sim-calibrate": "calibration takes minutes and `package=true` rewrites the shipped defaults; "
                     "the calibration tests cover it on tiny settings",
    "+launcher=slurm": "needs a SLURM cluster (tests/sweep/test_slurm.py runs one in CI)",
    "sim-validate --loso": "leave-one-study-out refits the calibration (tens of minutes); "
                           "tests/calibration/test_loso.py runs it on two tiny studies",
    "sim-install-calibration": "rewrites the shipped defaults; tests/calibration/test_install.py installs into a "
                               "temp folder",
}


def readme_commands(text: str) -> list[str]:
    """Shell commands shown in the README, in order of appearance, comments removed."""
    commands: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if line.startswith("    ") and line.strip():
            cmd = line.strip()
            # a trailing "# comment" (two spaces or more before it), not a '#' inside quotes
            cmd = re.split(r"\s{2,}#\s", cmd, maxsplit=1)[0].strip()
            commands.append(cmd)
        elif not line.startswith("|"):  # table cells name programs; prose spans are commands
            for span in re.findall(r"`([^`]+)`", line):
                if re.match(r"^((SIM_\w+=\S+ )?sim-[a-z-]+( |$)|python -m sim\.)", span):
                    commands.append(span)
    return list(dict.fromkeys(commands))


def python_blocks(text: str) -> list[str]:
    """The README's ```python blocks."""
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


COMMANDS = readme_commands(README.read_text())


def _skip_reason(cmd: str) -> str | None:
    return next((reason for key, reason in SKIP.items() if key in cmd), None)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One scratch folder for all commands, with the README's example input files in ``my/``."""
    d = tmp_path_factory.mktemp("readme")
    (d / "my").mkdir()
    for name in ("arms.csv", "outcomes.csv"):
        shutil.copy(REPO / "sim" / "data" / "trials" / name, d / "my" / name)
    return d


def _argv(cmd: str) -> tuple[list[str], dict[str, str]]:
    words = shlex.split(cmd)  # as the shell would: quotes removed
    env = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    prog = words[0]
    if prog == "python":
        words[0] = sys.executable
    elif prog.startswith("sim-"):
        words[0] = str(BIN / prog) if (BIN / prog).exists() else shutil.which(prog) or prog
        if prog == "sim-run":
            words += TINY_SIM_RUN
        words += TINY.get(prog, [])
    for key, extra in EXTRA.items():
        if key in cmd:
            words += extra
    return words, env


@pytest.mark.slow
@pytest.mark.parametrize("cmd", COMMANDS)
def test_readme_command_runs(cmd, workdir):
    reason = _skip_reason(cmd)
    if reason:
        pytest.skip(reason)
    argv, env = _argv(cmd)
    full_env = {**os.environ, "MPLBACKEND": "Agg", "HYDRA_FULL_ERROR": "0", **env}
    # Commands reading the packaged files by their checkout path run in the checkout (they only read).
    cwd = REPO if "sim/data/" in cmd else workdir
    proc = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600)
    expected = next((v for key, v in EXPECTED_FAILURE.items() if key in cmd), None)
    if expected is not None:
        status, words = expected
        assert proc.returncode == status and all(w in proc.stderr for w in words), proc.stderr[-2000:]
        return
    assert proc.returncode == 0, f"{cmd!r} -> {argv[1:]}\n{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr


def test_readme_lists_commands():
    """The parser finds the README's commands (so that an edit cannot silently empty this test)."""
    assert sum(c.startswith("sim-run") for c in COMMANDS) >= 6
    assert any(c.startswith("sim-trial") for c in COMMANDS)
    assert any("+launcher=joblib" in c for c in COMMANDS)


@pytest.mark.parametrize("block", python_blocks(README.read_text()))
def test_readme_python_example_runs(block):
    exec(compile(block, "README.md", "exec"), {})
