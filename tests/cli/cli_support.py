"""Run ``sim-run`` as a user would: a subprocess in its own run folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: Short horizon and a two-arm comparison keep each run around a second.
# 183 days: the main job's last dose (day 182) must lie within follow-up
FAST = ["experiment.t_end=183", "experiment.report_days=[28,91]"]


def command() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("sim-run")
    if script.exists():
        return [str(script)]
    found = shutil.which("sim-run")
    return [found] if found else [sys.executable, "-m", "sim.cli.run_app"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    run_dir: Path


def start(run_dir: Path, overrides: list[str]) -> tuple[subprocess.Popen, Path]:
    env = dict(os.environ, NUMBA_NUM_THREADS="1", MPLBACKEND="Agg", HYDRA_FULL_ERROR="0")
    proc = subprocess.Popen(command() + [f"hydra.run.dir={run_dir}", *overrides], cwd=run_dir.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return proc, run_dir


def finish(proc: subprocess.Popen, run_dir: Path, timeout: float = 120) -> Run:
    out, err = proc.communicate(timeout=timeout)
    return Run(proc.returncode, out, err, run_dir)


def run_many(jobs: dict[str, tuple[Path, list[str]]]) -> dict[str, Run]:
    """Start every job, two at a time (the test machines have two cores), and collect them."""
    names = list(jobs)
    results: dict[str, Run] = {}
    for i in range(0, len(names), 2):
        started = {n: start(*jobs[n]) for n in names[i:i + 2]}
        results.update({n: finish(*started[n]) for n in started})
    return results
