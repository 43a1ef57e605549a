"""Fail on an import of another module's `_private` name from within the same package.

Ruff's PLC2701 reports `from registry.x import _y` in tests/ or bench/ but lets it pass anywhere
inside registry/ (one package root); this check covers that case. It honours the same
per-file ignores as ruff (`[tool.ruff.lint.per-file-ignores]` listing PLC2701).

Usage: python scripts/check_private_imports.py registry tests bench migrations
"""

from __future__ import annotations

import ast
import fnmatch
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / "pyproject.toml"


def ignored_patterns() -> list[str]:
    """The file patterns ruff's configuration exempts from PLC2701."""
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    ignores = config["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    return [pattern for pattern, codes in ignores.items() if "PLC2701" in codes]


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for each private name that `path` imports from another module of its package."""
    parts = path.with_suffix("").parts
    own = parts[:-1] if parts[-1] == "__init__" else parts
    package = own[:-1] if parts[-1] != "__init__" else own
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = (*base, *(node.module or "").split(".")) if node.module else base
            if module == own or module[:1] != own[:1]:
                continue
            for alias in node.names:
                dotted = (*module, alias.name)
                if any(is_private(p) for p in dotted):
                    yield node.lineno, ".".join(dotted)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                dotted = tuple(alias.name.split("."))
                if dotted[:1] == own[:1] and any(is_private(p) for p in dotted):
                    yield node.lineno, alias.name


def main(roots: list[str]) -> int:
    ignored = ignored_patterns()
    found = 0
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            if any(fnmatch.fnmatch(path.as_posix(), pattern) for pattern in ignored):
                continue
            for line, name in private_imports(path):
                print(f"{path}:{line}: imports the private name {name}")
                found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
