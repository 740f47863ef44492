"""The knee model's right-hand side as SBML Level 3 infix formulas, traced from ``rhs.py``.

Nothing here restates an equation: :func:`sim.model.symbolic.trace_rhs` runs the Python
body of the Numba kernel on SymPy symbols, and this module prints the resulting expressions in
the infix syntax that libSBML's ``parseL3Formula`` reads. A change of ``rhs.py`` therefore
reaches the export the next time it is generated.

Kinks are printed as calls of three SBML function definitions (:data:`KINK_FUNCTIONS`) whose
bodies evaluate exactly what the kernel evaluates:

* ``_pos(x)`` (``x if x > 0.0 else 0.0``) -> ``pos(x)`` = ``piecewise(x, x > 0, 0)``;
* ``max(a, b)`` (Python keeps ``a`` unless ``b > a``) -> ``max2(a, b)`` = ``piecewise(b, b > a, a)``;
* ``min(a, b)`` (Python keeps ``a`` unless ``b < a``) -> ``min2(a, b)`` = ``piecewise(b, b < a, a)``;
* ``abs(x)`` -> ``abs(x)``.

Function definitions keep the file small (a ``piecewise`` names its argument twice, which
doubles at every level of nesting) and readable; ``piecewise`` is MathML of every SBML level,
so no simulator needs the Level 3 Version 2 ``max``/``min`` elements. Floats are printed with
``repr``; libSBML then writes numbers (here and in parameter values) with 15 significant
digits, a relative rounding of at most 5e-16.

Needs SymPy (the ``codegen`` extra, which the ``sbml`` extra includes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sim.model.parameters import PARAMETER_NAMES
from sim.model.states import STATE_NAMES

#: Name of the SBML parameter that holds the study day at SBML time 0 (see :mod:`sim.export`).
T_START = "t_start"

#: SBML function definitions for the kinks: id -> (arguments, body), L3 infix.
KINK_FUNCTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "pos": (("x",), "piecewise(x, x > 0, 0)"),
    "max2": (("a", "b"), "piecewise(b, b > a, a)"),
    "min2": (("a", "b"), "piecewise(b, b < a, a)"),
}


@dataclass(frozen=True)
class RateFormulas:
    """dy/dt of every state as L3 formula text over state and parameter names.

    Attributes
    ----------
    rates : tuple of str
        ``rates[i]`` is d(state i)/dt in the state's unit per day; shape (n_states,), in the
        order of :data:`sim.model.states.STATE_NAMES`.
    uses_time : bool
        True if the right-hand side depends on time explicitly (then the formulas refer to
        the study day as ``(time + t_start)``).
    """

    rates: tuple[str, ...]
    uses_time: bool


@lru_cache(maxsize=1)
def rate_formulas() -> RateFormulas:
    """Trace ``rhs`` and print each component as an SBML L3 infix formula (cached per process)."""
    from sim.model.symbolic import trace_rhs

    y_syms, p_syms, f = trace_rhs()
    # The layout constants and the declaration tables must name the same things in the same
    # order; the symbols take their names from the former, SBML ids from the latter.
    names = {}
    clash = set(KINK_FUNCTIONS) & (set(STATE_NAMES) | set(PARAMETER_NAMES) | {T_START})
    if clash:
        raise RuntimeError(f"state/parameter names {sorted(clash)} clash with SBML function names")
    for syms, table, prefix in ((y_syms, STATE_NAMES, "y_"), (p_syms, PARAMETER_NAMES, "p_")):
        # (layout constants are upper case, so compare case-insensitively: K_il1 -> p_k_il1)
        if [s.name for s in syms] != [(prefix + n).lower() for n in table]:
            raise RuntimeError(f"layout.py and the {prefix[0]}-table disagree; regenerate the layout")
        names.update({s: n for s, n in zip(syms, table)})
    printer = _L3Printer(names)
    rates = tuple(printer(e) for e in f)
    return RateFormulas(rates=rates, uses_time=printer.used_time)


class _L3Printer:
    """Print the SymPy subset produced by tracing ``rhs`` as libSBML L3 infix text.

    Every compound operand is parenthesised: the text is parsed into MathML, so clarity of
    the infix form matters less than never depending on a precedence rule.
    """

    def __init__(self, names: dict):
        from sim.model.symbolic import kinks

        self.k = kinks()
        self.names = names
        self.used_time = False

    def __call__(self, expr) -> str:
        sp = self.k.sp
        e = expr
        if e.is_Symbol:
            if e in self.names:
                return self.names[e]
            if e.name == "t":
                self.used_time = True
                return f"(time + {T_START})"
            raise ValueError(f"symbol {e.name!r} is neither a state nor a parameter")
        if e.is_Number:
            return _number(e)
        if e.is_Add:
            return "(" + " + ".join(self(a) for a in e.args) + ")"
        if e.is_Mul:
            return "(" + " * ".join(self(a) for a in e.args) + ")"
        if e.is_Pow:
            base, ex = e.args
            if ex == -1:
                return f"(1 / {self(base)})"
            return f"({self(base)} ^ {self(ex)})"
        t = type(e)
        if t is self.k.Pos:
            return f"pos({self(e.args[0])})"
        if t is self.k.Max2:
            return f"max2({self(e.args[0])}, {self(e.args[1])})"
        if t is self.k.Min2:
            return f"min2({self(e.args[0])}, {self(e.args[1])})"
        if t is self.k.Abs1:
            return f"abs({self(e.args[0])})"
        if isinstance(e, (sp.exp, sp.log)) and len(e.args) == 1:
            return f"{'exp' if isinstance(e, sp.exp) else 'ln'}({self(e.args[0])})"
        raise ValueError(f"cannot export {type(e).__name__} to SBML: {e}")


def _number(x) -> str:
    """A SymPy number as L3 text with every digit of its float64 value."""
    if x.is_Integer:
        return f"({int(x)})" if x < 0 else str(int(x))
    v = float(x)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"non-finite constant {v} in the model")
    s = repr(v)
    return f"({s})" if v < 0 else s
