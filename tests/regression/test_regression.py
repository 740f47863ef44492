"""Outputs of the main experiment stay where the reviewed baseline put them.

A change of the model, its parameters, the solver or the observation models that moves these
numbers must come with a deliberate, reviewed update:

    python -m pytest tests/regression --update-baseline
"""

import json
from pathlib import Path

import pytest
import yaml

from sim.experiment import Experiment, run_experiment

BASELINE = Path(__file__).with_name("baseline_main.json")
MAIN = Path(__file__).resolve().parents[2] / "experiments" / "run" / "main.yaml"


def compute() -> list[dict]:
    """The main experiment's nine arms over 12 months, summarised at 3, 6 and 12 months."""
    arms = yaml.safe_load(MAIN.read_text())["experiment"]["arms"]
    exp = Experiment(arms=arms, name="regression", t_end=365.0, step=7.0, report_days=(91.0, 182.0, 365.0))
    return [{k: v for k, v in row.items() if k != "status"} for row in run_experiment(exp).summary]


def test_main_experiment_matches_the_reviewed_baseline(request):
    got = compute()
    if request.config.getoption("--update-baseline"):
        BASELINE.write_text(json.dumps(got, indent=1) + "\n")
        pytest.skip(f"rewrote {BASELINE.name}; review the diff before committing")
    want = json.loads(BASELINE.read_text())
    assert [r["arm"] for r in got] == [r["arm"] for r in want]
    for g, w in zip(got, want):
        assert g["regimen"] == w["regimen"]
        for key, value in w.items():
            if key not in ("arm", "regimen"):
                assert g[key] == pytest.approx(value, rel=1e-6, abs=1e-9), f"{g['arm']} {key}"
