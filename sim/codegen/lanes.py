"""Emit a model's lockstep-lanes module: its functions rewritten for ``L`` patients at once.

:mod:`sim.solver.lanes` integrates groups of ``L`` patients with one step size; it needs the
model's right-hand side, Jacobian and sparse LU in a form that computes all ``L`` lanes in one
pass. This generator takes the scalar functions the engine already runs (``rhs``, the generated
exact Jacobian, the generated straight-line LU) and rewrites each one's body into a loop over
the lanes:

* every read ``y[i]``, ``p[i]`` and write ``dydt[i]``, ``J[i, j]`` becomes an element of one work
  buffer at a constant offset, ``w[OFF + i * L + l]`` (Jacobian entries at their position in the
  compressed-column pattern, so the region holds only the pattern);
* the LU's early exits (zero or non-finite pivot, element growth) become a per-lane flag, since
  a loop that may leave in the middle is not vectorised;
* the functions are compiled with ``error_model="numpy"``: Python's error model checks every
  division for zero and raises, a branch that also stops vectorisation (a zero pivot is caught by
  the flag; the scalar functions never divide by zero on a valid state).

The syntax tree is transformed (the LU's generated lines are rewritten by pattern), and every
arithmetic expression is copied unchanged, so each lane computes bit for bit what the scalar
function computes for that patient (``tests/solver/test_lanes.py``). Why one buffer and constant
offsets: see "Work buffer" in :mod:`sim.solver.lanes`. The integrator itself is copied from
:mod:`sim.solver.lanes` with the model bound at module level, as :mod:`sim.codegen.kernel` does
for the scalar kernel.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np

from sim.codegen import generated_header
from sim.codegen.kernel import _strip
from sim.codegen.lu import _factor_lines, _solve_lines
from sim.provenance import HASH_PREFIX, sources_hash
from sim.solver.linalg import static_lu_plan

__all__ = ["render_lanes_module", "LANES"]

#: Lanes per group: four float64 fill an AVX2 register, which every x86-64 CPU of the last
#: decade has; wider registers (AVX-512) then run two groups' worth per instruction pair.
LANES = 4
_SOLVER_DIR = Path(__file__).resolve().parent.parent / "solver"
_DECORATOR = "njit(cache=True, error_model='numpy')"


def _lane_loop(body: list[ast.stmt], lanes: int) -> ast.For:
    return ast.For(target=ast.Name("l", ast.Store()), iter=ast.parse(f"range({lanes})", mode="eval").body,
                   body=body, orelse=[])


def _to_lanes(fn: ast.FunctionDef, regions, lanes: int, new_name: str, doc: str) -> str:
    """Rewrite scalar ``fn(t, a, b, c)`` into ``new_name(w)`` over ``lanes`` lanes.

    ``regions`` gives, for the arguments after ``t`` by position, ``offset`` (1-D arrays:
    ``w[offset + (i) * L + l]``) or a function ``(i, j) -> flat buffer index`` (2-D outputs).
    """
    params = [a.arg for a in fn.args.args]
    if len(params) != len(regions) + 1:
        raise ValueError(f"{fn.name}: expected the arguments (t, {', '.join('?' * len(regions))}), got {params}")
    clash = {"w", "l"} & {x.id for x in ast.walk(fn) if isinstance(x, ast.Name)}
    if clash:
        raise ValueError(f"{fn.name}: uses the name(s) {sorted(clash)}, which the lanes form reserves")
    regions = dict(zip(params[1:], regions))
    class Subs(ast.NodeTransformer):
        def visit_Subscript(self, node):
            self.generic_visit(node)
            if not (isinstance(node.value, ast.Name) and node.value.id in regions):
                return node
            where = regions[node.value.id]
            index = ast.unparse(node.slice)
            text = f"w[{where(index)} + l]" if callable(where) else f"w[{where} + ({index}) * {lanes} + l]"
            return ast.copy_location(ast.parse(text, mode="eval").body, node)

    fn = Subs().visit(fn)
    body = [st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]
    returns = [st for st in ast.walk(ast.Module(body=body, type_ignores=[])) if isinstance(st, ast.Return)]
    if len(returns) != 1 or body[-1] is not returns[0] or ast.unparse(returns[0]) not in ("return 0", "return"):
        raise ValueError(f"{fn.name}: the lanes form needs one final 'return 0' (a status it always returns)")
    body = body[:-1]
    fn.body = [ast.Expr(ast.Constant(doc)), _lane_loop(body, lanes)]
    fn.args = ast.parse("def f(w): pass").body[0].args
    fn.name = new_name
    fn.decorator_list = [ast.parse(_DECORATOR, mode="eval").body]
    fn.returns = None
    return ast.unparse(ast.fix_missing_locations(fn))


def _lu_lanes(lines: list[str], lanes: int, rename, factor: bool) -> list[str]:
    """Rewrite the scalar LU's generated body lines for the lanes (see the module docstring).

    ``factor``: the lines are the factorisation's (its shift and its per-lane failure flag).
    """
    out = [f"    for l in range({lanes}):"]
    if factor:
        out += ["        d = w[D_OFF + l]", "        bad = False"]
    for line in lines:
        s = line.strip()
        m = re.fullmatch(r"if (v\d+) == 0\.0 or not np\.isfinite\(\1\):", s)
        if m:
            pk = m.group(1)
            s = f"bad = bad or {pk} == 0.0 or {pk} - {pk} != 0.0"
        elif s in ("return 1", "if not ok:"):
            continue
        elif s == "return 0":
            if not factor:
                continue
            s = "w[BAD_OFF + l] = 1.0 if bad or not ok else 0.0"
        s = s.replace("+ diag", "+ d")
        s = re.sub(r"\b(J|val|b)\[(\d+)\]", lambda mm: rename(mm.group(1), int(mm.group(2))), s)
        out.append("        " + s)
    return out


def _module_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def render_lanes_module(*, title: str, rhs_file: Path, rhs_module: str, jac_file: Path, jac_module: str,
                        layout: dict, jac_indptr, jac_indices, n_params: int, depends_on,
                        regenerate: str, lanes: int = LANES) -> str:
    """Source of a lanes module for one model.

    Parameters
    ----------
    title : str
        First docstring line.
    rhs_file, rhs_module : path, str
        The model's ``rhs(t, y, p, dydt)`` source and its import path (its helpers are imported
        from there).
    jac_file, jac_module : path, str
        The generated exact Jacobian ``jac(t, y, p, J)``, writing only pattern entries, and its
        import path.
    layout : dict
        Namespace that evaluates the Jacobian's index expressions (``Y_*`` constants).
    jac_indptr, jac_indices : int arrays
        Compressed-column pattern of the Jacobian (``jac_indptr`` [n + 1]).
    n_params : int
        Length ``m`` of the parameter vector.
    depends_on : sequence of path
        Files whose text enters the recorded source hash.
    regenerate : str
        Command that regenerates the module.
    lanes : int
        Lanes per group ``L``.
    """
    indptr = np.asarray(jac_indptr)
    indices = np.asarray(jac_indices)
    n = indptr.shape[0] - 1
    nnz = int(indptr[-1])
    compact = {(int(indices[q]), j): q for j in range(n) for q in range(indptr[j], indptr[j + 1])}
    pattern = np.zeros((n, n), dtype=bool)
    for i, j in compact:
        pattern[i, j] = True
    plan = static_lu_plan(pattern | np.eye(n, dtype=bool))
    n_val = int(plan[1].shape[0]) + n
    L = lanes
    off = {"Y_OFF": 0, "P_OFF": n * L}
    off["F_OFF"] = off["P_OFF"] + n_params * L
    off["J_OFF"] = off["F_OFF"] + n * L
    off["V_OFF"] = off["J_OFF"] + nnz * L
    off["D_OFF"] = off["V_OFF"] + n_val * L
    off["B_OFF"] = off["D_OFF"] + L
    off["BAD_OFF"] = off["B_OFF"] + n * L
    w_size = off["BAD_OFF"] + L

    rhs_tree = ast.parse(Path(rhs_file).read_text(encoding="utf-8"))
    rhs_fn = next(x for x in rhs_tree.body if isinstance(x, ast.FunctionDef) and x.name == "rhs")
    rhs_src = _to_lanes(rhs_fn, ("Y_OFF", "P_OFF", "F_OFF"), L, "rhs_l",
                        "dy/dt of every lane: states at Y_OFF, parameters at P_OFF -> F_OFF.")
    used = {x.id for x in ast.walk(rhs_fn) if isinstance(x, ast.Name)}
    helpers = sorted((used & _module_names(rhs_tree)) - {"rhs", "njit", "np", "annotations"})

    def jac_entry(index: str) -> str:
        i, j = eval(index, dict(layout))  # noqa: S307 - the generated Jacobian's own constants
        return f"J_OFF + {compact[(i, j)] * L}"

    jac_tree = ast.parse(Path(jac_file).read_text(encoding="utf-8"))
    jac_fn = next(x for x in jac_tree.body if isinstance(x, ast.FunctionDef) and x.name == "jac")
    jac_src = _to_lanes(jac_fn, ("Y_OFF", "P_OFF", jac_entry), L, "jac_l",
                        "Pattern entries of every lane's Jacobian at J_OFF (compressed-column order).")

    def lu_ref(array: str, k: int) -> str:
        if array == "J":  # flat row-major index of the scalar LU -> the compact region
            q = compact.get(divmod(k, n))
            return "0.0" if q is None else f"w[J_OFF + {q * L} + l]"
        base = {"val": "V_OFF", "b": "B_OFF"}[array]
        return f"w[{base} + {k * L} + l]"

    fac = ["", "", f"@{_DECORATOR}", "def lu_fac_l(w):",
           '    """Factorise ``diag I - J`` of every lane into V_OFF; BAD_OFF + l = 1.0: lane l needs the dense LU."""']
    fac += _lu_lanes(_factor_lines(plan, n), L, lu_ref, factor=True)
    sol = ["", "", f"@{_DECORATOR}", "def lu_sol_l(w):",
           '    """Solve every lane\'s system in place at B_OFF with the factors at V_OFF."""']
    sol += _lu_lanes(_solve_lines(plan, n), L, lu_ref, factor=False)

    integrator = _integrator_source()
    sources = [Path(p) for p in depends_on] + [Path(__file__), _SOLVER_DIR / "lanes.py",
                                               _SOLVER_DIR / "linalg.py", Path(__file__).parent / "kernel.py"]
    jac_imports = [ln for ln in Path(jac_file).read_text(encoding="utf-8").splitlines()
                   if ln.startswith(("import ", "from ")) and "numba" not in ln and "__future__" not in ln
                   and ln != "import numpy as np"]
    lines = [
        generated_header("sim/solver/lanes.py and the model's rhs, Jacobian and LU"),
        f'"""{title}',
        "",
        f"Generated by ``{regenerate}`` (see :mod:`sim.codegen.lanes`); do not edit by hand.",
        f"{L} lanes; work buffer of {w_size} numbers (regions in ``layout``, see :mod:`sim.solver.lanes`).",
        '"""',
        "",
        f"{HASH_PREFIX}{sources_hash(sources)}",
        "",
        "import numpy as np",
        "from numba import njit, prange",
        *jac_imports,
        f"from {rhs_module} import {', '.join(helpers)}" if helpers else "",
        "",
        f"from {rhs_module} import rhs as RHS  # the scalar functions these lanes compute",
        f"from {jac_module} import jac as JAC",
        "",
        f"LANES = {L}",
        f"N_STATES = {n}",
        f"N_PARAMS = {n_params}",
        f"W_SIZE = {w_size}",
        *[f"{k} = {v}" for k, v in off.items()],
        "layout = (Y_OFF, P_OFF, F_OFF, J_OFF, V_OFF, D_OFF, B_OFF, BAD_OFF, LANES)",
        "",
        "",
        rhs_src,
        "",
        "",
        jac_src,
        *fac,
        *sol,
        "",
        integrator,
        "",
    ]
    return "\n".join(lines)


def _integrator_source() -> str:
    """:mod:`sim.solver.lanes` minus its docstring and exports, with ``model`` bound at module level."""
    tree = ast.parse((_SOLVER_DIR / "lanes.py").read_text(encoding="utf-8"))
    funcs = [x for x in tree.body if isinstance(x, ast.FunctionDef)]
    transformed = {f.name for f in funcs if any(a.arg == "model" for a in f.args.args)}
    parts = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and node.module in ("__future__", "numba"):
            continue
        if isinstance(node, ast.Import) or (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)):
            continue
        if isinstance(node, ast.FunctionDef) and node.name in transformed:
            node = _strip(node, transformed)
            if node.name == "lockstep_kernel":
                node.decorator_list = [ast.parse("njit(cache=True, parallel=True)", mode="eval").body]
        text = ast.unparse(ast.fix_missing_locations(node))
        parts.append("\n\n" + text + "\n" if isinstance(node, ast.FunctionDef) else text)
    return "\n".join(parts)
