import re
import subprocess
import sys

import numpy as np
import pytest

from sim.calibration import CALIBRATED, Problem, point_estimate, run_mcmc, validate
from sim.calibration.priors import CalibrationError, names
from sim.evidence import load_arms, load_outcomes

DEFAULT = np.array([p.default for p in CALIBRATED])
_X = r"(?:[0-9.]+|nan)"
LINE = f"coverage95={_X} width95={_X} interval_score={_X} sign_agreement={_X} " + "rows=%s skipped=%s"


@pytest.fixture(scope="module")
def tiny_problem(tmp_path_factory):
    from tests.calibration.conftest import ARMS, OUTCOMES

    d = tmp_path_factory.mktemp("tiny")
    (d / "arms.csv").write_text(ARMS)
    (d / "outcomes.csv").write_text(OUTCOMES)
    arms = load_arms(d / "arms.csv")
    return Problem(arms, load_outcomes(d / "outcomes.csv", arms=arms), n_sim=3, seed=7)


def test_synthetic_recovery(tiny_problem):
    """Data simulated at known (per_pge2, function_structure_share) are recovered within 10% from the defaults.

    Both have flat priors; a parameter with a sourced prior (placebo_max) is pulled towards it by design.
    """
    truth = DEFAULT.copy()
    truth[names().index("function_structure_share")] = 0.5
    truth[names().index("per_pge2")] = 6.0
    # Small error terms: with a large between-trial contextual SD one trial cannot identify the
    # contextual magnitude (the random effect absorbs it), which is the point of that term.
    quiet = {n: 0.005 for n in names() if n.startswith(("delta_", "sd_"))} | {"tau_context": 0.05}
    for n, v in quiet.items():
        truth[names().index(n)] = v
    problem = tiny_problem
    saved = problem.observed.copy()
    try:
        problem.observed = problem.predict(truth[None, :])[0]
        start = DEFAULT.copy()
        for n, v in quiet.items():
            start[names().index(n)] = v
        est = point_estimate(problem, x0=start, maxfev=120, free=("function_structure_share", "per_pge2"))
    finally:
        problem.observed = saved
    assert est["values"]["function_structure_share"] == pytest.approx(0.5, rel=0.1)
    assert est["values"]["per_pge2"] == pytest.approx(6.0, rel=0.1)


def test_mcmc_resume_is_bit_identical(tiny_problem, tmp_path):
    W = 2 * len(CALIBRATED)
    full = run_mcmc(tiny_problem, tmp_path / "a.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2)
    run_mcmc(tiny_problem, tmp_path / "b.h5", n_walkers=W, n_steps=2, seed=3, checkpoint_every=2)
    resumed = run_mcmc(tiny_problem, tmp_path / "b.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2)
    assert full.chain.shape == (4, W, len(CALIBRATED))
    np.testing.assert_array_equal(full.chain, resumed.chain)
    np.testing.assert_array_equal(full.log_prob, resumed.log_prob)


def test_mcmc_refuses_to_resume_a_chain_of_other_sources(tiny_problem, tmp_path, monkeypatch):
    """A chain written by another version of the model must not silently continue."""
    import sim.calibration.fit as fit

    W = 2 * len(CALIBRATED)
    run_mcmc(tiny_problem, tmp_path / "c.h5", n_walkers=W, n_steps=2, seed=3, checkpoint_every=2)
    monkeypatch.setattr(fit, "source_hash", lambda: "another-version")
    with pytest.raises(CalibrationError, match="model_source"):
        run_mcmc(tiny_problem, tmp_path / "c.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2)



def test_mcmc_de_moves_resume_bit_identically_and_bad_moves_name_the_field(tiny_problem, tmp_path):
    """The differential-evolution proposal resumes like the stretch move and differs from it."""
    W = 2 * len(CALIBRATED)
    full = run_mcmc(tiny_problem, tmp_path / "a.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2, moves="de")
    run_mcmc(tiny_problem, tmp_path / "b.h5", n_walkers=W, n_steps=2, seed=3, checkpoint_every=2, moves="de")
    resumed = run_mcmc(tiny_problem, tmp_path / "b.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2,
                       moves="de")
    np.testing.assert_array_equal(full.chain, resumed.chain)
    stretch = run_mcmc(tiny_problem, tmp_path / "s.h5", n_walkers=W, n_steps=4, seed=3, checkpoint_every=2)
    assert not np.array_equal(full.chain, stretch.chain)
    with pytest.raises(CalibrationError, match="moves"):
        run_mcmc(tiny_problem, tmp_path / "x.h5", n_walkers=W, n_steps=2, seed=3, moves="hamiltonian")


def test_warm_start_from_posterior_draws(tiny_problem, tmp_path):
    """A posterior.h5 of draws starts the walkers at its draws; a parameter it lacks starts near its default."""
    from sim.calibration.pipeline import _warm_start
    from sim.io.calibration_file import write_posterior

    W = 2 * len(CALIBRATED)
    rng = np.random.default_rng(0)
    draws = DEFAULT[None, :] * np.exp(0.1 * rng.standard_normal((3 * W, len(CALIBRATED))))
    write_posterior(tmp_path / "posterior.h5", {"names": list(names()), "samples": draws})
    pos, est, new = _warm_start(tiny_problem, tmp_path / "posterior.h5", W, seed=1)
    assert new == [] and pos.shape == (W, len(CALIBRATED))
    assert all(any(np.allclose(np.exp(p), d) for d in draws) for p in pos)
    best = np.log([est["values"][n] for n in names()])
    assert any(np.allclose(best, p) for p in pos)
    lost = names()[0]
    write_posterior(tmp_path / "older.h5", {"names": list(names()[1:]), "samples": draws[:, 1:]})
    pos, _, new = _warm_start(tiny_problem, tmp_path / "older.h5", W, seed=1)
    assert new == [lost]
    assert np.allclose(pos[:, 0], np.log(DEFAULT[0]), atol=0.3)
    with pytest.raises(CalibrationError, match="n_walkers"):
        _warm_start(tiny_problem, tmp_path / "posterior.h5", 4 * W, seed=1)


def test_validate_tiny_files(tiny_files, tmp_path):
    a, o = tiny_files
    out = tmp_path / "pred.csv"
    rep = validate(a, o, out, n_sim=3, draws=DEFAULT[None, :])
    assert len(rep.targets) == 4 and len(rep.skipped) == 5
    assert np.all(rep.lower <= rep.predicted) and np.all(rep.predicted <= rep.upper)
    assert 0.0 <= rep.coverage95 <= 1.0 and rep.sign.votes <= 2
    assert 0.0 < rep.width95 < 1.0 and rep.interval_score > 0
    text = out.read_text()
    assert text.count("skipped") == 5 and "Tegner" in text
    assert re.fullmatch(LINE % (4, 5), rep.summary_line())


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sim.cli.validate_app", *map(str, args)], capture_output=True, text=True)


def test_cli_last_line_and_bad_input(tiny_files, tmp_path):
    a, o = tiny_files
    out = tmp_path / "pred.csv"
    r = _cli("--arms", a, "--outcomes", o, "--out", out, "--n-sim", 3, "--draws", 2)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(LINE % (4, 5), r.stdout.strip().splitlines()[-1])
    before = out.read_text()
    bad = tmp_path / "bad_outcomes.csv"
    bad.write_text(o.read_text().replace("mean_change_from_baseline", "mean_chnage", 1))
    r = _cli("--arms", a, "--outcomes", bad, "--out", out, "--n-sim", 3)
    assert r.returncode == 2
    assert "bad_outcomes.csv row 6" in r.stderr and "statistic" in r.stderr
    assert out.read_text() == before  # nothing already written is lost


def test_calibrate_cli_tiny(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sim.cli.calibrate_app", "n_sim=2", "maxfev=2", "n_steps=1",
                        f"n_walkers={2 * len(CALIBRATED)}",
                        "use_pooled=false", "n_draws_report=2", f"hydra.run.dir={tmp_path}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(LINE % (r"\d+", r"\d+"), r.stdout.strip().splitlines()[-1])
    for f in ("chain.h5", "calibration.h5", "fit_rows.csv", "fit_report.png"):
        assert (tmp_path / f).is_file()
    from sim.io import read_tree

    tree = read_tree(tmp_path / "calibration.h5")
    assert tree["posterior_samples"].shape[1] == len(CALIBRATED)


def test_bad_regimen_and_empty_outcomes_are_clear_errors(tiny_files, tmp_path):
    from sim.calibration import CalibrationError
    from sim.data import DataError
    from tests.calibration.conftest import OUT_HEADER

    a, o = tiny_files
    bad = tmp_path / "bad_arms.csv"
    bad.write_text(a.read_text().replace("saline(ml=4)@0", "salin(ml=4)@0"))
    with pytest.raises(DataError, match=r"bad_arms.csv row 2, field 'regimen'"):
        validate(bad, o, n_sim=3)
    empty = tmp_path / "empty_outcomes.csv"
    empty.write_text(OUT_HEADER)
    with pytest.raises(CalibrationError, match="empty_outcomes.csv: no outcome rows"):
        validate(a, empty, n_sim=3)


def test_point_estimate_is_the_best_point_the_run_saw():
    """The chain's best draw replaces the search's point only where its posterior is higher."""
    from sim.calibration.fit import Chain
    from sim.calibration.pipeline import best_point

    P = len(CALIBRATED)
    chain = np.log(DEFAULT)[None, None, :] + np.zeros((3, 4, P))
    chain[2, 1] += 0.1
    logp = np.full((3, 4), -10.0)
    logp[2, 1] = -5.0
    est = {"values": dict(zip(names(), DEFAULT)), "log_posterior": -7.0, "n_evals": 1, "seconds": 0.0}
    got = best_point(est, Chain(chain, logp, 0.0))
    assert got["log_posterior"] == -5.0 and got["from_chain_step"] == 2
    np.testing.assert_allclose([got["values"][n] for n in names()], DEFAULT * np.exp(0.1))
    assert best_point({**est, "log_posterior": -1.0}, Chain(chain, logp, 0.0))["log_posterior"] == -1.0
