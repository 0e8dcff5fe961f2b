"""What stands in front of Dateline in the benchmark: nginx serving the
article's bytes as a file (the physical limit the cached page is measured
against) and Varnish keeping the page for anonymous readers.

Both from Debian's packages; each runs in a folder of its own and is
stopped, by its PID, on the way out.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dateline.stack import StackError, varnish_vcl, wait_until
from dateline.testing.servers import free_port


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _started(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    try:
        wait_until(url, process, what, log)
    except StackError as exc:
        raise SystemExit(f"bench: {exc}") from exc


@contextmanager
def nginx_file(body: bytes, folder: Path) -> Iterator[str | None]:
    """nginx serving ``body`` as a static file; its URL (None without nginx)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        yield None
        return
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "www").mkdir(parents=True)
    (folder / "tmp").mkdir()
    (folder / "www" / "article.html").write_bytes(body)
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = free_port()
    temp = "\n".join(
        f"  {kind}_temp_path {folder / 'tmp'};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes auto;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
  server {{
    listen 127.0.0.1:{port};
    root {folder / "www"};
    default_type text/html;
  }}
}}
"""
    )
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/article.html"
    try:
        _started(url, process, "nginx", folder / "error.log")
        yield url
    finally:
        stop(process)


@contextmanager
def varnish(backend: str, port: int, folder: Path) -> Iterator[str | None]:
    """Varnish on ``port`` in front of ``backend`` (host:port), with the VCL
    of ``deploy/varnish/``; its URL (None without Varnish)."""
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        yield None
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    vcl = folder / "dateline.vcl"
    vcl.write_text(varnish_vcl(backends=[backend]))
    log = folder / "varnish.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(varnishd, "-F", "-j", "none", "-f", str(vcl)),
                *("-a", f"127.0.0.1:{port}", "-n", str(folder / "state")),
                *("-s", "malloc,256m", "-T", "none"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _started(url + "/healthz", process, "varnish", log)
        yield url
    finally:
        stop(process)
