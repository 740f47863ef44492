"""Print the SymPy expressions traced from ``rhs.py`` as float64 Python/Numba source.

Used by :mod:`sim.codegen.jacobian_source` for the generated Jacobian and its self-check. The printer
handles exactly the subset tracing produces: symbols, numbers, sums, products, integer powers
and the model's kink functions (:func:`sim.model.symbolic.kinks`), with the precedence-aware
parenthesisation Python needs.
"""

from __future__ import annotations

from sim.model.symbolic import kinks

__all__ = ["NumbaPrinter"]

_ATOM, _POW, _MUL, _UNARY, _ADD = 5, 4, 3, 2, 1


class NumbaPrinter:
    """Print the SymPy subset produced by tracing as float64 Python/Numba source."""

    def __init__(self):
        self.k = kinks()

    def __call__(self, expr) -> str:
        """Source text of ``expr``."""
        return self._print(expr)[0]

    def _wrap(self, expr, min_prec: int) -> str:
        s, prec = self._print(expr)
        return s if prec >= min_prec else f"({s})"

    @staticmethod
    def number(x) -> str:
        """Shortest float64 literal of the SymPy number ``x`` that reads back exactly."""
        v = float(x)
        s = repr(v)
        if s in ("inf", "-inf", "nan"):
            raise ValueError(f"non-finite constant {s} in generated code")
        return s

    def _print(self, e):
        k = self.k
        if e.is_Symbol:
            return e.name, _ATOM
        if e.is_Number:
            s = self.number(e)
            return s, (_UNARY if s.startswith("-") else _ATOM)
        if e.is_Add:
            return self._add(e), _ADD
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            b, x = e.args
            if not x.is_Integer:
                raise ValueError(f"non-integer power in model: {e}")
            n = int(x)
            if n > 0:
                return self._power(b, n), (_ATOM if n == 1 else _MUL)
            return f"1.0 / {self._denominator([(b, -n)])}", _MUL
        t = type(e)
        if t is k.Pos:
            g = self._wrap(e.args[0], _ATOM)
            return f"({g} if {g} > 0.0 else 0.0)", _ATOM
        if t is k.StepGE:
            g = self._wrap(e.args[0], _ATOM)
            return f"(1.0 if {g} >= 0.0 else 0.0)", _ATOM
        if t is k.StepGT:
            g = self._wrap(e.args[0], _ATOM)
            return f"(1.0 if {g} > 0.0 else 0.0)", _ATOM
        if t is k.Max2:
            return f"max({self(e.args[0])}, {self(e.args[1])})", _ATOM
        if t is k.Min2:
            return f"min({self(e.args[0])}, {self(e.args[1])})", _ATOM
        if t is k.Abs1:
            return f"abs({self(e.args[0])})", _ATOM
        if t is k.PosD:
            g, d = (self._wrap(a, _ATOM) for a in e.args)
            return f"({d} if {g} > 0.0 or ({g} == 0.0 and {d} > 0.0) else 0.0)", _ATOM
        if t is k.MaxD:
            a, b, da, db = (self._wrap(x, _ATOM) for x in e.args)
            return f"({da} if {a} > {b} else ({db} if {b} > {a} else max({da}, {db})))", _ATOM
        if t is k.MinD:
            a, b, da, db = (self._wrap(x, _ATOM) for x in e.args)
            return f"({da} if {a} < {b} else ({db} if {b} < {a} else min({da}, {db})))", _ATOM
        if t is k.AbsD:
            g, d = (self._wrap(a, _ATOM) for a in e.args)
            return f"({d} if {g} > 0.0 else (-{d} if {g} < 0.0 else abs({d})))", _ATOM
        raise ValueError(f"cannot print {type(e).__name__}: {e}")

    def _power(self, b, n: int) -> str:
        if n == 1:
            return self._wrap(b, _POW)
        if not b.is_Symbol:  # the Jacobian hoists compound bases; only the self-check gets here
            return f"{self._wrap(b, _ATOM)}**{n}"
        return "*".join([b.name] * n)

    def _denominator(self, factors) -> str:
        if len(factors) == 1 and factors[0][1] == 1:
            return self._wrap(factors[0][0], _POW)
        return "(" + "*".join(self._power(b, n) for b, n in factors) + ")"

    def _mul(self, e):
        coeff, factors = e.as_coeff_mul()
        num, den = [], []
        for f in factors:
            if f.is_Pow and f.args[1].is_Integer and int(f.args[1]) < 0:
                den.append((f.args[0], -int(f.args[1])))
            else:
                num.append(f)
        sign = ""
        if coeff < 0:
            sign, coeff = "-", -coeff
        parts = [] if coeff == 1 and num else [self.number(coeff)]
        parts += [self._wrap(f, _MUL) if not f.is_Pow else self._print(f)[0] for f in num]
        s = "*".join(parts)
        if den:
            s = f"{s} / {self._denominator(den)}"
        return sign + s, (_UNARY if sign else _MUL)

    def _add(self, e) -> str:
        out = []
        for i, term in enumerate(e.args):
            neg = term.could_extract_minus_sign() and (term.is_Mul or term.is_Number)
            s = self._wrap(-term if neg else term, _MUL if neg else _ADD)
            if i == 0:
                out.append(("-" + s) if neg else s)
            else:
                out.append((" - " if neg else " + ") + s)
        return "".join(out)


# --------------------------------------------------------------------------- code generation
