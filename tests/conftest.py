"""Shared pytest configuration."""

import os

# Tests must not depend on the number of threads; pin a small, explicit pool so that runs are
# comparable, and let individual tests change it when they check thread-count independence.
os.environ.setdefault("NUMBA_NUM_THREADS", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser):
    parser.addoption("--update-baseline", action="store_true", default=False,
                     help="rewrite tests/regression/baseline_main.json from the current code (review the diff)")
