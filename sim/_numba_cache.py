"""Point Numba's on-disk cache at a folder keyed by the source of every kernel module.

Numba invalidates a cached kernel only when the kernel's own file changes, not when a function
it calls from another module (an LU routine, the model's right-hand side, a layout constant)
changes. A stale kernel would silently break "same inputs, same bits". Keying the cache folder
by a hash of all of ``sim``'s sources makes any edit start from a fresh cache. A user's own
``NUMBA_CACHE_DIR`` (e.g. a job-local folder on a cluster) is respected as is.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def source_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def configure() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    os.environ["NUMBA_CACHE_DIR"] = str(base / "sim-numba" / source_hash())
    try:  # numba reads the variable at import; update it if numba was imported first
        import sys

        if "numba" in sys.modules:
            from numba.core import config

            config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
    except Exception:  # noqa: BLE001 - caching is an optimisation, never a reason to fail
        pass
