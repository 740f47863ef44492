"""The knee model for other tools: SBML Level 3 generated from the model's own right-hand side.

>>> import sim
>>> from sim.export import to_sbml
>>> to_sbml(patient=sim.Patient(kl_grade=3), regimen="msc(cells=1e8,source=bm,allogeneic=0)@0",
...         path="knee.xml")                                                   # doctest: +SKIP

The file holds one patient under one regimen: the patient's parameter values, the state at
the start of the untreated run-in, the right-hand side traced from ``rhs.py`` as rate rules,
and the regimen's dose jumps as events. SBML time 0 is study day ``t_start`` (``-run_in``);
the parameter ``study_day`` gives the study day at any time (see :mod:`sim.export.problem`).

Needs the ``sbml`` extra (python-libsbml, SymPy; libroadrunner for the agreement tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.export.problem import KneeProblem, build_problem
from sim.model.patient import Patient
from sim.regimen import Regimen

__all__ = ["to_sbml", "build_problem", "KneeProblem", "ExportResult"]


@dataclass(frozen=True)
class ExportResult:
    """Where the file went and what libSBML's consistency checks said (no errors, or it raises).

    Attributes
    ----------
    path : Path
    warnings : tuple of str
        Consistency warnings, one line each; a document with errors is never written.
    """

    path: Path
    warnings: tuple[str, ...]

    def __fspath__(self) -> str:
        return str(self.path)


def to_sbml(patient: Patient | None = None, regimen: Regimen | str = "none()@0",
            path: str | os.PathLike = "knee.xml", *, run_in: float = 180.0) -> ExportResult:
    """Write the knee model for ``patient`` under ``regimen`` as an SBML Level 3 file.

    Parameters
    ----------
    patient : Patient, optional
        The knee (species, covariates, parameter overrides); default ``Patient()``.
    regimen : str or Regimen
        What is injected when (grammar of :mod:`sim.regimen`).
    path : path-like
        Output file; written through a temporary file and renamed, so a failure leaves no
        half-written file and an existing file untouched.
    run_in : float
        Untreated days before day 0, as in :func:`sim.simulate` (days).

    Returns
    -------
    ExportResult
        The path written and libSBML's consistency warnings.

    Raises
    ------
    ValueError
        Bad patient, regimen or run-in (the message names the field and what is allowed).
    OSError
        ``path`` cannot be written.
    ImportError
        The ``sbml`` extra is not installed.
    """
    from sim import __version__
    from sim.export.formulas import rate_formulas
    from sim.model.symbolic import rhs_source_hash

    problem = build_problem(Patient() if patient is None else patient, regimen, run_in)
    try:
        import sympy  # noqa: F401  (traces rhs.py)

        from sim.export import sbml
    except ImportError as exc:
        raise ImportError(f"sim.export.to_sbml needs the sbml extra (pip install 'sim[sbml]'): {exc}") from exc

    pt = problem.patient
    description = [
        "In-silico knee osteoarthritis model of the sim package, exported for one patient and one regimen.",
        f"sim {__version__}; right-hand side traced from rhs.py (source-hash {rhs_source_hash()}).",
        f"Patient: species={pt.species}, kl_grade={pt.kl_grade}, age={pt.age:g}, bmi={pt.bmi:g}, "
        f"alignment_load={pt.alignment_load:g}, inflammation={pt.inflammation:g}"
        + (f", parameters={dict(pt.parameters)}" if pt.parameters else "") + ".",
        f"Regimen: {problem.regimen}.",
        f"Time: SBML time 0 is study day t_start = {problem.t_start:g} (start of a {problem.run_in:g}-day "
        "untreated run-in); study_day = time + t_start. Time unit: day.",
    ]
    doc = sbml.build_document(problem, rate_formulas(), description)
    errors, warnings = sbml.check(doc)
    if errors:
        raise sbml.SBMLBuildError("the exported model fails libSBML's consistency checks:\n" + "\n".join(errors))
    return ExportResult(sbml.write_atomic(doc, path), tuple(warnings))
