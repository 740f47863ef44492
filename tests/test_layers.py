"""The package's layering: each part of ``sim`` imports only from its own layer or the ones below.

Every module under ``sim/`` is parsed with :mod:`ast`; every import counts, including the ones
inside functions (a lazy import is still a dependency) and under ``TYPE_CHECKING``. Two rules:

* a unit (a package directly under ``sim/``, or a top-level module such as ``sim/result.py``)
  imports only from units of its own layer or lower ones (:data:`LAYERS`);
* there are no circles between units, not even within one layer.

:data:`KNOWN_EXCEPTIONS` lists the imports still allowed to break them, each with its reason.

``sim/__init__.py`` is the public facade: it may import anything, and nothing imports names from
it except ``__version__`` (a plain ``import sim``, which the commands use to configure the
kernel cache before anything compiles, is allowed). ``sim.codegen`` is dev-time tooling above
every layer: it may import anything, and nothing under ``sim`` may import it (the wheel does not
ship it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"

#: Layer of each unit; a unit may import from units of the same or a lower layer.
LAYERS: dict[str, int] = {
    # 0: packaged data and calibrated values, provenance, the generic integrator
    # (and the one atomic file writer, which every writer uses)
    "data": 0, "provenance": 0, "solver": 0, "_numba_cache": 0, "atomic": 0,
    # 1: the model's declaration (states, parameters, rhs, patient, species, layout)
    "model": 1,
    # 2: what is injected when, and what each product does to the state
    "regimen": 2,
    # 3: the compiled knee model and the code generated from it
    "engine": 3,
    # 4: simulation and its results, and the virtual populations simulated
    "simulation": 4, "result": 4, "observe": 4, "experiment": 4, "population": 4,
    # 5: trials, findings, lesions, export, trial evidence
    "trial": 5, "findings": 5, "lesion": 5, "export": 5, "evidence": 5,
    # 6: files
    "io": 6,
    # 7: calibration and sweeps
    "calibration": 7, "sweep": 7,
    # 8: figures
    "plotting": 8,
    # 9: the command-line edge
    "cli": 9,
    # dev-time generators and the facade: above everything
    "codegen": 10, "__init__": 10,
}
#: Units nothing else under ``sim`` may import.
UNIMPORTABLE = {"codegen", "__init__"}
#: Names that any module may import from the facade ``sim`` (plain values, not re-exports).
FACADE_VALUES = {"__version__"}
#: Imports that break the rules today, each with the reason it is still allowed. Keep this short:
#: an entry is a debt, to be removed together with the import.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _unit_of_file(path: Path) -> str:
    rel = path.relative_to(SIM)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.name != "__init__.py" else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SIM.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_units(path: Path) -> list[tuple[str, int, str]]:
    """``(unit, line, text)`` for every import of ``sim`` code in ``path`` (any depth in the tree)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        targets: list[tuple[str, list[str]]] = []
        if isinstance(node, ast.Import):
            targets = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [(module, [alias.name for alias in node.names])]
        for module, names in targets:
            parts = module.split(".")
            if parts[0] != "sim":
                continue
            if len(parts) > 1:
                found.append((parts[1], node.lineno, module))
                continue
            # a plain ``import sim`` (the commands' way to configure the kernel cache first) names no
            # unit; ``from sim import x`` names one or a facade value
            # ``from sim import x``: x is a unit (a subpackage or module) or a facade name
            for name in names:
                if name in LAYERS:
                    found.append((name, node.lineno, f"sim.{name}"))
                elif name not in FACADE_VALUES:
                    found.append(("__init__", node.lineno, f"sim ({name})"))
    return found


def _imports() -> list[tuple[str, str, Path, int, str]]:
    """``(importer unit, imported unit, file, line, module)`` over every module of ``sim``."""
    edges = []
    for path in sorted(SIM.rglob("*.py")):
        importer = _unit_of_file(path)
        for unit, line, module in _imported_units(path):
            if unit != importer and (importer, unit) not in KNOWN_EXCEPTIONS:
                edges.append((importer, unit, path, line, module))
    return edges


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(SIM.parent)}:{line}"


def test_every_unit_has_a_layer():
    units = {_unit_of_file(p) for p in SIM.rglob("*.py")}
    assert units <= set(LAYERS), f"give these a layer in LAYERS: {sorted(units - set(LAYERS))}"


def test_imports_go_down_the_layers():
    bad = []
    for importer, unit, path, line, module in _imports():
        if unit not in LAYERS:
            bad.append(f"{_where(path, line)} imports {module}: no such unit")
        elif importer != "__init__" and unit in UNIMPORTABLE:
            bad.append(f"{_where(path, line)} imports {module}, which nothing under sim may import")
        elif LAYERS[unit] > LAYERS[importer]:
            bad.append(f"{_where(path, line)}: {importer} (layer {LAYERS[importer]}) imports {module} "
                       f"(layer {LAYERS[unit]})")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_circles_between_units():
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for importer, unit, path, line, module in _imports():
        graph.setdefault(importer, set()).add(unit)
        where.setdefault((importer, unit), f"{_where(path, line)} imports {module}")
    circles = _cycles(graph)
    detail = []
    for circle in circles:
        detail += [f"  {where[(a, b)]}" for a in circle for b in circle if (a, b) in where]
    assert not circles, f"import circles {circles}:\n" + "\n".join(detail)


@pytest.mark.parametrize("source, expected", [
    ("from sim.cli.run_app import main\n", [("cli", 1, "sim.cli.run_app")]),
    ("def f():\n    import sim.io.hdf5\n", [("io", 2, "sim.io.hdf5")]),
    ("from sim import io, __version__\n", [("io", 1, "sim.io")]),
    ("from ..regimen import Regimen\n", [("regimen", 1, "sim.regimen")]),
])
def test_the_parser_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    # a module at sim/model/x.py, as the parser would see it
    fake_sim = tmp_path / "sim"
    (fake_sim / "model").mkdir(parents=True)
    path = fake_sim / "model" / "x.py"
    path.write_text(source)
    monkeypatch.setitem(globals(), "SIM", fake_sim)
    assert _imported_units(path) == expected


def test_no_hand_written_module_is_over_500_lines():
    """Files of a few hundred lines (house style); generated modules are exempt."""
    long = {str(p.relative_to(SIM)): n for p in SIM.rglob("*.py")
            if "generated" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long
