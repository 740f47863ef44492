"""The generated analytic Jacobian (``sim/engine/generated/jac_analytic.py``) against the model's ``rhs``.

* values: central finite differences at random states and parameters (drawn like the probes
  of :func:`sim.engine.jacobian.knee_sparsity`) and at states of simulated treated knees; the
  one-sided convention at kinks against forward differences at the healthy default state,
  which sits on many kinks (undosed products at 0, matrix at its capacity of 1);
* structure: the probed pattern is contained in ``JAC_PATTERN``; entries outside it are never
  written; ``JAC_INDPTR``/``JAC_INDICES`` are the pattern in compressed-column order;
* freshness: the recorded source hash matches ``rhs.py``/``layout.py`` (no SymPy needed), and,
  with SymPy installed, regenerating gives the committed text byte for byte.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.codegen import jacobian_source as jac_codegen
from sim.engine.generated import jac_analytic
from sim.engine.generated.jac_analytic import JAC_INDICES, JAC_INDPTR, JAC_NNZ, JAC_PATTERN, jac
from sim.engine.jacobian import knee_sparsity
from sim.model.parameters import PARAMETERS
from sim.model.rhs import rhs
from sim.model.states import STATE_NAMES, STATES, state_index
from sim.model.symbolic import rhs_source_hash
from sim.provenance import committed_hash

N = len(STATES)
P_DEFAULT = np.array([q.default for q in PARAMETERS])
Y_DEFAULT = np.array([s.default for s in STATES])

#: Agreement required with a converged finite difference, relative to the larger of the entry
#: and 1e-3 x its column's largest entry.
RTOL = 1e-5


def _f(y, p):
    out = np.empty(N)
    rhs(0.0, y, p, out)
    return out


def _analytic(y, p):
    J = np.zeros((N, N))
    assert jac(0.0, y, p, J) == 0
    return J


def _difference(y, p, j, h, kind):
    """Finite difference of ``rhs`` along ``y_j`` with the step actually represented."""
    yp, ym = y.copy(), y.copy()
    if kind == "central":
        yp[j] += h
        ym[j] -= h
    else:  # forward
        yp[j] += h
    return (_f(yp, p) - _f(ym, p)) / (yp[j] - ym[j])


def _converged_fd(y, p, j, rel_steps, kind, floor):
    """Finite-difference column ``j`` with a per-entry error estimate.

    Differences are taken for a decreasing sequence of steps; for each entry the estimate is
    the finer of the two consecutive steps that agree best, and the error estimate their
    difference. Truncation error shrinks with the step and rounding error grows, so the
    best-agreeing pair sits near the optimal step; a kink inside one step but not the other
    shows up as a large error estimate, and the entry is then not used.
    """
    # Steps relative to the state itself never cross the state's own clip at zero.
    base = abs(y[j]) if y[j] != 0.0 else floor
    steps = np.array(rel_steps) * base
    cols = np.array([_difference(y, p, j, h, kind) for h in steps])
    diffs = np.abs(np.diff(cols, axis=0))  # (n_steps - 1, N)
    best = np.argmin(diffs, axis=0)
    rows = np.arange(N)
    # Rounding floor: a step too small to change ``rhs`` gives zero differences that agree
    # perfectly; the rounding error of ``rhs`` divided by the step says they mean nothing.
    rounding = 8.0 * np.finfo(float).eps * np.abs(_f(y, p))[None, :] / steps[:, None]
    return cols[best + 1, rows], diffs[best, rows] + rounding[best + 1, rows]


def _compare(y, p, rel_steps=(1e-3, 1e-4, 1e-5, 1e-6), kind="central", columns=None,
             rtol=RTOL, floor=1.0):
    """Compare ``jac`` with converged differences; return (checked mask, worst error, details)."""
    J = _analytic(y, p)
    checked = np.zeros((N, N), dtype=bool)
    worst, bad = 0.0, []
    for j in range(N) if columns is None else columns:
        fd, err = _converged_fd(y, p, j, rel_steps, kind, floor)
        if not (np.all(np.isfinite(fd)) and np.all(np.isfinite(J[:, j]))):
            continue
        scale = max(np.max(np.abs(fd)), np.max(np.abs(J[:, j])), 1e-300)
        tol = rtol * np.maximum(np.abs(fd), 1e-3 * scale)
        ok = err <= 0.1 * tol  # difference converged well below the tolerance
        checked[:, j] = ok
        rel = np.abs(J[:, j] - fd) / np.maximum(np.abs(fd), 1e-3 * scale)
        for i in np.flatnonzero(ok & (rel > rtol)):
            bad.append(f"d {STATE_NAMES[i]} / d {STATE_NAMES[j]}: jac {J[i, j]:.10g}, fd {fd[i]:.10g}")
        if np.any(ok):
            worst = max(worst, float(np.max(rel[ok])))
    return checked, worst, bad


def _probe_points(n_points, seed):
    """States and parameters drawn as :func:`knee_sparsity` draws its probes."""
    rng = np.random.default_rng(seed)
    m = len(PARAMETERS)
    scale = np.array([min(max(abs(s.default), 1.0) * 3.0, s.upper) for s in STATES])
    ys = rng.uniform(0.0, 1.0, (n_points, N)) * scale
    ys[n_points // 2:] *= 30.0 ** rng.uniform(-1.0, 1.0, (n_points - n_points // 2, N))
    lo = np.array([q.lower for q in PARAMETERS])
    hi = np.array([q.upper for q in PARAMETERS])
    ps = np.where(P_DEFAULT != 0.0, P_DEFAULT * rng.uniform(0.5, 1.5, (n_points, m)),
                  rng.uniform(0.0, 1.0, (n_points, m)) * np.minimum(hi, 1.0))
    return ys, np.clip(ps, lo, hi)


# --------------------------------------------------------------------------- values

def test_matches_central_differences_at_random_points():
    ys, ps = _probe_points(40, seed=7)
    covered = np.zeros((N, N), dtype=bool)
    n_checked = n_possible = 0
    worst, bad = 0.0, []
    for y, p in zip(ys, ps):
        if not np.all(np.isfinite(_f(y, p))):
            continue
        checked, w, b = _compare(y, p)
        covered |= checked & JAC_PATTERN
        n_checked += int(np.sum(checked & JAC_PATTERN))
        n_possible += JAC_NNZ
        worst, bad = max(worst, w), bad + b
    assert not bad, "analytic Jacobian disagrees with finite differences:\n" + "\n".join(bad[:20])
    # The test must not pass by skipping: differences converge for nearly all entries, and
    # every entry of the pattern is checked somewhere.
    assert n_checked >= 0.9 * n_possible, f"only {n_checked}/{n_possible} entries checked"
    missed = [(STATE_NAMES[i], STATE_NAMES[j]) for i, j in np.argwhere(JAC_PATTERN & ~covered)]
    assert not missed, f"entries never checked: {missed}"
    assert worst <= RTOL


LOAD_FACTOR = state_index("load_factor")


@pytest.fixture(scope="module")
def simulated_points():
    """States along simulated treated knees at their calibrated default parameters."""
    from sim import Patient, simulate

    cases = [
        (Patient(kl_grade=3), "msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0"),
        (Patient(kl_grade=4, inflammation=2.0),
         "steroid(mg=40,drug=triamcinolone)@0;ha(mg=60,form=crosslinked)@7"),
        (Patient(kl_grade=2), "none()@0"),
    ]
    times = [0.5, 3.0, 14.0, 90.0, 365.0]
    pts = []
    for patient, regimen in cases:
        res = simulate(patient, regimen, times=times)
        assert np.all(res.status == 0)
        for k in range(len(times)):
            pts.append((np.ascontiguousarray(res.states[0, k]), np.ascontiguousarray(res.parameters[0])))
    return pts


@pytest.mark.slow
def test_matches_central_differences_on_simulated_trajectories(simulated_points):
    bad, worst, n_checked, n_possible = [], 0.0, 0, 0
    for y, p in simulated_points:
        # A state sitting exactly at 0 (a product not given) is a kink of its own clip; the
        # one-sided value there is checked by the forward-difference test below. A dose tail
        # within 1e-4 of zero (the solver resolves a dosed compartment relative to its dose) is
        # left out too: steps below 1e-3 of the state change rhs by less than the rounding of
        # its largest terms (clearances up to ~130/day) allows to resolve to RTOL, and larger
        # ones would cross the clip.
        # The load factor of a knee without surgery sits exactly at 1, the kink where unloading
        # starts resident repair; like a state at 0, it is checked one-sidedly below.
        cols = [j for j in range(N) if abs(y[j]) > 1e-4 and not (j == LOAD_FACTOR and y[j] == 1.0)]
        checked, w, b = _compare(y, p, columns=cols)
        n_checked += int(np.sum(checked[:, cols] & JAC_PATTERN[:, cols]))
        n_possible += int(np.sum(JAC_PATTERN[:, cols]))
        worst, bad = max(worst, w), bad + b
    assert not bad, "analytic Jacobian disagrees with finite differences:\n" + "\n".join(bad[:20])
    assert n_checked >= 0.9 * n_possible, f"only {n_checked}/{n_possible} entries checked"
    assert worst <= RTOL


def test_kinks_take_the_forward_difference_limit():
    """At the healthy, untreated default state many clips sit exactly on their kink.

    The generated code promises the one-sided derivative in the direction of increasing
    ``y_j`` there (``d/dx max(x, 0) = 1`` at 0, ``d/dx max(1 - x, 0) = 0`` at 1), i.e. the limit
    of a forward difference.
    """
    y, p = Y_DEFAULT.copy(), P_DEFAULT.copy()
    checked, worst, bad = _compare(y, p, rel_steps=(1e-5, 1e-6, 1e-7, 1e-8), kind="forward",
                                   rtol=1e-4)
    assert not bad, "one-sided derivative differs from forward differences:\n" + "\n".join(bad[:20])
    assert np.sum(checked & JAC_PATTERN) >= 0.9 * JAC_NNZ
    # The state really is on kinks: central differences there disagree with ``jac``.
    _, _, central_bad = _compare(y, p)
    assert central_bad, "default state is expected to sit on kinks of the clips"


def test_zero_states_use_the_right_derivative_of_their_clip():
    """Undosed products sit at exactly 0, where ``_pos(y)`` has slope 1 to the right."""
    y, p = Y_DEFAULT.copy(), P_DEFAULT.copy()
    J = _analytic(y, p)
    for name in ("il6", "prp_factors", "msc_dead", "secretome", "steroid", "pge2"):
        j = STATE_NAMES.index(name)
        if y[j] != 0.0:
            continue
        yp = y.copy()
        yp[j] = 1e-9
        np.testing.assert_allclose(J[:, j], _analytic(yp, p)[:, j], rtol=1e-6, atol=1e-12,
                                   err_msg=f"column {name}: value at 0 is not the right limit")


# --------------------------------------------------------------------------- structure

def test_probed_pattern_is_contained_in_symbolic_pattern():
    probed = knee_sparsity()
    missing = [(STATE_NAMES[i], STATE_NAMES[j]) for i, j in np.argwhere(probed & ~JAC_PATTERN)]
    extra = [(STATE_NAMES[i], STATE_NAMES[j]) for i, j in np.argwhere(JAC_PATTERN & ~probed)]
    assert not missing, f"probed entries absent from JAC_PATTERN: {missing}"
    # Entries in the symbolic pattern that probing never saw are allowed (a superset only costs
    # speed); they are listed here so that a change shows up in a verbose run.
    print(f"JAC_PATTERN {JAC_PATTERN.sum()} entries, probed {probed.sum()}, symbolic only: {extra}")


def test_pattern_arrays_are_consistent_and_read_only():
    assert JAC_PATTERN.shape == (N, N) and JAC_PATTERN.dtype == np.bool_
    assert np.all(np.diag(JAC_PATTERN)), "the iteration matrix needs the full diagonal"
    assert JAC_PATTERN.sum() == JAC_NNZ == JAC_INDPTR[-1] == JAC_INDICES.size
    rows, cols = np.nonzero(JAC_PATTERN.T)  # column-major order of the pattern
    np.testing.assert_array_equal(JAC_INDICES, cols)
    np.testing.assert_array_equal(np.diff(JAC_INDPTR), np.bincount(rows, minlength=N))
    for a in (JAC_PATTERN, JAC_INDPTR, JAC_INDICES):
        with pytest.raises(ValueError):
            a[0] = a[0]


@pytest.mark.parametrize("seed", [0, 1])
def test_entries_outside_the_pattern_are_left_untouched(seed):
    ys, ps = _probe_points(2, seed=seed)
    for y, p in zip(ys, ps):
        sentinel = -1.2345e300
        J = np.full((N, N), sentinel)
        assert jac(0.0, y, p, J) == 0
        assert np.all(J[~JAC_PATTERN] == sentinel)
        assert np.all(J[JAC_PATTERN] != sentinel), "an entry of the pattern was not written"
        assert np.all(np.isfinite(J[JAC_PATTERN]))


# --------------------------------------------------------------------------- freshness

def test_generated_file_records_current_source_hash():
    current = rhs_source_hash()
    assert committed_hash(jac_codegen.TARGET) == current == jac_analytic.SOURCE_HASH, \
        "sim/engine/generated/jac_analytic.py is stale: run python -m sim.codegen"


def test_regeneration_reproduces_committed_file():
    pytest.importorskip("sympy")
    text = jac_codegen.TARGET.read_text(encoding="utf-8")
    assert text == jac_codegen.render(), \
        "sim/engine/generated/jac_analytic.py differs from a fresh generation: run python -m sim.codegen"
