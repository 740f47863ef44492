"""The shipped calibration as plain numbers (package data), and the choice of defaults.

This module only reads ``sim/data/calibration/point_estimate.json``; it imports nothing of the
model, so the model (patient defaults) and the observation layer (symptom coefficients) can
take the calibrated values without importing :mod:`sim.calibration`, which sits above them.
The choice between calibrated and literature defaults is made here, once, from the
environment variable ``SIM_DEFAULTS`` (``calibrated``, the default, or ``literature``).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources

__all__ = ["defaults_mode", "packaged_calibration", "calibrated_values"]


def defaults_mode() -> str:
    """``calibrated`` (default) or ``literature``, from the environment variable SIM_DEFAULTS."""
    mode = os.environ.get("SIM_DEFAULTS", "calibrated")
    if mode not in ("calibrated", "literature"):
        raise ValueError(f"SIM_DEFAULTS: {mode!r} is not allowed; allowed: calibrated, literature")
    return mode


@lru_cache(maxsize=1)
def packaged_calibration() -> dict:
    """The shipped ``point_estimate.json`` as a dict ({} where none is shipped)."""
    ref = resources.files("sim.data").joinpath("calibration/point_estimate.json")
    try:
        return json.loads(ref.read_text())
    except FileNotFoundError:
        return {}


def calibrated_values() -> dict[str, float]:
    """Calibrated values by name (model, symptom and error parameters); {} in literature mode."""
    if defaults_mode() == "literature":
        return {}
    return {k: float(v) for k, v in packaged_calibration().get("values", {}).items()}
