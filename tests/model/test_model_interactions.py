"""Literature interaction terms: each is switchable and acts in the direction its source reports."""

from __future__ import annotations

import pytest

from sim import Patient, simulate
from sim.experiment import patient_with_model

MSC_1E8 = "msc(cells=1e8,source=bm,allogeneic=0)@0"
# An inflamed knee whose inflammation the cells do not calm (immunomodulation off), so that
# joint-fluid IL-1 and TNF stay raised while the cells differentiate.
# The three interaction switches default to off (sim.model.parameters._INTERACTIONS_OFF); on here.
KNEE = Patient(kl_grade=3, inflammation=2.0, parameters={"mech_immunomodulation": 0.0,
                                                          "mech_inflammation_blocks_chondrogenesis": 1.0,
                                                          "mech_ha_msc_carrier": 1.0, "mech_prp_msc": 1.0})


def _state(patients, regimen, state, day):
    res = simulate(patients, regimen, times=[0.0, day])
    assert res.ok.all(), res.messages
    return res.state(state)[:, -1]


def test_inflammation_blocks_msc_chondrogenesis_switch():
    """IL-1/TNF inhibit chondrogenesis (Wehling 2009, Heldens 2012): switching the term off
    lets the injected cells build more repair tissue while the knee stays inflamed; the switch is a
    parameter, reachable from Python and from the config layer (``+model.parameters``)."""
    off = patient_with_model(KNEE, parameters={**KNEE.parameters, "mech_inflammation_blocks_chondrogenesis": 0.0})
    on_rep, off_rep = _state([KNEE, off], MSC_1E8, "repair_tissue", 182.0)
    assert off_rep > on_rep * 1.1
    with pytest.raises(ValueError, match="mech_inflammation_blocks_chondrogenesis"):
        Patient(parameters={"mech_inflammation_blocks_chondrogenesis": 2.0})


def test_ha_as_msc_carrier_switch():
    """HA engages CD44 on MSCs (Wong 2021, Corradetti 2017): with HA co-injected, more cells
    adhere and differentiate than with the term switched off; without HA the switch changes
    nothing, bit for bit."""
    regimen = MSC_1E8 + ";ha(mg=60,form=unknown)@0"
    off = patient_with_model(KNEE, parameters={**KNEE.parameters, "mech_ha_msc_carrier": 0.0})
    on_diff, off_diff = _state([KNEE, off], regimen, "msc_differentiated", 28.0)
    assert on_diff > off_diff
    alone_on, alone_off = _state([KNEE, off], MSC_1E8, "msc_differentiated", 28.0)
    assert alone_on == alone_off


def test_prp_acts_on_msc_switch():
    """PRP growth factors push MSC chondrogenesis where TGF-beta signals (Elder 2014, Mardani
    2013): with PRP co-injected slightly more cells have differentiated after a week than with
    the term off; without PRP the switch changes nothing, bit for bit."""
    regimen = MSC_1E8 + ";prp(ml=5,leukocyte=unknown)@0"
    off = patient_with_model(KNEE, parameters={**KNEE.parameters, "mech_prp_msc": 0.0})
    on_diff, off_diff = _state([KNEE, off], regimen, "msc_differentiated", 7.0)
    assert on_diff > off_diff
    alone_on, alone_off = _state([KNEE, off], MSC_1E8, "msc_adhered", 7.0)
    assert alone_on == alone_off
