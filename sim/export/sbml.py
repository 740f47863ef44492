"""Build, check and write the SBML document (the only module that imports libsbml).

Layout of the exported model (SBML Level 3 Version 2, no compartments or reactions):

* every parameter of :data:`sim.model.parameters.PARAMETERS` is a constant ``parameter`` with
  the patient's value, its unit, and notes giving description, table default, bounds and
  source;
* ``pos``, ``max2`` and ``min2`` are function definitions for the kernel's kinks;
* every state of :data:`sim.model.states.STATES` is a non-constant ``parameter`` with the
  initial value of the run-in, its unit, notes, and a ``rateRule`` whose math is traced from
  ``rhs.py`` (:mod:`sim.export.formulas`);
* ``t_start`` (constant, days) is the study day at SBML time 0 and ``study_day`` (assignment
  rule ``time + t_start``) the study day at any time;
* each study day with dose or induction jumps is one ``event`` triggered at
  ``time >= day - t_start`` whose assignments are the composed jumps ``x -> mul*x + add``.

States are parameters rather than species because they are not amounts in a compartment
(fractions of healthy tissue, multiples of a healthy level, counts of millions of cells);
rate rules then carry the kernel's right-hand side unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

import libsbml

from sim.atomic import write_text_atomic
from sim.export.formulas import KINK_FUNCTIONS, T_START, RateFormulas
from sim.export.problem import KneeProblem
from sim.export.units import UNIT_DEFINITIONS, unit_id
from sim.model.parameters import PARAMETERS
from sim.model.states import STATES

LEVEL, VERSION = 3, 2
MODEL_ID = "knee_oa"
STUDY_DAY = "study_day"


class SBMLBuildError(RuntimeError):
    """libSBML refused an element or the document failed its consistency checks."""


def _ok(code: int, what: str) -> None:
    if code != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise SBMLBuildError(f"{what}: {libsbml.OperationReturnValue_toString(code)}")


def _notes(element, lines: list[str]) -> None:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    _ok(element.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'), "notes")


def _math(model, formula: str, what: str):
    ast = libsbml.parseL3FormulaWithModel(formula, model)
    if ast is None:
        raise SBMLBuildError(f"{what}: cannot parse {formula[:200]!r}: {libsbml.getLastParseL3Error()}")
    return ast


def _add_units(model) -> None:
    for uid, parts in UNIT_DEFINITIONS.items():
        ud = model.createUnitDefinition()
        _ok(ud.setId(uid), f"unit {uid}")
        for kind, exponent, scale, multiplier in parts:
            u = ud.createUnit()
            _ok(u.setKind(libsbml.UnitKind_forName(kind)), f"unit {uid}")
            _ok(u.setExponent(float(exponent)), f"unit {uid}")
            _ok(u.setScale(int(scale)), f"unit {uid}")
            _ok(u.setMultiplier(float(multiplier)), f"unit {uid}")
    _ok(model.setTimeUnits("day"), "model time units")


def _parameter(model, pid: str, value: float, constant: bool, unit_text: str, notes: list[str]):
    par = model.createParameter()
    _ok(par.setId(pid), f"parameter {pid}")
    _ok(par.setValue(float(value)), f"parameter {pid}")
    _ok(par.setConstant(constant), f"parameter {pid}")
    uid = unit_id(unit_text)
    if uid is not None:
        _ok(par.setUnits(uid), f"parameter {pid} units")
    _notes(par, notes)
    return par


def _fmt(x: float) -> str:
    return repr(float(x)) if x >= 0 else f"({float(x)!r})"


def build_document(problem: KneeProblem, formulas: RateFormulas, description: list[str]) -> libsbml.SBMLDocument:
    """The SBML document of ``problem`` with rate rules ``formulas``.

    Parameters
    ----------
    problem : KneeProblem
        Patient values, initial state, start day and composed jumps.
    formulas : RateFormulas
        dy/dt of each state as L3 infix text, shape (n_states,).
    description : list of str
        Paragraphs for the model's notes (what was exported, from which model version).
    """
    doc = libsbml.SBMLDocument(LEVEL, VERSION)
    model = doc.createModel()
    _ok(model.setId(MODEL_ID), "model id")
    _ok(model.setName("Knee osteoarthritis under intra-articular treatment"), "model name")
    _notes(model, description)
    _add_units(model)
    for fid, (args, body) in KINK_FUNCTIONS.items():
        fd = model.createFunctionDefinition()
        _ok(fd.setId(fid), f"function {fid}")
        _ok(fd.setMath(_math(model, f"lambda({', '.join(args)}, {body})", f"function {fid}")), f"function {fid}")

    for q, value in zip(PARAMETERS, problem.p):
        _parameter(model, q.name, value, True, q.unit, [
            q.description, f"unit: {q.unit}", f"table default: {q.default:g}; bounds [{q.lower:g}, {q.upper:g}]",
            f"source: {q.source}"])
    _parameter(model, T_START, problem.t_start, True, "day",
               ["Study day at SBML time 0 (start of the untreated run-in); study day = time + t_start"])
    _parameter(model, STUDY_DAY, problem.t_start, False, "day", ["Study day (day 0 = first day of the study)"])
    rule = model.createAssignmentRule()
    _ok(rule.setVariable(STUDY_DAY), "study_day rule")
    _ok(rule.setMath(_math(model, f"time + {T_START}", "study_day")), "study_day rule")

    for q, value in zip(STATES, problem.y0):
        _parameter(model, q.name, value, False, q.unit, [
            q.description, f"unit: {q.unit}", f"healthy-knee default: {q.default:g}; bounds [{q.lower:g}, {q.upper:g}]",
            f"source: {q.source}"])
    for q, formula in zip(STATES, formulas.rates):
        rr = model.createRateRule()
        _ok(rr.setVariable(q.name), f"rate rule {q.name}")
        _ok(rr.setMath(_math(model, formula, f"rate rule {q.name}")), f"rate rule {q.name}")

    for n, jumps in enumerate(problem.jumps):
        ev = model.createEvent()
        _ok(ev.setId(f"day_{n}"), "event id")
        _ok(ev.setName(f"study day {jumps.day:g}"), "event name")
        _ok(ev.setUseValuesFromTriggerTime(True), "event")
        trig = ev.createTrigger()
        # initialValue false: an event at SBML time 0 (a dose on the first day of a run
        # without run-in) fires at the start, as the solver applies jumps at t0.
        _ok(trig.setInitialValue(False), "trigger")
        _ok(trig.setPersistent(True), "trigger")
        _ok(trig.setMath(_math(model, f"time >= {_fmt(jumps.day - problem.t_start)}", "trigger")), "trigger")
        lines = []
        for k, mul, add in jumps.changes:
            name = STATES[k].name
            if mul == 0.0:
                formula = _fmt(add)
            elif mul == 1.0:
                formula = f"{name} + {_fmt(add)}"
            else:
                formula = f"{name} * {_fmt(mul)} + {_fmt(add)}"
            ea = ev.createEventAssignment()
            _ok(ea.setVariable(name), f"event assignment {name}")
            _ok(ea.setMath(_math(model, formula, f"event assignment {name}")), f"event assignment {name}")
            lines.append(f"{name} -> {formula}")
        _notes(ev, [f"Jumps of study day {jumps.day:g} (regimen or disease induction):", *lines])
    return doc


def check(doc: libsbml.SBMLDocument) -> tuple[list[str], list[str]]:
    """Run libSBML's full consistency checks (including units).

    Returns
    -------
    errors, warnings : list of str
        One line per failure of severity error/fatal, and per warning or information.
    """
    doc.checkConsistency()
    errors, warnings = [], []
    for i in range(doc.getNumErrors()):
        err = doc.getError(i)
        line = f"{err.getSeverityAsString()} {err.getErrorId()} (line {err.getLine()}): {err.getShortMessage()}"
        (errors if err.isError() or err.isFatal() else warnings).append(line)
    return errors, warnings


def write_atomic(doc: libsbml.SBMLDocument, path: str | os.PathLike) -> Path:
    """Write ``doc`` to ``path`` through a temporary file in the same folder.

    The folder is created if missing (as for ``result.h5``); on any error the temporary file
    is removed and an existing ``path`` is left untouched. ``OSError`` propagates.
    """
    text = libsbml.writeSBMLToString(doc)
    if not text:
        raise SBMLBuildError("libSBML returned an empty document")
    return write_text_atomic(path, text)
