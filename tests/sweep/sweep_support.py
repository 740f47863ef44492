"""Helpers for sweep tests: a tiny definition, a deterministic stand-in evaluator, and a
runner for the stand-in Hydra app (``toyapp/app.py``, shaped like ``sim-run``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np

from sim.sweep.definition import canonical_json

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "toyapp" / "app.py"


BASE = {"seed": 3, "regimen": {"dose": 1.0, "adjuvant": "none", "n_injections": 1},
        "patient": {"phenotype": "inflammatory"}}
AXES = {"regimen.dose": [-1.0, 0.5, 2.0], "regimen.adjuvant": ["none", "ha"],
        "regimen.n_injections": [1, 2]}


def toy_evaluate(points):
    """Batch-invariant stand-in model; raises for dose < 0 (a failing point)."""
    y = np.empty(len(points))
    curve = np.empty((len(points), 2))
    for i, p in enumerate(points):
        r = p["regimen"]
        if r["dose"] < 0:
            raise ValueError(f"negative dose {r['dose']}")
        rng = np.random.default_rng([p["seed"], zlib.crc32(canonical_json(p).encode())])
        y[i] = r["dose"] * (1.5 if r["adjuvant"] == "ha" else 1.0) * r["n_injections"] \
            + 0.01 * rng.standard_normal()
        curve[i] = [y[i], 0.5 * y[i]]
    return {"y": y, "curve": curve}


#: Exit status of a toy sweep run to the end: its grid has failing points (dose < 0), and a
#: multirun with failed points exits 1 after aggregating.
FAILED_POINTS_RC = 1


def run_app(cwd: Path, *args: str, env: dict | None = None, timeout: float = 120,
            check: bool = True, progress: bool = False,
            expect_rc: int = FAILED_POINTS_RC) -> subprocess.CompletedProcess:
    """Run the stand-in Hydra app with the project's configs on its search path.

    With ``check`` the exit status must be ``expect_rc`` (by default that of a toy sweep
    whose failing points were recorded: 1, with the status summary on stderr).
    """
    full_env = {**os.environ, "HYDRA_FULL_ERROR": "1", **(env or {})}
    cmd = [sys.executable, str(APP), f"hydra.searchpath=[file://{REPO / 'configs'}]",
           f"hydra.callbacks.sweep.progress={str(progress).lower()}", *args]
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    if check and (proc.returncode != expect_rc
                  or (expect_rc == FAILED_POINTS_RC and "not every point succeeded" not in proc.stderr)):
        raise AssertionError(f"app failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc
