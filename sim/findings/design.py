"""Declared replica studies for the seed findings: arms, relations and study designs as data.

A :class:`Finding` is one claim of the origin review (Ma, Tian & Meng 2024, seed findings
F1-F18) turned into a replica of the study that reported it: who was studied (a
:class:`sim.population.PopulationSpec`), the arms (label -> regimen, optionally with parameter
overrides such as a receptor blocker), the :class:`StudyDesign` (animals or patients per arm,
parallel or paired, the study's own test) and the expected :class:`Relation` between arms.
Nothing here runs a simulation (see :mod:`sim.findings.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from sim.model.parameters import PARAMETERS, parameter_index
from sim.observe import MEASURES, READOUTS
from sim.population import PopulationSpec
from sim.regimen import Regimen

#: Relation operators: ``<`` / ``>`` compare the arms' mean values of the measure (lower /
#: higher in the first arm, whatever the measure's better direction); ``~`` means the study
#: found no significant difference.
OPERATORS = ("<", ">", "~")

#: The studies' tests: two-sample Welch t test, Mann-Whitney U test (ordinal scores), and for
#: paired designs (same animals/patients in every arm) the paired t test.
TESTS = ("welch", "mann_whitney", "paired_t")


class FindingError(ValueError):
    """A finding, relation or design declaration that is not valid."""


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

    @property
    def products(self) -> tuple[str, ...]:
        """Products the arm's regimen gives, in the regimen's order (e.g. ``("msc", "ha")``)."""
        return Regimen.parse(self.regimen).products


@dataclass(frozen=True)
class Relation:
    """Expected relation ``lhs op rhs`` of the arms' values of ``measure`` on ``day``.

    Parameters
    ----------
    lhs, rhs : str
        Arm labels.
    op : {"<", ">", "~"}
        Direction of the raw measure values (not of benefit), or ``~`` for no significant
        difference.
    measure : str
        A measure of :data:`sim.observe.MEASURES` or a cell read-out of :data:`sim.observe.READOUTS`.
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
        """The relation as written in tables, e.g. ``"msc < saline"``."""
        return f"{self.lhs} {self.op} {self.rhs}"


@dataclass(frozen=True)
class StudyDesign:
    """How the original study was run: size, allocation and its own test.

    Parameters
    ----------
    n : int or mapping of str to int
        Animals/patients analysed per arm (one number, or arm label -> n), each >= 2.
    n_source : str
        Where ``n`` comes from (the seed review, a row of ``sim/data/trials/arms.csv``), or
        ``"assumed: <reason>"``.
    test : {"welch", "mann_whitney", "paired_t"}
        The study's test at level ``alpha`` (two-sided).
    paired : bool
        True when every arm holds the same animals/patients (e.g. one knee injected with the
        product, the other with saline); the replica then uses common random numbers across
        arms and ``test`` must be ``"paired_t"``.
    test_source : str
        Why this test (reported by the study, or assumed with a reason).
    alpha : float
        Significance level.
    """

    n: int | Mapping[str, int]
    n_source: str
    test: str = "welch"
    paired: bool = False
    test_source: str = "assumed: two-sample t test, the usual analysis of a two-arm trial"
    alpha: float = 0.05

    def __post_init__(self):
        if self.test not in TESTS:
            raise FindingError(f"design.test: {self.test!r} is not allowed; allowed: {', '.join(TESTS)}")
        if self.paired != (self.test == "paired_t"):
            raise FindingError("design.paired: a paired design needs test='paired_t' and vice versa")
        ns = dict(self.n) if isinstance(self.n, Mapping) else {"*": self.n}
        for key, value in ns.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise FindingError(f"design.n[{key}]: {value!r} is not allowed; allowed: an integer >= 2")
        if isinstance(self.n, Mapping):
            object.__setattr__(self, "n", MappingProxyType(ns))
        if not 0 < self.alpha < 1:
            raise FindingError(f"design.alpha: {self.alpha!r} is not allowed; allowed: 0 < alpha < 1")
        if not self.n_source.strip():
            raise FindingError("design.n_source: say where n comes from, or 'assumed: <reason>'")

    def n_arm(self, label: str) -> int:
        """Animals/patients of arm ``label``.

        Parameters
        ----------
        label : str
            Arm label of the finding.

        Returns
        -------
        int
        """
        return int(self.n[label]) if isinstance(self.n, Mapping) else int(self.n)


@dataclass(frozen=True)
class Finding:
    """One seed finding as a declared replica study.

    Parameters
    ----------
    id : str
        ``F1`` ... ``F18``.
    text : str
        The finding in one sentence, as in the seed list.
    refs : tuple of int
        Reference numbers of the origin review.
    population : PopulationSpec
        Who is studied (species, inclusion profile, between-patient variability).
    arms : mapping of str to Arm
        Label -> arm.
    relations : tuple of Relation
        The reported pattern: every relation must hold in a replica for the replica to
        reproduce the finding.
    design : StudyDesign
        Size, allocation and test of the original study.
    notes : str
        What the replica leaves out or approximates (proxies for unmodelled measures).
    """

    id: str
    text: str
    refs: tuple[int, ...]
    population: PopulationSpec
    arms: Mapping[str, Arm]
    relations: tuple[Relation, ...]
    design: StudyDesign
    notes: str = ""

    def __post_init__(self):
        arms = {k: (v if isinstance(v, Arm) else Arm(v)) for k, v in dict(self.arms).items()}
        if len(arms) < 2:
            raise FindingError(f"{self.id}.arms: at least two arms are required")
        if not self.relations:
            raise FindingError(f"{self.id}.relations: at least one relation is required")
        if not isinstance(self.population, PopulationSpec):
            raise FindingError(f"{self.id}.population: expected a sim.population.PopulationSpec")
        known = (*MEASURES, *READOUTS)
        for rel in self.relations:
            for label in (rel.lhs, rel.rhs):
                if label not in arms:
                    raise FindingError(f"{self.id}: relation arm {label!r} unknown; allowed: {', '.join(arms)}")
            if rel.measure not in known:
                raise FindingError(f"{self.id}: measure {rel.measure!r} unknown; allowed: {', '.join(known)}")
        if isinstance(self.design.n, Mapping) and set(self.design.n) != set(arms):
            raise FindingError(f"{self.id}.design.n: give one number or one per arm ({', '.join(arms)})")
        object.__setattr__(self, "arms", MappingProxyType(arms))

    @property
    def days(self) -> tuple[float, ...]:
        """Days (after the first injection) the replica must output: day 0 and every relation's day, sorted."""
        return tuple(sorted({0.0} | {float(r.day) for r in self.relations}))
