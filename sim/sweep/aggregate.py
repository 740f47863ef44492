"""Aggregation of chunk files into one indexed table, and its loader for notebooks.

``<store>/aggregate.h5`` holds every grid point of the sweep, in grid order, whether done,
failed or still missing, so that the table always reshapes to the grid::

    /axes/<key>                    values of each axis (grid order, last axis fastest)
    /table/grid_index              int64 (n,)
    /table/hash                    str (n,)   content hash of the resolved point ("" if missing)
    /table/status                  int8 (n,)  0 ok, 1 failed, 2 missing
    /table/error                   str (n,)   error text of failed points
    /table/index/<key>             int64 (n,) position of the point's value on each axis
    /table/coords/<key>            (n,)       the value itself
    /table/outcomes/<name>         float64 (n, ...)  NaN where not ok; attribute ``unit`` when known
    /provenance/chunk_files, /provenance/chunk_attrs   where each chunk came from (JSON)

Root attributes carry the schema version, the definition (JSON), the base configuration
(JSON), counts, and ``table_digest``: a SHA-256 over ``/axes`` and ``/table`` that two
aggregates share exactly when their tables are bit-for-bit equal (provenance differs by
host and time and is left out). Everything is readable with h5py alone; axis values that
are not plain numbers or strings are stored as JSON text (attribute ``encoding = "json"``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.io import read_tree, write_tree
from sim.io.sweep_table import StoreMismatchError, SweepTable, aggregate_file, load_sweep
from sim.sweep.definition import canonical_json
from sim.sweep.store import STATUS_FAILED, STATUS_MISSING, STATUS_OK, list_chunk_files, read_chunk, read_manifest

__all__ = ["aggregate", "load_sweep", "SweepTable", "table_digest"]


def _axis_array(values: list[Any]) -> tuple[np.ndarray, str]:
    """Values of one axis as a typed array, and the encoding used ('' or 'json')."""
    if all(isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=bool), ""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.int64), ""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.float64), ""
    if all(isinstance(v, str) for v in values):
        return np.asarray(values, dtype=str), ""
    return np.asarray([canonical_json(v) for v in values], dtype=str), "json"


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.asarray(arrays[name])
        h.update(f"{name}|{a.shape}|".encode())
        if a.dtype.kind in ("U", "S", "O"):
            h.update(b"str|" + "\x00".join(str(x) for x in a.ravel()).encode())
        else:
            h.update(a.dtype.str.encode() + b"|" + np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _flatten(tree: Mapping[str, Any], prefix: str) -> dict[str, np.ndarray]:
    out = {}
    for k, v in tree.items():
        if k == "@attrs":
            continue
        if isinstance(v, dict) and "@data" not in v:
            out.update(_flatten(v, f"{prefix}/{k}"))
        else:
            out[f"{prefix}/{k}"] = v["@data"] if isinstance(v, dict) else v
    return out


def aggregate(store: str | os.PathLike, out: str | os.PathLike | None = None) -> Path:
    """Gather all chunk files of ``store`` into ``<store>/aggregate.h5`` (atomically).

    Points are de-duplicated by grid index and content hash (an ok row wins over a failed
    one; two different hashes for one grid point is an error), checked against the store's
    definition hash and schema version, and ordered by grid index.

    Returns
    -------
    Path of the aggregate file.

    Raises
    ------
    StoreMismatchError
        If a chunk file belongs to another schema version or definition, or is corrupt.
    """
    store = Path(store)
    attrs = read_manifest(store)
    definition = json.loads(attrs["definition"])
    keys = [k for k, _ in definition["axes"]]
    values = [v for _, v in definition["axes"]]
    shape = tuple(len(v) for v in values)
    n = int(attrs["n_points"])
    cs = int(attrs["chunk_size"])
    dh = attrs["definition_hash"]
    hashes = np.full(n, "", dtype=object)
    status = np.full(n, STATUS_MISSING, dtype=np.int8)
    error = np.full(n, "", dtype=object)
    outcomes: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    files, chunk_attrs = [], []
    for c, path in list_chunk_files(store).items():
        rows = read_chunk(path, dh)
        gi = rows.grid_index
        if gi.size and (gi.min() < c * cs or gi.max() >= min(n, (c + 1) * cs)
                        or np.unique(gi).size != gi.size):
            raise StoreMismatchError(f"{path}: grid indices outside chunk {c} or repeated; "
                                     "the file is corrupt: delete it and re-run the sweep")
        for k, v in rows.outcomes.items():
            if k not in outcomes:
                outcomes[k] = np.full((n,) + v.shape[1:], np.nan)
            elif outcomes[k].shape[1:] != v.shape[1:]:
                raise StoreMismatchError(f"{path}: outcome {k!r} has per-point shape "
                                         f"{v.shape[1:]}, other chunks {outcomes[k].shape[1:]}")
        for r in range(len(rows)):
            i = int(gi[r])
            if status[i] != STATUS_MISSING:
                if hashes[i] != rows.hash[r]:
                    raise StoreMismatchError(f"{path}: point {i} has two different hashes")
                if not (status[i] == STATUS_FAILED and rows.status[r] == STATUS_OK):
                    continue  # keep the first ok row of a duplicated point
            hashes[i], status[i], error[i] = rows.hash[r], rows.status[r], rows.error[r]
            for k, v in outcomes.items():
                v[i] = rows.outcomes[k][r] if k in rows.outcomes else np.nan
        units.update(json.loads(rows.attrs.get("outcome_units", "{}") or "{}"))
        files.append(path.name)
        meta = {k: (v.tolist() if isinstance(v, (np.ndarray, np.generic)) else v)
                for k, v in rows.attrs.items()}
        chunk_attrs.append(canonical_json(meta))
    index = np.unravel_index(np.arange(n), shape) if n else [np.zeros(0, int)] * len(keys)
    axes_tree, coords, index_tree = {}, {}, {}
    for k, vals, idx in zip(keys, values, index):
        arr, enc = _axis_array(vals)
        axes_tree[k] = {"@data": arr, "@attrs": {"encoding": enc}} if enc else arr
        coords[k] = arr[idx]
        index_tree[k] = idx.astype(np.int64)
    table = {"grid_index": np.arange(n, dtype=np.int64), "hash": hashes.astype(str),
             "status": status, "error": error.astype(str), "index": index_tree,
             "coords": coords, "outcomes": outcomes}
    # Units as attributes of the outcome columns (left out of the digest, which covers values).
    table["outcomes"] = {k: {"@data": v, "@attrs": {"unit": units[k]}} if k in units else v
                         for k, v in outcomes.items()}
    digest = _digest({**_flatten({"axes": axes_tree}, ""), **_flatten({"table": table}, "")})
    tree = {
        "@attrs": {
            "schema_version": int(attrs["schema_version"]), "definition_hash": dh,
            "name": attrs.get("name", ""), "definition": attrs["definition"],
            "base_config": attrs.get("base_config", "{}"), "n_points": n,
            "shape": np.asarray(shape, dtype=np.int64), "axis_keys": keys,
            "n_ok": int(np.sum(status == STATUS_OK)),
            "n_failed": int(np.sum(status == STATUS_FAILED)),
            "n_missing": int(np.sum(status == STATUS_MISSING)),
            "status_codes": "0 ok, 1 failed, 2 missing", "table_digest": digest},
        "axes": axes_tree, "table": table,
        "provenance": {"chunk_files": np.asarray(files, dtype=str),
                       "chunk_attrs": np.asarray(chunk_attrs, dtype=str)},
    }
    return write_tree(Path(out) if out is not None else store / "aggregate.h5", tree)


def table_digest(path: str | os.PathLike) -> str:
    """SHA-256 of the ``/axes`` and ``/table`` contents of an aggregate file, recomputed."""
    tree = read_tree(aggregate_file(path))
    return _digest({**_flatten({"axes": tree["axes"]}, ""), **_flatten({"table": tree["table"]}, "")})


