"""Declared virtual experiments for the seed findings: arms, relations and populations as data.

A :class:`Finding` is one claim of the origin review (Ma, Tian & Meng 2024, seed findings
F1-F18) turned into a virtual study: arms (label -> regimen, optionally with parameter
overrides such as a receptor blocker), the measures and days the study reported, and the
expected :class:`Relation` between arms. Nothing here runs a simulation (see
:mod:`sim.findings.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from sim.model.parameters import PARAMETERS, parameter_index
from sim.model.species import get_species
from sim.regimen import Regimen

#: Relation operators: ``<`` / ``>`` compare the arms' mean values of the measure (lower /
#: higher in the first arm, whatever the measure's better direction); ``~`` means no
#: meaningful difference (equivalence within the margin).
OPERATORS = ("<", ">", "~")


class FindingError(ValueError):
    """A finding, relation or population declaration that is not valid."""


@dataclass(frozen=True)
class Arm:
    """One arm: a regimen string and optional per-arm parameter overrides.

    Parameters
    ----------
    regimen : str
        Regimen in the grammar of :mod:`sim.regimen` (days relative to the first injection).
    parameters : mapping of str to float
        Parameter values that define the arm (e.g. ``rel_tgfb_receptor=0`` for a TGF-beta
        receptor inhibitor given with the product); validated against the parameter table.
    """

    regimen: str
    parameters: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        Regimen.parse(self.regimen)  # raises RegimenError (a ValueError) naming the field
        checked = {}
        for name, value in dict(self.parameters).items():
            checked[name] = PARAMETERS[parameter_index(name)].check(value, f"arm.parameters.{name}")
        object.__setattr__(self, "parameters", MappingProxyType(checked))


@dataclass(frozen=True)
class Relation:
    """Expected relation ``lhs op rhs`` of the arms' means of ``measure`` on ``day``.

    Parameters
    ----------
    lhs, rhs : str
        Arm labels.
    op : {"<", ">", "~"}
        Direction of the raw measure values (not of benefit), or ``~`` for no meaningful
        difference.
    measure : str
        A measure of :data:`sim.observe.MEASURES` or of :data:`sim.findings.measures.EXTRA_MEASURES`.
    day : float
        Day after the first injection (day 0) at which the arms are compared.
    """

    lhs: str
    op: str
    rhs: str
    measure: str
    day: float

    def __post_init__(self):
        if self.op not in OPERATORS:
            raise FindingError(f"relation.op: {self.op!r} is not allowed; allowed: {', '.join(OPERATORS)}")
        if self.lhs == self.rhs:
            raise FindingError(f"relation: compares arm {self.lhs!r} with itself")
        if not self.day >= 0:
            raise FindingError(f"relation.day: {self.day!r} must be >= 0 (days after the first injection)")

    def text(self) -> str:
        return f"{self.lhs} {self.op} {self.rhs}"


@dataclass(frozen=True)
class Population:
    """How the virtual patients of a finding are drawn (common random numbers across arms).

    Covariates and parameter multipliers are drawn once per finding from
    ``np.random.default_rng(seed)``; every arm gets the same patients.

    Parameters
    ----------
    species : str
        Species preset (animals are induced before day 0 by the preset's induction model).
    kl_grades, kl_weights : tuple
        Kellgren-Lawrence grades and their probabilities (humans only; animals start healthy).
    sd_log : mapping of str to float
        Standard deviation of log multipliers (log-normal around 1) of parameters, and of the
        covariates ``inflammation`` and ``alignment_load``.
    """

    species: str = "human"
    kl_grades: tuple[int, ...] = (2, 3, 4)
    kl_weights: tuple[float, ...] = (0.3, 0.5, 0.2)
    age_mean: float = 58.0  # years: typical of the MSC trials pooled in sim/data/trials
    age_sd: float = 8.0
    bmi_mean: float = 28.0  # kg/m^2
    bmi_sd: float = 4.0
    sd_log: Mapping[str, float] = field(default_factory=lambda: {
        # assumed: between-patient coefficient of variation ~30% for inflammatory phenotype and
        # macrophage recruitment, ~20% for cell homing/adhesion, ~10% for malalignment.
        "inflammation": 0.3, "alignment_load": 0.1, "k_recruit": 0.3, "k_msc_adhesion": 0.2,
        "k_collagen_mmp13": 0.2,
    })

    def __post_init__(self):
        get_species(self.species)
        if len(self.kl_grades) != len(self.kl_weights) or abs(sum(self.kl_weights) - 1.0) > 1e-9:
            raise FindingError("population.kl_weights: one probability per KL grade, summing to 1")
        for name, sd in self.sd_log.items():
            if name not in ("inflammation", "alignment_load"):
                parameter_index(name)
            if not sd >= 0:
                raise FindingError(f"population.sd_log.{name}: {sd!r} must be >= 0")
        object.__setattr__(self, "sd_log", MappingProxyType(dict(self.sd_log)))


@dataclass(frozen=True)
class Finding:
    """One seed finding as a declared virtual experiment.

    Parameters
    ----------
    id : str
        ``F1`` ... ``F18``.
    text : str
        The finding in one sentence, as in the seed list.
    refs : tuple of int
        Reference numbers of the origin review.
    population : Population
        Who is simulated (species, covariate spread).
    arms : mapping of str to Arm
        Label -> arm.
    relations : tuple of Relation
        Every relation must hold for the finding to count as reproduced.
    margin_sd : float
        Equivalence / minimal-effect margin in units of the between-patient SD (pooled over the
        two arms compared, at the relation's day): ``~`` needs the 95% interval of the paired
        difference inside +-margin; ``<``/``>`` need the interval to exclude 0 and the mean
        difference to exceed the margin in the stated direction.
    margin_rel : float
        Floor of the margin as a fraction of the second arm's mean (for read-outs that hardly
        vary between patients, e.g. a per-cell rate); 0 = no floor.
    notes : str
        What the virtual study leaves out or approximates (proxies for unmodelled measures).
    """

    id: str
    text: str
    refs: tuple[int, ...]
    population: Population
    arms: Mapping[str, Arm]
    relations: tuple[Relation, ...]
    margin_sd: float = 0.2
    margin_rel: float = 0.0
    notes: str = ""

    def __post_init__(self):
        arms = {k: (v if isinstance(v, Arm) else Arm(v)) for k, v in dict(self.arms).items()}
        if len(arms) < 2:
            raise FindingError(f"{self.id}.arms: at least two arms are required")
        if not self.relations:
            raise FindingError(f"{self.id}.relations: at least one relation is required")
        from sim.findings.measures import known_measures

        for rel in self.relations:
            for label in (rel.lhs, rel.rhs):
                if label not in arms:
                    raise FindingError(f"{self.id}: relation arm {label!r} unknown; allowed: {', '.join(arms)}")
            if rel.measure not in known_measures():
                raise FindingError(f"{self.id}: measure {rel.measure!r} unknown; allowed: "
                                   f"{', '.join(known_measures())}")
        if not self.margin_rel >= 0:
            raise FindingError(f"{self.id}.margin_rel: {self.margin_rel!r} must be >= 0")
        if not self.margin_sd > 0:
            raise FindingError(f"{self.id}.margin_sd: {self.margin_sd!r} must be > 0")
        object.__setattr__(self, "arms", MappingProxyType(arms))

    @property
    def days(self) -> tuple[float, ...]:
        return tuple(sorted({0.0} | {float(r.day) for r in self.relations}))
