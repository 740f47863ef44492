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
    """An observable read off the model's states.

    Attributes
    ----------
    name : str
        Name in the trial-data vocabulary (``WOMAC_total``, ``VAS_pain``, ...).
    native_scale : (float, float)
        Range of the measure on its own scale, in ``unit``.
    higher_is_better : bool
        Direction of benefit (KOOS: True; WOMAC, VAS: False).
    unit : str
        Unit of the native scale.
    description : str
    fn : callable
        ``fn(states, indices)`` -> float64[...] values on the native scale (``states``: state
        arrays by name; ``indices``: :meth:`sim.observe.SymptomModel.indices`).
    relative_change : bool
        Whether a change from baseline is reported in percent of the baseline value (cartilage
        volume and thickness, as imaging studies report them) rather than in ``unit``.
    patient_reported : bool
        Questionnaires and pain scales: they carry the contextual (placebo) response, visit
        noise and an MCID.
    """

    name: str
    native_scale: tuple[float, float]
    higher_is_better: bool
    unit: str
    description: str
    fn: Callable[[dict, dict], np.ndarray]  # (states, indices) -> values on the native scale
    relative_change: bool = False
    patient_reported: bool = False

    def to_scale(self, values, scale: tuple[float, float]) -> np.ndarray:
        """``values`` on the native scale converted linearly to ``scale = (lo, hi)``.

        Parameters
        ----------
        values : float64 array
            On the native scale, any shape.
        scale : (float, float)
            Range the study reported on (e.g. WOMAC 0-100 normalised, VAS 0-10 cm), lo < hi.

        Returns
        -------
        float64 array
            Same shape as ``values``.
        """
        lo, hi = (float(v) for v in scale)
        if not hi > lo:
            raise ValueError(f"scale: for {self.name} need min < max, got {scale}")
        nlo, nhi = self.native_scale
        return lo + (values - nlo) * (hi - lo) / (nhi - nlo)


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


def _prom(*args) -> Measure:
    """A patient-reported measure (questionnaire or pain scale)."""
    return Measure(*args, patient_reported=True)


MEASURES: dict[str, Measure] = {m.name: m for m in (
    _prom("WOMAC_total", (0, 96), False, "points", "WOMAC total (Likert 0-96)",
          lambda st, ix: _WOMAC_PAIN(st, ix) + _WOMAC_STIFF(st, ix) + _WOMAC_FUNC(st, ix)),
    _prom("WOMAC_pain", (0, 20), False, "points", "WOMAC pain subscale (Likert 0-20)", _WOMAC_PAIN),
    _prom("WOMAC_stiffness", (0, 8), False, "points", "WOMAC stiffness subscale (Likert 0-8)", _WOMAC_STIFF),
    _prom("WOMAC_function", (0, 68), False, "points", "WOMAC function subscale (Likert 0-68)", _WOMAC_FUNC),
    _prom("VAS_pain", (0, 100), False, "mm", "Pain visual analogue scale", lambda st, ix: ix["pain"]),
    _prom("NRS_pain", (0, 10), False, "points", "Pain numeric rating scale", lambda st, ix: ix["pain"] / 10.0),
    _prom("KOOS_pain", (0, 100), True, "points", "KOOS pain", lambda st, ix: 100.0 - ix["pain"]),
    _prom("KOOS_symptoms", (0, 100), True, "points", "KOOS symptoms",
          lambda st, ix: 100.0 - 0.5 * (ix["pain"] + ix["stiffness"])),
    _prom("KOOS_ADL", (0, 100), True, "points", "KOOS activities of daily living",
          lambda st, ix: 100.0 - ix["function"]),
    _prom("KOOS_sport", (0, 100), True, "points", "KOOS sport/recreation",
          lambda st, ix: _clip(100.0 - 1.4 * ix["function"], 0, 100)),
    _prom("KOOS_QOL", (0, 100), True, "points", "KOOS quality of life",
          lambda st, ix: _clip(100.0 - 1.2 * ix["pain"], 0, 100)),
    _prom("Lysholm", (0, 100), True, "points", "Lysholm knee score",
          lambda st, ix: _clip(100.0 - (0.6 * ix["pain"] + 0.4 * ix["function"]) * 0.9, 0, 100)),
    _prom("IKDC", (0, 100), True, "points", "IKDC subjective knee score",
          lambda st, ix: _clip(100.0 - 0.95 * ix["function"], 0, 100)),
    Measure("MRI_cartilage_volume", (0, 2), True, "fraction of healthy", "Cartilage volume (collagen + repair)",
            lambda st, ix: _volume(st), relative_change=True),
    Measure("cartilage_thickness", (0, 5), True, "mm", "Femoral cartilage thickness (healthy 2.4 mm)",
            lambda st, ix: 2.4 * _volume(st), relative_change=True),
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


#: States every observation model of :data:`MEASURES` reads (simulate with them recorded).
OBSERVED_STATES = ("collagen", "repair_tissue", "repair_hyaline", "macrophage_m1", "effusion", "pge2", "sensitisation",
                   "placebo_response", "aggrecan", "chondrocytes", "il1b", "tnfa", "il6", "il10", "mmp3", "mmp13",
                   "ctx2")


def _differentiated_fraction(st, ix):
    total = st["msc_adhered"] + st["msc_differentiated"]
    return np.where(total > 1e-9, st["msc_differentiated"] / np.maximum(total, 1e-12), np.nan)


def _proliferation_per_cell(st, ix):
    # the model's logistic term k_msc_proliferation * (1 - adhered / K_msc_niche) (rhs.py, injected MSCs)
    return st["k_msc_proliferation"] * np.clip(1.0 - st["msc_adhered"] / st["K_msc_niche"], 0.0, None)


#: Cell-level read-outs that in-vitro and histology studies report (seed finding F17): observed
#: like :data:`MEASURES` (:func:`observe`), but not written into result files or trial tables.
READOUTS: dict[str, Measure] = {m.name: m for m in (
    Measure("msc_differentiated_fraction", (0, 1), True, "fraction", "Differentiated share of retained MSCs",
            _differentiated_fraction),
    Measure("msc_proliferation_per_cell", (0, 10), True, "1/day", "Proliferation rate per adhered MSC",
            _proliferation_per_cell),
)}
_READOUT_STATES = ("msc_adhered", "msc_differentiated")
_READOUT_PARAMETERS = ("k_msc_proliferation", "K_msc_niche")


def _inputs(result, symptoms: SymptomModel):
    missing = [n for n in OBSERVED_STATES if n not in result.state_names]
    if missing:
        raise ValueError(f"observation models need states {missing}; simulate with record=None")
    st = {n: result.state(n) for n in OBSERVED_STATES}
    st["effusion_healthy"] = result.parameter("effusion_healthy")[:, None]
    return st, symptoms.indices(st)


def _readout_inputs(result):
    st = {n: result.state(n) for n in _READOUT_STATES}
    st.update({n: result.parameter(n)[:, None] for n in _READOUT_PARAMETERS})
    return st, {}


def _symptoms_of(result) -> SymptomModel:
    """The symptom model a result was simulated with (the current default for older results)."""
    recorded = dict(getattr(result, "symptoms", {}) or {})
    return SymptomModel(**recorded) if recorded else default_symptom_model()


def find_measure(name: str) -> Measure:
    """The declared measure ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`MEASURES` or :data:`READOUTS`.

    Returns
    -------
    Measure

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    found = MEASURES.get(name) or READOUTS.get(name)
    if found is None:
        raise ValueError(f"measure: unknown measure {name!r}; allowed: {', '.join([*MEASURES, *READOUTS])}")
    return found


def observe_states(states: dict, indices: dict, name: str, scale: tuple[float, float] | None = None) -> np.ndarray:
    """Values of measure ``name`` from state arrays and symptom indices of any common shape.

    The form of :func:`observe` for callers that hold states outside a :class:`~sim.result.Result`
    (e.g. the calibration's float64[K, patients, days] blocks with one symptom model per row).

    Parameters
    ----------
    states : dict of str to float64 array
        State arrays by name (and ``effusion_healthy``), broadcastable against each other.
    indices : dict of str to float64 array
        :meth:`sim.observe.SymptomModel.indices` of ``states``.
    name : str
        A measure of :data:`MEASURES` or :data:`READOUTS`.
    scale : (float, float), optional
        Reported range; default the native scale.

    Returns
    -------
    float64 array
        Broadcast shape of the inputs.
    """
    m = find_measure(name)
    values = np.asarray(m.fn(states, indices), dtype=float)
    return values if scale is None else m.to_scale(values, scale)


def observe(result, measure: str, scale: tuple[float, float] | None = None,
            symptoms: SymptomModel | None = None) -> np.ndarray:
    """Values of ``measure`` for every patient and output time, float64[N, T].

    ``scale=(lo, hi)`` converts linearly from the measure's native scale (e.g. WOMAC Likert
    0-96 to a 0-100 normalised score, VAS 0-100 mm to 0-10 cm).

    Parameters
    ----------
    result : sim.Result
        Simulated patients (cut to some with :meth:`sim.Result.rows`).
    measure : str
        A measure of :data:`MEASURES` or a cell read-out of :data:`READOUTS`.
    scale : (float, float), optional
        Reported range; default the native scale.
    symptoms : SymptomModel, optional
        Observation coefficients; default those the result was simulated with (read-outs ignore it). Fields may be
        arrays broadcasting against float64[N, T] (e.g. a per-patient contextual response,
        :meth:`SymptomModel.with_contextual`).

    Returns
    -------
    float64 (N, T)
    """
    find_measure(measure)  # an unknown name fails before the states are read
    if measure in READOUTS:  # cell read-outs need no symptom model
        st, ix = _readout_inputs(result)
    else:
        st, ix = _inputs(result, symptoms or _symptoms_of(result))
    return observe_states(st, ix, measure, scale)


def observe_all(result, symptoms: SymptomModel | None = None) -> dict[str, np.ndarray]:
    """Every measure on its native scale: name -> float64[N, T]."""
    st, ix = _inputs(result, symptoms or _symptoms_of(result))
    return {name: np.asarray(m.fn(st, ix), dtype=float) for name, m in MEASURES.items()}
