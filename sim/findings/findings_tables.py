"""The findings tables: plain text, CSV and an HDF5 tree (written through :mod:`sim.io`)."""

from __future__ import annotations

import csv
import io

import numpy as np

from sim.findings.evaluate import FindingResult
from sim.findings.shortfall import finding_shortfall, relation_shortfall

COLUMNS = ("finding", "refs", "relation", "measure", "day", "unit", "n_lhs", "n_rhs", "test", "probability",
           "p_significant", "diff_median", "diff_low", "diff_high", "model_diff", "mcid", "between_sd",
           "reproduced", "by_construction", "repeats", "shortfall")


def table_rows(results: list[FindingResult]) -> list[dict]:
    """One row per relation (column order :data:`COLUMNS`).

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.

    Returns
    -------
    list of dict
        One dict per relation, keys :data:`COLUMNS`.
    """
    rows = []
    for fr in results:
        refs = ",".join(str(r) for r in fr.finding.refs)
        for r, c, rep in zip(fr.relations, fr.construction, fr.repeats):
            rel = r.relation
            rows.append({"finding": r.finding, "refs": refs, "relation": rel.text(), "measure": rel.measure,
                         "day": float(rel.day), "unit": r.unit, "n_lhs": r.n_lhs, "n_rhs": r.n_rhs, "test": r.test,
                         "probability": r.probability, "p_significant": r.p_significant,
                         "diff_median": r.diff_median, "diff_low": r.diff_low, "diff_high": r.diff_high,
                         "model_diff": r.model_diff, "mcid": r.mcid, "between_sd": r.between_sd,
                         "reproduced": r.reproduced, "by_construction": bool(c), "repeats": rep,
                         "shortfall": relation_shortfall(r)})
    return rows


def _g(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x:.3g}"


def _flag(fr: FindingResult) -> str:
    if not fr.non_evidential:
        return ""
    reasons = sorted({"by construction" if c else f"repeats {r}" for c, r in zip(fr.construction, fr.repeats)})
    return "; ".join(reasons)


def _columns(head, cells) -> list[str]:
    width = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(head)]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, width)).rstrip()  # noqa: E731
    return [fmt(head), "-" * len(fmt(head))] + [fmt(c) for c in cells]


def summary_line(results: list[FindingResult]) -> str:
    """``reproduced=<k>/<n> mean_probability=<x> non_evidential=<m>``.

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.

    Returns
    -------
    str
    """
    k = sum(fr.reproduced for fr in results)
    mean = float(np.mean([fr.probability for fr in results])) if results else float("nan")
    m = sum(fr.non_evidential for fr in results)
    return f"reproduced={k}/{len(results)} mean_probability={mean:.3f} non_evidential={m}"


def format_findings(results: list[FindingResult]) -> str:
    """Relation table, finding table, and :func:`summary_line` as the last line.

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.

    Returns
    -------
    str
        Plain-text lines joined by newlines.
    """
    head = ("finding", "expected", "measure @ day", "n", "test", "P", "P(sig)", "replica diff [95%]", "model diff",
            "SD", "MCID", "non-evidential")
    cells = []
    for fr in results:
        for r, c, rep in zip(fr.relations, fr.construction, fr.repeats):
            rel = r.relation
            flag = "by construction" if c else (f"repeats {rep}" if rep else "")
            cells.append((r.finding, rel.text(), f"{rel.measure} @ {rel.day:g}", f"{r.n_lhs}/{r.n_rhs}", r.test,
                          f"{r.probability:.2f}", f"{r.p_significant:.2f}",
                          f"{_g(r.diff_median)} [{_g(r.diff_low)}, {_g(r.diff_high)}]", _g(r.model_diff),
                          _g(r.between_sd), _g(r.mcid), flag))
    lines = _columns(head, cells)
    lines.append("")
    fhead = ("finding", "species", "n per arm", "test", "relations P>=0.5", "P(finding)", "reproduced",
             "non-evidential", "why not reproduced")
    fcells = []
    for fr in results:
        d = fr.finding.design
        ns = "/".join(str(d.n_arm(a)) for a in fr.finding.arms)
        fcells.append((fr.finding.id, fr.finding.population.species, ns, d.test,
                       f"{sum(r.reproduced for r in fr.relations)}/{len(fr.relations)}", f"{fr.probability:.2f}",
                       "yes" if fr.reproduced else "no", _flag(fr), finding_shortfall(fr)))
    lines += _columns(fhead, fcells)
    lines.append("")
    lines.append(summary_line(results))
    return "\n".join(lines)


def format_markdown(results: list[FindingResult]) -> str:
    """The finding table as Markdown (the README's), then :func:`summary_line` as the last line.

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.

    Returns
    -------
    str
    """
    lines = ["| finding | species | n per arm | test | relations P>=0.5 | P(finding) | reproduced | non-evidential "
             "| why not reproduced |",
             "|---|---|---|---|---|---|---|---|---|"]
    for fr in results:
        d = fr.finding.design
        ns = "/".join(str(d.n_arm(a)) for a in fr.finding.arms)
        lines.append(f"| {fr.finding.id} | {fr.finding.population.species} | {ns} | {d.test} | "
                     f"{sum(r.reproduced for r in fr.relations)}/{len(fr.relations)} | {fr.probability:.2f} | "
                     f"{'yes' if fr.reproduced else 'no'} | {_flag(fr)} | {finding_shortfall(fr)} |")
    return "\n".join(lines + ["", summary_line(results)])


def to_csv(results: list[FindingResult]) -> str:
    """The findings table as CSV text: one row per relation, columns :data:`COLUMNS`.

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.

    Returns
    -------
    str
        Header and rows, each ending in a newline; floats written with ``repr`` (exact round trip).
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in table_rows(results):
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def to_tree(results: list[FindingResult], replicates: int, pool: int, seed: int) -> dict:
    """HDF5 tree for :func:`sim.io.write_tree`: one column per dataset, plus each finding's design.

    Parameters
    ----------
    results : list of FindingResult
        From :func:`sim.findings.run_findings`.
    replicates : int
        Replica studies per finding.
    pool : int
        Patients per population pool.
    seed : int
        Seed of the run.

    Returns
    -------
    dict
        Root attributes (replicates, pool, seed, summary line), ``table`` (one array per
        column, shape (relations,)) and ``findings`` (each finding's design and verdict as
        attributes); written by :func:`sim.io.findings_file.write_findings`.
    """
    rows = table_rows(results)
    table = {}
    for col in COLUMNS:
        values = [r[col] for r in rows]
        if col in ("finding", "refs", "relation", "measure", "unit", "test", "repeats", "shortfall"):
            table[col] = [str(v) for v in values]
        elif col in ("reproduced", "by_construction"):
            table[col] = np.array(values, dtype=bool)
        elif col in ("n_lhs", "n_rhs"):
            table[col] = np.array(values, dtype=np.int64)
        else:
            table[col] = np.array(values, dtype=float)
    findings = {}
    for fr in results:
        f, d = fr.finding, fr.finding.design
        findings[f.id] = {"@attrs": {
            "text": f.text, "notes": f.notes, "species": f.population.species, "refs": [str(r) for r in f.refs],
            "arms": [f"{k}: {a.regimen}" + (f" {dict(a.parameters)}" if a.parameters else "")
                     for k, a in f.arms.items()],
            "n_per_arm": [int(d.n_arm(a)) for a in f.arms], "n_source": d.n_source, "test": d.test,
            "test_source": d.test_source, "paired": bool(d.paired), "alpha": float(d.alpha),
            "probability": float(fr.probability), "reproduced": bool(fr.reproduced),
            "non_evidential": bool(fr.non_evidential), "shortfall": finding_shortfall(fr)}}
    return {"@attrs": {"description": "seed findings F1-F18 as replicas of the original studies",
                       "replicates": int(replicates), "pool": int(pool), "seed": int(seed),
                       "summary": summary_line(results)},
            "table": table, "findings": findings}
