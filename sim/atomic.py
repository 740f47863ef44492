"""The one atomic writer of ``sim``: every file is written under a temporary name beside its
target and renamed into place only when complete.

It sits at the bottom of the package (it imports nothing of ``sim``) so that every writer can
use it: the file formats of :mod:`sim.io`, the SBML export, the sweep store and the commands.

A rename within one folder is atomic on POSIX file systems, so a reader (or a resumed sweep)
sees either the old file or the new one, never half of one; an interrupted or failed write
(a full disk, a killed job) leaves the previous file untouched and no temporary file behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["temporary_name", "write_atomic", "write_text_atomic"]


def temporary_name(path: str | os.PathLike) -> Path:
    """Temporary name used while ``path`` is written.

    Parameters
    ----------
    path : path-like
        Final file name.

    Returns
    -------
    Path
        ``.<name>.tmp<pid><suffix>`` in the same folder: hidden, unique per process (parallel
        sweep workers never share it), and with the target's suffix so that writers which
        pick a format from the suffix (matplotlib) still do.
    """
    path = Path(path)
    return path.with_name(f".{path.name}.tmp{os.getpid()}{path.suffix}")


def write_atomic(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``path``, then rename it over ``path``.

    Parameters
    ----------
    path : path-like
        Target file; its folder is created if missing.
    write : callable
        Called once with the temporary :class:`~pathlib.Path`; it must create that file.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    BaseException
        Whatever ``write`` or the rename raised (a full disk included), after the temporary
        file was removed; an existing ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`write_atomic`) and return the path."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding=encoding))
