"""The Hydra configs of sim's command-line apps (YAML files; no Python code).

Each app has its own root folder with its primary ``config.yaml`` and the groups only it uses
(``run/``: ``sim-run``, ``trial/``: ``sim-trial``, ``calibration/``: ``sim-calibrate``; each
with ``experiment`` and ``debug`` groups where it has them). The building blocks that several
apps share (``paths``, ``hydra``, ``model``, ``patient``, ``solver``, ``output``, ``treatment``,
``launcher``, ``sweep``, ``lesion``) live in this folder, which every primary config adds to
its search path as ``pkg://sim.configs``: Hydra finds a search-path package only when it holds
an ``__init__.py``, hence this file.
"""
