"""Running chunks of a sweep: skip what is done, evaluate the rest in one batch, store it.

The evaluator contract (what the model side provides)::

    evaluate(points: list[dict]) -> dict[str, ndarray]   # each array has len(points) rows

A point's outcomes must not depend on which other points share its batch (derive any
randomness from the point's own configuration, e.g. its ``seed``); that is what makes a
resumed sweep identical to an uninterrupted one. A model that catches a per-point failure
itself may return the reserved key ``"_error"``: one string per point, empty when the point
is fine. If the batched call raises an :class:`Exception`, every point of the batch is
evaluated alone and the points that raise are recorded as failed with the error text; the
sweep goes on. ``KeyboardInterrupt``/``SystemExit`` still stop the job (nothing is written
for the chunk, and a re-run does it again).
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.provenance import git_commit as _git_commit
from sim.provenance import package_versions
from sim.sweep.definition import SCHEMA_VERSION, SweepDefinition, canonical_json
from sim.sweep.store import (
    STATUS_FAILED,
    STATUS_OK,
    ChunkData,
    StoreMismatchError,
    chunk_path,
    clear_running,
    concat_rows,
    ensure_manifest,
    mark_running,
    read_chunk,
    write_chunk,
)

__all__ = ["Evaluator", "ChunkReport", "EvaluatorOutputError", "run_chunk", "run_sweep",
           "provenance"]

Evaluator = Callable[[list[dict[str, Any]]], Mapping[str, Any]]
ERROR_KEY = "_error"
log = logging.getLogger(__name__)


class EvaluatorOutputError(ValueError):
    """The evaluator returned something other than one row per point per outcome."""


@dataclass(frozen=True)
class ChunkReport:
    """What one call of :func:`run_chunk` did. Times in seconds."""

    chunk: int
    n_points: int
    n_skipped: int
    n_evaluated: int
    n_failed: int
    seconds: float
    path: Path


# -- provenance -------------------------------------------------------------------------
def _versions() -> str:
    return canonical_json(package_versions())


def provenance() -> dict[str, Any]:
    """Run-environment attributes stored with every chunk (strings and numbers only)."""
    try:
        import numba
        threads = int(numba.get_num_threads())
    except ImportError:  # numba is a hard dependency, but provenance must never fail
        threads = -1
    return {"git_commit": _git_commit(), "package_versions": _versions(),
            "host": socket.gethostname(), "pid": os.getpid(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID", ""),
            "numba_num_threads": threads,
            "numba_cache_dir": os.environ.get("NUMBA_CACHE_DIR", ""),
            "written_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}


# -- evaluation ------------------------------------------------------------------------
def _error_text(exc: BaseException, logged: list[bool]) -> str:
    # Type and message only: a traceback location would differ between launchers (a module
    # run as __main__ shows up under another file name in worker processes) and break
    # launcher independence of the table. The first traceback of a batch goes to the job's
    # log (all of them would flood it when a region of parameter space fails).
    if not logged[0]:
        log.warning("a sweep point failed (first of this batch)", exc_info=exc)
        logged[0] = True
    return f"{type(exc).__name__}: {exc}"


def _check_output(out: Any, n: int) -> dict[str, np.ndarray]:
    if not isinstance(out, Mapping):
        raise EvaluatorOutputError(f"the evaluator must return a dict of arrays, got "
                                   f"{type(out).__name__}")
    res = {}
    for key, value in out.items():
        if not isinstance(key, str) or not key or "/" in key:
            raise EvaluatorOutputError(f"outcome name {key!r} must be a non-empty string "
                                       "without '/'")
        if key == ERROR_KEY:
            arr = np.asarray(value, dtype=str)
        else:
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise EvaluatorOutputError(f"outcome {key!r} is not numeric") from None
        if arr.ndim == 0 or arr.shape[0] != n:
            raise EvaluatorOutputError(f"outcome {key!r} has shape {arr.shape}; expected "
                                       f"{n} rows (one per point)")
        res[key] = arr
    return res


def _evaluate(evaluate: Evaluator, points: list[dict[str, Any]],
              logged: list[bool] | None = None) -> tuple[dict, np.ndarray]:
    """Outcomes and per-point error strings; a raising batch is retried point by point."""
    logged = [False] if logged is None else logged
    n = len(points)
    try:
        out = _check_output(evaluate(points), n)
    except EvaluatorOutputError:
        raise  # a programming error of the evaluator, not a failure of a point
    except Exception as exc:
        if n == 1:  # the point's own failure, recorded in its row
            return {}, np.asarray([_error_text(exc, logged)], dtype=object)
        parts, errors = [], []
        for p in points:
            o, e = _evaluate(evaluate, [p], logged)
            parts.append(o)
            errors.append(e[0])
        names: dict[str, tuple] = {}
        for o in parts:
            for k, v in o.items():
                names.setdefault(k, v.shape[1:])
        merged = {k: np.concatenate([o[k] if k in o else np.full((1,) + tail, np.nan)
                                     for o in parts]) for k, tail in names.items()}
        return merged, np.asarray(errors, dtype=object)
    errors = out.pop(ERROR_KEY, np.full(n, "", dtype=object)).astype(object)
    return out, errors


def run_chunk(definition: SweepDefinition, chunk: int, store: str | os.PathLike,
              evaluate: Evaluator, *, retry_failed: bool = False,
              attrs: Mapping[str, Any] | None = None) -> ChunkReport:
    """Evaluate the points of ``chunk`` not yet in the store and write its chunk file.

    Parameters
    ----------
    definition : SweepDefinition
    chunk : int
        Chunk index in ``[0, definition.n_chunks)``.
    store : path
        Sweep store folder (created if needed).
    evaluate : callable
        ``evaluate(points) -> {outcome: array (len(points), ...)}`` (see module docstring).
    retry_failed : bool
        Evaluate again the points recorded as failed (default: keep their failure).
    attrs : mapping, optional
        Extra provenance attributes for the chunk file (e.g. the resolved job config).

    Returns
    -------
    ChunkReport

    Raises
    ------
    StoreMismatchError
        If the store belongs to another schema version or sweep definition (nothing written).
    """
    t0 = time.perf_counter()
    indices = definition.chunk_range(chunk)
    ensure_manifest(store, definition)
    path = chunk_path(store, chunk)
    old = read_chunk(path, definition.definition_hash) if path.is_file() else ChunkData.empty()
    todo_idx, todo_points, todo_hash = [], [], []
    expected = {}
    for i, point, h in definition.iter_points(indices):
        expected[i] = h
        todo_idx.append(i)
        todo_points.append(point)
        todo_hash.append(h)
    keep = np.zeros(len(old), dtype=bool)
    for r in range(len(old)):
        i = int(old.grid_index[r])
        if expected.get(i) != old.hash[r]:
            raise StoreMismatchError(
                f"{path}: point {i} has hash {old.hash[r][:12]}..., the sweep definition gives "
                f"{str(expected.get(i))[:12]}...; the chunk file is foreign or corrupt: delete it")
        keep[r] = old.status[r] == STATUS_OK or not retry_failed
    old = old.take(np.flatnonzero(keep))
    done = set(old.grid_index.tolist())
    sel = [k for k, i in enumerate(todo_idx) if i not in done]
    n_failed_new = 0
    if sel:
        mark_running(store, chunk)
        try:
            outcomes, errors = _evaluate(evaluate, [todo_points[k] for k in sel])
            status = np.where(errors == "", STATUS_OK, STATUS_FAILED).astype(np.int8)
            for k in outcomes:  # a failed point's outcomes are unknown, whatever came back
                outcomes[k][status == STATUS_FAILED] = np.nan
            new = ChunkData(np.asarray([todo_idx[k] for k in sel], np.int64),
                            np.asarray([todo_hash[k] for k in sel], dtype=str), status,
                            np.asarray(errors, dtype=str), outcomes)
            n_failed_new = int(np.sum(status == STATUS_FAILED))
            rows = concat_rows([old, new])
            meta = {"schema_version": SCHEMA_VERSION,
                    "definition_hash": definition.definition_hash, "name": definition.name,
                    "chunk": int(chunk), "chunk_size": definition.chunk_size,
                    "seed": str(definition.base.get("seed", "None")), **provenance()}
            meta.update(attrs or {})
            write_chunk(store, chunk, rows, meta)
        finally:
            clear_running(store, chunk)
    return ChunkReport(int(chunk), len(indices), len(indices) - len(sel), len(sel),
                       n_failed_new, time.perf_counter() - t0, path)


def _run_chunk_job(definition, chunk, store, evaluate, retry_failed) -> ChunkReport:
    return run_chunk(definition, chunk, store, evaluate, retry_failed=retry_failed)


def run_sweep(definition: SweepDefinition, store: str | os.PathLike, evaluate: Evaluator, *,
              n_jobs: int = 1, retry_failed: bool = False, progress: bool = True,
              chunks: Sequence[int] | None = None, aggregate: bool = True) -> list[ChunkReport]:
    """Run a whole sweep locally (no Hydra): the notebook and laptop path.

    Chunks already complete are skipped without calling the evaluator. With ``n_jobs > 1``
    chunks run in separate processes (joblib/loky), so ``evaluate`` must be picklable
    (a module-level function). Shows a tqdm bar over points when ``progress``.

    Returns
    -------
    list of ChunkReport
        One per chunk run, in chunk order. The aggregate is written to
        ``<store>/aggregate.h5`` when ``aggregate`` is true.
    """
    ensure_manifest(store, definition)
    chunks = list(range(definition.n_chunks) if chunks is None else chunks)
    for c in chunks:
        definition.chunk_range(c)  # validates
    reports: list[ChunkReport] = []
    from tqdm.auto import tqdm
    bar = tqdm(total=definition.n_points, unit="pt", disable=not progress,
               desc=f"sweep {definition.name}")
    try:
        if n_jobs == 1:
            for c in chunks:
                r = run_chunk(definition, c, store, evaluate, retry_failed=retry_failed)
                reports.append(r)
                bar.update(r.n_points)
        else:
            from joblib import Parallel, delayed
            par = Parallel(n_jobs=n_jobs, return_as="generator", batch_size=1)
            for r in par(delayed(_run_chunk_job)(definition, c, store, evaluate, retry_failed)
                         for c in chunks):
                reports.append(r)
                bar.update(r.n_points)
    finally:
        bar.close()
    if aggregate:
        from sim.sweep.aggregate import aggregate as _aggregate
        _aggregate(store)
    return reports
