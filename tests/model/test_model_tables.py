"""The model declared as data: state/parameter tables, their sources and the generated layout."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import sim.model.rhs as rhs_module
from sim.data import load_parameters_table
from sim.codegen import knee as codegen
from sim.model.parameters import PARAMETERS
from sim.model.patient import Patient
from sim.model.rhs import rhs
from sim.model.species import SPECIES
from sim.model.states import STATES
from sim.simulation import simulate

TABLES = [pytest.param(q, id=f"state:{q.name}") for q in STATES] + \
         [pytest.param(q, id=f"parameter:{q.name}") for q in PARAMETERS]
IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.fixture(scope="module")
def literature():
    return load_parameters_table()


@pytest.mark.parametrize("q", TABLES)
def test_default_within_bounds_and_documented(q):
    assert math.isfinite(q.default) and q.lower <= q.default <= q.upper, (q.lower, q.default, q.upper)
    assert q.lower < q.upper
    for field in ("unit", "description", "source"):
        assert getattr(q, field).strip(), f"{q.name}: empty {field}"


def test_names_unique_identifiers():
    for table in (STATES, PARAMETERS):
        names = [q.name for q in table]
        assert len(names) == len(set(names))
        assert all(IDENT.fullmatch(n) for n in names)


def test_prefix_conventions():
    for q in PARAMETERS:
        if q.name.startswith("k_"):
            assert "/day" in q.unit, (q.name, q.unit)
        if q.name.startswith("half_life_"):
            assert q.unit == "day", (q.name, q.unit)
        if q.name.startswith("mech_"):
            assert (q.lower, q.upper) == (0, 1) and q.default in (0, 1), q.name
        if q.name.startswith("p_"):
            assert 0 <= q.lower and q.upper <= 1, q.name


def _cited_rows(source: str) -> list[str]:
    """Row names cited as ``parameters.csv:<row>[, <row>...]`` (prose after ';' or ',' is skipped)."""
    rows = []
    for match in re.finditer(r"parameters\.csv:(.*)", source):
        tail = re.sub(r"\([^)]*\)", "", match.group(1))
        pieces = [s.strip() for s in re.split(r"[,;]", tail)]
        first = IDENT.match(pieces[0])
        rows.append(first.group(0) if first else pieces[0])
        # further pieces are rows when they are a single snake_case identifier
        rows += [s for s in pieces[1:] if IDENT.fullmatch(s) and "_" in s]
    return rows


def test_citation_parser_reads_lists():
    assert _cited_rows("parameters.csv:a_b, c_d (x); prose here") == ["a_b", "c_d"]
    assert _cited_rows("calibrated to x: parameters.csv:row_1") == ["row_1"]


_SOURCES = [(q.name, q.source) for q in STATES + PARAMETERS] + [(s.name, s.source) for s in SPECIES.values()]


@pytest.mark.parametrize("owner, source", _SOURCES, ids=[f"{o}" for o, _ in _SOURCES])
def test_parameters_csv_citations_exist(owner, source, literature):
    missing = [row for row in _cited_rows(source) if row not in literature]
    assert not missing, f"{owner}: cites rows absent from parameters.csv: {missing}"


def test_parameters_csv_citations_in_model_code_exist(literature):
    """Citations in comments of the model and observation code name existing rows too."""
    root = Path(rhs_module.__file__).resolve().parents[1]
    missing = []
    for path in sorted(list((root / "model").glob("*.py")) + list((root / "observe").glob("*.py"))):
        for match in re.finditer(r"parameters\.csv:([A-Za-z][A-Za-z0-9_]*)", path.read_text()):
            if match.group(1) not in literature:
                missing.append(f"{path.name}: {match.group(1)}")
    assert not missing, missing


def test_layout_is_generated_from_tables():
    assert codegen.LAYOUT_FILE.read_text() == codegen.render_layout(), \
        "sim/model/layout.py is stale: run python -m sim.codegen"


def test_kernel_source_carries_layout_hash():
    text = Path(rhs_module.__file__).read_text()
    assert f"# layout-hash: {codegen.layout_hash()}" in text, \
        "tables changed but rhs.py was not touched: update its '# layout-hash:' comment"


def test_layout_indices_match_tables():
    from sim.model import layout

    for i, s in enumerate(STATES):
        assert getattr(layout, f"Y_{s.name.upper()}") == i
    for i, q in enumerate(PARAMETERS):
        assert getattr(layout, f"P_{q.name.upper()}") == i
    assert (layout.N_Y, layout.N_P) == (len(STATES), len(PARAMETERS))


@pytest.fixture(scope="module")
def rhs_states():
    """States of a treated KL-4 knee (fresh doses, day 1, day 30) and an untreated start."""
    pt = Patient(kl_grade=4)
    reg = ("msc(cells=1e8,source=bm,allogeneic=1)@0;prp(ml=5,leukocyte=rich)@0;"
           "ha(mg=30,form=linear)@0;steroid(mg=40,drug=triamcinolone)@0;scaffold(strength=1)@0")
    res = simulate(pt, reg, times=[0.0, 1.0, 30.0])
    return pt.parameter_vector(), [res.states[0, k] for k in range(3)] + [pt.initial_state()]


_BOUNDARY_XFAIL: dict[str, str] = {}


@pytest.mark.parametrize("q", [pytest.param(q, id=q.name, marks=pytest.mark.xfail(strict=True, raises=ZeroDivisionError,
                               reason=_BOUNDARY_XFAIL[q.name]) if q.name in _BOUNDARY_XFAIL else ())
                               for q in PARAMETERS])
def test_rhs_finite_with_parameter_at_its_bounds(q, rhs_states):
    """Every value the table admits must give a finite right-hand side."""
    p0, states = rhs_states
    i = [x.name for x in PARAMETERS].index(q.name)
    dydt = np.empty(len(STATES))
    for value in (q.lower, q.upper):
        p = p0.copy()
        p[i] = value
        for y in states:
            rhs(0.0, y, p, dydt)
            assert np.all(np.isfinite(dydt)), (q.name, value)


@pytest.mark.parametrize("species", [s for s in SPECIES if s != "human"])
def test_human_age_and_body_mass_relations_leave_animals_at_the_reference(species):
    old_heavy = Patient(species, kl_grade=0, age=80.0, bmi=38.0).parameter_values()
    young_lean = Patient(species, kl_grade=0, age=40.0, bmi=20.0, alignment_load=1.2).parameter_values()
    assert old_heavy["rel_load_patient"] == 1.0 and old_heavy["rel_anabolic_age"] == 1.0
    assert young_lean["rel_load_patient"] == pytest.approx(1.2)  # a given alignment still loads the knee
    human = Patient("human", age=80.0, bmi=38.0).parameter_values()
    assert human["rel_load_patient"] == pytest.approx(1.26) and human["rel_anabolic_age"] == pytest.approx(0.8)
