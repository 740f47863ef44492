"""Latent symptom and structure indices computed from the model state.

Pain follows mostly synovitis, nociceptive mediators and effusion, plus a small structural part
and the contextual (placebo) response (models.md s5.2):

    pain = base + b_syn * synovitis + b_pge2 * ((1 - s) * (PGE2 - 1) + s * sensitisation)
           + b_eff * effusion_excess + b_struct * lost_volume
           - placebo_max * placebo_response                                  [VAS mm, 0-100]

The nociceptive part is shared between the peripheral drive (PGE2 now) and the slow
sensitisation state, which follows that drive over weeks (``sensitised_share`` s).

Function and stiffness share the pain drivers and weight structure more. Coefficients are data
with sources; the symptom-specific ones are calibrated against the trial outcomes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.data.calibrated import calibrated_values


@dataclass(frozen=True)
class SymptomModel:
    """Coefficients of the symptom indices (all on a 0-100 'worse is higher' scale).

    The contextual (placebo) response of a patient with baseline pain ``P0`` [VAS mm] is::

        placebo_max * multiplier * clip(P0 / placebo_reference_pain, 0.1, 3) ** placebo_baseline_exponent
                    * placebo_response(t)

    so patients (and trials) with more pain at entry improve more under any ritual of care
    (baseline pain predicts the placebo response: OR 1.054 per point, r = -0.43 between baseline
    and change, evidence.md s1.3 [R10]; baseline WOMAC is a covariate of the MBMA [R6]). The
    exponent is calibrated.
    """

    base: float = 8.0  # assumed: residual pain of a knee without synovitis or damage
    per_synovitis_unit: float = 3.15  # VAS mm per unit synovitis score: parameters.csv:pain_per_synovitis_unit
    per_pge2: float = 9.0  # to be calibrated: nociceptive mediators (PGE2/IL-6/NGF axis)
    per_effusion: float = 4.0  # to be calibrated: weak link (parameters.csv:RR_pain_effusion_synovitis_grade)
    per_lost_volume: float = 55.0  # VAS mm per unit lost cartilage volume: parameters.csv:pain_per_0p1mm_cartilage_loss
    # VAS mm at the peak of the contextual response for a patient at the reference baseline pain:
    # IA saline improves VAS by 12.1 mm at 3 months (Saltzman 2017, parameters.csv:IA_saline_VAS_3mo)
    # and 13.4 mm up to 6 months (Previtali 2021, evidence.md s1.1 [R3]); calibrated around 13.
    placebo_max: float = 13.0
    placebo_reference_pain: float = 60.0  # VAS mm: typical baseline of the trials behind placebo_max
    placebo_baseline_exponent: float = 1.0  # calibrated; 1 = proportional to baseline pain
    # Within-patient SD of pain between visits [VAS mm]; with an entry threshold it sets how much
    # regression to the mean a trial shows (sim.calibration.forward). Calibrated around 12 mm:
    # 23-32% of symptomatic adults report their worst pain >= 2/10 above their average within
    # 6 months (Parry 2017, BMC Musculoskelet Disord 18:80).
    fluctuation_sd: float = 12.0
    # Share of the nociceptive pain carried by sensitisation rather than by the current peripheral
    # drive. Movement-evoked pain in knee OA is associated with both Hoffa synovitis and
    # pressure-pain thresholds/temporal summation (Hattori 2024, evidence.md s4 [R62]); IA
    # anaesthetic + steroid raises pressure-pain thresholds at once and still at 2 weeks [R27].
    # Assumed equal. Judged by leave-one-study-out after a recalibration each way, the headline
    # interval score was 0.835 of the range with the share at 0.5 and 0.868 with it at 0 (0.796
    # and 0.790 with the pooled rows): the two calibrations differ by about as much as the
    # unconverged chains do, and 0.5 did not do worse.
    sensitised_share: float = 0.5
    synovitis_half: float = 0.3  # M1 level giving half the maximal synovitis score (assumed)
    function_structure_share: float = 0.35  # assumed: function weighs structure more than pain does

    def with_contextual(self, multiplier) -> SymptomModel:
        """A copy with each patient's contextual (placebo) response scaled by ``multiplier``.

        The per-patient multiplier of :class:`sim.population.VirtualPopulation` (``placebo``,
        mean 1) enters as ``placebo_max * multiplier``; 0 leaves the contextual response out.

        Parameters
        ----------
        multiplier : float, float64 (N,) or an array broadcasting against float64[N, T]
            Dimensionless; one value per patient (rows of the observed result) for a 1-D array.

        Returns
        -------
        SymptomModel
            ``placebo_max`` times ``multiplier`` (a 1-D multiplier as a float64[N, 1] column,
            broadcast over output times).
        """
        m = np.asarray(multiplier, dtype=float)
        return dataclasses.replace(self, placebo_max=self.placebo_max * (m[:, None] if m.ndim == 1 else multiplier))

    def synovitis_score(self, m1: np.ndarray) -> np.ndarray:
        """MRI-like summary synovitis score 0-9 from the M1 macrophage fraction."""
        m1 = np.clip(m1, 0.0, None)
        return 9.0 * m1 / (self.synovitis_half + m1)

    def contextual_scale(self, baseline_pain) -> np.ndarray:
        """Multiplier of ``placebo_max`` for patients with ``baseline_pain`` [VAS mm] (any shape)."""
        ratio = np.clip(np.asarray(baseline_pain, dtype=float) / self.placebo_reference_pain, 0.1, 3.0)
        return ratio ** self.placebo_baseline_exponent

    def indices(self, st: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Latent indices from states (arrays of any common shape, usually float64[N, T]).

        Optional entries of ``st`` (broadcastable against the states):

        ``pain_offset`` [VAS mm]
            The patient's stable pain trait plus any expected fluctuation, added to the
            disease-driven pain before the contextual response.
        ``placebo_multiplier`` [1]
            The patient's contextual responsiveness (mean 1).
        ``baseline_pain`` [VAS mm]
            Pain at entry, which scales the contextual response; by default the first column
            of a 2-D array (the first output time: simulations start at entry, day 0), and no
            scaling for other shapes.
        """
        lost = np.clip(1.0 - (st["collagen"] + st["repair_tissue"]), 0.0, 1.0)
        synovitis = self.synovitis_score(st["macrophage_m1"])
        effusion_excess = np.clip(st["effusion"] / st["effusion_healthy"] - 1.0, 0.0, None)
        share = self.sensitised_share
        nociceptive = (1.0 - share) * (st["pge2"] - 1.0) + share * st["sensitisation"]
        inflammatory = (self.per_synovitis_unit * synovitis + self.per_pge2 * nociceptive
                        + self.per_effusion * effusion_excess)
        raw = self.base + inflammatory + self.per_lost_volume * lost + st.get("pain_offset", 0.0)
        baseline = st.get("baseline_pain")
        if baseline is None:
            baseline = raw[:, :1] if np.ndim(raw) == 2 else self.placebo_reference_pain
        scale = self.contextual_scale(np.clip(baseline, 0.0, 100.0))
        placebo = self.placebo_max * st.get("placebo_multiplier", 1.0) * scale * st["placebo_response"]
        pain = np.clip(raw - placebo, 0.0, 100.0)
        s = self.function_structure_share
        function = np.clip((1 - s) * pain + s * 100.0 * np.clip(2.0 * lost + 0.3 * (1 - st["aggrecan"]), 0, 1)
                           - 0.2 * placebo, 0.0, 100.0)
        stiffness = np.clip(0.6 * pain + 0.4 * 100.0 * np.clip(effusion_excess / 2.0, 0, 1), 0.0, 100.0)
        return {"pain": pain, "function": function, "stiffness": stiffness, "synovitis": synovitis,
                "lost_volume": lost, "contextual": placebo}


def default_symptom_model() -> SymptomModel:
    """The calibrated symptom model (``SIM_DEFAULTS=literature``: the literature coefficients)."""
    fields = {f.name for f in dataclasses.fields(SymptomModel)}
    return SymptomModel(**{k: v for k, v in calibrated_values().items() if k in fields})
