"""The command-line edge in process: regimen quoting and composition checks (no simulation)."""

import pytest

import sim.cli.run_app  # noqa: F401  (registers sim-run's schema)
from sim.cli.argv import quote_regimen_values
from sim.cli.configs import config_dir
from sim.cli.edge import CommandLineError, check_command_line


@pytest.mark.parametrize("arg, expected", [
    ("regimen=msc(cells=1e8,source=bm,allogeneic=0)@0", "regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'"),
    ("regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'", "regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'"),
    ("experiment.arms.a=ha(mg=30,form=linear)@0", "experiment.arms.a='ha(mg=30,form=linear)@0'"),
    ("trial.arms.b=saline(ml=4)@0", "trial.arms.b='saline(ml=4)@0'"),
    ("regimen=null", "regimen=null"),
    ("regimen=", "regimen="),
    ("patient.bmi=30", "patient.bmi=30"),
])
def test_regimen_values_quoted_for_hydra(arg, expected):
    assert quote_regimen_values([arg]) == [expected]


def _check(*argv):
    check_command_line("sim-run", config_dir("run"), quote_regimen_values(list(argv)))


@pytest.mark.parametrize("argv", [
    ["experiment=mechanisms", "model=no_paracrine"],
    ["regimen=surgery(kind=hto)@0;msc(cells=4e7,source=bm,allogeneic=0)@30", "patient=human_kl2"],
    ["+model.parameters.k_recruit=0.008"],
    ["+sweep=dose_adjuvant", "+launcher=joblib"],
    ["hydra/launcher=basic", "hydra.run.dir=somewhere"],
    ["lesion.geometry.preset=small", "experiment=lesion_defect_fill"],
])
def test_good_command_lines_pass(argv):
    _check(*argv)


@pytest.mark.parametrize("argv, words", [
    (["patinet.bmi=30"], ["patinet.bmi", "did you mean 'patient'?"]),
    (["patient.bmy=30"], ["patient.bmy", "did you mean 'bmi'?", "kl_grade"]),
    (["treatment=nope"], ["treatment", "'nope'", "msc_prp"]),
    (["patient=humen_kl3"], ["did you mean 'human_kl3'?"]),
    (["experiment=nine_arms"], ["experiment", "main", "mechanisms"]),  # a sim-trial experiment
    (["patient.bmi=heavy"], ["patient.bmi", "'heavy'", "float"]),
    (["model.parameters.k_recruit=0.008"], ["leading '+'"]),
    (["debug=lesion"], ["debug", "'lesion'", "lesion/geometry", "experiment=lesion_defect_fill"]),
])
def test_mistakes_name_field_value_and_allowed(argv, words):
    with pytest.raises(CommandLineError) as info:
        _check(*argv)
    text = str(info.value)
    assert all(w in text for w in words), text
    assert "\n" not in text
