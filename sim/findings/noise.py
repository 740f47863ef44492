"""What a replica adds on top of the noise-free model: visit noise and a between-study effect.

Every number carries its source, or says that it is assumed and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.observe import MEASURES, find_measure
from sim.population import lognormal_multiplier
from sim.trial.spec import DEFAULT_NOISE_FRACTION, Endpoint

#: Between-study random effect, two log-normal multipliers (mean 1) drawn once per replica study
#: and shared by its arms. ``TREATMENT_EFFECT_CV`` scales every arm's difference from untreated
#: knees of the same patients (without the contextual response). DERIVED from the dose-focused
#: meta-analysis of single MSC injections (evidence.md R21: WOMAC SMD -1.35, I^2 49.8%, 6 RCTs,
#: 300 patients, so ~25 per arm): the within-study variance of an SMD of 1.35 with 25 per arm is
#: 2/25 + 1.35^2/100 = 0.098, tau^2 = I^2/(1 - I^2) x 0.098 = 0.097, tau = 0.31, CV = 0.31/1.35.
#: Animal studies: assumed the same (no between-study source).
TREATMENT_EFFECT_CV = 0.23
#: ``CONTEXTUAL_EFFECT_CV`` scales the contextual (placebo) response of patient-reported
#: measures. DERIVED: between-trial SD of the true standardised response of placebo arms,
#: tau ~= 0.49 (95% prediction interval of Hedges' g -0.30 to 1.63, evidence.md R11), over the
#: mean within-arm SMD of intra-articular saline, 0.68 (parameters.csv:IA_saline_SMD_short).
CONTEXTUAL_EFFECT_CV = 0.72

_HISTOLOGY = ("OARSI_histology", "OARSI_grade", "Mankin")
_FLUID = ("IL1b", "TNFa", "IL6", "IL10", "MMP3", "MMP13", "CTX_II", "PGE2")


@dataclass(frozen=True)
class Noise:
    """Measurement noise of one read-out.

    Attributes
    ----------
    kind : {"absolute", "relative"}
        ``absolute``: additive normal noise with SD ``value`` on the measure's native scale,
        clipped to the scale; ``relative``: log-normal multiplier with mean 1 and CV ``value``.
    value : float
    source : str
    """

    kind: str
    value: float
    source: str

    def apply(self, x: np.ndarray, z: np.ndarray, scale: tuple[float, float] | None) -> np.ndarray:
        """Observed values from noise-free ``x`` and standard normals ``z`` (same shape).

        Parameters
        ----------
        x : float64 ndarray
            Noise-free values, in the measure's unit.
        z : float64 ndarray
            Standard normal draws, same shape as ``x``.
        scale : (float, float) or None
            Native scale of the measure; absolute noise is clipped to it.

        Returns
        -------
        float64 ndarray
            Observed values, same shape and unit as ``x``.
        """
        if self.kind == "relative":
            return x * lognormal_multiplier(z, self.value)
        y = x + self.value * z
        return np.clip(y, *scale) if scale is not None else y


def is_patient_reported(measure: str) -> bool:
    """True for questionnaires and pain scales (they carry an MCID and the contextual response).

    Parameters
    ----------
    measure : str
        A measure of :data:`sim.observe.MEASURES` or :data:`sim.observe.READOUTS` (its
        ``patient_reported`` flag); an unknown name raises ``ValueError``.

    Returns
    -------
    bool
    """
    return find_measure(measure).patient_reported


def measurement_noise(measure: str) -> Noise:
    """Per-visit (or per-rater, per-assay) noise of ``measure``; see each row's source.

    Parameters
    ----------
    measure : str
        A measure of :data:`sim.observe.MEASURES` or :data:`sim.observe.READOUTS`.

    Returns
    -------
    Noise
        ``absolute`` (in the measure's unit) or ``relative`` (a CV), with its source.
    """
    if is_patient_reported(measure):
        lo, hi = MEASURES[measure].native_scale
        return Noise("absolute", DEFAULT_NOISE_FRACTION * (hi - lo),
                     "sim.trial.spec.DEFAULT_NOISE_FRACTION: 9% of the range, so that the SD of the 3-month "
                     "change in a saline arm matches parameters.csv:IA_saline_VAS_3mo / IA_saline_SMD_short")
    if measure in _HISTOLOGY:
        lo, hi = MEASURES[measure].native_scale
        return Noise("absolute", 0.05 * (hi - lo),
                     "DERIVED inter-rater noise: inter-observer ICC 0.94-0.99 of cartilage histology scores "
                     "(Tissue Eng Part C 2012, doi:10.1089/ten.tec.2011.0462; see also Pauli 2012 Osteoarthritis "
                     "Cartilage 20:476) taken as ICC 0.9 with a between-animal SD of ~15% of the range "
                     "(assumed) gives sqrt(0.1/0.9) x 15% = 5% of the range")
    if measure in _FLUID:
        return Noise("relative", 0.15, "assumed: inter-assay CV of ELISA kits is usually stated as below 10-15%")
    if measure in ("MRI_cartilage_volume", "cartilage_thickness"):
        return Noise("relative", 0.03, "assumed: test-retest precision of quantitative MRI cartilage "
                                       "volume/thickness is usually reported as an RMS CV of 2-3%")
    if measure in ("synovitis_score", "repair_quality"):
        lo, hi = MEASURES[measure].native_scale
        return Noise("absolute", 0.05 * (hi - lo), "assumed: reader noise as for histology scores")
    return Noise("relative", 0.10, "assumed: replicate CV of 10% for cell-level read-outs in culture")


def mcid(measure: str) -> float | None:
    """The package's MCID of a patient-reported measure (native scale), else None.

    Imaging, histology and joint-fluid read-outs have no MCID in the package, so only the
    patient-reported "<"/">" relations of human findings must reach one.

    Parameters
    ----------
    measure : str

    Returns
    -------
    float or None
        In the measure's native-scale unit.
    """
    return Endpoint(measure).mcid if is_patient_reported(measure) else None
