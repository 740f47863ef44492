"""Changes from baseline (day 0): the one naming and the one formula of every change column.

A change column is named ``d<measure>_day<day>`` (in the measure's unit) or, for measures whose
changes are reported relative to baseline (:attr:`Measure.relative_change`: cartilage volume
and thickness), ``d<measure>_pct_day<day>`` (in percent of the day-0 value). ``sim-run``'s
summary table, the result files' summary CSV and the sweep stores all use these names.
"""

from __future__ import annotations

import numpy as np

from sim.observe.measures import find_measure

__all__ = ["change_name", "change_unit", "change_columns"]


def change_name(measure: str, day: float) -> str:
    """Column name of the change of ``measure`` from day 0 to ``day``.

    Parameters
    ----------
    measure : str
        A measure of :data:`sim.observe.MEASURES`.
    day : float
        Day after day 0 [days]; rounded to a whole day in the name.

    Returns
    -------
    str
        e.g. ``"dWOMAC_total_day182"``, ``"dMRI_cartilage_volume_pct_day365"``.
    """
    suffix = "_pct" if find_measure(measure).relative_change else ""
    return f"d{measure}{suffix}_day{int(round(float(day)))}"


def change_unit(measure: str) -> str:
    """Unit of the change columns of ``measure``: ``"%"`` for relative changes, else the measure's unit.

    Parameters
    ----------
    measure : str
        A measure of :data:`sim.observe.MEASURES`.

    Returns
    -------
    str
    """
    m = find_measure(measure)
    return "%" if m.relative_change else m.unit


def change_columns(values: np.ndarray, times: np.ndarray, measure: str, days) -> dict[str, np.ndarray]:
    """Changes of ``measure`` from day 0 to each of ``days``, by column name.

    Parameters
    ----------
    values : float64 (N, T)
        The measure on its native scale at ``times`` (e.g. ``observe(result, measure)``).
    times : float64 (T,)
        Output days; day 0 and every one of ``days`` must be among them.
    measure : str
        A measure of :data:`sim.observe.MEASURES`.
    days : sequence of float
        Days after day 0 [days].

    Returns
    -------
    dict of str to float64 (N,)
        :func:`change_name` -> ``value(day) - value(0)`` in the measure's unit, or
        ``100 (value(day) / value(0) - 1)`` in percent for relative changes.

    Raises
    ------
    ValueError
        For a day that is not among ``times``.
    """
    relative = find_measure(measure).relative_change
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)

    def column(day):
        hits = np.flatnonzero(np.isclose(times, float(day)))
        if hits.size == 0:
            raise ValueError(f"days: day {float(day):g} was not an output time; recorded "
                             f"{', '.join(f'{t:g}' for t in times)}")
        return values[:, int(hits[0])]

    v0 = column(0.0)
    return {change_name(measure, day): 100.0 * (column(day) / v0 - 1.0) if relative else column(day) - v0
            for day in days}
