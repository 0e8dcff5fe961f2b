"""Live streams (``BENCH_SCENARIO=live``, and part of the default run).

Starts the embedded site's app server and ``python -m dateline live`` (one
process, one event loop) sharing a throwaway Redis, as in production. For
each count in BENCH_LIVE_READERS (``1000 5000``) it connects that many
readers to one thread's stream, from one client process, and prints:

- ``live_{n}_connected``: how many streams the process held (all of them, or
  fewer when it refused some);
- ``live_{n}_rss_mb`` and ``live_{n}_kb_per_stream``: the live process's
  resident memory with them, and what each added to it;
- ``live_{n}_fanout_p50_ms`` / ``_p99_ms`` / ``_max_ms``: from sending a
  comment's POST to the app server to its event reaching each reader, over
  BENCH_LIVE_POSTS posts (5). The readers are parsed by one Python process on
  the same two cores as the servers, so these include the client's own time
  to read 5,000 sockets: an upper bound.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from dateline.stack import wait_until
from dateline.testing.servers import ThrowawayRedis, free_port

READERS = [int(n) for n in os.environ.get("BENCH_LIVE_READERS", "1000 5000").split()]
POSTS = int(os.environ.get("BENCH_LIVE_POSTS", "5"))
ROOT = Path(__file__).resolve().parent.parent


def _rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its children (Granian's worker)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def _post(base: str, thread: int, number: int) -> int:
    request = urllib.request.Request(  # noqa: S310 - http on loopback
        f"{base}/api/threads/{thread}/comments",
        data=json.dumps(
            {
                "body": f"Reader number {number} here, and this one goes out live.",
                "name": f"Live reader {number}",
            }
        ).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": f"10.66.{number // 250}.{number % 250 + 1}",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(json.loads(response.read())["comment"]["id"])


class Reader:
    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.seen: dict[bytes, float] = {}  # b'"id":N' -> when it arrived
        self.refused = False


async def _read(host: str, port: int, thread: int, reader: Reader) -> None:
    stream, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /live/threads/{thread}/ HTTP/1.1\r\nHost: {host}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    buffered = b""
    try:
        while True:
            chunk = await stream.read(65536)
            now = time.monotonic()
            if not chunk:
                reader.refused = not reader.ready.is_set()
                reader.ready.set()
                return
            buffered += chunk
            if not reader.ready.is_set():
                if b": live" in buffered:
                    reader.ready.set()
                elif b"\r\n\r\n" in buffered and b" 200 " not in buffered:
                    reader.refused = True
                    reader.ready.set()
                    return
            while b'"id":' in buffered:
                start = buffered.index(b'"id":')
                end = start + 5
                while end < len(buffered) and buffered[end : end + 1].isdigit():
                    end += 1
                reader.seen.setdefault(buffered[start:end], now)
                buffered = buffered[end:]
            buffered = buffered[-64:]
    finally:
        writer.close()


async def _round(
    app: str, live: str, thread: int, count: int, pid: int, emit: Callable
) -> None:
    host, port = live.removeprefix("http://").split(":")
    readers = [Reader() for _ in range(count)]
    tasks = []
    before = _rss_kb(pid)
    for batch in range(0, count, 250):  # the backlog takes them in waves
        for reader in readers[batch : batch + 250]:
            tasks.append(asyncio.create_task(_read(host, int(port), thread, reader)))
        await asyncio.gather(*(r.ready.wait() for r in readers[batch : batch + 250]))
    connected = sum(1 for r in readers if not r.refused)
    await asyncio.sleep(1)
    after = _rss_kb(pid)
    emit(f"live_{count}_connected", connected)
    emit(f"live_{count}_rss_mb", round(after / 1024, 1))
    emit(f"live_{count}_kb_per_stream", round((after - before) / max(connected, 1), 1))
    loop = asyncio.get_running_loop()
    delays: list[float] = []
    for number in range(POSTS):
        sent = time.monotonic()
        comment = await loop.run_in_executor(None, _post, app, thread, count + number)
        wanted = f'"id":{comment}'.encode()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(wanted in r.seen for r in readers if not r.refused):
                break
            await asyncio.sleep(0.05)
        for reader in readers:
            if not reader.refused:
                # Not arrived within 15 s counts as 15 s.
                delays.append(reader.seen.get(wanted, sent + 15) - sent)
        await asyncio.sleep(0.5)
    delays.sort()
    emit(f"live_{count}_fanout_p50_ms", round(statistics.median(delays) * 1000))
    emit(
        f"live_{count}_fanout_p99_ms",
        round(delays[int(len(delays) * 0.99) - 1] * 1000),
    )
    emit(f"live_{count}_fanout_max_ms", round(delays[-1] * 1000))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def streams(env: dict[str, str], data_dir: Path, emit: Callable, log: Callable) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(READERS) * 2 + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    redis = ThrowawayRedis()
    env = {**env, "REDIS_URL": redis.start(), "DATELINE_LIVE_MAX": str(max(READERS))}
    app_port, live_port = free_port(), free_port()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for args, name in (
            (["serve", "--port", str(app_port), "--workers", "1"], "app"),
            (["live", "--port", str(live_port)], "live"),
        ):
            with (data_dir / f"live_{name}.log").open("w") as out:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "dateline", *args, "--no-access-log"],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its worker stops with it
                    )
                )
        app, live = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{live_port}"
        wait_until(
            app + "/api/form-token",
            processes[0],
            "the app server",
            data_dir / "live_app.log",
        )
        wait_until(
            live + "/live/threads/0/",
            processes[1],
            "the live server",
            data_dir / "live_live.log",
        )
        with urllib.request.urlopen(app + "/api/threads/1/comments") as response:  # noqa: S310
            thread = json.loads(response.read())["thread"]["id"]
        _post(app, thread, 0)  # the thread is live (a comment lately)
        for count in READERS:
            log(f"live: {count} readers of one thread")
            asyncio.run(_round(app, live, thread, count, processes[1].pid, emit))
    finally:
        for process in reversed(processes):
            _stop(process)
        redis.stop()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Granian lets open streams finish before it exits (after 5,000 readers
    it took over 30 s): ten seconds, then its whole group, worker included."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
