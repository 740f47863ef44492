"""Field solver: analytic profiles, mass balance, stability limit."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.lesion.fields import FieldSolver, StabilityError
from sim.lesion.geometry import BONE, CARTILAGE, FLUID


def _solver(tissue, D=1.0, k=0.0, dx=0.05, rel_bone=1.0):
    return FieldSolver(np.asarray(tissue, dtype=np.int64), dx, [D], [k], rel_D_bone=rel_bone,
                       names=["c"])


def test_point_release_spreads_with_exact_variance():
    # Explicit five-point diffusion of a point mass on an open lattice has variance growing
    # exactly 2 D t per axis (the random-walk identity), and a Gaussian shape.
    n, dx, D = 81, 0.05, 1.0
    s = _solver(np.full((n, n), CARTILAGE), D=D, dx=dx)
    dt = 0.5 * s.stable_substep(0)
    c = np.zeros((1, n, n))
    c[0, n // 2, n // 2] = 1.0
    steps = 100
    for _ in range(steps):
        s.step(c, np.zeros_like(c), [0.0], dt, 1)
    x = (np.arange(n) - n // 2) * dx
    mass = c[0].sum()
    var_x = (c[0].sum(axis=0) * x**2).sum() / mass
    t = steps * dt
    assert mass == pytest.approx(1.0, rel=1e-12)
    assert var_x == pytest.approx(2 * D * t, rel=1e-9)
    gauss = np.exp(-x**2 / (4 * D * t)) / math.sqrt(4 * math.pi * D * t) * dx
    assert np.max(np.abs(c[0].sum(axis=0) - gauss)) < 0.02 * gauss.max()


def test_steady_profile_below_fluid_matches_cosh():
    # Column of tissue under joint fluid held at 1, closed at the bottom, decay k:
    # c(z) = cosh((L - z) / l) / cosh(L / l) with l = sqrt(D / k).
    ny, dx, D, k = 41, 0.025, 1.0, 20.0
    tissue = np.full((ny, 3), CARTILAGE)
    tissue[0] = FLUID
    s = _solver(tissue, D=D, k=k, dx=dx)
    c = np.zeros((1, ny, 3))
    dt = 0.02
    for _ in range(200):
        s.step(c, np.zeros_like(c), [1.0], dt, s.substeps_needed(dt))
    # Fluid voxel centre is the boundary; the closed bottom face sits half a voxel below the
    # last centre.
    z = np.arange(ny) * dx
    L = (ny - 0.5) * dx
    ell = math.sqrt(D / k)
    exact = np.cosh((L - z) / ell) / np.cosh(L / ell)
    assert np.max(np.abs(c[0, :, 1] - exact)) < 5e-3


@settings(max_examples=25, deadline=None)
@given(k=st.floats(0.0, 50.0), src=st.floats(0.0, 10.0), n_sub=st.integers(1, 5),
       seed=st.integers(0, 2**16))
def test_mass_balance_with_secretion_and_decay(k, src, n_sub, seed):
    # Closed domain (no fluid): total changes only by secretion and decay.
    rng = np.random.default_rng(seed)
    tissue = np.full((12, 9), CARTILAGE)
    tissue[8:] = BONE
    s = _solver(tissue, D=0.5, k=k, dx=0.05, rel_bone=0.3)
    c = rng.random((1, 12, 9))
    sources = np.zeros_like(c)
    sources[0, 3, 4] = src
    dt = n_sub * s.stable_substep(0)
    total = c.sum()
    h = dt / n_sub
    for _ in range(n_sub):
        total = total * math.exp(-k * h) + src * h
    s.step(c, sources, [0.0], dt, n_sub)
    assert c.sum() == pytest.approx(total, rel=1e-11, abs=1e-12)
    assert np.all(c >= 0)


def test_substep_beyond_stability_limit_is_refused():
    s = _solver(np.full((5, 5), CARTILAGE), D=1.0, dx=0.05)
    dt = 3.0 * s.stable_substep(0)
    c = np.zeros((1, 5, 5))
    with pytest.raises(StabilityError, match="stability limit.*n_substeps >= 3"):
        s.step(c, c.copy(), [0.0], dt, 1)
    s.step(c, c.copy(), [0.0], dt, s.substeps_needed(dt))
