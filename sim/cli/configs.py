"""Where the CLIs find their Hydra configs, in a checkout and in an installed wheel alike.

The configs live in the top-level ``configs/`` folder of the repository. ``sim/configs`` is a
symbolic link to it, declared as package data, so a wheel carries real copies of the files at
``sim/configs`` and the checkout and an editable install read the originals through the link:
one lookup, :func:`config_dir`, serves all three.

Each app composes from its own root, ``configs/<app>/`` (``run``, ``trial``, ``calibration``),
which holds its primary ``config.yaml`` and the groups only it has (``experiment``, ``debug``);
the building blocks they share sit in ``configs/`` itself, which each primary config adds to
Hydra's search path (``pkg://sim.configs``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["APPS", "config_dir"]

#: The apps' config roots below ``configs/`` (``sim-run``, ``sim-trial``, ``sim-calibrate``).
APPS = ("run", "trial", "calibration")


def config_dir(app: str | None = None) -> str:
    """Absolute path of an app's config root, or of the shared configs folder.

    Parameters
    ----------
    app : str, optional
        ``"run"``, ``"trial"`` or ``"calibration"``: the root holding that app's
        ``config.yaml``. Omitted: the shared folder (``paths``, ``model``, ``sweep``, ...).

    Returns
    -------
    str
        A filesystem path (Hydra's ``config_path`` needs one; wheels are installed unzipped).

    Raises
    ------
    ValueError
        For an unknown app, naming the allowed ones.
    FileNotFoundError
        If the installation lacks its configs (a broken build), naming the folder looked at.
    """
    path = Path(str(resources.files("sim") / "configs"))
    if app is not None:
        if app not in APPS:
            raise ValueError(f"app: {app!r} is not allowed; allowed: {', '.join(APPS)}")
        path = path / app
    if not (path / ("config.yaml" if app else "__init__.py")).is_file():
        raise FileNotFoundError(f"sim's configs are missing: {path} is incomplete (reinstall the package)")
    return str(path)
