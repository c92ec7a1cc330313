"""Where each module is tested: tests/README.md's table, checked on the tree."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "sklearn_mine"
README = TESTS / "README.md"

# A row of the table: | `module` | `test_a.py`, `test_b.py` |
ROW = re.compile(r"^\|\s*`([^`]+\.py)`\s*\|(.*)\|\s*$")


def read_map(text):
    """{module path under sklearn_mine/: [test files]} from the table's rows."""
    mapping = {}
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            module, tests = match.groups()
            assert module not in mapping, f"{module} has two rows"
            mapping[module] = re.findall(r"`([^`]+)`", tests)
    return mapping


def package_modules():
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )


def layout_problems(mapping, modules, test_files):
    """What is wrong with a map, given the modules and the test files there are."""
    problems = [
        f"{m} has no row in tests/README.md" for m in modules if m not in mapping
    ]
    problems += [
        f"{m} has a row, but sklearn_mine/{m} does not exist"
        for m in mapping
        if m not in modules
    ]
    for module, tests in mapping.items():
        if not tests:
            problems.append(f"{module} names no test file")
        problems += [
            f"{module} is mapped to {t}, which does not exist"
            for t in tests
            if t not in test_files
        ]
    return problems


def test_every_module_has_its_tests_and_they_exist():
    mapping = read_map(README.read_text())
    test_files = {path.name for path in TESTS.glob("test_*.py")}
    assert layout_problems(mapping, package_modules(), test_files) == []


def test_the_check_can_fail():
    table = "| `a.py` | `test_a.py` |\n| `gone.py` | `test_missing.py` |\n| `c.py` | |"
    mapping = read_map(table)
    assert mapping == {
        "a.py": ["test_a.py"],
        "gone.py": ["test_missing.py"],
        "c.py": [],
    }
    problems = layout_problems(mapping, ["a.py", "b.py", "c.py"], {"test_a.py"})
    assert problems == [
        "b.py has no row in tests/README.md",
        "gone.py has a row, but sklearn_mine/gone.py does not exist",
        "gone.py is mapped to test_missing.py, which does not exist",
        "c.py names no test file",
    ]
