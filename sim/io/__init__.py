"""Files: every layout ``sim`` writes, each with its schema version and its reader.

* :mod:`sim.io.hdf5` -- the only module that imports h5py: nested dicts to and from HDF5.
* :mod:`sim.atomic` -- the one atomic writer (temporary name, then rename) for every file
  (below every package that writes; re-exported here).
* :mod:`sim.io.versioned_layout` -- what the layouts share: the version check and :class:`FileFormatError`.
* Layouts: :mod:`~sim.io.result_file` (``sim-run``), :mod:`~sim.io.trial_file` (``sim-trial``),
  :mod:`~sim.io.findings_file` (``sim-findings``), :mod:`~sim.io.calibration_file`
  (``sim-calibrate``), :mod:`~sim.io.lesion_file` (lesion and two-way runs),
  :mod:`~sim.io.sensitivity_file` and :mod:`~sim.io.sweep_table` (sweeps; chunk files and
  the manifest are written by :mod:`sim.sweep.store` through :func:`write_tree`).

:mod:`sim.io` imports no package above it (sweeps, CLIs, calibration, findings, plotting).
"""

from sim.atomic import write_atomic, write_text_atomic
from sim.io.hdf5 import read_dims, read_tree, write_tree
from sim.io.result_file import ResultFile, read_result
from sim.io.sweep_table import SweepTable, load_sweep
from sim.io.versioned_layout import FileFormatError

__all__ = ["FileFormatError", "ResultFile", "SweepTable", "load_sweep", "read_dims", "read_result", "read_tree",
           "write_atomic", "write_text_atomic", "write_tree"]
