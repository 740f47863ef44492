"""On-disk layout of a sweep store, written by many independent jobs without locks.

::

    <store>/sweep.h5                    manifest: schema version, definition, base config
    <store>/points/chunk_000012.h5      one file per chunk, written only by that chunk's job
    <store>/running/chunk_000012.json   marker while a job works on the chunk
    <store>/aggregate.h5                the indexed table (see :mod:`sim.sweep.aggregate`)

Every HDF5 file goes through :func:`sim.io.write_tree`, which writes a temporary file and
renames it into place: a job killed at any moment leaves either the previous complete
chunk file or none, never a torn one. No two jobs write the same chunk file at once in
normal use; if a chunk is resubmitted while its first job still runs, both write complete
files with the same points, and the later rename wins.

The manifest is deterministic (no timestamps), so concurrent first jobs write identical
manifests; every later job compares its definition with it and refuses to run on a
mismatch, before writing anything.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.atomic import write_text_atomic
from sim.io import read_tree, write_tree
from sim.io.sweep_table import StoreMismatchError
from sim.io.sweep_table import check_schema as _check_schema
from sim.sweep.definition import SCHEMA_VERSION, SweepDefinition, canonical_json

__all__ = [
    "STATUS_OK", "STATUS_FAILED", "STATUS_MISSING", "STATUS_NAMES",
    "StoreMismatchError", "ChunkData", "SweepStatus",
    "manifest_path", "chunk_path", "ensure_manifest", "read_manifest",
    "read_chunk", "write_chunk", "list_chunk_files", "sweep_status",
    "mark_running", "clear_running",
]

STATUS_OK, STATUS_FAILED, STATUS_MISSING = 0, 1, 2
STATUS_NAMES = {STATUS_OK: "ok", STATUS_FAILED: "failed", STATUS_MISSING: "missing"}

_CHUNK_RE = re.compile(r"^chunk_(\d+)\.h5$")


def manifest_path(store: str | os.PathLike) -> Path:
    """The store's manifest, ``<store>/sweep.h5``."""
    return Path(store) / "sweep.h5"


def chunk_path(store: str | os.PathLike, chunk: int) -> Path:
    """File of chunk ``chunk``, ``<store>/points/chunk_<000000>.h5``."""
    return Path(store) / "points" / f"chunk_{int(chunk):06d}.h5"


def _marker_path(store: str | os.PathLike, chunk: int) -> Path:
    return Path(store) / "running" / f"chunk_{int(chunk):06d}.json"


# -- manifest ---------------------------------------------------------------------------
def _manifest_tree(d: SweepDefinition) -> dict[str, Any]:
    return {"@attrs": {
        "schema_version": SCHEMA_VERSION, "definition_hash": d.definition_hash,
        "name": d.name, "definition": canonical_json(d.as_dict()),
        "base_config": canonical_json(d.base), "n_points": d.n_points,
        "n_chunks": d.n_chunks, "chunk_size": d.chunk_size,
        "shape": np.asarray(d.shape, dtype=np.int64)}}


def read_manifest(store: str | os.PathLike) -> dict[str, Any]:
    """Attributes of ``<store>/sweep.h5``; :class:`StoreMismatchError` if absent or foreign."""
    path = manifest_path(store)
    if not path.is_file():
        raise StoreMismatchError(f"{path} not found: {store} is not a sweep store "
                                 "(expected sweep.h5 and points/ inside)")
    attrs = read_tree(path).get("@attrs", {})
    _check_schema(attrs, path)
    return attrs


def ensure_manifest(store: str | os.PathLike, definition: SweepDefinition) -> Path:
    """Create the manifest, or check that an existing one has the same definition.

    Raises
    ------
    StoreMismatchError
        If the store was written by another schema version or another sweep definition
        (other axes, values, chunk size or base configuration). Nothing is written then.
    """
    path = manifest_path(store)
    if path.is_file():
        attrs = read_tree(path).get("@attrs", {})
        _check_schema(attrs, path)
        if attrs.get("definition_hash") != definition.definition_hash:
            raise StoreMismatchError(
                f"{path} belongs to another sweep definition:\n{_explain(attrs, definition)}\n"
                "Resume with the same axes, chunk size and base configuration, or choose a new "
                "sweep.store; nothing was overwritten")
        return path
    return write_tree(path, _manifest_tree(definition))


def _explain(attrs: Mapping[str, Any], d: SweepDefinition) -> str:
    old = json.loads(attrs.get("definition", "{}"))
    new = d.as_dict()
    lines = []
    for key in ("axes", "chunk_size", "hash_exclude"):
        if old.get(key) != new.get(key):
            lines.append(f"  {key}: store has {old.get(key)!r}, this run has {new.get(key)!r}")
    old_base = json.loads(attrs.get("base_config", "{}"))
    if old_base != d.base:
        diff = sorted(_diff_keys(old_base, d.base))[:10]
        lines.append(f"  base configuration differs at: {', '.join(diff) or '(values)'}")
    return "\n".join(lines) or "  (definitions differ)"


def _diff_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in set(a) | set(b):
            out += _diff_keys(a.get(k), b.get(k), f"{prefix}{k}.") if k in a and k in b \
                else [prefix + k]
        return out
    return [] if a == b else [prefix.rstrip(".")]


# -- chunk files --------------------------------------------------------------------------
@dataclass
class ChunkData:
    """Rows of one chunk file (sorted by grid index).

    Attributes
    ----------
    grid_index : ndarray of int64, shape (m,)
    hash : ndarray of str, shape (m,)
    status : ndarray of int8, shape (m,)
        :data:`STATUS_OK` or :data:`STATUS_FAILED`.
    error : ndarray of str, shape (m,)
        Error text of failed points, empty for the others.
    outcomes : dict of str to ndarray of float64, shape (m, ...)
    attrs : dict
        File attributes (definition hash, schema version, provenance).
    """

    grid_index: np.ndarray
    hash: np.ndarray
    status: np.ndarray
    error: np.ndarray
    outcomes: dict[str, np.ndarray]
    attrs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> ChunkData:
        """Chunk data with no rows."""
        return cls(np.zeros(0, np.int64), np.zeros(0, dtype="<U64"), np.zeros(0, np.int8),
                   np.zeros(0, dtype="<U1"), {})

    def __len__(self) -> int:
        return int(self.grid_index.size)

    def take(self, rows: np.ndarray) -> ChunkData:
        """The rows ``rows`` (index or boolean mask) of every column."""
        return ChunkData(self.grid_index[rows], self.hash[rows], self.status[rows],
                         self.error[rows], {k: v[rows] for k, v in self.outcomes.items()},
                         self.attrs)


def concat_rows(parts: list[ChunkData]) -> ChunkData:
    """Concatenate row sets, filling outcomes absent from a part with NaN; sort by index."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return ChunkData.empty()
    names: dict[str, tuple[int, ...]] = {}
    for p in parts:
        for k, v in p.outcomes.items():
            if k in names and names[k] != v.shape[1:]:
                raise ValueError(f"outcome {k!r} has per-point shape {v.shape[1:]} in one part "
                                 f"and {names[k]} in another; outcomes must keep their shape")
            names.setdefault(k, v.shape[1:])
    outcomes = {}
    for k, tail in names.items():
        outcomes[k] = np.concatenate([
            p.outcomes[k] if k in p.outcomes else np.full((len(p),) + tail, np.nan)
            for p in parts]).astype(np.float64, copy=False)
    out = ChunkData(np.concatenate([p.grid_index for p in parts]).astype(np.int64),
                    np.concatenate([p.hash for p in parts]).astype(str),
                    np.concatenate([p.status for p in parts]).astype(np.int8),
                    np.concatenate([p.error for p in parts]).astype(str), outcomes)
    order = np.argsort(out.grid_index, kind="stable")
    return out.take(order)


def write_chunk(store: str | os.PathLike, chunk: int, rows: ChunkData,
                attrs: Mapping[str, Any]) -> Path:
    """Write the rows of ``chunk`` atomically to ``points/chunk_<chunk>.h5``.

    Parameters
    ----------
    store : path-like
        The sweep store folder.
    chunk : int
        Chunk index.
    rows : ChunkData
        m rows: grid index, hash, status and error str[m], outcomes float64[m, ...].
    attrs : mapping
        Root attributes: schema version, definition hash, provenance.

    Returns
    -------
    Path
        The chunk file.
    """
    tree: dict[str, Any] = {
        "@attrs": dict(attrs),
        "grid_index": rows.grid_index.astype(np.int64),
        "hash": rows.hash.astype(str),
        "status": rows.status.astype(np.int8),
        "error": rows.error.astype(str),
        "outcomes": {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in rows.outcomes.items()},
    }
    return write_tree(chunk_path(store, chunk), tree)


def read_chunk(path: str | os.PathLike, definition_hash: str | None = None) -> ChunkData:
    """Read a chunk file; check its schema version and (if given) definition hash.

    Raises
    ------
    StoreMismatchError
        Naming the file (and the field) when it cannot be read, lacks a column, was written by
        another schema version or belongs to another sweep definition.
    """
    path = Path(path)
    try:
        tree = read_tree(path)
    except OSError as exc:
        raise StoreMismatchError(f"chunk file {path} cannot be read ({exc}); delete it and "
                                 "re-run the sweep to recompute its points") from None
    attrs = tree.get("@attrs", {})
    _check_schema(attrs, path)
    if definition_hash is not None and attrs.get("definition_hash") != definition_hash:
        raise StoreMismatchError(f"chunk file {path} belongs to another sweep definition "
                                 f"({attrs.get('definition_hash')!r}, expected {definition_hash!r})")
    for key in ("grid_index", "hash", "status", "error"):
        if key not in tree:
            raise StoreMismatchError(f"chunk file {path}: field /{key} missing; delete it and re-run the "
                                     "sweep to recompute its points")
    n = np.asarray(tree["grid_index"]).size
    hashes, errors = (np.asarray(tree[k], dtype=str).reshape(n) for k in ("hash", "error"))
    return ChunkData(np.asarray(tree["grid_index"], np.int64).reshape(n), hashes,
                     np.asarray(tree["status"], np.int8).reshape(n), errors,
                     {k: np.asarray(v, np.float64) for k, v in tree.get("outcomes", {}).items()
                      if k != "@attrs"}, attrs)


def list_chunk_files(store: str | os.PathLike) -> dict[int, Path]:
    """``{chunk index: path}`` of the chunk files present (temporary files ignored)."""
    folder = Path(store) / "points"
    if not folder.is_dir():
        return {}
    out = {}
    for name in sorted(os.listdir(folder)):
        m = _CHUNK_RE.match(name)
        if m:
            out[int(m.group(1))] = folder / name
    return out


# -- running markers and status --------------------------------------------------------
def mark_running(store: str | os.PathLike, chunk: int) -> Path:
    """Leave a marker saying which host/process/SLURM job works on ``chunk``."""
    path = _marker_path(store, chunk)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {"host": socket.gethostname(), "pid": os.getpid(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID", "")}
    return write_text_atomic(path, json.dumps(info))


def clear_running(store: str | os.PathLike, chunk: int) -> None:
    """Remove the running marker of ``chunk`` (no error if there is none)."""
    _marker_path(store, chunk).unlink(missing_ok=True)


def _marker_alive(path: Path) -> bool:
    """False only when the marker's process is known dead (same host, pid gone)."""
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    if info.get("host") != socket.gethostname():
        return True  # another node: trust the marker (the scheduler knows better)
    try:
        os.kill(int(info["pid"]), 0)
    except (ProcessLookupError, KeyError, ValueError):
        return False
    except PermissionError:
        return True
    return True


@dataclass
class SweepStatus:
    """Point counts of a sweep store; ``running`` points lie in chunks with a live marker."""

    name: str
    n_points: int
    done: int
    failed: int
    running: int
    missing: int
    failed_chunks: list[int]
    missing_chunks: list[int]
    stale_markers: list[int]

    def summary(self) -> str:
        """Printable status: counts, then the failed and missing chunks and stale markers (20 at most each)."""
        def fmt(ch: list[int]) -> str:
            return ", ".join(map(str, ch[:20])) + (" ..." if len(ch) > 20 else "")
        lines = [f"sweep {self.name!r}: {self.n_points} points: {self.done} done, "
                 f"{self.failed} failed, {self.running} running, {self.missing} missing"]
        if self.failed_chunks:
            lines.append(f"  chunks with failed points: {fmt(self.failed_chunks)}")
        if self.missing_chunks:
            lines.append(f"  chunks to (re)run: {fmt(self.missing_chunks)}")
        if self.stale_markers:
            lines.append(f"  chunks whose job died on this host: {fmt(self.stale_markers)}")
        return "\n".join(lines)


def sweep_status(store: str | os.PathLike) -> SweepStatus:
    """Count done / failed / running / missing points of a store (reads status columns only)."""
    attrs = read_manifest(store)
    n, cs, nch = int(attrs["n_points"]), int(attrs["chunk_size"]), int(attrs["n_chunks"])
    files = list_chunk_files(store)
    done = failed = running = 0
    failed_chunks, missing_chunks, stale = [], [], []
    for c in range(nch):
        size = min(n, (c + 1) * cs) - c * cs
        n_ok = n_bad = 0
        if c in files:
            rows = read_chunk(files[c], attrs["definition_hash"])
            n_ok = int(np.sum(rows.status == STATUS_OK))
            n_bad = int(np.sum(rows.status == STATUS_FAILED))
        done, failed = done + n_ok, failed + n_bad
        if n_bad:
            failed_chunks.append(c)
        rest = size - n_ok - n_bad
        if rest:
            marker = _marker_path(store, c)
            if marker.is_file() and _marker_alive(marker):
                running += rest
            else:
                if marker.is_file():
                    stale.append(c)
                missing_chunks.append(c)
    missing = n - done - failed - running
    return SweepStatus(str(attrs.get("name", "")), n, done, failed, running, missing,
                       failed_chunks, missing_chunks, stale)
