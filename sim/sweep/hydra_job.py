"""The Hydra edge of sweeps: build a :class:`SweepDefinition` from a composed config and run
one chunk per Hydra job.

A sweep config (``configs/sweep/*.yaml``) puts a ``sweep`` node in the app config::

    sweep:
      name: dose_adjuvant
      axes: {regimen.dose_cells: [1.0e6, 1.0e7], regimen.adjuvant: [none, ha, prp]}
      chunk_size: 50        # grid points per Hydra job
      chunk: 0              # swept by Hydra: hydra.sweeper.params {sweep.chunk: range(0,N)}
      store: sweeps/dose_adjuvant     # relative to the launch folder (${paths.sweeps}/<name>)
      retry_failed: false
      hash_exclude: []      # run-specific keys (output folders) left out of point hashes

and the app's task function calls :func:`run_job` when :func:`is_sweep`. Axes are dotted
config keys; keys under ``sweep.vars`` are free sweep variables that other config values
interpolate (``regimen: msc(cells=${sweep.vars.cells},...)@0``), so that one string can be
varied along several labelled axes; they are part of each point and of its hash. Lookup tables
that such interpolations index live under ``sweep.tables``; like the rest of the ``sweep``
node, the ``paths`` node and Hydra's node they are not hashed themselves (the values they
produce are). The declared
chunk range is checked against the grid by :func:`check_chunk_coverage` (called by the
multirun callback before any job starts), so that no point can be silently left out.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.sweep.definition import SweepConfigError, SweepDefinition
from sim.sweep.runner import ChunkReport, Evaluator, run_chunk

__all__ = ["is_sweep", "definition_from_config", "run_job", "store_path", "check_chunk_coverage",
           "declared_chunks", "apply_slurm_cpus", "share_cores_with_workers", "exit_with_launcher", "repeat_events"]

log = logging.getLogger(__name__)


def repeat_events(event: str, n: int, interval_days: float, first_day: float = 0.0) -> str:
    """``n`` copies of a regimen event ``product(args)`` every ``interval_days`` from
    ``first_day``: ``repeat_events("msc(cells=2e7,source=bm,allogeneic=0)", 2, 182)`` gives
    ``"msc(cells=2e7,source=bm,allogeneic=0)@0;msc(cells=2e7,source=bm,allogeneic=0)@182"``.

    Registered as the OmegaConf resolver ``sim_repeat`` so that sweep configs can build
    repeated-injection regimens from swept numbers:
    ``regimen: ${sim_repeat:"msc(...)",${sweep.vars.n},${sweep.vars.interval}}``.
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise SweepConfigError(f"sim_repeat: number of injections must be an integer >= 1, got {n!r}")
    if not float(interval_days) > 0:
        raise SweepConfigError(f"sim_repeat: interval must be > 0 days, got {interval_days!r}")
    days = [float(first_day) + k * float(interval_days) for k in range(int(n))]
    return ";".join(f"{event}@{d:g}" for d in days)


if not OmegaConf.has_resolver("sim_repeat"):
    OmegaConf.register_new_resolver("sim_repeat", repeat_events)

_NOT_HASHED = ("sweep", "hydra", "paths")  # the sweep node itself, Hydra's runtime node, where files go


def is_sweep(cfg: DictConfig) -> bool:
    """True when ``cfg`` holds a sweep (a non-empty ``sweep`` node with ``axes``)."""
    node = cfg.get("sweep") if isinstance(cfg, DictConfig) else None
    return isinstance(node, DictConfig) and "axes" in node


def _sweep_node(cfg: DictConfig) -> DictConfig:
    node = cfg.get("sweep") if isinstance(cfg, DictConfig) else None
    if not isinstance(node, DictConfig):
        raise SweepConfigError("no 'sweep' node in the config: add +sweep=<name> "
                               "(one of the files in configs/sweep/)")
    for key in ("axes", "chunk_size"):
        if node.get(key) is None:
            raise SweepConfigError(f"sweep.{key} is required")
    if not isinstance(node.axes, DictConfig):
        raise SweepConfigError("sweep.axes must be a mapping {dotted.key: [values]}")
    return node


def _axes(node: DictConfig) -> dict[str, list[Any]]:
    """Axes as ``{dotted.key: [values]}``; nested mappings are flattened, in order.

    ``regimen.dose: [...]`` and ``regimen: {dose: [...]}`` are the same axis; the nested
    form can be overridden from the command line (``sweep.axes.regimen.dose=[1,2]``).
    """
    out: dict[str, list[Any]] = {}

    def walk(tree: Any, prefix: str) -> None:
        for key, value in tree.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                if not value:
                    raise SweepConfigError(f"sweep.axes.{name}: empty mapping; give a list")
                walk(value, name + ".")
            elif isinstance(value, list):
                out[name] = value
            else:
                raise SweepConfigError(f"sweep.axes.{name} must be a list of values, got "
                                       f"{value!r}")
    walk(OmegaConf.to_container(node.axes, resolve=True), "")
    return out


def _has_interpolation(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_interpolation(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_interpolation(v) for v in value)
    return isinstance(value, str) and "${" in value


def _plain(cfg: DictConfig, resolve: bool, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """The config as plain containers, without the hydra node (never resolved: it holds
    values that exist only inside a running job) and without the sweep node except its
    ``vars`` (sweep variables, which other values may interpolate).
    """
    out = {}
    want = set(cfg.keys() if keys is None else keys)
    if "sweep" in want and isinstance(cfg.get("sweep"), DictConfig) \
            and cfg.sweep.get("vars") is not None:
        out["sweep"] = {"vars": OmegaConf.to_container(cfg.sweep.vars, resolve=resolve)}
    for key in cfg.keys():
        if key in _NOT_HASHED or key not in want:
            continue
        node = cfg._get_node(key)
        if isinstance(node, (DictConfig, ListConfig)):
            out[key] = OmegaConf.to_container(node, resolve=resolve)
        else:
            out[key] = cfg[key] if resolve else node._value()
    if isinstance(out.get("solver"), dict):
        # A sweep solves every point alone whatever ``solver.lockstep`` says (a point must not
        # depend on the batch it shares, see sim.cli.sweep_job), so the key changes nothing a
        # store holds and stays out of points and hashes.
        out["solver"].pop("lockstep", None)
    return out


def _override_keys(overrides: Sequence[str]) -> list[tuple[str, str]]:
    from hydra.core.override_parser.overrides_parser import OverridesParser
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    return [(o.key_or_group, o.input_line) for o in parsed]


def definition_from_config(cfg: DictConfig, overrides: Sequence[str] = ()) -> SweepDefinition:
    """Sweep definition of a composed job config.

    Parameters
    ----------
    cfg : DictConfig
        The job config (with a ``sweep`` node).
    overrides : sequence of str
        The job's command-line overrides; one that sets a swept key (or a key inside one)
        is a conflict, because the axis would silently replace it.

    Raises
    ------
    SweepConfigError
        Unknown axis key, empty value list, conflicting override, bad chunk size.
    """
    node = _sweep_node(cfg)
    axes = _axes(node)
    for key, line in _override_keys(overrides):
        if key.startswith("hydra"):
            continue
        for ax in axes:
            if key == ax or key.startswith(ax + "."):
                raise SweepConfigError(
                    f"override {line!r} conflicts with sweep axis {ax!r}: the axis sets that "
                    f"key at every point. Remove the override, or change sweep.axes.{ax}")
    if "solver.lockstep" in axes:
        raise SweepConfigError("sweep axis 'solver.lockstep' is not allowed: sweep points are always "
                               "solved alone (see sim.cli.sweep_job), so it would change nothing")
    axes = _check_axis_values(cfg, axes)
    base = _plain(cfg, resolve=True)
    resolve_point = None
    unresolved = _plain(cfg, resolve=False)
    dependent = [k for k, v in unresolved.items() if _has_interpolation(v)]
    if dependent:
        # Other values may follow the swept ones: set the axis values in one private copy of
        # the config and re-resolve only the top-level entries holding interpolations (a full
        # deep copy and resolution per point would cost milliseconds).
        work = copy.deepcopy(cfg)

        def resolve_point(ov: dict[str, Any]) -> dict[str, Any]:
            point = json.loads(base_json)
            for k, v in ov.items():
                OmegaConf.update(work, k, v, merge=False)
                parts = k.split(".")
                leaf = point
                for part in parts[:-1]:
                    leaf = leaf[part]
                leaf[parts[-1]] = copy.deepcopy(v)
            for k in dependent:
                point[k] = _plain(work, resolve=True, keys=(k,))[k]
            return point
        base_json = json.dumps(base)
    return SweepDefinition(axes, node.chunk_size, base, name=str(node.get("name", "sweep")),
                           hash_exclude=list(node.get("hash_exclude") or []),
                           resolve_point=resolve_point)


def _check_axis_values(cfg: DictConfig, axes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Let the config's own schema judge every axis value (types, enums) before any job,
    and return the values as the schema stores them (``2.0`` for an int field becomes 2).
    """
    from omegaconf.errors import OmegaConfBaseException
    trial = copy.deepcopy(cfg)
    out = {}
    for key, values in axes.items():
        if OmegaConf.select(trial, key, default=_MISSING) is _MISSING:
            out[key] = values  # unknown keys are reported by SweepDefinition, with valid ones
            continue
        converted = []
        for value in values:
            try:
                OmegaConf.update(trial, key, value, merge=False)
                got = OmegaConf.select(trial, key)
            except (OmegaConfBaseException, ValueError) as exc:
                msg = str(exc).splitlines()[0]
                raise SweepConfigError(f"sweep axis {key!r}: value {value!r} is not allowed "
                                       f"there ({msg})") from None
            if isinstance(got, (DictConfig, ListConfig)):
                got = OmegaConf.to_container(got, resolve=True)
            converted.append(got)
        out[key] = converted
    return out


_MISSING = object()


def store_path(cfg: DictConfig, cwd: str | os.PathLike | None = None) -> Path:
    """``sweep.store`` as an absolute path (relative paths start at the launch folder)."""
    node = _sweep_node(cfg)
    store = node.get("store")
    if not store:
        raise SweepConfigError("sweep.store is required (folder of the sweep's results)")
    path = Path(str(store)).expanduser()
    if not path.is_absolute():
        if cwd is None:
            try:
                from hydra.core.hydra_config import HydraConfig
                cwd = HydraConfig.get().runtime.cwd
            except ValueError:  # not inside a Hydra run
                cwd = os.getcwd()
        path = Path(cwd) / path
    return path


def apply_slurm_cpus() -> int | None:
    """Make Numba use the CPUs SLURM allocated (``SLURM_CPUS_PER_TASK``), if any.

    ``NUMBA_NUM_THREADS`` is fixed when Numba is imported; the launcher exports it from
    ``SLURM_CPUS_PER_TASK``, and this call lowers the active thread count to the allocation
    in case the job started without it. Returns the thread count set, or None outside SLURM.
    """
    cpus = os.environ.get("SLURM_CPUS_PER_TASK", "")
    if not cpus.isdigit():
        return None
    import numba
    n = max(1, min(int(cpus), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n)
    return n


def share_cores_with_workers() -> int | None:
    """Give each worker of a local parallel launcher (joblib) its share of the cores.

    ``n_jobs`` worker processes that each start Numba with one thread per core would run
    ``n_jobs x cores`` threads on ``cores`` cores and slow each other down; this call lowers the
    job's Numba thread count to ``cores // n_jobs`` (at least 1). Results do not depend on the
    thread count. Returns the thread count set, or None outside such a launcher.
    """
    try:
        from hydra.core.hydra_config import HydraConfig
        n_jobs = HydraConfig.get().launcher.get("n_jobs")
    except (ValueError, AttributeError):  # not inside a Hydra job
        return None
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = n_jobs if n_jobs > 0 else max(1, cores + 1 + n_jobs)  # joblib: -1 means every core
    import numba
    n = max(1, min(cores // workers, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n)
    return n


_WATCHED: list[int] = []
#: Environment variable holding the pid of the process that launches a sweep's jobs.
LAUNCHER_PID_ENV = "SIM_SWEEP_LAUNCHER_PID"


def exit_with_launcher(poll_s: float = 1.0) -> bool:
    """In a local worker process (joblib/loky), exit when the launching process has died.

    A launcher killed with SIGKILL cannot stop its loky workers: they would finish their chunk
    and then idle for minutes. A daemon thread here notices that the worker was re-parented
    (the launcher is gone) and ends the worker; a chunk it was computing is redone by the next
    run of the same command (chunk files are written atomically). Not started in the launching
    process itself, so a sweep run under ``nohup`` survives its terminal. Returns True if the
    watch runs.
    """
    import multiprocessing
    import threading

    if not multiprocessing.current_process().name.startswith("LokyProcess"):
        return False
    if not _WATCHED:
        # The launcher's pid, exported by the multirun callback before any worker started; the
        # worker's current parent would be wrong if the launcher died before this job began.
        parent = int(os.environ.get(LAUNCHER_PID_ENV) or os.getppid())
        _WATCHED.append(parent)

        def watch() -> None:
            while os.getppid() == parent:
                threading.Event().wait(poll_s)
            os._exit(1)  # the launcher is gone: no one would collect this worker's result

        threading.Thread(target=watch, name="sim-exit-with-launcher", daemon=True).start()
    return True


def _task_overrides() -> list[str]:
    try:
        from hydra.core.hydra_config import HydraConfig
        return list(HydraConfig.get().overrides.task)
    except ValueError:
        return []


def run_job(cfg: DictConfig, evaluate: Evaluator, units: dict[str, str] | None = None) -> ChunkReport:
    """Run chunk ``cfg.sweep.chunk`` of the sweep in ``cfg``: the body of a Hydra sweep job.

    Skips points already in the store, evaluates the rest in one call of ``evaluate``,
    writes ``<store>/points/chunk_<i>.h5`` and returns the report. ``units`` (outcome name ->
    unit) are recorded with the chunk and become the ``unit`` attributes of the aggregate's
    outcome columns.
    """
    if apply_slurm_cpus() is None:
        share_cores_with_workers()
        exit_with_launcher()
    overrides = _task_overrides()
    definition = definition_from_config(cfg, overrides)
    node = _sweep_node(cfg)
    chunk = node.get("chunk")
    if chunk is None:
        raise SweepConfigError("sweep.chunk is required (Hydra sweeps it over range(0,N))")
    store = store_path(cfg)
    attrs = {"job_overrides": json.dumps(overrides),
             "job_config": OmegaConf.to_yaml(cfg, resolve=False)}
    if units:
        attrs["outcome_units"] = json.dumps(dict(units), sort_keys=True)
    report = run_chunk(definition, int(chunk), store, evaluate,
                       retry_failed=bool(node.get("retry_failed", False)), attrs=attrs)
    log.info("sweep %s chunk %d/%d: %d points, %d skipped, %d evaluated (%d failed) in %.2f s",
             definition.name, report.chunk, definition.n_chunks, report.n_points,
             report.n_skipped, report.n_evaluated, report.n_failed, report.seconds)
    return report


def declared_chunks(config: DictConfig) -> list[int]:
    """Chunk indices a multirun of ``config`` will launch (command line, else sweeper params)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    parser = OverridesParser.create()
    found = None
    task = list(OmegaConf.select(config, "hydra.overrides.task", default=[]) or [])
    for o in parser.parse_overrides(task):
        if o.key_or_group == "sweep.chunk":
            found = o
    if found is None:
        params = OmegaConf.select(config, "hydra.sweeper.params", default=None) or {}
        if "sweep.chunk" in params:
            found = parser.parse_overrides([f"sweep.chunk={params['sweep.chunk']}"])[0]
    if found is None:
        return [int(_sweep_node(config).get("chunk", 0))]
    values = list(found.sweep_iterator()) if found.is_sweep_override() else [found.value()]
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise SweepConfigError(f"sweep.chunk must take integer values, got {values!r}") from None


def check_chunk_coverage(config: DictConfig) -> tuple[int, int]:
    """Check that the multirun launches every chunk exactly once; return (points, chunks).

    Raises
    ------
    SweepConfigError
        If chunks are missing, repeated or out of range, with the override that fixes it.
    """
    node = _sweep_node(config)
    axes = _axes(node)
    for key, values in axes.items():
        if not values:
            raise SweepConfigError(f"sweep axis {key!r}: empty value list; give at least one value")
    chunk_size = node.chunk_size
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1:
        raise SweepConfigError(f"sweep.chunk_size must be an integer >= 1, got {chunk_size!r}")
    n_points = math.prod(len(v) for v in axes.values())
    n_chunks = math.ceil(n_points / chunk_size)
    chunks = declared_chunks(config)
    if sorted(chunks) != list(range(n_chunks)):
        raise SweepConfigError(
            f"sweep {node.get('name', '')!r} has {n_points} points in {n_chunks} chunks of "
            f"{chunk_size}, but this multirun launches chunks {_short(chunks)}. "
            f"Add the override sweep.chunk=range(0,{n_chunks}) (or fix "
            "hydra.sweeper.params in the sweep config)")
    return n_points, n_chunks


def _short(values: list[int]) -> str:
    if len(values) > 8:
        return f"[{', '.join(map(str, values[:4]))}, ..., {values[-1]}] ({len(values)} jobs)"
    return str(values)
