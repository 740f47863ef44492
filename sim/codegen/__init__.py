"""Generators of the engine's derived modules (dev-time; not part of the installed package).

``python -m sim.codegen`` rewrites, in order, the index constants ``sim/model/layout.py`` and
the modules of :mod:`sim.engine.generated`: the exact Jacobian (:mod:`sim.codegen.jacobian_source`,
needs SymPy: ``pip install -e '.[codegen]'``), the straight-line sparse LU for its pattern
(:mod:`sim.codegen.lu`) and the ensemble kernel specialised to the knee model
(:mod:`sim.codegen.kernel`); ``python -m sim.codegen --check`` only reports whether they are
stale. Users never run this: the generated modules are committed, and the wheel ships them
without this package.

Every generated module starts with an ``@generated`` line (:func:`generated_header`) and
records the hash of the sources it was generated from (``# source-hash:``, see
:func:`sim.provenance.sources_hash`); tests fail while any of them is stale.
"""

from __future__ import annotations

__all__ = ["REGENERATE", "generated_header"]

#: The command that regenerates every generated module.
REGENERATE = "python -m sim.codegen"


def generated_header(sources: str) -> str:
    """First line of a generated module: the ``@generated`` mark, what it comes from, how to redo it.

    Parameters
    ----------
    sources : str
        What the module is generated from, in words (e.g. ``"sim/model/rhs.py"``).
    """
    return f"# @generated from {sources} by ``{REGENERATE}``: do not edit by hand."
