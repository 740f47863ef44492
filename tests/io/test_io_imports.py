"""``sim.io`` stands below ``sim.sweep``: it loads aggregated sweeps without importing it."""

import subprocess
import sys


def test_load_sweep_after_import_sim_without_importing_sweep():
    code = ("import sys, sim; f = sim.io.load_sweep; "
            "assert 'sim.sweep' not in sys.modules, 'sim.io imported sim.sweep'; "
            "import sim.sweep; assert sim.sweep.load_sweep is f")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
