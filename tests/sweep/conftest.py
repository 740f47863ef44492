"""Fixtures for sweep tests (helpers live in ``sweep_support``)."""

import pytest
from sweep_support import AXES, BASE

from sim.sweep import SweepDefinition


@pytest.fixture
def definition() -> SweepDefinition:
    """12 points (3 x 2 x 2) in chunks of 5; doses < 0 fail in ``toy_evaluate``."""
    return SweepDefinition(AXES, chunk_size=5, base=BASE, name="unit")
