"""What each product of a regimen does to the knee: dose events become state jumps.

:data:`PRODUCT_TABLE` holds one record per product: its arguments (the grammar's
:class:`~sim.regimen.grammar.ProductSpec`) and its effect, a function from one dose to its jumps.

Every administration is an affine jump ``y[i] <- y[i] * mul + add`` of a few states, applied
between integration segments; products also fix a few per-patient parameters (the potency and
allogeneic share of the injected cells). Amounts the trial reports do not state (``?``) take the
typical values of :data:`TYPICAL_AMOUNTS`, which are documented here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sim.model.states import state_index
from sim.regimen.grammar import PRODUCTS, ProductSpec
from sim.regimen.regimen import DoseEvent, Regimen

#: Cells whose week of output the typical exosome dose is [cells] (assumed; defines its size).
TYPICAL_EXOSOME_SOURCE_CELLS = 3.0e7
#: Typical amounts used where a regimen says ``?`` (documented assumptions).
TYPICAL_AMOUNTS: dict[tuple[str, str], float] = {
    ("msc", "cells"): 4.0e7,  # parameters.csv:msc_dose_clinical (typical moderate dose)
    ("exo", "dose"): 200.0,  # secretome units; assumed: ~ one week of output of TYPICAL_EXOSOME_SOURCE_CELLS
    ("ha", "mg"): 30.0,  # assumed: middle of marketed single-injection products (16-60 mg)
    ("prp", "ml"): 5.0,  # assumed: typical injected PRP volume
    ("saline", "ml"): 4.0,  # assumed: typical placebo volume
    ("steroid", "mg"): 40.0,  # triamcinolone 40 mg (parameters.csv:TA_crystalline_SF_week6)
}

#: Secretory potency relative to culture-expanded bone-marrow MSCs, and the share of injected
#: nucleated cells that are MSC-like. To be calibrated: sources differ in trials but no
#: head-to-head potency data exist. BMAC and SVF are counted as nucleated cells in trials.
SOURCE_POTENCY: dict[str, float] = {
    "bm": 1.0, "ad": 1.0, "uc": 1.2, "pl": 1.1, "fp": 1.0, "bmac": 1.0, "svf": 1.0, "unknown": 1.0,
}
SOURCE_MSC_SHARE: dict[str, float] = {
    # BMAC: ~34,400 MSCs in ~4.6 million nucleated cells (seed review [15], F10).
    "bmac": 34400.0 / 4.6e6,
    # SVF: assumed ~10% adherent stromal progenitors.
    "svf": 0.1,
}

#: Corticosteroid anti-inflammatory potency per mg relative to triamcinolone (equivalent-dose
#: tables: 4 mg triamcinolone ~ 4 mg methylprednisolone ~ 0.75 mg betamethasone).
STEROID_POTENCY: dict[str, float] = {
    "triamcinolone": 1.0, "methylprednisolone": 1.0, "betamethasone": 4.0 / 0.75, "unknown": 1.0,
}

#: Strength of the contextual (placebo) response set by each kind of intervention: an
#: intra-articular injection or surgery adds 1 to the expectation drive; oral drugs and exercise
#: 0.5 (IA placebo beats oral placebo: Bannuru 2015, Ann Intern Med 162:46; evidence.md s1.4).
PLACEBO_STRENGTH = {"injection": 1.0, "surgery": 1.0, "oral": 0.5}

#: Ceiling of the expectation drive. A repeat intervention adds its strength with saturation,
#: ``drive -> drive + s (1 - drive / cap)`` (an affine jump), instead of resetting the drive:
#: a second injection renews and somewhat deepens the expectation, a tenth adds little. Assumed:
#: no quantitative data on repeat-injection placebo responses were found (evidence.md s1.5).
PLACEBO_DRIVE_CAP = 2.0

#: Share of injected platelets trapped in the fibrin clot that PRP forms in the joint, which
#: releases growth factors over days (state ``prp_fibrin``); the rest degranulates within hours.
#: Assumed: liquid PRP releases most factors within an hour, fibrin-bound platelet concentrates
#: over 10 days (Kobayashi 2016, Miron 2017; evidence.md s3.1 [R42]); no intra-articular split
#: has been measured.
PRP_FIBRIN_SHARE = 0.5

#: Length of an oral NSAID course [day]. The shared grammar writes a continuous co-intervention
#: as one event on its first day and states no duration; assumed: a 4-week prescribed course,
#: after which the drug no longer acts (the expectation it set wanes on its own time scale).
NSAID_COURSE_DAYS = 28.0

#: Peak contact stress on the tibial plateau after a partial meniscectomy relative to the intact
#: knee: +65% after resecting a bucket-handle tear of the inner third of the meniscus (4 human
#: cadaver knees, 400 lb axial load, pressure-sensitive film; Baratz, Fu & Mengato 1986, Am J
#: Sports Med 14:270, abstract). Other partial resections span +36% to +43% (inferior leaf of a
#: horizontal cleavage tear; Koh et al. 2016, J Bone Joint Surg Am 98:1829) and +110% (a
#: segment of the posterior horn, Baratz 1986). ``load_factor`` multiplies the stress on the
#: diseased compartment, as for the rat's total meniscectomy (:mod:`sim.model.species`).
PARTIAL_MENISCECTOMY_STRESS_RATIO = 1.65

SURGERY_JUMPS: dict[str, tuple[tuple[str, float, float], ...]] = {
    # Surgical trauma enters as a surge of debris/DAMPs (fragments, x healthy level), which recruits
    # M1 macrophages within the synovium's free capacity; magnitudes assumed.
    # HTO shifts load off the diseased compartment (assumed 30% unloading).
    "hto": (("load_factor", 0.7, 0.0), ("fragments", 1.0, 1.0)),
    # Debridement/lavage removes debris and part of the inflammatory load.
    "debridement": (("fragments", 0.3, 0.0), ("macrophage_m1", 0.8, 0.0)),
    # Microfracture opens the marrow: progenitors (assumed 5e6) adhere in the defect.
    "microfracture": (("msc_adhered", 1.0, 5.0), ("fragments", 1.0, 1.0)),
    # Partial meniscectomy removes load sharing and causes surgical synovitis (debris assumed).
    "meniscectomy": (("load_factor", PARTIAL_MENISCECTOMY_STRESS_RATIO, 0.0), ("fragments", 1.0, 2.0)),
    "other": (("fragments", 1.0, 1.0),),
}


@dataclass(frozen=True)
class Jump:
    """Affine change of one state at one time: ``y[state] = y[state] * mul + add``."""

    day: float
    state: str
    mul: float
    add: float


@dataclass(frozen=True)
class DosePlan:
    """The model-level translation of a regimen."""

    jumps: tuple[Jump, ...]
    parameters: dict
    unknown_amounts: tuple[str, ...]  # "product.key" filled with typical values

    def schedule(self) -> list[tuple[float, list[tuple[int, float, float]]]]:
        """The jumps as solver events: ``[(day, [(state index, mul, add), ...]), ...]``.

        One event per day with jumps, in day order; the jumps of one day in regimen order
        (the order :func:`sim.solver.inputs.event_arrays` applies them in).
        """
        days = sorted({j.day for j in self.jumps})
        return [(d, [(state_index(j.state), j.mul, j.add) for j in self.jumps if j.day == d]) for d in days]


def _amount(event: DoseEvent, key: str, unknown: list) -> float:
    value = event.args[key]
    if value is None:
        unknown.append(f"{event.product}.{key}")
        return TYPICAL_AMOUNTS[(event.product, key)]
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"regimen: {event.product}.{key} = {value!r} must be a finite, non-negative amount")
    return value


def _placebo(day: float, kind: str) -> list[Jump]:
    strength = PLACEBO_STRENGTH[kind]
    return [Jump(day, "placebo_drive", 1.0 - strength / PLACEBO_DRIVE_CAP, strength)]


@dataclass
class _CellTotals:
    """Running totals of the MSCs a regimen injects [1e6 cells], for the per-patient cell parameters."""

    cells: float = 0.0
    potency_weighted: float = 0.0
    allogeneic: float = 0.0


# --- what one dose of each product does ---------------------------------------------------------
# Each takes (event, day [day], unknown-amount list to append to, cell totals) and returns the
# event's jumps in the order they are applied.

def _msc(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    a = ev.args
    cells = _amount(ev, "cells", unknown)
    msc = cells * SOURCE_MSC_SHARE.get(a["source"], 1.0) / 1e6
    totals.cells += msc
    totals.potency_weighted += msc * SOURCE_POTENCY[a["source"]]
    totals.allogeneic += msc * float(a["allogeneic"])
    return [Jump(d, "msc_free", 1.0, msc)] + _placebo(d, "injection")


def _exo(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return [Jump(d, "secretome", 1.0, _amount(ev, "dose", unknown))] + _placebo(d, "injection")


def _ha(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    state = "ha_crosslinked" if ev.args["form"] == "crosslinked" else "ha_linear"
    return [Jump(d, state, 1.0, _amount(ev, "mg", unknown))] + _placebo(d, "injection")


def _prp(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    ml = _amount(ev, "ml", unknown)
    jumps = [Jump(d, "prp_reservoir", 1.0, ml * (1.0 - PRP_FIBRIN_SHARE)),
             Jump(d, "prp_fibrin", 1.0, ml * PRP_FIBRIN_SHARE)]
    if ev.args["leukocyte"] == "rich":  # leukocytes bring a short inflammatory flare (assumed)
        jumps.append(Jump(d, "fragments", 1.0, 0.5))
    return jumps + _placebo(d, "injection")


def _saline(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    _amount(ev, "ml", unknown)  # volume does not change the biology; validated only
    return _placebo(d, "injection")


def _steroid(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    mg = _amount(ev, "mg", unknown) * STEROID_POTENCY[ev.args["drug"]]
    return [Jump(d, "steroid_depot", 1.0, mg)] + _placebo(d, "injection")


def _surgery(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return [Jump(d, s, m, ad) for s, m, ad in SURGERY_JUMPS[ev.args["kind"]]] + _placebo(d, "surgery")


def _nsaid(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return ([Jump(d, "antiinflammatory", 0.0, 0.5), Jump(d + NSAID_COURSE_DAYS, "antiinflammatory", 0.0, 0.0)]
            + _placebo(d, "oral"))


def _exercise(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return [Jump(d, "anabolic", 0.0, 0.3)] + _placebo(d, "oral")


def _channel(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    """The generic anti-inflammatory and anabolic channels: on at ``strength`` for ``days``."""
    state = "antiinflammatory" if ev.product == "antiinflam" else "anabolic"
    strength = float(ev.args["strength"])
    return [Jump(d, state, 0.0, strength), Jump(d + float(ev.args["days"]), state, 0.0, 0.0)]


def _scaffold(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return [Jump(d, "scaffold", 1.0, float(ev.args["strength"]))]


def _nothing(ev: DoseEvent, d: float, unknown: list, totals: _CellTotals) -> list[Jump]:
    return []


@dataclass(frozen=True)
class Product:
    """One product: its arguments as the grammar defines them, and what a dose of it does.

    Attributes
    ----------
    spec : ProductSpec
        Name, argument keys and description (:data:`sim.regimen.grammar.PRODUCTS`).
    effect : callable
        ``effect(event, day, unknown, totals) -> list of Jump``: the state jumps of one dose on
        ``day`` [day], appending the ``"product.key"`` of any amount it filled with a typical value
        to ``unknown`` and adding injected MSCs to ``totals``.
    """

    spec: ProductSpec
    effect: Callable[[DoseEvent, float, list, _CellTotals], list[Jump]]


_EFFECTS = {"msc": _msc, "exo": _exo, "ha": _ha, "prp": _prp, "saline": _saline, "steroid": _steroid,
            "surgery": _surgery, "nsaid": _nsaid, "exercise": _exercise, "none": _nothing,
            "antiinflam": _channel, "anabolic": _channel, "scaffold": _scaffold}
if set(_EFFECTS) != set(PRODUCTS):  # the grammar and this table must list the same products
    raise RuntimeError(f"sim.regimen.products: effects for {sorted(_EFFECTS)}, grammar products {sorted(PRODUCTS)}")

#: Every product of the grammar, in its order: argument schema and effect on the knee.
PRODUCT_TABLE: Mapping[str, Product] = MappingProxyType({name: Product(spec, _EFFECTS[name])
                                                         for name, spec in PRODUCTS.items()})


def plan_regimen(regimen: Regimen | str) -> DosePlan:
    """Translate a regimen into state jumps and per-patient parameter settings."""
    if isinstance(regimen, str):
        regimen = Regimen.parse(regimen)
    jumps: list[Jump] = []
    unknown: list[str] = []
    totals = _CellTotals()
    for ev in regimen.events:
        product = PRODUCT_TABLE.get(ev.product)
        if product is None:
            raise ValueError(f"regimen: product {ev.product!r} has no pharmacology in sim.regimen.products")
        jumps += product.effect(ev, float(ev.day), unknown, totals)
    jumps.sort(key=lambda j: j.day)  # stable: same-day jumps keep regimen order
    parameters = {}
    if totals.cells > 0:
        parameters["rel_msc_potency"] = totals.potency_weighted / totals.cells
        parameters["rel_msc_allogeneic"] = totals.allogeneic / totals.cells
    return DosePlan(tuple(jumps), parameters, tuple(unknown))
