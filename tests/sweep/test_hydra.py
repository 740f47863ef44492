"""The Hydra edge: sweep configs, launchers, kill-and-resume, bad input (stand-in app)."""

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf
from sweep_support import APP, REPO, run_app

from sim.io import read_tree
from sim.sweep import load_sweep, sweep_status, table_digest
from sim.sweep.hydra_job import check_chunk_coverage, definition_from_config
from sim.sweep.store import list_chunk_files

CONF = APP.parent / "conf"
SWEEPS = sorted(p.stem for p in (REPO / "configs" / "sweep").glob("*.yaml")
                if not p.stem.startswith("_"))


def _compose(*overrides: str):
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        return compose("config", overrides=[f"hydra.searchpath=[file://{REPO / 'configs'}]",
                                            *overrides], return_hydra_config=True)


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    """The toy sweep run once, uninterrupted, with the basic launcher."""
    cwd = tmp_path_factory.mktemp("ref")
    proc = run_app(cwd, "+sweep=toy", "sweep.store=store")
    return cwd / "store", proc


@pytest.fixture(scope="module")
def reference(reference_run) -> Path:
    return reference_run[0]


def test_basic_run_aggregates(reference_run):
    reference, proc = reference_run
    # failed points: exit 1 with the status summary, after the aggregate was written
    assert proc.returncode == 1
    assert "24 points: 18 done, 6 failed, 0 running, 0 missing" in proc.stderr
    assert "sweep.retry_failed=true" in proc.stderr
    t = load_sweep(reference)
    assert t.shape == (4, 3, 2) and t.attrs["n_ok"] == 18 and t.attrs["n_failed"] == 6
    assert all("regimen.dose must be >= 0" in e for e in t.error[t.coords["regimen.dose"] < 0])
    assert t.outcomes["cartilage_curve"].shape == (24, 3)


def test_progress_bar_and_rerun_skips_everything(reference, tmp_path):
    import shutil
    shutil.copytree(reference, tmp_path / "store")
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=store", progress=True)
    assert "sweep toy: 100%" in proc.stderr and "24/24" in proc.stderr
    assert proc.stdout.count(" 0 evaluated") == 5  # every chunk found complete
    assert table_digest(tmp_path / "store") == table_digest(reference)


@pytest.mark.slow
def test_joblib_launcher_gives_identical_table(reference, tmp_path):
    # with the default progress bar: its thread stays in the launching process
    run_app(tmp_path, "+sweep=toy", "+launcher=joblib", "sweep.store=store", progress=True)
    assert table_digest(tmp_path / "store") == table_digest(reference)
    # 2 workers x Numba threads stay within the cores
    import os
    cores = len(os.sched_getaffinity(0))
    for path in list_chunk_files(tmp_path / "store").values():
        assert 2 * int(read_tree(path)["@attrs"]["numba_num_threads"]) <= max(2, cores)


def test_killed_then_resumed_equals_uninterrupted(reference, tmp_path):
    # the process SIGKILLs itself at its third evaluator call (chunk 1 is the first call
    # that does not fail and retry point by point, so it dies inside chunk 2's batch)
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=store", env={"TOY_KILL_AFTER": "8"},
                   check=False)
    assert proc.returncode != 0
    st = sweep_status(tmp_path / "store")
    assert 0 < st.missing < 24 and not (tmp_path / "store" / "aggregate.h5").exists()
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=store")
    assert "0 missing" in proc.stdout + proc.stderr
    assert table_digest(tmp_path / "store") == table_digest(reference)


@pytest.mark.slow
def test_joblib_workers_do_not_outlive_a_killed_launcher(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    def children(pid):
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    env = {**os.environ, "TOY_WORK_MS": "2000"}
    cmd = [sys.executable, str(APP), f"hydra.searchpath=[file://{REPO / 'configs'}]", "+sweep=toy",
           "+launcher=joblib", "sweep.store=store"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not (tmp_path / "store" / "points").exists():
        time.sleep(0.2)  # workers are evaluating once a chunk's running marker appears
    workers = children(proc.pid)
    assert workers, "no worker processes started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 15
    alive = workers
    while alive and time.time() < deadline:
        time.sleep(0.5)
        alive = [p for p in workers if os.path.exists(f"/proc/{p}") and
                 open(f"/proc/{p}/stat").read().split()[2] != "Z"]
    assert not alive, f"workers still running after the launcher was killed: {alive}"


@pytest.mark.parametrize("override, message", [
    ("sweep.chunk_size=3", "24 points in 8 chunks of 3, but this multirun launches chunks "
                           r"\[0, 1, 2, 3, 4\]. Add the override sweep.chunk=range\(0,8\)"),
    ("sweep.chunk=range(0,4)", r"launches chunks \[0, 1, 2, 3\]"),
    ("regimen.dose=3", "override 'regimen.dose=3' conflicts with sweep axis 'regimen.dose'"),
    ("+sweep.axes.regimen.dosage=[1]", "no key 'dosage' under regimen; valid keys there: "
                                       "adjuvant, dose, n_injections"),
    ("sweep.axes.regimen.adjuvant=[]", "'regimen.adjuvant': empty value list"),
])
def test_bad_sweeps_stop_before_any_job(tmp_path, override, message):
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=store", override, check=False)
    assert proc.returncode != 0
    import re
    assert re.search(message, proc.stderr), proc.stderr[-2000:]
    assert not (tmp_path / "store" / "points").exists()


def test_resume_with_other_definition_refused(reference, tmp_path):
    import shutil
    shutil.copytree(reference, tmp_path / "store")
    before = {p: p.read_bytes() for p in (tmp_path / "store").rglob("*.h5")}
    proc = run_app(tmp_path, "+sweep=toy", "sweep.store=store", "seed=8", check=False)
    assert proc.returncode != 0
    assert "belongs to another sweep definition" in proc.stderr
    assert "base configuration differs at: seed" in proc.stderr
    assert {p: p.read_bytes() for p in (tmp_path / "store").rglob("*.h5")} == before


@pytest.mark.parametrize("launcher, target", [
    ("basic", "hydra._internal.core_plugins.basic_launcher.BasicLauncher"),
    ("joblib", "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"),
    ("slurm", "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"),
])
def test_launcher_configs_compose(launcher, target):
    cfg = _compose("+sweep=toy", f"+launcher={launcher}")
    assert cfg.hydra.launcher._target_ == target
    if launcher == "joblib":
        assert cfg.hydra.launcher.n_jobs == 2
    if launcher == "slurm":
        setup = OmegaConf.to_container(cfg.hydra.launcher.setup, resolve=True)
        assert "export NUMBA_NUM_THREADS=$SLURM_CPUS_PER_TASK" in setup
        assert '[ -n "$NUMBA_CACHE_DIR" ] || NUMBA_CACHE_DIR=$(mktemp -d -t sim-numba-XXXXXX)' \
            in setup and "export NUMBA_CACHE_DIR" in setup
        assert cfg.hydra.launcher.signal_delay_s > 0


def _real_app_config(name: str):
    """The sweep composed on sim-run's own config (its root, the shared configs on the search path)."""
    from sim.cli.schema import register
    register()
    with initialize_config_dir(config_dir=str(REPO / "configs" / "run"), version_base="1.3"):
        return compose("config", overrides=[f"+sweep={name}"], return_hydra_config=True)


@pytest.mark.parametrize("name", SWEEPS)
def test_standard_sweep_configs(name):
    """Every sweep config covers its grid with its declared chunk range, names real keys of
    sim-run's config, and yields regimens that parse.
    """
    cfg = _real_app_config(name)
    n_points, n_chunks = check_chunk_coverage(cfg)
    assert n_points >= 2 and cfg.sweep.name == name
    assert cfg.hydra.callbacks.sweep._target_ == "sim.sweep.callbacks.AggregateOnMultirunEnd"
    job_cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    d = definition_from_config(job_cfg)
    assert d.n_chunks == n_chunks and d.n_points == n_points
    from sim.regimen import parse_regimen
    regimens = {d.point(i)["regimen"] for i in range(d.n_points)}
    assert len({d.hash_of(d.point(i)) for i in range(d.n_points)}) == n_points
    for text in regimens:
        parse_regimen(text)


def test_repeat_resolver():
    from sim.sweep.hydra_job import repeat_events
    assert repeat_events("ha(mg=30,form=linear)", 3, 91) == \
        "ha(mg=30,form=linear)@0;ha(mg=30,form=linear)@91;ha(mg=30,form=linear)@182"
    with pytest.raises(ValueError, match="integer >= 1"):
        repeat_events("x()", 0, 10)


def test_axis_values_are_judged_by_the_app_schema():
    cfg = _real_app_config("dose_adjuvant")
    job = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    OmegaConf.set_struct(job, False)
    job.sweep.axes.patient = {"kl_grade": ["2", 4]}
    assert definition_from_config(job).axes["patient.kl_grade"] == (2, 4)  # int field
    for bad in ("three", 2.5):
        job.sweep.axes.patient = {"kl_grade": [2, bad]}
        with pytest.raises(ValueError, match=rf"'patient.kl_grade': value {bad!r} is not all"):
            definition_from_config(job)
