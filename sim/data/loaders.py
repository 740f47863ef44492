"""Validating loaders for the trial and mechanism tables.

Each loader reads one CSV file (the packaged copy by default, or a user's file in the same
schema), checks every row against ``sim/data/trials/README.md`` and returns a tuple of frozen
row dataclasses. Values are kept exactly as reported (no rescaling; see
:mod:`sim.data.conversions` for explicit conversions). All problems of a file are collected and
raised together as one :class:`DataError` whose message names file, row and field; rows are
numbered as in a spreadsheet (header = row 1, first data row = row 2).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sim.data import schema
from sim.regimen import Regimen, RegimenError

__all__ = [
    "DataError",
    "DataIssue",
    "ArmRow",
    "OutcomeRow",
    "PooledRow",
    "RetentionRow",
    "ParameterRow",
    "ParameterTable",
    "load_arms",
    "load_outcomes",
    "load_pooled",
    "load_retention",
    "load_parameters_table",
    "packaged_path",
]

_MAX_SHOWN = 25


@dataclass(frozen=True)
class DataIssue:
    """One problem found in a data file (``row`` is None for file-level problems)."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row is not None else "")
        where += f", field '{self.field}'" if self.field else ""
        return f"{where}: {self.message}"


class DataError(ValueError):
    """A data file that does not follow the schema. ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[DataIssue]):
        self.issues = tuple(issues)
        shown = [str(i) for i in self.issues[:_MAX_SHOWN]]
        more = len(self.issues) - len(shown)
        tail = [f"... and {more} more"] if more > 0 else []
        super().__init__(f"{len(self.issues)} problem(s):\n  " + "\n  ".join(shown + tail))


class UnknownParameterError(DataError, KeyError):
    """Lookup of a parameter name that is not in the table (a KeyError for Mapping semantics)."""

    def __str__(self) -> str:
        return self.args[0]


class _FieldError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- field parsers ---------------------------------------------------------------------------
# Each takes (field, text) and returns the parsed value or raises _FieldError.

def _text(field: str, s: str, *, required: bool = False) -> str:
    if required and s == "":
        raise _FieldError(field, "empty; a value is required")
    return s


def _choice(field: str, s: str, allowed: Iterable[str], *, optional: bool = False) -> str | None:
    allowed = tuple(allowed)
    if optional and s == "":
        return None
    if s not in allowed:
        tail = " or empty" if optional else ""
        raise _FieldError(field, f"{s!r} not allowed; allowed: {', '.join(allowed)}{tail}")
    return s


def _float(field: str, s: str, *, optional: bool = False, lo: float | None = None, hi: float | None = None,
           na: bool = False) -> float | None:
    if s == "" and optional:
        return None
    if na and s == "NA":
        return None
    try:
        x = float(s)
    except ValueError:
        x = math.nan
    what = "a finite number" + (f" >= {lo:g}" if lo is not None else "") + (f" <= {hi:g}" if hi is not None else "")
    what += " or empty" if optional else ""
    what += " or NA" if na else ""
    if not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi):
        raise _FieldError(field, f"{s!r} not allowed; allowed: {what}")
    return x


def _int(field: str, s: str, *, optional: bool = False, lo: int | None = None, hi: int | None = None) -> int | None:
    if s == "" and optional:
        return None
    what = "an integer" + (f" >= {lo}" if lo is not None else "") + (f" <= {hi}" if hi is not None else "")
    what += " or empty" if optional else ""
    if not re.fullmatch(r"-?\d+", s) or (lo is not None and int(s) < lo) or (hi is not None and int(s) > hi):
        raise _FieldError(field, f"{s!r} not allowed; allowed: {what}")
    return int(s)


def _bool(field: str, s: str) -> bool | None:
    return {"TRUE": True, "FALSE": False, "": None}[_choice(field, s, ("TRUE", "FALSE", ""))]


def _pair(field: str, s: str) -> tuple[float, float]:
    parts = s.split(";")
    if len(parts) != 2:
        raise _FieldError(field, f"{s!r} not allowed; allowed: 'low;high' (two numbers separated by ';')")
    lo, hi = (_float(field, p) for p in parts)
    if lo > hi:
        raise _FieldError(field, f"{s!r}: low > high; allowed: 'low;high' with low <= high")
    return lo, hi


def _regimen(field: str, s: str) -> Regimen:
    try:
        return Regimen.parse(s)
    except RegimenError as e:
        raise _FieldError(field, str(e)) from None


# --- reading ---------------------------------------------------------------------------------

def packaged_path(name: str) -> Path:
    """Path of a packaged data file, e.g. ``packaged_path("trials/arms.csv")``."""
    path = Path(str(resources.files("sim.data").joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"no packaged data file {name!r} in sim/data")
    return path


class _Reader:
    """Reads a CSV file, checks its header and collects per-row issues."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = Path(path)
        self.name = self.path.name
        self.issues: list[DataIssue] = []
        self.columns = tuple(columns)

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        if not self.path.is_file():
            raise DataError([DataIssue(str(self.path), None, None, "file not found")])
        # utf-8-sig: files saved by spreadsheet programs often start with a byte-order mark.
        with open(self.path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise DataError([DataIssue(self.name, None, None, "empty file; expected a header row")])
            missing = [c for c in self.columns if c not in header]
            extra = [c for c in header if c not in self.columns]
            dup = sorted({c for c in header if header.count(c) > 1})
            problems = []
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            if extra:
                problems.append(f"unknown column(s) {', '.join(map(repr, extra))}")
            if dup:
                problems.append(f"duplicate column(s) {', '.join(dup)}")
            if problems:
                raise DataError([DataIssue(self.name, 1, None, "; ".join(problems)
                                           + f"; expected columns: {', '.join(self.columns)}")])
            out = []
            for i, fields in enumerate(reader, start=2):
                if not fields:
                    continue  # csv yields [] for blank lines
                if len(fields) != len(header):
                    self.issues.append(DataIssue(self.name, i, None,
                                                 f"{len(fields)} fields, header has {len(header)}"))
                    continue
                out.append((i, dict(zip(header, fields))))
            return out

    def parse(self, row: int, rec: Mapping[str, str],
              parsers: Mapping[str, Callable[[str, str], object]]) -> dict | None:
        """Apply ``parsers[column](column, text)`` to each column; None if any field failed."""
        values, ok = {}, True
        for col, fn in parsers.items():
            try:
                values[col] = fn(col, rec[col])
            except _FieldError as e:
                self.add(row, e.field, e.message)
                ok = False
        return values if ok else None

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.issues.append(DataIssue(self.name, row, field, message))

    def check(self) -> None:
        if self.issues:
            raise DataError(self.issues)


def _optional_text(col, s):
    return s


def _required_text(col, s):
    return _text(col, s, required=True)


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
    "study_id": _required_text,
    "arm_id": _required_text,
    "arm_label": _required_text,
    "species": lambda c, s: _choice(c, s, schema.SPECIES),
    "design": lambda c, s: _choice(c, s, schema.DESIGNS),
    "n_arm": lambda c, s: _int(c, s, optional=True, lo=1),
    "population": _optional_text,
    "kl_min": lambda c, s: _int(c, s, optional=True, lo=0, hi=4),
    "kl_max": lambda c, s: _int(c, s, optional=True, lo=0, hi=4),
    "age_mean": lambda c, s: _float(c, s, optional=True, lo=0, hi=120),
    "regimen": _regimen,
    "citation": _required_text,
    "doi_or_pmid": _optional_text,
    "source_url": _required_text,
    "notes": _optional_text,
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
    rd = _Reader(packaged_path("trials/arms.csv") if path is None else path, schema.ARMS_COLUMNS)
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
            raise _FieldError("spread", f"{raw!r} given with spread_type 'none'; allowed: empty")
        return ()
    if kind in ("SD", "SE"):
        return (_float("spread", raw, lo=0),)
    return _pair("spread", raw)


_OUTCOME_PARSERS = {
    "arm_id": _required_text,
    "measure": lambda c, s: _choice(c, s, schema.MEASURES),
    "scale_min": lambda c, s: _float(c, s, optional=True),
    "scale_max": lambda c, s: _float(c, s, optional=True),
    "higher_is_better": _bool,
    "timepoint_days": lambda c, s: _float(c, s, optional=True),
    "statistic": lambda c, s: _choice(c, s, schema.STATISTICS),
    "value": lambda c, s: _float(c, s),
    "spread_type": lambda c, s: _choice(c, s, schema.SPREAD_TYPES),
    "spread": _optional_text,  # parsed per spread_type below
    "vs_arm_id": lambda c, s: s or None,
    "n": lambda c, s: _int(c, s, optional=True, lo=1),
    "confidence": lambda c, s: _choice(c, s, schema.CONFIDENCE),
    "source_url": _required_text,
    "notes": _optional_text,
}


def _check_scale(rd: _Reader, i: int, v: dict) -> None:
    if (v["scale_min"] is None) != (v["scale_max"] is None):
        rd.add(i, "scale_max", "scale_min and scale_max must both be given or both be empty")
    elif v["scale_min"] is not None and v["scale_min"] >= v["scale_max"]:
        rd.add(i, "scale_max", f"scale_min {v['scale_min']:g} >= scale_max {v['scale_max']:g}")


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
    rd = _Reader(p, schema.OUTCOMES_COLUMNS)
    recs = rd.rows()
    arm_ids = {a.arm_id for a in _resolve_arms(arms, p)}
    out = []
    for i, rec in recs:
        v = rd.parse(i, rec, _OUTCOME_PARSERS)
        if v is None:
            continue
        try:
            v["spread"] = _spread(v, v["spread"])
        except _FieldError as e:
            rd.add(i, e.field, e.message)
            continue
        _check_scale(rd, i, v)
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
        raise _FieldError(c, f"{s!r} not allowed; allowed: 'A vs B' in lower case (e.g. 'msc vs control')")
    return s


def _window(c, s):
    if s == "":
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", s)
    if m is None:
        raise _FieldError(c, f"{s!r} not allowed; allowed: a day, a range 'a-b', or empty")
    a = float(m[1])
    b = float(m[2]) if m[2] is not None else a
    if a > b:
        raise _FieldError(c, f"{s!r}: range start after end")
    return (a, b)


_POOLED_PARSERS = {
    "study_id": _required_text,
    "comparison": _comparison,
    "measure": lambda c, s: _choice(c, s, schema.MEASURES),
    "scale_min": lambda c, s: _float(c, s, optional=True),
    "scale_max": lambda c, s: _float(c, s, optional=True),
    "timepoint_days": _window,
    "statistic": lambda c, s: _choice(c, s, schema.POOLED_STATISTICS),
    "value": lambda c, s: _float(c, s),
    "ci_low": lambda c, s: _float(c, s, optional=True),
    "ci_high": lambda c, s: _float(c, s, optional=True),
    "n_studies": lambda c, s: _int(c, s, optional=True, lo=1),
    "n_patients": lambda c, s: _int(c, s, optional=True, lo=1),
    "subgroup": lambda c, s: s or None,
    "citation": _required_text,
    "doi_or_pmid": _optional_text,
    "source_url": _required_text,
    "notes": _required_text,
}


def load_pooled(path: str | Path | None = None) -> tuple[PooledRow, ...]:
    """Load and validate ``pooled.csv`` (``path=None``: packaged data). See :func:`load_arms`."""
    rd = _Reader(packaged_path("trials/pooled.csv") if path is None else path, schema.POOLED_COLUMNS)
    out = []
    for i, rec in rd.rows():
        v = rd.parse(i, rec, _POOLED_PARSERS)
        if v is None:
            continue
        _check_scale(rd, i, v)
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
    "study_id": _required_text,
    "citation": _required_text,
    "source_url": _required_text,
    "species": _required_text,
    "cell_type": _required_text,
    "cells_injected": lambda c, s: _float(c, s, optional=True, lo=0),
    "day": lambda c, s: _float(c, s, lo=0),
    "fraction_remaining": lambda c, s: _float(c, s, optional=True, lo=0, hi=1),
    "spread": lambda c, s: _float(c, s, optional=True, lo=0),
    "notes": _optional_text,
    "confidence": lambda c, s: _choice(c, s, schema.RETENTION_CONFIDENCE),
}


def load_retention(path: str | Path | None = None) -> tuple[RetentionRow, ...]:
    """Load and validate ``mechanisms/retention.csv`` (``path=None``: packaged data)."""
    rd = _Reader(packaged_path("mechanisms/retention.csv") if path is None else path, schema.RETENTION_COLUMNS)
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
        raise _FieldError(c, f"{s!r} not allowed; allowed: an identifier (letters, digits, '_')")
    return s


_PARAMETER_PARSERS = {
    "name": _identifier,
    "description": _required_text,
    "value": lambda c, s: _float(c, s, na=True),
    "unit": _optional_text,
    "range_low": lambda c, s: _float(c, s, optional=True),
    "range_high": lambda c, s: _float(c, s, optional=True),
    "species": _required_text,
    "context": _optional_text,
    "source_citation": _required_text,
    "source_url": _required_text,
    "notes": _optional_text,
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
    rd = _Reader(packaged_path("mechanisms/parameters.csv") if path is None else path,
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
