"""SHA-256 manifest of the packaged data files.

The packaged CSV and README files are byte-for-byte copies of the compiled data set (see
``sim/data/PROVENANCE.md``). ``manifest.json`` records their digests so that an accidental edit
fails the test suite. After a reviewed update of the data, regenerate it with::

    python -m sim.evidence --update-manifest
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

__all__ = ["DATA_FILES", "file_digests", "verify_manifest", "write_manifest"]

#: Packaged data files, relative to ``sim/data``.
DATA_FILES = (
    "trials/arms.csv",
    "trials/outcomes.csv",
    "trials/pooled.csv",
    "trials/README.md",
    "mechanisms/parameters.csv",
    "mechanisms/retention.csv",
)


def _root() -> Path:
    return Path(str(resources.files("sim.data")))


def file_digests(root: Path | None = None) -> dict[str, str]:
    """SHA-256 hex digest of each of :data:`DATA_FILES` under ``root`` (default: the package)."""
    root = _root() if root is None else Path(root)
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in DATA_FILES}


def verify_manifest(root: Path | None = None) -> list[str]:
    """Names of files whose digest differs from ``manifest.json`` (empty list = all intact)."""
    root = _root() if root is None else Path(root)
    recorded = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["sha256"]
    actual = file_digests(root)
    return sorted(n for n in set(recorded) | set(actual) if recorded.get(n) != actual.get(n))


def write_manifest(root: Path | None = None) -> Path:
    """Rewrite ``manifest.json`` from the files as they are now."""
    root = _root() if root is None else Path(root)
    path = root / "manifest.json"
    path.write_text(json.dumps({"sha256": file_digests(root)}, indent=2) + "\n", encoding="utf-8")
    return path

