"""Hydra callback for sweeps: check coverage, show progress, aggregate at the end.

List it in a sweep config::

    hydra:
      callbacks:
        sweep:
          _target_: sim.sweep.callbacks.AggregateOnMultirunEnd

Before any job starts it checks that the multirun launches every chunk of the grid exactly
once (:func:`sim.sweep.hydra_job.check_chunk_coverage`); while jobs run (any launcher:
basic, joblib, SLURM) a thread in the launching process watches the store's ``points/``
folder and drives a tqdm bar; at the end it writes ``<store>/aggregate.h5`` and logs the
done / failed / missing counts, exiting with status 1 if any point failed or is missing.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.sweep.definition import SweepConfigError
from sim.sweep.hydra_job import LAUNCHER_PID_ENV, check_chunk_coverage, definition_from_config, is_sweep, store_path
from sim.sweep.store import StoreMismatchError, ensure_manifest, list_chunk_files, manifest_path, sweep_status

__all__ = ["AggregateOnMultirunEnd"]

log = logging.getLogger(__name__)


class _ProgressWatcher:
    """tqdm bar over points covered by chunk files; polls the folder (cheap listdir)."""

    def __init__(self, name: str, store: Path, n_points: int, chunk_size: int, poll_s: float):
        from tqdm.auto import tqdm
        self.store, self.n, self.cs, self.poll_s = store, n_points, chunk_size, poll_s
        self.bar = tqdm(total=n_points, unit="pt", desc=f"sweep {name}",
                        initial=self._covered())
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _covered(self) -> int:
        return sum(min(self.n, (c + 1) * self.cs) - c * self.cs
                   for c in list_chunk_files(self.store) if c * self.cs < self.n)

    def _run(self) -> None:
        while not self.stop_event.wait(self.poll_s):
            self.bar.update(self._covered() - self.bar.n)

    def close(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)
        self.bar.update(self._covered() - self.bar.n)
        self.bar.close()


class AggregateOnMultirunEnd(Callback):
    """Validate chunk coverage, show progress and aggregate a sweep multirun.

    Parameters
    ----------
    progress : bool
        Show a tqdm bar over sweep points while the jobs run.
    aggregate : bool
        Write ``<store>/aggregate.h5`` when the multirun ends.
    poll_s : float
        Seconds between looks at the store folder for the progress bar.
    """

    def __init__(self, progress: bool = True, aggregate: bool = True, poll_s: float = 0.5):
        self.progress = bool(progress)
        self.aggregate = bool(aggregate)
        self.poll_s = float(poll_s)
        self._watcher: _ProgressWatcher | None = None

    def __getstate__(self) -> dict:
        # Launchers that run jobs in other processes (joblib, submitit) pickle the callbacks
        # into every job; the bar and its thread belong to the launching process only.
        state = self.__dict__.copy()
        state["_watcher"] = None
        return state

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check the sweep and write its manifest before any job starts; start the progress bar."""
        if not is_sweep(config):
            return
        try:
            n_points, n_chunks = check_chunk_coverage(config)
            task = list(OmegaConf.select(config, "hydra.overrides.task", default=[]) or [])
            definition = definition_from_config(config, task)
            store = store_path(config)
            ensure_manifest(store, definition)  # refuses another definition before any job
        except (SweepConfigError, StoreMismatchError) as exc:
            # Hydra turns exceptions raised in callbacks into warnings and launches anyway;
            # a bad sweep must stop here, before any job writes anything.
            log.error("%s: %s", type(exc).__name__, exc)
            raise SystemExit(f"sim sweep: {type(exc).__name__}: {exc}") from None
        except OSError as exc:  # the store cannot be created or written: say so before any job
            raise SystemExit(f"sim sweep: sweep.store: cannot write {exc.filename or ''} "
                             f"({exc.strerror or exc}); allowed: a folder you can write") from None
        log.info("sweep %s: %d points in %d jobs -> %s", definition.name, n_points, n_chunks,
                 store)
        # Local worker processes (joblib) watch this pid and exit if the launcher is killed.
        os.environ[LAUNCHER_PID_ENV] = str(os.getpid())
        if self.progress:
            self._watcher = _ProgressWatcher(definition.name, store, n_points,
                                             definition.chunk_size,
                                             self.poll_s)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Stop the progress bar and aggregate the store (exit status 1 if points failed or are missing)."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if not is_sweep(config) or not self.aggregate:
            return
        store = store_path(config)
        if not manifest_path(store).is_file():
            log.warning("sweep store %s has no manifest: no job finished", store)
            return
        from sim.sweep.aggregate import aggregate
        path = aggregate(store)
        status = sweep_status(store)
        log.info("%s\naggregate: %s", status.summary(), path)
        if status.missing or status.failed:
            # A sweep with failed or missing points is not a success: scripts and CI see a
            # non-zero exit (1, as `sim-aggregate --strict`), users see the summary and what to do.
            hint = ("re-run the same command to compute missing points"
                    + (" (add sweep.retry_failed=true to retry failed ones)" if status.failed else ""))
            raise SystemExit(f"sim sweep: not every point succeeded\n{status.summary()}\n"
                             f"aggregate (ok points only): {path}\n{hint}")
