"""Immutable dose events and regimens (what is given, how much, on which day).

A :class:`Regimen` is a tuple of :class:`DoseEvent` sorted by day (stable for ties, so products
given at the same visit keep their written order). It is parsed from and formatted to the
regimen grammar of :mod:`sim.regimen.grammar`; ``Regimen.parse(str(r)) == r`` for every regimen,
and ``str(Regimen.parse(s)) == s`` for every canonically written ``s`` (every regimen of the
packaged ``arms.csv`` is canonical).

Unknown amounts (``?``) stay ``None``; nothing here estimates them. Days are relative to the
first intra-articular injection (README of the trial data) and may be negative.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sim.regimen.grammar import (
    PRODUCTS,
    RegimenError,
    format_event,
    lex_event,
    split_events,
    validate_args,
)

__all__ = ["Args", "DoseEvent", "Regimen", "parse_regimen", "format_regimen"]


class Args(Mapping):
    """Read-only, hashable mapping of a dose event's arguments (in the product's key order)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping | Iterable[tuple[str, object]] = ()):
        pairs = tuple(items.items() if isinstance(items, Mapping) else items)
        object.__setattr__(self, "_items", pairs)

    def __getitem__(self, key):
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __setattr__(self, name, value):
        raise AttributeError("Args is read-only")

    def __repr__(self) -> str:
        return "Args({" + ", ".join(f"{k!r}: {v!r}" for k, v in self._items) + "})"


@dataclass(frozen=True)
class DoseEvent:
    """One administration (or the start of a continuous co-intervention).

    Parameters
    ----------
    product : str
        A product name of :data:`sim.regimen.grammar.PRODUCTS` (``none`` is not an event).
    args : Mapping
        Every key of the product, values as Python objects: ``float`` amounts (``None`` =
        unknown, ``?`` in text), ``bool`` for ``allogeneic``, ``str`` for enums. Raw text values
        (``"1e8"``, ``"?"``, ``"0"``) are accepted and coerced. Stored as :class:`Args`.
    day : float
        Day of the event relative to the first intra-articular injection [day]; may be negative.

    Raises
    ------
    RegimenError
        If the product, a key or a value is not allowed.
    """

    product: str
    args: Mapping = field(default_factory=Args)
    day: float = 0.0

    def __post_init__(self):
        text = f"{self.product}(...)@{self.day}"
        if self.product == "none":
            raise RegimenError(f"'none' is not a dose event in {text!r}; use the empty Regimen()",
                               event=text, field="product")
        coerced = validate_args(self.product, dict(self.args), text, require_order=False)
        if isinstance(self.day, bool) or not isinstance(self.day, (int, float)) or not math.isfinite(self.day):
            raise RegimenError(f"bad day {self.day!r} in event {text!r}; allowed: a finite number",
                               event=text, field="day")
        object.__setattr__(self, "args", Args(coerced))
        object.__setattr__(self, "day", float(self.day))

    @property
    def spec(self):
        """The :class:`~sim.regimen.grammar.ProductSpec` of this event's product."""
        return PRODUCTS[self.product]

    def __str__(self) -> str:
        return format_event(self.product, self.args, self.day)

    def shifted(self, days: float) -> DoseEvent:
        """The same event ``days`` later (earlier if negative)."""
        return DoseEvent(self.product, self.args, self.day + float(days))


@dataclass(frozen=True)
class Regimen:
    """An immutable treatment: dose events sorted by day, stable for ties.

    Parameters
    ----------
    events : iterable of DoseEvent
        Sorted on construction. An empty regimen means no treatment (``none()@0``).

    Examples
    --------
    >>> r = Regimen.parse("msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0")
    >>> r.products
    ('msc', 'ha')
    >>> r.events[0].args["cells"]
    100000000.0
    >>> str(r.shifted(7))
    'msc(cells=1e8,source=bm,allogeneic=0)@7;ha(mg=60,form=unknown)@7'
    """

    events: tuple[DoseEvent, ...] = ()

    def __post_init__(self):
        events = tuple(self.events)
        for e in events:
            if not isinstance(e, DoseEvent):
                raise RegimenError(f"Regimen events must be DoseEvent, got {type(e).__name__}")
        object.__setattr__(self, "events", tuple(sorted(events, key=lambda e: e.day)))  # sorted is stable

    @classmethod
    def parse(cls, text: str) -> Regimen:
        """Parse a regimen string (see :mod:`sim.regimen.grammar`); raise :class:`RegimenError`."""
        parts = split_events(text)
        events = []
        for part in parts:
            product, raw, day = lex_event(part)
            if product == "none":
                if raw:
                    raise RegimenError(f"'none' takes no keys in event {part!r}", event=part, field=next(iter(raw)))
                if len(parts) > 1:
                    raise RegimenError(f"'none()@0' must be the only event, got {text!r}", event=part,
                                       field="product")
                if day != 0:
                    raise RegimenError(f"'none' must be on day 0 in event {part!r}; allowed: none()@0",
                                       event=part, field="day", allowed=("0",))
                return cls(())
            events.append(DoseEvent(product, validate_args(product, raw, part), day))
        return cls(tuple(events))

    def __str__(self) -> str:
        return ";".join(str(e) for e in self.events) if self.events else "none()@0"

    def __iter__(self) -> Iterator[DoseEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __bool__(self) -> bool:
        return bool(self.events)

    def __add__(self, other: Regimen) -> Regimen:
        """Both treatments together (events merged by day; ties keep ``self`` first)."""
        if not isinstance(other, Regimen):
            return NotImplemented
        return Regimen(self.events + other.events)

    @property
    def products(self) -> tuple[str, ...]:
        """Distinct products in order of first appearance (empty for no treatment)."""
        return tuple(dict.fromkeys(e.product for e in self.events))

    @property
    def first_day(self) -> float | None:
        """Day of the earliest event [day], or ``None`` for the empty regimen."""
        return self.events[0].day if self.events else None

    @property
    def last_day(self) -> float | None:
        """Day of the latest event [day], or ``None`` for the empty regimen."""
        return self.events[-1].day if self.events else None

    def shifted(self, days: float) -> Regimen:
        """Every event moved by ``days`` [day]."""
        return Regimen(tuple(e.shifted(days) for e in self.events))

    def of(self, product: str) -> tuple[DoseEvent, ...]:
        """Events of one product (raises :class:`RegimenError` for an unknown product name)."""
        if product not in PRODUCTS:
            raise RegimenError(f"unknown product {product!r}; allowed: {', '.join(PRODUCTS)}",
                               field="product", allowed=tuple(PRODUCTS))
        return tuple(e for e in self.events if e.product == product)

    @property
    def has_unknown_amounts(self) -> bool:
        """True if any amount is ``?`` (``None``) in the source."""
        return any(v is None for e in self.events for v in e.args.values())


def parse_regimen(text: str) -> Regimen:
    """Functional alias of :meth:`Regimen.parse`."""
    return Regimen.parse(text)


def format_regimen(regimen: Regimen) -> str:
    """Functional alias of ``str(regimen)``."""
    return str(regimen)
