"""Command-line checks at the Hydra edge: composition mistakes worded like every other bad input.

Hydra reports a misspelt key (``patinet.bmi=30``) as "Could not override 'patinet.bmi'", exits
with status 1 and leaves an empty run folder behind, and it silently ignores an unknown option
of an optional group (``treatment=nope``). Before Hydra starts, :func:`check_command_line`
composes the config once with the same overrides and turns any mistake into one line,
``<prog>: error: <field>: <what is wrong>; allowed: ...; did you mean ...?``, and exit status 2.
Command lines with Hydra's own flags (``--help``, ``-m``, ...) or sweep syntax are left to Hydra.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.cli.configs import APPS

#: Config groups of the configs folder that are not options of the apps' own config trees.
_NOT_APP_GROUPS = {"hydra"}


class CommandLineError(ValueError):
    """A command-line override that does not compose; the message names field and value."""


def group_options(app_root: str | Path) -> dict[str, list[str]]:
    """Options of every config group an app sees: ``{"patient": ["human_kl2", ...], ...}``.

    Parameters
    ----------
    app_root : str or Path
        The app's config root (:func:`sim.cli.configs.config_dir` of the app). Its own groups
        (``experiment``, ``debug``) and those of the shared folder above it are listed; the
        other apps' roots are not.

    Returns
    -------
    dict of str to list of str
        Group path (``"lesion/geometry"``) -> sorted option names.
    """
    root = Path(app_root)
    shared = root.parent
    out: dict[str, list[str]] = {}
    for base, skip in ((shared, set(APPS)), (root, set())):
        # followlinks: an app's experiment group is a link to its folder of experiments/
        for folder, subfolders, files in sorted(os.walk(base, followlinks=True)):
            if Path(folder) == base:
                subfolders[:] = [d for d in subfolders if d not in skip]
            group = Path(folder).relative_to(base).as_posix()
            stems = sorted(f[:-5] for f in files if f.endswith(".yaml"))
            if group != "." and stems:
                out[group] = sorted(set(out.get(group, [])) | set(stems))
    return out


def _close(value: str, allowed: Sequence[str]) -> str:
    match = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


def _allowed(word: str, allowed: Sequence[str]) -> str:
    return f"; allowed: {', '.join(allowed)}{_close(word, allowed)}"


def _unknown_key(key: str, base: DictConfig) -> str | None:
    """Message for the first part of dotted ``key`` that ``base`` does not have, if any."""
    node = base
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, DictConfig):
            return None
        if part not in node:
            where = ".".join(parts[:i]) or "the top level"
            if OmegaConf.get_type(node) is dict:  # an open table (e.g. model.parameters)
                return f"{key}: {where} has no entry {part!r} yet; add one with a leading '+': +{key}=<value>"
            keys = sorted(k for k in node.keys() if not str(k).startswith("_"))
            return f"{key}: no setting {part!r} under {where}{_allowed(part, keys)}"
        node = node[part]
    return None


def check_command_line(prog: str, app_root: str, argv: Sequence[str],
                       retired: Mapping[str, str] | None = None) -> None:
    """Compose the app's ``config`` with ``argv`` once; raise :class:`CommandLineError` on a mistake.

    Parameters
    ----------
    prog : str
        Program name, for the job name only.
    app_root : str
        The app's config root (:func:`sim.cli.configs.config_dir` of the app).
    argv : sequence of str
        Command-line arguments after the program name (regimen values already quoted).
    retired : mapping of str to str, optional
        Settings the app no longer has -> what to do instead (named in the message).

    Raises
    ------
    CommandLineError
        Naming the field, the value, the allowed values and a close match.
    """
    for arg in argv:
        key = arg.split("=", 1)[0].lstrip("+~")
        if key in (retired or {}):
            raise CommandLineError(f"{key}: no longer a setting; {retired[key]}")
    if not argv or any(a.startswith("-") for a in argv):
        return  # Hydra's own flags (--help, -m, --cfg, ...): Hydra handles the command line
    try:
        overrides = OverridesParser.create().parse_overrides(list(argv))
    except HydraException as exc:
        first = str(exc).splitlines()[0]
        raise CommandLineError(f"cannot read the command line ({first}); put values with special "
                               f"characters in quotes for Hydra, e.g. \"regimen='msc(cells=1e8,source=bm,"
                               f"allogeneic=0)@0'\"") from None
    if any(o.is_sweep_override() for o in overrides):
        return  # a multirun over values: Hydra composes each job
    groups = group_options(app_root)
    plain, group_args = [], []
    for o, arg in zip(overrides, argv):
        group = o.key_or_group.split("@")[0]
        if group in groups and group not in _NOT_APP_GROUPS and not o.is_delete():
            value = str(o.value())
            allowed = [g for g in groups[group] if not g.startswith("_")]
            if value not in allowed:
                raise CommandLineError(f"{group}: {value!r} is not an option for {prog}{_allowed(value, allowed)}")
            group_args.append(arg)
        elif not (o.key_or_group.startswith(("hydra.", "hydra/")) or "/" in o.key_or_group
                  or "@" in o.key_or_group):
            plain.append((o, arg))  # a value; Hydra's own settings and other groups: the full compose
    try:
        with initialize_config_dir(config_dir=app_root, version_base="1.3", job_name=prog):
            base = compose("config", overrides=group_args)
            for o, _ in plain:
                msg = _unknown_key(o.key_or_group, base) if not o.is_add() else None
                if msg:
                    raise CommandLineError(msg)
            compose("config", overrides=list(argv))
    except (HydraException, OmegaConfBaseException) as exc:
        raise CommandLineError(_unused_override(exc, app_root) or _reword(exc)) from None


def _unused_override(exc: BaseException, app_root: str) -> str | None:
    """Message for an option that adjusts a group the chosen experiment does not use.

    ``debug=lesion`` overrides the lesion groups, which only lesion experiments have; Hydra
    says "Could not override 'lesion/geometry'. No match in the defaults list". Name the
    option, the group and the experiments that do use it instead.
    """
    m = re.search(r"In '([\w-]+)/([\w-]+)': Could not override '([^'@]+)[^']*'\. No match in the defaults list",
                  str(exc))
    if not m:
        return None
    group, option, target = m.groups()
    experiments = Path(app_root) / "experiment"
    texts = {f.stem: f.read_text() for f in experiments.glob("*.yaml")}
    users = sorted(name for name, text in texts.items() if f"/{target}@" in text or f"/{target}:" in text)
    where = f"; use it with experiment={' or experiment='.join(users)}" if users else ""
    return f"{group}: {option!r} adjusts {target}, which the chosen experiment does not use{where}"


def _reword(exc: BaseException) -> str:
    """One line from a Hydra/OmegaConf composition error: the field first, then what is wrong."""
    text = str(exc)
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    cause_text = str(cause)
    key = re.search(r"full_key: (\S+)", cause_text)
    first = cause_text.strip().splitlines()[0] if cause_text.strip() else text.splitlines()[0]
    m = re.match(r"Error merging override (\S+?)=(.*)", text)
    if m and key:
        return f"{key.group(1)}: {m.group(2)!r} {_plain(first)}"
    if key:
        return f"{key.group(1)}: {_plain(first)}"
    return _plain(text.strip().splitlines()[0])


def _plain(message: str) -> str:
    m = re.match(r"Value '(.*)' (?:of type '\w+' )?could not be converted to (\w+)", message)
    if m:
        return f"is not a valid {m.group(2).lower()}"
    return message


def fail(prog: str, exc: Exception) -> None:
    """Print ``<prog>: error: <message>`` and exit with status 2 (bad input)."""
    print(f"{prog}: error: {exc}", file=sys.stderr)
    raise SystemExit(2)


def app_help(prog: str, usage: str, app_root: str, groups: Sequence[str]) -> str:
    """``--help`` text: usage, the config groups this app can use (and only those), the config.

    Hydra's own help lists every group on the search path, Hydra's own included.

    Parameters
    ----------
    prog : str
        Program name.
    usage : str
        The app's usage text (its module docstring).
    app_root : str
        The app's config root (:func:`sim.cli.configs.config_dir` of the app).
    groups : sequence of str
        The groups to list, in order.

    Returns
    -------
    str
    """
    options = group_options(app_root)
    lines = [usage.strip(), "", "== Configuration groups (group=option) ==", ""]
    for group in groups:
        shown = [o for o in options.get(group, []) if not o.startswith("_")]
        lines.append(f"{group}: {', '.join(shown)}")
    with initialize_config_dir(config_dir=app_root, version_base="1.3", job_name=prog):
        cfg = compose("config")
    lines += ["", "== Config (override any value: key=value) ==", "", OmegaConf.to_yaml(cfg),
              f"Hydra's own options: {prog} --hydra-help"]
    return "\n".join(lines)
