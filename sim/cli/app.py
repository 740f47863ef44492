"""The one Hydra app wrapper of the CLIs: compose, resolve the output folder, run, and turn
mistakes into one line and an exit status.

``sim-run``, ``sim-trial`` and ``sim-calibrate`` each hand :func:`hydra_app` a body that works
on the composed config with plain objects. The wrapper gives every app the same edge:

* bad input (``ValueError``): ``<prog>: error: <message>`` on stderr, exit status 2;
* a write error (``OSError``: full disk, quota, permissions): one line, exit status 1 (files
  are written through :mod:`sim.atomic`, so nothing half-written is left);
* either way, a run folder in which Hydra wrote nothing but its own files is removed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.cli.argv import quote_regimen_values
from sim.cli.configs import config_dir
from sim.cli.edge import CommandLineError, app_help, check_command_line, fail
from sim.cli.outputs import io_error_message, remove_empty_run_dir

__all__ = ["AppContext", "hydra_app", "app_main"]


class AppContext:
    """What a body needs from Hydra besides the config.

    Attributes
    ----------
    run_dir : Path
        Hydra's run folder of this job.
    out_dir : Path
        The configured output folder, relative paths taken from ``run_dir``.
    explicit : frozenset of str
        Dotted keys set on the command line (``+``/``~`` prefixes removed).
    """

    def __init__(self, run_dir: Path, out_dir: Path, explicit: frozenset[str]):
        self.run_dir, self.out_dir, self.explicit = run_dir, out_dir, explicit


def _select(cfg: DictConfig, dotted: str):
    node = cfg
    for part in dotted.split("."):
        node = node[part]
    return node


def hydra_app(prog: str, app: str, out_key: str,
              body: Callable[[DictConfig, AppContext], object]) -> Callable[[], None]:
    """A Hydra entry point running ``body(cfg, context)`` with the CLIs' shared error handling.

    Parameters
    ----------
    prog : str
        Program name in messages, e.g. ``"sim-run"``.
    app : str
        The app's config root below ``configs/`` (``"run"``, ``"trial"``, ``"calibration"``),
        holding its primary ``config.yaml``; that config names the Hydra job (``hydra.job.name``,
        hence the log file ``run.log``) and adds the shared configs to the search path.
    out_key : str
        Dotted config key of the output folder (``output.dir`` or ``out_dir``).
    body : callable
        ``body(cfg, context)``; raises ``ValueError`` for bad input.

    Returns
    -------
    callable
        Hydra's decorated main function (reads ``sys.argv``).
    """

    def task(cfg: DictConfig) -> None:
        hc = HydraConfig.get()
        run_dir = Path(hc.runtime.output_dir)
        out_dir = Path(str(_select(cfg, out_key)))
        if not out_dir.is_absolute():
            out_dir = run_dir / out_dir
        explicit = frozenset(o.split("=", 1)[0].lstrip("+~") for o in hc.overrides.task)
        try:
            body(cfg, AppContext(run_dir, out_dir, explicit))
        except ValueError as exc:  # bad input: a clear message and a non-zero exit, no traceback
            remove_empty_run_dir(run_dir)
            print(f"{prog}: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        except OSError as exc:  # disk full, quota, permissions: one line, temporary files already removed
            remove_empty_run_dir(run_dir)
            print(f"{prog}: error: {io_error_message(exc)}", file=sys.stderr)
            raise SystemExit(1) from None

    task.__qualname__ = task.__name__ = "_hydra_main"
    return hydra.main(version_base="1.3", config_path=config_dir(app), config_name="config")(task)


def app_main(prog: str, app: str, usage: str, hydra_main: Callable[[], None],
             help_groups: Sequence[str] | None = None, retired: Mapping[str, str] | None = None) -> None:
    """What every Hydra app does before Hydra: regimen quoting, ``--help``, command-line checks.

    Parameters
    ----------
    prog : str
        Program name in messages.
    app : str
        The app's config root below ``configs/`` (see :func:`hydra_app`).
    usage : str
        The app's usage text (its module docstring), printed by ``--help``.
    hydra_main : callable
        The app's entry from :func:`hydra_app`.
    help_groups : sequence of str, optional
        Groups that ``--help`` lists; omitted: ``--help`` is Hydra's own.
    retired : mapping of str to str, optional
        Settings the app no longer has -> what to do instead.
    """
    sys.argv[1:] = quote_regimen_values(sys.argv[1:])
    root = config_dir(app)
    if help_groups is not None and ("--help" in sys.argv[1:] or "-h" in sys.argv[1:]):
        print(app_help(prog, usage, root, help_groups))
        return
    try:  # composition mistakes: one clear line and exit 2, before Hydra makes a run folder
        check_command_line(prog, root, sys.argv[1:], retired)
    except CommandLineError as exc:
        fail(prog, exc)
    hydra_main()
