"""Responder statistics: OMERACT-OARSI and MCID responder status per patient, responder rates.

Patient axis last, NaN = dropped out. Conventions in :mod:`sim.trial.statistics`, which
re-exports every public name here.
"""

from __future__ import annotations

import numpy as np

from sim.trial.arm_statistics import StatisticsError, change_from_baseline, complete_case_moments, patient_array

__all__ = ["omeract_oarsi_responder", "mcid_responder", "responder_rate"]


def _improvement(baseline, follow_up, scale, higher_is_better):
    """Absolute improvement (on 0-100 units) and relative improvement (fraction of room)."""
    lo, hi = scale
    b, f = baseline, follow_up
    absolute = (f - b) if higher_is_better else (b - f)
    room = (hi - b) if higher_is_better else (b - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(room > 0, absolute / room, 0.0)
    return absolute * 100.0 / (hi - lo), rel


def omeract_oarsi_responder(pain_baseline, pain_follow_up, function_baseline, function_follow_up,
                            global_baseline=None, global_follow_up=None, *, scale=(0.0, 100.0),
                            higher_is_better: bool = False) -> np.ndarray:
    """OMERACT-OARSI responder status per patient (Pham et al. 2004, set of criteria "D").

    A patient responds if

    1. pain **or** function improves by >= 50% **and** >= 20 points on a 0-100 scale; or
    2. at least two of pain, function and patient's global assessment improve by >= 20% **and**
       >= 10 points.

    Parameters
    ----------
    pain_baseline, pain_follow_up, function_baseline, function_follow_up : array_like
        Same shape ``[..., patient]``; NaN = not evaluable.
    global_baseline, global_follow_up : array_like, optional
        Patient's global assessment. Without it, criterion 2 needs both pain and function.
    scale : (float, float)
        Range of all three instruments; the 20- and 10-point thresholds are scaled from 0-100
        (e.g. 2 and 1 on a 0-10 VAS). Percent improvement is relative to the distance from the
        best end of the scale (the baseline itself when the best end is 0).
    higher_is_better : bool
        False for WOMAC/VAS (higher = worse), True for KOOS-like instruments.

    Returns
    -------
    ndarray
        1.0 responder, 0.0 non-responder, NaN where any needed input is NaN.
    """
    lo, hi = (float(v) for v in scale)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise StatisticsError(f"scale: {scale!r} not allowed; allowed: (min, max) finite with min < max")
    if (global_baseline is None) != (global_follow_up is None):
        raise StatisticsError("global_baseline and global_follow_up: give both or neither")
    names = ["pain_baseline", "pain_follow_up", "function_baseline", "function_follow_up"]
    arrays = [pain_baseline, pain_follow_up, function_baseline, function_follow_up]
    if global_baseline is not None:
        names += ["global_baseline", "global_follow_up"]
        arrays += [global_baseline, global_follow_up]
    arrays = [patient_array(nm, x) for nm, x in zip(names, arrays)]
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise StatisticsError(f"{', '.join(names)}: shapes do not broadcast") from None
    domains = [_improvement(arrays[i], arrays[i + 1], (lo, hi), higher_is_better) for i in range(0, len(arrays), 2)]
    (pa, pr), (fa, fr) = domains[:2]
    high = ((pa >= 20) & (pr >= 0.5)) | ((fa >= 20) & (fr >= 0.5))
    moderate = sum(((ab >= 10) & (rel >= 0.2)).astype(int) for ab, rel in domains)
    resp = (high | (moderate >= 2)).astype(float)
    missing = np.zeros(resp.shape, dtype=bool)
    for x in arrays:
        missing |= np.isnan(x)
    return np.where(missing, np.nan, resp)


def mcid_responder(baseline, follow_up, threshold: float, *, higher_is_better: bool) -> np.ndarray:
    """Responder status by a minimal clinically important difference.

    A patient responds if the improvement (``follow_up - baseline`` if ``higher_is_better``, else
    ``baseline - follow_up``) is at least ``threshold`` (same units as the scores, >= 0).

    Parameters
    ----------
    baseline, follow_up : array_like (..., P)
        Patient scores, same units; patient axis last, NaN = dropped out.
    threshold : float
        Minimal clinically important improvement, units of the scores (>= 0).
    higher_is_better : bool
        Direction of improvement on the scale.

    Returns
    -------
    float64 ndarray (..., P)
        1.0 / 0.0 per patient, NaN where either value is NaN.
    """
    if not (np.isfinite(threshold) and threshold >= 0):
        raise StatisticsError(f"threshold: {threshold!r} not allowed; allowed: a finite number >= 0 "
                              "(direction is set by higher_is_better)")
    change = change_from_baseline(baseline, follow_up)
    improvement = change if higher_is_better else -change
    return np.where(np.isnan(change), np.nan, (improvement >= threshold).astype(float))


def responder_rate(responders, *, dropouts: str = "exclude") -> np.ndarray:
    """Fraction of responders per trial (last axis), in [0, 1] (multiply by 100 for percent rows).

    ``dropouts="exclude"``: complete-case (NaN patients ignored); ``"nonresponder"``:
    non-responder imputation (NaN counted as 0, the intention-to-treat convention of many trials).

    Parameters
    ----------
    responders : array_like (..., P)
        1.0 / 0.0 per patient, NaN = dropped out (e.g. from :func:`mcid_responder`).
    dropouts : {"exclude", "nonresponder"}

    Returns
    -------
    float64 ndarray (...)
        Fraction in [0, 1].
    """
    r = patient_array("responders", responders)
    if dropouts == "exclude":
        return complete_case_moments(r)[1]
    if dropouts == "nonresponder":
        return np.nan_to_num(r, nan=0.0).mean(axis=-1)
    raise StatisticsError(f"dropouts: {dropouts!r} not allowed; allowed: exclude, nonresponder")
