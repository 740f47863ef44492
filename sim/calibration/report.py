"""Files of a leave-one-study-out validation: table and per-row predictions.

``loso_table.txt``  both variants' score tables and the folds (method, Pareto k)
``loso_rows.csv``   every scored row of the variant without pooled rows: class, observed,
                    predictive median and 50/95% intervals on the row's scale; for changes and
                    contrasts these are changes (an anchored level minus its reported baseline)

Written atomically (temporary name, then rename). The figure beside them, ``loso.png``, is
drawn by the command line (:func:`sim.cli.figures.write_loso_figure`): figures sit above
calibration.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.atomic import write_atomic

__all__ = ["write_loso_outputs", "loso_summary_lines", "MAIN_VARIANT"]

#: The calibration variant whose rows are written and drawn (the trial rows only).
MAIN_VARIANT = _MAIN = "without pooled rows"


def _atomic_write(path: Path, write) -> None:
    write_atomic(path, write)


def loso_summary_lines(result) -> list[str]:
    """Printable report: folds, both variants' tables, and the summary lines (main variant last)."""
    lines = []
    lp = result.predictions[_MAIN]
    refits = [f for f in lp.folds if f.method == "refit"]
    lines.append(f"folds: {len(lp.folds)} studies left out, {len(refits)} refitted exactly "
                 f"(Pareto k > 0.7: {', '.join(f.study for f in refits) or 'none'})")
    for f in lp.folds:
        lines.append(f"  {f.study:<22} {f.method:<6} k={f.pareto_k:5.2f}")
    for variant in sorted(result.reports, key=lambda v: v == _MAIN):
        lines.append("")
        lines.append(f"leave-one-study-out, calibration {variant}:")
        lines += ["  " + x for x in result.reports[variant].table()]
    lines.append("")
    for variant in sorted(result.reports, key=lambda v: v == _MAIN):
        line = result.reports[variant].summary_line_loso(result.studies, result.rows)
        lines.append(line if variant == _MAIN else f"[{variant}] {line}")
    return lines


def _rows_csv(result) -> str:
    rep = result.reports[_MAIN]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["row", "study", "class", "arm_id", "vs_arm_id", "measure", "statistic", "day", "span", "observed",
                "median", "pi50_low", "pi50_high", "pi95_low", "pi95_high"])
    for name in ("baseline", "change", "contrast"):
        c = rep.classes.get(name)
        if c is None:
            continue
        m = c.model
        for i, r in enumerate(c.rows):
            s = r.span
            w.writerow([r.key, r.study, name, r.arm_id, r.vs_arm_id or "", r.measure, r.statistic, f"{r.day:g}",
                        f"{s:g}", f"{c.observed[i] * s:.6g}", f"{m.median[i] * s:.6g}", f"{m.lower[0.5][i] * s:.6g}",
                        f"{m.upper[0.5][i] * s:.6g}", f"{m.lower[0.95][i] * s:.6g}", f"{m.upper[0.95][i] * s:.6g}"])
    return buf.getvalue()


def write_loso_outputs(result, out_dir) -> list[str]:
    """Write the table and rows into ``out_dir``; return the printable report lines.

    The report's file list names ``loso.png`` too, which the caller draws
    (:func:`sim.cli.figures.write_loso_figure`).
    """
    out_dir = Path(out_dir)
    lines = loso_summary_lines(result)
    lines.insert(-2, f"time {result.seconds:.0f} s; files: loso_table.txt, loso_rows.csv, loso.png in {out_dir}")
    text = "\n".join(lines) + "\n"
    _atomic_write(out_dir / "loso_table.txt", lambda tmp: Path(tmp).write_text(text))
    _atomic_write(out_dir / "loso_rows.csv", lambda tmp: Path(tmp).write_text(_rows_csv(result)))
    return lines
