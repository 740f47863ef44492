"""Command-line overrides as the shell leaves them, made readable for Hydra's override grammar.

A regimen such as ``msc(cells=1e8,source=bm,allogeneic=0)@0;ha(mg=60,form=unknown)@0`` holds
parentheses, commas, ``=``, ``@`` and ``;``, which Hydra's grammar reads as syntax. Users type
``sim-run regimen='msc(...)@0'``; the shell removes those quotes before Hydra sees the value, so
Hydra would fail with "mismatched input '@'". Such values are quoted again here, before Hydra
parses the command line; a value the user already quoted for Hydra (``"regimen='...'"``) is
left as it is.
"""

from __future__ import annotations

import re

#: Overrides whose value is a regimen string (``experiment.arms.<label>``, ``trial.arms.<label>``).
_REGIMEN_KEY = re.compile(r"^\+{0,2}(regimen|(experiment|trial)\.arms\.[A-Za-z_][\w.]*)=(.*)$", re.S)


def quote_regimen_values(argv: list[str]) -> list[str]:
    """Return ``argv`` with every unquoted regimen value wrapped in single quotes for Hydra.

    Parameters
    ----------
    argv : list of str
        Command-line arguments after the program name.

    Returns
    -------
    list of str
        The same arguments; ``regimen=<value>`` (and arm overrides) quoted where needed.
    """
    out = []
    for arg in argv:
        m = _REGIMEN_KEY.match(arg)
        if m:
            value = m.group(3)
            if value and value[0] not in "'\"" and value.lower() != "null":
                escaped = value.replace("\\", "\\\\").replace("'", "\\'")
                arg = f"{arg[:len(arg) - len(value)]}'{escaped}'"
        out.append(arg)
    return out
