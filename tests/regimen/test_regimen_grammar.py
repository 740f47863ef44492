"""Regimen grammar: parsing, canonical formatting, strict errors, and round trips."""

import csv
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.data import packaged_path
from sim.regimen import PRODUCTS, DoseEvent, Regimen, RegimenError, format_number

README_EXAMPLES = [
    "msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0",
    "msc(cells=1e8,source=ad,allogeneic=0)@0;msc(cells=1e8,source=ad,allogeneic=0)@182",
    "msc(cells=5e7,source=ad,allogeneic=0)@0;saline(ml=?)@7;saline(ml=?)@14;msc(cells=5e7,source=ad,allogeneic=0)@21",
    "surgery(kind=hto)@0;surgery(kind=microfracture)@0;msc(cells=?,source=bm,allogeneic=0)@21;ha(mg=?,form=unknown)@21",
    "msc(cells=3.9e6,source=ad,allogeneic=1)@0;exo(dose=?,source=ad)@0",
    "surgery(kind=meniscectomy)@-10;exo(dose=?,source=ad)@0;exo(dose=?,source=ad)@7;exo(dose=?,source=ad)@14",
    "prp(ml=?,leukocyte=poor)@0;prp(ml=?,leukocyte=poor)@21",
    "nsaid()@0",
]


def _arm_regimens():
    with open(packaged_path("trials/arms.csv"), newline="", encoding="utf-8") as fh:
        return [(r["arm_id"], r["regimen"]) for r in csv.DictReader(fh)]


@pytest.mark.parametrize("arm_id,text", _arm_regimens(), ids=lambda v: v if "(" not in v else "")
def test_every_arm_regimen_parses_and_round_trips(arm_id, text):
    r = Regimen.parse(text)
    assert str(r) == text
    assert Regimen.parse(str(r)) == r


@pytest.mark.parametrize("text", README_EXAMPLES)
def test_readme_examples_round_trip(text):
    assert str(Regimen.parse(text)) == text


def test_parsed_values_and_accessors():
    r = Regimen.parse("surgery(kind=meniscectomy)@-10;exo(dose=?,source=ad)@0;"
                      "msc(cells=3.9e6,source=ad,allogeneic=1)@0")
    assert r.products == ("surgery", "exo", "msc")
    assert r.first_day == -10.0 and r.last_day == 0.0
    msc = r.of("msc")[0]
    assert msc.args["cells"] == 3.9e6 and msc.args["allogeneic"] is True and msc.args["source"] == "ad"
    assert r.of("exo")[0].args["dose"] is None  # '?' stays unknown, never guessed
    assert r.has_unknown_amounts
    assert str(r.shifted(10)) == ("surgery(kind=meniscectomy)@0;exo(dose=?,source=ad)@10;"
                                  "msc(cells=3.9e6,source=ad,allogeneic=1)@10")
    assert r.shifted(10).shifted(-10) == r
    assert len(r) == 3 and list(r) == list(r.events)


def test_events_sorted_by_day_stable_for_ties():
    r = Regimen.parse("ha(mg=1,form=linear)@7;saline(ml=2)@0;prp(ml=3,leukocyte=rich)@0")
    assert [e.product for e in r.events] == ["saline", "prp", "ha"]
    assert str(r) == "saline(ml=2)@0;prp(ml=3,leukocyte=rich)@0;ha(mg=1,form=linear)@7"


def test_none_is_the_empty_regimen():
    r = Regimen.parse("none()@0")
    assert r == Regimen() and not r and r.products == () and r.first_day is None
    assert str(r) == "none()@0"
    assert Regimen.parse("nsaid()@0") + r == Regimen.parse("nsaid()@0")


def test_equality_hash_and_immutability():
    a = Regimen.parse("msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0")
    b = Regimen.parse("msc(cells=100000000,source=bm,allogeneic=0)@0.0;ha(mg=60.0,form=unknown)@0")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert str(b) == str(a)  # non-canonical numbers normalise
    with pytest.raises(AttributeError):
        a.events = ()
    with pytest.raises(TypeError):
        a.events[0].args["cells"] = 1.0


def test_dose_event_from_code_accepts_any_key_order_and_validates():
    e = DoseEvent("msc", {"source": "bm", "allogeneic": False, "cells": 1e8}, 0)
    assert list(e.args) == ["cells", "source", "allogeneic"]
    assert str(e) == "msc(cells=1e8,source=bm,allogeneic=0)@0"
    with pytest.raises(RegimenError, match="cells"):
        DoseEvent("msc", {"source": "bm", "allogeneic": False, "cells": -1.0}, 0)
    with pytest.raises(RegimenError, match="day"):
        DoseEvent("nsaid", {}, math.nan)
    with pytest.raises(RegimenError, match="none"):
        DoseEvent("none", {}, 0)


def test_extension_products_any_key_order_canonical_output():
    r = Regimen.parse("antiinflam(days=28,strength=0.5)@0;anabolic(strength=1,days=20)@3;scaffold(strength=2)@0")
    assert str(r) == "antiinflam(strength=0.5,days=28)@0;scaffold(strength=2)@0;anabolic(strength=1,days=20)@3"
    assert r.of("antiinflam")[0].args["days"] == 28.0


BAD = [
    # text, field, fragment that must appear in the message
    ("mscs(cells=1e8,source=bm,allogeneic=0)@0", "product", "allowed: msc, exo, ha, prp"),
    ("msc(cells=1e8,source=bm)@0", "allogeneic", "required: cells, source, allogeneic"),
    ("msc(cells=1e8,source=bm,allogeneic=0,extra=1)@0", "extra", "allowed: cells, source, allogeneic"),
    ("msc(source=bm,cells=1e8,allogeneic=0)@0", "source", "order"),
    ("msc(cells=1e8,source=brain,allogeneic=0)@0", "source", "allowed: bm, ad, uc, pl, bmac, svf, fp, unknown"),
    ("msc(cells=1e8,source=bm,allogeneic=2)@0", "allogeneic", "allowed: 0, 1"),
    ("ha(mg=-60,form=linear)@0", "mg", "negative"),
    ("ha(mg=1e400,form=linear)@0", "mg", "non-finite"),
    ("ha(mg=inf,form=linear)@0", "mg", ">= 0"),
    ("ha(mg=nan,form=linear)@0", "mg", ">= 0"),
    ("ha(mg=60,form=gel)@0", "form", "allowed: linear, crosslinked, unknown"),
    ("antiinflam(strength=?,days=3)@0", "strength", ">= 0"),
    ("antiinflam(strength=1,days=0)@0", "days", "> 0"),
    ("ha(mg=60,form=linear)@", "day", "finite number"),
    ("ha(mg=60,form=linear)@day3", "day", "finite number"),
    ("ha(mg=60,form=linear)@1e999", "day", "non-finite"),
    ("ha(mg=60,form=linear)", "day", "@DAY"),
    ("ha(mg=60,mg=60)@0", "mg", "duplicate"),
    ("ha(mg60,form=linear)@0", "mg60", "key=value"),
    ("none()@3", "day", "none()@0"),
    ("none()@0;nsaid()@0", "product", "only event"),
]


@pytest.mark.parametrize("text,field,fragment", BAD)
def test_bad_events_raise_naming_event_field_and_allowed(text, field, fragment):
    with pytest.raises(RegimenError) as info:
        Regimen.parse(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == field
    assert fragment in str(err)
    assert repr(text.split(";")[0]) in str(err) or repr(text) in str(err)


@pytest.mark.parametrize("text,fragment", [
    ("", "empty regimen"),
    ("nsaid()@0;", "trailing ';'"),
    (";nsaid()@0", "leading ';'"),
    ("nsaid()@0;;nsaid()@0", "';;'"),
    ("ha(mg=60, form=linear)@0", "whitespace"),
    ("nsaid()@0\n", "whitespace"),
])
def test_structural_errors(text, fragment):
    with pytest.raises(RegimenError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        Regimen.parse(text)


def test_unknown_product_message_exact_form():
    with pytest.raises(RegimenError) as info:
        Regimen.parse("mscs(cells=1)@0")
    assert str(info.value).startswith("unknown product 'mscs' in event 'mscs(cells=1)@0'; allowed: msc, exo, ")


# --- property tests ---------------------------------------------------------------------------

amounts = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
days = st.one_of(st.integers(-400, 4000).map(float),
                 st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False))


def _value(key):
    if key.kind == "enum":
        return st.sampled_from(key.allowed)
    if key.kind == "flag":
        return st.booleans()
    positive = amounts.filter(lambda x: x > 0) if key.positive else amounts
    return st.one_of(st.none(), positive) if key.kind == "number?" else positive


@st.composite
def dose_events(draw):
    spec = PRODUCTS[draw(st.sampled_from([p for p in PRODUCTS if p != "none"]))]
    args = {k.name: draw(_value(k)) for k in spec.keys}
    return DoseEvent(spec.name, args, draw(days))


regimens = st.lists(dose_events(), max_size=6).map(lambda evs: Regimen(tuple(evs)))


@settings(max_examples=200, deadline=None)
@given(regimens)
def test_round_trip_generated_regimens(r):
    text = str(r)
    again = Regimen.parse(text)
    assert again == r and hash(again) == hash(r)
    assert str(again) == text
    assert [e.day for e in r.events] == sorted(e.day for e in r.events)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_number_round_trips_exactly(x):
    s = format_number(x)
    assert float(s) == x
    assert " " not in s and "+" not in s


@pytest.mark.parametrize("x,text", [(60.0, "60"), (0.5, "0.5"), (1e8, "1e8"), (3.9e6, "3.9e6"), (1.89e6, "1.89e6"),
                                    (-10.0, "-10"), (182.0, "182"), (0.0, "0"), (1e-5, "1e-5"), (0.0001, "0.0001"),
                                    (123456.5, "123456.5")])
def test_format_number_canonical_forms(x, text):
    assert format_number(x) == text


def test_every_product_has_one_record_of_schema_and_effect():
    from sim.regimen.grammar import PRODUCTS
    from sim.regimen.products import PRODUCT_TABLE

    assert list(PRODUCT_TABLE) == list(PRODUCTS)
    for name, product in PRODUCT_TABLE.items():
        assert product.spec is PRODUCTS[name] and callable(product.effect)
