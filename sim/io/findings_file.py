"""The ``sim-findings`` file (``findings.h5``): its schema version, writer and reader.

The tree is built by :func:`sim.findings.findings_tables.to_tree`; this module stamps its version and
reads it back (``schema_version`` "1"; files written before it was versioned read as "1")::

    /                    attrs: schema_version, description, replicates, pool, seed, summary
    /table/<column>      one array per column of the findings table (one row per relation)
    /findings/<id>       attrs: the finding's text, species, arms, n per arm, test,
                         probability, reproduced, non_evidential
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.versioned_layout import data, open_layout, require, write_versioned

__all__ = ["FINDINGS_SCHEMA_VERSION", "FindingsFile", "read_findings", "write_findings"]

FINDINGS_SCHEMA_VERSION = "1"


def write_findings(path: str | os.PathLike, tree: dict[str, Any]) -> Path:
    """Write the findings tree (:func:`sim.findings.findings_tables.to_tree`) atomically, versioned.

    Parameters
    ----------
    path : path-like
        Target ``.h5`` file.
    tree : dict
        The tree; its root attributes get ``schema_version`` (the tree is not modified).

    Returns
    -------
    Path
        ``path``.
    """
    return write_versioned(path, tree, FINDINGS_SCHEMA_VERSION)


@dataclass(frozen=True)
class FindingsFile:
    """A findings file read back.

    Attributes
    ----------
    table : dict of str to ndarray, each shape (relations,)
        The findings table, one array per column.
    findings : dict of str to dict
        Per finding id, its design and verdict (the ``/findings/<id>`` attributes).
    attrs : dict
        Root attributes (replicates, pool, seed, summary line).
    schema_version : str
    """

    table: dict[str, np.ndarray]
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    schema_version: str = FINDINGS_SCHEMA_VERSION


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def read_findings(path: str | os.PathLike) -> FindingsFile:
    """Read a ``findings.h5`` written by ``sim-findings --out``.

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file (and the field) when it is missing, not HDF5, of another schema
        version or lacks ``/table``.
    """
    what = "sim-findings"
    tree, version = open_layout(path, what, [FINDINGS_SCHEMA_VERSION], legacy=FINDINGS_SCHEMA_VERSION)
    table = {k: np.asarray(data(v)) for k, v in require(tree, "table", path, what).items() if k != "@attrs"}
    findings = {k: {a: _plain(v) for a, v in node.get("@attrs", {}).items()}
                for k, node in tree.get("findings", {}).items() if k != "@attrs"}
    attrs = {k: _plain(v) for k, v in tree.get("@attrs", {}).items()}
    return FindingsFile(table, findings, attrs, version)
