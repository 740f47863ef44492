"""A real sweep through the submitit SLURM launcher on the CI's single-node cluster.

Needs a running cluster: ``.ci/slurm/slurm-up.sh`` then ``source $SLURM_CI_DIR/env.sh``
(which exports ``SLURM_CONF`` and puts the sacct shim on PATH). Skipped otherwise.
"""

import json
import os
import shutil

import pytest
from sweep_support import run_app

from sim.io import read_tree
from sim.sweep import load_sweep, table_digest
from sim.sweep.store import list_chunk_files

pytestmark = [
    pytest.mark.slurm,
    pytest.mark.skipif((not os.environ.get("SLURM_CONF") or not shutil.which("sbatch"))
                       and not os.environ.get("SIM_REQUIRE_SLURM"),
                       reason="no SLURM cluster: SLURM_CONF is not set or sbatch is missing "
                              "(start one with .ci/slurm/slurm-up.sh)"),
]

SLURM_ARGS = ["+launcher=slurm", "hydra.launcher.timeout_min=5",
              "hydra.launcher.signal_delay_s=10", "hydra.launcher.cpus_per_task=1",
              "hydra.launcher.mem_gb=1"]


def test_slurm_sweep_equals_basic_bit_for_bit(tmp_path):
    run_app(tmp_path, "+sweep=toy", "sweep.store=basic")
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=slurm", *SLURM_ARGS, timeout=300)
    assert "0 missing" in proc.stdout + proc.stderr
    assert table_digest(tmp_path / "slurm") == table_digest(tmp_path / "basic")
    t = load_sweep(tmp_path / "slurm")
    assert t.attrs["n_ok"] == 18 and t.attrs["n_failed"] == 6
    # every chunk ran as a SLURM job, with Numba threads following --cpus-per-task
    for path in list_chunk_files(tmp_path / "slurm").values():
        attrs = read_tree(path)["@attrs"]
        assert attrs["slurm_job_id"] != ""
        assert int(attrs["numba_num_threads"]) == 1
        # a job-local cache, or the source-keyed cache the submitting process exported (sim._numba_cache)
        assert "sim-numba" in attrs["numba_cache_dir"]
    # the standalone aggregator gives the same table as the end-of-multirun callback
    from sim.cli.sweep_app import main_aggregate
    (tmp_path / "slurm" / "aggregate.h5").unlink()
    assert main_aggregate([str(tmp_path / "slurm"), "--strict"]) == 1  # 6 failed points
    assert table_digest(tmp_path / "slurm") == table_digest(tmp_path / "basic")
    assert json.loads(t.attrs["definition"])["chunk_size"] == 5


def test_sim_run_sweep_on_slurm_equals_basic(tmp_path):
    """The real app and model: `sim-run +sweep=dose_adjuvant` through SLURM and locally."""
    import subprocess
    import sys
    from pathlib import Path
    sim_run = Path(sys.executable).with_name("sim-run")
    if not sim_run.exists():
        pytest.skip("sim-run is not installed in this environment")
    # One Numba cache for both runs: the local run warms it, the SLURM jobs inherit it
    # (sbatch passes the environment on), the pre-warmed path of the launcher config. A
    # cache left from older model sources could otherwise hold kernels that differ.
    env = {**os.environ, "HYDRA_FULL_ERROR": "1", "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    common = [str(sim_run), "+sweep=dose_adjuvant", "hydra.callbacks.sweep.progress=false"]
    for store, extra in (("basic", []), ("slurm", SLURM_ARGS)):
        proc = subprocess.run([*common, f"sweep.store={store}", *extra], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert table_digest(tmp_path / "slurm") == table_digest(tmp_path / "basic")
    t = load_sweep(tmp_path / "slurm")
    assert t.attrs["n_ok"] == 12 and t.shape == (4, 3)
    for path in list_chunk_files(tmp_path / "slurm").values():
        assert read_tree(path)["@attrs"]["numba_cache_dir"] == str(tmp_path / "numba")
