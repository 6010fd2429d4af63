"""Every third-party module the code imports is declared in pyproject.toml: the packages' imports among the
runtime ``dependencies``, the tests' and benchmarks' among those or the ``dev`` extra. A dependency that is only
present because another package happens to pull it in breaks the day that package stops doing so."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("zhengyu", "storage", "crawlers", "sentiment", "publisher", "dashboard")
OWN = set(PACKAGES) | {"tests", "bench"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {_normal(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}

    return names(project["dependencies"]), names(project["optional-dependencies"]["dev"])


def _optional_import_lines(tree: ast.AST) -> set[int]:
    """Lines of imports inside ``try: … except ImportError`` (optional comparisons in benchmarks)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = {getattr(h.type, "id", None) for h in node.handlers if h.type is not None}
        caught |= {getattr(e, "id", None) for h in node.handlers if isinstance(h.type, ast.Tuple) for e in h.type.elts}
        if caught & {"ImportError", "ModuleNotFoundError"}:
            lines |= {n.lineno for stmt in node.body for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))}
    return lines


def imported_modules(directory: Path) -> dict[str, set[str]]:
    """Third-party top-level modules imported anywhere under ``directory`` (lazy imports included) → files."""
    local = {p.stem for p in directory.glob("*.py")}  # sibling scripts (bench/ imports its neighbours)
    found: dict[str, set[str]] = {}
    for path in sorted(directory.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        optional = _optional_import_lines(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if node.lineno in optional:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in OWN or top in local or top == "__future__":
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(REPO_ROOT)))
    return found


def undeclared(directories: list[str], allowed: set[str]) -> dict[str, list[str]]:
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for directory in directories:
        for module, files in imported_modules(REPO_ROOT / directory).items():
            dists = {_normal(d) for d in distributions.get(module, [module])}
            if not dists & allowed:
                missing[f"{module} ({', '.join(sorted(dists))})"] = sorted(files)[:3]
    return missing


def test_package_imports_are_runtime_dependencies():
    runtime, _dev = _declared()
    assert undeclared(list(PACKAGES), runtime) == {}


def test_test_and_benchmark_imports_are_declared():
    runtime, dev = _declared()
    assert undeclared(["tests", "bench"], runtime | dev) == {}


def test_the_check_sees_lazy_imports_and_names_the_distribution(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("def f():\n    import numpy.linalg\n    from lxml import etree\n"
                                             "try:\n    import trafilatura\nexcept ImportError:\n    pass\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", tmp_path)
    assert undeclared(["pkg"], {"lxml"}) == {"numpy (numpy)": ["pkg/mod.py"]}
