"""The generated straight-line sparse LU against the generic static LU it is written from."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from sim.solver import SolverInputError, solve_ensemble
from sim.codegen.lu import render_lu_module
from sim.solver.linalg import pattern_hash, static_lu_factor, static_lu_plan, static_lu_solve
from models import decay_rhs


def _random_pattern(n: int, density: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((n, n)) < density) | np.eye(n, dtype=bool)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated LU for a random 12 x 12 pattern, imported from a temporary file."""
    pat = _random_pattern(12, 0.3, 7)
    path = tmp_path_factory.mktemp("lu") / "lu12_generated.py"
    path.write_text(render_lu_module(pat, title="Test LU.", regenerate="tests"))
    spec = importlib.util.spec_from_file_location("lu12_generated", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["lu12_generated"] = mod
    spec.loader.exec_module(mod)
    yield pat, mod
    sys.modules.pop("lu12_generated", None)


def test_generated_lu_matches_static_lu_bit_for_bit(generated):
    pat, mod = generated
    n = pat.shape[0]
    plan = static_lu_plan(pat)
    rng = np.random.default_rng(3)
    accepted = 0
    for trial in range(200):
        J = np.where(pat, rng.normal(size=(n, n)) * 10.0 ** rng.uniform(-3, 3, (n, n)), 0.0)
        diag = 10.0 ** rng.uniform(-2, 4)
        v_static, v_gen, work = np.zeros(n * n), np.zeros(n * n), np.empty(n)
        code_static = static_lu_factor(J, diag, plan, v_static, work)
        code_gen = mod.lu_factor(J.reshape(-1), diag, v_gen)
        assert code_gen == code_static, trial  # same growth decision
        if code_static:
            continue
        accepted += 1
        dslots = set(plan[3].tolist())  # pivots are used through their reciprocals only
        keep = [q for q in range(mod.VAL_SIZE) if q not in dslots]
        assert np.array_equal(v_static[keep], v_gen[keep])
        b = rng.normal(size=n)
        x_static, x_gen = b.copy(), b.copy()
        static_lu_solve(v_static, plan, x_static, work)
        mod.lu_solve(v_gen, x_gen)
        assert np.array_equal(x_static, x_gen)
        A = diag * np.eye(n) - J
        assert np.allclose(A @ x_gen, b, rtol=1e-6, atol=1e-8 * np.abs(b).max())
    assert 50 < accepted < 200  # both branches were exercised


def test_generated_lu_rejects_growth_like_static(generated):
    pat, mod = generated
    n = pat.shape[0]
    # A tiny pivot under large off-diagonal entries: the static LU refuses, so must this one.
    plan = static_lu_plan(pat)
    k = int(plan[0][0])
    J = np.where(pat, 1e6, 0.0)
    J[k, k] = 1.0
    diag = 1.0 + 1e-12
    assert static_lu_factor(J, diag, plan, np.zeros(n * n), np.empty(n)) == 1
    assert mod.lu_factor(J.reshape(-1), diag, np.zeros(n * n)) == 1


def test_pattern_hash_includes_shape_and_entries():
    a = _random_pattern(6, 0.3, 1)
    b = a.copy()
    b[0, 5] = not b[0, 5]
    assert pattern_hash(a) != pattern_hash(b)
    assert pattern_hash(a) == pattern_hash(a.copy())


def test_linear_solver_must_match_the_pattern(generated):
    pat, mod = generated
    n = pat.shape[0]
    y0 = np.ones((1, n))
    p = np.full((1, n), 0.5)
    other = _random_pattern(n, 0.3, 8)
    with pytest.raises(SolverInputError, match="different sparsity pattern"):
        solve_ensemble(decay_rhs, None, y0, p, t_out=np.array([1.0]), jac_sparsity=other,
                       linear_solver=mod)
    with pytest.raises(SolverInputError, match="requires jac_sparsity"):
        solve_ensemble(decay_rhs, None, y0, p, t_out=np.array([1.0]), linear_solver=mod)
    with pytest.raises(SolverInputError, match="linear_solver: must be a module"):
        solve_ensemble(decay_rhs, None, y0, p, t_out=np.array([1.0]), jac_sparsity=pat,
                       linear_solver=object())


def test_knee_lu_was_generated_for_the_knee_pattern():
    from sim.engine.compiled import KNEE
    from sim.engine.generated import knee_lu

    assert knee_lu.PATTERN_HASH == pattern_hash(KNEE.jac_sparsity | np.eye(KNEE.n_states, dtype=bool))


def test_knee_lu_file_is_a_fresh_generation():
    from pathlib import Path

    from sim.codegen.knee import render_knee_lu
    from sim.engine.generated import knee_lu
    from sim.engine.generated.jac_analytic import JAC_PATTERN

    assert Path(knee_lu.__file__).read_text() == render_knee_lu(JAC_PATTERN), \
        "knee_lu.py is stale: run python -m sim.codegen"
