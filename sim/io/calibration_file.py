"""The calibration's files: the resumable emcee store ``chain.h5``, a run's ``calibration.h5``
and the shipped posterior ``posterior.h5``; their schema versions, writers and readers.

The trees are built by :mod:`sim.calibration` (``fit.run_mcmc``, ``pipeline.calibrate`` and
``pipeline.install_calibration``); the writers here stamp each file's ``schema_version``
("1"). Files written before the layouts were versioned (the shipped ``posterior.h5``
included) read as version "1".

``chain.h5``::

    /                    attrs: schema_version, n_walkers, seed, description, config_<key>
    /names               str[P] calibrated parameters
    /chain               float64[S, W, P] log parameters per step and walker
    /log_prob            float64[S, W]
    /rng                 name, keys uint32[624], pos, has_gauss, cached_gaussian (emcee's state)
    /seconds             float64, sampling time so far

``calibration.h5``::

    /                    attrs: schema_version, description, seconds, training scores, config
    /names               str[P];  /point_estimate float64[P] (natural scale)
    /posterior_samples   float64[D, P] (natural scale)
    /identifiability     correlation float64[P, P], width_ratio float64[P]
    /diagnostics         rhat, ess_bulk, ess_tail float64[P]
    /rows                key, observed, predicted, pi95_low, pi95_high, se, span,
                         standardised_residual: one entry per scored trial row

``posterior.h5``::

    /                    attrs: schema_version, description
    /names               str[P];  /samples float64[D, P] (natural scale)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.io.versioned_layout import FileFormatError, data, open_layout, require, write_versioned

__all__ = ["CALIBRATION_SCHEMA_VERSION", "CalibrationFile", "ChainFile", "read_calibration", "read_chain",
           "read_posterior", "write_calibration", "write_chain", "write_posterior"]

CALIBRATION_SCHEMA_VERSION = "1"
_V = CALIBRATION_SCHEMA_VERSION


def write_chain(path: str | os.PathLike, tree: dict[str, Any]) -> Path:
    """Write the emcee store tree atomically with its schema version; returns ``path``."""
    return write_versioned(path, tree, _V)


def write_calibration(path: str | os.PathLike, tree: dict[str, Any]) -> Path:
    """Write a run's calibration tree atomically with its schema version; returns ``path``."""
    return write_versioned(path, tree, _V)


def write_posterior(path: str | os.PathLike, tree: dict[str, Any]) -> Path:
    """Write the shipped posterior tree atomically with its schema version; returns ``path``."""
    return write_versioned(path, tree, _V)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _names(tree: dict, path, what: str) -> tuple[str, ...]:
    return tuple(str(n) for n in np.atleast_1d(data(require(tree, "names", path, what))))


def _matrix(tree: dict, field_: str, path, what: str, ndim: int, n_cols: int) -> np.ndarray:
    arr = np.asarray(data(require(tree, field_, path, what)), dtype=np.float64)
    if arr.ndim != ndim or arr.shape[-1] != n_cols:
        raise FileFormatError(f"{path}: field /{field_} has shape {arr.shape}; allowed: {ndim} axes, the last "
                              f"of length {n_cols} (one per name in /names)")
    return arr


@dataclass(frozen=True)
class ChainFile:
    """``chain.h5`` read back.

    Attributes
    ----------
    names : tuple of str, length P
    chain : float64[S, W, P]
        Log parameters per step and walker.
    log_prob : float64[S, W]
    rng : dict
        emcee's random state (name, keys, pos, has_gauss, cached_gaussian).
    seconds : float
    attrs : dict
    """

    names: tuple[str, ...]
    chain: np.ndarray
    log_prob: np.ndarray
    rng: dict
    seconds: float
    attrs: dict = field(default_factory=dict)


def read_chain(path: str | os.PathLike) -> ChainFile:
    """Read a ``chain.h5``; :class:`FileFormatError` names the file and field it cannot use."""
    what = "calibration chain"
    tree, _ = open_layout(path, what, [_V], legacy=_V)
    names = _names(tree, path, what)
    chain = _matrix(tree, "chain", path, what, 3, len(names))
    logp = np.asarray(data(require(tree, "log_prob", path, what)), dtype=np.float64)
    if logp.shape != chain.shape[:2]:
        raise FileFormatError(f"{path}: field /log_prob has shape {logp.shape}; allowed: {chain.shape[:2]} "
                              "(steps, walkers of /chain)")
    rng = {k: data(v) for k, v in require(tree, "rng", path, what).items() if k != "@attrs"}
    return ChainFile(names, chain, logp, rng, float(data(require(tree, "seconds", path, what))),
                     {k: _plain(v) for k, v in tree.get("@attrs", {}).items()})


@dataclass(frozen=True)
class CalibrationFile:
    """``calibration.h5`` read back.

    Attributes
    ----------
    names : tuple of str, length P
    point_estimate : float64[P]
        Natural scale.
    posterior_samples : float64[D, P]
        Natural scale.
    identifiability, diagnostics, rows : dict of str to ndarray
        As in the module docstring.
    attrs : dict
    """

    names: tuple[str, ...]
    point_estimate: np.ndarray
    posterior_samples: np.ndarray
    identifiability: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)


def _group(tree: dict, name: str) -> dict:
    return {k: np.asarray(data(v)) for k, v in tree.get(name, {}).items() if k != "@attrs"}


def read_calibration(path: str | os.PathLike) -> CalibrationFile:
    """Read a ``calibration.h5``; :class:`FileFormatError` names the file and field it cannot use."""
    what = "calibration"
    tree, _ = open_layout(path, what, [_V], legacy=_V)
    names = _names(tree, path, what)
    return CalibrationFile(names, _matrix(tree, "point_estimate", path, what, 1, len(names)),
                           _matrix(tree, "posterior_samples", path, what, 2, len(names)),
                           _group(tree, "identifiability"), _group(tree, "diagnostics"), _group(tree, "rows"),
                           {k: _plain(v) for k, v in tree.get("@attrs", {}).items()})


def read_posterior(path: str | os.PathLike) -> tuple[tuple[str, ...], np.ndarray]:
    """Read a ``posterior.h5``.

    Returns
    -------
    names : tuple of str, length P
    samples : float64[D, P]
        Natural-scale posterior draws.

    Raises
    ------
    FileNotFoundError, sim.io.versioned_layout.FileFormatError
        Naming the file and the field it cannot use.
    """
    what = "posterior"
    tree, _ = open_layout(path, what, [_V], legacy=_V)
    names = _names(tree, path, what)
    return names, _matrix(tree, "samples", path, what, 2, len(names))
