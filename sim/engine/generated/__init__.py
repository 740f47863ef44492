"""Modules generated from the knee model by ``python -m sim.codegen``; do not edit by hand.

* :mod:`~sim.engine.generated.jac_analytic`: the exact Jacobian of ``sim/model/rhs.py``;
* :mod:`~sim.engine.generated.knee_lu`: the straight-line sparse LU for its pattern;
* :mod:`~sim.engine.generated.knee_kernel`: the ensemble kernel specialised to the knee model.

Each starts with an ``@generated`` line and records the hash of its sources; tests fail while
any of them is stale.
"""
