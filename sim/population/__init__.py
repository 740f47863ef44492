"""Virtual populations: who is enrolled (:class:`PopulationSpec`) and the patients drawn from it.

The one sampler of the package: trials, findings pools, the calibration's cohorts and anything
else that needs virtual patients draw them with :func:`sample_population`, and every other
random quantity about a patient comes from the same named streams (:func:`stream`).

>>> from sim.population import PopulationSpec, sample_population
>>> pop = sample_population(PopulationSpec(kl_grades=(2, 3)), n=100, seed=1)
>>> patients = pop.patients()          # list of sim.Patient for sim.simulate
"""

from sim.population.profile import DEFAULT_VARIABILITY, PopulationError, PopulationSpec
from sim.population.sampler import (
    VirtualPopulation,
    lognormal_multiplier,
    sample_population,
    stream,
    truncated_normal,
)

__all__ = ["DEFAULT_VARIABILITY", "PopulationError", "PopulationSpec", "VirtualPopulation", "lognormal_multiplier",
           "sample_population", "stream", "truncated_normal"]
