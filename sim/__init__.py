"""sim: an in-silico knee osteoarthritis simulator for intra-articular cell therapy.

Model (``sim.model``) · Regimen (``sim.regimen``) · Simulation (``sim.simulate``) ·
Result (``sim.Result``) · observation models (``sim.observe``) · files (``sim.io``) ·
figures (``sim.plotting``).

>>> import sim
>>> res = sim.simulate(sim.Patient(kl_grade=3), "msc(cells=1e8,source=bm,allogeneic=0)@0", t_end=365)
>>> womac = sim.observe(res, "WOMAC_total")
"""

from sim import _numba_cache

_numba_cache.configure()

from sim.experiment import Experiment, format_table, run_experiment  # noqa: E402
from sim.model.parameters import PARAMETERS  # noqa: E402
from sim.model.patient import Patient
from sim.model.states import STATES
from sim.observe import MEASURES, observe, observe_all
from sim.regimen import Regimen, RegimenError
from sim.result import Result
from sim.simulation import simulate
from sim.solver import SolverOptions
from sim import io  # noqa: E402,I001  (sim.io.load_sweep / read_tree after a plain `import sim`)

__version__ = "0.1.0"

__all__ = [
    "Experiment", "MEASURES", "PARAMETERS", "Patient", "Regimen", "RegimenError", "Result", "STATES",
    "SolverOptions", "format_table", "io", "observe", "observe_all", "run_experiment", "simulate",
]
