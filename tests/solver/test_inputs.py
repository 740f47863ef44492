"""Bad input raises SolverInputError (a ValueError) naming the field."""

import numpy as np
import pytest
from models import decay_jac, decay_rhs

from sim.solver import SolverInputError, SolverOptions, solve_ensemble


def _good():
    return dict(y0=np.ones((2, 1)), p=np.ones((2, 1)), ev_t=np.array([[0.5], [np.inf]]),
                ev_idx=np.array([[[0]], [[-1]]]), ev_mul=np.ones((2, 1, 1)),
                ev_add=np.ones((2, 1, 1)), t_out=np.array([0.0, 1.0]))


def test_good_input_runs():
    assert solve_ensemble(decay_rhs, decay_jac, **_good()).ok.all()


@pytest.mark.parametrize(("field", "value"), [
    ("y0", np.ones(2)),
    ("y0", np.array([[1.0], [np.nan]])),
    ("y0", np.array([["a"], ["b"]])),
    ("p", np.ones((3, 1))),
    ("p", np.array([[1.0], [np.inf]])),
    ("t_out", np.array([1.0, 0.0])),
    ("t_out", np.array([-1.0, 1.0])),
    ("t_out", np.array([])),
    ("ev_t", np.array([[np.inf], [0.5], [1.0]])),
    ("ev_t", np.array([[np.nan], [0.5]])),
    ("ev_t", np.array([[-0.5], [0.5]])),
    ("ev_idx", np.array([[[3]], [[-1]]])),
    ("ev_idx", np.array([[[0.0]], [[-1.0]]])),
    ("ev_mul", np.ones((2, 1, 2))),
    ("ev_add", np.array([[[np.nan]], [[0.0]]])),
])
def test_bad_arrays_name_the_field(field, value):
    kw = _good()
    kw[field] = value
    with pytest.raises(SolverInputError, match=field.split("_")[0]):
        solve_ensemble(decay_rhs, decay_jac, **kw)


def test_unsorted_events_and_partial_events():
    kw = _good()
    kw["ev_t"] = np.array([[0.5, 0.2], [np.inf, np.inf]])
    kw["ev_idx"] = np.zeros((2, 2, 1), dtype=int)
    kw["ev_mul"] = kw["ev_add"] = np.ones((2, 2, 1))
    with pytest.raises(SolverInputError, match="ev_t: .*sorted"):
        solve_ensemble(decay_rhs, decay_jac, **kw)
    kw = _good()
    del kw["ev_add"]
    with pytest.raises(SolverInputError, match="all four"):
        solve_ensemble(decay_rhs, decay_jac, **kw)


@pytest.mark.parametrize(("change", "field"), [
    (dict(rtol=0.0), "rtol"), (dict(rtol=2.0), "rtol"), (dict(atol=-1.0), "atol"),
    (dict(atol=[1e-6, 1e-6]), "atol"), (dict(h_max=0.0), "h_max"), (dict(max_steps=0), "max_steps"),
    (dict(max_steps=2.5), "max_steps"), (dict(method="rk4"), "method"), (dict(h0=-1.0), "h0"),
    (dict(autonomous="yes"), "autonomous"), (dict(bogus=1), "bogus"),
])
def test_bad_options_name_the_field(change, field):
    with pytest.raises(SolverInputError, match=field):
        solve_ensemble(decay_rhs, decay_jac, **_good(), **change)


def test_options_validation_and_errors_are_value_errors():
    with pytest.raises(ValueError, match="rtol"):
        SolverOptions(rtol=float("nan"))
    assert SolverOptions(atol=np.array([1.0, 2.0])).atol == (1.0, 2.0)


def test_rhs_must_be_njit_function():
    with pytest.raises(SolverInputError, match="rhs"):
        solve_ensemble(lambda t, y, p, f: None, decay_jac, **_good())
