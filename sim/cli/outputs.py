"""Checks and writes shared by the CLIs: output targets checked before computing, files written
through :func:`sim.atomic.write_atomic`, dose days checked against the follow-up, and no empty run
folder left behind by a failed run. Plain Python: no Hydra here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path


def check_output_target(out_dir: Path, file: str, field: str = "output") -> Path:
    """Check that ``out_dir / file`` can be written, before any computing; return the path.

    Parameters
    ----------
    out_dir : Path
        Folder of the outputs (created if missing).
    file : str
        File name of the HDF5 result, e.g. ``result.h5``.
    field : str
        Config node named in messages.

    Raises
    ------
    ValueError
        If the name is not a plain ``*.h5`` file name, the folder cannot be made or written,
        or the target is a folder.
    """
    name = str(file)
    if not name or Path(name).name != name or not name.endswith(".h5"):
        raise ValueError(f"{field}.file: {name!r} is not allowed; allowed: a file name ending in .h5 "
                         f"(no folders; use {field}.dir for the folder)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{field}.dir: cannot create {str(out_dir)!r} ({exc.strerror}); "
                         "allowed: a folder you can write") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ValueError(f"{field}.dir: {str(out_dir)!r} is not writable; allowed: a folder you can write")
    target = out_dir / name
    if target.is_dir():
        raise ValueError(f"{field}.file: {str(target)!r} is a folder; allowed: a file name ending in .h5")
    return target


def check_dose_days(arms: Mapping[str, str], t_end: float, field: str) -> None:
    """Every arm's regimen parses, is not empty, and doses within ``[0, t_end]`` days
    (surgery may also come before day 0).

    Raises
    ------
    ValueError
        Naming the arm, the event day and the allowed range.
    """
    from sim.regimen import Regimen

    if not arms:
        raise ValueError(f"{field}: no arms; allowed: label: regimen pairs, e.g. msc: "
                         "msc(cells=1e8,source=bm,allogeneic=0)@0")
    for label, text in arms.items():
        where = f"{field}.{label}" if label else field
        if text is None or not str(text).strip():
            raise ValueError(f"{where}: empty regimen; write 'none()@0' for no treatment")
        regimen = Regimen.parse(str(text))
        for event in regimen:
            # Surgery may precede day 0: it is how animal models induce the disease (e.g. a
            # meniscectomy 10 days before the first injection) or a patient's prior operation.
            if (event.day < 0 and event.product != "surgery") or event.day > t_end:
                raise ValueError(f"{where}: {event.product} on day {event.day:g} in {str(text)!r}; "
                                 f"allowed: days 0 to {t_end:g} (the end of follow-up; only surgery "
                                 "may come before day 0)")


def io_error_message(exc: OSError) -> str:
    """One line for an I/O error while writing results (disk full, quota, permissions)."""
    where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
    what = exc.strerror or str(exc)
    return f"could not write the results{where}: {what}; nothing was left half-written"


def remove_empty_run_dir(run_dir: Path, log_names: tuple[str, ...] = (".log",)) -> bool:
    """Remove Hydra's run folder if a failed run left nothing in it but Hydra's own files.

    Returns True when the folder was removed.
    """
    try:
        entries = list(run_dir.iterdir())
    except OSError:
        return False
    if any(not (e.name == ".hydra" or (e.is_file() and e.name.endswith(log_names))) for e in entries):
        return False
    shutil.rmtree(run_dir, ignore_errors=True)
    return True
