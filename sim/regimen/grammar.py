"""The regimen grammar: product vocabulary declared as data, plus the event lexer.

A regimen is written as ``event;event;...`` with ``event := PRODUCT(key=value,...)@DAY``, for
example ``msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0``. The grammar and
the shared products come from the harmonised trial data set (``sim/data/trials/README.md``,
section "Regimen grammar"); ``antiinflam``, ``anabolic`` and ``scaffold`` are project extensions
(generic adjuvant channels).

This module knows nothing of :class:`~sim.regimen.Regimen`; it turns text into validated
``(product, args, day)`` triples and values back into canonical text. Every product is one row
of :data:`PRODUCTS`; adding a product means adding a row, not code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "KeySpec",
    "ProductSpec",
    "PRODUCTS",
    "SOURCES",
    "RegimenError",
    "format_number",
    "format_event",
    "format_value",
    "parse_number",
    "split_events",
    "lex_event",
    "validate_args",
]

#: Cell sources (README "Source codes"): bm = bone marrow (culture-expanded), ad = adipose
#: (culture-expanded), uc = umbilical cord, pl = placenta, bmac = bone marrow aspirate
#: concentrate, svf = adipose stromal vascular fraction, fp = infrapatellar fat pad.
SOURCES = ("bm", "ad", "uc", "pl", "bmac", "svf", "fp", "unknown")


class RegimenError(ValueError):
    """A regimen string or dose event that does not follow the grammar.

    Attributes
    ----------
    event : str or None
        The offending event as written (or the whole regimen when no single event is at fault).
    field : str or None
        ``"product"``, ``"day"``, a key name, or ``None`` for structural errors.
    allowed : tuple of str
        The allowed values for ``field``, when the field has a closed vocabulary.
    """

    def __init__(self, message: str, *, event: str | None = None, field: str | None = None,
                 allowed: tuple[str, ...] = ()):
        super().__init__(message)
        self.event = event
        self.field = field
        self.allowed = tuple(allowed)


@dataclass(frozen=True)
class KeySpec:
    """One argument of a product.

    Parameters
    ----------
    name : str
        Key as written in the regimen string.
    kind : {"number", "number?", "flag", "enum"}
        ``number``: finite float >= 0 (> 0 if ``positive``); ``number?``: the same or ``?``
        (unknown, parsed as ``None``); ``flag``: ``0``/``1`` parsed as ``bool``; ``enum``: one of
        ``allowed``.
    unit : str
        Unit of a number (empty for enums and flags).
    allowed : tuple of str
        Allowed words for ``enum``.
    positive : bool
        Require a strictly positive number (for durations).
    description : str
        One line.
    """

    name: str
    kind: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    positive: bool = False
    description: str = ""

    def __post_init__(self):
        if self.kind not in ("number", "number?", "flag", "enum"):
            raise ValueError(f"KeySpec {self.name!r}: kind {self.kind!r} not in number, number?, flag, enum")
        if (self.kind == "enum") != bool(self.allowed):
            raise ValueError(f"KeySpec {self.name!r}: 'allowed' is required for enum keys only")

    def allowed_text(self) -> str:
        """Human-readable list of what this key accepts (used in error messages)."""
        if self.kind == "enum":
            return ", ".join(self.allowed)
        if self.kind == "flag":
            return "0, 1"
        bound = "> 0" if self.positive else ">= 0"
        return f"a finite number {bound}" + (" or ?" if self.kind == "number?" else "")


@dataclass(frozen=True)
class ProductSpec:
    """One product of the grammar.

    Parameters
    ----------
    name : str
        Product name as written in the regimen string.
    keys : tuple of KeySpec
        Arguments, in the order they are written.
    description : str
        One line.
    shared : bool
        True for products of the shared trial-data grammar, whose keys are all required and in
        order. Project extensions (False) accept their keys in any order (all still required).
    source : str
        Where the product definition comes from.
    """

    name: str
    keys: tuple[KeySpec, ...]
    description: str
    shared: bool = True
    source: str = "sim/data/trials/README.md, Regimen grammar"

    @property
    def key_names(self) -> tuple[str, ...]:
        """Names of the product's arguments, in declaration order."""
        return tuple(k.name for k in self.keys)


def _src(**kw) -> KeySpec:
    return KeySpec("source", "enum", allowed=SOURCES, **kw)


_SHARED = (
    ProductSpec("msc", (
        KeySpec("cells", "number?", "cells", description="MSC (or nucleated cells for bmac/svf) per injection"),
        _src(description="tissue source of the cells"),
        KeySpec("allogeneic", "flag", description="1 = donor cells, 0 = the patient's own"),
    ), "intra-articular mesenchymal stromal/stem cells (culture-expanded, SVF or BMAC)"),
    ProductSpec("exo", (
        KeySpec("dose", "number?", "as reported", description="exosome/secretome dose as reported"),
        _src(description="tissue source of the producing cells"),
    ), "cell-free MSC exosomes or secretome"),
    ProductSpec("ha", (
        KeySpec("mg", "number?", "mg", description="hyaluronic acid mass per injection"),
        KeySpec("form", "enum", allowed=("linear", "crosslinked", "unknown"), description="HA chemistry"),
    ), "intra-articular hyaluronic acid (viscosupplement)"),
    ProductSpec("prp", (
        KeySpec("ml", "number?", "mL", description="injected volume"),
        KeySpec("leukocyte", "enum", allowed=("poor", "rich", "unknown"), description="leukocyte content"),
    ), "platelet-rich plasma"),
    ProductSpec("saline", (
        KeySpec("ml", "number?", "mL", description="injected volume"),
    ), "intra-articular saline (placebo or sham injection)"),
    ProductSpec("steroid", (
        KeySpec("mg", "number?", "mg", description="corticosteroid mass per injection"),
        KeySpec("drug", "enum", allowed=("triamcinolone", "methylprednisolone", "betamethasone", "unknown"),
                description="corticosteroid"),
    ), "intra-articular corticosteroid"),
    ProductSpec("surgery", (
        KeySpec("kind", "enum", allowed=("hto", "debridement", "microfracture", "meniscectomy", "other"),
                description="procedure"),
    ), "knee surgery (HTO, debridement, microfracture, meniscectomy, other)"),
    ProductSpec("nsaid", (), "oral NSAID, continuous from the event day"),
    ProductSpec("exercise", (), "exercise / conservative management, continuous from the event day"),
    ProductSpec("none", (), "no treatment (the regimen 'none()@0' is the empty regimen)"),
)

_EXT = "project extension (generic adjuvant channel)"
_STRENGTH = "relative strength, 1 = reference agent"
_EXTENSIONS = (
    ProductSpec("antiinflam", (
        KeySpec("strength", "number", "1", description=_STRENGTH),
        KeySpec("days", "number", "day", positive=True, description="duration from the event day"),
    ), "generic anti-inflammatory drug (e.g. oral herbal capsule, ligustrazine)", shared=False, source=_EXT),
    ProductSpec("anabolic", (
        KeySpec("strength", "number", "1", description=_STRENGTH),
        KeySpec("days", "number", "day", positive=True, description="duration from the event day"),
    ), "generic anabolic stimulus (e.g. low-intensity pulsed ultrasound)", shared=False, source=_EXT),
    ProductSpec("scaffold", (
        KeySpec("strength", "number", "1", description=_STRENGTH),
    ), "pro-differentiation scaffold delivered with cells (e.g. graphene)", shared=False, source=_EXT),
)

#: Every product of the grammar by name, in declaration order (read-only).
PRODUCTS: Mapping[str, ProductSpec] = MappingProxyType({p.name: p for p in _SHARED + _EXTENSIONS})

# Amounts: no sign, digits required on both sides of a decimal point (strict but covers every
# form in the shared data: 60, 0.5, 1e8, 3.9e6). Days additionally take a leading '-'.
_NUMBER = r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_DAY_RE = re.compile(r"-?" + _NUMBER)
_EVENT_RE = re.compile(r"(?P<product>[^()@;]*)\((?P<args>[^()]*)\)@(?P<day>.*)")


def _allowed_products() -> str:
    return ", ".join(PRODUCTS)


def parse_number(token: str, *, event: str, field: str, signed: bool = False) -> float:
    """Parse a number token of the grammar; raise :class:`RegimenError` naming ``field``."""
    pattern = _DAY_RE if signed else _NUMBER_RE
    what = "a finite number (e.g. 0, -10, 182)" if signed else "a finite number >= 0 (e.g. 60, 0.5, 1e8)"
    if not signed and token.startswith("-") and _NUMBER_RE.fullmatch(token[1:]):
        raise RegimenError(f"negative {field} {token!r} in event {event!r}; allowed: {what}",
                           event=event, field=field)
    if not pattern.fullmatch(token):
        raise RegimenError(f"malformed {field} {token!r} in event {event!r}; allowed: {what}",
                           event=event, field=field)
    value = float(token)
    if not math.isfinite(value):
        raise RegimenError(f"non-finite {field} {token!r} in event {event!r}; allowed: {what}",
                           event=event, field=field)
    return value


def format_number(x: float) -> str:
    """Canonical text of a number: shortest round-tripping digits, plain below 1e6, else ``me``.

    ``60.0 -> '60'``, ``0.5 -> '0.5'``, ``1e8 -> '1e8'``, ``3.9e6 -> '3.9e6'``, ``-10.0 -> '-10'``.
    ``float(format_number(x)) == x`` for every finite float.
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot format non-finite number {x!r}")
    if x == 0:
        return "0"
    # repr gives the shortest digit string that round-trips; Decimal exposes digits/exponent.
    sign, digits, exp = Decimal(repr(float(x))).normalize().as_tuple()
    digits_s = "".join(map(str, digits))
    sci_exp = exp + len(digits_s) - 1  # x = d.ddd * 10**sci_exp
    prefix = "-" if sign else ""
    if -4 <= sci_exp < 6:
        if exp >= 0:
            body = digits_s + "0" * exp
        elif -exp < len(digits_s):
            body = digits_s[:exp] + "." + digits_s[exp:]
        else:
            body = "0." + "0" * (-exp - len(digits_s)) + digits_s
        return prefix + body
    mant = digits_s[0] + ("." + digits_s[1:] if len(digits_s) > 1 else "")
    return f"{prefix}{mant}e{sci_exp}"


def split_events(text: str) -> list[str]:
    """Split a regimen string into event strings, rejecting whitespace and empty events."""
    if not isinstance(text, str):
        raise RegimenError(f"regimen must be a string, got {type(text).__name__}")
    if text == "":
        raise RegimenError("empty regimen ''; write 'none()@0' for no treatment", event="")
    if re.search(r"\s", text):
        raise RegimenError(f"whitespace is not allowed in regimen {text!r}; allowed: no spaces, tabs or "
                           "newlines (e.g. 'ha(mg=60,form=unknown)@0')", event=text)
    parts = text.split(";")
    for i, part in enumerate(parts):
        if part == "":
            where = "trailing ';'" if i == len(parts) - 1 else ("leading ';'" if i == 0 else "';;'")
            raise RegimenError(f"empty event ({where}) in regimen {text!r}; allowed: "
                               "event(;event)* with event = product(key=value,...)@day", event="")
    return parts


def lex_event(event: str) -> tuple[str, dict[str, str], float]:
    """Split one event string into product name, raw ``key -> value`` text, and day.

    Product, keys and values are checked against :data:`PRODUCTS` by :func:`validate_args`.
    """
    m = _EVENT_RE.fullmatch(event)
    if m is None:
        if "@" not in event:
            raise RegimenError(f"missing '@DAY' in event {event!r}; allowed: product(key=value,...)@day",
                               event=event, field="day")
        raise RegimenError(f"malformed event {event!r}; allowed: product(key=value,...)@day", event=event)
    product = m["product"]
    if product not in PRODUCTS:
        raise RegimenError(f"unknown product {product!r} in event {event!r}; allowed: {_allowed_products()}",
                           event=event, field="product", allowed=tuple(PRODUCTS))
    day = parse_number(m["day"], event=event, field="day", signed=True)
    raw: dict[str, str] = {}
    if m["args"]:
        for item in m["args"].split(","):
            key, eq, value = item.partition("=")
            if not eq or not key or not value:
                raise RegimenError(f"malformed argument {item!r} in event {event!r}; allowed: key=value",
                                   event=event, field=key or None)
            if key in raw:
                raise RegimenError(f"duplicate key {key!r} in event {event!r}", event=event, field=key)
            raw[key] = value
    return product, raw, day


def _coerce(spec: KeySpec, value, event: str):
    """Turn text (from a string) or a Python value (from code) into the key's canonical value."""
    field = spec.name
    bad = (f"bad value {value!r} for {field!r} in event {event!r}; allowed: {spec.allowed_text()}")
    if spec.kind == "enum":
        if value not in spec.allowed:
            raise RegimenError(bad, event=event, field=field, allowed=spec.allowed)
        return value
    if spec.kind == "flag":
        if value in ("0", "1") or (isinstance(value, (bool, int)) and value in (0, 1)):
            return bool(int(value))
        raise RegimenError(bad, event=event, field=field, allowed=("0", "1"))
    if value is None or value == "?":
        if spec.kind == "number?":
            return None
        raise RegimenError(bad, event=event, field=field)
    if isinstance(value, str):
        x = parse_number(value, event=event, field=field)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        x = float(value)
        if not math.isfinite(x) or x < 0:
            raise RegimenError(bad, event=event, field=field)
    else:
        raise RegimenError(bad, event=event, field=field)
    if spec.positive and x <= 0:
        raise RegimenError(bad, event=event, field=field)
    return x


def validate_args(product: str, args: Mapping, event: str, *, require_order: bool = True) -> dict:
    """Check ``args`` against the product's keys and return them coerced, in declared key order.

    ``args`` values may be raw text (from a regimen string) or Python values (``float``, ``None``
    for unknown, ``bool`` for flags, ``str`` for enums). ``require_order`` enforces the written
    key order of shared products (text input); code building events may pass keys in any order.
    """
    if product not in PRODUCTS:
        raise RegimenError(f"unknown product {product!r} in event {event!r}; allowed: {_allowed_products()}",
                           event=event, field="product", allowed=tuple(PRODUCTS))
    spec = PRODUCTS[product]
    names = spec.key_names
    listed = ", ".join(names) if names else "(no keys)"
    for key in args:
        if key not in names:
            raise RegimenError(f"unknown key {key!r} for product {product!r} in event {event!r}; "
                               f"allowed: {listed}", event=event, field=key, allowed=names)
    for key in names:
        if key not in args:
            raise RegimenError(f"missing key {key!r} for product {product!r} in event {event!r}; "
                               f"required: {listed}", event=event, field=key, allowed=names)
    if require_order and spec.shared and tuple(args) != names:
        raise RegimenError(f"keys out of order in event {event!r}; product {product!r} requires the order "
                           f"{listed}", event=event, field=next(k for k, n in zip(args, names) if k != n),
                           allowed=names)
    return {k.name: _coerce(k, args[k.name], event) for k in spec.keys}


def format_value(value) -> str:
    """Text of one argument value (``None`` -> ``?``, flags -> ``0``/``1``)."""
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    return format_number(value)


def format_event(product: str, args: Mapping, day: float) -> str:
    """Canonical text ``product(key=value,...)@day`` of already validated values."""
    inner = ",".join(f"{k}={format_value(v)}" for k, v in args.items())
    return f"{product}({inner})@{format_number(day)}"
