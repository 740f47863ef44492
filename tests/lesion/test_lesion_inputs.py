"""Bad input gets a clear ValueError naming the field."""

import numpy as np
import pytest

from sim.lesion import (
    DriverError,
    GeometryError,
    LesionDrivers,
    LesionGeometry,
    LesionParameterError,
    LesionParams,
    LesionSimulation,
    StabilityError,
    simulate_lesion,
)
from sim.lesion.config import ConfigError, build_from_config


@pytest.mark.parametrize("field,value", [("width_mm", -1.0), ("dx_um", 0.0),
                                         ("cartilage_thickness_mm", -2.0),
                                         ("bone_depth_mm", -0.1), ("fluid_rows", 0)])
def test_negative_or_zero_sizes(field, value):
    with pytest.raises(GeometryError, match=field):
        LesionGeometry(**{field: value})


def test_defect_wider_than_lattice():
    with pytest.raises(GeometryError, match="defect_width_mm"):
        LesionGeometry(width_mm=1.0, defect_width_mm=2.0)


def test_unknown_and_out_of_bounds_parameters():
    with pytest.raises(LesionParameterError, match="unknown lesion parameter 'D_foo'.*D_msc"):
        LesionParams(D_foo=1.0)
    with pytest.raises(LesionParameterError, match="t_diff"):
        LesionParams(t_diff=-3.0)
    assert issubclass(LesionParameterError, ValueError)


def test_dt_beyond_stability_limits():
    with pytest.raises(StabilityError, match="field 'sdf'.*n_substeps >="):
        LesionSimulation(LesionGeometry.small(), n_substeps=1)
    with pytest.raises(StabilityError, match="dt_days=2 .*D_msc"):
        LesionSimulation(LesionGeometry.small(), {"D_msc": 0.01}, dt_days=2.0)
    with pytest.raises(ValueError, match="dt_days"):
        LesionSimulation(LesionGeometry.small(), dt_days=-1.0)


def test_unknown_field_names():
    res = simulate_lesion(LesionGeometry.small(), days=0.5, snapshot_days=(0.5,))
    assert res.field("tgfb").shape == LesionGeometry.small().shape
    with pytest.raises(ValueError, match="unknown field 'tnf'.*sdf, il1, anti, tgfb"):
        res.field("tnf")


def test_bad_drivers():
    with pytest.raises(DriverError, match="'il1'"):
        LesionDrivers(t=np.array([0.0, 1.0]), il1=np.array([1.0, -1.0]))
    with pytest.raises(DriverError, match="'scaffold'"):
        LesionDrivers.constant(scaffold=2.0)
    with pytest.raises(DriverError, match="increasing"):
        LesionDrivers(t=np.array([1.0, 0.0]))
    with pytest.raises(DriverError, match="'tgfb' has shape"):
        LesionDrivers(t=np.array([0.0, 1.0]), tgfb=np.ones(3))


def test_bad_config_keys():
    with pytest.raises(ConfigError, match="lesion.run"):
        build_from_config({"lesion": {"run": {"dayz": 3}}})
    with pytest.raises(ConfigError, match="kind"):
        build_from_config({"lesion": {"drivers": {"kind": "magic"}}})
    # Configs in hours are refused with the key in days that replaced theirs.
    with pytest.raises(ConfigError, match=r"dt_hours \(hours\) was replaced by lesion.run.dt_days"):
        build_from_config({"lesion": {"run": {"dt_hours": 1.0}}})
