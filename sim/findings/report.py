"""The findings table: plain text, CSV and an HDF5 tree (written through :mod:`sim.io`)."""

from __future__ import annotations

import csv
import io

import numpy as np

from sim.findings.evaluate import FindingResult

COLUMNS = ("finding", "refs", "relation", "measure", "day", "unit", "mean_lhs", "mean_rhs", "diff", "ci_low",
           "ci_high", "margin", "n", "reproduced", "reason")


def table_rows(results: list[FindingResult]) -> list[dict]:
    """One row per relation (column order :data:`COLUMNS`)."""
    rows = []
    for fr in results:
        refs = ",".join(str(r) for r in fr.finding.refs)
        for r in fr.relations:
            rows.append({"finding": r.finding, "refs": refs, "relation": r.relation, "measure": r.measure,
                         "day": r.day, "unit": r.unit, "mean_lhs": r.mean_lhs, "mean_rhs": r.mean_rhs,
                         "diff": r.diff, "ci_low": r.ci_low, "ci_high": r.ci_high, "margin": r.margin, "n": r.n,
                         "reproduced": r.reproduced, "reason": r.reason})
    return rows


def _g(x: float) -> str:
    return "nan" if not np.isfinite(x) else f"{x:.3g}"


def format_findings(results: list[FindingResult]) -> str:
    """Text table: finding, expected relation, simulated difference [95% CI], reproduced, reason;
    the last line is ``reproduced=<k>/<n>`` counting findings whose relations all hold."""
    head = ("finding", "expected", "measure @ day", "lhs - rhs [95% CI]", "margin", "ok", "reason")
    cells = []
    for fr in results:
        for r in fr.relations:
            cells.append((r.finding, r.relation, f"{r.measure} @ {r.day:g}",
                          f"{_g(r.diff)} [{_g(r.ci_low)}, {_g(r.ci_high)}]", _g(r.margin),
                          "yes" if r.reproduced else "no", r.reason))
    width = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(head)]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, width)).rstrip()  # noqa: E731
    lines = [fmt(head), "-" * len(fmt(head))] + [fmt(c) for c in cells]
    n_rel = sum(len(fr.relations) for fr in results)
    k_rel = sum(r.reproduced for fr in results for r in fr.relations)
    failed = [fr.finding.id for fr in results if not fr.reproduced]
    lines.append("")
    lines.append(f"relations reproduced: {k_rel}/{n_rel}; findings not reproduced: {', '.join(failed) or 'none'}")
    lines.append(f"reproduced={sum(fr.reproduced for fr in results)}/{len(results)}")
    return "\n".join(lines)


def to_csv(results: list[FindingResult]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in table_rows(results):
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def to_tree(results: list[FindingResult], n: int, seed: int) -> dict:
    """HDF5 tree for :func:`sim.io.write_tree`: one column per dataset, plus findings metadata."""
    rows = table_rows(results)
    table = {}
    for col in COLUMNS:
        values = [r[col] for r in rows]
        if col in ("finding", "refs", "relation", "measure", "unit", "reason"):
            table[col] = [str(v) for v in values]
        elif col == "reproduced":
            table[col] = np.array(values, dtype=bool)
        elif col == "n":
            table[col] = np.array(values, dtype=np.int64)
        else:
            table[col] = np.array(values, dtype=float)
    findings = {fr.finding.id: {"@attrs": {"text": fr.finding.text, "notes": fr.finding.notes,
                                           "species": fr.finding.population.species,
                                           "refs": [str(r) for r in fr.finding.refs],
                                           "arms": [f"{k}: {a.regimen}" + (f" {dict(a.parameters)}" if a.parameters else "")
                                                    for k, a in fr.finding.arms.items()],
                                           "margin_sd": fr.finding.margin_sd, "margin_rel": fr.finding.margin_rel,
                                           "reproduced": bool(fr.reproduced), "n_failed_patients": fr.n_failed}}
                for fr in results}
    return {"@attrs": {"description": "seed findings F1-F18 reproduced by virtual studies",
                       "patients_per_arm": int(n), "seed": int(seed),
                       "reproduced": f"{sum(fr.reproduced for fr in results)}/{len(results)}"},
            "table": table, "findings": findings}
