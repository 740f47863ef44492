"""Virtual patients drawn from named random streams of one seed (common random numbers).

Every random quantity has its own stream, ``np.random.default_rng([seed, crc32(name), ...])``
(:func:`stream`), and is drawn for all ``N`` patients at once in patient order. Patient ``i``
therefore has the same covariates, parameters, placebo responsiveness, visit noise and dropout
time in every arm that uses it, whatever the other arms are, and adding a new kind of random
quantity never changes the draws of the existing ones.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from scipy import special

from sim.model.parameters import PARAMETERS, parameter_index
from sim.model.patient import Patient
from sim.population.profile import PopulationError, PopulationSpec, checked_number

__all__ = ["stream", "lognormal_multiplier", "truncated_normal", "VirtualPopulation", "sample_population"]


def stream(seed: int, name: str, *more: str) -> np.random.Generator:
    """The random stream named ``name`` (and ``more``) of ``seed``: independent of every other name, reproducible.

    Parameters
    ----------
    seed : int
        Seed of the run (>= 0).
    name, *more : str
        Name of the stream (e.g. ``"age"``, ``"parameter:<name>"``), or a path of names (e.g. a
        finding, an arm, a measure and a day); ``stream(s, "a", "b")`` is seeded with
        ``[s, crc32("a"), crc32("b")]``.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    PopulationError
        For a seed that is not an integer >= 0.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise PopulationError(f"seed: {seed!r} is not allowed; allowed: an integer >= 0")
    return np.random.default_rng([int(seed)] + [zlib.crc32(n.encode()) for n in (name, *more)])


def lognormal_multiplier(z: np.ndarray, cv: float) -> np.ndarray:
    """Log-normal multipliers with mean 1 and coefficient of variation ``cv``.

    Parameters
    ----------
    z : float64 array
        Standard normal draws (any shape).
    cv : float
        Coefficient of variation (dimensionless, >= 0).

    Returns
    -------
    float64 array
        Same shape as ``z``.
    """
    s2 = np.log1p(cv * cv)
    return np.exp(-0.5 * s2 + np.sqrt(s2) * z)


def truncated_normal(u: np.ndarray, mean: float, sd: float, lo: float, hi: float) -> np.ndarray:
    """Normal(mean, sd) truncated to [lo, hi] by inversion of uniforms (one draw per patient).

    Parameters
    ----------
    u : float64 array
        Uniform draws in [0, 1), any shape.
    mean, sd, lo, hi : float
        In the covariate's unit (e.g. years, kg/m^2).

    Returns
    -------
    float64 array
        Same shape as ``u``, within ``[lo, hi]``.
    """
    if sd == 0:
        return np.full(u.shape, float(np.clip(mean, lo, hi)))
    a, b = special.ndtr((lo - mean) / sd), special.ndtr((hi - mean) / sd)
    x = mean + sd * special.ndtri(a + u * (b - a))
    return np.clip(x, lo, hi)  # guards the last ulp at the tails


@dataclass(frozen=True, eq=False)
class VirtualPopulation:
    """Covariates and individual parameters of ``N`` virtual patients.

    Attributes
    ----------
    kl_grade : int64[N]
    age, bmi : float64[N]
        [years], [kg/m^2].
    female : bool[N]
    inflammation : float64[N]
        Synovitis propensity (``Patient.inflammation``).
    parameters : dict of str to float64[N]
        Individual values of the varied parameters.
    placebo : float64[N]
        Multiplier of the contextual (placebo) response, mean 1.
    dropout_u : float64[N]
        Uniform draw setting each patient's dropout time (see :func:`sim.trial.dropout_mask`).
    """

    species: str
    kl_grade: np.ndarray
    age: np.ndarray
    bmi: np.ndarray
    female: np.ndarray
    inflammation: np.ndarray
    parameters: dict
    placebo: np.ndarray
    dropout_u: np.ndarray

    def __len__(self) -> int:
        return int(self.age.size)

    def patients(self, index=None) -> list[Patient]:
        """``Patient`` objects (all, or those at ``index``) for :func:`sim.simulate`.

        Parameters
        ----------
        index : int or array_like of int, optional
            Population indices (default all, in order).

        Returns
        -------
        list of Patient
        """
        idx = range(len(self)) if index is None else np.asarray(index, dtype=np.int64).ravel()
        return [Patient(self.species, int(self.kl_grade[i]), float(self.age[i]), float(self.bmi[i]), 1.0,
                        float(self.inflammation[i]), {k: float(v[i]) for k, v in self.parameters.items()})
                for i in idx]

    def covariates(self) -> dict[str, np.ndarray]:
        """Covariate arrays by name (for result files)."""
        return {"kl_grade": self.kl_grade, "age": self.age, "bmi": self.bmi, "female": self.female.astype(np.int8),
                "inflammation": self.inflammation, "placebo_multiplier": self.placebo,
                **{f"parameter_{k}": v for k, v in self.parameters.items()}}


def sample_population(spec: PopulationSpec, n: int, seed: int, placebo_cv: float = 0.8) -> VirtualPopulation:
    """Draw ``n`` virtual patients of the inclusion profile ``spec`` from the streams of ``seed``.

    Patients are drawn in order; the first ``m`` patients of a population of size ``n > m`` are
    the population of size ``m`` (prefix property), so trials of different sizes share patients.

    Parameters
    ----------
    spec : PopulationSpec
        Inclusion profile (KL grades, age, BMI, sex, inflammation, between-patient variability).
    n : int
        Patients (> 0).
    seed : int
        Seed of the named streams.
    placebo_cv : float
        Coefficient of variation of each patient's placebo-response multiplier (mean 1).

    Returns
    -------
    VirtualPopulation
        Covariates and parameter values of shape (n,) each (age in years, BMI in kg/m^2).

    Raises
    ------
    PopulationError
        For a ``spec`` that is not a PopulationSpec, ``n`` not an integer > 0, a seed not an
        integer >= 0 or ``placebo_cv`` outside [0, 5]; the message names the argument.
    """
    if not isinstance(spec, PopulationSpec):
        raise PopulationError(f"spec: {type(spec).__name__} is not allowed; allowed: a sim.population.PopulationSpec")
    placebo_cv = checked_number("placebo_cv", placebo_cv, 0.0, 5.0)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise PopulationError(f"n: {n!r} is not allowed; allowed: an integer > 0 (patients)")
    w = np.asarray(spec.kl_weights, float)
    cdf = np.cumsum(w / w.sum())
    u = stream(seed, "kl_grade").random(n)
    kl = np.asarray(spec.kl_grades, dtype=np.int64)[np.minimum(np.searchsorted(cdf, u, side="right"), len(w) - 1)]
    age = truncated_normal(stream(seed, "age").random(n), spec.age_mean, spec.age_sd, spec.age_min, spec.age_max)
    bmi = truncated_normal(stream(seed, "bmi").random(n), spec.bmi_mean, spec.bmi_sd, spec.bmi_min, spec.bmi_max)
    female = stream(seed, "sex").random(n) < spec.p_female
    inflammation = np.clip(lognormal_multiplier(stream(seed, "inflammation").standard_normal(n),
                                                spec.inflammation_cv), 0.0, 10.0)
    base = Patient(spec.species).parameter_values()
    params = {}
    for name, cv in spec.variability.items():
        q = PARAMETERS[parameter_index(name)]
        z = stream(seed, f"parameter:{name}").standard_normal(n)
        params[name] = np.clip(base[name] * lognormal_multiplier(z, cv), q.lower, q.upper)
    placebo = lognormal_multiplier(stream(seed, "placebo").standard_normal(n), placebo_cv)
    dropout_u = stream(seed, "dropout").random(n)
    return VirtualPopulation(spec.species, kl, age, bmi, female, inflammation, params, placebo, dropout_u)
