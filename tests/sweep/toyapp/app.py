"""A tiny Hydra app shaped like ``sim-run``: its task function hands sweep jobs to
:func:`sim.sweep.hydra_job.run_job` with a deterministic stand-in evaluator.

Environment knobs used by the tests:
``TOY_KILL_AFTER=k``  the process kills itself (SIGKILL) at its (k+1)-th evaluator call.
``TOY_WORK_MS=x``     each point also burns about x ms of CPU (for throughput benchmarks).
"""

import os
import signal
import time
import zlib

import hydra
import numpy as np
from omegaconf import DictConfig

from sim.sweep.definition import canonical_json
from sim.sweep.hydra_job import is_sweep, run_job

_CALLS = [0]
_EFFECT = {"none": 1.0, "ha": 1.3, "prp": 1.6}


def evaluate(points: list[dict]) -> dict[str, np.ndarray]:
    """Stand-in model: outcome per point from its own config and seed (batch-invariant)."""
    kill_after = os.environ.get("TOY_KILL_AFTER")
    if kill_after is not None and _CALLS[0] >= int(kill_after):
        os.kill(os.getpid(), signal.SIGKILL)
    _CALLS[0] += 1
    work_s = float(os.environ.get("TOY_WORK_MS", "0")) / 1000.0
    y = np.empty(len(points))
    curve = np.empty((len(points), 3))
    for i, p in enumerate(points):
        r = p["regimen"]
        if r["dose"] < 0:
            raise ValueError(f"regimen.dose must be >= 0, got {r['dose']}")
        key = zlib.crc32(canonical_json(p).encode())
        rng = np.random.default_rng([p["seed"], key])
        y[i] = r["dose"] * _EFFECT[r["adjuvant"]] * r["n_injections"] + 0.1 * rng.standard_normal()
        curve[i] = y[i] * np.exp(-np.arange(3) / 2.0)
        if work_s:
            t_end = time.process_time() + work_s
            while time.process_time() < t_end:
                pass
    return {"womac_change": y, "cartilage_curve": curve}


@hydra.main(config_path="conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    if is_sweep(cfg):
        run_job(cfg, evaluate)


if __name__ == "__main__":
    main()
