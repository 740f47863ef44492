"""The knee model's right-hand side as SymPy expressions, traced from ``rhs.py`` itself.

``rhs`` is straight-line code over scalars. Its Python body (``rhs.py_func``) is re-bound to a
copy of its module globals in which ``_pos``, ``_sat``, ``max``, ``min`` and ``abs`` build
symbolic expressions, and is called with lists of SymPy symbols for ``y`` and ``p`` and a list
that receives the right-hand-side expressions. Any construct the tracer cannot follow (a Python
``if`` on a state, a call to an unknown function) raises during tracing instead of being
silently mis-translated. Nothing here restates an equation.

Kinks
-----
The model is only piecewise smooth: ``_pos`` (clip at zero), ``_sat`` (clip, then saturate),
``max`` and ``min``. Away from a kink the Jacobian is the ordinary derivative. At a kink the
Jacobian generated from the trace returns the one-sided derivative in the direction of increasing ``y_j`` -- the
value a forward finite difference with a vanishing step converges to -- by forward-mode
differentiation with one-sided rules. For a kink argument ``g`` with ``dg = dg/dy_j``:

* ``max(g, 0)``: ``dg`` if ``g > 0``; ``0`` if ``g < 0``; ``max(dg, 0)`` if ``g == 0``.
  Hence ``d/dx max(x, 0) = 1`` at ``x = 0`` (an undosed product sitting at zero), while
  ``d/dx max(1 - x, 0) = 0`` at ``x = 1`` (a healthy matrix at capacity);
* ``max(a, b)``: ``da`` if ``a > b``; ``db`` if ``b > a``; ``max(da, db)`` on a tie;
* ``min(a, b)``: likewise, ``min(da, db)`` on a tie;
* ``abs(g)``: ``dg`` if ``g > 0``; ``-dg`` if ``g < 0``; ``|dg|`` if ``g == 0``.

Two users: the SBML export (:mod:`sim.export.formulas`, ``sbml`` extra) and the generator of
the exact Jacobian (:mod:`sim.codegen.jacobian_source`, dev-time). Both need SymPy; importing this
module does not (it is imported on first use), so :func:`rhs_source_hash` works without it.
"""

from __future__ import annotations

import types
from functools import lru_cache
from pathlib import Path

from sim.provenance import sources_hash

__all__ = ["RHS_SOURCES", "integral_floats", "kinks", "layout_names", "rhs_source_hash", "trace_rhs"]

_MODEL_DIR = Path(__file__).resolve().parent
#: Files whose text determines the traced right-hand side (and so the generated Jacobian).
RHS_SOURCES = (_MODEL_DIR / "rhs.py", _MODEL_DIR / "layout.py")


def rhs_source_hash() -> str:
    """Hash of the text of ``rhs.py`` and ``layout.py`` (hex, 16 characters; line endings normalised)."""
    return sources_hash(RHS_SOURCES)


@lru_cache(maxsize=1)
def kinks():
    """SymPy function classes for the model's kinks and their one-sided derivatives.

    Built on first use so that importing this module (for :func:`rhs_source_hash`) needs no SymPy.
    Value nodes (``Pos``, ``Max2``, ``Min2``, ``Abs1``) differentiate by the one-sided rules of
    the module docstring ("Kinks"); derivative nodes (``StepGE``, ``StepGT``, ``PosD``, ``MaxD``,
    ``MinD``, ``AbsD``) only ever appear in the Jacobian and are never differentiated.
    """
    import sympy as sp

    S = sp.S

    def known_sign(d):
        """+1 if ``d >= 0`` is certain, -1 if ``d <= 0`` is certain, else 0."""
        if d.is_nonnegative:
            return 1
        if d.is_nonpositive:
            return -1
        return 0

    class _Kink(sp.Function):
        """Common base: real-valued, finite when its arguments are."""

        def _eval_is_extended_real(self):
            return True

        def _eval_is_finite(self):
            return all(a.is_finite for a in self.args) or None

    class _Derivative(_Kink):
        def _eval_derivative(self, s):
            raise NotImplementedError(f"{type(self).__name__} is not differentiated twice")

    class StepGE(_Derivative):
        """1 if x >= 0 else 0."""

        nargs = 1

        @classmethod
        def eval(cls, x):
            if x.is_Number:
                return S.One if x >= 0 else S.Zero

        def _eval_is_extended_nonnegative(self):
            return True

    class StepGT(_Derivative):
        """1 if x > 0 else 0."""

        nargs = 1

        @classmethod
        def eval(cls, x):
            if x.is_Number:
                return S.One if x > 0 else S.Zero

        def _eval_is_extended_nonnegative(self):
            return True

    class PosD(_Derivative):
        """One-sided derivative of max(g, 0) along a direction in which g changes by d."""

        nargs = 2

    class MaxD(_Derivative):
        """One-sided derivative of max(a, b), the arguments changing by da, db."""

        nargs = 4

    class MinD(_Derivative):
        """One-sided derivative of min(a, b), the arguments changing by da, db."""

        nargs = 4

    class AbsD(_Derivative):
        """One-sided derivative of abs(g), g changing by d."""

        nargs = 2

    def pos_derivative(g, d):
        sign = known_sign(d)
        if d == 0:
            return S.Zero
        if sign > 0:
            return d * StepGE(g)
        if sign < 0:
            return d * StepGT(g)
        return PosD(g, d)

    def select_derivative(a, b, da, db, upper):
        """d/ds of max(a, b) (upper) or min(a, b), reduced where the tie value is known."""
        if da == 0 and db == 0:
            return S.Zero
        sign = known_sign(da - db)
        if sign == 0:
            return (MaxD if upper else MinD)(a, b, da, db)
        # The tie takes the larger (max) or smaller (min) one-sided slope; ``da`` wins the
        # tie when ``sign`` says it is that one.
        a_wins_tie = (sign > 0) == upper
        if upper:
            a_selected = StepGE(a - b) if a_wins_tie else StepGT(a - b)
        else:
            a_selected = StepGE(b - a) if a_wins_tie else StepGT(b - a)
        return db + (da - db) * a_selected

    class Pos(_Kink):
        """max(x, 0), as ``_pos`` in rhs.py."""

        nargs = 1

        @classmethod
        def eval(cls, x):
            if x.is_Number:
                return x if x > 0 else S.Zero
            if isinstance(x, Pos) or x.is_nonnegative:
                return x

        def _eval_is_extended_nonnegative(self):
            return True

        def _eval_derivative(self, s):
            g = self.args[0]
            return pos_derivative(g, g.diff(s))

    class Max2(_Kink):
        """max(a, b)."""

        nargs = 2

        @classmethod
        def eval(cls, a, b):
            if a.is_Number and b.is_Number:
                return a if not b > a else b

        def _eval_derivative(self, s):
            a, b = self.args
            return select_derivative(a, b, a.diff(s), b.diff(s), upper=True)

    class Min2(_Kink):
        """min(a, b)."""

        nargs = 2

        @classmethod
        def eval(cls, a, b):
            if a.is_Number and b.is_Number:
                return a if not b < a else b

        def _eval_derivative(self, s):
            a, b = self.args
            return select_derivative(a, b, a.diff(s), b.diff(s), upper=False)

    class Abs1(_Kink):
        """abs(x)."""

        nargs = 1

        @classmethod
        def eval(cls, x):
            if x.is_Number:
                return abs(x)

        def _eval_is_extended_nonnegative(self):
            return True

        def _eval_derivative(self, s):
            g = self.args[0]
            d = g.diff(s)
            if d == 0:
                return S.Zero
            sign = known_sign(d)
            if sign > 0:
                return d * (2 * StepGE(g) - 1)
            if sign < 0:
                return d * (2 * StepGT(g) - 1)
            return AbsD(g, d)

    return types.SimpleNamespace(
        sp=sp, Pos=Pos, Max2=Max2, Min2=Min2, Abs1=Abs1, StepGE=StepGE, StepGT=StepGT,
        PosD=PosD, MaxD=MaxD, MinD=MinD, AbsD=AbsD,
        conditional=(Pos, StepGE, StepGT, PosD, MaxD, MinD, AbsD, Abs1),
    )




def layout_names(prefix: str) -> list[str]:
    """Layout constant names ``Y_*`` or ``P_*`` ordered by index."""
    from sim.model import layout

    names = {v: k for k, v in vars(layout).items() if k.startswith(prefix) and isinstance(v, int)}
    if sorted(names) != list(range(len(names))):
        raise RuntimeError(f"layout.py: {prefix}* indices are not 0..n-1")
    return [names[i] for i in range(len(names))]


def trace_rhs():
    """Symbolic right-hand side.

    Returns
    -------
    y_syms, p_syms : list of sympy.Symbol
        Symbols named after the layout constants (``Y_AGGRECAN`` -> ``y_aggrecan``).
    f : list of sympy.Expr
        ``f[i]`` is the expression that ``rhs`` writes into ``dydt[i]``.
    """
    k = kinks()
    sp = k.sp
    from sim.model import rhs as rhs_module

    def sym_max(*args):
        if len(args) == 1:
            args = tuple(args[0])
        out = sp.sympify(args[0])
        for a in args[1:]:  # left fold, as Python keeps the first of equal maxima
            out = k.Max2(out, sp.sympify(a))
        return out

    def sym_min(*args):
        if len(args) == 1:
            args = tuple(args[0])
        out = sp.sympify(args[0])
        for a in args[1:]:
            out = k.Min2(out, sp.sympify(a))
        return out

    def sym_pos(x):
        return k.Pos(sp.sympify(x))

    def sym_sat(x, kk):
        s = k.Pos(sp.sympify(x))
        return s / (kk + s)

    def sym_abs(x):
        return k.Abs1(sp.sympify(x))

    fn = rhs_module.rhs.py_func
    env = dict(fn.__globals__)
    env.update(_pos=sym_pos, _sat=sym_sat, max=sym_max, min=sym_min, abs=sym_abs)
    traced = types.FunctionType(fn.__code__, env, fn.__name__, fn.__defaults__, fn.__closure__)

    y_syms = [sp.Symbol(n.lower(), real=True) for n in layout_names("Y_")]
    p_syms = [sp.Symbol(n.lower(), real=True) for n in layout_names("P_")]
    out: list = [None] * len(y_syms)
    traced(sp.Symbol("t", real=True), list(y_syms), list(p_syms), out)
    missing = [i for i, e in enumerate(out) if e is None]
    if missing:
        raise RuntimeError(f"rhs leaves dydt{missing} unset")
    f = [integral_floats(sp.sympify(e)) for e in out]
    return y_syms, p_syms, f


def integral_floats(expr):
    """Replace integer-valued Floats (1.0, 1e6) by Integers so that SymPy can cancel them."""
    sp = kinks().sp
    subs = {a: sp.Integer(int(a)) for a in expr.atoms(sp.Float) if float(a).is_integer()}
    return expr.xreplace(subs) if subs else expr

