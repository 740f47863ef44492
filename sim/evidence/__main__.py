"""``python -m sim.evidence``: check the packaged data against ``manifest.json`` and the schema.

Every packaged table is loaded and validated: the trial arms and outcomes
(:mod:`sim.evidence.trials`) and the pooled, retention and parameter tables
(:mod:`sim.data.loaders`). ``python -m sim.evidence --update-manifest`` rewrites the manifest of
``sim/data`` after a reviewed data update.
"""

import sys

from sim.data.loaders import load_parameters_table, load_pooled, load_retention
from sim.data.manifest import verify_manifest, write_manifest
from sim.evidence.trials import load_arms, load_outcomes


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.evidence [--update-manifest]``: check (or rewrite) the packaged data's digests.

    Returns the exit status.
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--update-manifest"]:
        print(f"wrote {write_manifest()}")
        return 0
    if argv:
        print("usage: python -m sim.evidence [--update-manifest]", file=sys.stderr)
        return 2
    bad = verify_manifest()
    if bad:
        print(f"changed since manifest.json: {', '.join(bad)}", file=sys.stderr)
        return 1
    counts = (len(load_arms()), len(load_outcomes()), len(load_pooled()), len(load_retention()),
              len(load_parameters_table()))
    print("packaged data intact and valid: {} arms, {} outcomes, {} pooled, {} retention, "
          "{} parameters".format(*counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
