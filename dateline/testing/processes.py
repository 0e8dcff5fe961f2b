"""Run Dateline's own entry points in a child process, as a site owner would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def dateline_env(
    data_dir: Path, *, drop: tuple[str, ...] = (), **env: str
) -> dict[str, str]:
    """This process's environment for a child Dateline using ``data_dir``.

    DJANGO_SETTINGS_MODULE is left for the entry point to set, and ``drop``
    names variables (such as DATABASE_URL) the child must not inherit.
    """
    child = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for name in drop:
        child.pop(name, None)
    child["DATELINE_DATA_DIR"] = str(data_dir)
    child.update(env)
    return child


def run_dateline(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in the project folder and capture its output."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
