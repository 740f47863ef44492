"""Plain-dict configuration of a lesion run (what the Hydra app passes in).

Expected layout (either the whole config or its ``lesion`` block)::

    lesion:
      geometry: {preset: clinical}            # or explicit LesionGeometry fields
      params: {D_msc: 8.64e-4, ...}           # overrides of the parameter table
      drivers: {kind: injections, doses: [4.0e7], times: [0.0], k_reach: 1.0e-3,
                il1: 1.0, anti: 1.0, tgfb: 1.0, scaffold: 0.0}   # or kind: constant
      run: {days: 365, dt_days: 0.041666666666666664, n_substeps: null, seed: 0,
            record_every_days: 1, snapshot_days: [0, 365], initial_msc_per_mm3: 0.0,
            microfracture: false}
      output: lesion.h5

Every time is in days, as inside the model (``dt_days: 0.041666666666666664`` is one hour,
the float nearest 1/24).
"""

from __future__ import annotations

from typing import Any, Mapping

from sim.lesion.drivers import LesionDrivers
from sim.lesion.geometry import GeometryError, LesionGeometry
from sim.lesion.lesion_parameters import LesionParams
from sim.lesion.lesion_result import LesionResult
from sim.lesion.lesion_simulation import simulate_lesion

__all__ = ["run_from_config", "build_from_config", "output_name", "ConfigError"]

_RUN_KEYS = {"days", "dt_days", "n_substeps", "seed", "record_every_days", "snapshot_days",
             "initial_msc_per_mm3", "microfracture", "marrow_per_mm3"}
_DRIVER_KINDS = ("constant", "injections")
#: Keys of earlier configs that held hours, and the key in days that replaced each.
_HOUR_KEYS = {"dt_hours": "dt_days", "record_every_hours": "record_every_days"}


class ConfigError(ValueError):
    """A lesion config block is malformed."""


def _plain(cfg: Any) -> Any:
    try:  # accept OmegaConf containers without importing Hydra here
        from omegaconf import DictConfig, ListConfig, OmegaConf

        if isinstance(cfg, (DictConfig, ListConfig)):
            return OmegaConf.to_container(cfg, resolve=True)
    except ImportError:  # pragma: no cover
        pass
    return cfg


def _check_keys(block: Mapping, allowed: set[str], where: str) -> None:
    unknown = set(block) - allowed
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)} in lesion.{where}; "
                          f"allowed: {sorted(allowed)}")


def build_from_config(cfg: Mapping) -> dict[str, Any]:
    """Turn a config dict into :func:`~sim.lesion.lesion_simulation.simulate_lesion` arguments.

    Parameters
    ----------
    cfg : mapping
        The whole config or its ``lesion`` block (layout in this module's docstring); OmegaConf
        containers are accepted.

    Returns
    -------
    dict
        ``geometry`` (LesionGeometry), ``params`` (LesionParams), ``drivers`` (LesionDrivers),
        ``days`` (float, days), ``options`` (the remaining ``run`` keys, times in days) and
        ``output`` (file name).

    Raises
    ------
    ConfigError
        For an unknown key, a driver kind other than ``constant``/``injections``, or a run key in
        hours (``dt_hours``, ``record_every_hours``), naming the key that replaced it.
    """
    cfg = _plain(cfg)
    if not isinstance(cfg, Mapping):
        raise ConfigError(f"lesion config must be a mapping, got {type(cfg).__name__}")
    block = cfg.get("lesion", cfg)
    _check_keys(block, {"geometry", "params", "drivers", "run", "output"}, "<root>")
    # null in a geometry field (the config schema's default) means "the preset's value";
    # defect_depth_mm's null means full thickness, as in LesionGeometry
    geo = {k: v for k, v in dict(block.get("geometry") or {}).items() if v is not None or k == "defect_depth_mm"}
    preset = geo.pop("preset", None)
    if preset is not None:
        if preset not in ("small", "clinical"):
            raise ConfigError(f"lesion.geometry.preset must be 'small' or 'clinical', "
                              f"got {preset!r}")
        base = getattr(LesionGeometry, preset)().to_dict()
        geo = {**base, **geo}
    try:
        geometry = LesionGeometry(**geo)
    except TypeError as exc:
        raise GeometryError(f"lesion.geometry: {exc}") from None
    params = LesionParams(dict(block.get("params") or {}))
    drv = dict(block.get("drivers") or {"kind": "constant"})
    kind = drv.pop("kind", "constant")
    run = dict(block.get("run") or {})
    for old, new in _HOUR_KEYS.items():
        if old in run:
            raise ConfigError(f"lesion.run.{old} (hours) was replaced by lesion.run.{new} (days): "
                              f"write {new}: {run[old]!r} / 24")
    _check_keys(run, _RUN_KEYS, "run")
    days = float(run.pop("days", 30.0))
    if kind == "constant":
        _check_keys(drv, {"il1", "anti", "tgfb", "msc_influx", "scaffold"}, "drivers")
        drivers = LesionDrivers.constant(**drv)
    elif kind == "injections":
        _check_keys(drv, {"doses", "times", "k_loss", "k_reach", "il1", "anti", "tgfb",
                          "scaffold"}, "drivers")
        drivers = LesionDrivers.from_injections(days, drv.pop("doses", [0.0]), **drv)
    else:
        raise ConfigError(f"lesion.drivers.kind must be one of {_DRIVER_KINDS}, got {kind!r}")
    return {"geometry": geometry, "params": params, "drivers": drivers, "days": days,
            "options": run, "output": block.get("output", "lesion.h5")}


def output_name(cfg: Mapping) -> str:
    """File name the config asks its run to be written to.

    Parameters
    ----------
    cfg : mapping
        The whole config or its ``lesion`` block.

    Returns
    -------
    str
        ``lesion.output`` (default ``lesion.h5``).
    """
    return str(build_from_config(cfg)["output"])


def run_from_config(cfg: Mapping) -> LesionResult:
    """Run the lesion model described by ``cfg``.

    Parameters
    ----------
    cfg : mapping
        The whole config or its ``lesion`` block (layout in this module's docstring).

    Returns
    -------
    LesionResult
        The run; the caller writes it (:func:`sim.io.lesion_file.write_lesion`), to
        :func:`output_name` of the config inside its output folder.
    """
    b = build_from_config(cfg)
    opts = dict(b["options"])
    record = float(opts.pop("record_every_days", 1.0))
    snaps = opts.pop("snapshot_days", None)
    snaps = (0.0, b["days"]) if snaps is None else tuple(snaps)
    return simulate_lesion(b["geometry"], b["params"], b["drivers"], days=b["days"],
                           record_every_days=record, snapshot_days=snaps, **opts)
