"""The walk of one dose from ``sim-run`` to the kernel and back to the file goes down the layers.

The import rules (tests/test_layers.py) say who may import whom; this test watches a run. It
records every call from one ``sim`` unit into another while ``sim-run``'s body simulates an MSC
dose and writes its files, and fails on a call into a higher layer (a climb back up), except
the writers that the one atomic writer calls back by design.
"""

from __future__ import annotations

import sys

from test_layers import LAYERS

#: Upward calls allowed, as (caller function, callee module): the atomic writer calls the
#: writer it is handed (``write_atomic(path, writer)``).
CALLBACKS = {("sim.atomic", "write_atomic")}


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sim" else None


def test_a_dose_walks_down_the_layers(tmp_path):
    from hydra import compose, initialize_config_dir

    import sim.cli.run_app as app
    from sim.cli.app import AppContext
    from sim.cli.configs import config_dir

    with initialize_config_dir(config_dir=config_dir("run"), version_base="1.3"):
        cfg = compose("config", overrides=["regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'",
                                           "experiment.t_end=91", "experiment.report_days=[91]"])
    context = AppContext(tmp_path, tmp_path, frozenset())
    app.run(cfg, context)  # compile and load everything first: the walk, not the imports, is watched
    climbs: dict[str, int] = {}
    calls = 0

    def watch(frame, event, arg):
        nonlocal calls
        if event != "call" or frame.f_back is None:
            return
        callee_mod = frame.f_globals.get("__name__", "")
        caller_mod = frame.f_back.f_globals.get("__name__", "")
        callee, caller = _unit(callee_mod), _unit(caller_mod)
        if callee is None or caller is None or callee == caller:
            return
        calls += 1
        if (caller_mod, frame.f_back.f_code.co_name) in CALLBACKS:
            return
        if LAYERS[callee] > LAYERS[caller]:
            key = f"{caller_mod}.{frame.f_back.f_code.co_name} -> {callee_mod}.{frame.f_code.co_name}"
            climbs[key] = climbs.get(key, 0) + 1

    sys.setprofile(watch)
    try:
        app.run(cfg, context)
    finally:
        sys.setprofile(None)
    assert calls > 100, calls  # the watch saw the run
    assert not climbs, climbs
    assert (tmp_path / "result.h5").exists()
