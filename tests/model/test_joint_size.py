"""A smaller knee holds fewer cells: per-knee amounts scale with the joint (species presets)."""

import numpy as np
import pytest

from sim import Patient, simulate
from sim.findings.catalog import exosomes_of
from sim.observe import observe
from sim.model.species import FLUID_SCALED, SURFACE_SCALED, SPECIES
from sim.regimen.products import TYPICAL_AMOUNTS


def test_human_knee_is_the_reference():
    assert SPECIES["human"].joint_size_factors() == {}
    assert SPECIES["human"].rel_joint_surface == 1.0 and SPECIES["human"].rel_joint_fluid == 1.0


@pytest.mark.parametrize("name", ["rat", "rabbit", "sheep"])
def test_animal_amounts_scale_with_surface_and_fluid(name):
    sp = SPECIES[name]
    human, animal = Patient().parameter_values(), Patient(species=name).parameter_values()
    assert sp.rel_joint_surface == pytest.approx((sp.body_mass_kg / 70.0) ** 0.7)
    assert sp.rel_joint_fluid == pytest.approx(sp.effusion_healthy_ml / 6.7)
    for n in SURFACE_SCALED:
        assert animal[n] == pytest.approx(human[n] * sp.rel_joint_surface), n
    for n in FLUID_SCALED:
        assert animal[n] == pytest.approx(human[n] * sp.rel_joint_fluid), n
    # A value the user sets is the value the knee gets.
    assert Patient(species=name, parameters={"K_secretome": 7.0}).parameter_values()["K_secretome"] == 7.0


def test_rat_dose_acts_like_the_human_dose_per_surface():
    # 1e6 cells in a rat knee (surface 2% of a human's) act like ~4.5e7 in a human: OARSI after
    # meniscectomy falls by a third or more within eight weeks, not by a few percent.
    rat = [Patient(species="rat")] * 2
    res = simulate(rat, ["saline(ml=?)@0", "msc(cells=1e6,source=bm,allogeneic=0)@0"], times=[56.0])
    oarsi = np.asarray(observe(res, "OARSI_histology"))[:, 0]
    assert oarsi[1] < (2.0 / 3.0) * oarsi[0]


def test_exosome_dose_of_a_cell_dose():
    assert exosomes_of(3e7) == f"exo(dose={TYPICAL_AMOUNTS[('exo', 'dose')]:.6g},source=bm)@0"
    assert exosomes_of(1e6).startswith("exo(dose=6.66667,")
