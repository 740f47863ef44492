"""Who is enrolled: the inclusion profile and between-patient variability of a virtual population.

A :class:`PopulationSpec` is plain data, validated on construction; bad input raises
:class:`PopulationError` (a ``ValueError``) naming the field (``population.<name>``) and what is
allowed. :func:`sim.population.sample_population` draws the patients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from sim.model.parameters import PARAMETERS, parameter_index
from sim.model.species import get_species

__all__ = ["PopulationError", "PopulationSpec", "DEFAULT_VARIABILITY", "checked_number"]


class PopulationError(ValueError):
    """Invalid population (profile, size or seed); the message names the field and what is allowed."""


#: Between-patient coefficients of variation (log-normal around the default) of parameters that
#: set how fast a knee inflames and degrades and how injected cells persist and act. All assumed
#: (no population data for these rates); 0.25 gives a ~2-fold 95% range.
DEFAULT_VARIABILITY: Mapping[str, float] = MappingProxyType({
    "k_recruit": 0.25,
    "k_m1_to_m2": 0.25,
    "k_collagen_mmp13": 0.25,
    "k_aggrecan_adamts": 0.25,
    "k_msc_adhesion": 0.25,
    "k_msc_death_adhered": 0.25,
    "k_secretion": 0.25,
})


def checked_number(name: str, value, lo: float | None = None, hi: float | None = None, *, strict_lo=False,
                   error: type[ValueError] = PopulationError) -> float:
    """``value`` as a float, or ``error`` naming field ``name`` and the allowed range.

    Parameters
    ----------
    name : str
        Field named in the message (e.g. ``"population.age_mean"``).
    value : object
        The value given.
    lo, hi : float, optional
        Bounds (``lo`` exclusive where ``strict_lo``), in the field's unit.
    strict_lo : bool
        Whether ``value`` must exceed ``lo`` rather than reach it.
    error : type of ValueError
        Exception raised (the caller's own error class).

    Returns
    -------
    float
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    bad = not math.isfinite(x) or (lo is not None and (x <= lo if strict_lo else x < lo)) or (hi is not None and x > hi)
    if bad:
        rng = f"{'>' if strict_lo else '>='} {lo:g}" if lo is not None else ""
        rng += (" and " if rng and hi is not None else "") + (f"<= {hi:g}" if hi is not None else "")
        raise error(f"{name}: {value!r} is not allowed; allowed: a finite number {rng}".rstrip())
    return x


@dataclass(frozen=True)
class PopulationSpec:
    """Inclusion profile and between-patient variability of the virtual population.

    Attributes
    ----------
    species : str
        ``human`` or an animal species (animals start healthy and are induced; their KL grade,
        age and BMI are ignored by the model).
    kl_grades, kl_weights : tuple
        Allowed Kellgren-Lawrence grades and their relative frequencies (default equal).
    age_mean, age_sd, age_min, age_max : float
        Normal age distribution truncated to the inclusion range [years].
    bmi_mean, bmi_sd, bmi_min, bmi_max : float
        Normal BMI truncated to the inclusion range [kg/m^2]. Default 29 +/- 4.5: typical of
        knee-OA trial populations (assumed).
    p_female : float
        Share of women (recorded covariate; the model has no sex-specific parameters).
    inflammation_cv : float
        Log-normal CV of the synovitis propensity (``Patient.inflammation``, mean 1; assumed).
    variability : mapping
        Parameter name -> log-normal CV around the patient's value (default
        :data:`DEFAULT_VARIABILITY`); values are clipped to the parameter's bounds.
    """

    species: str = "human"
    kl_grades: tuple[int, ...] = (2, 3)
    kl_weights: tuple[float, ...] | None = None
    age_mean: float = 60.0
    age_sd: float = 8.0
    age_min: float = 40.0
    age_max: float = 80.0
    bmi_mean: float = 29.0
    bmi_sd: float = 4.5
    bmi_min: float = 18.5
    bmi_max: float = 40.0
    p_female: float = 0.6
    inflammation_cv: float = 0.3
    variability: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_VARIABILITY))

    def __post_init__(self):
        try:
            get_species(self.species)
        except ValueError as exc:
            raise PopulationError(f"population.species: {exc}") from None
        grades = tuple(int(g) for g in self.kl_grades) if self.kl_grades else ()
        if not grades or any(g not in range(5) for g in grades) or len(set(grades)) != len(grades):
            raise PopulationError(f"population.kl_grades: {self.kl_grades!r} is not allowed; "
                                 "allowed: distinct grades from 0-4, at least one")
        object.__setattr__(self, "kl_grades", grades)
        weights = (1.0,) * len(grades) if self.kl_weights is None else tuple(float(w) for w in self.kl_weights)
        if len(weights) != len(grades) or any(not (math.isfinite(w) and w >= 0) for w in weights) or sum(weights) <= 0:
            raise PopulationError(f"population.kl_weights: {self.kl_weights!r} is not allowed; allowed: one weight "
                                 f">= 0 per KL grade ({len(grades)}), not all zero")
        object.__setattr__(self, "kl_weights", weights)
        for name, lo, hi in (("age_mean", 0, 120), ("age_sd", 0, 60), ("age_min", 0, 120), ("age_max", 0, 120),
                             ("bmi_mean", 10, 80), ("bmi_sd", 0, 30), ("bmi_min", 10, 80), ("bmi_max", 10, 80),
                             ("p_female", 0, 1), ("inflammation_cv", 0, 3)):
            object.__setattr__(self, name, checked_number(f"population.{name}", getattr(self, name), lo, hi))
        if not self.age_min < self.age_max or not self.age_min <= self.age_mean <= self.age_max:
            raise PopulationError(f"population.age_min/age_mean/age_max: need age_min <= age_mean <= age_max and "
                                 f"age_min < age_max; got {self.age_min:g}, {self.age_mean:g}, {self.age_max:g}")
        if not self.bmi_min < self.bmi_max or not self.bmi_min <= self.bmi_mean <= self.bmi_max:
            raise PopulationError(f"population.bmi_min/bmi_mean/bmi_max: need bmi_min <= bmi_mean <= bmi_max and "
                                 f"bmi_min < bmi_max; got {self.bmi_min:g}, {self.bmi_mean:g}, {self.bmi_max:g}")
        checked = {}
        for name, cv in dict(self.variability).items():
            try:
                parameter_index(name)
            except ValueError:
                raise PopulationError(f"population.variability: unknown parameter {name!r}; allowed: "
                                     f"{', '.join(q.name for q in PARAMETERS)}") from None
            checked[name] = checked_number(f"population.variability.{name}", cv, 0.0, 3.0)
        object.__setattr__(self, "variability", MappingProxyType(checked))
