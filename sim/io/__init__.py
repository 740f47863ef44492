"""Reading and writing result files. :mod:`sim.io.hdf5` is the only module that imports h5py."""

from sim.io.hdf5 import read_dims, read_tree, write_tree
from sim.io.sweep_table import SweepTable, load_sweep

__all__ = ["SweepTable", "load_sweep", "read_dims", "read_tree", "write_tree"]
