"""Sweep definitions: ordered axes over a resolved base configuration, split into chunks.

A sweep is the cartesian product of its axes, taken in a fixed order (the last axis varies
fastest, as in C order), over a plain base configuration (nested ``dict`` of JSON values).
Each grid point is the base configuration with the axis keys set to that point's values;
its identity is the SHA-256 of the canonical JSON of that resolved point plus the store
schema version (:func:`point_hash`), so that a re-run recognises work already done.

Points are dealt to jobs in chunks of ``chunk_size`` consecutive grid indices; the chunk
layout is part of the sweep's identity (:attr:`SweepDefinition.definition_hash`), so that a
job only ever has to read its own chunk file to know what is left to do.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from sim.io.sweep_table import SWEEP_SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "SweepConfigError",
    "SweepDefinition",
    "canonical_json",
    "point_hash",
]

#: Version of the on-disk layout of sweep stores (chunk files, manifest, aggregate). Bump it
#: whenever the layout or the hashing changes: stores of another version are refused.
SCHEMA_VERSION = SWEEP_SCHEMA_VERSION  # the file layout's version (defined beside its reader)


class SweepConfigError(ValueError):
    """A sweep definition that cannot be run as given (unknown key, empty axis, ...)."""


def canonical_json(value: Any) -> str:
    """Canonical JSON text of ``value``: sorted keys, no whitespace, floats by ``repr``."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    except TypeError as exc:
        raise SweepConfigError(f"sweep configurations must hold JSON values only: {exc}") from None


def point_hash(point: Mapping[str, Any], exclude: Sequence[str] = ()) -> str:
    """SHA-256 (hex) of the canonical JSON of a resolved point and the schema version.

    Parameters
    ----------
    point : mapping
        Fully resolved point configuration (nested dicts of JSON values).
    exclude : sequence of str
        Dotted keys left out of the hash (run-specific values such as output folders).
    """
    if exclude:
        point = _drop_keys(point, exclude)
    text = canonical_json({"schema_version": SCHEMA_VERSION, "config": point})
    return hashlib.sha256(text.encode()).hexdigest()


def _drop_keys(tree: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    out = dict(tree)
    for key in keys:
        parts = key.split(".")
        node = out
        for i, part in enumerate(parts):
            if not isinstance(node, dict) or part not in node:
                break
            if i == len(parts) - 1:
                del node[part]
            else:
                node[part] = dict(node[part]) if isinstance(node[part], dict) else node[part]
                node = node[part]
    return out


def _lookup(tree: Mapping[str, Any], key: str) -> None:
    """Raise :class:`SweepConfigError` unless the dotted ``key`` exists in ``tree``."""
    node: Any = tree
    done: list[str] = []
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            where = ".".join(done) or "<root>"
            valid = sorted(node) if isinstance(node, Mapping) else []
            raise SweepConfigError(
                f"sweep axis {key!r}: no key {part!r} under {where}; valid keys there: "
                f"{', '.join(map(str, valid)) or '(none: not a mapping)'}")
        node = node[part]
        done.append(part)


def _set(tree: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = tree
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


class SweepDefinition:
    """Ordered axes over a base configuration, with a chunk size.

    Parameters
    ----------
    axes : mapping of str to sequence
        ``{dotted.config.key: [values, ...]}`` in the order of the grid (last fastest).
        Values are JSON values (numbers, strings, booleans, lists, dicts).
    chunk_size : int
        Number of consecutive grid points given to one job (>= 1).
    base : mapping
        Fully resolved base configuration; every axis key must already exist in it.
    name : str
        Label of the sweep (not part of its identity).
    hash_exclude : sequence of str
        Dotted keys left out of point hashes and of the definition hash.
    resolve_point : callable, optional
        ``resolve_point(overrides: dict[str, Any]) -> dict`` building a resolved point from
        the axis values, for bases whose other values depend on swept keys (interpolations).
        By default the axis values are written into a copy of ``base``.

    Raises
    ------
    SweepConfigError
        On an unknown key, an empty or duplicated value list, overlapping keys, a bad chunk
        size or values that are not JSON.
    """

    def __init__(self, axes: Mapping[str, Sequence[Any]], chunk_size: int,
                 base: Mapping[str, Any], name: str = "sweep",
                 hash_exclude: Sequence[str] = (),
                 resolve_point: Callable[[dict[str, Any]], dict[str, Any]] | None = None):
        if not isinstance(axes, Mapping) or not axes:
            raise SweepConfigError("sweep.axes must be a non-empty mapping {dotted.key: [values]}")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
                or chunk_size < 1:
            raise SweepConfigError(f"sweep.chunk_size must be an integer >= 1, got {chunk_size!r}")
        self.name = str(name)
        self.chunk_size = int(chunk_size)
        self.base = json.loads(canonical_json(dict(base)))
        self.hash_exclude = tuple(hash_exclude)
        self._resolve = resolve_point
        self._base_json = canonical_json(self.base)
        checked: dict[str, tuple[Any, ...]] = {}
        for key, values in axes.items():
            if not isinstance(key, str) or not key or key.startswith(".") or key.endswith("."):
                raise SweepConfigError(f"sweep axis key {key!r} must be a dotted config key")
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                raise SweepConfigError(
                    f"sweep axis {key!r}: values must be a list, got {type(values).__name__}")
            if len(values) == 0:
                raise SweepConfigError(f"sweep axis {key!r}: empty value list; give at least one value")
            values = tuple(json.loads(canonical_json(list(values))))
            seen = [canonical_json(v) for v in values]
            if len(set(seen)) != len(seen):
                dup = sorted({s for s in seen if seen.count(s) > 1})
                raise SweepConfigError(f"sweep axis {key!r}: duplicated values {', '.join(dup)}")
            _lookup(self.base, key)
            for other in checked:
                if key.startswith(other + ".") or other.startswith(key + "."):
                    raise SweepConfigError(
                        f"sweep axes {other!r} and {key!r} overlap: one contains the other")
            for ex in self.hash_exclude:
                if key == ex or key.startswith(ex + ".") or ex.startswith(key + "."):
                    raise SweepConfigError(f"sweep axis {key!r} overlaps hash_exclude {ex!r}")
            checked[key] = values
        self.axes: dict[str, tuple[Any, ...]] = checked
        self.shape = tuple(len(v) for v in checked.values())
        self.n_points = math.prod(self.shape)
        self.n_chunks = math.ceil(self.n_points / self.chunk_size)

    # -- identity ---------------------------------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        """Plain description (name, axes as ``[[key, values]]``, chunk size, exclusions)."""
        return {"name": self.name, "axes": [[k, list(v)] for k, v in self.axes.items()],
                "chunk_size": self.chunk_size, "hash_exclude": list(self.hash_exclude)}

    @property
    def definition_hash(self) -> str:
        """SHA-256 of axes (ordered), chunk size and base configuration (not the name)."""
        base = _drop_keys(self.base, self.hash_exclude) if self.hash_exclude else self.base
        d = self.as_dict()
        del d["name"]
        text = canonical_json({"schema_version": SCHEMA_VERSION, "definition": d, "base": base})
        return hashlib.sha256(text.encode()).hexdigest()

    # -- grid -------------------------------------------------------------------------
    def chunk_range(self, chunk: int) -> range:
        """Grid indices of chunk ``chunk`` (0-based)."""
        if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) \
                or not 0 <= chunk < self.n_chunks:
            raise SweepConfigError(
                f"sweep.chunk must be an integer in [0, {self.n_chunks}) for {self.n_points} "
                f"points in chunks of {self.chunk_size}, got {chunk!r}")
        start = int(chunk) * self.chunk_size
        return range(start, min(self.n_points, start + self.chunk_size))

    def multi_index(self, indices: Sequence[int] | np.ndarray) -> np.ndarray:
        """Per-axis value indices of grid ``indices``, shape ``(len(indices), n_axes)``."""
        idx = np.asarray(indices, dtype=np.int64)
        return np.stack(np.unravel_index(idx, self.shape), axis=-1).astype(np.int64)

    def overrides(self, index: int) -> dict[str, Any]:
        """``{key: value}`` of grid point ``index``."""
        mi = np.unravel_index(int(index), self.shape)
        return {k: v[int(i)] for (k, v), i in zip(self.axes.items(), mi)}

    def point(self, index: int) -> dict[str, Any]:
        """Fully resolved configuration of grid point ``index`` (a fresh, independent dict)."""
        ov = self.overrides(index)
        if self._resolve is not None:
            return self._resolve(ov)
        point = json.loads(self._base_json)  # a deep copy that is also JSON-clean
        for key, value in ov.items():
            _set(point, key, json.loads(canonical_json(value)) if isinstance(value, (list, dict))
                 else value)
        return point

    def hash_of(self, point: Mapping[str, Any]) -> str:
        """Content hash of a resolved point (see :func:`point_hash`)."""
        return point_hash(point, self.hash_exclude)

    def iter_points(self, indices: Sequence[int]):
        """Yield ``(index, point, hash)`` for grid ``indices``."""
        for i in indices:
            p = self.point(i)
            yield i, p, self.hash_of(p)

    def __repr__(self) -> str:
        axes = ", ".join(f"{k}[{len(v)}]" for k, v in self.axes.items())
        return (f"SweepDefinition({self.name!r}: {axes}; {self.n_points} points in "
                f"{self.n_chunks} chunks of {self.chunk_size})")


def product_size(axes: Mapping[str, Sequence[Any]]) -> int:
    """Number of grid points of ``axes`` (product of the value-list lengths)."""
    return math.prod(len(v) for v in axes.values())

