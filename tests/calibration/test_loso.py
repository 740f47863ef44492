"""Leave-one-study-out on two tiny studies: folds, importance sampling or refits, the last line."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from sim.calibration import CALIBRATED
from sim.calibration.loso import arm_type, psis_weights
from sim.calibration.validation import validate_loso
from sim.evidence import load_arms, load_outcomes
from tests.calibration.conftest import ARMS_HEADER, OUT_HEADER

_X = r"(?:-?[0-9.]+|nan)"
LOSO_LINE = (f"interval_score={_X} skill_vs_no_change={_X} skill_vs_loso_mean={_X} skill_vs_meta={_X} "
             f"coverage95={_X} width95_changes={_X} width95_contrasts={_X} sign_agreement={_X} studies=2 rows=\\d+")


def _arm(study, arm_id, regimen):
    return f'{study},{arm_id},{arm_id},human,rct,40,KL 2-3; 12-month follow-up,2,3,60,"{regimen}",Tiny,none,none,\n'


def _rows(arm_id, base, changes):
    out = f"{arm_id},VAS_pain,0,100,FALSE,0,mean,{base},SD,18,,,table,none,\n"
    for day, value in changes:
        out += f"{arm_id},VAS_pain,0,100,FALSE,{day},mean_change_from_baseline,{value},SD,18,,,table,none,\n"
    return out


@pytest.fixture(scope="module")
def two_studies(tmp_path_factory):
    d = tmp_path_factory.mktemp("loso")
    arms = ARMS_HEADER + _arm("ONE", "ONE_SAL", "saline(ml=4)@0") + _arm("ONE", "ONE_MSC",
                                                                          "msc(cells=4e7,source=ad,allogeneic=0)@0")
    arms += _arm("TWO", "TWO_SAL", "saline(ml=4)@0") + _arm("TWO", "TWO_HA", "ha(mg=30,form=unknown)@0")
    out = OUT_HEADER + _rows("ONE_SAL", 60, [(91, -14), (182, -12)]) + _rows("ONE_MSC", 61, [(91, -22), (182, -20)])
    out += _rows("TWO_SAL", 55, [(91, -11), (182, -10)]) + _rows("TWO_HA", 57, [(91, -15), (182, -12)])
    (d / "arms.csv").write_text(arms)
    (d / "outcomes.csv").write_text(out)
    a = load_arms(d / "arms.csv")
    return a, load_outcomes(d / "outcomes.csv", arms=a)


def _draws(n=40, seed=0):
    centre = np.log([p.default for p in CALIBRATED])
    z = np.random.default_rng(seed).normal(scale=0.05, size=(n, centre.size))
    return np.exp(centre + z)


def test_loso_by_importance_sampling(two_studies):
    arms, outcomes = two_studies
    res = validate_loso(arms, outcomes, (), draws=_draws(), n_sim=3, n_resample=10, per_draw=5, refit=False,
                        n_boot=50)
    folds = res.predictions["without pooled rows"].folds
    assert [f.study for f in folds] == ["ONE", "TWO"] and all(f.method == "psis" for f in folds)
    assert res.studies == 2
    line = res.reports["without pooled rows"].summary_line_loso(res.studies, res.rows)
    assert re.fullmatch(LOSO_LINE, line)
    # Every left-out row got samples from its own fold.
    lp = res.predictions["without pooled rows"]
    assert np.all(np.isfinite(lp.samples))


def test_loso_exact_refit_path(two_studies, tmp_path):
    arms, outcomes = two_studies
    from sim.calibration.fit import Problem
    from sim.calibration.loso import loso_predictions

    problem = Problem(arms, outcomes, (), n_sim=3)
    lp = loso_predictions(problem, _draws(), n_resample=4, per_draw=2, refit=True, refit_steps=2,
                          store_dir=tmp_path)
    # A tight ball of draws fitted to neither study: whichever folds refit, each has a method and a store.
    assert {f.method for f in lp.folds} <= {"psis", "refit"}
    for f in lp.folds:
        if f.method == "refit":
            assert (tmp_path / f"loso_{f.study}.h5").is_file()


def test_one_study_cannot_be_left_out(two_studies):
    arms, outcomes = two_studies
    one = [o for o in outcomes if o.arm_id.startswith("ONE")]
    with pytest.raises(ValueError, match="at least 2"):
        validate_loso([a for a in arms if a.study_id == "ONE"], one, (), draws=_draws(), n_sim=3, refit=False)


def test_psis_flags_a_dominating_study():
    rng = np.random.default_rng(0)
    _, k_flat = psis_weights(rng.normal(scale=0.1, size=400))
    _, k_heavy = psis_weights(rng.standard_cauchy(400) * 20)
    assert k_flat < 0.7 < k_heavy


def test_arm_types():
    assert arm_type("msc(cells=1e7,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0") == "msc"
    assert arm_type("surgery(kind=hto)@0;prp(ml=?,leukocyte=unknown)@0") == "prp"
    assert arm_type("saline(ml=4)@0") == "saline" and arm_type("nsaid()@0") == "other"


def test_cli_rejects_mixed_forms(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sim.cli.validate_app", "--loso", "--arms", "a.csv"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--loso" in r.stderr
