r"""``sim-export-sbml``: write the knee model for one patient and one regimen as SBML Level 3.

    sim-export-sbml --out knee.xml
    sim-export-sbml --regimen 'msc(cells=2e7,source=bm,allogeneic=0)@0;msc(cells=2e7,source=bm,allogeneic=0)@182' \
        --kl-grade 2 --set k_recruit=0.008 --off homing --out knee_msc_x2.xml

The file is generated from ``rhs.py`` and the state/parameter tables at the time of the call
and passes libSBML's consistency checks (errors abort, nothing is written). Bad input exits
with status 2 and a one-line message that names the field, as ``sim-run`` does. The last
printed line is ``wrote <path>``.
"""

from __future__ import annotations

import argparse
import sys

from sim.model.patient import Patient

PROG = "sim-export-sbml"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="SBML time 0 is study day -run_in; the parameter study_day gives the "
                                        "study day.")
    ap.add_argument("--out", default="knee.xml", help="output file (default knee.xml)")
    ap.add_argument("--regimen", default="none()@0", help="regimen, grammar of sim-run's regimen= (default none()@0)")
    ap.add_argument("--species", default=Patient.species, help=f"default {Patient.species}")
    ap.add_argument("--kl-grade", type=int, default=Patient.kl_grade, help=f"default {Patient.kl_grade}")
    ap.add_argument("--age", type=float, default=Patient.age, help=f"years, default {Patient.age:g}")
    ap.add_argument("--bmi", type=float, default=Patient.bmi, help=f"kg/m^2, default {Patient.bmi:g}")
    ap.add_argument("--alignment-load", type=float, default=Patient.alignment_load,
                    help=f"default {Patient.alignment_load:g}")
    ap.add_argument("--inflammation", type=float, default=Patient.inflammation,
                    help=f"default {Patient.inflammation:g}")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="model parameter override (repeatable), as sim-run's +model.parameters.NAME=VALUE")
    ap.add_argument("--off", action="append", default=[], metavar="MECHANISM",
                    help="switch an MSC mechanism off (repeatable): differentiation, paracrine, "
                         "immunomodulation, homing")
    ap.add_argument("--run-in", type=float, default=180.0, help="untreated days before day 0 (default 180)")
    return ap


def _overrides(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set: {item!r} is not allowed; allowed: NAME=VALUE with a model parameter name")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--set {name.strip()}: {value!r} is not a number") from None
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sim-export-sbml``; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    import sim  # noqa: F401  (configures the kernel cache before any kernel is imported)
    from sim.cli import build
    from sim.export import to_sbml

    try:
        knee = {"species": args.species, "kl_grade": args.kl_grade, "age": args.age, "bmi": args.bmi,
                "alignment_load": args.alignment_load, "inflammation": args.inflammation}
        patient = build.patient(knee, {"mechanisms": {m: False for m in args.off}, "parameters": _overrides(args.set)})
        result = to_sbml(patient, args.regimen, args.out, run_in=args.run_in)
    except ValueError as exc:  # bad input: the message names the field and what is allowed
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG}: error: --out: cannot write {args.out!r}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if result.warnings:
        print(f"libSBML consistency checks: no errors, {len(result.warnings)} warnings "
              f"({', '.join(sorted({w.split(' (')[0] for w in result.warnings}))})")
    print(f"wrote {result.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
