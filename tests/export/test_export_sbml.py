"""The SBML export: consistent, complete with respect to the model tables, and safe on bad input."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

libsbml = pytest.importorskip("libsbml")
pytest.importorskip("sympy")

import sim  # noqa: E402
from sim.export import build_problem, to_sbml  # noqa: E402
from sim.export.units import UNIT_DEFINITIONS, unit_id  # noqa: E402
from sim.regimen.products import plan_regimen  # noqa: E402
from sim.model.parameters import PARAMETERS  # noqa: E402
from sim.model.states import STATES, state_index  # noqa: E402

REGIMEN = ("msc(cells=2e7,source=ad,allogeneic=1)@0;prp(ml=5,leukocyte=rich)@0;"
           "msc(cells=2e7,source=ad,allogeneic=1)@90;surgery(kind=hto)@120")
SENTINEL = "an earlier export that a failing export must not touch"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("sbml") / "knee.xml"
    result = to_sbml(sim.Patient(kl_grade=2), REGIMEN, path)
    doc = libsbml.readSBMLFromFile(str(result.path))
    return result, doc


def test_document_has_no_consistency_errors(exported):
    result, doc = exported
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    doc.checkConsistency()  # re-check the file as read back, units included
    errors = [doc.getError(i) for i in range(doc.getNumErrors()) if doc.getError(i).isError()
              or doc.getError(i).isFatal()]
    assert not errors, [e.getMessage() for e in errors]
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)


def test_every_state_is_a_rate_rule_with_its_unit_and_value(exported):
    _, doc = exported
    model = doc.getModel()
    y0 = build_problem(sim.Patient(kl_grade=2), REGIMEN).y0
    for q, value in zip(STATES, y0):
        par = model.getParameter(q.name)
        assert par is not None and not par.getConstant(), q.name
        assert par.getValue() == pytest.approx(value, rel=1e-14)
        assert model.getRateRule(q.name) is not None, q.name
        assert par.getUnits() == (unit_id(q.unit) or ""), q.name
        assert q.source in html.unescape(par.getNotesString()), q.name
    assert model.getNumRules() == len(STATES) + 1  # + study_day


def test_every_parameter_carries_the_patients_value_unit_and_source(exported):
    _, doc = exported
    model = doc.getModel()
    p = build_problem(sim.Patient(kl_grade=2), REGIMEN).p
    for q, value in zip(PARAMETERS, p):
        par = model.getParameter(q.name)
        assert par is not None and par.getConstant(), q.name
        assert par.getValue() == pytest.approx(value, rel=1e-14), q.name  # libSBML writes 15 digits
        assert par.getUnits() == (unit_id(q.unit) or ""), q.name
        notes = html.unescape(par.getNotesString())
        assert f"source: {q.source}" in notes and q.description in notes, q.name
    # the regimen's parameter overlay reaches the file
    allogeneic = plan_regimen(REGIMEN).parameters["rel_msc_allogeneic"]
    assert model.getParameter("rel_msc_allogeneic").getValue() == allogeneic == 1.0


def test_every_table_unit_maps_to_an_sbml_unit():
    for q in (*STATES, *PARAMETERS):
        uid = unit_id(q.unit)
        assert uid == "dimensionless" or uid in UNIT_DEFINITIONS, f"{q.name}: unit {q.unit!r} has no SBML unit"


def test_events_are_the_regimens_jumps_at_shifted_times(exported):
    _, doc = exported
    model = doc.getModel()
    problem = build_problem(sim.Patient(kl_grade=2), REGIMEN)
    assert problem.t_start == -180.0
    assert [j.day for j in problem.jumps] == [0.0, 90.0, 120.0]
    assert model.getNumEvents() == 3
    for ev, jumps in zip(model.getListOfEvents(), problem.jumps):
        trigger = libsbml.formulaToL3String(ev.getTrigger().getMath())
        assert trigger == f"time >= {jumps.day - problem.t_start:g}"
        assert not ev.getTrigger().getInitialValue() and ev.getTrigger().getPersistent()
        assert sorted(ea.getVariable() for ea in ev.getListOfEventAssignments()) == \
            sorted(STATES[k].name for k, _, _ in jumps.changes)
    day0 = dict((STATES[k].name, (m, a)) for k, m, a in problem.jumps[0].changes)
    assert day0["msc_free"] == (1.0, 20.0)
    # two injections on day 0 each add to the contextual drive with saturation, composed in order:
    # x -> (1 - s/cap) x + s twice
    from sim.regimen.products import PLACEBO_DRIVE_CAP, PLACEBO_STRENGTH

    m = 1.0 - PLACEBO_STRENGTH["injection"] / PLACEBO_DRIVE_CAP
    assert day0["placebo_drive"] == pytest.approx((m * m, m * PLACEBO_STRENGTH["injection"]
                                                   + PLACEBO_STRENGTH["injection"]))
    assert day0["fragments"] == (1.0, 0.5)  # leukocyte-rich PRP


def test_same_day_jumps_of_one_state_compose_in_solver_order():
    from sim.export.problem import _compose

    idx = np.array([[state_index("load_factor"), state_index("load_factor")]])
    got = _compose(np.array([3.0]), idx, np.array([[0.7, 1.3]]), np.array([[0.0, 0.1]]))
    (k, m, a), = got[0].changes
    y = 2.0
    assert m * y + a == pytest.approx((y * 0.7 + 0.0) * 1.3 + 0.1, rel=1e-15)


def test_run_in_zero_puts_day_zero_doses_at_sbml_time_zero(tmp_path):
    problem = build_problem(sim.Patient(), "ha(mg=30,form=linear)@0", run_in=0.0)
    assert problem.t_start == 0.0 and problem.jumps[0].day == 0.0
    doc = libsbml.readSBMLFromFile(str(to_sbml(sim.Patient(), "ha(mg=30,form=linear)@0", tmp_path / "k.xml",
                                               run_in=0.0).path))
    trig = doc.getModel().getEvent(0).getTrigger()
    assert libsbml.formulaToL3String(trig.getMath()) == "time >= 0" and not trig.getInitialValue()


@pytest.mark.parametrize("regimen, words", [
    ("stemcells(n=1)@0", ["product", "stemcells", "msc"]),
    ("msc(cells=-1,source=bm,allogeneic=0)@0", ["cells", "-1"]),
])
def test_bad_regimen_raises_and_writes_nothing(tmp_path, regimen, words):
    path = tmp_path / "knee.xml"
    path.write_text(SENTINEL)
    with pytest.raises(ValueError) as err:
        to_sbml(sim.Patient(), regimen, path)
    assert all(w in str(err.value) for w in words), str(err.value)
    assert path.read_text() == SENTINEL and sorted(os.listdir(tmp_path)) == ["knee.xml"]


def test_unwritable_path_raises_oserror_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "knee.xml"
    target.mkdir()  # a folder where the file should go: the final rename fails
    with pytest.raises(OSError):
        to_sbml(sim.Patient(), "none()@0", target)
    assert sorted(os.listdir(tmp_path)) == ["knee.xml"] and target.is_dir()


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("sim-export-sbml")
    if script.exists():
        return [str(script)]
    found = shutil.which("sim-export-sbml")
    return [found] if found else [sys.executable, "-m", "sim.cli.export_sbml_app"]


@pytest.mark.parametrize("args, words", [
    (["--regimen", "stemcells(n=1)@0"], ["product", "stemcells"]),
    (["--set", "k_recruitment=0.01"], ["k_recruitment"]),
    (["--set", "k_recruit=100"], ["k_recruit", "out of bounds"]),
    (["--kl-grade", "5"], ["kl_grade", "5"]),
    (["--out", "{tmp}/knee.xml/inside.xml"], ["--out", "cannot write"]),
])
def test_cli_bad_input_exits_2_with_the_field_named(tmp_path, args, words):
    (tmp_path / "knee.xml").write_text(SENTINEL)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "knee.xml")]
    run = subprocess.run(_cli() + args, capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, NUMBA_NUM_THREADS="1"))
    assert run.returncode == 2, run.stderr[-500:]
    assert run.stderr.startswith("sim-export-sbml: error: ")
    assert all(w in run.stderr for w in words), run.stderr[-500:]
    assert "Traceback" not in run.stderr and "wrote" not in run.stdout
    assert (tmp_path / "knee.xml").read_text() == SENTINEL and sorted(os.listdir(tmp_path)) == ["knee.xml"]


def test_cli_writes_a_readable_file(tmp_path):
    out = tmp_path / "sub" / "knee.xml"
    run = subprocess.run(_cli() + ["--regimen", "surgery(kind=microfracture)@0", "--off", "homing", "--out", str(out)],
                         capture_output=True, text=True, timeout=120, env=dict(os.environ, NUMBA_NUM_THREADS="1"))
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.strip().splitlines()[-1] == f"wrote {out}"
    model = libsbml.readSBMLFromFile(str(out)).getModel()
    assert model.getParameter("mech_homing").getValue() == 0.0
    assert sorted(os.listdir(out.parent)) == ["knee.xml"]
