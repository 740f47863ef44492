"""What every file layout of :mod:`sim.io` shares: a schema version in the root attributes and
a reader that refuses, with one line naming the file and the field, what it cannot read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.hdf5 import read_tree, write_tree

__all__ = ["FileFormatError", "data", "open_layout", "require", "write_versioned"]


class FileFormatError(ValueError):
    """A file is not the layout it was read as: unreadable, a field missing, or a newer schema."""


def data(node: Any) -> Any:
    """The value of a tree node: ``node["@data"]`` for a dataset with attributes, else ``node``."""
    return node["@data"] if isinstance(node, dict) and "@data" in node else node


def open_layout(path: str | os.PathLike, what: str, supported: Iterable[str | int],
                legacy: str | int | None = None) -> tuple[dict[str, Any], str]:
    """Read ``path`` as a tree and check its ``schema_version`` root attribute.

    Parameters
    ----------
    path : path-like
        HDF5 file.
    what : str
        Name of the layout in messages, e.g. ``"sim-run result"``.
    supported : iterable of str or int
        Schema versions this reader understands (compared as text).
    legacy : str or int, optional
        Version assumed for files without the attribute (layouts written before they were
        versioned); None: such files are refused.

    Returns
    -------
    tree : dict
        The whole file (see :func:`sim.io.hdf5.read_tree`).
    version : str
        The file's schema version.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    FileFormatError
        If the file is not HDF5 or its version is missing (without ``legacy``) or unsupported.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such {what} file")
    try:
        tree = read_tree(path)
    except OSError as exc:
        raise FileFormatError(f"{path}: not a readable HDF5 {what} file ({exc})") from None
    allowed = [str(v) for v in supported]
    raw = tree.get("@attrs", {}).get("schema_version", legacy)
    if raw is None:
        raise FileFormatError(f"{path}: attribute schema_version missing; allowed: a {what} file "
                              f"with schema_version {' or '.join(allowed)}")
    version = str(raw.item() if isinstance(raw, np.generic) else raw)
    if version not in allowed:
        raise FileFormatError(f"{path}: schema_version {version!r} of this {what} file is not "
                              f"supported; allowed: {', '.join(allowed)} (read it with the sim "
                              "version that wrote it)")
    return tree, version


def require(tree: Mapping[str, Any], field: str, path: str | os.PathLike, what: str) -> Any:
    """The node at ``field`` (slash-separated, e.g. ``"states/C_chondro"``) of ``tree``.

    Raises
    ------
    FileFormatError
        Naming the file and the missing field.
    """
    node: Any = tree
    for part in field.strip("/").split("/"):
        if not isinstance(node, Mapping) or part not in node or part == "@attrs":
            raise FileFormatError(f"{path}: field /{field.strip('/')} missing; a {what} file has it")
        node = node[part]
    return node


def write_versioned(path: str | os.PathLike, tree: Mapping[str, Any], version: str | int) -> Path:
    """Write ``tree`` atomically with ``schema_version`` added to its root attributes.

    Parameters
    ----------
    path : path-like
        Target ``.h5`` file.
    tree : mapping
        Tree of :func:`sim.io.write_tree`; it is not modified.
    version : str or int
        Schema version of the layout.

    Returns
    -------
    Path
        ``path``.
    """
    return write_tree(path, {**tree, "@attrs": {"schema_version": version, **tree.get("@attrs", {})}})
