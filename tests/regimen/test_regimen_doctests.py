"""The usage examples in the docstrings of the regimen, data and conversion modules run as written."""

import doctest

import pytest

import sim.data
import sim.data.conversions
import sim.regimen
import sim.regimen.regimen


@pytest.mark.parametrize("module", [sim.regimen, sim.regimen.regimen, sim.data, sim.data.conversions],
                         ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
