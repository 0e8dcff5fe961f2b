"""``make run-prod``: the production topology on one machine, on loopback.

A throwaway PostgreSQL and Redis (``testing/servers.py``, as the tests use),
the task worker, two app instances and the live stream server, each started
with the command line of its unit in ``deploy/systemd/``, and nginx in front
of them as the load
balancer, configured by ``deploy/nginx/dateline.conf``, with demo content.
Ctrl-C stops all of it and throws the databases away. The integration tests
start the same stack (:func:`running`), so the files in ``deploy/`` are the
ones known to work.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dateline.testing.servers import (
    ServerUnavailable,
    ThrowawayPostgres,
    ThrowawayRedis,
    free_port,
)

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# Where the example units and environment file expect the checkout.
UNIT_ROOT = "/srv/dateline"


class StackError(RuntimeError):
    """A part of the stack is missing or did not start."""


def unit_command(unit: str, instance: str = "") -> list[str]:
    """The ExecStart command line of ``deploy/systemd/<unit>``, for this checkout."""
    text = (DEPLOY / "systemd" / unit).read_text()
    lines = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    if len(lines) != 1:
        raise StackError(f"{unit}: expected one ExecStart= line, found {len(lines)}")
    python = f"{UNIT_ROOT}/.venv/bin/python"
    return [
        sys.executable if arg == python else arg.replace("%i", instance)
        for arg in shlex.split(lines[0].removeprefix("ExecStart="))
    ]


def env_file_names() -> list[str]:
    """The variables ``deploy/dateline.env`` sets, in its order."""
    names = []
    for line in (DEPLOY / "dateline.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line.split("=", 1)[0])
    return names


def _render(template: Path, values: dict[str, str]) -> str:
    """``template`` with its ``{{...}}`` values filled in (not in comments)."""
    lines = []
    for line in template.read_text().splitlines():
        if not line.lstrip().startswith("#"):  # the header names them too
            for key, value in values.items():
                line = line.replace("{{" + key + "}}", value)
        lines.append(line)
    unfilled = [
        line for line in lines if "{{" in line and not line.lstrip().startswith("#")
    ]
    if unfilled:
        name = template.relative_to(DEPLOY.parent)
        raise StackError(f"{name}: nothing fills {unfilled[0]!r}")
    return "\n".join(lines) + "\n"


def nginx_site(
    *, listen: str, upstreams: list[str], live: list[str], data_dir: Path
) -> str:
    """``deploy/nginx/dateline.conf`` with its ``{{...}}`` values filled in."""
    return _render(
        DEPLOY / "nginx" / "dateline.conf",
        {
            "upstream_servers": "\n".join(f"    server {u};" for u in upstreams),
            "live_servers": "\n".join(f"    server {u};" for u in live),
            "listen": listen,
            "server_name": "127.0.0.1 localhost",
            "data_dir": str(data_dir),
        },
    )


def varnish_vcl(*, backends: list[str]) -> str:
    """``deploy/varnish/dateline.vcl`` for app instances at ``backends`` (host:port)."""
    blocks, adds = [], []
    for number, backend in enumerate(backends, start=1):
        host, port = backend.rsplit(":", 1)
        blocks.append(
            f"backend web{number} {{\n"
            f'    .host = "{host}";\n    .port = "{port}";\n'
            '    .probe = { .url = "/healthz"; .interval = 1s; .timeout = 1s;'
            " .window = 3; .threshold = 2; }\n}"
        )
        adds.append(f"    app.add_backend(web{number});")
    return _render(
        DEPLOY / "varnish" / "dateline.vcl",
        {
            "backends": "\n".join(blocks),
            "backend_adds": "\n".join(adds),
            "purgers": '    "127.0.0.1";\n    "::1";',
        },
    )


def _nginx_main(prefix: Path) -> str:
    """The rest of an nginx.conf, around the site, for an nginx of our own."""
    mime = Path("/etc/nginx/mime.types")
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    {f"include {mime};" if mime.exists() else ""}
    default_type application/octet-stream;
    log_format upstream '$remote_addr "$request" $status $upstream_addr $request_id';
    access_log {prefix / "access.log"} upstream;
{temp}
    include {prefix / "dateline.conf"};
}}
"""


@dataclass
class Stack:
    url: str  # nginx, the front door
    instances: list[str]  # each app instance, directly
    live: str  # the live stream server, directly
    env: dict[str, str]  # what every process of the stack was given
    folder: Path
    postgres: ThrowawayPostgres
    redis: ThrowawayRedis
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    varnish_url: str = ""  # Varnish in front of the instances, when started

    def manage(self, *args: str, timeout: float = 600) -> str:
        """``manage.py ARGS`` against the stack's database; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise StackError(
                f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def start(
        self, name: str, command: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Start one of the stack's processes, logging to ``logs/NAME.log``."""
        with (self.folder / "logs" / f"{name}.log").open("ab") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env if env is None else env,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Ctrl-C reaches the stack alone, which stops them in order.
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def start_instance(
        self, number: int, port: int, env: dict[str, str] | None = None
    ) -> str:
        """App instance ``number`` on ``port``, once it answers; its URL."""
        name = f"web{number}"
        process = self.start(
            name, unit_command("dateline-web@.service", str(port)), env
        )
        base = f"http://127.0.0.1:{port}"
        logs = self.folder / "logs" / f"{name}.log"
        wait_until(base + "/api/form-token", process, name, logs)
        return base

    def restart_instances(self, **overrides: str) -> None:
        """Start every app instance again, on its port, with ``overrides``
        added to its environment (``make bench`` changes settings this way
        between phases while the databases and nginx stay up)."""
        for number, base in enumerate(self.instances, start=1):
            _stop(self.processes[f"web{number}"])
            port = int(base.rsplit(":", 1)[1])
            self.start_instance(number, port, {**self.env, **overrides})


def wait_until(
    url: str, process: subprocess.Popen[bytes], what: str, log: Path
) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 - loopback
            return
        except OSError as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise StackError(f"{what} did not start; {log}:\n{tail}") from exc
            time.sleep(0.25)


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _stop_all(stack: Stack) -> None:
    for process in reversed(list(stack.processes.values())):
        _stop(process)


@contextlib.contextmanager
def running(
    folder: Path,
    *,
    port: int = 0,
    instances: int = 2,
    demo: bool = True,
    varnish: bool = False,
    say: Callable[[str], None] = lambda message: None,
) -> Iterator[Stack]:
    """Start the whole stack; stop all of it, and only it, on the way out.

    ``folder`` holds the data directory (static files, uploads), nginx's
    configuration and every process's log. With ``varnish``, Varnish stands
    in front of the instances too (``deploy/varnish/dateline.vcl``), and the
    instances send it their purges.
    """
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise ServerUnavailable("nginx not found; install Debian's 'nginx' package")
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if varnish and not Path(varnishd).exists():
        raise ServerUnavailable("varnishd not found; install Debian's 'varnish'")
    folder.mkdir(parents=True, exist_ok=True)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    with contextlib.ExitStack() as cleanup:
        say("starting PostgreSQL and Redis (throwaway: gone when you stop)")
        postgres = ThrowawayPostgres()
        redis = ThrowawayRedis()
        cleanup.callback(postgres.stop)
        postgres.start()
        cleanup.callback(redis.stop)
        redis_url = redis.start()
        port = port or free_port()
        site = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DATABASE_URL=postgres.create_database("dateline"),
            REDIS_URL=redis_url,
            TASKS_BACKEND="database",
            DATELINE_DATA_DIR=str(folder / "var"),
            DATELINE_SITE_URL=site,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATELINE_SERVE_MEDIA="false",
            WEB_CONCURRENCY="1",
            # Prometheus may scrape each instance from this machine.
            DATELINE_METRICS_NETWORKS="127.0.0.1/32,::1/128",
        )
        varnish_port = free_port() if varnish else 0
        if varnish:
            env.update(
                DATELINE_CDN_MAX_AGE="300",
                DATELINE_CDN_PURGE="varnish",
                DATELINE_CDN_PURGE_URLS=f"http://127.0.0.1:{varnish_port}/",
            )
        # One secret for every instance, as EnvironmentFile gives them.
        env.setdefault("SECRET_KEY", os.urandom(32).hex())
        stack = Stack(
            url=site,
            instances=[],
            live="",
            env=env,
            folder=folder,
            postgres=postgres,
            redis=redis,
        )

        # Whatever runs at the end (a test may replace a process): last
        # started, first stopped, before the databases go.
        cleanup.callback(_stop_all, stack)
        say("migrating and loading the demo content")
        bootstrap = ["bootstrap"]
        if not demo:
            bootstrap.append("--no-demo")
        for line in stack.manage(*bootstrap).splitlines():
            say(f"  {line}")

        stack.start("worker", unit_command("dateline-worker.service"))
        for number in range(1, instances + 1):
            stack.instances.append(stack.start_instance(number, free_port()))
        live_port = free_port()
        streams = stack.start(
            "live", unit_command("dateline-live@.service", str(live_port))
        )
        stack.live = f"http://127.0.0.1:{live_port}"
        # No stream for thread 0: 204 at once, once it listens.
        wait_until(stack.live + "/live/threads/0/", streams, "live", logs / "live.log")
        prefix = folder / "nginx"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        (prefix / "dateline.conf").write_text(
            nginx_site(
                listen=f"127.0.0.1:{port}",
                upstreams=[u.removeprefix("http://") for u in stack.instances],
                live=[stack.live.removeprefix("http://")],
                data_dir=folder / "var",
            )
        )
        (prefix / "nginx.conf").write_text(_nginx_main(prefix))
        proxy = stack.start(
            "nginx",
            [
                nginx,
                "-e",
                str(prefix / "error.log"),
                "-p",
                str(prefix),
                "-c",
                str(prefix / "nginx.conf"),
            ],
        )
        wait_until(site + "/api/form-token", proxy, "nginx", prefix / "error.log")
        if varnish:
            work = folder / "varnish"
            work.mkdir(exist_ok=True)
            vcl = work / "dateline.vcl"
            behind = [u.removeprefix("http://") for u in stack.instances]
            vcl.write_text(varnish_vcl(backends=behind))
            cache = stack.start(
                "varnish",
                [
                    *(varnishd, "-F", "-j", "none", "-f", str(vcl)),
                    *("-a", f"127.0.0.1:{varnish_port}", "-n", str(work / "state")),
                    *("-s", "malloc,64m", "-T", "none"),
                ],
            )
            stack.varnish_url = f"http://127.0.0.1:{varnish_port}"
            wait_until(
                stack.varnish_url + "/healthz", cache, "varnish", logs / "varnish.log"
            )
        yield stack
        say("stopping")
        _stop(proxy, signal.SIGQUIT)  # graceful: finish the requests in flight


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dateline.stack")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "prod")
    parser.add_argument(
        "--varnish", action="store_true", help="Varnish in front as well (a CDN)"
    )
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(f"[run-prod] {message}", flush=True)

    stopping = False

    def interrupted(signum: int, frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        with running(
            args.folder,
            port=args.port,
            instances=args.instances,
            varnish=args.varnish,
            say=say,
        ) as stack:
            behind = ", ".join(stack.instances)
            say(f"Dateline: {stack.url}/ (nginx) in front of {behind}")
            say(f"live streams: {stack.live}/live/ (nginx sends /live/ there)")
            if stack.varnish_url:
                say(f"Varnish: {stack.varnish_url}/ in front of {behind}")
            say(f"logs: {stack.folder / 'logs'}; Ctrl-C stops everything")
            while all(p.poll() is None for p in stack.processes.values()):
                time.sleep(1)
            dead = [name for name, p in stack.processes.items() if p.poll() is not None]
            say(f"{', '.join(dead)} stopped; see {stack.folder / 'logs'}")
    except KeyboardInterrupt:
        say("stopped")
    except (StackError, ServerUnavailable) as exc:
        sys.exit(f"run-prod: {exc}")


if __name__ == "__main__":
    main()
