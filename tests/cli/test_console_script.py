"""The `registry` console script declared in pyproject.toml runs the operator CLI."""

import re
import subprocess
import sys
import tomllib

from tests.servers import ROOT, server_env


def run_console_script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run exactly what an installed `registry` script runs: the function pyproject.toml names."""
    target = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["registry"]
    module, _, function = target.partition(":")
    code = f"import sys; from {module} import {function}; sys.exit({function}())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_operator_commands(app_config):
    result = run_console_script(server_env(app_config), "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: registry ")
    listed = set(re.findall(r"^  (\S+)", result.stdout, re.MULTILINE))
    assert {"db", "schemes", "bodies", "keys", "demo", "import", "export", "audit", "index", "log", "worker"} <= listed


def test_a_command_reads_the_register(app_config, body):
    result = run_console_script(server_env(app_config), "bodies", "list")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{body.code}\t")
