"""Reading and writing result files. :mod:`sim.io.hdf5` is the only module that imports h5py."""

from sim.io.hdf5 import read_tree, write_tree

__all__ = ["read_tree", "write_tree"]
