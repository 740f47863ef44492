"""Emit an ensemble kernel specialised to one model: its functions called directly, not passed.

The generic kernel (:mod:`sim.solver.ensemble`) receives ``rhs``, ``jac`` and the generated LU as
first-class function arguments, so one compiled kernel serves every model and caches on disk
(see "Compilation caching" in :mod:`sim.solver.ensemble`). The price is an indirect call per
``rhs``, Jacobian, factorisation and solve that LLVM cannot inline or optimise across, and
branches on ``use_fd``/``lu_gen`` that stay in the loop.

This module writes the integrator's source once more for one model: the functions of
:mod:`sim.solver.rosenbrock` that take the model's functions as arguments are copied with those
parameters removed (the names then resolve to module globals: the model's own ``rhs``, ``jac``,
``lu_factor`` and ``lu_solve``, imported by the generated module), and ``use_fd = False``,
``lu_gen = True`` become module constants that Numba folds. The syntax tree is transformed,
not the text, so every arithmetic expression is copied unchanged: the specialised kernel
performs the same floating-point operations in the same order as the generic one, and its
results are identical bit for bit (``tests/solver/test_kernel_codegen.py``).

The generated file records a hash of every source it depends on (``# source-hash:``); a test
fails while it is stale. Because Numba's on-disk cache is invalidated only when a kernel's own
file changes, that hash is also what makes a changed ``rhs`` or integrator recompile the kernel:
regenerating rewrites the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sim.codegen import generated_header
from sim.provenance import HASH_PREFIX, sources_hash

__all__ = ["render_kernel_module", "integrator_sources", "SPECIALISED"]

_SOLVER_DIR = Path(__file__).resolve().parent.parent / "solver"
#: Parameters of the generic integrator that the specialised kernel binds at module level:
#: the packed ``model`` tuple and, in the helpers that take them one by one, its members.
SPECIALISED = ("model", "rhs", "jac", "use_fd", "lu_gen", "lu_fac", "lu_sol")


def integrator_sources() -> list[Path]:
    """The integrator's files whose text goes into a specialised kernel's recorded hash.

    The generic integrator (``rosenbrock.py``, ``ensemble.py``, ``linalg.py``, ``error_norm.py``)
    and this generator: a change to any of them changes what the kernel would be.
    """
    names = ("rosenbrock.py", "ensemble.py", "linalg.py", "error_norm.py")
    return [_SOLVER_DIR / name for name in names] + [Path(__file__)]


def _strip(fn: ast.FunctionDef, transformed: set[str]) -> ast.FunctionDef:
    """Drop the specialised parameters of ``fn``, its unpacking of ``model``, and those arguments of its calls."""
    fn.args.args = [a for a in fn.args.args if a.arg not in SPECIALISED]
    fn.body = [st for st in fn.body
               if not (isinstance(st, ast.Assign) and isinstance(st.value, ast.Name)
                       and st.value.id == "model")]

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id in transformed:
                # The generic functions pass the model's functions (or their ``model`` tuple)
                # on positionally, by name.
                node.args = [a for a in node.args
                             if not (isinstance(a, ast.Name) and a.id in SPECIALISED)]
            return node

    return Calls().visit(fn)


def _ensemble_kernel_source() -> str:
    """The body of the specialised ensemble loop: the generic kernel minus its function arguments."""
    tree = ast.parse((_SOLVER_DIR / "ensemble.py").read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_ensemble_kernel")
    fn = _strip(fn, {"integrate_patient"})
    fn.name = "ensemble_kernel"
    fn.decorator_list = [ast.parse("njit(cache=True, parallel=True)").body[0].value]
    fn.body.insert(0, ast.Expr(ast.Constant(
        "Integrate every patient (``prange``); the generic kernel's arguments minus the model's "
        "functions.")))
    return ast.unparse(ast.fix_missing_locations(fn))


def render_kernel_module(*, title: str, model_imports: dict[str, str], depends_on,
                         regenerate: str) -> str:
    """Source of a specialised kernel module.

    Parameters
    ----------
    title : str
        First line of the module docstring.
    model_imports : dict
        ``{"rhs": "pkg.mod:name", "jac": ..., "lu_fac": ..., "lu_sol": ...}``: where the
        model's right-hand side, Jacobian and generated LU (factor, solve) live.
    depends_on : sequence of path
        The model's source files; their text goes into the recorded hash together with the
        integrator's (:func:`integrator_sources`).
    regenerate : str
        The command that regenerates the module (named in its docstring).

    Returns
    -------
    str
        Python source defining ``ensemble_kernel``, whose arguments are those of the generic
        ``_ensemble_kernel`` minus the first, ``model`` (``rhs, jac, use_fd, lu_gen, lu_fac,
        lu_sol``), and ``RHS``, ``JAC``, ``LU_FACTOR``, ``LU_SOLVE``: the functions it was
        specialised to.
    """
    missing = sorted(set(("rhs", "jac", "lu_fac", "lu_sol")) - set(model_imports))
    if missing:
        raise ValueError(f"model_imports: missing {missing}")
    tree = ast.parse((_SOLVER_DIR / "rosenbrock.py").read_text(encoding="utf-8"))
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    transformed = {f.name for f in funcs if any(a.arg in SPECIALISED for a in f.args.args)}
    sources = integrator_sources() + [Path(p) for p in depends_on]
    lines = [
        generated_header("sim/solver/rosenbrock.py and the model's generated functions"),
        f'"""{title}',
        "",
        f"Generated by ``{regenerate}`` (see :mod:`sim.codegen.kernel`); do not edit by hand.",
        "The integrator of :mod:`sim.solver.rosenbrock` with the model's functions bound at module",
        "level; identical to the generic kernel bit for bit. The integrator's constants and",
        "helpers are copied, not imported (only the LU routines and the error norm are), so that a",
        'change to ``rosenbrock.py`` cannot make this file fail to import before it is regenerated."""',
        "",
        f"{HASH_PREFIX}{sources_hash(sources)}",
        "",
        "from numba import prange",
        "",
    ]
    # The integrator module as it is, minus its docstring and export list: imports, constants,
    # helpers, and the functions that took the model's functions, now without them.
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            continue
        if isinstance(node, ast.FunctionDef) and node.name in transformed:
            node = _strip(node, transformed)
        lines += [ast.unparse(ast.fix_missing_locations(node))]
        if isinstance(node, ast.FunctionDef):
            lines[-1] = "\n\n" + lines[-1] + "\n"
    lines.append("")
    for local in ("rhs", "jac", "lu_fac", "lu_sol"):
        module, name = model_imports[local].split(":")
        lines.append(f"from {module} import {name} as {local}")
    lines += [
        "",
        "RHS, JAC, LU_FACTOR, LU_SOLVE = rhs, jac, lu_fac, lu_sol",
        "use_fd = False  # the model's own Jacobian",
        "lu_gen = True  # the model's generated LU",
        "",
        "",
        _ensemble_kernel_source(),
        "",
    ]
    return "\n".join(lines)

