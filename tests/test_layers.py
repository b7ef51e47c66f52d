"""The project's import graph, built from the source with ``ast``, keeps its layers.

Every ``import`` and ``from … import`` counts — function-local and relative ones included — except
those inside ``if TYPE_CHECKING:`` blocks, which never run. The test fails on

(a) an upward import between the top packages (``api → verifier → extractors → ingest → models``),
(b) any import cycle between modules,
(c) inside ``api/``: a module in no layer, a layer importing a layer above it, or ``rest`` ↔ ``ui``.

``ALLOWED_*`` hold what is known and not yet fixed (issue #13); each entry must still occur, so
the lists only ever shrink.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_ORDER = ("models", "ingest", "extractors", "verifier", "api")  # each may import only those before it
# Layers of api/, lowest first: a module imports only its own layer and the layers below.
# rest and ui share a rank and never import each other. The service's error type and status enums
# import nothing of api/ and sit at the bottom, so storage can use them too.
API_LAYERS = {"service.errors": 0, "service.status": 0, "service.store": 0, "service": 1, "jobs": 2,
              "rest": 3, "ui": 3, "server": 4, "cli": 5, "__main__": 5}

# (importer, imported) edges known to break (a) or (c); modules of api/ not yet in a layer; cycles
# (each as its sorted modules). Empty them; never add to them.
ALLOWED_UPWARD: set[tuple[str, str]] = set()
ALLOWED_UNLAYERED: set[str] = set()
ALLOWED_LAYER_EDGES: set[tuple[str, str]] = set()
ALLOWED_CYCLES: set[tuple[str, ...]] = set()


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every Python file of the top packages."""
    out: dict[str, Path] = {}
    for top in TOP_ORDER:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, at any depth, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@cache
def graph() -> dict[str, set[str]]:
    """module → the project modules it imports (a ``from pkg import name`` that names a submodule
    counts as importing that submodule, otherwise the package)."""
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    targets.add(alias.name)
                continue
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else base)
        edges[name] = {_known(t, modules) for t in targets if _known(t, modules)} - {name}
    return edges


def _known(target: str, modules: dict[str, Path]) -> str:
    """The project module ``target`` names (itself or its nearest package), or '' when not ours."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def _top(module: str) -> str:
    return module.split(".", 1)[0]


def api_layer(module: str) -> str | None:
    """The layer of an ``api`` module: the longest ``API_LAYERS`` prefix of its path below ``api``."""
    rest = module.split(".")[1:]
    for n in range(len(rest), 0, -1):
        candidate = ".".join(rest[:n])
        if candidate in API_LAYERS:
            return candidate
    return None


Graph = dict[str, set[str]]


def upward_edges(g: Graph) -> set[tuple[str, str]]:
    rank = {top: i for i, top in enumerate(TOP_ORDER)}
    return {(a, b) for a, targets in g.items() for b in targets if rank[_top(b)] > rank[_top(a)]}


def unlayered(g: Graph) -> set[str]:
    return {m for m in g if _top(m) == "api" and m != "api" and api_layer(m) is None}


def layer_violations(g: Graph) -> set[tuple[str, str]]:
    bad = set()
    for a, targets in g.items():
        la = api_layer(a) if _top(a) == "api" else None
        if la is None:
            continue
        for b in targets:
            lb = api_layer(b) if _top(b) == "api" else None
            if lb is None or la == lb:
                continue
            if API_LAYERS[lb] > API_LAYERS[la] or {la, lb} == {"rest", "ui"}:
                bad.add((a, b))
    return bad


def cycles(g: Graph) -> set[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan), each as sorted names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                strong(w)
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
                found.add(tuple(sorted(component)))

    for v in sorted(g):
        if v not in index:
            strong(v)
    return found


def test_the_graph_sees_function_local_and_relative_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import models.errors\n"
        "if TYPE_CHECKING:\n    from api import never_run\n"
        "def f():\n    from . import records\n"
        "    class C:\n        def g(self):\n            import verifier.sheet\n"
    )
    names = [(getattr(n, "module", None), [a.name for a in n.names], getattr(n, "level", 0))
             for n in _imports(ast.parse(source))]
    assert names == [("typing", ["TYPE_CHECKING"], 0), (None, ["models.errors"], 0), (None, ["records"], 1),
                     (None, ["verifier.sheet"], 0)]
    g = graph()
    assert "models.errors" in g and "api" in g
    assert all(_top(b) in TOP_ORDER for targets in g.values() for b in targets)


@pytest.mark.parametrize("check, allowed", [
    (upward_edges, ALLOWED_UPWARD),
    (unlayered, ALLOWED_UNLAYERED),
    (layer_violations, ALLOWED_LAYER_EDGES),
    (cycles, ALLOWED_CYCLES),
], ids=["upward", "unlayered", "layers", "cycles"])
def test_layers(check, allowed) -> None:
    found = check(graph())
    assert sorted(found - allowed) == [], "new violations"
    assert sorted(allowed - found) == [], "fixed: remove these from the allow-list"


def test_the_rules_catch_what_they_name() -> None:
    """The checks themselves, on a hand-made graph: an upward import, a cycle, a layer breach."""
    g = {"models.a": {"api.x"}, "api.service.s": {"api.jobs.j"}, "api.jobs.j": {"api.service.s"},
         "api.rest.r": {"api.ui.u"}, "api.ui.u": set(), "api.x": set(), "api.cli.c": {"api.jobs.j"}}
    assert upward_edges(g) == {("models.a", "api.x")}
    assert layer_violations(g) == {("api.service.s", "api.jobs.j"), ("api.rest.r", "api.ui.u")}
    assert cycles(g) == {("api.jobs.j", "api.service.s")}
    assert unlayered(g) == {"api.x"}
