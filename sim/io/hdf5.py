"""Self-describing HDF5 files: the one module of ``sim`` that imports h5py.

Everything that ``sim`` writes goes through :func:`write_tree`, which takes a plain
nested dictionary and writes it to a temporary name beside the target before renaming it
into place, so that an interrupted or failed write never leaves a half-written file and
never damages a file that was already there.

Tree convention
---------------
A tree is a ``dict`` whose values are

* a NumPy array, number, string or list of strings: written as a dataset;
* a ``dict``: written as a group (recursively);
* a ``dict`` holding the key ``"@data"``: a dataset with attributes. Besides ``"@data"`` it
  may hold ``"@attrs"`` (a dict of attributes), ``"@dims"`` (a list with one entry per
  axis: the absolute path of a dataset to attach as that axis' dimension scale, or None) and
  ``"@labels"`` (a list with one name per axis, e.g. ``["arm", "time"]``, stored as HDF5
  dimension labels so that any HDF5 viewer shows what each axis is).

Strings are stored as UTF-8 text (variable-length strings), never as bytes or fixed-width
arrays, in datasets and attributes alike.

In a group dict the key ``"@attrs"`` holds the group's attributes. Attribute values may be
numbers, strings, lists of them, or arrays; ``None`` is stored as the string ``"None"``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from sim.atomic import write_atomic

__all__ = ["write_tree", "read_tree", "read_dims"]

_STR = h5py.string_dtype(encoding="utf-8")


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, str):
        return np.array(value, dtype=_STR)
    if isinstance(value, bytes):
        return np.array(value.decode(), dtype=_STR)
    arr = np.asarray(value)
    if arr.dtype.kind in ("U", "S", "O"):
        return _as_text(arr)
    return arr


def _as_text(arr: np.ndarray) -> np.ndarray:
    items = [v.decode() if isinstance(v, bytes) else str(v) for v in arr.ravel()]
    return np.asarray(items, dtype=_STR).reshape(arr.shape)


def _set_attrs(obj: h5py.HLObject, attrs: dict[str, Any]) -> None:
    for key, value in attrs.items():
        if value is None:
            value = "None"
        if isinstance(value, bytes):
            value = value.decode()
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, (str, bytes)) for v in value):
            obj.attrs.create(key, _as_text(np.asarray(value, dtype=object)))
        elif isinstance(value, np.ndarray) and value.dtype.kind in ("U", "S", "O"):
            obj.attrs.create(key, _as_text(value))
        elif isinstance(value, (bool, np.bool_)):
            obj.attrs[key] = np.bool_(value)
        else:
            obj.attrs[key] = value


def _write_group(group: h5py.Group, tree: dict[str, Any], scales: list) -> None:
    for key, value in tree.items():
        if key == "@attrs":
            _set_attrs(group, value)
            continue
        if not isinstance(key, str) or not key or "/" in key:
            raise ValueError(f"HDF5 tree key {key!r} must be a non-empty string without '/'")
        if isinstance(value, dict) and "@data" not in value:
            _write_group(group.create_group(key), value, scales)
            continue
        attrs: dict[str, Any] = {}
        dims = labels = None
        if isinstance(value, dict):
            attrs = value.get("@attrs", {})
            dims = value.get("@dims")
            labels = value.get("@labels")
            value = value["@data"]
        arr = _as_array(value)
        kwargs = {}
        if arr.ndim >= 1 and arr.size >= 1024 and arr.dtype != _STR:
            kwargs = {"compression": "gzip", "compression_opts": 4, "shuffle": True}
        dset = group.create_dataset(key, data=arr, **kwargs)
        _set_attrs(dset, attrs)
        if labels is not None:
            if len(labels) != arr.ndim:
                raise ValueError(f"dataset {dset.name}: {len(labels)} labels given for {arr.ndim} axes")
            for axis, label in enumerate(labels):
                if label:
                    dset.dims[axis].label = str(label)
        if dims is not None:
            if len(dims) != arr.ndim:
                raise ValueError(f"dataset {dset.name}: {len(dims)} dims given for {arr.ndim} axes")
            scales.append((dset.name, list(dims)))


def write_tree(path: str | os.PathLike, tree: dict[str, Any]) -> Path:
    """Write ``tree`` to the HDF5 file ``path`` atomically and return the path.

    Parameters
    ----------
    path : path-like
        Target file; its folder is created if missing.
    tree : dict
        Nested dict in the convention of this module's docstring.

    Returns
    -------
    Path
        ``path``. The file is written under a temporary name by :func:`sim.atomic.write_atomic`
        and renamed over ``path`` only when complete; on any error the temporary file is
        removed and an existing ``path`` is left untouched.
    """

    def write(tmp: Path) -> None:
        with h5py.File(tmp, "w", track_order=True) as f:
            scales: list = []
            _write_group(f, tree, scales)
            for dset_name, dims in scales:
                dset = f[dset_name]
                for axis, scale_path in enumerate(dims):
                    if scale_path is None:
                        continue
                    scale = f[scale_path]
                    if not scale.is_scale:
                        scale.make_scale(scale_path.rsplit("/", 1)[-1])
                    dset.dims[axis].attach_scale(scale)

    return write_atomic(path, write)


def _read_value(dset: h5py.Dataset) -> Any:
    data = dset[()]
    if dset.dtype.kind == "O" or h5py.check_string_dtype(dset.dtype) is not None:
        if isinstance(data, bytes):
            return data.decode()
        if isinstance(data, np.ndarray):
            return np.asarray([d.decode() if isinstance(d, bytes) else d for d in data.ravel()],
                              dtype=object).reshape(data.shape).astype(str)
    return data


def _read_attrs(obj: h5py.HLObject) -> dict[str, Any]:
    out = {}
    for key, value in obj.attrs.items():
        if key in ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "DIMENSION_LABELS"):
            continue  # dimension-scale bookkeeping of HDF5 itself
        if isinstance(value, bytes):
            value = value.decode()
        elif isinstance(value, np.ndarray) and value.dtype.kind == "O":
            value = [v.decode() if isinstance(v, bytes) else v for v in value]
        out[key] = value
    return out


def read_tree(path: str | os.PathLike, group: str = "/") -> dict[str, Any]:
    """Read a file (or one group of it) back into the nested-dict form of :func:`write_tree`.

    Datasets come back as arrays (strings as ``str`` arrays); attributes of groups and
    datasets come back under ``"@attrs"`` (datasets with attributes as ``{"@data", "@attrs"}``).
    """

    def walk(g: h5py.Group) -> dict[str, Any]:
        node: dict[str, Any] = {}
        attrs = _read_attrs(g)
        if attrs:
            node["@attrs"] = attrs
        for key, item in g.items():
            if isinstance(item, h5py.Group):
                node[key] = walk(item)
            else:
                value = _read_value(item)
                dattrs = _read_attrs(item)
                node[key] = {"@data": value, "@attrs": dattrs} if dattrs else value
        return node

    with h5py.File(path, "r") as f:
        return walk(f[group])


def read_dims(path: str | os.PathLike, dataset: str) -> list[tuple[str, str | None]]:
    """Dimension label and attached scale (its path, or None) of each axis of ``dataset``.

    Parameters
    ----------
    path : path-like
        HDF5 file.
    dataset : str
        Absolute path of the dataset, e.g. ``"/outcomes/WOMAC_total"``.

    Returns
    -------
    list of (str, str or None)
        One ``(label, scale path)`` per axis; ``""`` where an axis has no label.
    """
    with h5py.File(path, "r") as f:
        dset = f[dataset]
        return [(dim.label, dim[0].name if len(dim) else None) for dim in dset.dims]
