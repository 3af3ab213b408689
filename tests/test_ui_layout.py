"""ui/ is laid out as the app reads it, and the layout's rules hold:

- ``pages/`` draw a page each; only ``navigation`` imports them (pages switch by name through
  ``state/page_links``), so no import circle can run through a page;
- ``widgets/`` are Streamlit pieces several pages use; they never import a page;
- ``figures/`` are pure functions (plots, tables, exports): no Streamlit, no session;
- ``state/`` (session, page names) and ``text/`` (languages) import no page, widget or figure;
- no module anywhere in ui/ imports one that imports it back.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "ui"
LAYERS = ("pages", "widgets", "figures", "state", "text")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (a function's import too), dotted."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # ``from ui.pages import compare`` imports the module ui.pages.compare
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _ui_graph() -> dict[str, set[str]]:
    modules = {
        _module_name(p): p for p in UI.rglob("*.py") if "__pycache__" not in p.parts
    }
    names = {m.removesuffix(".__init__") for m in modules}
    return {
        name.removesuffix(".__init__"): _imports(path) & names - {"ui"} - {
            f"ui.{layer}" for layer in LAYERS
        }
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else "top"


def test_every_module_of_ui_sits_in_a_layer_or_is_the_router_or_the_guard():
    loose = {p.name for p in UI.glob("*.py")}
    assert loose == {"__init__.py", "navigation.py", "guard.py"}
    folders = {p.name for p in UI.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(LAYERS)
    for layer in LAYERS:
        assert len(list((UI / layer).glob("*.py"))) > 1, f"{layer} holds no module"


def test_only_the_router_imports_a_page():
    graph = _ui_graph()
    assert "ui.pages.compare" in graph["ui.navigation"]  # the walk sees the router's imports
    for module, imported in graph.items():
        pages = {m for m in imported if _layer(m) == "pages"}
        if module == "ui.navigation" or _layer(module) == "pages":
            continue
        assert not pages, f"{module} imports the page(s) {sorted(pages)}"


def test_pages_import_no_other_page_except_their_own_parts():
    for module, imported in _ui_graph().items():
        if _layer(module) != "pages":
            continue
        own = module.rsplit(".", 1)[1].split("_")[0]
        for other in (m for m in imported if _layer(m) == "pages"):
            assert other.rsplit(".", 1)[1].startswith(own), f"{module} imports {other}"


def test_lower_layers_never_import_upward():
    allowed = {
        "widgets": {"widgets", "figures", "state", "text", "top"},
        "figures": {"figures", "text"},
        "state": {"state", "text"},
        "text": {"text"},
    }
    for module, imported in _ui_graph().items():
        layer = _layer(module)
        for other in imported:
            if layer in allowed and other != "ui.guard":
                assert _layer(other) in allowed[layer], f"{module} ({layer}) imports {other}"


def test_figures_are_pure_functions_without_streamlit():
    for path in (UI / "figures").glob("*.py"):
        imported = _imports(path)
        assert not any(m == "streamlit" or m.startswith("streamlit.") for m in imported), path


def test_no_module_in_ui_imports_one_that_imports_it_back():
    graph = _ui_graph()
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
