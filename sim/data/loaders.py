"""Validating loaders for the pooled-estimate, retention and mechanism-parameter tables.

Each loader reads one CSV file (the packaged copy by default, or a user's file in the same
schema), checks every row against ``sim/data/trials/README.md`` and returns a tuple of frozen
row dataclasses. Values are kept exactly as reported (no rescaling; see
:mod:`sim.data.conversions` for explicit conversions). All problems of a file are raised
together as one :class:`~sim.data.reading.DataError` (:mod:`sim.data.reading`). The trial arms
and outcomes, whose rows carry regimens, are loaded by :mod:`sim.evidence.trials`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.data import trial_schema as schema
from sim.data.reading import (
    DataIssue,
    FieldError,
    TableReader,
    UnknownParameterError,
    check_scale,
    choice_field,
    float_field,
    int_field,
    optional_text,
    packaged_path,
    required_text,
)

__all__ = [
    "PooledRow",
    "RetentionRow",
    "ParameterRow",
    "ParameterTable",
    "load_pooled",
    "load_retention",
    "load_parameters_table",
]


# --- pooled ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PooledRow:
    """One pooled estimate of ``pooled.csv``.

    ``timepoint_days`` is ``(a, b)`` [day]: ``(d, d)`` for a single day, the pooled window for
    ``a-b``, None if not stated. ``confidence`` is parsed from the first clause of ``notes``.
    """

    study_id: str
    comparison: str
    measure: str
    scale_min: float | None
    scale_max: float | None
    timepoint_days: tuple[float, float] | None
    statistic: str
    value: float
    ci_low: float | None
    ci_high: float | None
    n_studies: int | None
    n_patients: int | None
    subgroup: str | None
    citation: str
    doi_or_pmid: str
    source_url: str
    notes: str
    confidence: str

    @property
    def treatment(self) -> str:
        """Left side of ``comparison`` (e.g. ``msc`` in ``msc vs control``)."""
        return self.comparison.split(" vs ", 1)[0]

    @property
    def comparator(self) -> str:
        """Right side of ``comparison``."""
        return self.comparison.split(" vs ", 1)[1]


_COMPARISON_RE = re.compile(r"[a-z0-9+]+(?: [a-z0-9+]+)* vs [a-z0-9+]+(?: [a-z0-9+]+)*")
_POOLED_CONF_RE = re.compile(r"confidence: (\w+)\.")


def _comparison(c, s):
    if not _COMPARISON_RE.fullmatch(s):
        raise FieldError(c, f"{s!r} not allowed; allowed: 'A vs B' in lower case (e.g. 'msc vs control')")
    return s


def _window(c, s):
    if s == "":
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", s)
    if m is None:
        raise FieldError(c, f"{s!r} not allowed; allowed: a day, a range 'a-b', or empty")
    a = float(m[1])
    b = float(m[2]) if m[2] is not None else a
    if a > b:
        raise FieldError(c, f"{s!r}: range start after end")
    return (a, b)


_POOLED_PARSERS = {
    "study_id": required_text,
    "comparison": _comparison,
    "measure": lambda c, s: choice_field(c, s, schema.MEASURES),
    "scale_min": lambda c, s: float_field(c, s, optional=True),
    "scale_max": lambda c, s: float_field(c, s, optional=True),
    "timepoint_days": _window,
    "statistic": lambda c, s: choice_field(c, s, schema.POOLED_STATISTICS),
    "value": lambda c, s: float_field(c, s),
    "ci_low": lambda c, s: float_field(c, s, optional=True),
    "ci_high": lambda c, s: float_field(c, s, optional=True),
    "n_studies": lambda c, s: int_field(c, s, optional=True, lo=1),
    "n_patients": lambda c, s: int_field(c, s, optional=True, lo=1),
    "subgroup": lambda c, s: s or None,
    "citation": required_text,
    "doi_or_pmid": optional_text,
    "source_url": required_text,
    "notes": required_text,
}


def load_pooled(path: str | Path | None = None) -> tuple[PooledRow, ...]:
    """Load and validate ``pooled.csv`` (``path=None``: packaged data). See :func:`load_arms`."""
    rd = TableReader(packaged_path("trials/pooled.csv") if path is None else path, schema.POOLED_COLUMNS)
    out = []
    for i, rec in rd.rows():
        v = rd.parse(i, rec, _POOLED_PARSERS)
        if v is None:
            continue
        check_scale(rd, i, v)
        m = _POOLED_CONF_RE.match(v["notes"])
        if m is None or m[1] not in schema.POOLED_CONFIDENCE:
            rd.add(i, "notes", "must begin with 'confidence: X.' with X one of "
                   + ", ".join(schema.POOLED_CONFIDENCE))
            continue
        v["confidence"] = m[1]
        if (v["ci_low"] is None) != (v["ci_high"] is None):
            rd.add(i, "ci_high", "ci_low and ci_high must both be given or both be empty")
        elif v["ci_low"] is not None and not v["ci_low"] <= v["value"] <= v["ci_high"]:
            rd.add(i, "ci_low", f"interval [{v['ci_low']:g}, {v['ci_high']:g}] does not contain the value "
                   f"{v['value']:g}; leave the interval empty if the printed one is inconsistent")
        out.append(PooledRow(**v))
    rd.check()
    return tuple(out)


# --- mechanisms ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionRow:
    """One row of ``mechanisms/retention.csv``: fraction of injected MSC left in the joint.

    ``fraction_remaining`` (0-1) is None for rows whose result is qualitative (see ``notes``);
    ``confidence == "derived"`` marks a lower bound computed from a detection threshold.
    """

    study_id: str
    citation: str
    source_url: str
    species: str
    cell_type: str
    cells_injected: float | None  #: [cells]
    day: float  #: [day] after injection
    fraction_remaining: float | None  #: [fraction of injected cells]
    spread: float | None
    notes: str
    confidence: str


_RETENTION_PARSERS = {
    "study_id": required_text,
    "citation": required_text,
    "source_url": required_text,
    "species": required_text,
    "cell_type": required_text,
    "cells_injected": lambda c, s: float_field(c, s, optional=True, lo=0),
    "day": lambda c, s: float_field(c, s, lo=0),
    "fraction_remaining": lambda c, s: float_field(c, s, optional=True, lo=0, hi=1),
    "spread": lambda c, s: float_field(c, s, optional=True, lo=0),
    "notes": optional_text,
    "confidence": lambda c, s: choice_field(c, s, schema.RETENTION_CONFIDENCE),
}


def load_retention(path: str | Path | None = None) -> tuple[RetentionRow, ...]:
    """Load and validate ``mechanisms/retention.csv`` (``path=None``: packaged data)."""
    rd = TableReader(packaged_path("mechanisms/retention.csv") if path is None else path, schema.RETENTION_COLUMNS)
    out = [RetentionRow(**v) for i, rec in rd.rows() if (v := rd.parse(i, rec, _RETENTION_PARSERS)) is not None]
    rd.check()
    return tuple(out)


@dataclass(frozen=True)
class ParameterRow:
    """One literature value of ``mechanisms/parameters.csv``, as reported.

    ``value`` is None where the source reports it as not available (``NA``). ``range_low`` and
    ``range_high`` are kept as written (for a few derived rows they are two alternative values,
    not an ordered interval; see ``context``).
    """

    name: str
    description: str
    value: float | None
    unit: str
    range_low: float | None
    range_high: float | None
    species: str
    context: str
    source_citation: str
    source_url: str
    notes: str


def _identifier(c, s):
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s):
        raise FieldError(c, f"{s!r} not allowed; allowed: an identifier (letters, digits, '_')")
    return s


_PARAMETER_PARSERS = {
    "name": _identifier,
    "description": required_text,
    "value": lambda c, s: float_field(c, s, na=True),
    "unit": optional_text,
    "range_low": lambda c, s: float_field(c, s, optional=True),
    "range_high": lambda c, s: float_field(c, s, optional=True),
    "species": required_text,
    "context": optional_text,
    "source_citation": required_text,
    "source_url": required_text,
    "notes": optional_text,
}


class ParameterTable(Mapping):
    """Read-only mapping ``name -> ParameterRow`` in file order; unknown names list valid ones."""

    def __init__(self, rows: Iterable[ParameterRow], file: str = "parameters.csv"):
        self._rows = {r.name: r for r in rows}
        self._file = file

    def __getitem__(self, name: str) -> ParameterRow:
        try:
            return self._rows[name]
        except KeyError:
            raise UnknownParameterError([DataIssue(
                self._file, None, "name",
                f"unknown parameter {name!r}; allowed: {', '.join(self._rows)}")]) from None

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"ParameterTable({len(self)} rows from {self._file})"


def load_parameters_table(path: str | Path | None = None) -> ParameterTable:
    """Load and validate ``mechanisms/parameters.csv`` (``path=None``: packaged data).

    Returns
    -------
    ParameterTable
        ``table["msc_frac_in_joint_1mo"].value == 0.15``; names are unique identifiers.
    """
    rd = TableReader(packaged_path("mechanisms/parameters.csv") if path is None else path,
                 schema.PARAMETERS_COLUMNS)
    out, seen = [], {}
    for i, rec in rd.rows():
        v = rd.parse(i, rec, _PARAMETER_PARSERS)
        if v is None:
            continue
        if v["name"] in seen:
            rd.add(i, "name", f"duplicate name {v['name']!r} (first at row {seen[v['name']]})")
        seen.setdefault(v["name"], i)
        out.append(ParameterRow(**v))
    rd.check()
    return ParameterTable(out, rd.name)
