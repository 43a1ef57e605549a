"""`make lint` refuses a module that imports another module's `_private` name from the same package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "check_private_imports.py"


def check(cwd: Path, *roots: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CHECK), *roots], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_project_imports_no_private_name_across_modules():
    result = check(ROOT, "registry", "tests", "bench", "migrations")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_private_name_imported_within_the_package_fails_the_check(tmp_path):
    package = tmp_path / "registry"
    (package / "signing").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "signing" / "__init__.py").write_text("")
    (package / "signing" / "token.py").write_text("def _short_key_id():\n    return b''\n")
    (package / "signing" / "peer.py").write_text("def kid():\n    from .token import _short_key_id\n")
    (package / "web.py").write_text("from registry.signing.token import _short_key_id\n\nvalue = _short_key_id()\n")
    (package / "api.py").write_text("import registry.signing.token\n\nvalue = registry.signing.token\n")

    result = check(tmp_path, "registry")

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "registry/signing/peer.py:2: imports the private name registry.signing.token._short_key_id",
        "registry/web.py:1: imports the private name registry.signing.token._short_key_id",
    ]
