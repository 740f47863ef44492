"""``sim-run`` with bad input: non-zero exit, the field named on stderr, no (half-)written files."""

from __future__ import annotations

import pytest
from cli_support import FAST, run_many

SENTINEL = b"an earlier result that a failing run must not touch"

CASES = {
    # id: (overrides, words stderr must contain)
    "unknown_species": (["patient.species=dog"], ["species", "dog", "human"]),
    "kl_grade_5": (["patient.kl_grade=5"], ["kl_grade", "5"]),
    "negative_dose": (["regimen='msc(cells=-1,source=bm,allogeneic=0)@0'"], ["cells", "-1"]),
    "unknown_product": (["regimen='stemcells(n=1)@0'"], ["product", "stemcells"]),
    "unknown_parameter": (["+model.parameters.k_recruitment=0.01"], ["k_recruitment"]),
    "parameter_out_of_bounds": (["+model.parameters.k_recruit=100"], ["k_recruit", "out of bounds"]),
    "unknown_key": (["foo=1"], ["foo"]),
    "unknown_nested_key": (["patient.kl=3"], ["kl", "patient"]),
    "report_day_after_end": (["experiment.report_days=[400]"], ["report_days", "400"]),
    "unknown_measure": (["experiment.measures=[WOMAC_totl]"], ["measure", "WOMAC_totl"]),
    # composition mistakes, worded by sim (field, value, allowed values, close match)
    "misspelt_group_key": (["patinet.bmi=30"], ["patinet.bmi", "allowed:", "did you mean 'patient'"]),
    "unknown_option": (["treatment=nope"], ["treatment", "'nope'", "msc_prp"]),
    "trial_experiment": (["experiment=kl23_ad_msc"], ["experiment", "kl23_ad_msc", "mechanisms"]),  # sim-trial's
    "not_a_number": (["patient.bmi=heavy"], ["patient.bmi", "heavy"]),
    # regimens: empty, before day 0, after the end of follow-up (the shell removed the quotes)
    "empty_regimen": (["regimen="], ["regimen", "empty"]),
    "dose_before_day_0": (["regimen=msc(cells=1e8,source=bm,allogeneic=0)@-5"], ["regimen", "-5", "days 0 to 183"]),
    "dose_after_end": (["regimen=msc(cells=1e8,source=bm,allogeneic=0)@400"], ["regimen", "400", "days 0 to 183"]),
    "output_file_with_folder": (["output.file=sub/result.h5"], ["output.file", "sub/result.h5"]),
}
XFAIL: dict = {
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    jobs = {}
    for case, (overrides, _) in CASES.items():
        run_dir = tmp_path_factory.mktemp(case) / "run"
        run_dir.mkdir()
        (run_dir / "result.h5").write_bytes(SENTINEL)
        extra = [] if any(o.startswith("experiment.report_days") for o in overrides) else FAST[1:]
        jobs[case] = (run_dir, ["experiment.t_end=183", *extra, *overrides])
    return run_many(jobs)


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=XFAIL[c]))
                                  if c in XFAIL else c for c in CASES])
def test_bad_input_fails_cleanly(runs, case):
    run = runs[case]
    words = CASES[case][1]
    assert run.returncode != 0, f"exit code 0; stdout: {run.stdout[-300:]}"
    missing = [w for w in words if w not in run.stderr]
    assert not missing, f"stderr lacks {missing}: {run.stderr[-500:]}"
    assert "Traceback" not in run.stderr
    assert "wrote" not in run.stdout
    # the earlier result is untouched and nothing else was written beside it
    assert (run.run_dir / "result.h5").read_bytes() == SENTINEL
    leftovers = sorted(p.name for p in run.run_dir.iterdir() if p.name not in ("result.h5", ".hydra", "run.log"))
    assert not leftovers, leftovers


@pytest.mark.parametrize("case", ["misspelt_group_key", "unknown_option", "empty_regimen", "dose_after_end"])
def test_mistakes_exit_2_with_one_line(runs, case):
    run = runs[case]
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sim-run: error: "), run.stderr


def test_failed_run_leaves_no_run_folder(tmp_path):
    from cli_support import finish, start

    for bad in ("patient.kl_grade=5", "regimen=msc(cells=1e8,source=bm,allogeneic=0)@900", "patinet.bmi=3"):
        run_dir = tmp_path / "new_run"
        run = finish(*start(run_dir, [*FAST, bad]))
        assert run.returncode == 2, run.stderr
        assert not run_dir.exists(), sorted(p.name for p in run_dir.rglob("*"))


def test_help_offers_only_what_sim_run_runs(tmp_path):
    from cli_support import finish, start

    run = finish(*start(tmp_path / "help", ["--help"]))
    assert run.returncode == 0, run.stderr
    groups = dict(line.split(": ", 1) for line in run.stdout.splitlines()
                  if ": " in line and line.split(": ", 1)[0] in ("experiment", "treatment", "sweep", "patient"))
    assert "trial_" not in groups["experiment"] and "main" in groups["experiment"]
    assert "_common" not in groups["sweep"]
    assert not any(line.startswith(("calibration:", "trial:", "lesion/")) for line in run.stdout.splitlines())


def test_model_error_message_is_one_line(runs):
    """Errors raised by sim itself come as 'sim-run: error: <field>: ...', exit code 2."""
    run = runs["kl_grade_5"]
    assert run.returncode == 2
    assert run.stderr.strip().startswith("sim-run: error: patient.kl_grade")
