"""Trial specifications built straight from the packaged trial data (``sim/data/trials``).

Every number comes from ``arms.csv`` / ``outcomes.csv`` through :func:`sim.evidence.load_arms` and
:func:`sim.evidence.load_outcomes` (never retyped). Where a study does not state something, a
documented default is used and recorded in ``TrialSpec.source``:

* inclusion KL range: the study's ``kl_min``-``kl_max``, else KL 2-3 (:data:`DEFAULT_KL`);
* age: mean of the arms' ``age_mean`` weighted by n (:func:`sim.evidence.study_mean_age`; SD 8
  years, truncated to 40-80), else 60;
* n per arm: ``n_arm``, else :data:`DEFAULT_N`;
* endpoints: the study's outcome measures known to ``sim.observe`` on the scale the study used
  (most frequent), else WOMAC total and VAS pain (human) or OARSI grade and cartilage volume
  (animal);
* follow-up: the study's outcome days > 0, else 182 and 365;
* control: the ``vs_arm_id`` of a between-arm row, else an arm of only saline / no treatment,
  else the first arm without cells or exosomes, else the first arm;
* species ``sheep`` arms use sheep patients; dropout 0 (``n_arm`` is taken as analysed n).
Unknown amounts (``?``) get the typical values of ``sim.regimen.products.TYPICAL_AMOUNTS``
when simulated.
"""

from __future__ import annotations

from collections import Counter

from sim.evidence import load_arms, load_outcomes, study_kl_range, study_mean_age
from sim.observe import MEASURES
from sim.population import PopulationSpec
from sim.trial.spec import Arm, Endpoint, TrialSpec, TrialSpecError

__all__ = ["study_ids", "trial_from_study", "DEFAULT_KL", "DEFAULT_N", "DEFAULT_FOLLOW_UP"]

DEFAULT_KL = (2, 3)
DEFAULT_N = 20
DEFAULT_FOLLOW_UP = (182.0, 365.0)
_CONTROL_PRODUCTS = {"saline", "none"}


def study_ids() -> tuple[str, ...]:
    """Study ids of ``arms.csv`` in file order."""
    return tuple(dict.fromkeys(a.study_id for a in load_arms()))


def _arm_name(study: str, arm_id: str) -> str:
    return arm_id[len(study) + 1:] if arm_id.startswith(study + "_") else arm_id


def trial_from_study(study_id: str, *, n_default: int = DEFAULT_N, **overrides) -> TrialSpec:
    """The trial of ``study_id`` (a ``study_id`` of ``arms.csv``) as a :class:`TrialSpec`.

    ``overrides`` replace fields of the spec (e.g. ``n_per_arm=100`` or ``dropout=0.1``).

    Parameters
    ----------
    study_id : str
        A ``study_id`` of ``arms.csv``.
    n_default : int
        Patients per arm where the study reports none.
    **overrides
        Fields of :class:`TrialSpec` to replace.

    Returns
    -------
    TrialSpec

    Raises
    ------
    TrialSpecError
        For an unknown study id (the message lists the known ones).
    """
    arms = [a for a in load_arms() if a.study_id == study_id]
    if not arms:
        raise TrialSpecError(f"study: unknown study id {study_id!r}; allowed: {', '.join(study_ids())}")
    ids = {a.arm_id for a in arms}
    rows = [r for r in load_outcomes() if r.arm_id in ids]
    names = {a.arm_id: _arm_name(study_id, a.arm_id) for a in arms}
    species = arms[0].species
    notes = []

    kl = study_kl_range(arms)
    grades = tuple(range(kl[0], kl[1] + 1)) if kl else DEFAULT_KL
    if not kl and species == "human":
        notes.append(f"KL {DEFAULT_KL[0]}-{DEFAULT_KL[1]} assumed")
    age = study_mean_age(arms)
    age = min(max(age, 40.0), 80.0) if age is not None else 60.0
    population = PopulationSpec(species=species, kl_grades=grades, age_mean=age)

    n = {names[a.arm_id]: a.n_arm or n_default for a in arms}
    if any(a.n_arm is None for a in arms):
        notes.append(f"n={n_default} where n_arm is not stated")

    scales: dict[str, Counter] = {}
    days = set()
    for r in rows:
        if r.measure in MEASURES:
            scales.setdefault(r.measure, Counter())[r.scale] += 1
            if r.timepoint_days is not None and r.timepoint_days > 0:
                days.add(float(r.timepoint_days))
    endpoints = tuple(Endpoint(m, c.most_common(1)[0][0]) for m, c in scales.items())
    if not endpoints:
        default = ("WOMAC_total", "VAS_pain") if species == "human" else ("OARSI_grade", "MRI_cartilage_volume")
        endpoints = tuple(Endpoint(m) for m in default)
        notes.append("default endpoints " + ", ".join(default))
    if not days:
        days = set(DEFAULT_FOLLOW_UP)
        notes.append("follow-up 182, 365 days assumed")

    vs = [r.vs_arm_id for r in rows if r.vs_arm_id in ids]
    inert = [a.arm_id for a in arms if set(a.regimen.products) <= _CONTROL_PRODUCTS]
    acellular = [a.arm_id for a in arms if not {"msc", "exo"} & set(a.regimen.products)]
    control = names[(vs or inert or acellular or [arms[0].arm_id])[0]]

    source = f"{study_id}: {arms[0].citation}"
    if notes:
        source += " | defaults: " + "; ".join(notes)
    fields = dict(name=study_id, arms=tuple(Arm(names[a.arm_id], str(a.regimen)) for a in arms), control=control,
                  n_per_arm=n, follow_up_days=tuple(sorted(days)), endpoints=endpoints, dropout=0.0,
                  population=population, question=f"Virtual replicate of {study_id}: every arm vs {control}",
                  source=source)
    unknown = set(overrides) - set(fields) - {"observation", "horizon_days"}
    if unknown:
        raise TrialSpecError(f"overrides: unknown field(s) {sorted(unknown)}; allowed: "
                             f"{', '.join(sorted(set(fields) | {'observation', 'horizon_days'}))}")
    fields.update(overrides)
    return TrialSpec(**fields)
