"""Throwaway PostgreSQL and Redis servers for the test suite and benchmarks.

They are started from the machine's own binaries (Debian's packages), on a
free loopback port, in a temporary folder that is removed on stop.
PostgreSQL refuses to run as root, so as root its commands run as the
``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """The binaries this server needs are not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server ``bin`` folder on this machine, if any."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name)
            if Path(p).parent.parent.name.isdigit()
            else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class ThrowawayPostgres:
    def __init__(self) -> None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise ServerUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; "
                "install Debian's 'postgresql' package"
            )
        self.bin_dir = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-pg-"))
        self.data = self.folder / "data"
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> str:
        if self._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--no-locale",
        )
        self._pg_ctl_start()
        return self.url("dateline")

    def _pg_ctl_start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def pause(self) -> None:
        """Stop the server and keep its data (an outage, for failure tests)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start it again after :meth:`pause`, on the same port."""
        self._pg_ctl_start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start_replica(self) -> ThrowawayPostgres:
        """A hot standby streaming from this server, on a port of its own.

        ``pg_basebackup -R`` copies the running server and writes the
        standby's connection to it; the standby then follows every change.
        """
        replica = ThrowawayPostgres()
        if replica._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(replica.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            "pg_basebackup",
            *("-D", str(replica.data), "-h", "127.0.0.1", "-p", str(self.port)),
            *("-U", "postgres", "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"),
        )
        replica._pg_ctl_start()
        return replica

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayRedis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServerUnavailable(
                "redis-server not found; install Debian's 'redis-server' package"
            )
        self.binary = binary
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5
                ) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return f"redis://127.0.0.1:{self.port}/0"
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start within 20 seconds")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayMariaDB:
    """A MariaDB server (Debian's ``mariadb-server``) for the WordPress source.

    The root account is reached through the server's socket only; tests and
    the importer connect over loopback TCP as a user that may only read.
    """

    READER = "reader"
    READER_PASSWORD = "read-only-for-tests"  # noqa: S105 (a throwaway server's)

    def __init__(self) -> None:
        server = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        install = shutil.which("mariadb-install-db")
        client = shutil.which("mariadb")
        if not (Path(server).exists() and install and client):
            raise ServerUnavailable(
                "MariaDB (mariadbd, mariadb-install-db, mariadb) not found; "
                "install Debian's 'mariadb-server' package"
            )
        self.server, self.install, self.client = server, install, client
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-mariadb-"))
        self.data = self.folder / "data"
        self.socket = self.folder / "mariadb.sock"
        self.process: subprocess.Popen[bytes] | None = None
        self._user = ["--user=mysql"] if os.geteuid() == 0 else []

    def start(self) -> None:
        if self._user:
            entry = pwd.getpwnam("mysql")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [
                self.install,
                "--no-defaults",
                *self._user,
                f"--datadir={self.data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(
            [
                self.server,
                "--no-defaults",
                *self._user,
                f"--datadir={self.data}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.folder / 'mariadb.pid'}",
                f"--log-error={self.folder / 'server.log'}",
                "--innodb-flush-log-at-trx-commit=0",
                "--skip-log-bin",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = subprocess.run(
                [self.client, f"--socket={self.socket}", "-uroot", "-e", "SELECT 1"],
                capture_output=True,
            )
            if done.returncode == 0:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"MariaDB did not start within 60 seconds:\n{log}")

    def sql(self, statements: str, database: str = "") -> None:
        """Run ``statements`` as root (a dump, or setup)."""
        command = [self.client, f"--socket={self.socket}", "-uroot"]
        if database:
            command.append(database)
        done = subprocess.run(command, input=statements.encode(), capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"mariadb: {done.stderr.decode(errors='replace')}")

    def load(self, database: str, dump: str) -> str:
        """A new database holding ``dump``; the URL of a user who may only read it."""
        self.sql(
            f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4;"
            f"CREATE USER IF NOT EXISTS '{self.READER}'@'127.0.0.1' "
            f"IDENTIFIED BY '{self.READER_PASSWORD}';"
            f"GRANT SELECT ON `{database}`.* TO '{self.READER}'@'127.0.0.1';"
        )
        self.sql(dump, database)
        return f"mysql://{self.READER}:{self.READER_PASSWORD}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
