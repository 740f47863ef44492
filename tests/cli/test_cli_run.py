"""``sim-run`` when the solver fails for some arms: the batch completes and says which arms failed."""

from __future__ import annotations

import pytest
from cli_support import FAST, run_many

REGIMEN = "regimen='msc(cells=1e8,source=bm,allogeneic=0)@0;prp(ml=5,leukocyte=poor)@0'"
# The untreated arm needs ~40 steps over the run-in and 91 days, the treated arm ~190.
CASES = {"treated_arm_fails": ["solver.max_steps=120"], "every_arm_fails": ["solver.max_steps=20"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    jobs = {}
    for case, overrides in CASES.items():
        run_dir = tmp_path_factory.mktemp(case) / "run"
        run_dir.mkdir()
        jobs[case] = (run_dir, [*FAST, REGIMEN, *overrides])
    return run_many(jobs)


def _warnings(run) -> list[str]:
    return [line for line in (run.stdout + run.stderr).splitlines() if "did not finish" in line]


def test_failed_arm_is_reported(runs):
    run = runs["treated_arm_fails"]
    assert run.returncode == 0  # one failed patient is a status in its row, not an aborted batch
    assert (run.run_dir / "result.h5").exists()
    warnings = _warnings(run)
    assert warnings and "regimen" in warnings[0] and "untreated" not in warnings[0]


def test_every_failed_arm_is_reported(runs):
    run = runs["every_arm_fails"]
    assert run.returncode == 0
    warnings = _warnings(run)
    assert warnings and "untreated" in warnings[0] and "regimen" in warnings[0]
