"""Latent symptom and structure indices computed from the model state.

Pain follows mostly synovitis, nociceptive mediators and effusion, plus a small structural part
and the contextual (placebo) response (models.md s5.2):

    pain = base + b_syn * synovitis + b_pge2 * (PGE2 - 1) + b_eff * effusion_excess
           + b_struct * lost_volume - placebo_max * placebo_response       [VAS mm, 0-100]

Function and stiffness share the pain drivers and weight structure more. Coefficients are data
with sources; the symptom-specific ones are calibrated against the trial outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SymptomModel:
    """Coefficients of the symptom indices (all on a 0-100 'worse is higher' scale)."""

    base: float = 8.0  # assumed: residual pain of a knee without synovitis or damage
    per_synovitis_unit: float = 3.15  # VAS mm per unit synovitis score: parameters.csv:pain_per_synovitis_unit
    per_pge2: float = 9.0  # to be calibrated: nociceptive mediators (PGE2/IL-6/NGF axis)
    per_effusion: float = 4.0  # to be calibrated: weak link (parameters.csv:RR_pain_effusion_synovitis_grade)
    per_lost_volume: float = 55.0  # VAS mm per unit lost cartilage volume: parameters.csv:pain_per_0p1mm_cartilage_loss
    placebo_max: float = 14.0  # VAS mm at the peak of the contextual response: parameters.csv:IA_saline_VAS_3mo
    synovitis_half: float = 0.3  # M1 level giving half the maximal synovitis score (assumed)
    function_structure_share: float = 0.35  # assumed: function weighs structure more than pain does

    def synovitis_score(self, m1: np.ndarray) -> np.ndarray:
        """MRI-like summary synovitis score 0-9 from the M1 macrophage fraction."""
        m1 = np.clip(m1, 0.0, None)
        return 9.0 * m1 / (self.synovitis_half + m1)

    def indices(self, st: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Latent indices from states (arrays of any common shape)."""
        lost = np.clip(1.0 - (st["collagen"] + st["repair_tissue"]), 0.0, 1.0)
        synovitis = self.synovitis_score(st["macrophage_m1"])
        effusion_excess = np.clip(st["effusion"] / st["effusion_healthy"] - 1.0, 0.0, None)
        placebo = self.placebo_max * st["placebo_response"]
        inflammatory = (self.per_synovitis_unit * synovitis + self.per_pge2 * (st["pge2"] - 1.0)
                        + self.per_effusion * effusion_excess)
        pain = np.clip(self.base + inflammatory + self.per_lost_volume * lost - placebo, 0.0, 100.0)
        s = self.function_structure_share
        function = np.clip((1 - s) * pain + s * 100.0 * np.clip(2.0 * lost + 0.3 * (1 - st["aggrecan"]), 0, 1)
                           - 0.2 * placebo, 0.0, 100.0)
        stiffness = np.clip(0.6 * pain + 0.4 * 100.0 * np.clip(effusion_excess / 2.0, 0, 1), 0.0, 100.0)
        return {"pain": pain, "function": function, "stiffness": stiffness, "synovitis": synovitis,
                "lost_volume": lost}


def default_symptom_model() -> SymptomModel:
    """The calibrated symptom model (``SIM_DEFAULTS=literature``: the literature coefficients)."""
    from sim.model.patient import defaults_mode

    if defaults_mode() == "literature":
        return SymptomModel()
    from sim.calibration.parameters import calibrated_symptom_model  # lazy: avoids an import cycle

    return calibrated_symptom_model()
