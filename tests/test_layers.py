"""`make lint` refuses an import between the API and the site, and an import cycle between packages."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"

API_AND_SITE = "The API and the site never import each other"
MODELS = "No model module imports the API or the site"
ACYCLIC = "No import cycles between the packages (and modules) of registry"


def lint_imports(tree: Path, added: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the project's import contracts on a copy of the package with `added` modules written into it."""
    shutil.copytree(ROOT / "registry", tree / "registry", ignore=shutil.ignore_patterns("__pycache__", "static"))
    for path, source in added.items():
        module = tree / path
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(source, encoding="utf-8")
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_package_as_it_is_keeps_every_contract(tmp_path):
    result = lint_imports(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in (API_AND_SITE, MODELS, ACYCLIC):
        assert f"{contract} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("added", "broken", "named"),
    [
        (
            # An import inside a function counts like one at the top.
            {"registry/api/probe.py": "def page():\n    from registry.web.errors import html_error_page\n"},
            API_AND_SITE,
            "registry.api.probe -> registry.web.errors",
        ),
        (
            {"registry/web/probe.py": "from registry.api import representations\n"},
            API_AND_SITE,
            "registry.web.probe -> registry.api.representations",
        ),
        (
            {"registry/probe/__init__.py": "", "registry/probe/models.py": "import registry.web.errors\n"},
            MODELS,
            "registry.probe.models -> registry.web.errors",
        ),
        (
            {
                "registry/alpha/__init__.py": "from registry import beta\n",
                "registry/beta/__init__.py": "def later():\n    import registry.alpha\n",
            },
            ACYCLIC,
            "No cycles are allowed in registry.",
        ),
    ],
    ids=["api-imports-web", "web-imports-api", "model-imports-web", "cycle-between-packages"],
)
def test_a_module_that_breaks_the_layers_fails_the_check(tmp_path, added, broken, named):
    result = lint_imports(tmp_path, added)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken} BROKEN" in result.stdout
    assert named in result.stdout
