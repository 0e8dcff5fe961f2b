"""``python -m dateline serve``: run Dateline under Granian, as in production.

Granian (a Rust HTTP server for ASGI, RSGI and WSGI apps) runs Django's
synchronous stack through its WSGI interface: every view and middleware
here is synchronous, so an ASGI layer would only add thread hand-offs.
Measured with wrk on the cached thread page: about 3.5 times the requests per
second of uvicorn with a2wsgi on the same two cores (README, Benchmarks).

Configuration is checked first so a malformed environment variable stops
start-up with one line instead of a traceback from every worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dateline")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the site with Granian")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
    )
    serve.add_argument("--no-access-log", action="store_true")
    live = sub.add_parser(
        "live", help="hold live streams on one event loop (behind nginx's /live/)"
    )
    live.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    live.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8010")))
    live.add_argument("--no-access-log", action="store_true")
    sub.add_parser("check-config", help="validate the environment and exit")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    from dateline.config import ConfigError, live_streams, request_threads

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads and validates the settings
        # SQLite work is all CPU: a second thread per worker only queues on
        # the GIL, and a thread that holds the write lock waits for it while
        # the other runs (make bench, two workers: comment POSTs 297 a second
        # with two threads each, 381 with one; cached pages 688 and 755). A
        # remote database's round trips are worth overlapping.
        threads = request_threads()
        # Live streams wait on threads of their own; pages and posts keep
        # ``threads`` (dateline/notify/live/stream.py).
        streams = live_streams() if settings.DATELINE_LIVE else 0
    except ConfigError as exc:
        sys.exit(f"dateline: {exc}")
    if args.command == "check-config":
        print("dateline: configuration OK")
        return
    if args.command == "live":
        _live(args)
        return

    print(
        f"Dateline: serving {settings.SITE_URL}/ on http://{args.host}:{args.port}/",
        flush=True,
    )
    if settings.DATELINE_METRICS_TOKEN or settings.DATELINE_METRICS_NETWORKS:
        # The workers keep their metrics in files there; /metrics adds them
        # up. A fresh folder per server: a restart starts from zero.
        folder = Path(settings.DATA_DIR) / "metrics" / str(args.port)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    # The toxicity model's matrix products are small: one thread each is
    # faster than a pool per worker competing for the same cores.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    granian_args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "dateline.wsgi:application",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        # Request threads per worker.
        "--blocking-threads",
        str(threads + streams),
        "--no-ws",
        "--respawn-failed-workers",
    ]
    if not args.no_access_log:
        granian_args.append("--access-log")
    os.execv(sys.executable, granian_args)  # noqa: S606 - replace this process


def _live(args: argparse.Namespace) -> None:
    """The stream server (dateline/notify/live/server.py): one process, one
    event loop, as many idle streams as DATELINE_LIVE_MAX."""
    from dateline.notify.live import conf

    most = conf.get("DATELINE_LIVE_MAX")
    print(
        f"Dateline: live streams on http://{args.host}:{args.port}/live/ "
        f"(at most {most})",
        flush=True,
    )
    granian_args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "dateline.notify.live.server:application",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        "1",
        "--loop",
        "asyncio",
        "--http",
        "1",
        # Granian's own limit on requests in flight, and on connections
        # waiting to be accepted, would otherwise stop well short of it.
        "--backpressure",
        str(most + 64),
        "--backlog",
        str(max(2048, min(most, 65535))),
        "--no-ws",
        "--respawn-failed-workers",
    ]
    if not args.no_access_log:
        granian_args.append("--access-log")
    os.execv(sys.executable, granian_args)  # noqa: S606 - replace this process


if __name__ == "__main__":
    main()
