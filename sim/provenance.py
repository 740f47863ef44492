"""Facts that make a result file reproducible: code version, package versions, source hashes."""

from __future__ import annotations

import functools
import hashlib
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


#: Prefix of the line in which a generated module records the hash of its sources.
HASH_PREFIX = "# source-hash: "


def sources_hash(paths) -> str:
    """Hash of the text of ``paths``, in order (hex, 16 characters).

    Each file contributes its name (not its folder) and its text with line endings normalised,
    so that a checkout with CRLF line endings, or the same files in another folder, hash the
    same.
    """
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path)
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_text(encoding="utf-8").replace("\r\n", "\n").encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def committed_hash(path) -> str | None:
    """The ``# source-hash:`` recorded in a generated file, or None if it has none (or is missing)."""
    path = Path(path)
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(HASH_PREFIX):
            return line[len(HASH_PREFIX):].strip()
    return None
