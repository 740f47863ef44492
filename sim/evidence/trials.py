"""Validating loaders for the trial arms and outcomes (``arms.csv``, ``outcomes.csv``).

Each loader reads one CSV file (the packaged copy by default, or a user's file in the same
schema), checks every row against ``sim/data/trials/README.md`` and returns a tuple of frozen
row dataclasses. Values are kept exactly as reported (no rescaling; see
:mod:`sim.data.conversions` for explicit conversions). All problems of a file are raised
together as one :class:`~sim.data.reading.DataError` naming file, row and field. An arm's
regimen is parsed into a :class:`~sim.regimen.Regimen`, which is why these loaders live above
:mod:`sim.regimen` and the other tables' loaders below it (:mod:`sim.data.loaders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.data import trial_schema as schema
from sim.data.reading import (
    DataError,
    DataIssue,
    FieldError,
    TableReader,
    bool_field,
    check_scale,
    choice_field,
    float_field,
    int_field,
    optional_text,
    packaged_path,
    pair_field,
    required_text,
)
from sim.regimen import Regimen, RegimenError

__all__ = ["ArmRow", "OutcomeRow", "load_arms", "load_outcomes"]


def _regimen(field: str, s: str) -> Regimen:
    try:
        return Regimen.parse(s)
    except RegimenError as e:
        raise FieldError(field, str(e)) from None


# --- arms ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArmRow:
    """One trial arm of ``arms.csv``. Optional numbers are ``None`` where the source is silent."""

    study_id: str
    arm_id: str
    arm_label: str
    species: str
    design: str
    n_arm: int | None
    population: str
    kl_min: int | None
    kl_max: int | None
    age_mean: float | None  #: [year]
    regimen: Regimen
    citation: str
    doi_or_pmid: str
    source_url: str
    notes: str

    @property
    def regimen_incomplete(self) -> bool:
        """True where the number or timing of injections is not stated (``REGIMEN_INCOMPLETE``)."""
        return "REGIMEN_INCOMPLETE" in self.notes


_ARM_PARSERS = {
    "study_id": required_text,
    "arm_id": required_text,
    "arm_label": required_text,
    "species": lambda c, s: choice_field(c, s, schema.SPECIES),
    "design": lambda c, s: choice_field(c, s, schema.DESIGNS),
    "n_arm": lambda c, s: int_field(c, s, optional=True, lo=1),
    "population": optional_text,
    "kl_min": lambda c, s: int_field(c, s, optional=True, lo=0, hi=4),
    "kl_max": lambda c, s: int_field(c, s, optional=True, lo=0, hi=4),
    "age_mean": lambda c, s: float_field(c, s, optional=True, lo=0, hi=120),
    "regimen": _regimen,
    "citation": required_text,
    "doi_or_pmid": optional_text,
    "source_url": required_text,
    "notes": optional_text,
}


def load_arms(path: str | Path | None = None) -> tuple[ArmRow, ...]:
    """Load and validate ``arms.csv``.

    Parameters
    ----------
    path : str or Path, optional
        A file in the ``arms.csv`` schema; ``None`` loads the packaged data.

    Returns
    -------
    tuple of ArmRow
        In file order; ``arm_id`` is unique and starts with ``study_id + "_"``.

    Raises
    ------
    DataError
        Listing every row and field that breaks the schema.
    """
    rd = TableReader(packaged_path("trials/arms.csv") if path is None else path, schema.ARMS_COLUMNS)
    out, seen = [], {}
    for i, rec in rd.rows():
        v = rd.parse(i, rec, _ARM_PARSERS)
        if v is None:
            continue
        if not v["arm_id"].startswith(v["study_id"] + "_"):
            rd.add(i, "arm_id", f"{v['arm_id']!r} must start with study_id + '_' ({v['study_id']}_...)")
        if v["arm_id"] in seen:
            rd.add(i, "arm_id", f"duplicate arm_id {v['arm_id']!r} (first at row {seen[v['arm_id']]})")
        seen.setdefault(v["arm_id"], i)
        if (v["kl_min"] is None) != (v["kl_max"] is None):
            rd.add(i, "kl_max", "kl_min and kl_max must both be given or both be empty")
        elif v["kl_min"] is not None and v["kl_min"] > v["kl_max"]:
            rd.add(i, "kl_max", f"kl_min {v['kl_min']} > kl_max {v['kl_max']}")
        out.append(ArmRow(**v))
    rd.check()
    return tuple(out)


# --- outcomes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeRow:
    """One arm x measure x timepoint x statistic value of ``outcomes.csv``, as reported.

    ``spread`` is ``()`` for ``none``, ``(x,)`` for SD and SE, ``(low, high)`` for IQR and CI95.
    ``higher_is_better`` is None where ambiguous; ``timepoint_days`` [day] is None where not given.
    """

    arm_id: str
    measure: str
    scale_min: float | None
    scale_max: float | None
    higher_is_better: bool | None
    timepoint_days: float | None
    statistic: str
    value: float
    spread_type: str
    spread: tuple[float, ...]
    vs_arm_id: str | None
    n: int | None
    confidence: str
    source_url: str
    notes: str

    @property
    def scale(self) -> tuple[float, float] | None:
        """``(scale_min, scale_max)`` or None if the range is not stated."""
        return None if self.scale_min is None else (self.scale_min, self.scale_max)


def _spread(row: dict, raw: str) -> tuple[float, ...]:
    kind = row["spread_type"]
    if kind == "none":
        if raw != "":
            raise FieldError("spread", f"{raw!r} given with spread_type 'none'; allowed: empty")
        return ()
    if kind in ("SD", "SE"):
        return (float_field("spread", raw, lo=0),)
    return pair_field("spread", raw)


_OUTCOME_PARSERS = {
    "arm_id": required_text,
    "measure": lambda c, s: choice_field(c, s, schema.MEASURES),
    "scale_min": lambda c, s: float_field(c, s, optional=True),
    "scale_max": lambda c, s: float_field(c, s, optional=True),
    "higher_is_better": bool_field,
    "timepoint_days": lambda c, s: float_field(c, s, optional=True),
    "statistic": lambda c, s: choice_field(c, s, schema.STATISTICS),
    "value": lambda c, s: float_field(c, s),
    "spread_type": lambda c, s: choice_field(c, s, schema.SPREAD_TYPES),
    "spread": optional_text,  # parsed per spread_type below
    "vs_arm_id": lambda c, s: s or None,
    "n": lambda c, s: int_field(c, s, optional=True, lo=1),
    "confidence": lambda c, s: choice_field(c, s, schema.CONFIDENCE),
    "source_url": required_text,
    "notes": optional_text,
}




def _resolve_arms(arms, outcomes_path: Path) -> tuple[ArmRow, ...]:
    if arms is None:
        arms = outcomes_path.with_name("arms.csv")
        if not arms.is_file():
            raise DataError([DataIssue(outcomes_path.name, None, "arm_id",
                                       "no arms.csv beside the outcomes file; pass arms= (a path or rows)")])
    if isinstance(arms, (str, Path)):
        return load_arms(arms)
    return tuple(arms)


def load_outcomes(path: str | Path | None = None, arms=None) -> tuple[OutcomeRow, ...]:
    """Load and validate ``outcomes.csv``.

    Parameters
    ----------
    path : str or Path, optional
        A file in the ``outcomes.csv`` schema; ``None`` loads the packaged data.
    arms : str, Path or sequence of ArmRow, optional
        Arms that ``arm_id`` and ``vs_arm_id`` must exist in. Default: the ``arms.csv`` in the
        same folder as the outcomes file (for packaged data, the packaged arms).

    Returns
    -------
    tuple of OutcomeRow

    Raises
    ------
    DataError
        Listing every row and field that breaks the schema, including unknown arms, spreads
        that do not parse for their ``spread_type``, and a missing ``vs_arm_id`` for
        ``mean_difference_vs_control``.
    """
    p = packaged_path("trials/outcomes.csv") if path is None else Path(path)
    rd = TableReader(p, schema.OUTCOMES_COLUMNS)
    recs = rd.rows()
    arm_ids = {a.arm_id for a in _resolve_arms(arms, p)}
    out = []
    for i, rec in recs:
        v = rd.parse(i, rec, _OUTCOME_PARSERS)
        if v is None:
            continue
        try:
            v["spread"] = _spread(v, v["spread"])
        except FieldError as e:
            rd.add(i, e.field, e.message)
            continue
        check_scale(rd, i, v)
        if v["arm_id"] not in arm_ids:
            rd.add(i, "arm_id", f"{v['arm_id']!r} is not an arm_id of the arms file")
        is_md = v["statistic"] == "mean_difference_vs_control"
        if v["vs_arm_id"] is not None and v["vs_arm_id"] not in arm_ids:
            rd.add(i, "vs_arm_id", f"{v['vs_arm_id']!r} is not an arm_id of the arms file")
        if is_md and v["vs_arm_id"] is None:
            rd.add(i, "vs_arm_id", "required for statistic 'mean_difference_vs_control'")
        if not is_md and v["vs_arm_id"] is not None:
            rd.add(i, "vs_arm_id", f"only allowed for statistic 'mean_difference_vs_control', not {v['statistic']!r}")
        if v["vs_arm_id"] == v["arm_id"]:
            rd.add(i, "vs_arm_id", "an arm cannot be its own comparator")
        if v["statistic"] == "percent" and not 0 <= v["value"] <= 100:
            rd.add(i, "value", f"{v['value']:g} not allowed for statistic 'percent'; allowed: 0 to 100")
        if v["spread_type"] == "CI95" and not v["spread"][0] <= v["value"] <= v["spread"][1]:
            rd.add(i, "spread", f"95% CI {v['spread']} does not contain the value {v['value']:g}")
        if (v["spread_type"] == "IQR" and v["statistic"].startswith("median")
                and not v["spread"][0] <= v["value"] <= v["spread"][1]):
            rd.add(i, "spread", f"IQR {v['spread']} does not contain the median {v['value']:g}")
        if (v["statistic"] in ("mean", "median") and None not in (v["scale_min"], v["scale_max"])
                and v["scale_min"] < v["scale_max"] and not v["scale_min"] <= v["value"] <= v["scale_max"]):
            rd.add(i, "value", f"{v['value']:g} outside the stated scale {v['scale_min']:g}-{v['scale_max']:g}")
        out.append(OutcomeRow(**v))
    rd.check()
    return tuple(out)
