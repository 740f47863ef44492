"""Reading and writing result files. :mod:`sim.io.hdf5` is the only module that imports h5py."""

from sim.io.hdf5 import read_dims, read_tree, write_tree

__all__ = ["load_sweep", "read_dims", "read_tree", "write_tree"]


def __getattr__(name):
    # Lazy: sim.sweep imports sim.io, so a direct import here would be circular.
    if name == "load_sweep":
        from sim.sweep.aggregate import load_sweep

        return load_sweep
    raise AttributeError(f"module 'sim.io' has no attribute {name!r}")
