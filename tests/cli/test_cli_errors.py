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
        jobs[case] = (run_dir, ["experiment.t_end=91", *extra, *overrides])
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


def test_model_error_message_is_one_line(runs):
    """Errors raised by sim itself come as 'sim-run: error: <field>: ...', exit code 2."""
    run = runs["kl_grade_5"]
    assert run.returncode == 2
    assert run.stderr.strip().startswith("sim-run: error: patient.kl_grade")
