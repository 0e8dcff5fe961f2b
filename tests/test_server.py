"""The production server path: bootstrap, then Granian with two workers.

Runs on SQLite, and with ``--db=postgres`` on a fresh database of the
throwaway PostgreSQL server.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pytest

from dateline.testing.processes import ROOT, dateline_env, run_dateline
from dateline.testing.servers import free_port

pytestmark = pytest.mark.server


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server_env(request, tmp_path) -> dict[str, str]:
    env = dateline_env(tmp_path, drop=("DATABASE_URL",))
    if request.config.getoption("--db") == "postgres":
        server = request.getfixturevalue("postgres_server")
        env["DATABASE_URL"] = server.create_database(f"serve_{free_port()}")
    return env


def test_production_server_serves_the_demo(server_env):
    bootstrap = run_dateline(["manage.py", "bootstrap"], server_env)
    assert bootstrap.returncode == 0, bootstrap.stderr
    assert "password:" in bootstrap.stdout
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dateline",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline:
            try:
                status, home = _get(base + "/")
                break
            except OSError:
                time.sleep(0.25)
        assert status == 200, "server did not answer within 60 s"
        assert "Night of strikes leaves southern suburbs without power" in home
        status, article = _get(
            base + "/conflict/night-of-strikes-leaves-southern-suburbs-dark/"
        )
        assert status == 200
        assert "BEIRUT, LEBANON</span> (<time" in article
        # the local clock time it was filed at (10:15 P.M. but for a
        # change of summer time since the demo export was written)
        assert re.search(r"1[01]:15 P\.M\.</time>\) –", article)
        status, css = _get(base + "/static/dateline/css/site.css")
        assert status == 200 and ".dateline" in css
        status, missing = _get(base + "/no/such/page/")
        assert status == 404 and "Page not found" in missing
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "granian" in output.lower()
