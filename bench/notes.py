"""``make bench``'s notes phase: one context-notes scoring run
(``manage.py score_notes``: read every rating and vote, fit twice, store)
on a site of BENCH_NOTES_MEMBERS members (default 20,000) with
BENCH_NOTES_RATINGS note ratings (200,000) and BENCH_NOTES_VOTES comment
votes (1,000,000), seeded once by ``bench/notes_seed.py`` into its own data
directory. Prints the run's seconds (the process's, start-up included, and
the scorer's own) and the process's peak RSS; the notes issue's target is
under 60 s. BENCH_NOTES_VOTES=0 leaves the phase out.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import imports

MEMBERS = int(os.environ.get("BENCH_NOTES_MEMBERS", "20000"))
RATINGS = int(os.environ.get("BENCH_NOTES_RATINGS", "200000"))
VOTES = int(os.environ.get("BENCH_NOTES_VOTES", "1000000"))
NOTES = RATINGS // 10
COMMENTS = 50_000


def phase(
    data_dir: Path,
    env_for: Callable[[Path], dict[str, str]],
    run: Callable[[list[str], dict[str, str]], str],
    emit: Callable[[str, object], None],
    log: Callable[[str], None],
) -> None:
    folder = data_dir / f"notes-{MEMBERS}-{VOTES}-{RATINGS}"
    folder.mkdir(parents=True, exist_ok=True)
    env = env_for(folder)
    run(["manage.py", "bootstrap", "--no-demo"], env)
    log(f"seeding {VOTES} votes and {RATINGS} note ratings (once)")
    seeded = run(
        [
            "bench/notes_seed.py",
            *(str(n) for n in (MEMBERS, COMMENTS, VOTES, NOTES, RATINGS)),
        ],
        env,
    )
    log(f"seeded: {seeded.strip()}")
    seconds, peak_mb, out = imports.measured(["manage.py", "score_notes"], env)
    found = re.search(r"(\d+) ratings, (\d+) votes, (\d+) raters, ([\d.]+) s", out)
    if not found:
        sys.exit(f"bench: score_notes printed {out!r}")
    ratings, votes, raters, scorer_s = found.groups()
    emit("notes_score_ratings", ratings)
    emit("notes_score_votes", votes)
    emit("notes_score_raters", raters)
    emit("notes_score_run_s", scorer_s)
    emit("notes_score_process_s", f"{seconds:.1f}")
    emit("notes_score_peak_rss_mb", f"{peak_mb:.0f}")
