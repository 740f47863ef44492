"""Facts that make a result file reproducible: code version and package versions."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import subprocess
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def git_commit() -> str:
    """Commit of the checkout ``sim`` runs from, with ``-dirty`` for uncommitted tracked changes."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=_HERE, capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=_HERE, capture_output=True, text=True, timeout=5).stdout
        return out + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages a result depends on."""
    out = {"python": platform.python_version()}
    for pkg in ("sim", "numpy", "scipy", "numba", "h5py", "hydra-core", "submitit"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out
