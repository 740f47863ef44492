"""Why a finding is not reproduced, read off its replicas (never written by hand).

Each relation that holds in fewer than half of the replicas falls into one cause, checked in
this order:

``no result``
    the model's difference is not a number (every solve of an arm failed);
``opposite``
    the model's own difference (same patients, no noise, no between-study effect) points the
    other way, or is zero;
``below MCID``
    a human patient-reported relation whose model difference has the right sign but is smaller
    than the package's MCID, so the clinical criterion fails however large the study;
``reaches MCID rarely``
    the model difference reaches the MCID, but too few replicas both test significant and reach it;
``not significant``
    the difference has the right sign (and no MCID applies) but a study of the reported size
    finds it significant in fewer than half of the replicas: small against the between-subject
    SD, or too few subjects (the line gives the difference in SDs and the n);
``differs``
    a "~" relation whose arms the model tells apart: the replicas' test is significant too often.

A finding whose relations each hold in at least half of the replicas but rarely in the same
ones is ``rarely together``.
"""

from __future__ import annotations

import math

from sim.findings.evaluate import FindingResult, RelationResult

__all__ = ["CAUSES", "finding_shortfall", "relation_cause", "relation_shortfall"]

#: Causes in the order they are checked (and listed in a finding's summary).
CAUSES = ("no result", "opposite", "below MCID", "reaches MCID rarely", "not significant", "differs")


def _g(x: float) -> str:
    return f"{x:.2g}" if math.isfinite(x) else "-"


def relation_cause(r: RelationResult) -> str:
    """The cause (one of :data:`CAUSES`) of a relation that is not reproduced, else ``""``.

    Parameters
    ----------
    r : RelationResult

    Returns
    -------
    str
    """
    if r.reproduced:
        return ""
    if not math.isfinite(r.model_diff):
        return "no result"
    if r.relation.op == "~":
        return "differs"
    sign = -1.0 if r.relation.op == "<" else 1.0
    effect = sign * r.model_diff
    if not effect > 0:
        return "opposite"
    if math.isfinite(r.mcid):
        return "below MCID" if effect < r.mcid else "reaches MCID rarely"
    return "not significant"


def _detail(r: RelationResult, cause: str) -> str:
    """The numbers behind ``cause`` for relation ``r``, in the measure's unit."""
    diff = f"model {_g(r.model_diff)} {r.unit}".rstrip()
    if cause == "no result":
        return "every solve of an arm failed"
    if cause == "differs":
        return f"{diff}, significant in {r.p_significant:.0%} of replicas"
    if cause == "opposite":
        return diff
    if cause in ("below MCID", "reaches MCID rarely"):
        return f"{diff} against MCID {_g(r.mcid)}, significant in {r.p_significant:.0%}"
    d = abs(r.model_diff) / r.between_sd if r.between_sd > 0 else float("nan")
    return (f"{diff} = {_g(d)} SD of {_g(r.between_sd)}, "
            f"significant in {r.p_significant:.0%} at n {r.n_lhs}/{r.n_rhs}")


def relation_shortfall(r: RelationResult) -> str:
    """One line saying why the relation is not reproduced (``""`` when it is).

    Parameters
    ----------
    r : RelationResult

    Returns
    -------
    str
        ``<cause>: <numbers>``: the model difference, the MCID or the between-subject SD (and
        the difference in SDs), and the share of replicas whose test is significant, in the
        measure's unit.
    """
    cause = relation_cause(r)
    return f"{cause}: {_detail(r, cause)}" if cause else ""


def finding_shortfall(fr: FindingResult) -> str:
    """Why a finding is not reproduced, summarised over its relations (``""`` when it is).

    Parameters
    ----------
    fr : FindingResult

    Returns
    -------
    str
        Each cause with the number of relations it stops (``k/n``), most frequent first, and
        for the most frequent one the relation of that cause that holds least often; ``rarely together``
        when every relation holds on its own.
    """
    if fr.reproduced:
        return ""
    rels = fr.relations
    causes = [relation_cause(r) for r in rels]
    failing = [c for c in causes if c]
    if not failing:
        return f"rarely together: each relation holds in >= 50% of replicas, all at once in {fr.probability:.0%}"
    counts = {c: failing.count(c) for c in CAUSES if c in failing}
    order = sorted(counts, key=lambda c: (-counts[c], CAUSES.index(c)))
    worst = min((r for r, c in zip(rels, causes) if c == order[0]), key=lambda r: r.probability)
    detail = _detail(worst, order[0])
    parts = [f"{c} {counts[c]}/{len(rels)}" for c in order]
    return f"{'; '.join(parts)} (e.g. {worst.relation.text()} {worst.relation.measure}: {detail})"
