"""Throughput of the lesion agent-based model against its NumPy/Python reference.

Set-up: 256 x 256 lattice of 50 um voxels (6.4 mm cartilage over bone, 11.2 mm wide
full-thickness defect seeded with MSCs), ~1e5 agents, 4 diffusing fields, 15-minute steps.
Both implementations advance copies of the same state in the same process; the reference
runs fewer steps (it is slow) and the ratio compares time per step.

Also times one simulated year of the clinical-size defect at hourly steps (skipped with
``--quick``).

The last line printed is
``agent_updates_per_s=<x> voxel_updates_per_s=<y> vs_reference=<ratio>x``.

Usage: ``python benchmarks/bench_lesion.py [--quick]``
"""

from __future__ import annotations

import argparse
import time

import numba

from sim.lesion import LesionDrivers, LesionGeometry, LesionSimulation
from sim.lesion.reference import reference_step

GEO = LesionGeometry(width_mm=12.8, defect_width_mm=11.2, cartilage_thickness_mm=6.4,
                     bone_depth_mm=6.35, dx_um=50.0)


def make():
    return LesionSimulation(GEO, None, LesionDrivers.constant(msc_influx=1e5, il1=1.5),
                            dt_days=0.25 / 24, initial_msc_per_mm3=2.7e4, seed=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few steps, no one-year run")
    args = ap.parse_args()
    n_fast, n_ref = (20, 1) if args.quick else (200, 2)

    fast = make()
    for _ in range(3):  # load kernels from cache and let the fields leave their zero start
        fast.step()
    ny, nx = GEO.shape
    print(f"lattice {ny} x {nx}, agents {fast.n}, fields 4, substeps {fast.n_substeps}, "
          f"threads {numba.get_num_threads()}")
    agent_updates = 0
    t0 = time.perf_counter()
    for _ in range(n_fast):
        agent_updates += fast.n
        fast.step()
    t_fast = time.perf_counter() - t0
    voxel_updates = ny * nx * 4 * fast.n_substeps * n_fast

    ref = make()
    for _ in range(3):
        ref.step()
    t0 = time.perf_counter()
    for _ in range(n_ref):
        reference_step(ref)
    t_ref = time.perf_counter() - t0
    ratio = (t_ref / n_ref) / (t_fast / n_fast)
    print(f"numba: {t_fast / n_fast * 1e3:.2f} ms/step; reference: {t_ref / n_ref * 1e3:.0f} "
          f"ms/step")

    if not args.quick:
        sim = LesionSimulation(LesionGeometry.clinical(), None,
                               LesionDrivers.from_injections(365, [4e7]), dt_days=1.0 / 24)
        t0 = time.perf_counter()
        res = sim.run(365.0, record_every_days=1.0)
        print(f"one year, clinical defect {LesionGeometry.clinical().shape}, hourly steps: "
              f"{time.perf_counter() - t0:.1f} s wall, fill {res.final('defect_fill'):.2f}, "
              f"{res.provenance['agent_updates']:.3g} agent updates")
    print(f"agent_updates_per_s={agent_updates / t_fast:.3g} "
          f"voxel_updates_per_s={voxel_updates / t_fast:.3g} vs_reference={ratio:.0f}x")


if __name__ == "__main__":
    main()
