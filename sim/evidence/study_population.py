"""Who a study enrolled, read from its arms: the one rule every user of the trial data applies.

A study's virtual patients (``sim-trial`` for a packaged study, the calibration's cohorts) are
drawn from a population whose inclusion KL range and mean age come from the study's arms. Both
places take them from here, so a study is simulated on the same patients wherever it appears.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.evidence.trials import ArmRow

__all__ = ["study_kl_range", "study_mean_age"]


def study_kl_range(arms: Sequence[ArmRow]) -> tuple[int, int] | None:
    """Inclusion KL range ``(kl_min, kl_max)`` of the first arm that states both, else None.

    Parameters
    ----------
    arms : sequence of ArmRow
        The arms of one study.
    """
    return next(((a.kl_min, a.kl_max) for a in arms if a.kl_min is not None and a.kl_max is not None), None)


def study_mean_age(arms: Sequence[ArmRow]) -> float | None:
    """Mean age of the study's patients [years]: the arms' ``age_mean`` weighted by ``n_arm``.

    An arm that states its age but not its size counts as an arm of the mean size of those that
    state it (equal allocation), and as one arm among equals when none does.

    Parameters
    ----------
    arms : sequence of ArmRow
        The arms of one study.

    Returns
    -------
    float or None
        None when no arm states its age.
    """
    aged = [a for a in arms if a.age_mean is not None]
    if not aged:
        return None
    sizes = [a.n_arm for a in aged if a.n_arm]
    typical = sum(sizes) / len(sizes) if sizes else 1.0
    weights = [a.n_arm or typical for a in aged]
    return sum(a.age_mean * w for a, w in zip(aged, weights)) / sum(weights)
