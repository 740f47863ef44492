"""Parameter sweeps: chunked grid definitions, resumable per-chunk HDF5 stores, aggregation.

Hydra appears only in :mod:`sim.sweep.hydra_job` and :mod:`sim.sweep.callbacks`; everything
else takes plain Python objects and works from a notebook.
"""

from sim.sweep.aggregate import SweepTable, aggregate, load_sweep, table_digest
from sim.sweep.definition import SCHEMA_VERSION, SweepConfigError, SweepDefinition, point_hash
from sim.sweep.runner import ChunkReport, EvaluatorOutputError, run_chunk, run_sweep
from sim.sweep.store import StoreMismatchError, SweepStatus, sweep_status

__all__ = [
    "SCHEMA_VERSION", "SweepConfigError", "SweepDefinition", "point_hash",
    "ChunkReport", "EvaluatorOutputError", "run_chunk", "run_sweep",
    "StoreMismatchError", "SweepStatus", "sweep_status",
    "SweepTable", "aggregate", "load_sweep", "table_digest",
]
