"""The package's layers, as docs/architecture.md draws them, checked on the source.

Every import of every module is read with ``ast`` (those inside functions
too, so that a circle cannot hide behind a function-level import), and
checked against the layers: a module imports only from its own layer or
those below it, never a private name of another sub-package, and no two
modules import each other, directly or round a longer circle.
"""

import ast
import io
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_mine"

# Sub-package (or top-level module) -> layer; a module may import from its
# own layer and those below.
LAYERS = {
    "_utils": 0,
    "_engine": 1,
    "datasets": 1,
    "_permutation": 1,
    # The public face: every top-level module and the selector's package.
    "<top>": 2,
    "_selection": 2,
    "cli": 3,
}

# Most code lines (docstrings, comments and blank lines aside) of a module
# or a class: past this, a file usually holds two rooms.
MAX_CODE_LINES = 270


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _room(module):
    """The sub-package a module belongs to, or "<top>" for top-level modules."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "<top>"


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(module):
    """(imported module, imported name or None) for each import of a module."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if not target.startswith("sklearn_mine"):
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, None
                else:
                    yield target, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sklearn_mine"):
                    yield alias.name, None


def _internal_edges():
    for module in MODULES:
        for target, name in _imports(module):
            if target != module and target in MODULES:
                yield module, target, name


def _code_lines(source, node=None):
    """Lines holding code: no docstring, comment or blank line."""
    tree = ast.parse(source)
    docstrings = set()
    for each in ast.walk(tree):
        body = getattr(each, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    skipped = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    lines = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type not in skipped
    }
    return lines - docstrings


def test_every_room_has_a_layer():
    rooms = {_room(module) for module in MODULES if module != "sklearn_mine"}
    assert rooms <= set(LAYERS), rooms - set(LAYERS)


def test_no_import_reaches_up_a_layer():
    upward = [
        f"{module} imports {target}"
        for module, target, _ in _internal_edges()
        # The package's own __init__ and __main__ sit above every layer.
        if module not in ("sklearn_mine", "sklearn_mine.__main__")
        and LAYERS[_room(target)] > LAYERS[_room(module)]
    ]
    assert upward == []


def test_the_engine_imports_no_public_module():
    public = [
        f"{module} imports {target}"
        for module, target, _ in _internal_edges()
        if _room(module) == "_engine" and _room(target) not in ("_engine", "_utils")
    ]
    assert public == []


def test_no_private_name_is_imported_across_rooms():
    private = [
        f"{module} imports {name} from {target}"
        for module, target, name in _internal_edges()
        if name is not None and name.startswith("_") and _room(module) != _room(target)
    ]
    assert private == []


def test_no_module_imports_round_a_circle():
    graph = {module: set() for module in MODULES}
    for module, target, _ in _internal_edges():
        # A package's __init__ re-exports its modules: that is not a circle.
        if not target.startswith(module + ".") and module != "sklearn_mine":
            graph[module].add(target)
    circles = []
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                circles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_classes_are_small(module):
    source = MODULES[module].read_text()
    code = _code_lines(source)
    assert len(code) <= MAX_CODE_LINES, f"{module}: {len(code)} code lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            inside = {n for n in code if node.lineno <= n <= node.end_lineno}
            assert len(inside) <= MAX_CODE_LINES, f"{node.name}: {len(inside)}"


def test_the_checks_see_a_circle_and_a_private_import(tmp_path, monkeypatch):
    # The checks above must be able to fail: a module of the engine that
    # imports a private name of the public face, and back.
    source = "from .._estimator import _FIT_STACKLEVEL\n"
    fake = PACKAGE / "_engine" / "_probe_for_test.py"
    monkeypatch.setitem(MODULES, "sklearn_mine._engine._probe_for_test", fake)
    monkeypatch.setattr(Path, "read_text", _reading(fake, source))
    edges = list(_internal_edges())
    assert ("sklearn_mine._engine._probe_for_test", "sklearn_mine._estimator") in {
        (a, b) for a, b, _ in edges
    }
    with pytest.raises(AssertionError):
        test_no_import_reaches_up_a_layer()
    with pytest.raises(AssertionError):
        test_no_private_name_is_imported_across_rooms()


def _reading(fake, source):
    read_text = Path.read_text

    def read(self, *args, **kwargs):
        return source if self == fake else read_text(self, *args, **kwargs)

    return read
