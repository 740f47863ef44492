"""The knee model's specialised ensemble kernel: up to date, and bit-identical to the generic one."""

import numba
import numpy as np
import pytest

import sim
from sim.codegen import knee as codegen
from sim.codegen.kernel import integrator_sources
from sim.engine.compiled import KNEE
from sim.engine.generated import knee_kernel
from sim.simulation import DEFAULT_OPTIONS, build_inputs
from sim.solver import SolverInputError, problems, solve_ensemble
from sim.provenance import committed_hash, sources_hash

REGIMENS = ("msc(cells=5e7,source=ad,allogeneic=0)@0;ha(mg=30,form=linear)@0;prp(ml=5,leukocyte=poor)@30",
            "steroid(mg=40,drug=triamcinolone)@0;steroid(mg=40,drug=triamcinolone)@91",
            "surgery(kind=hto)@0;msc(cells=4e7,source=bm,allogeneic=0)@30")
TIMES = np.array([0.0, 1.0, 30.0, 91.0, 182.0, 365.0])


def _inputs():
    pts = [sim.Patient(kl_grade=2 + i % 3, age=48.0 + 4 * i, bmi=23.0 + i) for i in range(6)]
    return build_inputs(pts, [sim.Regimen.parse(REGIMENS[i % 3]) for i in range(6)], -181.0)


def test_generated_kernel_is_up_to_date():
    sources = integrator_sources() + list(codegen.KERNEL_DEPENDS_ON)
    assert committed_hash(codegen.KERNEL_FILE) == sources_hash(sources), \
        "knee_kernel.py is stale: run python -m sim.codegen"
    assert codegen.KERNEL_FILE.read_text(encoding="utf-8") == codegen.render_knee_kernel()


@pytest.mark.parametrize("options", [DEFAULT_OPTIONS, DEFAULT_OPTIONS.replace(rtol=1e-3, atol=1e-5)])
def test_specialised_kernel_is_bit_identical_to_generic(options):
    y0, p, ev = _inputs()
    kw = dict(t_out=TIMES, t0=-181.0, options=options)
    spec = KNEE.solve_ensemble(y0, p, *ev, **kw)
    gen = KNEE.solve_ensemble(y0, p, *ev, kernel=None, **kw)
    assert np.all(spec.ok)
    np.testing.assert_array_equal(spec.y, gen.y)
    for name in ("n_steps", "n_rejected", "n_rhs", "n_jac", "n_lu"):
        np.testing.assert_array_equal(getattr(spec, name), getattr(gen, name))


def test_specialised_kernel_threads_bit_identical():
    y0, p, ev = _inputs()
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = KNEE.solve_ensemble(y0, p, *ev, t_out=TIMES, t0=-181.0, options=DEFAULT_OPTIONS)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = KNEE.solve_ensemble(y0, p, *ev, t_out=TIMES, t0=-181.0, options=DEFAULT_OPTIONS)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.y, two.y)


def test_kernel_for_other_functions_is_refused():
    y0, p, ev = _inputs()
    with pytest.raises(SolverInputError, match="other model functions"):
        solve_ensemble(KNEE.rhs, problems.robertson_jac, y0, p, *ev, t_out=TIMES, t0=-181.0,
                       jac_sparsity=KNEE.jac_sparsity, linear_solver=KNEE.linear_solver,
                       kernel=knee_kernel)
    with pytest.raises(SolverInputError, match="kernel: must be a module"):
        KNEE.solve_ensemble(y0, p, *ev, t_out=TIMES, t0=-181.0, kernel=np)
