"""One knee under one regimen as a self-contained initial-value problem with dose events.

The export does not translate regimens itself: it calls the path that :func:`sim.simulate`
runs (:func:`sim.simulation.start_day` and :func:`sim.simulation.build_inputs`), so the
patient's parameters, the regimen's parameter overlay (MSC potency, allogeneic share), species
disease induction and every dose jump are the ones the solver sees.

Time. ``simulate`` integrates from the study day ``t_start`` (``-run_in``, or earlier when a
regimen or an induction starts before the run-in) with the patient's initial state, and
reports days >= 0. An exported model starts at SBML time 0 with that same initial state, so
SBML time ``s`` is study day ``s + t_start`` and a dose on study day ``d`` fires at
``d - t_start``. The run-in is thus part of the exported model rather than a precomputed
state, and the file reproduces ``simulate`` without any numerical input from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.patient import Patient
from sim.regimen import Regimen


@dataclass(frozen=True)
class Jumps:
    """All state jumps of one study day, composed per state.

    Attributes
    ----------
    day : float
        Study day (days; may be negative for events during the run-in).
    changes : tuple of (int, float, float)
        ``(state index, mul, add)``: the state becomes ``state * mul + add``. Each state
        appears once; several jumps of one state on one day are composed in the order the
        solver applies them, so applying all changes at once (as an SBML event does) gives
        the solver's result.
    """

    day: float
    changes: tuple[tuple[int, float, float], ...]


@dataclass(frozen=True)
class KneeProblem:
    """What an exported model contains.

    Attributes
    ----------
    patient : Patient
    regimen : Regimen
    run_in : float
        Untreated days before day 0 (days).
    t_start : float
        Study day at which integration starts (days); SBML time 0.
    y0 : float64[n_states]
        State at ``t_start`` in the units of :data:`sim.model.states.STATES`.
    p : float64[n_parameters]
        Parameter values in the units of :data:`sim.model.parameters.PARAMETERS`.
    jumps : tuple of Jumps
        Dose and induction events, sorted by day.
    """

    patient: Patient
    regimen: Regimen
    run_in: float
    t_start: float
    y0: np.ndarray
    p: np.ndarray
    jumps: tuple[Jumps, ...]


def build_problem(patient: Patient, regimen: Regimen | str, run_in: float = 180.0) -> KneeProblem:
    """The initial state, parameters and dose events that ``simulate`` would integrate.

    Parameters
    ----------
    patient : Patient
    regimen : str or Regimen
        Regimen grammar of :mod:`sim.regimen`; unknown products or bad amounts raise
        ``ValueError`` (:class:`sim.regimen.RegimenError`) naming the field.
    run_in : float
        Untreated days before day 0, as in :func:`sim.simulate` (days, >= 0).

    Returns
    -------
    KneeProblem
    """
    from sim.simulation import build_inputs, start_day

    if not isinstance(patient, Patient):
        raise ValueError(f"patient: expected a sim.Patient, got {type(patient).__name__}")
    if isinstance(run_in, bool) or not isinstance(run_in, (int, float)) or not math.isfinite(run_in) \
            or run_in < 0:
        raise ValueError(f"run_in: {run_in!r} is not allowed; allowed: a finite number of days >= 0")
    regimen = regimen if isinstance(regimen, Regimen) else Regimen.parse(str(regimen))
    t_start = start_day([patient], [regimen], float(run_in))
    y0, p, (ev_t, ev_idx, ev_mul, ev_add) = build_inputs([patient], [regimen], t_start)
    return KneeProblem(patient, regimen, float(run_in), float(t_start), y0[0].copy(), p[0].copy(),
                       _compose(ev_t[0], ev_idx[0], ev_mul[0], ev_add[0]))


def _compose(ev_t, ev_idx, ev_mul, ev_add) -> tuple[Jumps, ...]:
    """Group the solver's event rows by day and compose repeated jumps of one state.

    The solver applies rows in order and, within a row, slots in order; two affine maps of
    one state compose as ``(m2, a2) o (m1, a1) = (m2*m1, m2*a1 + a2)``.
    """
    days: dict[float, dict[int, tuple[float, float]]] = {}
    for e in range(ev_t.shape[0]):
        if not np.isfinite(ev_t[e]):  # +inf pads unused rows
            continue
        per_state = days.setdefault(float(ev_t[e]), {})
        for k, m, a in zip(ev_idx[e], ev_mul[e], ev_add[e]):
            if k < 0:
                continue
            m1, a1 = per_state.get(int(k), (1.0, 0.0))
            per_state[int(k)] = (float(m) * m1, float(m) * a1 + float(a))
    out = []
    for day in sorted(days):
        changes = tuple((k, m, a) for k, (m, a) in sorted(days[day].items()) if not (m == 1.0 and a == 0.0))
        if changes:
            out.append(Jumps(day, changes))
    return tuple(out)
