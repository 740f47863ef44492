"""The file of a global sensitivity analysis (:mod:`sim.sweep.sensitivity`) and its result class.

Layout (``schema_version`` "1"; files written before it was versioned read as "1")::

    /                    attrs: schema_version, method, n_runs, settings (sample size, seed, ...)
    /parameters          names str[D], bounds float64[D, 2]
    /design/X            float64[n_runs, D] (attr columns)
    /outputs/<o>         float64[n_runs]
    /indices/<o>/<i>     float64[D] (or [D, D] for second-order Sobol indices)

The result class lives here, beside its file, so that :mod:`sim.io` never imports
:mod:`sim.sweep` (which imports :mod:`sim.io` to write its files).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.hdf5 import write_tree
from sim.io.versioned_layout import FileFormatError, data, open_layout, require

__all__ = ["SENSITIVITY_SCHEMA_VERSION", "SensitivityResult", "read_sensitivity", "write_sensitivity"]

SENSITIVITY_SCHEMA_VERSION = "1"
_ROOT = ("schema_version", "method", "n_runs")


@dataclass
class SensitivityResult:
    """Indices per outcome, with the design and model outputs they came from.

    Attributes
    ----------
    method : str
        ``"sobol"`` or ``"morris"``.
    names : list of str
        Parameter names, in column order of ``X``.
    bounds : ndarray, shape (n_params, 2)
        Lower and upper bound of each parameter (uniform inputs).
    X : ndarray, shape (n_runs, n_params)
    Y : dict of str to ndarray, shape (n_runs,)
    indices : dict of str to dict of str to ndarray
        ``indices[outcome][index]``; Sobol: ``S1, S1_conf, ST, ST_conf`` (shape (n_params,))
        and ``S2, S2_conf`` (shape (n_params, n_params)) with second order; Morris:
        ``mu, mu_star, sigma, mu_star_conf``.
    settings : dict
        Sample size, seed, levels, confidence level, number of resamples.
    """

    method: str
    names: list[str]
    bounds: np.ndarray
    X: np.ndarray
    Y: dict[str, np.ndarray]
    indices: dict[str, dict[str, np.ndarray]]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_runs(self) -> int:
        """Model runs of the design (rows of ``X``)."""
        return int(self.X.shape[0])


def write_sensitivity(path: str | os.PathLike, result: SensitivityResult,
                      attrs: Mapping[str, Any] | None = None) -> Path:
    """Write a result to HDF5 atomically (layout in this module's docstring).

    Parameters
    ----------
    path : path-like
        Target ``.h5`` file.
    result : SensitivityResult
    attrs : mapping, optional
        Extra root attributes (e.g. the model's import path).

    Returns
    -------
    Path
        ``path``.
    """
    names = np.asarray(result.names, dtype=str)
    tree = {
        "@attrs": {"schema_version": SENSITIVITY_SCHEMA_VERSION, "method": result.method,
                   "n_runs": result.n_runs, **dict(result.settings), **dict(attrs or {})},
        "parameters": {"names": names, "bounds": result.bounds},
        "design": {"X": {"@data": result.X, "@attrs": {"columns": list(result.names)}}},
        "outputs": dict(result.Y),
        "indices": {o: dict(ix) for o, ix in result.indices.items()},
    }
    return write_tree(path, tree)


def read_sensitivity(path: str | os.PathLike) -> SensitivityResult:
    """Read a file written by :func:`write_sensitivity`.

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file (and the field) when it is missing, not HDF5, of another schema
        version or lacks a field of the layout.
    """
    what = "sensitivity"
    t, _ = open_layout(path, what, [SENSITIVITY_SCHEMA_VERSION], legacy=SENSITIVITY_SCHEMA_VERSION)
    attrs = dict(t.get("@attrs", {}))
    if "method" not in attrs:
        raise FileFormatError(f"{path}: attribute /method missing; a {what} file has it")
    X = data(require(t, "design/X", path, what))
    settings = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in attrs.items() if k not in _ROOT}
    return SensitivityResult(str(attrs["method"]), [str(n) for n in require(t, "parameters/names", path, what)],
                             np.asarray(require(t, "parameters/bounds", path, what)), np.asarray(X),
                             {k: np.asarray(v) for k, v in require(t, "outputs", path, what).items()},
                             {o: {k: np.asarray(v) for k, v in ix.items()}
                              for o, ix in require(t, "indices", path, what).items()}, settings)
