"""``python -m sim.codegen``: regenerate the engine's derived modules, or check that they are fresh.

Writes, in order (each step in a fresh interpreter, which imports the files the steps before
it wrote):

1. ``sim/model/layout.py``, index constants from the state and parameter tables;
2. ``sim/engine/generated/jac_analytic.py``, the exact Jacobian of ``rhs``
   (:mod:`sim.codegen.jacobian_source`, needs SymPy: ``pip install -e '.[codegen]'``);
3. ``sim/engine/generated/knee_lu.py``, the straight-line sparse LU for the Jacobian's pattern
   (:mod:`sim.codegen.lu`);
4. ``sim/engine/generated/knee_kernel.py``, the ensemble kernel specialised to the knee model:
   the integrator with ``rhs``, the Jacobian and the LU above called directly
   (:mod:`sim.codegen.kernel`);
5. ``sim/engine/generated/knee_lanes.py``, the model's functions rewritten for lockstep SIMD lanes
   of 4 patients and the lockstep integrator (:mod:`sim.codegen.lanes`).

``--check`` writes nothing and exits 1 if any of them differs from a fresh generation.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

_STEPS = (
    ["-c", "from sim.codegen.knee import write_layout; write_layout()"],
    ["-m", "sim.codegen.jacobian_source"],
    ["-c", "from sim.codegen.knee import write_lu; write_lu()"],
    ["-c", "from sim.codegen.knee import write_kernel; write_kernel()"],
    ["-c", "from sim.codegen.knee import write_lanes; write_lanes()"],
)


def check() -> int:
    """Exit status 0 if every generated module is a fresh generation, else 1 (names the stale ones)."""
    from sim.codegen import jacobian_source as jacobian
    from sim.codegen import knee
    from sim.engine.generated.jac_analytic import JAC_PATTERN

    stale = []
    if knee.LAYOUT_FILE.read_text() != knee.render_layout():
        stale.append(knee.LAYOUT_FILE.name)
    if jacobian.main(["--check"]) != 0:
        stale.append(knee.JAC_FILE.name)
    if knee.LU_FILE.read_text() != knee.render_knee_lu(JAC_PATTERN):
        stale.append(knee.LU_FILE.name)
    if knee.KERNEL_FILE.read_text(encoding="utf-8") != knee.render_knee_kernel():
        stale.append(knee.KERNEL_FILE.name)
    if knee.LANES_FILE.read_text(encoding="utf-8") != knee.render_knee_lanes():
        stale.append(knee.LANES_FILE.name)
    if stale:
        print(f"stale: {', '.join(stale)}; run python -m sim.codegen", file=sys.stderr)
        return 1
    print("generated modules are up to date")
    return 0


def main(argv=None) -> int:
    """Regenerate every generated module (or, with ``--check``, only compare); exit status."""
    ap = argparse.ArgumentParser(prog="python -m sim.codegen", description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated module is stale")
    args = ap.parse_args(argv)
    if args.check:
        return check()
    for step in _STEPS:
        code = subprocess.run([sys.executable, *step], check=False).returncode
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
