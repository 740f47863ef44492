"""The contextual (placebo) response against the IA-saline meta-analyses, and its dosing rules.

Saline minus untreated, VAS pain, in trial-matched virtual patients (entry pain 60 mm):
-10 to -16 mm at 3 months (Saltzman 2017: -12.1 mm, 95% CI -3.3 to -20.9; Previtali 2021:
-13.4 mm up to 6 months), and at 12 months still at least 70% of its peak (Altman 2016: within-arm
SMD -0.68 at <= 3 months, -0.61 at 6-12 months). Evaluated with the shipped calibration.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration.forward import ForwardModel
from sim.calibration.priors import _estimate, names
from sim.calibration.targets import Cohort, Target
from sim.regimen.products import NSAID_COURSE_DAYS, plan_regimen

DAYS = (28.0, 56.0, 91.0, 182.0, 273.0, 365.0)


def _changes(regimens, days=DAYS, n_sim=40):
    cohorts = [Cohort("ctx", "human", (2, 3), 60.0, r) for r in regimens]
    targets = [Target(f"{c}-{d}", "outcomes", "ctx", f"arm{c}", None, "VAS_pain", (0.0, 100.0), False, d,
                      "mean_change_from_baseline", 0.0, 1.0, 100.0, c, None, None)
               for c in range(len(regimens)) for d in days]
    fm = ForwardModel(targets, cohorts, n_sim=n_sim, seed=7)
    theta = np.array([[_estimate()[n] for n in names()]])
    return fm.predict(theta)[0].reshape(len(regimens), len(days))


@pytest.fixture(scope="module")
def changes():
    return _changes(["saline(ml=4)@0", "none()@0", "saline(ml=4)@0;saline(ml=4)@7;saline(ml=4)@14"])


def test_saline_effect_at_three_months_matches_meta_analyses(changes):
    effect = changes[0] - changes[1]
    at_3mo = effect[DAYS.index(91.0)]
    assert -16.0 <= at_3mo <= -10.0, f"saline - untreated at 3 months: {at_3mo:.1f} mm"


def test_saline_effect_is_sustained_at_twelve_months(changes):
    effect = changes[0] - changes[1]
    peak = effect.min()
    assert peak < 0
    assert effect[DAYS.index(365.0)] / peak >= 0.70, f"12-month share of peak: {effect[-1] / peak:.2f}"


def test_repeat_injections_add_with_saturation(changes):
    one, three = changes[0] - changes[1], changes[2] - changes[1]
    j = DAYS.index(91.0)
    assert three[j] < one[j], "three injections must give more contextual response than one"
    assert three[j] > 3.0 * one[j], "but far less than three single responses (saturation)"


def test_an_oral_course_ends():
    plan = plan_regimen("nsaid()@0")
    ends = [j for j in plan.jumps if j.state == "antiinflammatory" and j.mul == 0.0 and j.add == 0.0]
    assert ends and ends[0].day == NSAID_COURSE_DAYS
