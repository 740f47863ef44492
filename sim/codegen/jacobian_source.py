"""Generate :mod:`sim.engine.generated.jac_analytic`, the exact Jacobian of the knee model.

Usage::

    python -m sim.codegen.jacobian_source           # rewrite sim/engine/generated/jac_analytic.py
    python -m sim.codegen.jacobian_source --check   # exit 1 if the committed file is stale

Method
------
``rhs.py`` is traced into SymPy expressions by :func:`sim.model.symbolic.trace_rhs` (one per
state, with the model's kinks as function nodes). Each output is differentiated with respect to
each state, the non-zero derivatives are reduced by common-subexpression elimination, and the
result is printed as a straight-line Numba function without any SymPy at run time.

Kinks
-----
The model is only piecewise smooth; at a kink the generated code returns the one-sided
derivative in the direction of increasing ``y_j`` (the limit of a forward finite difference).
The rules are those of the traced kink functions, :func:`sim.model.symbolic.kinks`.

Ties are decided on the kink argument as the generated code evaluates it. Compared arguments
are computed with true divisions, as in ``rhs`` (CSE would otherwise multiply by shared
reciprocals), so the ties that occur in practice -- a product not given sitting at zero, a
matrix content at its capacity of one, effusion at its healthy volume -- fall on the same side
as in ``rhs``. A sum of three or more terms that SymPy reorders may still round differently;
that matters only on an exact tie of such a sum, where either one-sided value is a valid
generalised derivative.

Pattern
-------
``JAC_PATTERN`` holds every entry whose derivative is not identically zero, plus the full
diagonal (the Rosenbrock iteration matrix ``I - h*gamma*J`` needs it; structurally zero
diagonal entries are written as ``0.0``). It is therefore a superset of the probed pattern of
:func:`sim.engine.jacobian.knee_sparsity`.

Staleness
---------
The generated file carries ``# source-hash: <hex>`` computed by
:func:`sim.model.symbolic.rhs_source_hash` from the text of ``rhs.py`` and ``layout.py``; the
hash is checked without SymPy. SymPy is needed only to regenerate (the ``codegen`` extra).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import types
from pathlib import Path

from sim.codegen import generated_header
from sim.codegen.printer import NumbaPrinter
from sim.model.symbolic import integral_floats, kinks, layout_names, rhs_source_hash, trace_rhs
from sim.provenance import HASH_PREFIX, committed_hash

#: The generated module.
TARGET = Path(__file__).resolve().parent.parent / "engine" / "generated" / "jac_analytic.py"

# --------------------------------------------------------------------------- differentiation

def jacobian_entries(y_syms, f):
    """Non-zero symbolic derivatives plus the diagonal, in CSC order.

    Returns
    -------
    entries : list of (row, col, sympy.Expr)
        Column-major over the pattern; structurally zero diagonal entries carry ``0``.
    """
    sp = kinks().sp
    n = len(y_syms)
    free = [e.free_symbols for e in f]
    entries = []
    for j, yj in enumerate(y_syms):
        for i in range(n):
            d = f[i].diff(yj) if yj in free[i] else sp.S.Zero
            if d != 0 or i == j:
                entries.append((i, j, integral_floats(d)))
    return entries


# --------------------------------------------------------------------------- hoisting

def _hoist(assignments, outputs, temp_names):
    """Give every compound argument of a conditional, and every compound power base, a temp.

    Conditional expressions name their argument two or three times (``g if g > 0 else 0``);
    a temp evaluates it once and keeps the source readable.
    """
    k = kinks()
    sp = k.sp
    cache: dict = {}
    out_assign: list = []

    def name_for(arg):
        if arg.is_Symbol or arg.is_Number:
            return arg
        if arg not in cache:
            arg2 = walk(arg)
            sym = sp.Symbol(next(temp_names), real=True)
            out_assign.append((sym, arg2))
            cache[arg] = sym
        return cache[arg]

    def walk(e):
        if e.is_Atom:
            return e
        if isinstance(e, k.conditional):
            return type(e)(*[name_for(a) for a in e.args], evaluate=False)
        if e.is_Pow and e.args[1].is_Integer and abs(int(e.args[1])) > 1 and not e.args[0].is_Symbol:
            return sp.Pow(name_for(e.args[0]), e.args[1], evaluate=False)
        new = [walk(a) for a in e.args]
        return e.func(*new, evaluate=False) if any(a is not b for a, b in zip(new, e.args)) else e

    for sym, expr in assignments:
        out_assign.append((sym, walk(expr)))
    outputs = [walk(e) for e in outputs]
    return out_assign, outputs


#: Argument positions that a conditional compares (the others are only selected).
_COMPARED = {"Pos": (0,), "StepGE": (0,), "StepGT": (0,), "PosD": (0,), "MaxD": (0, 1),
             "MinD": (0, 1), "AbsD": (0,), "Max2": (0, 1), "Min2": (0, 1)}


def _exact_kink_arguments(assignments, outputs):
    """Evaluate compared kink arguments with true divisions, as ``rhs`` does.

    CSE shares a reciprocal ``r = 1/b`` among its uses, and ``a*r`` can differ from ``a/b`` in
    the last bit. Away from a kink that is harmless, but on an exact tie (effusion equal to its
    healthy volume, so ``vol/healthy - 1 == 0`` in ``rhs``) it would flip the side of the kink
    and with it the one-sided derivative. The definitions of compared temps are therefore
    rewritten with the reciprocals (and any temps built on them) expanded back into divisions;
    this duplicates a few multiplications and costs a handful of divisions.
    """
    k = kinks()
    sp = k.sp
    defs = dict(assignments)
    recip = {s: e for s, e in assignments if e.is_Pow and e.args[1] == -1}
    memo: dict = {}

    def exact(e):
        """``e`` with reciprocal temps (transitively) replaced by divisions."""
        if e in memo:
            return memo[e]
        if e.is_Symbol:
            if e in recip:
                out = sp.Pow(exact(recip[e].args[0]), -1)
            elif e in defs:
                d = exact(defs[e])
                out = d if d != defs[e] else e
            else:
                out = e
        elif e.is_Atom:
            out = e
        else:
            new = [exact(a) for a in e.args]
            out = e.func(*new) if new != list(e.args) else e
        memo[e] = out
        return out

    compared = set()
    for e in [x for _, x in assignments] + list(outputs):
        for node in sp.preorder_traversal(e):
            pos = _COMPARED.get(type(node).__name__)
            if pos and isinstance(node, k.conditional + (k.Max2, k.Min2)):
                compared.update(node.args[i] for i in pos if node.args[i].is_Symbol)
    return [(s, exact(e) if s in compared and s not in recip else e) for s, e in assignments]


def build():
    """Trace, differentiate and simplify; return everything the renderer needs."""
    sp = kinks().sp
    t0 = time.perf_counter()
    y_syms, p_syms, f = trace_rhs()
    t_trace = time.perf_counter() - t0
    entries = jacobian_entries(y_syms, f)
    t_diff = time.perf_counter() - t0 - t_trace
    exprs = [e for _, _, e in entries]
    temp_names = (f"x{i}" for i in range(10**9))
    # "basic" pulls common negations and factors out of sums first; it saves about a tenth of
    # the run time and a quarter of the divisions over plain CSE.
    replacements, reduced = sp.cse(exprs, symbols=(sp.Symbol(n, real=True) for n in temp_names),
                                   optimizations="basic", order="none")
    assignments, outputs = _hoist(replacements, reduced, temp_names)
    assignments = _exact_kink_arguments(assignments, outputs)
    t_cse = time.perf_counter() - t0 - t_trace - t_diff
    return types.SimpleNamespace(
        y_syms=y_syms, p_syms=p_syms, f=f, entries=entries, assignments=assignments,
        outputs=outputs, timings={"trace": t_trace, "diff": t_diff, "cse": t_cse})


def _body_lines(model, store) -> list[str]:
    """Loads, temps and stores of the generated function; ``store(k, row, col)`` -> target."""
    pr = NumbaPrinter()
    used = set()
    for _, e in model.assignments:
        used |= e.free_symbols
    for e in model.outputs:
        used |= e.free_symbols
    lines = []
    for name_list, syms, arr in ((layout_names("Y_"), model.y_syms, "y"),
                                 (layout_names("P_"), model.p_syms, "p")):
        for const, s in zip(name_list, syms):
            if s in used:
                lines.append(f"{s.name} = {arr}[{const}]")
    for sym, e in model.assignments:
        lines.append(f"{sym.name} = {pr(e)}")
    for kk, ((i, j, _), e) in enumerate(zip(model.entries, model.outputs)):
        lines.append(f"{store(kk, i, j)} = {pr(e)}")
    return lines


def render(model=None) -> str:
    """Source text of ``jac_analytic.py``."""
    if model is None:
        model = build()
    y_names = layout_names("Y_")
    n = len(y_names)
    nnz = len(model.entries)
    indptr = [0] * (n + 1)
    for _, j, _ in model.entries:
        indptr[j + 1] += 1
    for j in range(n):
        indptr[j + 1] += indptr[j]
    indices = [i for i, _, _ in model.entries]
    n_diag_zero = sum(1 for i, j, e in model.entries if i == j and e == 0)

    def wrap_ints(values, indent="    ", width=96):
        rows, cur = [], indent
        for v in values:
            piece = f"{v}, "
            if len(cur) + len(piece) > width:
                rows.append(cur.rstrip())
                cur = indent
            cur += piece
        rows.append(cur.rstrip())
        return "\n".join(rows)

    body_J = _body_lines(model, lambda kk, i, j: f"J[{y_names[i]}, {y_names[j]}]")
    ind = "    "
    text = f'''{generated_header("sim/model/rhs.py and sim/model/layout.py")}
{HASH_PREFIX}{rhs_source_hash()}
"""Exact Jacobian ``d(dydt)/dy`` of the knee model's right-hand side (:func:`sim.model.rhs.rhs`).

Derived symbolically from ``rhs`` (see :mod:`sim.codegen.jacobian_source` for the method and the
one-sided derivative used at the kinks of ``max``/``min``/clipping: the limit of a forward
finite difference). {nnz} structurally non-zero entries of {n} x {n}, including the full
diagonal ({n_diag_zero} diagonal entries are identically zero and written as 0.0).

``jac(t, y, p, J)`` writes only the entries of ``JAC_PATTERN`` into a dense ``J``; the caller
zeroes ``J`` once. ``JAC_INDPTR`` and ``JAC_INDICES`` give the pattern in compressed-column
order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.layout import *  # noqa: F403  (index constants)

SOURCE_HASH = "{rhs_source_hash()}"
JAC_NNZ = {nnz}

#: Compressed-column structure of the pattern: rows of column j are
#: ``JAC_INDICES[JAC_INDPTR[j]:JAC_INDPTR[j + 1]]``, ascending.
JAC_INDPTR = np.array([
{wrap_ints(indptr)}
], dtype=np.int64)
JAC_INDICES = np.array([
{wrap_ints(indices)}
], dtype=np.int64)

#: bool[{n}, {n}]: True at every entry that ``jac`` writes.
JAC_PATTERN = np.zeros(({n}, {n}), dtype=np.bool_)
for _j in range({n}):
    JAC_PATTERN[JAC_INDICES[JAC_INDPTR[_j]:JAC_INDPTR[_j + 1]], _j] = True
del _j
for _a in (JAC_INDPTR, JAC_INDICES, JAC_PATTERN):
    _a.setflags(write=False)
del _a


@njit(cache=True)
def jac(t, y, p, J):
    """Write the structurally non-zero entries of d(dydt)/dy into ``J``.

    Parameters
    ----------
    t : float
        Time in days (unused: the model is autonomous).
    y : float64[N_Y]
        State vector.
    p : float64[N_P]
        Parameter vector.
    J : float64[N_Y, N_Y]
        Output; entries outside ``JAC_PATTERN`` are left untouched.

    Returns
    -------
    int
        0.
    """
{chr(10).join(ind + line for line in body_J)}
    return 0

'''
    return text


# --------------------------------------------------------------------------- self-check

def _check_trace(model, n_points: int = 20, seed: int = 1) -> float:
    """Largest relative difference between the printed traced rhs and ``rhs`` itself.

    Catches tracing and printing errors at generation time: the traced expressions are printed
    with the same printer as the Jacobian, executed as plain Python, and compared with the
    compiled ``rhs`` at random states and parameters.
    """
    import numpy as np

    from sim.model.rhs import rhs

    pr = NumbaPrinter()
    lines = ["def f(y, p, out):"]
    for j, s in enumerate(model.y_syms):
        lines.append(f"    {s.name} = y[{j}]")
    for j, s in enumerate(model.p_syms):
        lines.append(f"    {s.name} = p[{j}]")
    for i, e in enumerate(model.f):
        lines.append(f"    out[{i}] = {pr(e)}")
    ns: dict = {}
    exec("\n".join(lines), ns)  # noqa: S102 - source printed from the traced model above
    rng = np.random.default_rng(seed)
    n, m = len(model.y_syms), len(model.p_syms)
    worst = 0.0
    for _ in range(n_points):
        y = rng.uniform(-0.2, 3.0, n)
        p = rng.uniform(0.1, 2.0, m)
        a, b = np.empty(n), np.empty(n)
        rhs(0.0, y, p, a)
        ns["f"](y, p, b)
        worst = max(worst, float(np.max(np.abs(a - b) / (1.0 + np.abs(a)))))
    return worst


# --------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    """Write ``jac_analytic.py`` (or, with ``--check``, compare it with a fresh generation); exit status."""
    ap = argparse.ArgumentParser(prog="python -m sim.codegen.jacobian_source", description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if jac_analytic.py is stale (full comparison if SymPy is installed)")
    args = ap.parse_args(argv)

    if args.check:
        recorded, current = committed_hash(TARGET), rhs_source_hash()
        if recorded != current:
            print(f"{TARGET.name} is stale (source-hash {recorded}, sources hash {current}); "
                  "run python -m sim.codegen", file=sys.stderr)
            return 1
        if importlib.util.find_spec("sympy") is None:
            print(f"{TARGET.name}: source hash matches (SymPy not installed: text not compared)")
            return 0
        if TARGET.read_text(encoding="utf-8") != render():
            print(f"{TARGET.name} differs from a fresh generation; run python -m sim.codegen",
                  file=sys.stderr)
            return 1
        print(f"{TARGET.name} is up to date")
        return 0

    t0 = time.perf_counter()
    model = build()
    worst = _check_trace(model)
    if not worst < 1e-12:
        print(f"traced rhs disagrees with rhs (relative {worst:.3g}); not writing", file=sys.stderr)
        return 1
    text = render(model)
    TARGET.write_text(text, encoding="utf-8")
    tm = model.timings
    print(f"wrote {TARGET.name}: {len(model.entries)} entries, {len(model.assignments)} temps; "
          f"trace {tm['trace']:.1f} s, differentiate {tm['diff']:.1f} s, cse {tm['cse']:.1f} s, "
          f"total {time.perf_counter() - t0:.1f} s; traced rhs matches to {worst:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
