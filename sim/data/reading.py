"""Reading the packaged tables: file checks, field parsers, and the error that lists every problem.

Shared by the loaders of :mod:`sim.data.loaders` and of the trial evidence
(:mod:`sim.evidence.trials`). A loader declares one parser per column (``(field, text) ->
value``, raising :class:`FieldError`); :class:`TableReader` applies them to every row, collects
the problems of the whole file and raises them together as one :class:`DataError` whose
message names file, row and field; rows are numbered as in a spreadsheet (header = row 1, first
data row = row 2).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "DataError",
    "DataIssue",
    "FieldError",
    "TableReader",
    "UnknownParameterError",
    "bool_field",
    "check_scale",
    "choice_field",
    "float_field",
    "int_field",
    "optional_text",
    "packaged_path",
    "pair_field",
    "required_text",
    "text_field",
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


class FieldError(Exception):
    """A field parser's complaint about one field (``field``, ``message``), collected by :class:`TableReader`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- field parsers ---------------------------------------------------------------------------
# Each takes (field, text) and returns the parsed value or raises FieldError.

def text_field(field: str, s: str, *, required: bool = False) -> str:
    """The text as is; empty only if not ``required``."""
    if required and s == "":
        raise FieldError(field, "empty; a value is required")
    return s


def choice_field(field: str, s: str, allowed: Iterable[str], *, optional: bool = False) -> str | None:
    """One of ``allowed`` (or None for empty text if ``optional``)."""
    allowed = tuple(allowed)
    if optional and s == "":
        return None
    if s not in allowed:
        tail = " or empty" if optional else ""
        raise FieldError(field, f"{s!r} not allowed; allowed: {', '.join(allowed)}{tail}")
    return s


def float_field(field: str, s: str, *, optional: bool = False, lo: float | None = None, hi: float | None = None,
                na: bool = False) -> float | None:
    """A finite number within ``[lo, hi]``; None for empty text (``optional``) or ``NA`` (``na``)."""
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
        raise FieldError(field, f"{s!r} not allowed; allowed: {what}")
    return x


def int_field(field: str, s: str, *, optional: bool = False, lo: int | None = None,
              hi: int | None = None) -> int | None:
    """An integer within ``[lo, hi]``; None for empty text if ``optional``."""
    if s == "" and optional:
        return None
    what = "an integer" + (f" >= {lo}" if lo is not None else "") + (f" <= {hi}" if hi is not None else "")
    what += " or empty" if optional else ""
    if not re.fullmatch(r"-?\d+", s) or (lo is not None and int(s) < lo) or (hi is not None and int(s) > hi):
        raise FieldError(field, f"{s!r} not allowed; allowed: {what}")
    return int(s)


def bool_field(field: str, s: str) -> bool | None:
    """``TRUE``/``FALSE``/empty as True/False/None."""
    return {"TRUE": True, "FALSE": False, "": None}[choice_field(field, s, ("TRUE", "FALSE", ""))]


def pair_field(field: str, s: str) -> tuple[float, float]:
    """``low;high``: two finite numbers with ``low <= high``."""
    parts = s.split(";")
    if len(parts) != 2:
        raise FieldError(field, f"{s!r} not allowed; allowed: 'low;high' (two numbers separated by ';')")
    lo, hi = (float_field(field, p) for p in parts)
    if lo > hi:
        raise FieldError(field, f"{s!r}: low > high; allowed: 'low;high' with low <= high")
    return lo, hi


# --- reading ---------------------------------------------------------------------------------

def packaged_path(name: str) -> Path:
    """Path of a packaged data file, e.g. ``packaged_path("trials/arms.csv")``."""
    path = Path(str(resources.files("sim.data").joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"no packaged data file {name!r} in sim/data")
    return path


class TableReader:
    """Reads a CSV file, checks its header and collects per-row issues."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = Path(path)
        self.name = self.path.name
        self.issues: list[DataIssue] = []
        self.columns = tuple(columns)

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """``(row number, {column: text})`` of every data row; raises at once on a bad header."""
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
            except FieldError as e:
                self.add(row, e.field, e.message)
                ok = False
        return values if ok else None

    def add(self, row: int | None, field: str | None, message: str) -> None:
        """Record a problem of ``row`` (None: the whole file) in ``field``."""
        self.issues.append(DataIssue(self.name, row, field, message))

    def check(self) -> None:
        """Raise :class:`DataError` with every problem recorded so far, if any."""
        if self.issues:
            raise DataError(self.issues)


def optional_text(col, s):
    """Any text, empty allowed."""
    return s


def required_text(col, s):
    """Non-empty text."""
    return text_field(col, s, required=True)

def check_scale(rd: TableReader, i: int, v: dict) -> None:
    """Record an issue unless ``scale_min``/``scale_max`` are both empty or an increasing pair."""
    if (v["scale_min"] is None) != (v["scale_max"] is None):
        rd.add(i, "scale_max", "scale_min and scale_max must both be given or both be empty")
    elif v["scale_min"] is not None and v["scale_min"] >= v["scale_max"]:
        rd.add(i, "scale_max", f"scale_min {v['scale_min']:g} >= scale_max {v['scale_max']:g}")
