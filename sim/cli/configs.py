"""Where the CLIs find their Hydra configs, in a checkout and in an installed wheel alike.

The configs live in the top-level ``configs/`` folder of the repository. ``sim/configs`` is a
symbolic link to it, declared as package data, so a wheel carries real copies of the files at
``sim/configs`` and the checkout and an editable install read the originals through the link:
one lookup, :func:`config_dir`, serves all three.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def config_dir() -> str:
    """Absolute path of the folder holding ``config.yaml`` and the config groups.

    Returns
    -------
    str
        A filesystem path (Hydra's ``config_path`` needs one; wheels are installed unzipped).

    Raises
    ------
    FileNotFoundError
        If the installation lacks its configs (a broken build), naming the folder looked at.
    """
    path = Path(str(resources.files("sim") / "configs"))
    if not (path / "config.yaml").is_file():
        raise FileNotFoundError(f"sim's configs are missing: no config.yaml in {path} (reinstall the package)")
    return str(path)
