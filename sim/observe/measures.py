"""Reported measures (the trial-data vocabulary) as functions of the model state.

Each :class:`Measure` states its native scale and direction; :func:`observe` evaluates it on a
:class:`~sim.result.Result` and converts linearly to the scale a study used (WOMAC 0-96 Likert
or 0-100 normalised, VAS 0-10 or 0-100, ...). Histology scores (OARSI, Mankin) are observation
models of cartilage state for animal studies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.observe.symptoms import SymptomModel, default_symptom_model


@dataclass(frozen=True)
class Measure:
    """An observable read off the model's states: its name, native scale and direction, unit,
    description, and ``fn(states, indices)`` giving float64[...] values on the native scale.
    """

    name: str
    native_scale: tuple[float, float]
    higher_is_better: bool
    unit: str
    description: str
    fn: Callable[[dict, dict], np.ndarray]  # (states, indices) -> values on the native scale


def _clip(x, lo, hi):
    return np.clip(x, lo, hi)


def _volume(st):
    return st["collagen"] + st["repair_tissue"]


def _oarsi_grade(st, ix):
    # Grade 0-6: PG loss and surface fibrillation (1-3), erosion (4), denudation (5-6).
    return _clip(6.0 * (2.2 * ix["lost_volume"] + 0.5 * np.clip(1.0 - st["aggrecan"], 0, 1)), 0, 6)


def _oarsi_stage(st, ix):
    return _clip(4.0 * 3.0 * ix["lost_volume"], 0, 4)


def _mankin(st, ix):
    structure = _clip(6.0 * 2.5 * ix["lost_volume"], 0, 6)
    cells = _clip(3.0 * 2.0 * np.clip(1.0 - st["chondrocytes"], 0, 1), 0, 3)
    safranin = _clip(4.0 * 1.5 * np.clip(1.0 - st["aggrecan"], 0, 1), 0, 4)
    tidemark = _clip(3.0 * ix["lost_volume"] - 0.5, 0, 1)
    return structure + cells + safranin + tidemark


_WOMAC_PAIN = lambda st, ix: 20.0 * ix["pain"] / 100.0  # noqa: E731
_WOMAC_STIFF = lambda st, ix: 8.0 * ix["stiffness"] / 100.0  # noqa: E731
_WOMAC_FUNC = lambda st, ix: 68.0 * ix["function"] / 100.0  # noqa: E731

MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("WOMAC_total", (0, 96), False, "points", "WOMAC total (Likert 0-96)",
            lambda st, ix: _WOMAC_PAIN(st, ix) + _WOMAC_STIFF(st, ix) + _WOMAC_FUNC(st, ix)),
    Measure("WOMAC_pain", (0, 20), False, "points", "WOMAC pain subscale (Likert 0-20)", _WOMAC_PAIN),
    Measure("WOMAC_stiffness", (0, 8), False, "points", "WOMAC stiffness subscale (Likert 0-8)", _WOMAC_STIFF),
    Measure("WOMAC_function", (0, 68), False, "points", "WOMAC function subscale (Likert 0-68)", _WOMAC_FUNC),
    Measure("VAS_pain", (0, 100), False, "mm", "Pain visual analogue scale", lambda st, ix: ix["pain"]),
    Measure("NRS_pain", (0, 10), False, "points", "Pain numeric rating scale", lambda st, ix: ix["pain"] / 10.0),
    Measure("KOOS_pain", (0, 100), True, "points", "KOOS pain", lambda st, ix: 100.0 - ix["pain"]),
    Measure("KOOS_symptoms", (0, 100), True, "points", "KOOS symptoms",
            lambda st, ix: 100.0 - 0.5 * (ix["pain"] + ix["stiffness"])),
    Measure("KOOS_ADL", (0, 100), True, "points", "KOOS activities of daily living",
            lambda st, ix: 100.0 - ix["function"]),
    Measure("KOOS_sport", (0, 100), True, "points", "KOOS sport/recreation",
            lambda st, ix: _clip(100.0 - 1.4 * ix["function"], 0, 100)),
    Measure("KOOS_QOL", (0, 100), True, "points", "KOOS quality of life",
            lambda st, ix: _clip(100.0 - 1.2 * ix["pain"], 0, 100)),
    Measure("Lysholm", (0, 100), True, "points", "Lysholm knee score",
            lambda st, ix: _clip(100.0 - (0.6 * ix["pain"] + 0.4 * ix["function"]) * 0.9, 0, 100)),
    Measure("IKDC", (0, 100), True, "points", "IKDC subjective knee score",
            lambda st, ix: _clip(100.0 - 0.95 * ix["function"], 0, 100)),
    Measure("MRI_cartilage_volume", (0, 2), True, "fraction of healthy", "Cartilage volume (collagen + repair)",
            lambda st, ix: _volume(st)),
    Measure("cartilage_thickness", (0, 5), True, "mm", "Femoral cartilage thickness (healthy 2.4 mm)",
            lambda st, ix: 2.4 * _volume(st)),
    Measure("synovitis_score", (0, 9), False, "points", "Summary MRI synovitis score",
            lambda st, ix: ix["synovitis"]),
    Measure("repair_quality", (0, 1), True, "fraction", "Hyaline fraction of repair tissue",
            lambda st, ix: np.where(st["repair_tissue"] > 1e-6,
                                    st["repair_hyaline"] / np.maximum(st["repair_tissue"], 1e-12), np.nan)),
    Measure("OARSI_histology", (0, 24), False, "points", "OARSI grade x stage (0-24)",
            lambda st, ix: _oarsi_grade(st, ix) * _oarsi_stage(st, ix)),
    Measure("OARSI_grade", (0, 6), False, "points", "OARSI histological grade (0-6)", _oarsi_grade),
    Measure("Mankin", (0, 14), False, "points", "Mankin histological score (0-14)", _mankin),
    Measure("IL1b", (0, 1e3), False, "x healthy", "Joint-fluid IL-1beta", lambda st, ix: st["il1b"]),
    Measure("TNFa", (0, 1e3), False, "x healthy", "Joint-fluid TNF-alpha", lambda st, ix: st["tnfa"]),
    Measure("IL6", (0, 1e3), False, "x healthy", "Joint-fluid IL-6", lambda st, ix: st["il6"]),
    Measure("IL10", (0, 1e3), True, "x healthy", "Joint-fluid IL-10", lambda st, ix: st["il10"]),
    Measure("MMP3", (0, 1e3), False, "x healthy", "Joint-fluid MMP-3", lambda st, ix: st["mmp3"]),
    Measure("MMP13", (0, 1e3), False, "x healthy", "Joint-fluid MMP-13", lambda st, ix: st["mmp13"]),
    Measure("CTX_II", (0, 1e3), False, "x healthy", "CTX-II collagen degradation marker",
            lambda st, ix: st["ctx2"]),
    Measure("PGE2", (0, 1e3), False, "x healthy", "Joint-fluid PGE2", lambda st, ix: st["pge2"]),
)}


def _inputs(result, symptoms: SymptomModel):
    needed = ("collagen", "repair_tissue", "repair_hyaline", "macrophage_m1", "effusion", "pge2", "sensitisation",
              "placebo_response", "aggrecan", "chondrocytes", "il1b", "tnfa", "il6", "il10", "mmp3",
              "mmp13", "ctx2")
    missing = [n for n in needed if n not in result.state_names]
    if missing:
        raise ValueError(f"observation models need states {missing}; simulate with record=None")
    st = {n: result.state(n) for n in needed}
    st["effusion_healthy"] = result.parameter("effusion_healthy")[:, None]
    return st, symptoms.indices(st)


def _symptoms_of(result) -> SymptomModel:
    """The symptom model a result was simulated with (the current default for older results)."""
    recorded = dict(getattr(result, "symptoms", {}) or {})
    return SymptomModel(**recorded) if recorded else default_symptom_model()


def observe(result, measure: str, scale: tuple[float, float] | None = None,
            symptoms: SymptomModel | None = None) -> np.ndarray:
    """Values of ``measure`` for every patient and output time, float64[N, T].

    ``scale=(lo, hi)`` converts linearly from the measure's native scale (e.g. WOMAC Likert
    0-96 to a 0-100 normalised score, VAS 0-100 mm to 0-10 cm).
    """
    try:
        m = MEASURES[measure]
    except KeyError:
        raise ValueError(f"measure: unknown measure {measure!r}; allowed: {', '.join(MEASURES)}") from None
    st, ix = _inputs(result, symptoms or _symptoms_of(result))
    values = np.asarray(m.fn(st, ix), dtype=float)
    if scale is not None:
        lo, hi = (float(v) for v in scale)
        if not hi > lo:
            raise ValueError(f"scale: for {measure} need min < max, got {scale}")
        nlo, nhi = m.native_scale
        values = lo + (values - nlo) * (hi - lo) / (nhi - nlo)
    return values


def observe_all(result, symptoms: SymptomModel | None = None) -> dict[str, np.ndarray]:
    """Every measure on its native scale: name -> float64[N, T]."""
    st, ix = _inputs(result, symptoms or _symptoms_of(result))
    return {name: np.asarray(m.fn(st, ix), dtype=float) for name, m in MEASURES.items()}
