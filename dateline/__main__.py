"""``python -m dateline serve``: run Dateline under uvicorn, as in production.

Configuration is checked first so a malformed environment variable stops
start-up with one line instead of a traceback from every worker.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dateline")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the site with uvicorn")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
    )
    serve.add_argument("--no-access-log", action="store_true")
    sub.add_parser("check-config", help="validate the environment and exit")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings")
    from dateline.config import ConfigError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads and validates the settings
    except ConfigError as exc:
        sys.exit(f"dateline: {exc}")
    if args.command == "check-config":
        print("dateline: configuration OK")
        return

    print(
        f"Dateline: serving {settings.SITE_URL}/ on http://{args.host}:{args.port}/",
        flush=True,
    )
    uvicorn_args = [
        sys.executable,
        "-m",
        "uvicorn",
        "dateline.asgi:application",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--lifespan",
        "off",
        "--proxy-headers",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if args.no_access_log:
        uvicorn_args.append("--no-access-log")
    os.execv(sys.executable, uvicorn_args)  # noqa: S606 - replace this process


if __name__ == "__main__":
    main()
