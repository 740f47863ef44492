"""Integrate many independent patients in parallel, and in chunks with a reduction callback.

The model provides two plain module-level ``@njit(cache=True)`` functions::

    rhs(t, y, p, dydt)   # t float64 (days), y float64[n], p float64[m]; writes dydt[n]
    jac(t, y, p, J)      # writes the dense Jacobian d(dydt)/dy into J[n, n]

returning nothing or an integer status (0 = fine). ``jac=None`` selects a finite-difference
Jacobian: n extra ``rhs`` calls per step, or one per column group when the model's sparsity
pattern is given as ``jac_sparsity`` (see :mod:`sim.solver.sparsity`; 37 -> 17 calls for
the knee model), which also switches the linear algebra to a static sparse LU.

Patients are distributed with ``prange``; each owns its work arrays and touches nothing shared,
so results are bit-identical for any thread count and any chunking. With lockstep lanes
(``lanes`` and ``SolverOptions.lockstep``) the unit is a group of consecutive patients, fixed by
position: still the same bits at any thread count, and at any chunk size once it is rounded to
whole groups (:func:`solve_ensemble_chunked` does). A failing patient gets a
status code and NaN outputs in its own row; the batch always completes.

Compilation caching
-------------------
The integrator (:mod:`sim.solver.rosenbrock`) receives ``rhs``/``jac`` as arguments. Passed as
plain dispatchers, Numba specialises on the dispatcher *object* and the on-disk cache never hits
in a new process (the type key contains the object identity; measured: a full recompile every
process). The ensemble kernel is therefore compiled with an explicit signature whose
``rhs``/``jac`` arguments are ``numba.types.FunctionType`` (first-class function pointers typed
by signature only). That signature is the same in every process, so ``cache=True`` hits, while
any model with the standard signature plugs in. The indirect call costs no measurable time for
a 40-state model. One kernel is compiled (and cached on disk) per pair of model return types,
e.g. (none, none).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit, prange, types
from numba.core.errors import NumbaExperimentalFeatureWarning
from numba.core.registry import CPUDispatcher

from sim.solver.inputs import EnsembleInputs, prepare_inputs
from sim.solver.linalg import pattern_hash, static_lu_plan
from sim.solver.lockstep import check_lanes_module, run_lockstep
from sim.solver.options import SolverOptions
from sim.solver.rosenbrock import N_JAC, N_LU, N_RHS, N_STATS, REJECTED, STEPS, integrate_patient
from sim.solver.sparsity import dense_fd_groups, fd_groups
from sim.solver.status import SolverInputError, Status, message, summarize
from sim.solver.tableaus import get_tableau

__all__ = ["EnsembleSolution", "solve_ensemble", "solve_ensemble_chunked", "solve"]


@dataclass(frozen=True)
class EnsembleSolution:
    """Outputs and solver statistics of one ensemble run.

    Attributes
    ----------
    t : float64[T]
        Output times (days). y : float64[N, T, k] recorded states (NaN after a failure).
    out_idx : int64[k]
        Model state index of each recorded column.
    status : int64[N]
        :class:`~sim.solver.status.Status` code per patient.
    n_steps, n_rejected, n_rhs, n_jac, n_lu : int64[N]
        Accepted steps, rejected steps, rhs calls, Jacobians and LU factorisations per patient.
    """

    t: np.ndarray
    y: np.ndarray
    out_idx: np.ndarray
    status: np.ndarray
    n_steps: np.ndarray
    n_rejected: np.ndarray
    n_rhs: np.ndarray
    n_jac: np.ndarray
    n_lu: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """bool[N]: True where the patient reached the last output time."""
        return self.status == Status.SUCCESS

    def messages(self) -> list[str]:
        """Human-readable status message per patient."""
        return [message(c) for c in self.status]

    def summary(self) -> dict[str, int]:
        """Number of patients per status name."""
        return summarize(self.status)


# --------------------------------------------------------------------------- kernel

def _ensemble_kernel(model, tableau, options, pattern, y0, p, scale, t0, events, t_out, out_idx,
                     status, y_out, stats):
    ev_t, ev_idx, ev_mul, ev_add = events
    # Unpacked outside the parallel loop and packed again inside: the arguments of the loop
    # body may be tuples but not tuples of tuples.
    fd_groups, lu_plan = pattern
    for j in prange(y0.shape[0]):
        events_j = (ev_t[j], ev_idx[j], ev_mul[j], ev_add[j])
        status[j] = integrate_patient(model, tableau, options, (fd_groups, lu_plan), y0[j], p[j],
                                      scale[j], t0, events_j, t_out, out_idx, y_out[j], stats[j])


_F8 = types.float64
_A1 = types.Array(_F8, 1, "C")
_A2 = types.Array(_F8, 2, "C")
_A3 = types.Array(_F8, 3, "C")
_I1 = types.Array(types.int64, 1, "C")
_I2 = types.Array(types.int64, 2, "C")
_I3 = types.Array(types.int64, 3, "C")
RHS_ARGS = (_F8, _A1, _A1, _A1)
JAC_ARGS = (_F8, _A1, _A1, _A2)
LU_FACTOR_SIG = types.int64(_A1, _F8, _A1)
LU_SOLVE_SIG = types.int64(_A1, _A1)
#: Numba types of the packed arguments of :func:`sim.solver.rosenbrock.integrate_patient`.
TABLEAU_TYPE = types.Tuple((_F8, _A2, _A2, _A1, _A1, _A1, _A1, _A2, types.int64, _F8))
OPTIONS_TYPE = types.Tuple((_F8, _A1, types.boolean, _F8, _F8, types.int64, types.boolean))
PATTERN_TYPE = types.Tuple((types.UniTuple(_I1, 4), types.UniTuple(_I1, 13)))
_KERNELS: dict[tuple, Any] = {}


@njit(cache=True)
def _no_jacobian(t, y, p, J):
    """Placeholder passed as ``jac`` when the Jacobian is computed by finite differences."""
    return None


@njit(cache=True)
def _no_lu_factor(J, diag, val):
    """Placeholder ``lu_fac`` when no generated LU is given (never called)."""
    return np.int64(1)


@njit(cache=True)
def _no_lu_solve(val, b):
    """Placeholder ``lu_sol`` when no generated LU is given (never called)."""
    return np.int64(0)


def _kernel_for(rhs_ret, jac_ret):
    key = (str(rhs_ret), str(jac_ret))
    if key not in _KERNELS:
        # First-class function types are the documented way to keep this kernel generic and
        # cacheable (module docstring of rosenbrock.py); Numba flags them as experimental on
        # every compile (and on building a tuple type of them), which would only alarm users,
        # so that one category is muted here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
            b1 = types.boolean
            model = types.Tuple((types.FunctionType(rhs_ret(*RHS_ARGS)),
                                 types.FunctionType(jac_ret(*JAC_ARGS)), b1, b1,
                                 types.FunctionType(LU_FACTOR_SIG), types.FunctionType(LU_SOLVE_SIG)))
            sig = types.void(model, TABLEAU_TYPE, OPTIONS_TYPE, PATTERN_TYPE, _A2, _A2, _A2, _F8,
                             types.Tuple((_A2, _I3, _A3, _A3)), _A1, _I1, _I1, _A3, _I2)
            _KERNELS[key] = njit(sig, cache=True, parallel=True)(_ensemble_kernel)
    return _KERNELS[key]


def _return_type(fn, argtypes, name: str):
    """Compile ``fn`` for the kernel's argument types and return its Numba return type."""
    if not isinstance(fn, CPUDispatcher):
        raise SolverInputError(
            f"{name}: must be a module-level @numba.njit function with signature "
            f"{name}(t, y, p, out), got {type(fn).__name__}")
    try:
        fn.compile(argtypes)
    except Exception as exc:  # noqa: BLE001 - typing errors come in many classes
        raise SolverInputError(
            f"{name}: does not compile for (float64, float64[n], float64[m], "
            f"{'float64[n]' if name == 'rhs' else 'float64[n, n]'}): {exc}") from None
    ret = fn.overloads[tuple(argtypes)].signature.return_type
    if not isinstance(ret, (types.NoneType, types.Integer)):
        raise SolverInputError(f"{name}: must return None or an integer status, returns {ret}")
    return ret


# --------------------------------------------------------------------------- public API

def solve_ensemble(rhs, jac, y0, p, ev_t=None, ev_idx=None, ev_mul=None, ev_add=None,
                   t_out=None, out_idx=None, rtol=None, atol=None, h_max=None, max_steps=None,
                   *, t0: float = 0.0, options: SolverOptions | None = None,
                   jac_sparsity=None, linear_solver=None, state_scale=None, kernel=None,
                   lanes=None, lockstep_blocks=None, **option_changes) -> EnsembleSolution:
    """Integrate N independent patients from ``t0`` to ``t_out[-1]`` through their dose events.

    Parameters
    ----------
    rhs, jac : numba dispatchers
        Model functions (module docstring); ``jac=None`` uses finite differences.
    y0 : array_like, shape (N, n)
        Initial states at ``t0``.
    p : array_like, shape (N, m)
        Parameters per patient.
    ev_t : array_like, shape (N, E), optional
        Sorted event times per patient (``+inf`` pads); ``ev_idx`` int (N, E, J) with -1 pads,
        ``ev_mul`` and ``ev_add`` (N, E, J): jump ``y[idx] = y[idx] * mul + add``. An output time
        equal to an event time reports the state after the jump.
    t_out : array_like, shape (T,)
        Sorted output times (days), ``>= t0``. Required.
    out_idx : array_like of int, shape (k,), optional
        States to record; default all.
    rtol, atol, h_max, max_steps : optional
        Override the corresponding :class:`SolverOptions` fields.
    t0 : float
        Start time (days).
    options : SolverOptions, optional
        Base settings (default ``SolverOptions()``).
    jac_sparsity : bool array, shape (n, n), optional
        Pattern of the Jacobian (True where ``dydt_i`` may depend on ``y_j``; must contain every
        entry that can be non-zero; with an analytic ``jac``, every entry it writes). The linear
        systems then use a static sparse LU (fill-reducing order computed once), and a
        finite-difference Jacobian (``jac=None``) differences columns sharing no row together.
    linear_solver : module, optional
        A sparse LU generated for ``jac_sparsity`` by :func:`sim.codegen.lu.render_lu_module`
        (attributes ``lu_factor``, ``lu_solve``, ``PATTERN_HASH``, ``VAL_SIZE``): straight-line
        code, several times faster than the static LU and identical to it bit for bit.
        Requires ``jac_sparsity`` with the pattern it was generated for.
    state_scale : array_like, shape (n,) or (N, n), optional
        Typical size of each state (per patient), in the state's units, > 0. When given, the
        absolute tolerance is relative to a scale: state ``i`` of patient ``j`` is resolved to
        ``atol_i * s_ji``, where ``s_ji`` starts at ``state_scale`` and follows the largest
        ``|y_i|`` reached so far (raised after every dose jump and accepted step). A dose thus
        sets the tolerance of the compartment it fills, and its decaying tail stops dictating
        the step size. Omitted: fixed absolute tolerances ``atol``, as before.
    kernel : module, optional
        An ensemble kernel generated for this very ``rhs``, ``jac`` and ``linear_solver`` by
        :func:`sim.codegen.kernel.render_kernel_module` (attributes ``ensemble_kernel``,
        ``RHS``, ``JAC``, ``LU_FACTOR``, ``LU_SOLVE``): the same integration with the model's
        functions called directly, identical bit for bit and faster. Ignored with ``jac=None``.
    lanes : module, optional
        The model's lockstep-lanes module generated by :mod:`sim.codegen.lanes` (for the
        same ``rhs``): with ``options.lockstep`` and ``options.autonomous``, groups of
        consecutive patients with equal dose times are integrated in SIMD lanes with one step
        size (:mod:`sim.solver.lanes`, :mod:`sim.solver.lockstep`), the others as usual.
        Ignored without ``kernel`` or with ``jac=None``.
    lockstep_blocks : array_like of int, shape (N,), optional
        Block id per patient: lockstep groups never cross from one run of equal ids into the
        next, so a block's results do not depend on the other blocks in the batch
        (:func:`sim.solver.lockstep.lockstep_groups`).
    **option_changes
        Other :class:`SolverOptions` fields (``h0``, ``method``, ``autonomous``, ``lockstep``).

    Returns
    -------
    EnsembleSolution
    """
    if t_out is None:
        raise SolverInputError("t_out: output times are required")
    opts = options if options is not None else SolverOptions()
    if not isinstance(opts, SolverOptions):
        raise SolverInputError(f"options: must be a SolverOptions, got {type(opts).__name__}")
    changes = {k: v for k, v in (("rtol", rtol), ("atol", atol), ("h_max", h_max),
                                 ("max_steps", max_steps)) if v is not None}
    changes.update(option_changes)
    if changes:
        opts = opts.replace(**changes)
    inputs = prepare_inputs(y0, p, t_out, ev_t, ev_idx, ev_mul, ev_add, out_idx, t0)
    blocks = None
    if lockstep_blocks is not None:
        blocks = np.asarray(lockstep_blocks)
        if blocks.shape != (inputs.y0.shape[0],) or not np.issubdtype(blocks.dtype, np.integer):
            raise SolverInputError(f"lockstep_blocks: must be {inputs.y0.shape[0]} integers, one per "
                                   f"patient, got {blocks.dtype} {blocks.shape}")
    return _run(rhs, jac, inputs, opts, jac_sparsity, linear_solver, state_scale, kernel, lanes, blocks)


def _specialised(kernel, rhs, jac, lu_fac, lu_sol):
    """``kernel.ensemble_kernel`` if ``kernel`` was generated for these functions, else raise."""
    names = ("ensemble_kernel", "RHS", "JAC", "LU_FACTOR", "LU_SOLVE")
    if not all(hasattr(kernel, a) for a in names):
        raise SolverInputError(
            f"kernel: must be a module generated by sim.codegen.kernel with attributes "
            f"{', '.join(names)}, got {type(kernel).__name__}")
    if (kernel.RHS, kernel.JAC, kernel.LU_FACTOR, kernel.LU_SOLVE) != (rhs, jac, lu_fac, lu_sol):
        raise SolverInputError(
            "kernel: was generated for other model functions than rhs, jac and linear_solver; "
            "regenerate it (python -m sim.codegen for the knee model)")
    return kernel.ensemble_kernel


def _scale_array(state_scale, N: int, n: int):
    """(scale float64[N, n], track the peak?) from ``state_scale`` (module docstring)."""
    if state_scale is None:
        return np.ones((N, n)), False
    sc = np.asarray(state_scale, dtype=float)
    if sc.shape not in ((n,), (N, n)):
        raise SolverInputError(
            f"state_scale: must have shape ({n},) or ({N}, {n}), got {sc.shape}")
    if not np.all(np.isfinite(sc)) or np.any(sc <= 0.0):
        raise SolverInputError("state_scale: every entry must be finite and > 0")
    return np.ascontiguousarray(np.broadcast_to(sc, (N, n))), True


_NO_PLAN = tuple(np.zeros(0, dtype=np.int64) for _ in range(13))
_PLANS: dict[bytes, tuple] = {}


def _fd_arrays(jac_sparsity, n: int):
    """(finite-difference groups, static LU plan) for a pattern, or dense ones for None."""
    if jac_sparsity is None:
        return dense_fd_groups(n), _NO_PLAN
    pat = np.asarray(jac_sparsity)
    if pat.shape != (n, n) or pat.dtype != bool:
        raise SolverInputError(
            f"jac_sparsity: must be a boolean array of shape ({n}, {n}), got {pat.dtype} {pat.shape}")
    pat = pat | np.eye(n, dtype=bool)
    key = np.packbits(pat).tobytes() + n.to_bytes(4, "little")
    if key not in _PLANS:  # the symbolic work is done once per pattern and process
        plan = static_lu_plan(pat)
        # The factors and reciprocal pivots live in the n x n work matrix; a pattern that fills
        # it gains nothing from the static LU anyway.
        _PLANS[key] = (fd_groups(pat), plan if plan[1].size + n <= n * n else _NO_PLAN)
    return _PLANS[key]


def _generated_lu(linear_solver, jac_sparsity, n: int):
    """Validate a generated LU module against the pattern; (use it?, factor, solve)."""
    if linear_solver is None:
        return False, _no_lu_factor, _no_lu_solve
    names = ("lu_factor", "lu_solve", "PATTERN_HASH", "VAL_SIZE")
    if not all(hasattr(linear_solver, a) for a in names):
        raise SolverInputError(
            f"linear_solver: must be a module generated by sim.codegen.lu with attributes "
            f"{', '.join(names)}, got {type(linear_solver).__name__}")
    if jac_sparsity is None:
        raise SolverInputError("linear_solver: requires jac_sparsity, the pattern it was generated for")
    pat = np.asarray(jac_sparsity, dtype=bool) | np.eye(n, dtype=bool)
    if pattern_hash(pat) != linear_solver.PATTERN_HASH or linear_solver.VAL_SIZE > n * n:
        raise SolverInputError(
            "linear_solver: was generated for a different sparsity pattern than jac_sparsity; "
            "regenerate it (see sim.codegen.lu)")
    for fn, sig, name in ((linear_solver.lu_factor, LU_FACTOR_SIG, "lu_factor"),
                          (linear_solver.lu_solve, LU_SOLVE_SIG, "lu_solve")):
        if not isinstance(fn, CPUDispatcher):
            raise SolverInputError(f"linear_solver.{name}: must be a @numba.njit function")
        fn.compile(sig.args)
    return True, linear_solver.lu_factor, linear_solver.lu_solve


def _run(rhs, jac, inp: EnsembleInputs, opts: SolverOptions, jac_sparsity=None,
         linear_solver=None, state_scale=None, kernel=None, lanes=None, blocks=None) -> EnsembleSolution:
    N, n = inp.y0.shape
    atol = opts.atol_vector(n)
    scale, track_peak = _scale_array(state_scale, N, n)
    groups, lu_plan = _fd_arrays(jac_sparsity, n)
    lu_gen, lu_fac, lu_sol = _generated_lu(linear_solver, jac_sparsity, n)
    rhs_ret = _return_type(rhs, RHS_ARGS, "rhs")
    use_fd = jac is None
    jac_fn = _no_jacobian if use_fd else jac
    jac_ret = _return_type(jac_fn, JAC_ARGS, "jac")
    T, k = inp.t_out.shape[0], inp.out_idx.shape[0]
    status = np.full(N, int(Status.NOT_RUN), dtype=np.int64)
    y_out = np.full((N, T, k), np.nan)
    stats = np.zeros((N, N_STATS), dtype=np.int64)
    options = (opts.rtol, atol, track_peak, opts.h_max, opts.h0, opts.max_steps, opts.autonomous)
    args = (get_tableau(opts.method).kernel_args(), options, (groups, lu_plan), inp.y0, inp.p,
            scale, inp.t0, (inp.ev_t, inp.ev_idx, inp.ev_mul, inp.ev_add), inp.t_out,
            inp.out_idx, status, y_out, stats)
    if kernel is not None and not use_fd:
        if not lu_gen:
            raise SolverInputError("kernel: requires the linear_solver it was generated with")
        specialised = _specialised(kernel, rhs, jac, lu_fac, lu_sol)
        if lanes is not None and opts.lockstep and opts.autonomous:
            check_lanes_module(lanes, rhs, jac, n, inp.p.shape[1])
            run_lockstep(lanes, lambda a: specialised(*a), args, blocks)
        else:
            specialised(*args)
    else:
        kern = _kernel_for(rhs_ret, jac_ret)
        # The functions travel in a tuple, which Numba types anew on each call, and flags as
        # experimental again (see _kernel_for).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaExperimentalFeatureWarning)
            kern((rhs, jac_fn, use_fd, lu_gen, lu_fac, lu_sol), *args)
    return EnsembleSolution(inp.t_out.copy(), y_out, inp.out_idx.copy(), status,
                            stats[:, STEPS].copy(), stats[:, REJECTED].copy(),
                            stats[:, N_RHS].copy(), stats[:, N_JAC].copy(), stats[:, N_LU].copy())


def solve(rhs, jac, y0, p, t_out, events=None, *, out_idx=None, t0: float = 0.0,
          options: SolverOptions | None = None, jac_sparsity=None, linear_solver=None,
          state_scale=None, kernel=None, lanes=None, **option_changes) -> EnsembleSolution:
    """Integrate a single patient: ``y0`` float[n], ``p`` float[m].

    ``events`` is an optional tuple ``(ev_t[E], ev_idx[E, J], ev_mul[E, J], ev_add[E, J])``.
    Returns an :class:`EnsembleSolution` with N = 1.
    """
    y0 = np.asarray(y0, dtype=float)[None, :]
    p = np.asarray(p, dtype=float)[None, :]
    ev = (None,) * 4 if events is None else tuple(np.asarray(a)[None] for a in events)
    if len(ev) != 4:
        raise SolverInputError("events: must be (ev_t, ev_idx, ev_mul, ev_add)")
    return solve_ensemble(rhs, jac, y0, p, *ev, t_out=t_out, out_idx=out_idx, t0=t0,
                          options=options, jac_sparsity=jac_sparsity,
                          linear_solver=linear_solver, state_scale=state_scale, kernel=kernel,
                          lanes=lanes, **option_changes)


_CHUNK_KEYS = ("y0", "p", "ev_t", "ev_idx", "ev_mul", "ev_add")


def solve_ensemble_chunked(rhs, jac, n_patients: int, chunk_size: int,
                           make_inputs: Callable[[int, int], Mapping[str, Any]],
                           reduce: Callable[[int, int, EnsembleSolution], Any], t_out,
                           out_idx=None, *, t0: float = 0.0,
                           options: SolverOptions | None = None, jac_sparsity=None,
                           linear_solver=None, state_scale=None, kernel=None,
                           lanes=None) -> list[Any]:
    """Run ``n_patients`` in chunks so only one chunk's trajectories are ever in memory.

    Parameters
    ----------
    n_patients, chunk_size : int
        Total patients and patients per chunk (the last chunk may be smaller).
    make_inputs : callable ``(start, stop) -> mapping``
        Builds inputs for patients ``start..stop-1`` with keys ``y0``, ``p`` and optionally
        ``ev_t``, ``ev_idx``, ``ev_mul``, ``ev_add`` (shapes as in :func:`solve_ensemble`).
    reduce : callable ``(start, stop, EnsembleSolution) -> Any``
        Reduces one chunk (e.g. to outcome summaries); its return values are collected.
    t_out, out_idx, t0, options, jac_sparsity, linear_solver
        As in :func:`solve_ensemble`.
    state_scale : array_like, shape (n,), optional
        As in :func:`solve_ensemble` (one row for all patients: chunks differ in size).
    kernel, lanes : module, optional
        As in :func:`solve_ensemble`. With ``lanes`` given, ``chunk_size`` is rounded up to a
        multiple of the lane count, so that lockstep groups (fixed by position) are the same
        for every chunk size.

    Returns
    -------
    list
        ``reduce``'s return value for each chunk, in patient order. Because patients are
        independent (or grouped by position), results do not depend on ``chunk_size``.
    """
    for name, value in (("n_patients", n_patients), ("chunk_size", chunk_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise SolverInputError(f"{name}: must be an integer >= 1, got {value!r}")
    if lanes is not None and chunk_size % getattr(lanes, "LANES", 1):
        chunk_size += lanes.LANES - chunk_size % lanes.LANES
    results = []
    for start in range(0, int(n_patients), int(chunk_size)):
        stop = min(start + int(chunk_size), int(n_patients))
        chunk = dict(make_inputs(start, stop))
        unknown = sorted(set(chunk) - set(_CHUNK_KEYS))
        if unknown or "y0" not in chunk or "p" not in chunk:
            raise SolverInputError(
                f"make_inputs: returned keys {sorted(chunk)}; required y0, p; "
                f"allowed {list(_CHUNK_KEYS)}")
        sol = solve_ensemble(rhs, jac, t_out=t_out, out_idx=out_idx, t0=t0, options=options,
                             jac_sparsity=jac_sparsity, linear_solver=linear_solver,
                             state_scale=state_scale, kernel=kernel, lanes=lanes, **chunk)
        if sol.y.shape[0] != stop - start:
            raise SolverInputError(
                f"make_inputs: returned {sol.y.shape[0]} patients for chunk [{start}, {stop})")
        results.append(reduce(start, stop, sol))
    return results
