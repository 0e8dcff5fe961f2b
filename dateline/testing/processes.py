"""Run Dateline's own entry points in a child process, as a site owner would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


def manage_shell(env: dict[str, str], code: str) -> str:
    """Run Python ``code`` in ``manage.py shell`` (a third process); its output."""
    done = run_dateline(["manage.py", "shell", "--no-imports", "-c", code], env)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py shell failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


@contextmanager
def served(env: dict[str, str], *, workers: int = 1) -> Iterator[str]:
    """``python -m dateline serve`` on a free loopback port; its base URL.

    Waits (up to a minute) until the API answers, and stops the server,
    and only it, on the way out.
    """
    from dateline.testing.servers import free_port

    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "dateline", "serve", "--port", str(port)),
            *("--workers", str(workers), "--no-access-log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/form-token", timeout=5).close()  # noqa: S310 - loopback
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from exc
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
