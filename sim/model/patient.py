"""A virtual patient: species, covariates (KL grade, age, BMI) and individual parameters.

The KL grade sets the structural starting point (collagen and chondrocytes lost); everything
else (aggrecan, synovitis, mediators) follows from a run-in period during which the untreated
knee settles into the disease state that its structure, load and phenotype imply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from sim.data.calibrated import calibrated_values
from sim.model.parameters import PARAMETER_INDEX, PARAMETERS, parameter_index
from sim.model.species import Species, get_species
from sim.model.states import STATES, state_index

_LOWER = np.array([q.lower for q in PARAMETERS])
_UPPER = np.array([q.upper for q in PARAMETERS])

# Structural state by Kellgren-Lawrence grade: (collagen, chondrocytes) as fractions of healthy.
# Assumed mapping of radiographic joint-space narrowing to lost cartilage: none (KL0-1),
# doubtful/possible (KL2, ~10%), definite (KL3, ~20%), severe (KL4, ~40%).
KL_STRUCTURE: dict[int, tuple[float, float]] = {
    0: (1.00, 1.00),
    1: (0.95, 0.97),
    2: (0.88, 0.92),
    3: (0.78, 0.85),
    4: (0.62, 0.75),
}


def calibrated_defaults() -> dict[str, float]:
    """Calibrated parameter values shipped in ``sim/data/calibration`` (empty in literature mode).

    They replace the literature defaults of the few effect-size parameters the calibration fits;
    ``SIM_DEFAULTS=literature`` runs the model with the table's literature values only.
    """
    names = {q.name for q in PARAMETERS}
    return {k: v for k, v in calibrated_values().items() if k in names}


@dataclass(frozen=True)
class Patient:
    """One virtual knee.

    Attributes
    ----------
    species : str
        ``human``, ``sheep``, ``rabbit`` or ``rat``.
    kl_grade : int
        Kellgren-Lawrence grade 0-4 (humans); animals start healthy and are induced.
    age : float
        Years. Anabolic capacity falls ~1% per year above 60 (assumed). Humans only: an animal
        study's knees are an age-matched cohort of young adults, at the reference capacity.
    bmi : float
        kg/m^2. Knee load rises 2% per BMI unit above 25 (assumed; contact force scales with
        body weight, parameters.csv:knee_contact_force_walking). Humans only: an animal study's
        knees are weight-matched, and the species' induction sets their load.
    alignment_load : float
        Extra load multiplier from malalignment (1 = neutral).
    inflammation : float
        Synovitis propensity (inflammatory phenotype), multiplies M1 recruitment.
    parameters : mapping
        Further per-patient parameter values (validated against the parameter table).
    """

    species: str = "human"
    kl_grade: int = 3
    age: float = 60.0
    bmi: float = 28.0
    alignment_load: float = 1.0
    inflammation: float = 1.0
    parameters: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        get_species(self.species)
        if int(self.kl_grade) != self.kl_grade or self.kl_grade not in KL_STRUCTURE:
            raise ValueError(f"patient.kl_grade: {self.kl_grade!r} is not allowed; allowed: 0, 1, 2, 3, 4")
        for name, lo, hi in (("age", 0.0, 120.0), ("bmi", 10.0, 80.0), ("alignment_load", 0.2, 5.0),
                             ("inflammation", 0.0, 10.0)):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or not lo <= value <= hi:
                raise ValueError(f"patient.{name}: {value!r} is out of bounds; allowed [{lo:g}, {hi:g}]")
        checked = {}
        for name, value in dict(self.parameters).items():
            checked[name] = PARAMETERS[parameter_index(name)].check(value, f"patient.parameters.{name}")
        object.__setattr__(self, "parameters", MappingProxyType(checked))
        object.__setattr__(self, "kl_grade", int(self.kl_grade))

    @property
    def species_preset(self) -> Species:
        """The :class:`~sim.model.species.Species` preset named by ``species``."""
        return get_species(self.species)

    def parameter_values(self) -> dict[str, float]:
        """Parameter values of this patient: defaults, then species, covariates, overrides.

        Raises ``ValueError`` naming the parameter if a value is out of its bounds.
        """
        values = self._raw_values()
        self._checked_vector(values)
        return values

    def _raw_values(self) -> dict[str, float]:
        values = {q.name: q.default for q in PARAMETERS}
        values.update(calibrated_defaults())
        values.update(self.species_preset.parameter_overrides())
        for name, factor in self.species_preset.joint_size_factors().items():  # a smaller knee holds fewer cells
            values[name] *= factor
        # Age and body-mass relations are human ones; animals take the reference (see Attributes).
        human = self.species == "human"
        values["rel_load_patient"] = (1.0 + 0.02 * (self.bmi - 25.0) if human else 1.0) * self.alignment_load
        values["rel_anabolic_age"] = min(max(1.0 - 0.01 * (self.age - 60.0), 0.3), 1.5) if human else 1.0
        values["rel_inflammation"] = self.inflammation
        values.update(self.parameters)
        return values

    @staticmethod
    def _checked_vector(values: dict[str, float]) -> np.ndarray:
        """Values in table order, bounds-checked at once (one Python check per parameter made
        building a large population's inputs cost more than solving it); the first bad value
        raises with the same message as :meth:`~sim.model.table.Quantity.check`.
        """
        unknown = values.keys() - PARAMETER_INDEX.keys()
        if unknown:
            parameter_index(sorted(unknown)[0])  # raises, listing the valid names
        vec = np.array([values[q.name] for q in PARAMETERS], dtype=np.float64)
        bad = ~(np.isfinite(vec) & (vec >= _LOWER) & (vec <= _UPPER))
        for i in np.flatnonzero(bad):
            PARAMETERS[i].check(values[PARAMETERS[i].name], f"parameter {PARAMETERS[i].name}")
        return vec

    def parameter_vector(self) -> np.ndarray:
        """Parameter values in table order (float64[n_parameters]), checked as in
        :meth:`parameter_values`.
        """
        return self._checked_vector(self._raw_values())

    def initial_state(self) -> np.ndarray:
        """State at the start of the run-in: healthy defaults with the KL-grade structure."""
        y = np.array([s.default for s in STATES], dtype=np.float64)
        y[state_index("effusion")] = self.species_preset.effusion_healthy_ml
        if self.species == "human":
            collagen, chondrocytes = KL_STRUCTURE[self.kl_grade]
            y[state_index("collagen")] = collagen
            y[state_index("chondrocytes")] = chondrocytes
        return y
