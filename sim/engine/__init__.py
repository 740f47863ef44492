"""The knee model made runnable: the compiled bundle every simulation integrates.

* :mod:`sim.engine.compiled`: :data:`~sim.engine.compiled.KNEE`, the model's ``rhs``, exact
  Jacobian, sparsity pattern, generated sparse LU, state scale and specialised kernel, bundled
  for the generic integrator of :mod:`sim.solver`;
* :mod:`sim.engine.jacobian`: the probed sparsity pattern of the Jacobian (finite differences);
* :mod:`sim.engine.generated`: the modules generated from the model by ``python -m sim.codegen``.

The model's declaration (:mod:`sim.model`) knows nothing of any of this; this package joins it
to the solver.
"""
