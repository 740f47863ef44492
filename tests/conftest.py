"""Shared pytest configuration."""

import os

import pytest

# Tests must not depend on the number of threads; pin a small, explicit pool so that runs are
# comparable, and let individual tests change it when they check thread-count independence.
os.environ.setdefault("NUMBA_NUM_THREADS", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser):
    parser.addoption("--update-baseline", action="store_true", default=False,
                     help="rewrite tests/regression/baseline_main.json from the current code (review the diff)")


@pytest.fixture
def solve_sizes(monkeypatch):
    """Rows of every ``KNEE.solve_ensemble`` call made while the test runs (list of int)."""
    from sim.engine.compiled import KNEE

    sizes = []
    real = KNEE.solve_ensemble.__func__

    def counting(self, y0, *args, **kwargs):
        sizes.append(y0.shape[0])
        return real(self, y0, *args, **kwargs)

    monkeypatch.setattr(type(KNEE), "solve_ensemble", counting)
    return sizes
