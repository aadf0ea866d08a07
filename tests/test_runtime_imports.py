"""Runtime code never imports the test suite or Django's test tools: what ships must run without them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_PACKAGES = ["conduct", "members", "complaints", "core", "audit", "config"]
FORBIDDEN = ("tests", "django.test")


def runtime_modules() -> list[Path]:
    return sorted(path for package in RUNTIME_PACKAGES for path in (ROOT / package).rglob("*.py"))


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every module an `import` or `from ... import` in `path` names (relative imports resolved to nothing)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
            names += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return names


def forbidden(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN)


def test_the_walk_covers_every_runtime_package_and_its_migrations():
    modules = runtime_modules()
    for package in RUNTIME_PACKAGES:
        assert any(path.is_relative_to(ROOT / package) for path in modules), package
    assert any("migrations" in path.parts for path in modules)
    assert ROOT / "complaints" / "demo" / "walker.py" in modules


@pytest.mark.parametrize(
    "source, caught",
    [
        ("import tests.members.factories", True),
        ("from tests.members.factories import MemberFactory", True),
        ("from tests import conftest", True),
        ("from django.test.utils import override_settings", True),
        ("from django import test", True),
        ("import django.test", True),
        ("from django.test import TestCase", True),
        ("from django.db import transaction", False),
        ("import testsuite", False),
        ("from django.templatetags import static", False),
    ],
)
def test_the_check_catches_each_way_of_importing_them(tmp_path, source, caught):
    module = tmp_path / "module.py"
    module.write_text(source + "\n")
    assert any(forbidden(name) for _, name in imported_names(module)) is caught


def test_no_runtime_module_imports_the_tests_or_django_test():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in runtime_modules()
        for line, name in imported_names(path)
        if forbidden(name)
    ]
    assert offenders == []


def test_no_benchmark_imports_the_tests():
    """bench/ may drive Django's test client, but it builds its data through the app, never the test suite."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "bench").rglob("*.py"))
        for line, name in imported_names(path)
        if name == "tests" or name.startswith("tests.")
    ]
    assert offenders == []
