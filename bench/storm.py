"""The breaking story (``BENCH_SCENARIO=storm``): readers and writers at once.

Anonymous readers load one article page and its thread's JSON first page in
turn, at concurrency BENCH_STORM_C (64): first for BENCH_STORM_QUIET seconds
(20) with no writes, then for BENCH_STORM_DURATION seconds (60) while guest
comments arrive at BENCH_STORM_POSTS a second (20), each from a client of
its own, and members' votes at BENCH_STORM_VOTES a second (50). The writers
keep to their schedule whatever the answers take (an open loop: a slow
server gets the same traffic, not less).

Printed, as ``storm_{tag}...`` lines: the readers' rate, p50/p99/max latency
and what served their pages (``cache=front:N,hit:N,...`` and the share
answered without building the page); the same with no writes, before the
storm (``quiet_``) and again after it (``quiet_after_``); the ratio of the
storm's rate to the one before (the target) and to the mean of both (the
machine's drift taken out); how long a new comment took to appear in an
anonymous reader's newest-first JSON (p50/p99/max, polled every 20 ms); the
writers' p99 for posts and votes; answers that were not 2xx; whether
every comment answered 201 is in the thread at the end
(``storm_lost_comments``; a post moderation asks the writer to reconsider
is sent again as it is, as a writer who insists would, and counted as
``409-reconsider``); and, for each phase, how much of the machine's
CPU time was busy, idle, or stolen by a VM's host (``cpu_*shares``).

On the production topology, BENCH_STORM_PROD_ENV ("NAME=value ...") restarts
the instances with those settings first (``DATELINE_THREADS=6
DATELINE_DB_POOL_SIZE=8``, say).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

C = int(os.environ.get("BENCH_STORM_C", "64"))
QUIET = int(os.environ.get("BENCH_STORM_QUIET", "20"))
DURATION = int(os.environ.get("BENCH_STORM_DURATION", "60"))
POSTS = float(os.environ.get("BENCH_STORM_POSTS", "20"))
VOTES = float(os.environ.get("BENCH_STORM_VOTES", "50"))
POLL = 0.02
SETTLE = 5  # seconds between the storm and the second quiet phase
SECRET = "stormbenchcsrfsecret0123456789ab"  # noqa: S105 - a CSRF cookie, 32 chars
WORDS = (  # noqa: SIM905 - easier to read as prose
    "ferry harbour council bridge closed again tonight seriously who decided "
    "this my bus was 40 min late thanks for the update does anyone know if "
    "the tram runs tomorrow the numbers in para 3 dont add up imo fair point "
    "but the report says otherwise lol source please stay safe everyone"
).split()
# Cache sources that answered without building the page.
SERVED_FROM_CACHE = ("front", "front-stale", "hit", "stale")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Client:
    """One keep-alive connection per thread to the server under test."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local = threading.local()

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        for attempt in (1, 2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=30
                )
                self.local.connection = connection
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                return answer.status, data, (time.perf_counter() - started) * 1000
            except (OSError, http.client.HTTPException):
                connection.close()
                self.local.connection = None
                if attempt == 2 or method != "GET":
                    return 0, b"", (time.perf_counter() - started) * 1000
        raise AssertionError("unreachable")


@dataclass
class Writers:
    """The posts and votes of one storm, and what became of them."""

    client: Client
    seeded: dict[str, Any]
    run: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    post_ms: list[float] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    published: list[int] = field(default_factory=list)
    pending: dict[int, float] = field(default_factory=dict)  # id: when answered
    visible_ms: list[float] = field(default_factory=list)

    def count(self, kind: str, status: int | str) -> None:
        with self.lock:
            key = f"{kind}:{status}"
            self.statuses[key] = self.statuses.get(key, 0) + 1

    def post(self, k: int) -> None:
        rng = random.Random(self.run * 1_000_003 + k)  # noqa: S311 - not secret
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40)))
        body = json.dumps(
            {
                "body": f"{words} ({k})",
                "name": f"Storm reader {k}",
                "email": f"storm{k}@example.invalid",
            }
        ).encode()
        path = f"/api/threads/{self.seeded['thread']}/comments"
        headers = {
            "Content-Type": "application/json",
            "X-Forwarded-For": self.address(k),
        }
        status, data, ms = self.client.request("POST", path, body, headers)
        if status == 409 and json.loads(data or b"{}").get("code") == "reconsider":
            # Moderation asked the writer to think again (a word salad may
            # read as rude); this writer sends it as it is, as people may.
            self.count("post", "409-reconsider")
            confirmed = {**json.loads(body), "confirm": True}
            status, data, more = self.client.request(
                "POST", path, json.dumps(confirmed).encode(), headers
            )
            ms += more
        answered = time.monotonic()
        self.count("post", status)
        with self.lock:
            self.post_ms.append(ms)
        if status == 201:
            payload = json.loads(data)
            comment = payload.get("comment", payload)  # a guest's has its key too
            if comment.get("status") == "published":
                with self.lock:
                    self.published.append(comment["id"])
                    self.pending[comment["id"]] = answered

    def vote(self, k: int) -> None:
        rng = random.Random(self.run * 7_000_003 + k)  # noqa: S311 - not secret
        sessions = self.seeded["sessions"]
        comment = rng.choice(self.seeded["ids"])
        cookie = (
            f"{self.seeded['session_cookie']}={sessions[k % len(sessions)]}; "
            f"{self.seeded['csrf_cookie']}={SECRET}"
        )
        status, _, ms = self.client.request(
            "PUT",
            f"/api/comments/{comment}/vote",
            json.dumps({"value": rng.choice((1, 1, 1, -1, 0))}).encode(),
            {
                "Content-Type": "application/json",
                "Cookie": cookie,
                "X-CSRFToken": SECRET,
                "X-Forwarded-For": self.address(k + 500_000),
            },
        )
        self.count("vote", status)
        with self.lock:
            self.vote_ms.append(ms)

    def address(self, k: int) -> str:
        n = self.run + k
        return f"10.{(n >> 8) % 256}.{n % 256}.{1 + (n >> 16) % 254}"

    def poll(self, writing: threading.Event) -> None:
        """Note when each published comment first shows, newest first: while
        the writers write, then until every comment showed, or 10 s more."""
        path = f"/api/threads/{self.seeded['thread']}/comments?sort=newest"
        deadline = float("inf")
        while time.monotonic() < deadline:
            if not writing.is_set():
                if not self.pending:
                    break
                deadline = min(deadline, time.monotonic() + 10)
            status, data, _ = self.client.request("GET", path, None, {})
            seen = time.monotonic()
            if status == 200:
                ids = {c["id"] for c in json.loads(data)["comments"]}
                with self.lock:
                    late = any(seen - t > 1 for t in self.pending.values())
                if late:  # pushed past the first page between two looks?
                    more, data, _ = self.client.request(
                        "GET", path + "&page=2", None, {}
                    )
                    if more == 200:
                        ids |= {c["id"] for c in json.loads(data)["comments"]}
                with self.lock:
                    for comment in [i for i in self.pending if i in ids]:
                        self.visible_ms.append(
                            (seen - self.pending.pop(comment)) * 1000
                        )
            time.sleep(POLL)


def schedule(rate: float, seconds: float, job: Callable[[int], None]) -> Any:
    """Start ``job(k)`` at ``rate`` a second for ``seconds``, on a pool, so a
    slow answer does not delay the next one."""
    pool = ThreadPoolExecutor(max_workers=24)
    total = int(rate * seconds)
    started = time.monotonic()

    def run() -> None:
        for k in range(total):
            delay = started + k / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(job, k)
        pool.shutdown(wait=True)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def run_wrk(lua: str, base: str, paths: list[str], seconds: int) -> dict[str, str]:
    """wrk's report for the readers (``dateline.lua`` in read mode)."""
    done = subprocess.run(
        [
            *("wrk", "-t1", f"-c{C}", f"-d{seconds}s", "--timeout", "10s"),
            *("-s", lua, base + paths[0]),
        ],
        env={**os.environ, "BENCH_READ_PATHS": ",".join(paths)},
        capture_output=True,
        text=True,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(
            f"bench: storm: wrk gave no report:\n{done.stdout}{done.stderr}"
        )
    return dict(part.split("=", 1) for part in line[4:].split())


def cpu_jiffies() -> list[int]:
    """The machine's CPU time so far, by kind (``/proc/stat``'s first line):
    user, nice, system, idle, iowait, irq, softirq, steal."""
    try:
        with open("/proc/stat") as stat:
            return [int(n) for n in stat.readline().split()[1:9]]
    except OSError:  # not Linux
        return [0] * 8


def cpu_shares(before: list[int], after: list[int]) -> str:
    """How the machine's CPU time went between two ``cpu_jiffies``: busy,
    idle and stolen (by the host of a VM: time this machine did not get)."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    idle = spent[3] + spent[4]
    steal = spent[7]
    busy = total - idle - steal
    return f"busy={busy / total:.2f},idle={idle / total:.2f},steal={steal / total:.2f}"


def served_from_cache(fields: dict[str, str]) -> float:
    counts = {
        source: int(n)
        for source, n in (
            part.split(":") for part in fields["cache"].split(",") if ":" in part
        )
    }
    total = sum(counts.values())
    return sum(counts.get(s, 0) for s in SERVED_FROM_CACHE) / total if total else 0.0


def all_published_are_there(client: Client, seeded: dict, published: list[int]) -> int:
    """How many comments answered 201 (published) the thread does not show."""
    missing = set(published)
    page = 1
    while missing:
        status, data, _ = client.request(
            "GET",
            f"/api/threads/{seeded['thread']}/comments?sort=newest&page={page}",
            None,
            {},
        )
        if status != 200:
            break
        payload = json.loads(data)
        missing -= {c["id"] for c in payload["comments"]}
        if page >= payload["num_pages"]:
            break
        page += 1
    return len(missing)


def storm(
    tag: str,
    base: str,
    seeded: dict[str, Any],
    lua: str,
    emit: Callable[[str, object], None],
    log: Callable[[str], None],
) -> dict[str, float]:
    """The quiet baseline, then the storm; lines are ``storm_{tag}...``."""
    paths = [seeded["path"], f"/api/threads/{seeded['thread']}/comments"]
    client = Client(base)
    for path in paths:  # warm
        client.request("GET", path, None, {})
    subprocess.run(
        ["wrk", "-t1", f"-c{C}", "-d2s", base + paths[0]],
        capture_output=True,
        check=False,
    )
    name = f"storm_{tag}"
    emit(f"{name}c", C)
    emit(f"{name}posts_per_s", POSTS)
    emit(f"{name}votes_per_s", VOTES)
    emit(f"{name}duration_s", DURATION)
    log(f"storm: readers alone for {QUIET} s")
    cpu = [cpu_jiffies()]
    quiet = run_wrk(lua, base, paths, QUIET)
    cpu.append(cpu_jiffies())
    log(f"storm: quiet: {quiet}")
    writers = Writers(client, seeded, random.randrange(1 << 22))  # noqa: S311
    log(
        f"storm: readers at c={C} with {POSTS:g} comments and {VOTES:g} votes a "
        f"second for {DURATION} s"
    )
    writing = threading.Event()
    writing.set()
    posting = schedule(POSTS, DURATION, writers.post)
    voting = schedule(VOTES, DURATION, writers.vote)
    poller = threading.Thread(target=writers.poll, args=(writing,), daemon=True)
    poller.start()
    cpu.append(cpu_jiffies())
    loud = run_wrk(lua, base, paths, DURATION)
    cpu.append(cpu_jiffies())
    log(f"storm: loud: {loud}")
    posting.join()
    voting.join()
    writing.clear()
    poller.join()
    lost = all_published_are_there(client, seeded, writers.published)
    # The readers alone again, SETTLE seconds after the writers stopped: the
    # machine's own speed drifts (a tenth and more within minutes on a VM),
    # and a baseline on both sides shows how far it moved.
    time.sleep(SETTLE)
    log(f"storm: readers alone again for {QUIET} s")
    cpu.append(cpu_jiffies())
    after = run_wrk(lua, base, paths, QUIET)
    cpu.append(cpu_jiffies())
    log(f"storm: quiet after: {after}")

    phases = (("quiet_", quiet), ("", loud), ("quiet_after_", after))
    for (label, _), start, end in zip(phases, cpu[::2], cpu[1::2], strict=True):
        emit(f"{name}cpu_{label}shares", cpu_shares(start, end))
    for label, fields in phases:
        for key in ("rps", "p50_ms", "p99_ms", "max_ms", "non2xx", "cache"):
            emit(f"{name}readers_{label}{key}", fields[key])
        sockerr = sum(
            int(fields[k])
            for k in ("err_connect", "err_read", "err_write", "err_timeout")
        )
        emit(f"{name}readers_{label}sockerr", sockerr)
        emit(f"{name}readers_{label}cached_share", f"{served_from_cache(fields):.3f}")
    ratio = float(loud["rps"]) / float(quiet["rps"])
    emit(f"{name}readers_vs_quiet", f"{ratio:.2f} (target >=0.5)")
    both = (float(quiet["rps"]) + float(after["rps"])) / 2
    emit(f"{name}readers_vs_quiet_both_sides", f"{float(loud['rps']) / both:.2f}")
    visible = writers.visible_ms
    emit(f"{name}visible_p50_ms", f"{percentile(visible, 0.5):.0f}")
    emit(f"{name}visible_p99_ms", f"{percentile(visible, 0.99):.0f} (target <=1000)")
    emit(f"{name}visible_max_ms", f"{max(visible, default=float('nan')):.0f}")
    emit(f"{name}never_visible", len(writers.pending))
    emit(f"{name}posts_published", len(writers.published))
    emit(f"{name}post_p99_ms", f"{percentile(writers.post_ms, 0.99):.0f}")
    emit(f"{name}vote_p99_ms", f"{percentile(writers.vote_ms, 0.99):.0f}")
    emit(f"{name}post_p50_ms", f"{statistics.median(writers.post_ms or [0]):.0f}")
    emit(f"{name}vote_p50_ms", f"{statistics.median(writers.vote_ms or [0]):.0f}")
    emit(
        f"{name}writer_statuses",
        ",".join(f"{k}={n}" for k, n in sorted(writers.statuses.items())),
    )
    emit(f"{name}lost_comments", lost)
    bad = (
        int(loud["non2xx"])
        + sum(
            n
            for k, n in writers.statuses.items()
            if k.split(":")[1][0] != "2" and not k.endswith("-reconsider")
        )
        + lost
        + len(writers.pending)
    )
    emit(f"{name}clean", int(bad == 0))
    return {"readers": float(loud["rps"]), "quiet": float(quiet["rps"])}
