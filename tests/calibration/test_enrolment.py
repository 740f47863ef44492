"""The enrolment solve of the calibration's forward model: all cohorts at once, each as if alone."""

from __future__ import annotations

import numpy as np

from sim.calibration.enrolment import enrol


def _cohorts(K=2, C=5, m=12, seed=3):
    rng = np.random.default_rng(seed)
    R = 45.0 + 15.0 * rng.standard_normal((K, C, m))
    target = R.mean(axis=-1) + rng.uniform(1.0, 20.0, (K, C))
    below = np.zeros((K, C), dtype=bool)
    below[0, 1] = True
    sd = np.array([10.0, 14.0]).reshape(K, 1, 1)
    return R, target, below, sd


def test_stacked_cohorts_get_the_numbers_they_get_alone():
    R, target, below, sd = _cohorts()
    w, mf = enrol(R, target, below, sd)
    for j in range(R.shape[1]):
        wj, mfj = enrol(R[:, j:j + 1], target[:, j:j + 1], below[:, j:j + 1], sd)
        assert np.array_equal(w[:, j], wj[:, 0]) and np.array_equal(mf[:, j], mfj[:, 0])


def test_enrolled_mean_reaches_the_target_and_weights_follow_the_threshold():
    R, target, below, sd = _cohorts()
    w, mf = enrol(R, target, below, sd)
    assert np.allclose(w.sum(axis=-1), 1.0)
    enrolled_mean = np.sum(w * (R + mf), axis=-1)
    assert np.allclose(enrolled_mean[~below], target[~below], atol=1e-8)
    # No selection: uniform weights and no expected fluctuation.
    assert np.allclose(w[0, 1], 1.0 / R.shape[-1]) and np.all(mf[0, 1] == 0.0)
    # Patients with more pain are likelier to pass the threshold (weights rise with R) and need
    # a smaller upward fluctuation to do so (the expected entry fluctuation falls with R).
    for k, j in ((0, 0), (1, 3)):
        order = np.argsort(R[k, j])
        assert np.all(np.diff(w[k, j, order]) > 0)
        assert np.all(mf[k, j] > 0) and np.all(np.diff(mf[k, j, order]) < 0)
