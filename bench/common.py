"""What the benchmarks share: running the operator CLI in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app registry ARGS` with `env`, failing loudly on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "registry", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
