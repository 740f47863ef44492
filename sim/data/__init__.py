"""Packaged trial and mechanism data, validating loaders and explicit conversions.

The files under ``sim/data/trials`` and ``sim/data/mechanisms`` are byte-for-byte copies of the
compiled literature data set described in ``sim/data/trials/README.md`` (provenance in
``sim/data/PROVENANCE.md``; digests in ``manifest.json``). Loaders return tuples of frozen row
dataclasses with values as reported; every ``path=None`` argument means the packaged file.
The trial arms and outcomes, whose rows carry parsed regimens, are loaded by
:mod:`sim.evidence` (above :mod:`sim.regimen`); ``python -m sim.evidence`` checks all of it.

>>> from sim.data import load_pooled
>>> len(load_pooled()) > 0
True
"""

from sim.data.conversions import (
    PERCENT_0_100,
    VAS_0_10,
    VAS_0_100,
    WOMAC_LIKERT_TOTAL,
    ci95_to_sd,
    convert_scale,
    iqr_to_sd,
    median_iqr_to_mean,
    se_to_sd,
    spread_to_sd,
)
from sim.data.loaders import (
    ParameterRow,
    ParameterTable,
    PooledRow,
    RetentionRow,
    load_parameters_table,
    load_pooled,
    load_retention,
)
from sim.data.manifest import verify_manifest
from sim.data.reading import DataError, DataIssue, UnknownParameterError, packaged_path

__all__ = [
    "DataError",
    "DataIssue",
    "PERCENT_0_100",
    "ParameterRow",
    "ParameterTable",
    "PooledRow",
    "RetentionRow",
    "UnknownParameterError",
    "VAS_0_10",
    "VAS_0_100",
    "WOMAC_LIKERT_TOTAL",
    "ci95_to_sd",
    "convert_scale",
    "iqr_to_sd",
    "load_parameters_table",
    "load_pooled",
    "load_retention",
    "median_iqr_to_mean",
    "packaged_path",
    "se_to_sd",
    "spread_to_sd",
    "verify_manifest",
]
